"""The table completion searches for notes: every note's title, file name and aliases,
case-folded once, with a sorted list of the keys so that a query looks at prefix matches only
when there are enough of them (they outrank every other kind of match).

A table is kept while no note is added, removed or renamed and no title or alias changes
(``VaultIndex.names_version``): typing in a note does not rebuild it.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from typing import NamedTuple

from vault_ls.features import fuzzy
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


class NoteTable:
    def __init__(self, index: VaultIndex):
        self.entries = [entry for note in index for entry in entries_of(note)]
        pairs = sorted(
            (key, position) for position, entry in enumerate(self.entries) for key in entry.keys
        )
        self.keys = [key for key, _ in pairs]
        self.positions = [position for _, position in pairs]
        self.empty_order = sorted(range(len(self.entries)), key=self._rank_for_nothing)

    def _rank_for_nothing(self, position: int) -> tuple[float, int, str]:
        entry = self.entries[position]
        shortest = min(len(key) for key in entry.keys)
        return (entry.penalty - (1.0 - shortest / 1000), len(entry.label), entry.label)

    def best(self, query: str, count: int) -> tuple[list[tuple[float, NoteEntry]], bool]:
        """The ``count`` best entries for ``query`` with their scores, and whether more matched."""
        wanted = query.casefold()
        if not wanted:
            chosen = self.empty_order[:count]
            ranked = [(-self._rank_for_nothing(p)[0], self.entries[p]) for p in chosen]
            return ranked, len(self.entries) > count
        start = bisect_left(self.keys, wanted)
        end = bisect_left(self.keys, wanted + LAST_CHARACTER, start)
        prefixed = set(self.positions[start:end])
        searched = prefixed if len(prefixed) > count else range(len(self.entries))
        scored = []
        for position in searched:
            entry = self.entries[position]
            best: float | None = None
            for key in entry.keys:
                points = fuzzy.score_folded(wanted, key)
                if points is not None and (best is None or points > best):
                    best = points
            if best is not None:
                scored.append((entry.penalty - best, len(entry.label), entry.label, position))
        top = heapq.nsmallest(count, scored)
        return [(-negative, self.entries[p]) for negative, _, _, p in top], len(scored) > count


_tables: dict[int, tuple[int, NoteTable]] = {}


def table_for(index: VaultIndex) -> NoteTable:
    cached = _tables.get(id(index))
    if cached is not None and cached[0] == index.names_version:
        return cached[1]
    table = NoteTable(index)
    _tables.clear()  # one table at a time: the newest index is the one asked about next
    _tables[id(index)] = (index.names_version, table)
    return table
