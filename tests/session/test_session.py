"""The session without pygls: open documents, file events and indexing, driven directly.

Each race test reproduces what the server did before the session existed (b36b671): a large
note answered from its old text, file events during the first index lost, and a completion item
resolved against the wrong vault.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from vault_ls.features import completion
from vault_ls.features.convert import Encoder
from vault_ls.session import LARGE_TEXT, Session
from vault_ls.vault.positions import Position
from vault_ls.vault.snapshot import Snapshot, StaleSnapshot


class RecordingClient:
    """What the editor would be told."""

    def __init__(self) -> None:
        self.refreshes = 0
        self.warnings: list[str] = []

    def diagnostics_changed(self) -> None:
        self.refreshes += 1

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


async def indexed_session(*roots: Path) -> Session:
    session = Session(RecordingClient())
    session.open_folders(list(roots))
    for vault in session.vaults:
        await session.index(vault)
    return session


def snapshot_of(session: Session, file: Path) -> tuple[Snapshot, str]:
    found = session.locate(str(file))
    assert found is not None
    vault, path = found
    return session.snapshot(vault, path), path


def labels(snapshot: Snapshot, path: str, line: int, column: int) -> list[str]:
    found = completion.complete(snapshot, path, Position(line, column), Encoder(snapshot))
    return [item.label for item in found.items] if found else []


async def test_a_large_note_answers_from_the_text_just_typed(tmp_path: Path) -> None:
    root = write(tmp_path / "vault", {"Beta — β.md": "# Beta — β\n", "Big.md": "# Big\n"})
    session = await indexed_session(root)
    filler = "A line of filler text — 😀\n" * (LARGE_TEXT // 20)
    assert len(filler) > LARGE_TEXT
    big = root / "Big.md"
    session.document_changed(big.as_uri(), str(big), 1, filler)
    typed = filler + "see [[Bet"
    session.document_changed(big.as_uri(), str(big), 2, typed)  # no wait: asked at once

    snapshot, path = snapshot_of(session, big)
    last = typed.count("\n")
    assert labels(snapshot, path, last, len("see [[Bet")) == ["Beta — β"]
    assert snapshot.text(path) == typed
    # the request's own note is the one typed, not the one the disk or the last parse had
    assert len(snapshot.index.notes[path].links) == 0
    assert snapshot.index.notes[path].line_count == last + 1


async def test_a_small_note_is_parsed_as_it_changes(tmp_path: Path) -> None:
    root = write(tmp_path / "vault", {"Beta.md": "# Beta\n", "Note.md": "# Note\n"})
    session = await indexed_session(root)
    note = root / "Note.md"
    session.document_changed(note.as_uri(), str(note), 1, "# Note\n\n[[Beta]] — 中文\n")
    snapshot, path = snapshot_of(session, note)
    (link,) = snapshot.index.notes[path].links
    assert link.target == "Beta"
    assert snapshot.index.linking_notes("Beta.md") == {"Note.md"}


async def test_file_events_during_the_first_index_are_kept(tmp_path: Path) -> None:
    root = write(
        tmp_path / "vault",
        {
            "Alpha.md": "# Alpha\n",
            "Changed.md": "# Changed\n\nno links yet\n",
            "Gone.md": "# Gone\n\n[[Alpha]]\n",
        },
    )
    session = Session(RecordingClient())
    session.open_folders([root])
    (vault,) = session.vaults
    scanned, go_on = threading.Event(), threading.Event()

    def progress(done: int, total: int) -> None:  # called in the thread that builds the index
        scanned.set()
        assert go_on.wait(10)

    indexing = asyncio.get_running_loop().create_task(session.index(vault, progress))
    assert await asyncio.to_thread(scanned.wait, 10)
    # the build has scanned and parsed: what happens now is missing from what it built
    write(root, {"Created — 新.md": "# Created\n\n[[Alpha]]\n"})
    session.file_changed(str(root / "Created — 新.md"))
    write(root, {"Changed.md": "# Changed\n\n[[Alpha]]\n"})
    session.file_changed(str(root / "Changed.md"))
    (root / "Gone.md").unlink()
    session.file_deleted(str(root / "Gone.md"))
    go_on.set()
    await indexing

    assert sorted(vault.index.notes) == ["Alpha.md", "Changed.md", "Created — 新.md"]
    assert vault.index.linking_notes("Alpha.md") == {"Changed.md", "Created — 新.md"}


async def test_completion_items_resolve_in_their_own_vault(tmp_path: Path) -> None:
    first = write(tmp_path / "a", {"Same.md": "# Same\n\nThe note in vault A.\n"})
    second = write(
        tmp_path / "b", {"Same.md": "# Same\n\nThe note in vault B — β.\n", "Note.md": "[[Sa"}
    )
    session = await indexed_session(first, second)
    snapshot, path = snapshot_of(session, second / "Note.md")
    found = completion.complete(snapshot, path, Position(0, 4), Encoder(snapshot))
    assert found is not None
    (item,) = found.items
    assert item.data == {"vault": second.as_uri(), "path": "Same.md"}

    owner = session.vault_at(item.data["vault"])
    assert owner is not None and owner.root == second.resolve()
    resolved = completion.resolve_item(session.snapshot(owner), item, True)
    documentation = getattr(resolved.documentation, "value", "")
    assert "The note in vault B — β." in documentation
    assert "vault A" not in documentation


async def test_a_snapshot_read_after_the_index_changed_says_so(tmp_path: Path) -> None:
    root = write(tmp_path / "vault", {"Alpha.md": "# Alpha\n"})
    session = await indexed_session(root)
    snapshot, path = snapshot_of(session, root / "Alpha.md")
    assert snapshot.text(path) == "# Alpha\n"
    write(root, {"Beta.md": "# Beta\n"})
    session.file_changed(str(root / "Beta.md"))
    with pytest.raises(StaleSnapshot):
        snapshot.text(path)


async def test_editing_a_large_note_parses_it_once_off_the_loop(tmp_path: Path) -> None:
    root = write(tmp_path / "vault", {"Beta.md": "# Beta\n", "Big.md": "# Big\n"})
    session = await indexed_session(root)
    big = root / "Big.md"
    text = "filler — ✓\n" * (LARGE_TEXT // 8) + "[[Beta]]\n"
    session.document_changed(big.as_uri(), str(big), 1, text)
    (vault,) = session.vaults
    assert vault.index.notes["Big.md"].links == []  # not parsed on the loop
    for _ in range(200):  # the background parse lands after the debounce
        if vault.index.notes["Big.md"].links:
            break
        await asyncio.sleep(0.01)
    assert [link.target for link in vault.index.notes["Big.md"].links] == ["Beta"]
    assert session.client.refreshes >= 1  # type: ignore[attr-defined]


async def test_notes_opened_or_edited_lately_come_first_in_a_bare_link(tmp_path: Path) -> None:
    files = {"Zeta — ζ.md": "z\n", "Mid.md": "m\n", "A.md": "[[Mid]]\n", "Now.md": "[["}
    root = write(tmp_path / "vault", files)
    other = write(tmp_path / "other", {"Elsewhere.md": "e\n"})
    session = await indexed_session(root, other)
    snapshot, path = snapshot_of(session, root / "Now.md")
    assert labels(snapshot, path, 0, 2) == ["Mid", "A", "Zeta — ζ"]  # most linked, then by name

    for name in ("Zeta — ζ.md", "A.md", "Now.md"):
        address = (root / name).as_uri()
        session.document_changed(address, str(root / name), 1, files[name])
    session.document_closed((root / "A.md").as_uri(), str(root / "A.md"))  # still recent
    session.document_changed((other / "Elsewhere.md").as_uri(), str(other / "Elsewhere.md"), 1, "")
    snapshot, path = snapshot_of(session, root / "Now.md")
    assert snapshot.recent == ("Now.md", "A.md", "Zeta — ζ.md")
    assert labels(snapshot, path, 0, 2) == ["A", "Zeta — ζ", "Mid"]
