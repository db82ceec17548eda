"""What one request sees of a vault: its index as of one version and the editor's open texts.

Features are functions of a snapshot; they never read the disk themselves. The texts of notes
the editor has not opened come through ``read``, a function the session supplies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import NOTE_SUFFIX
from vault_ls.vault.parse import parse_note


class StaleSnapshot(RuntimeError):
    """A snapshot was read after the index it was taken of had changed."""


@dataclass(frozen=True)
class Snapshot:
    root: Path
    index: VaultIndex
    texts: Mapping[str, str]  # vault path -> the editor's text, for every open note
    read: Callable[[str], str]  # vault path -> the disk's text, for notes not open
    loaded: bool  # False until the first index is in: every link would look broken
    alone: bool  # a note outside every vault, served alone: other notes are out of sight
    version: int  # ``index.version`` when the snapshot was taken
    recent: tuple[str, ...] = ()  # vault paths of the notes opened or edited lately, latest first

    def text(self, path: str) -> str:
        """The note's text as the editor shows it: the open text, else the disk's."""
        self.check()
        if path in self.texts:
            return self.texts[path]
        return self.read(path)

    def absolute(self, path: str) -> Path:
        return self.root / path

    def check(self) -> None:
        """Snapshots are taken and used within one turn of the event loop, the only thread that
        changes an index; this proves it instead of copying the index for every request."""
        if self.index.version != self.version:
            raise StaleSnapshot(f"index at version {self.index.version}, snapshot {self.version}")


def in_memory(
    files: Mapping[str, str], root: Path = Path("/vault"), recent: tuple[str, ...] = ()
) -> Snapshot:
    """A vault that exists only as ``files`` (vault path -> text; paths not ending in ``.md``
    are attachments), every note open: for tests of features, which need no disk."""
    notes = [parse_note(path, text) for path, text in files.items() if _is_note(path)]
    index = VaultIndex()
    index.set_notes(notes, [path for path in files if not _is_note(path)])
    texts = {path: text for path, text in files.items() if _is_note(path)}

    def read(path: str) -> str:
        raise FileNotFoundError(f"{path}: an in-memory vault has no disk")

    version = index.version
    return Snapshot(root, index, texts, read, True, False, version, recent)


def _is_note(path: str) -> bool:
    return path.lower().endswith(NOTE_SUFFIX)
