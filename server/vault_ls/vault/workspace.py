"""A vault on disk: its root, its index, and the texts of notes open in an editor.

Front ends (the CLI, the language server) drive it with file events; it keeps the index right
by re-parsing only the file an event names.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from vault_ls.vault import fs
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import NOTE_SUFFIX, Note
from vault_ls.vault.parse import parse_note

Progress = Callable[[int, int], None]  # (notes done, notes in all)


class Vault:
    def __init__(self, root: Path, exclude: list[str] | None = None):
        self.root = Path(root).resolve()
        self.exclude = list(exclude or [])
        self.index = VaultIndex()
        self.open_texts: dict[str, str] = {}  # vault path -> the editor's text
        self.truncated = False

    # --- paths ---------------------------------------------------------------------------

    def relative(self, file: Path | str) -> str | None:
        """The vault path of ``file``, or None when it lies outside the vault or is excluded."""
        real = os.path.realpath(file)
        if not fs.is_inside(str(self.root), real):
            return None
        relative = os.path.relpath(real, self.root).replace(os.sep, "/")
        if relative == "." or any(part.startswith(".") for part in relative.split("/")):
            return None
        return None if fs.is_excluded(relative, self.exclude) else relative

    def absolute(self, relative: str) -> Path:
        return self.root / relative

    # --- loading -------------------------------------------------------------------------

    def load(self, progress: Progress | None = None, max_files: int = fs.DEFAULT_MAX_FILES) -> None:
        found = fs.scan(self.root, self.exclude, max_files)
        self.truncated = found.truncated
        notes = []
        total = len(found.notes)
        for done, relative in enumerate(found.notes, 1):
            notes.append(self._parse_from_disk(relative))
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done, total)
        index = VaultIndex()
        index.set_notes(notes, found.attachments)
        self.index = index  # swapped whole: readers never see a half-built index

    def reapply_open_texts(self) -> None:
        """After a (re)load from disk, notes open in the editor use the editor's text again."""
        for relative, text in list(self.open_texts.items()):
            self.index.set_note(parse_note(relative, text))

    def _parse_from_disk(self, relative: str) -> Note:
        text, problem = fs.read_note(self.absolute(relative))
        note = parse_note(relative, text)
        note.decode_error = problem
        return note

    # --- events --------------------------------------------------------------------------

    def text(self, relative: str) -> str:
        """The note's current text: the editor's when open, else the disk's."""
        if relative in self.open_texts:
            return self.open_texts[relative]
        return fs.read_note(self.absolute(relative))[0]

    def set_text(self, relative: str, text: str) -> Note:
        """An open note changed in the editor."""
        self.open_texts[relative] = text
        note = parse_note(relative, text)
        self.index.set_note(note)
        return note

    def close(self, relative: str) -> None:
        self.open_texts.pop(relative, None)
        if os.path.exists(self.absolute(relative)):
            self.file_changed(relative)
        else:
            self.file_deleted(relative)

    def file_changed(self, relative: str) -> None:
        """A file was created or changed on disk (ignored while the editor holds it open)."""
        if relative in self.open_texts:
            return
        if relative.lower().endswith(NOTE_SUFFIX):
            self.index.set_note(self._parse_from_disk(relative))
        else:
            self.index.add_attachment(relative)

    def file_deleted(self, relative: str) -> None:
        if relative in self.open_texts:
            return
        self.index.remove_note(relative)
        self.index.remove_attachment(relative)
        # A deleted folder: everything under it goes.
        prefix = relative.rstrip("/") + "/"
        for path in [p for p in self.index.notes if p.startswith(prefix)]:
            self.index.remove_note(path)
        for path in [p for p in self.index.attachments if p.startswith(prefix)]:
            self.index.remove_attachment(path)

    def file_renamed(self, old: str, new: str) -> None:
        text = self.open_texts.pop(old, None)
        self.file_deleted(old)
        if text is not None:
            self.set_text(new, text)
        elif os.path.isdir(self.absolute(new)):
            moved = fs.scan(self.absolute(new), self.exclude)
            for relative in moved.notes + moved.attachments:
                self.file_changed(f"{new}/{relative}")
        else:
            self.file_changed(new)
