"""Note names close to a misspelt one, for a hover on a link that leads nowhere and for the
quick fixes of that link (the same ranking).

difflib's ratio against every name took ~75 ms per hover at 10,000 notes (~310 ms at 50,000).
A trigram index, kept while no name changes (``VaultIndex.names_version``), shortlists the names
sharing the most trigrams with the one written; difflib then ranks the shortlist only (~3 ms).
The best suggestion is difflib's own; among hundreds of near-identical names a later one may
be a slightly weaker name than a full scan would give (tests/features/test_similar_names.py).

The ranking is ``difflib.get_close_matches``'s exactly, but skips the names that cannot beat the
``count`` best found so far (difflib's own upper bounds), and each answer is remembered while the
names stay the same: a note's code actions ask again for every broken link of the note.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher

from vault_ls.features.derived import derived
from vault_ls.vault.index import VaultIndex

SHORTLIST = 128  # names difflib ranks; a misspelling shares most trigrams with its note
SCAN_ALL_BELOW = 1000  # names: below this, difflib over all of them is fast enough (and exact)
REMEMBERED = 4096  # answers kept per set of names


def trigrams(name: str) -> set[str]:
    padded = f"  {name.casefold()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def close_matches(word: str, possibilities: Iterable[str], count: int, cutoff: float) -> list[str]:
    """``difflib.get_close_matches(word, possibilities, count, cutoff)``, the same list, without
    the full ratio of a name whose upper bound is below the ``count``-th best score so far."""
    if count <= 0 or not 0.0 <= cutoff <= 1.0:
        raise ValueError(f"count must be > 0 and cutoff in [0, 1]: {count!r}, {cutoff!r}")
    best: list[tuple[float, str]] = []  # a min-heap of the count best (score, name)
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    for name in possibilities:
        # a tie with the weakest kept may still win on the name (difflib's nlargest order)
        floor = best[0][0] if len(best) == count else cutoff
        matcher.set_seq1(name)
        if (
            matcher.real_quick_ratio() < floor
            or matcher.quick_ratio() < floor
            or (score := matcher.ratio()) < cutoff
        ):
            continue
        if len(best) < count:
            heapq.heappush(best, (score, name))
        elif (score, name) > best[0]:
            heapq.heapreplace(best, (score, name))
    return [name for _, name in sorted(best, reverse=True)]


class SimilarNames:
    def __init__(self, names: list[str]):
        self.names = names
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.answers: dict[tuple[str, int, float], list[str]] = {}
        if len(names) >= SCAN_ALL_BELOW:
            for number, name in enumerate(names):
                for gram in trigrams(name):
                    self.postings[gram].append(number)

    def closest(self, wanted: str, count: int, cutoff: float) -> list[str]:
        key = (wanted, count, cutoff)
        found = self.answers.get(key)
        if found is None:
            if len(self.answers) >= REMEMBERED:
                self.answers.clear()
            found = self.answers[key] = close_matches(
                wanted, self._shortlist(wanted), count, cutoff
            )
        return list(found)

    def _shortlist(self, wanted: str) -> list[str]:
        if len(self.names) < SCAN_ALL_BELOW:
            return self.names
        shared: Counter[int] = Counter()
        for gram in trigrams(wanted):
            shared.update(self.postings.get(gram, ()))
        # most trigrams shared first, then name order: the same answer in every process
        floor = heapq.nlargest(SHORTLIST, shared.values())[-1] if len(shared) > SHORTLIST else 0
        best = sorted(number for number, times in shared.items() if times >= floor)
        best.sort(key=shared.__getitem__, reverse=True)  # stable: name order within a count
        return [self.names[number] for number in best[:SHORTLIST]]


def similar_names_for(index: VaultIndex) -> SimilarNames:
    return derived(index, _similar_names)


def _similar_names(index: VaultIndex) -> SimilarNames:
    return SimilarNames(sorted({note.name for note in index}))
