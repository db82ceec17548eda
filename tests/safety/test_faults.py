"""Faults of real processes: a parse worker killed mid-load, an editor that exits during the
first index, FIFOs where notes or the cache should be. Workers are found as what they are,
children of the loading process running ``vault_ls.vault.worker`` (``/proc``), and killed
with SIGKILL, as the OOM killer does. What used to hang runs in a process with a timeout."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.e2e.conftest import write_vault as write_e2e_vault
from tests.safety.test_wire import VAULT as WIRE_VAULT
from tests.safety.test_wire import Wire
from tests.vault.test_parallel_load import graph, write_vault

from vault_ls.vault import disk_note, fs
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.workspace import Vault

needs_workers = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or not Path("/proc/self/stat").exists(),
    reason="needs parse workers (2 cores) and /proc to find them",
)


def worker_pids(parent: int) -> list[int]:
    """The live parse workers of process ``parent`` (a zombie has an empty command line)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        parent_pid = int(stat.rpartition(")")[2].split()[1])
        if parent_pid == parent and b"vault_ls.vault.worker" in command:
            found.append(int(entry))
    return found


def lost_message(pid: int) -> str:
    return (
        f"a parse worker (pid {pid}) ended unexpectedly (exit code -9); its notes are parsed "
        "again without it"
    )


# --- a worker killed mid-load ------------------------------------------------------------

SMALL = 700  # notes: 7 chunks, so that each worker has one in flight at the kill


@needs_workers
@pytest.mark.parametrize("kills", [1, 2], ids=["one worker", "every worker"])
def test_a_worker_killed_mid_load_costs_no_note(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kills: int
) -> None:
    root = tmp_path / "vault"
    write_vault(root, SMALL)
    vault = Vault(root, use_cache=False)
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if not killed:  # after the first chunk came back
            for pid in worker_pids(os.getpid())[:kills]:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    with caplog.at_level(logging.WARNING, logger="vault_ls"):
        vault.load(progress)
    assert len(killed) == kills
    assert sorted(record.getMessage() for record in caplog.records) == sorted(
        lost_message(pid) for pid in killed
    )
    notes = vault.index.notes
    parsed = [disk_note.parse_from_disk(vault.root, path) for path in sorted(notes)]
    assert len(notes) == SMALL
    assert notes == {note.path: note for note in parsed}
    serial = VaultIndex()
    serial.set_notes(parsed, sorted(vault.index.attachments))
    assert graph(vault.index) == graph(serial)
    assert worker_pids(os.getpid()) == []


@needs_workers
def test_check_with_a_killed_worker_still_reports_every_problem(tmp_path: Path) -> None:
    """``vault-ls check`` used to exit 0 with no output at all: a CI gate that passed."""
    root = tmp_path / "vault"
    write_vault(root, SMALL)
    command = [sys.executable, "-m", "vault_ls", "check", "--no-cache", str(root)]
    expected = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert expected.stdout.count("\n") > SMALL  # every note has problems
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        deadline = time.monotonic() + 60
        while not (workers := worker_pids(process.pid)):
            assert process.poll() is None and time.monotonic() < deadline, "no worker started"
            time.sleep(0.005)
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait()
    assert stderr == lost_message(workers[0]) + "\n"
    assert stdout == expected.stdout
    assert process.returncode == expected.returncode == 1  # the vault has errors


# --- the editor closed during the first index ----------------------------------------------

NOTES = 3000  # about ten seconds of indexing on a loaded 2-core machine


def write_big_vault(root: Path) -> Path:
    for number in range(NOTES):
        folder = root / f"Folder {number % 10} — ü"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(
            f"## Part {part} — 😀\n\nSee [[Note {(number * 7 + part) % NOTES}]], "
            f"[[Missing {number}]] and #tag{part} 中文.\n\n"
            for part in range(8)
        )
        (folder / f"Note {number}.md").write_text(f"# Note {number}\n\n{body}", encoding="utf-8")
    return root


