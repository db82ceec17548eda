"""The soak test: a session under random edits, file events, folder moves, opens and closes,
a re-index while they arrive, and one parse worker killed at a random point of the first
index, ends with the index a fresh start on the same disk gives: the same notes, names,
backlinks, tags, problems and completion answers.

Short mode (CI, the default): 600 notes, ~25 s of operations. Long mode: ``VAULT_LS_LONG=1``, as
for the other safety tests (10,000 notes, 30 minutes; ``VAULT_LS_SOAK_MINUTES`` sets another
length). The session is
driven directly (``Session``, as ``server.py`` drives it) on real files with real worker
processes; the seed is printed on failure (``VAULT_LS_SOAK_SEED`` replays one).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from tests.safety.test_faults import needs_workers, worker_pids
from tests.safety.test_safety_index import state_of

from vault_ls.features.note_search import FileTable, NoteTable, file_table_for, table_for
from vault_ls.session import Session
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.workspace import Vault

LONG = os.environ.get("VAULT_LS_LONG") == "1"
NOTES = 10_000 if LONG else 600
MINUTES = float(os.environ.get("VAULT_LS_SOAK_MINUTES", "30" if LONG else "0.4"))
FOLDERS = ["Projects", "Projects/Área 51", "Daily — 日記", "Archive/2024", "😀 Fun", ""]
WORDS = ["alpha", "beta", "gamma", "delta", "Café", "日本", "naïve", "emoji😀", "zeta", "—", "note"]
QUERIES = ["", "a", "no", "note 1", "日", "caf", "zz"]


class QuietClient:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def diagnostics_changed(self) -> None:
        pass

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def log(self, message: str, warning: bool = False) -> None:
        pass

    def vault_added(self, vault: Vault) -> None:
        pass


class Soak:
    """The disk, the editor's open documents, and the random operations on both."""

    def __init__(self, root: Path, session: Session, chooser: random.Random) -> None:
        self.root = root
        self.session = session
        self.rng = chooser
        self.open: dict[str, tuple[int, str]] = {}  # relative path -> (version, text)
        self.made = 0
        self.on_disk = {str(path.relative_to(root)) for path in root.rglob("*.md")}

    # --- the disk ------------------------------------------------------------------------

    def notes(self) -> list[str]:
        return sorted(self.on_disk)

    def text(self) -> str:
        rng = self.rng
        lines = []
        if rng.random() < 0.3:
            lines.append(f"---\naliases: [{rng.choice(WORDS)} {rng.randrange(50)}]\n---")
        if rng.random() < 0.7:
            lines.append(f"# {rng.choice(WORDS)} {rng.randrange(NOTES)}")
        for _ in range(rng.randrange(1, 5)):
            name = f"Note {rng.randrange(NOTES)}"
            anchor = rng.choice(["", "#Part", "#^b1", "|shown"])
            lines.append(f"{rng.choice(WORDS)} [[{name}{anchor}]] #{rng.choice(WORDS)} ^b1")
        if rng.random() < 0.2:
            lines.append("![[pic.png]] [x](../Projects/Note%201.md)")
        if rng.random() < 0.3:
            lines.append("## Part")
        return "\n".join(lines) + "\n"

    def new_path(self) -> str:
        self.made += 1
        folder = self.rng.choice(FOLDERS)
        name = f"Note {self.rng.randrange(NOTES)} new{self.made}.md"
        return f"{folder}/{name}" if folder else name

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if relative.endswith(".md"):
            self.on_disk.add(relative)

    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    # --- operations ----------------------------------------------------------------------

    def step(self) -> None:
        rng, session = self.rng, self.session
        roll = rng.random()
        notes = self.notes()
        if roll < 0.25 and self.open:  # an edit in an open note
            relative = rng.choice(sorted(self.open))
            version, text = self.open[relative]
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randrange(1, 20) :]
            else:
                text = (
                    text[:at]
                    + rng.choice([f"[[Note {rng.randrange(NOTES)}]]", "\n# T ", "#tag "])
                    + text[at:]
                )
            self.open[relative] = (version + 1, text)
            session.document_changed(
                self.uri(relative), str(self.root / relative), version + 1, text
            )
        elif roll < 0.35 and notes:  # open
            relative = rng.choice(notes)
            if relative not in self.open:
                text = (self.root / relative).read_text(encoding="utf-8")
                self.open[relative] = (1, text)
                session.document_changed(self.uri(relative), str(self.root / relative), 1, text)
        elif roll < 0.42 and self.open:  # save, then maybe close
            relative = rng.choice(sorted(self.open))
            self.write(relative, self.open[relative][1])
            session.file_changed(str(self.root / relative))
            if rng.random() < 0.5:
                del self.open[relative]
                session.document_closed(self.uri(relative), str(self.root / relative))
        elif roll < 0.47 and self.open:  # close without saving
            relative = rng.choice(sorted(self.open))
            del self.open[relative]
            session.document_closed(self.uri(relative), str(self.root / relative))
        elif roll < 0.62:  # a note created on disk
            relative = self.new_path()
            self.write(relative, self.text())
            session.file_changed(str(self.root / relative))
        elif roll < 0.77 and notes:  # a closed note changed on disk
            relative = rng.choice(notes)
            if relative not in self.open:
                self.write(relative, self.text())
                session.file_changed(str(self.root / relative))
        elif roll < 0.87 and notes:  # a closed note deleted
            relative = rng.choice(notes)
            if relative not in self.open:
                (self.root / relative).unlink()
                self.on_disk.discard(relative)
                session.file_deleted(str(self.root / relative))
        elif roll < 0.9:  # an attachment comes or goes
            path = self.root / rng.choice(FOLDERS) / "pic.png"
            if path.exists():
                path.unlink()
                session.file_deleted(str(path))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"\x89PNG")
                session.file_changed(str(path))
        else:
            self.move_folder()

    def move_folder(self) -> None:
        """A folder with no open note renamed on disk; reported as a rename (the client
        knew) or as the old folder deleted and each file under the new one created."""
        rng = self.rng
        folders = sorted(
            {str(Path(note).parent) for note in self.notes() if "/" in note}
            - {str(Path(note).parent) for note in self.open}
        )
        if not folders:
            return
        old = rng.choice(folders)
        if any(opened.startswith(old + "/") for opened in self.open):
            return
        self.made += 1
        new = f"{old.rsplit('/', 1)[0] + '/' if '/' in old else ''}Moved {self.made} — ü"
        os.rename(self.root / old, self.root / new)
        moved = {note for note in self.on_disk if note.startswith(old + "/")}
        self.on_disk -= moved
        self.on_disk |= {new + note[len(old) :] for note in moved}
        if rng.random() < 0.5:
            self.session.file_renamed(str(self.root / old), str(self.root / new))
        else:
            self.session.file_deleted(str(self.root / old))
            for path in sorted((self.root / new).rglob("*")):
                if path.is_file():
                    self.session.file_changed(str(path))

    def save_all(self) -> None:
        """The end: every open note saved and closed, so the disk holds what the editor did."""
        for relative in sorted(self.open):
            self.write(relative, self.open[relative][1])
            self.session.file_changed(str(self.root / relative))
            self.session.document_closed(self.uri(relative), str(self.root / relative))
        self.open.clear()


