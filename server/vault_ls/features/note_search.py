"""The tables completion searches: notes by title, file name and aliases (after ``[[``), and
files by file name (after ``](``), case-folded once, with the keys kept sorted so that a query
looks at prefix matches only when there are enough of them (they outrank every other kind of
match), and ranks those by key length without scoring each.

A table follows the index: a file added or removed, or a note's title or aliases changed,
updates that path's entries only (``VaultIndex.names_changed_since``, ``derived``), in
O(log n); typing in a note changes nothing here.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import quote

from sortedcontainers import SortedList

from vault_ls.features import fuzzy
from vault_ls.features.derived import derived
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Note

ALIAS_PENALTY = 0.5  # an alias ranks just below its note when both match as well
LAST_CHARACTER = "\U0010ffff"


class NoteEntry(NamedTuple):
    keys: tuple[str, ...]  # case-folded texts the query is matched against
    label: str
    detail: str
    path: str
    name: str
    display: str | None  # text after ``|`` in the inserted link
    penalty: float
    searched: str  # what the editor filters on while the user types on


def entries_of(note: Note) -> list[NoteEntry]:
    name, title = note.name, note.title
    folder = note.folder or "(vault root)"
    if title != name:
        keys = (title.casefold(), name.casefold())
        entries = [NoteEntry(keys, title, folder, note.path, name, title, 0.0, f"{title} {name}")]
    else:
        entries = [NoteEntry((name.casefold(),), name, folder, note.path, name, None, 0.0, name)]
    for alias in note.aliases:
        detail = f"alias of {name}"
        key = (alias.casefold(),)
        entries.append(NoteEntry(key, alias, detail, note.path, name, alias, ALIAS_PENALTY, alias))
    return entries


# A prefix match scores 900 - len/100 (``fuzzy``), above any other kind of match while the key
# is shorter than this; an entry with a longer key is scored in full.
PREFIX_OUTRANKS_BELOW = 20_000


def prefix_points(wanted: str, key: str) -> float:
    """``fuzzy.score_folded(wanted, key)`` for a ``key`` that starts with ``wanted``."""
    return 1000.0 if key == wanted else 900.0 - len(key) / 100


def _folded_score(wanted: str, keys: tuple[str, ...]) -> float | None:
    best: float | None = None
    for key in keys:
        points = fuzzy.score_folded(wanted, key)
        if points is not None and (best is None or points > best):
            best = points
    return best


class NoteTable:
    """Entries by path; ``keys`` holds (key, path, number) for each of an entry's keys, sorted;
    ``empty_order`` every entry by its rank for an empty query. Ties between equal labels go
    by path: the order never depends on the order of past events."""

    def __init__(self, index: VaultIndex):
        self.entries: dict[str, list[NoteEntry]] = {}
        keys: list[tuple[str, str, int]] = []
        empty: list[tuple[float, int, str, str, int]] = []
        for note in index:
            found = self.entries[note.path] = entries_of(note)
            for number, entry in enumerate(found):
                keys.extend((key, note.path, number) for key in entry.keys)
                empty.append(self._empty_rank(entry, number))
        self.keys = SortedList(keys)
        self.empty_order = SortedList(empty)
        self.count = len(empty)

    @staticmethod
    def _empty_rank(entry: NoteEntry, number: int) -> tuple[float, int, str, str, int]:
        shortest = min(len(key) for key in entry.keys)
        points = 1.0 - shortest / 1000
        return (entry.penalty - points, len(entry.label), entry.label, entry.path, number)

    def update(self, index: VaultIndex, paths: Sequence[str]) -> None:
        """The entries of ``paths`` as the index has them now (gone when the note is)."""
        for path in paths:
            for number, entry in enumerate(self.entries.pop(path, ())):
                for key in entry.keys:
                    self.keys.remove((key, path, number))
                self.empty_order.remove(self._empty_rank(entry, number))
                self.count -= 1
            note = index.notes.get(path)
            if note is None:
                continue
            found = self.entries[path] = entries_of(note)
            for number, entry in enumerate(found):
                self.keys.update((key, path, number) for key in entry.keys)
                self.empty_order.add(self._empty_rank(entry, number))
                self.count += 1

    def best(self, query: str, count: int) -> tuple[list[tuple[float, NoteEntry]], bool]:
        """The ``count`` best entries for ``query`` with their scores, and whether more matched."""
        wanted = query.casefold()
        if not wanted:
            chosen = self.empty_order.islice(0, count)
            ranked = [(-rank[0], self.entries[rank[3]][rank[4]]) for rank in chosen]
            return ranked, self.count > count
        prefixed: dict[tuple[str, int], float] = {}  # (path, number) -> best prefix points
        for key, path, number in self.keys.irange(
            (wanted, "", -1), (wanted + LAST_CHARACTER, "", -1)
        ):
            points = prefix_points(wanted, key)
            if points > prefixed.get((path, number), -1.0):
                prefixed[(path, number)] = points
        scored = []
        if len(prefixed) > count:
            for (path, number), points in prefixed.items():
                entry = self.entries[path][number]
                if points < 700.0:  # a key so long that another kind of match may beat it
                    points = _folded_score(wanted, entry.keys) or points
                scored.append((entry.penalty - points, len(entry.label), entry.label, path, number))
        else:
            for path, found in self.entries.items():
                for number, entry in enumerate(found):
                    best = _folded_score(wanted, entry.keys)
                    if best is not None:
                        rank = (entry.penalty - best, len(entry.label), entry.label, path, number)
                        scored.append(rank)
        top = heapq.nsmallest(count, scored)
        ranked = [(-rank[0], self.entries[rank[3]][rank[4]]) for rank in top]
        return ranked, len(scored) > count


def table_for(index: VaultIndex) -> NoteTable:
    return derived(index, NoteTable, NoteTable.update)


class FileTable:
    """Every note and attachment by its file name, as written and as percent-encoded:
    ``keys`` holds (key, path) sorted, ``empty_order`` every path by its rank for an empty
    query."""

    def __init__(self, index: VaultIndex):
        self.names: dict[str, tuple[str, ...]] = {}
        for path in (*index.notes, *index.attachments):
            self.names[path] = self._names_of(path)
        self.keys = SortedList((key, path) for path, keys in self.names.items() for key in keys)
        self.empty_order = SortedList(self._empty_rank(path) for path in self.names)

    @staticmethod
    def _names_of(path: str) -> tuple[str, ...]:
        name = path.rsplit("/", 1)[-1].casefold()
        quoted = quote(name, safe="/%")
        return (quoted, name) if quoted != name else (name,)

    def _empty_rank(self, path: str) -> tuple[float, int, str]:
        shortest = min(len(key) for key in self.names[path])
        return (-(1.0 - shortest / 1000), len(path), path)

    def update(self, index: VaultIndex, paths: Sequence[str]) -> None:
        for path in paths:
            if path in self.names:
                self.empty_order.remove(self._empty_rank(path))
                for key in self.names.pop(path):
                    self.keys.remove((key, path))
            if path in index.notes or path in index.attachments:
                self.names[path] = self._names_of(path)
                self.keys.update((key, path) for key in self.names[path])
                self.empty_order.add(self._empty_rank(path))

    def best(self, query: str, count: int, skip: str) -> list[tuple[float, str]]:
        """The ``count`` best (score, path) for a file-name query, leaving out ``skip``."""
        wanted = query.casefold()
        if not wanted:
            chosen = [rank for rank in self.empty_order.islice(0, count + 1) if rank[2] != skip]
            return [(-rank[0], rank[2]) for rank in chosen[:count]]
        prefixed: dict[str, float] = {}
        for key, path in self.keys.irange((wanted, ""), (wanted + LAST_CHARACTER, "")):
            points = prefix_points(wanted, key)
            if points > prefixed.get(path, -1.0):
                prefixed[path] = points
        scored = []
        if len(prefixed) > count + 1:
            for path, points in prefixed.items():
                if points < 700.0:
                    points = _folded_score(wanted, self.names[path]) or points
                if path != skip:
                    scored.append((-points, len(path), path))
        else:
            for path, keys in self.names.items():
                best = _folded_score(wanted, keys)
                if best is not None and path != skip:
                    scored.append((-best, len(path), path))
        return [(-negative, path) for negative, _, path in heapq.nsmallest(count, scored)]


def file_table_for(index: VaultIndex) -> FileTable:
    return derived(index, FileTable, FileTable.update)
