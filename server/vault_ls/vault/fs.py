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


# (size, mtime in ns, ctime in ns, inode): what the cache compares; -1s when unreadable. Size
# and mtime alone missed a same-size rewrite whose mtime was put back (``cp -p``, ``rsync -t``):
# the ctime moves then, and a file replaced by another has a new inode.
Stamp = tuple[int, int, int, int]


@dataclass
class Scan:
    notes: list[str] = field(default_factory=list)  # vault-relative, ``/``-separated
    attachments: list[str] = field(default_factory=list)
    truncated: bool = False  # stopped at ``max_files``
    special: list[str] = field(default_factory=list)  # FIFOs, sockets, devices: skipped
    # each note's stamp as the scan saw it: the status it reads anyway is the one a cache
    # compares, so a start does not ask for it a second time (10,000 calls, ~60 ms)
    stamps: dict[str, Stamp] = field(default_factory=dict)


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
    """The vault's files (or those in its folder ``under``), as paths from ``root``: each
    folder's files in name order, then its folders', depth first (the order ``os.walk`` gives).
    A folder that cannot be listed is passed over."""
    patterns = exclude or []
    found = Scan()
    real_root = os.path.realpath(root)
    start = os.path.join(root, under) if under else str(root)
    relative_start = os.path.relpath(start, root).replace(os.sep, "/")
    pending = [(start, "" if relative_start == "." else relative_start + "/")]
    count = 0
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            name = entry.name
            relative = prefix + name
            if _is_folder(entry):
                if not (
                    name.startswith(".") or entry.is_symlink() or is_excluded(relative, patterns)
                ):
                    folders.append((entry.path, relative + "/"))
                continue
            if name.startswith(".") or is_excluded(relative, patterns):
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:  # gone since the listing
                continue
            stamp = _stamp(status)
            if stat.S_ISLNK(status.st_mode):
                if not is_inside(real_root, os.path.realpath(entry.path)):
                    continue
                stamp = (-1, -1, -1, -1)  # a dangling link reads as unreadable
                with contextlib.suppress(OSError):
                    status = os.stat(entry.path)
                    stamp = _stamp(status)
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
                found.stamps[relative] = stamp
            else:
                found.attachments.append(relative)
        pending.extend(reversed(folders))
    return found


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (skipped as a folder, never read as a file)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _stamp(status: os.stat_result) -> Stamp:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


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


Reader = Callable[[str], tuple[str, str | None]]  # vault path -> (text, problem): ``read_inside``


def reader_inside(root: Path) -> Reader:
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
