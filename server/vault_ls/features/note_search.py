"""The tables completion searches: notes by title, file name and aliases (after ``[[``), and
files by file name (after ``](``), case-folded once, with a sorted list of the keys so that a
query looks at prefix matches only when there are enough of them (they outrank every other kind
of match).

A table is kept while no file is added, removed or renamed and no title or alias changes
(``VaultIndex.names_version``): typing in a note does not rebuild it.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Container
from typing import NamedTuple
from urllib.parse import quote

from vault_ls.features import fuzzy
from vault_ls.features.derived import derived
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Note
from vault_ls.vault.names import title_key, without_note_suffix

ALIAS_PENALTY = 0.5  # an alias ranks just below its note when both match as well
LAST_CHARACTER = "\U0010ffff"
FIRST_HEADING = "first heading"  # ``TitleClaim.source`` of a title taken from the first heading


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
    of a course vault open with ``# Index``): such a heading names none of them."""
    claim = note.titles[0] if note.titles else None
    if claim and claim.source == FIRST_HEADING and title_key(claim.text) in shared:
        return note.name
    return note.title


def shared_headings(index: VaultIndex) -> set[str]:
    """Title keys of the first headings that are the title of more than one note."""
    counts = Counter(
        title_key(note.titles[0].text)
        for note in index
        if note.titles and note.titles[0].source == FIRST_HEADING
    )
    return {key for key, count in counts.items() if count > 1}


class NoteTable:
    def __init__(self, index: VaultIndex):
        self.shared = shared_headings(index)
        self.entries = [entry for note in index for entry in entries_of(note, self.shared)]
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


def table_for(index: VaultIndex) -> NoteTable:
    return derived(index, NoteTable)


def _scan(
    keys: list[str], positions: list[int], wanted: str, count: int, total: int
) -> set[int] | range:
    """Positions worth scoring: the prefix matches when they are more than ``count``."""
    start = bisect_left(keys, wanted)
    end = bisect_left(keys, wanted + LAST_CHARACTER, start)
    prefixed = set(positions[start:end])
    return prefixed if len(prefixed) > count else range(total)


class FileTable:
    """Every note and attachment by its file name, as written and as percent-encoded."""

    def __init__(self, index: VaultIndex):
        self.paths = sorted([*index.notes, *index.attachments])
        self.names = []
        for path in self.paths:
            name = path.rsplit("/", 1)[-1].casefold()
            self.names.append((quote(name, safe="/%"), name))
        pairs = sorted(
            (key, position) for position, keys in enumerate(self.names) for key in set(keys)
        )
        self.keys = [key for key, _ in pairs]
        self.positions = [position for _, position in pairs]
        self.empty_order = sorted(range(len(self.paths)), key=self._rank_for_nothing)

    def _rank_for_nothing(self, position: int) -> tuple[float, int, str]:
        shortest = min(len(key) for key in self.names[position])
        path = self.paths[position]
        return (-(1.0 - shortest / 1000), len(path), path)

    def best(self, query: str, count: int, skip: str) -> list[tuple[float, str]]:
        """The ``count`` best (score, path) for a file-name query, leaving out ``skip``."""
        wanted = query.casefold()
        if not wanted:
            chosen = [p for p in self.empty_order[: count + 1] if self.paths[p] != skip][:count]
            return [(-self._rank_for_nothing(p)[0], self.paths[p]) for p in chosen]
        searched = _scan(self.keys, self.positions, wanted, count + 1, len(self.paths))
        scored = []
        for position in searched:
            path = self.paths[position]
            if path == skip:
                continue
            points = [fuzzy.score_folded(wanted, key) for key in self.names[position]]
            found = [p for p in points if p is not None]
            if found:
                scored.append((-max(found), len(path), path))
        return [(-negative, path) for negative, _, path in heapq.nsmallest(count, scored)]


def file_table_for(index: VaultIndex) -> FileTable:
    return derived(index, FileTable)
