"""The notes a bare ``[[`` offers first: the ones opened or edited lately, latest first; then
the others by how many notes link to them (``log2(1 + backlinks)``), a note in the folder of
the note being written counting one more, then by file name.

Ranking all notes per request took ~30 ms at 10,000 notes. ``LinkedOrder`` keeps them sorted by
backlinks, in the whole vault and per folder, and follows the backlinks by comparing counts
(~1 ms): a request then ranks a few hundred candidates. Every note the full ranking puts in the
first ``count`` is among them: in the vault's order, only notes ranked above it in the full
ranking (or recent, or the note being written) stand before a note of another folder; in its
folder's order, the same holds for a note of the folder."""

from __future__ import annotations

import heapq
import math
import posixpath
from collections.abc import Sequence
from itertools import islice, repeat

from sortedcontainers import SortedList

from vault_ls.features.derived import derived
from vault_ls.vault.index import VaultIndex

LinkedKey = tuple[float, str, str]  # -log2(1 + backlinks), file name case-folded, path


def _key(path: str, backlinks: int) -> LinkedKey:
    return (-math.log2(1 + backlinks), path.rpartition("/")[2].casefold(), path)


class LinkedOrder:
    def __init__(self, index: VaultIndex) -> None:
        self.backlinks: dict[str, int] = {}
        self.everywhere: SortedList[LinkedKey] = SortedList()
        self.by_folder: dict[str, SortedList[LinkedKey]] = {}
        folders: dict[str, list[LinkedKey]] = {}
        for path in index.notes:  # sorted once, not note by note (``_add``)
            self.backlinks[path] = backlinks = len(index.backlinks.get(path, ()))
            folders.setdefault(posixpath.dirname(path), []).append(_key(path, backlinks))
        self.everywhere.update(key for keys in folders.values() for key in keys)
        self.by_folder = {folder: SortedList(keys) for folder, keys in folders.items()}

    def _add(self, path: str, backlinks: int) -> None:
        self.backlinks[path] = backlinks
        key = _key(path, backlinks)
        self.everywhere.add(key)
        self.by_folder.setdefault(posixpath.dirname(path), SortedList()).add(key)

    def _remove(self, path: str) -> None:
        key = _key(path, self.backlinks.pop(path))
        self.everywhere.remove(key)
        folder = posixpath.dirname(path)
        self.by_folder[folder].remove(key)
        if not self.by_folder[folder]:
            del self.by_folder[folder]

    def update(self, index: VaultIndex, paths: Sequence[str]) -> None:
        """Notes come and go (``paths``: those whose names changed)."""
        for path in paths:
            if path in self.backlinks:
                self._remove(path)
            if path in index.notes:
                self._add(path, len(index.backlinks.get(path, ())))

    def follow_backlinks(self, index: VaultIndex) -> None:
        paths = list(self.backlinks)
        now = list(map(len, map(index.backlinks.get, paths, repeat(()))))  # in C: ~0.5 ms
        kept = list(self.backlinks.values())
        if now == kept:
            return
        moved = zip(paths, kept, now, strict=True)
        changed = [(path, count) for path, old, count in moved if old != count]
        for path, count in changed:
            self._remove(path)
            self._add(path, count)

    def first(self, folder: str, count: int) -> list[tuple[float, str, str]]:
        """The first ``count`` of the vault and of ``folder``, with the folder's one more."""
        found = list(islice(self.everywhere, count))
        found += [(key[0] - 1, *key[1:]) for key in islice(self.by_folder.get(folder, ()), count)]
        return found


def linked_order(index: VaultIndex) -> LinkedOrder:
    order = derived(index, LinkedOrder, LinkedOrder.update)
    order.follow_backlinks(index)
    return order


def likely_notes(index: VaultIndex, path: str, recent: Sequence[str], count: int) -> list[str]:
    """The first ``count`` notes for a bare ``[[`` in ``path`` (never ``path`` itself)."""
    folder = posixpath.dirname(path)
    rank_of = {each: rank for rank, each in enumerate(recent)}
    unseen = len(rank_of)
    candidates = linked_order(index).first(folder, count + len(rank_of) + 1)
    for each in rank_of:
        if each in index.notes:
            points, file, _ = _key(each, len(index.backlinks.get(each, ())))
            candidates.append((points - (posixpath.dirname(each) == folder), file, each))
    best: dict[str, tuple[int, float, str, str]] = {}
    for points, file, each in candidates:
        ranked = (rank_of.get(each, unseen), points, file, each)
        if each != path and (each not in best or ranked < best[each]):
            best[each] = ranked
    return [ranked[3] for ranked in heapq.nsmallest(count, best.values())]
