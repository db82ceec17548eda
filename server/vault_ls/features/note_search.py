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
import re
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Sequence
from itertools import accumulate
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar
from urllib.parse import quote

from sortedcontainers import SortedList

from vault_ls.features import fuzzy
from vault_ls.features.derived import derived
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Note
from vault_ls.vault.names import title_key, without_note_suffix

FIRST_HEADING = "first heading"  # ``TitleClaim.source`` of a title taken from the first heading
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


def entries_of(note: Note, shared: Container[str] = frozenset()) -> list[NoteEntry]:
    name, title = note.name, completion_title(note, shared)
    folder = note.folder or "(vault root)"
    if title != name:
        keys = (title.casefold(), name.casefold())
        where = without_note_suffix(note.path)  # the file name shows, even where labels are alike
        entries = [NoteEntry(keys, title, where, note.path, name, title, 0.0, f"{title} {name}")]
    else:
        entries = [NoteEntry((name.casefold(),), name, folder, note.path, name, None, 0.0, name)]
    for alias in note.aliases:
        detail = f"alias of {name}"
        key = (alias.casefold(),)
        entries.append(NoteEntry(key, alias, detail, note.path, name, alias, ALIAS_PENALTY, alias))
    return entries


def completion_title(note: Note, shared: Container[str]) -> str:
    """The note's title, unless it is only a first heading that several notes share (nine notes
    of a course vault open with ``# Index``): such a heading names none of them, so another
    declared title does (a Readwise ``Full Title``), else the file name."""
    claim = note.titles[0] if note.titles else None
    if claim and claim.source == FIRST_HEADING and title_key(claim.text) in shared:
        others = [other.text for other in note.titles if other.source != FIRST_HEADING]
        return others[0] if others else note.name
    return note.title


def first_heading_key(note: Note) -> str | None:
    """The title key of the note's first heading when that is its title, else None."""
    claim = note.titles[0] if note.titles else None
    return title_key(claim.text) if claim and claim.source == FIRST_HEADING else None


# A prefix match scores 900 - len/100 (``fuzzy``), above any other kind of match while the key
# is shorter than this; a table holding a longer key scores its prefix matches in full.
PREFIX_OUTRANKS_BELOW = 20_000
# A key holding the query whole scores at least 500 - len/10 - len/100, above any match of
# letters apart (at most 300), while the key is shorter than this.
SUBSTRING_OUTRANKS_BELOW = 1_000
EXACT = 1000.0  # ``fuzzy``'s score for a key equal to the query


def prefix_points(key: str) -> float:
    """``fuzzy.score_folded(wanted, key)`` for a ``key`` that starts with ``wanted`` (and is
    longer)."""
    return 900.0 - len(key) / 100


def _folded_score(wanted: str, keys: tuple[str, ...]) -> float | None:
    best: float | None = None
    for key in keys:
        points = fuzzy.score_folded(wanted, key)
        if points is not None and (best is None or points > best):
            best = points
    return best


K = TypeVar("K", bound=tuple[Any, ...])


