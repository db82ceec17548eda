"""One note as the disk has it: read safely (``fs``) and parsed, and the stamp the cache
compares. Its own module so that the cache, the loader and the workers can all use it without
importing one another."""

from __future__ import annotations

import os
from pathlib import Path

from vault_ls.vault import fs
from vault_ls.vault.model import Note
from vault_ls.vault.parse import parse_note, text_digest


def stamp(path: Path | str) -> tuple[int, int, int, int]:
    """(size, mtime in ns, ctime in ns, inode): what the cache compares; -1s when unreadable.
    Size and mtime alone missed a same-size rewrite whose mtime was put back (``cp -p``,
    ``rsync -t``): the ctime moves then, and a file replaced by another has a new inode."""
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1, -1, -1)
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def parse_from_disk(root: Path, relative: str, known: Note | None = None) -> Note:
    """The note as the disk has it; ``known`` itself when that is what the disk still holds."""
    text, problem = fs.read_inside(root, relative)
    if known is not None and known.digest == text_digest(text) and known.decode_error == problem:
        return known
    note = parse_note(relative, text)
    note.decode_error = problem
    return note
