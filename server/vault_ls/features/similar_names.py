"""Note names close to a misspelt one, for a hover on a link that leads nowhere.

difflib's ratio against every name took ~75 ms per hover at 10,000 notes (~310 ms at 50,000).
A trigram index, kept while no name changes (``VaultIndex.names_version``), shortlists the names
sharing the most trigrams with the one written; difflib then ranks the shortlist only (~3 ms).
The best suggestion is difflib's own; among hundreds of near-identical names a later one may
be a slightly weaker name than a full scan would give (tests/features/test_similar_names.py).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from difflib import get_close_matches

from vault_ls.features.derived import derived
from vault_ls.vault.index import VaultIndex

SHORTLIST = 128  # names difflib ranks; a misspelling shares most trigrams with its note
SCAN_ALL_BELOW = 1000  # names: below this, difflib over all of them is fast enough (and exact)


def trigrams(name: str) -> set[str]:
    padded = f"  {name.casefold()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class SimilarNames:
    def __init__(self, names: list[str]):
        self.names = names
        self.postings: dict[str, list[int]] = defaultdict(list)
        if len(names) >= SCAN_ALL_BELOW:
            for number, name in enumerate(names):
                for gram in trigrams(name):
                    self.postings[gram].append(number)

    def closest(self, wanted: str, count: int, cutoff: float) -> list[str]:
        if len(self.names) < SCAN_ALL_BELOW:
            return get_close_matches(wanted, self.names, count, cutoff)
        shared: Counter[int] = Counter()
        for gram in trigrams(wanted):
            shared.update(self.postings.get(gram, ()))
        # most trigrams shared first, then name order: the same answer in every process
        best = heapq.nsmallest(SHORTLIST, shared.items(), key=lambda item: (-item[1], item[0]))
        shortlist = [self.names[number] for number, _ in best]
        return get_close_matches(wanted, shortlist, count, cutoff)


def similar_names_for(index: VaultIndex) -> SimilarNames:
    return derived(index, _similar_names)


def _similar_names(index: VaultIndex) -> SimilarNames:
    return SimilarNames(sorted({note.name for note in index}))
