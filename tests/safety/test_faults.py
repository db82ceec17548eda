"""Faults of real processes: a parse worker killed mid-load, an editor that exits during the
first index. Workers are found as what they are, children of the loading process running
``vault_ls.vault.worker`` (``/proc``), and killed with SIGKILL, as the OOM killer does."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.safety.test_wire import Wire
from tests.vault.test_parallel_load import graph, write_vault

from vault_ls.vault import loader
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.workspace import Vault

pytestmark = pytest.mark.skipif(
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
    parsed = [loader.parse_from_disk(vault.root, path) for path in sorted(notes)]
    assert len(notes) == SMALL
    assert notes == {note.path: note for note in parsed}
    serial = VaultIndex()
    serial.set_notes(parsed, sorted(vault.index.attachments))
    assert graph(vault.index) == graph(serial)
    assert worker_pids(os.getpid()) == []


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
