"""Notes loaded from the cache whose bodies are decoded only when read (``LazyNote``), and the
bounded set of decoded ones: the cache (``cache.py``) stores and checks bytes; this module turns
them into notes, and parses a note again from its file when its stored body is damaged."""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, SupportsIndex

from vault_ls.vault.disk_note import parse_from_disk
from vault_ls.vault.model import (
    HEAD_FIELDS,
    FlatHead,
    Link,
    Note,
    Outline,
    Tag,
    flat_body,
    links_from_flat,
    prose_marks_from_flat,
    set_body,
    set_head,
)
from vault_ls.vault.positions import Range


class Body(NamedTuple):
    """A cached note's encoded body, and what anchor checks need without decoding it."""

    root: Path  # the vault's: a damaged body is parsed again from the note's file
    encoded: memoryview  # marshalled ``flat_body``
    crc: int
    outline: Outline
    slugs: tuple[str, ...]
    wide_lines: frozenset[int]  # a location's columns in UTF-16 read it of thousands of notes


# id of a cached note -> its Body. Kept while the note lives: a body that was read can be
# dropped again and read anew when next needed, and the outline and slugs answer anchor checks
# without decoding the body.
_bodies: dict[int, Body] = {}
# Notes whose body is decoded, oldest first (held here, so their ``_bodies`` entry stays theirs:
# one that leaves is a LazyNote again, whose ``__del__`` removes the entry).
_decoded: OrderedDict[int, Note] = OrderedDict()
# A decoded body takes ~10 KB against ~3 KB encoded: a request over the whole vault (every
# backlink of a hub, a workspace diagnostic) would otherwise keep a 50,000-note vault decoded.
KEEP_DECODED = 5000
_reading = threading.RLock()  # the server reads notes on its event loop and in threads
BODY_FIELDS = [f.name for f in dataclasses.fields(Note) if f.name not in HEAD_FIELDS]


class LazyNote(Note):
    """A cached note whose path, aliases and titles are set and whose other fields are decoded
    when any of them is first read. It then turns into a plain ``Note`` (a subclass without
    slots of its own has the same layout, so ``__class__`` can change): equal, printed and
    pickled like the note it was made from. The ``KEEP_DECODED`` most recently decoded notes
    stay decoded; older ones turn back into LazyNotes."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:  # only called for a field not yet set
        pending = _bodies.get(id(self)) if name == "wide_lines" else None
        if pending is not None:
            return pending.wide_lines
        return getattr(_read(self), name)

    def __eq__(self, other: object) -> bool:  # tried first even as ``note == lazy``
        return _read(self) == other

    def __repr__(self) -> str:
        return repr(_read(self))

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        return _read(self).__reduce_ex__(protocol)

    def outline(self) -> Outline:
        pending = _bodies.get(id(self))
        return pending.outline if pending is not None else _read(self).outline()

    def slugs(self) -> tuple[str, ...]:
        pending = _bodies.get(id(self))
        return pending.slugs if pending is not None else _read(self).slugs()

    def links_alone(self, keep: Callable[[str], bool] | None = None) -> list[Link]:
        body = self._flat_body()
        return links_from_flat(body[2], keep) if body else _read(self).links_alone(keep)

    def prose_marks(self) -> tuple[Range | None, list[Tag]]:
        body = self._flat_body()
        return prose_marks_from_flat(body) if body else _read(self).prose_marks()

    def _flat_body(self) -> Any:
        """The encoded body read without being kept decoded; None when it is damaged (then
        the note is read, and parsed again, as a whole) or decoded already."""
        pending = _bodies.get(id(self))
        if pending is not None:
            with contextlib.suppress(Exception):
                if zlib.crc32(pending.encoded) == pending.crc:
                    return marshal.loads(pending.encoded)
        return None

    # Dropped unread (a note changed): its body goes with it. ``pending`` is bound now, as
    # module globals may be gone when the interpreter exits.
    def __del__(self, pending: dict[int, Any] = _bodies) -> None:
        pending.pop(id(self), None)


def _read(note: Note) -> Note:
    """``note``, its body decoded if it is a LazyNote (then a plain Note)."""
    with _reading:
        pending = _bodies.get(id(note))
        if pending is None or not isinstance(note, LazyNote):
            return note
        return _decode(note, pending.root, pending.encoded, pending.crc)


def _decode(note: Note, root: Path, body: memoryview, crc: int) -> Note:
    """Called holding ``_reading``: the body read into ``note``, which becomes a plain Note."""
    try:
        if zlib.crc32(body) != crc:
            raise ValueError("damaged cache entry")
        set_body(note, marshal.loads(body))
    except Exception:  # damaged on disk: the note is parsed again, as at load, and kept
        set_body(note, flat_body(parse_from_disk(root, note.path)))
        del _bodies[id(note)]
        note.__class__ = Note
        return note
    note.__class__ = Note
    _decoded[id(note)] = note
    while len(_decoded) > KEEP_DECODED:
        _forget_body(_decoded.popitem(last=False)[1])
    return note


def _forget_body(note: Note) -> None:
    """Back to a LazyNote: its body is decoded again from ``_bodies`` when next read."""
    note.__class__ = LazyNote
    for name in BODY_FIELDS:
        with contextlib.suppress(AttributeError):
            delattr(note, name)


def lazy_note(path: str, head: FlatHead, body: Body) -> LazyNote:
    """The note at ``path`` with its head set now and ``body`` decoded when first read."""
    note = object.__new__(LazyNote)
    note.path = path
    set_head(note, head)
    _bodies[id(note)] = body
    return note
