"""The only module that touches the disk: finding a vault's files and reading them safely.

Files are served only from under the vault root: symlinks whose target lies outside it are
skipped, symlinked folders are not followed (no loops), dot-folders (``.obsidian``, ``.git``)
are skipped, and so are FIFOs, sockets and devices (reading one blocks, or never ends). What
cannot be decoded as UTF-8 is read with replacement and reported.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from vault_ls.vault.model import NOTE_SUFFIX

MAX_NOTE_BYTES = 5 * 1024 * 1024  # larger notes are indexed up to this size
DEFAULT_MAX_FILES = 200_000  # a workspace beyond this is probably not a vault (a home folder)


@dataclass
class Scan:
    notes: list[str] = field(default_factory=list)  # vault-relative, ``/``-separated
    attachments: list[str] = field(default_factory=list)
    truncated: bool = False  # stopped at ``max_files``
    special: list[str] = field(default_factory=list)  # FIFOs, sockets, devices: skipped


def is_excluded(relative: str, patterns: list[str]) -> bool:
    """Glob patterns on the vault-relative path; ``folder/**`` excludes everything below it."""
    for pattern in patterns:
        if fnmatchcase(relative, pattern):
            return True
        if pattern.endswith("/**") and (relative + "/").startswith(pattern[:-2]):
            return True
    return False


def scan(
    root: Path,
    exclude: list[str] | None = None,
    max_files: int = DEFAULT_MAX_FILES,
    under: str = "",
) -> Scan:
    """The vault's files (or those in its folder ``under``), as paths from ``root``."""
    patterns = exclude or []
    found = Scan()
    real_root = os.path.realpath(root)
    count = 0
    for folder, folders, files in os.walk(os.path.join(root, under) if under else root):
        relative_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative_folder == "." else relative_folder + "/"
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".")
            and not os.path.islink(os.path.join(folder, name))
            and not is_excluded(prefix + name, patterns)
        )
        for name in sorted(files):
            relative = prefix + name
            if name.startswith(".") or is_excluded(relative, patterns):
                continue
            full = os.path.join(folder, name)
            try:
                status = os.lstat(full)
            except OSError:  # gone since the listing
                continue
            if stat.S_ISLNK(status.st_mode):
                if not is_inside(real_root, os.path.realpath(full)):
                    continue
                with contextlib.suppress(OSError):  # a dangling link reads as unreadable
                    status = os.stat(full)
            if not stat.S_ISREG(status.st_mode) and not stat.S_ISLNK(status.st_mode):
                # reading a FIFO blocks until someone writes, a device may never end
                found.special.append(relative)
                continue
            count += 1
            if count > max_files:
                found.truncated = True
                return found
            if name.lower().endswith(NOTE_SUFFIX):
                found.notes.append(relative)
            else:
                found.attachments.append(relative)
    return found


def is_inside(real_root: str, real_path: str) -> bool:
    return real_path == real_root or real_path.startswith(real_root.rstrip(os.sep) + os.sep)


def is_special(path: Path | str) -> bool:
    """A FIFO, socket or device: what ``scan`` skips (a folder or a missing file is not)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


OUTSIDE_MESSAGE = "The file is a link to a place outside the vault; it is not read"
SPECIAL_MESSAGE = "The file is not a regular file (a FIFO, socket or device); it is not read"


def read_inside(root: Path, relative: str) -> tuple[str, str | None]:
    """``read_note`` of the vault path ``relative``, refusing (without reading) a file that
    resolves outside ``root``: a symlink out, or one that replaced a note after the scan."""
    return reader_inside(root)(relative)


def reader_inside(root: Path) -> Callable[[str], tuple[str, str | None]]:
    """``read_inside`` for the notes one request reads (a hundred for unlinked mentions), the
    root's real path worked out once. Each note's own is worked out at each read: a folder
    replaced by a link out of the vault meanwhile is refused (a root that moved makes every
    read a refusal, never a read outside)."""
    real_root = ""

    def read(relative: str) -> tuple[str, str | None]:
        nonlocal real_root
        real_root = real_root or os.path.realpath(root)
        path = os.path.join(root, relative)  # not pathlib: ~0.05 ms a note
        if not is_inside(real_root, os.path.realpath(path)):
            return "", OUTSIDE_MESSAGE
        return read_note(path)

    return read


def read_note(path: Path | str) -> tuple[str, str | None]:
    """The note's text and, when something was wrong with it, a message saying what.

    Never raises: an unreadable file reads as empty text with the reason.
    """
    try:
        # non-blocking: a FIFO that replaced the note would block the open until written to
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return "", SPECIAL_MESSAGE
            data = handle.read(MAX_NOTE_BYTES + 1)
    except OSError as error:
        return "", f"The file could not be read: {error.strerror or error}"
    problem = None
    if len(data) > MAX_NOTE_BYTES:
        data = _whole_characters(data[:MAX_NOTE_BYTES])
        megabytes = MAX_NOTE_BYTES // (1024 * 1024)
        problem = f"The note is larger than {megabytes} MB; only the start is indexed"
    if b"\0" in data[:8192]:
        return "", "This looks like a binary file, not a Markdown note; it is not indexed"
    try:
        return data.decode("utf-8"), problem
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        message = f"The file is not valid UTF-8 ({where}); undecodable bytes are shown as \ufffd"
        return text, message


def _whole_characters(data: bytes) -> bytes:
    """``data`` without a UTF-8 character cut in two at its end (the size cap falls anywhere);
    otherwise a valid note past 5 MB read as invalid UTF-8 and lost the size message."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # the last character's first byte
            length = 1 if byte < 0x80 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data[:-back] if length > back else data
    return data