@needs_workers
@pytest.mark.parametrize("ending", ["shutdown and exit", "end of input"])
async def test_the_session_ending_during_the_first_index_ends_the_process(
    tmp_path: Path, ending: str
) -> None:
    """It never ended: it span, indexing, and wrote ~5 MB/s of "I/O operation on closed file"
    tracebacks. Wanted within a second; two are allowed for a loaded CI machine."""
    root = write_big_vault(tmp_path / "vault")
    env = {**os.environ, "VAULT_LS_CACHE_DIR": str(tmp_path / "cache")}
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "vault_ls"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
        wire = Wire(process, root, stderr_path)
        try:
            capabilities = {"window": {"workDoneProgress": True}}
            await wire.call(
                "initialize",
                {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities},
            )
            await wire.notify("initialized", {})
            await wire.notification(
                lambda m: (
                    m["method"] == "$/progress" and m["params"]["value"].get("percentage", 0) >= 10
                ),
                timeout=120,
            )
            workers = worker_pids(process.pid)
            assert workers, "the index is parsed by workers"
            if ending == "shutdown and exit":
                await wire.call("shutdown")
                started = time.monotonic()
                await wire.notify("exit")
            else:
                started = time.monotonic()
                assert process.stdin is not None
                process.stdin.close()
            code = await asyncio.wait_for(process.wait(), 2)
            took = time.monotonic() - started
        finally:
            await wire.close()
    assert code == 0
    assert took < 2
    assert [pid for pid in workers if Path(f"/proc/{pid}/cmdline").exists()] == []
    assert stderr_path.read_bytes() == b""


@needs_workers
async def test_file_events_during_the_first_index_reach_the_index(tmp_path: Path) -> None:
    """A change, a create and a delete sent at ~10% of a first index of several seconds were
    all lost until a restart (3 of 3 trials on b36b671). All three show once indexed."""
    root = write_big_vault(tmp_path / "vault")
    env = {**os.environ, "VAULT_LS_CACHE_DIR": str(tmp_path / "cache")}
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "vault_ls"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
        wire = Wire(process, root, stderr_path)
        try:
            capabilities = {"window": {"workDoneProgress": True}}
            initialize = {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities}
            await wire.response(await wire.request("initialize", initialize), timeout=30)
            await wire.notify("initialized", {})
            await wire.notification(
                lambda m: (
                    m["method"] == "$/progress" and m["params"]["value"].get("percentage", 0) >= 10
                ),
                timeout=120,
            )
            changed = root / "Folder 5 — ü" / "Note 5.md"
            changed.write_text("# Note 5\n\n## Fresh — 😀\n", encoding="utf-8")
            created = root / "Created — 新.md"
            created.write_text("# Created — 新\n", encoding="utf-8")
            deleted = root / "Folder 7 — ü" / "Note 7.md"
            deleted.unlink()
            events = [(changed, 2), (created, 1), (deleted, 3)]
            changes = [{"uri": path.as_uri(), "type": kind} for path, kind in events]
            await wire.notify("workspace/didChangeWatchedFiles", {"changes": changes})
            indexed = await wire.notification(
                lambda m: m["method"] == "$/progress" and m["params"]["value"]["kind"] == "end",
                timeout=120,
            )
            assert indexed["params"]["value"]["message"] == f"Indexed {NOTES} notes"
            probe = root / "Probe.md"
            text = "[[Note 5#Fresh — 😀]] [[Created — 新]] [[Note 7]] [[Note 8]]\n"
            await wire.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": probe.as_uri(),
                        "languageId": "markdown",
                        "version": 1,
                        "text": text,
                    }
                },
            )
            published = await wire.notification(
                lambda m: (
                    m["method"] == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == probe.as_uri()
                ),
                timeout=20,
            )
            await wire.call("shutdown")
            await wire.notify("exit")
            assert await wire.exit_code() == 0
        finally:
            await wire.close()
    problems = [(d["code"], d["message"]) for d in published["params"]["diagnostics"]]
    assert problems == [("unresolved-link", 'No note named "Note 7"')]


# --- FIFOs ---------------------------------------------------------------------------------

FIFO_SKIPPED = "skipped what is not a regular file (a FIFO, socket or device)"


