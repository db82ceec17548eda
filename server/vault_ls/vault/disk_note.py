"""One note as the disk has it: read safely (``fs``) and parsed. Its own module so that the
cache, the loader and the workers can all use it without importing one another."""

from __future__ import annotations

from pathlib import Path

from vault_ls.vault import fs
from vault_ls.vault.model import Note
from vault_ls.vault.parse import parse_note, text_digest


def parse_from_disk(
    root: Path,
    relative: str,
    known: Note | None = None,
    read: fs.Reader | None = None,
) -> Note:
    """The note as the disk has it; ``known`` itself when that is what the disk still holds.
    ``read``: ``fs.reader_inside(root)``, for a caller reading many notes."""
    text, problem = (read or fs.reader_inside(root))(relative)
    if known is not None and known.digest == text_digest(text) and known.decode_error == problem:
        return known
    note = parse_note(relative, text)
    note.decode_error = problem
    return note