class KeyText(Generic[K]):
    """A table's keys (the first field of each item) joined by newlines, so that the keys
    holding a query's letters in order (what ``fuzzy`` scores) are found by one regular
    expression scan in C: scoring every key in Python took ~100 ms at 100,000 notes. Items
    added or removed since the join are kept aside (``add``, ``discard``), so that an event
    costs no new join until they are many (``stale``)."""

    def __init__(self, items: Iterable[K]) -> None:
        self.items = list(items)
        keys = [item[0] for item in self.items]
        self.text = "\n".join(keys)
        self.starts = list(accumulate((len(key) + 1 for key in keys), initial=0))
        self.odd = [item for item in self.items if "\n" in item[0]]  # split by the joining
        self.added: set[K] = set()
        self.removed: set[K] = set()

    def add(self, item: K) -> None:
        if item in self.removed:
            self.removed.discard(item)
        else:
            self.added.add(item)

    def discard(self, item: K) -> None:
        if item in self.added:
            self.added.discard(item)
        else:
            self.removed.add(item)

    @property
    def stale(self) -> bool:
        """Joining again costs less than going on with so many items aside."""
        return len(self.added) + len(self.removed) > max(1000, len(self.items) // 20)

    def holding(self, wanted: str, whole: bool = False) -> list[K]:
        """The items whose key holds ``wanted``'s letters in order (``whole``: ``wanted``
        itself, as one piece)."""

        def scored(item: K) -> bool:
            if whole:
                return wanted in item[0]
            return fuzzy.score_folded(wanted, item[0]) is not None

        if "\n" in wanted:
            found = [item for item in self.items if scored(item)]
        else:
            # ``a[^l\n]*l[^a\n]*a``: each letter's first place after the last, in one key
            pattern = (
                re.escape(wanted)
                if whole
                else re.escape(wanted[0])
                + "".join(f"[^{re.escape(letter)}\n]*{re.escape(letter)}" for letter in wanted[1:])
            )
            starts = self.starts
            numbers = {
                bisect_right(starts, at.start()) - 1 for at in re.finditer(pattern, self.text)
            }
            found = [self.items[number] for number in numbers]
            found += [item for item in self.odd if scored(item)]
        if self.removed:
            found = [item for item in found if item not in self.removed]
        return found + [item for item in self.added if scored(item)]


def _top_prefixed(
    items: list[K], wanted: str, exact: Callable[[K], K], count: int, owner: slice
) -> list[K] | None:
    """The best ``count`` of ``items`` (the prefix matches, each a key then its rank as a prefix
    match; ``exact`` gives the rank of a key equal to ``wanted``), one per owner
    (``item[owner]``, who has at most two keys); None when ``count`` owners or fewer match."""
    if len(items) <= 2 * count and len({item[owner] for item in items}) <= count:
        return None
    exacts = 0
    while exacts < len(items) and items[exacts][0] == wanted:
        exacts += 1
    candidates = [exact(item) for item in items[:exacts]]
    candidates += heapq.nsmallest(2 * count, items[exacts:], key=itemgetter(slice(1, None)))
    candidates.sort(key=itemgetter(slice(1, None)))
    seen: set[object] = set()
    top = []
    for item in candidates:
        if item[owner] not in seen:
            seen.add(item[owner])
            top.append(item)
    return top[:count]


NoteKey = tuple[str, float, int, str, str, int]  # key, then rank: points, label, path, number


class NoteTable:
    """Entries by path; ``keys`` holds each of an entry's keys with its rank as a prefix match
    (``NoteKey``), sorted; ``empty_order`` every entry by its rank for an empty query. Ties
    between equal labels go by path: the order never depends on the order of past events."""

    def __init__(self, index: VaultIndex):
        self.entries: dict[str, list[NoteEntry]] = {}
        # first-heading title key -> the notes titled by it; a key of two or more is ``shared``
        self.headed: dict[str, set[str]] = {}
        self.heading_of: dict[str, str] = {}  # path -> its first-heading title key
        for note in index:
            key = first_heading_key(note)
            if key is not None:
                self.headed.setdefault(key, set()).add(note.path)
                self.heading_of[note.path] = key
        self.shared = {key for key, paths in self.headed.items() if len(paths) > 1}
        keys: list[NoteKey] = []
        empty: list[tuple[float, int, str, str, int]] = []
        for note in index:
            found = self.entries[note.path] = entries_of(note, self.shared)
            for number, entry in enumerate(found):
                keys.extend(self._keys(entry, number))
                empty.append(self._empty_rank(entry, number))
        self.keys = SortedList(keys)
        self.empty_order = SortedList(empty)
        self.count = len(empty)
        self.long_keys = sum(len(key[0]) >= PREFIX_OUTRANKS_BELOW for key in keys)
        self.substring_long_keys = sum(len(key[0]) >= SUBSTRING_OUTRANKS_BELOW for key in keys)
        self._text: KeyText[NoteKey] | None = None

    @staticmethod
    def _keys(entry: NoteEntry, number: int) -> list[NoteKey]:
        label = entry.label
        return [
            (key, entry.penalty - prefix_points(key), len(label), label, entry.path, number)
            for key in entry.keys
        ]

    @staticmethod
    def _empty_rank(entry: NoteEntry, number: int) -> tuple[float, int, str, str, int]:
        shortest = min(len(key) for key in entry.keys)
        points = 1.0 - shortest / 1000
        return (entry.penalty - points, len(entry.label), entry.label, entry.path, number)

    def update(self, index: VaultIndex, paths: Sequence[str]) -> None:
        """The entries of ``paths`` as the index has them now (gone when the note is), and of
        every note whose first heading became shared, or stopped being, meanwhile."""
        for path in self._heading_changes(index, paths):
            for number, entry in enumerate(self.entries.pop(path, ())):
                for key in self._keys(entry, number):
                    self.keys.remove(key)
                    if self._text is not None:
                        self._text.discard(key)
                    self.long_keys -= len(key[0]) >= PREFIX_OUTRANKS_BELOW
                    self.substring_long_keys -= len(key[0]) >= SUBSTRING_OUTRANKS_BELOW
                self.empty_order.remove(self._empty_rank(entry, number))
                self.count -= 1
            note = index.notes.get(path)
            if note is None:
                continue
            found = self.entries[path] = entries_of(note, self.shared)
            for number, entry in enumerate(found):
                for key in self._keys(entry, number):
                    self.keys.add(key)
                    if self._text is not None:
                        self._text.add(key)
                    self.long_keys += len(key[0]) >= PREFIX_OUTRANKS_BELOW
                    self.substring_long_keys += len(key[0]) >= SUBSTRING_OUTRANKS_BELOW
                self.empty_order.add(self._empty_rank(entry, number))
                self.count += 1

    def _heading_changes(self, index: VaultIndex, paths: Sequence[str]) -> list[str]:
        """``paths``, then the notes whose entries change because a first heading's count
        crossed between one note and two (``shared``)."""
        crossed: set[str] = set()
        for path in paths:
            old = self.heading_of.pop(path, None)
            note = index.notes.get(path)
            new = first_heading_key(note) if note is not None else None
            if new is not None:
                self.heading_of[path] = new
            if old == new:
                continue
            if old is not None:
                holders = self.headed[old]
                holders.discard(path)
                if len(holders) == 1:
                    crossed.add(old)
                if not holders:
                    del self.headed[old]
            if new is not None:
                holders = self.headed.setdefault(new, set())
                holders.add(path)
                if len(holders) == 2:
                    crossed.add(new)
        touched = list(paths)
        for key in sorted(crossed):
            holders = self.headed.get(key, set())
            if len(holders) > 1:
                self.shared.add(key)
            else:
                self.shared.discard(key)
            touched.extend(sorted(holders.difference(paths)))
        return touched

    def _exact(self, key: NoteKey) -> NoteKey:
        entry = self.entries[key[4]][key[5]]
        return (key[0], entry.penalty - EXACT, *key[2:])

    def best(self, query: str, count: int) -> tuple[list[tuple[float, NoteEntry]], bool]:
        """The ``count`` best entries for ``query`` with their scores, and whether more matched."""
        wanted = query.casefold()
        if not wanted:
            chosen = self.empty_order.islice(0, count)
            ranked = [(-rank[0], self.entries[rank[3]][rank[4]]) for rank in chosen]
            return ranked, self.count > count
        low = self.keys.bisect_left((wanted, -EXACT, 0, "", "", -1))
        high = self.keys.bisect_left((wanted + LAST_CHARACTER, -EXACT, 0, "", "", -1))
        if high - low > count and not self.long_keys:
            top = _top_prefixed(self.keys[low:high], wanted, self._exact, count, slice(4, 6))
            if top is not None:  # more than ``count`` matched
                ranked = [(-key[1], self.entries[key[4]][key[5]]) for key in top]
                return ranked, True
        prefixed = {key[4:6] for key in self.keys[low:high]}
        if len(prefixed) <= count:
            if self._text is None or self._text.stale:
                self._text = KeyText(self.keys)
            # Keys holding the query whole outrank those holding its letters apart: when more
            # than ``count`` entries hold it, the others need no scoring.
            prefixed = {key[4:6] for key in self._text.holding(wanted, whole=True)}
            if len(prefixed) <= count or self.substring_long_keys:
                prefixed = {key[4:6] for key in self._text.holding(wanted)}
        scored = []
        for path, number in prefixed:
            entry = self.entries[path][number]
            best = _folded_score(wanted, entry.keys)
            if best is not None:
                scored.append((entry.penalty - best, len(entry.label), entry.label, path, number))
        top_scored = heapq.nsmallest(count, scored)
        ranked = [(-rank[0], self.entries[rank[3]][rank[4]]) for rank in top_scored]
        return ranked, len(scored) > count


def table_for(index: VaultIndex) -> NoteTable:
    return derived(index, NoteTable, NoteTable.update)


# ``quote(text, safe="/%")`` of ASCII text, in C: quoting each path in Python was ~40% of building
# a 10,000-note vault's file table
ASCII_QUOTED = {
    code: f"%{code:02X}"
    for code in range(128)
    if not (chr(code).isalnum() or chr(code) in "_.-~/%")
}
FileKey = tuple[str, float, int, str]  # key, then rank: points, path length, path


class FileTable:
    """Every note and attachment by its file name, as written and as percent-encoded:
    ``keys`` holds each with its rank as a prefix match (``FileKey``), sorted; ``empty_order``
    every path by its rank for an empty query."""

    def __init__(self, index: VaultIndex):
        self.names: dict[str, tuple[str, ...]] = {}
        for path in (*index.notes, *index.attachments):
            self.names[path] = self._names_of(path)
        self.keys = SortedList(key for path in self.names for key in self._keys(path))
        self.empty_order = SortedList(self._empty_rank(path) for path in self.names)
        self.long_keys = sum(len(key[0]) >= PREFIX_OUTRANKS_BELOW for key in self.keys)
        self.substring_long_keys = sum(len(key[0]) >= SUBSTRING_OUTRANKS_BELOW for key in self.keys)
        self._text: KeyText[FileKey] | None = None

    @staticmethod
    def _names_of(path: str) -> tuple[str, ...]:
        name = path.rsplit("/", 1)[-1].casefold()
        quoted = name.translate(ASCII_QUOTED) if name.isascii() else quote(name, safe="/%")
        return (quoted, name) if quoted != name else (name,)

    def _keys(self, path: str) -> list[FileKey]:
        return [(key, -prefix_points(key), len(path), path) for key in self.names[path]]

    def _empty_rank(self, path: str) -> tuple[float, int, str]:
        shortest = min(len(key) for key in self.names[path])
        return (-(1.0 - shortest / 1000), len(path), path)

    def update(self, index: VaultIndex, paths: Sequence[str]) -> None:
        for path in paths:
            if path in self.names:
                self.empty_order.remove(self._empty_rank(path))
                for key in self._keys(path):
                    self.keys.remove(key)
                    if self._text is not None:
                        self._text.discard(key)
                    self.long_keys -= len(key[0]) >= PREFIX_OUTRANKS_BELOW
                    self.substring_long_keys -= len(key[0]) >= SUBSTRING_OUTRANKS_BELOW
                del self.names[path]
            if path in index.notes or path in index.attachments:
                self.names[path] = self._names_of(path)
                for key in self._keys(path):
                    self.keys.add(key)
                    if self._text is not None:
                        self._text.add(key)
                    self.long_keys += len(key[0]) >= PREFIX_OUTRANKS_BELOW
                    self.substring_long_keys += len(key[0]) >= SUBSTRING_OUTRANKS_BELOW
                self.empty_order.add(self._empty_rank(path))

    @staticmethod
    def _exact(key: FileKey) -> FileKey:
        return (key[0], -EXACT, *key[2:])

    def best(self, query: str, count: int, skip: str) -> list[tuple[float, str]]:
        """The ``count`` best (score, path) for a file-name query, leaving out ``skip``."""
        wanted = query.casefold()
        if not wanted:
            chosen = [rank for rank in self.empty_order.islice(0, count + 1) if rank[2] != skip]
            return [(-rank[0], rank[2]) for rank in chosen[:count]]
        low = self.keys.bisect_left((wanted, -EXACT, 0, ""))
        high = self.keys.bisect_left((wanted + LAST_CHARACTER, -EXACT, 0, ""))
        if high - low > count + 1 and not self.long_keys:
            top = _top_prefixed(self.keys[low:high], wanted, self._exact, count + 1, slice(3, 4))
            if top is not None:
                chosen_keys = [key for key in top if key[3] != skip][:count]
                return [(-key[1], key[3]) for key in chosen_keys]
        prefixed = {key[3] for key in self.keys[low:high]}
        if len(prefixed) <= count + 1:
            if self._text is None or self._text.stale:
                self._text = KeyText(self.keys)
            prefixed = {key[3] for key in self._text.holding(wanted, whole=True)}
            if len(prefixed) <= count + 1 or self.substring_long_keys:
                prefixed = {key[3] for key in self._text.holding(wanted)}
        scored = []
        for path in prefixed:
            best = _folded_score(wanted, self.names[path])
            if best is not None and path != skip:
                scored.append((-best, len(path), path))
        return [(-negative, path) for negative, _, path in heapq.nsmallest(count, scored)]


def file_table_for(index: VaultIndex) -> FileTable:
    return derived(index, FileTable, FileTable.update)