def check(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``vault-ls check`` run from inside the vault: paths print relative to it."""
    command = [sys.executable, "-m", "vault_ls", "check", *args, "."]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=root,
        timeout=20,
        check=False,
    )


def test_check_skips_a_fifo_named_like_a_note(tmp_path: Path) -> None:
    """It hung in ``open()`` for ever (index, ``exit`` and ``check`` alike)."""
    root = tmp_path / "vault"
    (root / "pics — ü").mkdir(parents=True)
    (root / "Alpha — 😀.md").write_text("# Alpha\n\n[[note]] [[Beta]] ![[pics — ü/pic.png]]\n")
    (root / "Beta.md").write_text("# Beta\n")
    os.mkfifo(root / "note.md")
    os.mkfifo(root / "pics — ü" / "pic.png")
    result = check(root, "--no-cache")
    assert result.stdout.splitlines() == [
        'Alpha — 😀.md:3:3: warning unresolved-link No note named "note"',
        'Alpha — 😀.md:3:22: warning unresolved-link No file at "pics — ü/pic.png"',
        "2 problems (0 errors, 2 warnings, 0 information, 0 hints) in 1 of 2 notes; "
        "3 links, 1 resolved",
    ]
    assert result.stderr == f"{root}: {FIFO_SKIPPED}: note.md, pics — ü/pic.png\n"
    assert result.returncode == 0


def test_a_fifo_at_the_cache_path_is_no_cache(tmp_path: Path) -> None:
    """Startup hung opening it; now it is no cache, and the save puts a cache in its place."""
    root = tmp_path / "vault"
    root.mkdir()
    (root / "Alpha.md").write_text("# Alpha\n\n[[Nowhere]]\n")
    cache = tmp_path / "cache"
    cache.mkdir()
    fifo = NoteCache(root.resolve(), cache).path
    os.mkfifo(fifo)
    env = {**os.environ, "VAULT_LS_CACHE_DIR": str(cache)}
    result = check(root, env=env)
    assert (
        result.stdout.splitlines()[0]
        == 'Alpha.md:3:3: warning unresolved-link No note named "Nowhere"'
    )
    assert result.returncode == 0
    assert stat.S_ISREG(os.stat(fifo).st_mode)
    assert len(NoteCache(root.resolve(), cache).load()) == 1


def test_a_note_replaced_by_a_fifo_reads_as_not_a_file(tmp_path: Path) -> None:
    """The race after the scan: the read must not block (``O_NONBLOCK``). Should it block,
    a writer is opened to release it, so the test fails instead of hanging."""
    fifo = tmp_path / "note.md"
    os.mkfifo(fifo)
    answers: list[tuple[str, str | None]] = []
    reader = threading.Thread(target=lambda: answers.append(fs.read_note(fifo)), daemon=True)
    reader.start()
    reader.join(2)
    if reader.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(2)
    assert answers == [("", fs.SPECIAL_MESSAGE)]


@pytest.mark.parametrize("event", ["watched file created", "file created"])
async def test_a_fifo_reported_after_indexing_keeps_the_server_answering(
    tmp_path: Path, event: str
) -> None:
    """The event loop froze in ``open()``: no request was answered again."""
    root = write_e2e_vault(tmp_path / "vault", WIRE_VAULT)
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "vault_ls"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "VAULT_LS_CACHE_DIR": str(tmp_path / "cache")},
        )
        wire = Wire(process, root, stderr_path)
        try:
            await wire.initialize()
            os.mkfifo(root / "Late — ü.md")
            address = wire.uri("Late — ü.md")
            if event == "watched file created":
                changes = {"changes": [{"uri": address, "type": 1}]}
                await wire.notify("workspace/didChangeWatchedFiles", changes)
            else:
                await wire.notify("workspace/didCreateFiles", {"files": [{"uri": address}]})
            await wire.assert_serving()
            await wire.call("shutdown")
            await wire.notify("exit")
            assert await wire.exit_code() == 0
        finally:
            await wire.close()
    warning = f"WARNING:vault_ls:{root.resolve()}: skipped Late — ü.md: not a regular file\n"
    assert stderr_path.read_text(encoding="utf-8") == warning