def write_vault(root: Path, chooser: random.Random) -> None:
    (root / ".obsidian").mkdir(parents=True)
    soak = Soak(root, Session(QuietClient()), chooser)
    for number in range(NOTES):
        folder = FOLDERS[number % len(FOLDERS)]
        relative = f"{folder}/Note {number}.md" if folder else f"Note {number}.md"
        soak.write(relative, soak.text())
    soak.write("Projects/pic.png", "png")


def index_state(index: VaultIndex) -> dict[str, Any]:
    state = state_of(index)
    state["note contents"] = dict(sorted(index.notes.items()))
    return state


def answers(index: VaultIndex, notes: NoteTable, files: FileTable) -> dict[str, Any]:
    return {query: (notes.best(query, 20), files.best(query, 20, "")) for query in QUERIES}


@needs_workers
@pytest.mark.slow
def test_soak_ends_equal_to_a_fresh_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = int(os.environ.get("VAULT_LS_SOAK_SEED", str(random.randrange(1 << 30))))
    print(f"soak seed {seed}: {NOTES} notes, {MINUTES} minutes")
    chooser = random.Random(seed)
    monkeypatch.setenv("VAULT_LS_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "vault"
    write_vault(root, chooser)
    asyncio.run(soak(root, chooser, seed))
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


async def soak(root: Path, chooser: random.Random, seed: int) -> None:
    session = Session(QuietClient())
    session.open_folders([root])
    (vault,) = session.vaults
    killed: list[int] = []
    kill_at = chooser.randrange(max(1, NOTES // 100 - 2))  # the progress report to kill at

    def progress(done: int, total: int) -> None:
        nonlocal kill_at
        if not killed and kill_at <= 0:
            workers = worker_pids(os.getpid())
            if workers:
                killed.append(chooser.choice(workers))
                os.kill(killed[0], signal.SIGKILL)
        kill_at -= 1

    soaker = Soak(root, session, chooser)
    first = asyncio.create_task(session.index(vault, progress))
    while not first.done():  # events and edits arrive during the first index too
        soaker.step()
        await asyncio.sleep(0.01)
    await first
    assert killed, "no parse worker was running to kill"
    await session.save_caches()

    deadline = time.monotonic() + MINUTES * 60
    steps, reindex_at = 0, time.monotonic() + chooser.uniform(0, MINUTES * 60 / 2)
    reindex: asyncio.Task[None] | None = None
    while time.monotonic() < deadline:
        soaker.step()
        steps += 1
        if reindex is None and time.monotonic() > reindex_at:  # a re-index while events arrive
            reindex = asyncio.create_task(session.index(vault))
        if steps % 50 == 0:  # a request now and then: the tables follow the index
            table_for(vault.index).best(chooser.choice(QUERIES), 20)
            file_table_for(vault.index).best(chooser.choice(QUERIES), 20, "")
        await asyncio.sleep(0 if steps % 10 else 0.005)
    if reindex is not None:
        await reindex
    soaker.save_all()
    await asyncio.sleep(0.3)  # background parses, diagnostics
    await session.save_caches()

    index = vault.index
    fresh = Vault(root, use_cache=False)
    fresh.load()
    cached = Vault(root)  # the cache the session saved, and what changed since
    cached.load()
    expected = index_state(fresh.index)
    for name, other in (("fresh", index), ("from the cache", cached.index)):
        state = index_state(other)
        for key in expected:
            assert state[key] == expected[key], f"seed {seed}: {key} differs ({name})"
    expected_answers = answers(fresh.index, NoteTable(fresh.index), FileTable(fresh.index))
    followed = answers(index, table_for(index), file_table_for(index))
    assert followed == expected_answers, f"seed {seed}: completion tables differ"
    assert steps > 100
    print(f"soak seed {seed}: {steps} operations after the first index; equal to a fresh start")
