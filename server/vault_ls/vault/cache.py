"""A persistent cache of parsed notes: one SQLite file per vault in the user's cache folder.

Entries are keyed by the note's path, size and modification time; the whole file is keyed by
a fingerprint of the engine's source (and of Python's version), so a new parser never reads an
old parse. A stale, foreign or corrupt cache is discarded and rebuilt without a word: it only
ever saves time. Entries and the link graph carry CRCs: a damaged entry is parsed again (its
head is checked at load, its body when first read), a damaged graph resolved again.

Notes are stored in ``model``'s flat form (``marshal``). A cached note comes back as a
``lazy_notes.LazyNote``: its head (aliases, titles, decode error) is read at load, its body the
first time anything in it is read, so a warm start builds a few objects per note instead of
~150. This module neither reads nor parses notes.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
import sqlite3
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, TypeVar

from vault_ls.vault.fs import Stamp
from vault_ls.vault.index import LinkEnds, LinkGraph
from vault_ls.vault.lazy_notes import Body, lazy_note
from vault_ls.vault.model import (
    Note,
    flat_body,
    flat_head,
)

# 12: the graph keeps each file's backlinks (a warm start turns no link round); 11: the graph
# keeps each note's link ends (a warm start's first graph decodes no body); 10: heads hold the
# wide lines (a location's columns decode no body); 9: heading keys keep the targets of links
# in headings (8: stamps hold ctime and inode too; 7: a body keeps no YAML mapping)
SCHEMA = 12


def cache_folder() -> Path:
    """``VAULT_LS_CACHE_DIR`` itself, else ``vault-ls`` in ``$XDG_CACHE_HOME`` (ignored when
    relative, as the XDG spec asks), else in ``~/.cache``."""
    own = os.environ.get("VAULT_LS_CACHE_DIR")
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "vault-ls"


def _engine_fingerprint() -> str:
    """Changes whenever any engine module changes, or the cache schema, or Python (marshal's
    format may change between versions)."""
    digest = hashlib.sha1(f"{SCHEMA} {sys.version}".encode())
    folder = Path(__file__).parent
    for source in sorted(folder.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


FINGERPRINT = _engine_fingerprint()

Entries = dict[str, tuple[Stamp, bytes]]  # note path -> (its stamp, its ``NoteCache.blob``)
SAVE_BATCH = 250  # notes written per step of a save
ABANDONED_AFTER_SECONDS = 600  # a save's temporary file this old was left by a killed process


def _alive(pid: str) -> bool:
    """Whether the process ``pid`` (as written in a temporary file's name) still runs."""
    if not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it runs, as another user
        return True
    return True


class FileSet(NamedTuple):
    """The exact files a link graph was resolved against: ``key`` names the set, and the graph
    is stored naming each file by its position in ``paths`` (a small int instead of a path:
    the 50k vault's graph shrank from 99 MB)."""

    key: str
    paths: list[str]


def file_set(notes: list[str], attachments: list[str]) -> FileSet:
    ordered_notes, ordered_attachments = sorted(notes), sorted(attachments)
    digest = hashlib.sha1("\n".join(ordered_notes).encode())
    digest.update(b"\0" + "\n".join(ordered_attachments).encode())
    return FileSet(digest.hexdigest(), ordered_notes + ordered_attachments)


def _sealed(payload: bytes) -> bytes:
    return zlib.crc32(payload).to_bytes(4, "little") + payload


def _opened(blob: bytes) -> memoryview:
    """The payload of a ``_sealed`` blob; ValueError when it was damaged."""
    view = memoryview(blob)
    if len(view) < 4 or zlib.crc32(view[4:]) != int.from_bytes(view[:4], "little"):
        raise ValueError("damaged cache entry")
    return view[4:]


GRAPH_PART = 2500  # paths per stored part of a link graph table: ~2 ms to encode


K = TypeVar("K")
V = TypeVar("V")


def _drained(table: dict[K, V]) -> Iterator[tuple[K, V]]:
    """``table``'s items, each removed as it is given (freed as it is written)."""
    while table:
        yield table.popitem()


# the graph's tables (``tab``); the targets of each note are its ends'
LINKERS, ENDS, BACKLINKS = 1, 2, 3


def _in_parts(items: Iterator[tuple[object, object, int]]) -> Iterator[bytes]:
    """``(key, value, size)`` items as sealed, marshalled mappings of about ``GRAPH_PART`` in
    size, each made when the one before has been taken."""
    part: dict[object, object] = {}
    size = 0
    for key, value, item_size in items:
        part[key] = value
        size += item_size
        if size >= GRAPH_PART:
            yield _sealed(marshal.dumps(part))
            part, size = {}, 0
    if part:
        yield _sealed(marshal.dumps(part))


def _linker_parts(table: dict[str, set[str]], position: dict[str, int]) -> Iterator[bytes]:
    """The linkers table in parts (one name linked from 5,000 notes is a part of its own), each
    path as its ``position``; emptying ``table``."""
    return _in_parts(
        (name, [position[source] for source in sources], 1 + len(sources))
        for name, sources in _drained(table)
    )


def _end_parts(table: dict[str, LinkEnds], position: dict[str, int]) -> Iterator[bytes]:
    """Each note's ``LinkEnds`` in parts, emptying ``table``: the files reached as their
    ``position``s in order, and the links to each only when some file is linked more than once
    (most notes link to each once)."""
    return _in_parts(
        (position[source], _flat_ends(ends, position), 1 + len(ends.notes) + len(ends.others))
        for source, ends in _drained(table)
    )


def _flat_ends(ends: LinkEnds, position: dict[str, int]) -> tuple[object, ...]:
    flat: list[object] = []
    for reached in (ends.notes, ends.others):
        counts = list(reached.values())
        flat.append([position[path] for path in reached])
        flat.append(None if sum(counts) == len(counts) else counts)
    return (*flat, ends.missing, ends.tags)


def _backlink_parts(table: dict[str, LinkEnds], position: dict[str, int]) -> Iterator[bytes | None]:
    """Each file's linking notes (from every note's ``LinkEnds``, which it leaves as they are)
    in parts, each path as its ``position``; None between steps of the turning round (in one
    go, it held a save's step for ~0.2 s)."""
    linking: dict[int, list[int]] = defaultdict(list)
    size = 0
    for source, ends in table.items():
        number = position[source]
        for reached in (ends.notes, ends.others):
            for path in reached:
                linking[position[path]].append(number)
            size += len(reached)
        if size >= GRAPH_PART:
            yield None
            size = 0
    yield from _in_parts(
        (target, sources, 1 + len(sources)) for target, sources in _drained(linking)
    )


def _reached(files: Iterator[str], counts: list[int] | None) -> dict[str, int]:
    """File reached -> links to it, as ``_end_parts`` stored them."""
    return dict.fromkeys(files, 1) if counts is None else dict(zip(files, counts, strict=True))


def _graph_rows(files: FileSet, graph: LinkGraph) -> Iterator[tuple[str, int, int, bytes] | None]:
    """The rows saving ``graph`` (resolved against ``files``), emptying its tables, and None
    where a step of the work ends without a row. A note's targets are not stored: they are its
    ends' (``set_notes`` gives every note ends); no rows when some note has none."""
    if graph.ends.keys() != graph.outgoing.keys():
        return
    graph.outgoing.clear()
    position = {path: number for number, path in enumerate(files.paths)}
    tables = (  # in this order: the ends are emptied last
        (LINKERS, _linker_parts(graph.linkers, position)),
        (BACKLINKS, _backlink_parts(graph.ends, position)),
        (ENDS, _end_parts(graph.ends, position)),
    )
    for tab, parts in tables:
        number = 0
        for part in parts:
            if part is None:
                yield None
                continue
            yield files.key, tab, number, part
            number += 1


class NoteCache:
    def __init__(self, root: Path, folder: Path | None = None):
        name = hashlib.sha1(str(root).encode()).hexdigest()[:20] + ".sqlite"
        self.path = (folder or cache_folder()) / name
        self.root = str(root)

    def load_graph(self, files: FileSet) -> LinkGraph | None:
        """The link graph saved with exactly ``files``."""
        if not self.path.is_file():  # a FIFO there would block the open
            return None
        paths = files.paths
        named = paths.__getitem__
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                rows = db.execute(
                    "SELECT tab, blob FROM graph WHERE files = ? ORDER BY tab, part", (files.key,)
                ).fetchall()
            finally:
                db.close()
            outgoing: dict[str, set[str]] = {}
            linkers: dict[str, set[str]] = {}
            ends: dict[str, LinkEnds] = {}
            backlinks: dict[str, set[str]] = {}
            for tab, blob in rows:
                part = marshal.loads(_opened(blob))
                if tab in (LINKERS, BACKLINKS):
                    table = linkers if tab == LINKERS else backlinks
                    for key, sources in part.items():
                        table[key if tab == LINKERS else paths[key]] = set(map(named, sources))
                    continue
                for source, (notes, counts, others, other_counts, missing, tags) in part.items():
                    path = paths[source]
                    to_notes = _reached(map(named, notes), counts)
                    to_others = _reached(map(named, others), other_counts)
                    ends[path] = LinkEnds(to_notes, to_others, missing, tags)
                    outgoing[path] = to_notes.keys() | to_others.keys()
        except Exception:  # unreadable: resolving again is always correct
            return None
        return LinkGraph(outgoing, linkers, ends, backlinks) if rows else None

    def load(self) -> Entries:
        """Every cached entry (path -> (stamp, ``blob``)); empty when unusable. Saves killed
        half way are cleaned up first: this is the next start."""
        self._remove_abandoned_saves()
        if not self.path.is_file():  # a FIFO there would block the open
            return {}
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                meta = dict(db.execute("SELECT key, value FROM meta"))
                if meta.get("fingerprint") != FINGERPRINT or meta.get("root") != self.root:
                    return {}
                rows = db.execute("SELECT path, size, mtime, ctime, inode, note FROM notes")
                return {
                    path: ((size, mtime, ctime, inode), blob)
                    for path, size, mtime, ctime, inode, blob in rows
                }
            finally:
                db.close()
        except (sqlite3.Error, OSError, ValueError):
            self.discard()
            return {}

    @staticmethod
    def note(root: Path, path: str, blob: bytes) -> Note | None:
        """The note at ``path`` saved as ``blob``: its head read now, its body when first used
        (``LazyNote``). None when the head is damaged: the note is parsed again."""
        view = memoryview(blob)
        try:
            size = int.from_bytes(view[4:8], "little")
            if zlib.crc32(view[4 : 8 + size]) != int.from_bytes(view[:4], "little"):
                return None
            head, outline, slugs, crc, wide = marshal.loads(view[8 : 8 + size])
            body = Body(root, view[8 + size :], crc, outline, slugs, wide)
            return lazy_note(path, head, body)
        except Exception:
            return None

    @staticmethod
    def blob(note: Note) -> bytes:
        """``[CRC of the rest of the head][head size][head][body]``: ``note`` checks the small
        head (with the note's outline, slugs and wide lines) at load; the body, nearly all the
        bytes, is checked when first read."""
        body = marshal.dumps(flat_body(note))
        head = marshal.dumps(
            (flat_head(note), note.outline(), note.slugs(), zlib.crc32(body), note.wide_lines)
        )
        return _sealed(len(head).to_bytes(4, "little") + head) + body

    def save(self, entries: Entries, graph: tuple[FileSet, LinkGraph] | None = None) -> None:
        """Replace the cache with ``entries`` and the ``graph`` of the files named by its key
        (``file_set``), emptying both as they are written (freed at once, a 50k-note vault's
        took ~30 ms); failures are ignored (the cache is optional)."""
        for _ in self.save_steps(entries, graph):
            pass

    def save_steps(
        self, entries: Entries, graph: tuple[FileSet, LinkGraph] | None = None
    ) -> Iterator[None]:
        """``save`` in steps of a few milliseconds, pausing (yielding) between them: a server
        saves on its own event loop and answers requests in the pauses. Done in a thread, the
        save held the interpreter lock long enough to make the first request after a start
        take ~175 ms instead of ~7."""
        temporary = self.path.with_name(f"{self.path.stem}.{os.getpid()}.{id(entries)}.tmp")
        db: sqlite3.Connection | None = None
        try:
            self._remove_abandoned_saves()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(temporary, isolation_level=None)
            db.execute("PRAGMA page_size = 65536")  # large entries: fewer overflow pages to read
            # a new file renamed into place when complete needs neither a journal nor a sync
            # (a file damaged by a power cut is discarded at load, as a corrupt one is)
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute(
                "CREATE TABLE notes "
                "(path TEXT PRIMARY KEY, size INT, mtime INT, ctime INT, inode INT, note BLOB)"
            )
            db.execute("CREATE TABLE graph (files TEXT, tab INT, part INT, blob BLOB)")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("fingerprint", FINGERPRINT), ("root", self.root)],
            )
            if graph is not None:
                try:
                    for row in _graph_rows(*graph):
                        yield
                        if row is not None:
                            db.execute("INSERT INTO graph VALUES (?, ?, ?, ?)", row)
                except KeyError:  # a path not among ``files``: no graph rather than a wrong one
                    db.execute("DELETE FROM graph")
            rows = ((path, *stamp, blob) for path, (stamp, blob) in _drained(entries))
            while batch := list(itertools.islice(rows, SAVE_BATCH)):
                yield
                db.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?)", batch)
            yield
            db.execute("COMMIT")
            yield
            db.close()
            db = None
            os.replace(temporary, self.path)
        except (sqlite3.Error, OSError):
            pass
        finally:  # also when the steps are abandoned half way
            if db is not None:
                db.close()
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def _remove_abandoned_saves(self) -> None:
        """Temporary files of saves whose server was killed half way (``kill -9``, the OOM
        killer: a save takes seconds): at once when the process named in the file's name is
        gone, else when older than any save takes (the number may be another process's now)."""
        for temporary in self.path.parent.glob(f"{self.path.stem}.*.tmp"):
            with contextlib.suppress(OSError):
                pid = temporary.name.split(".")[-3]
                if not _alive(pid) or (
                    time.time() - temporary.stat().st_mtime > ABANDONED_AFTER_SECONDS
                ):
                    temporary.unlink()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
