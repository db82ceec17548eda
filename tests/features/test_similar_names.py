"""Close names for a broken link: the trigram shortlist finds what difflib over every name finds."""

import random
from difflib import SequenceMatcher, get_close_matches

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_ls.features.similar_names import (
    SCAN_ALL_BELOW,
    SHORTLIST,
    SimilarNames,
    close_matches,
    trigrams,
)

WORDS = "narrow gather easy storm meteor camera fleet cherry family signal mineral café 日本 ü—x"


def names(count: int) -> list[str]:
    rng = random.Random(5)
    words = WORDS.split()
    made = {
        f"{' '.join(rng.sample(words, rng.randint(1, 3))).title()} {n:05}" for n in range(count)
    }
    return sorted(made)


def misspelt(name: str, rng: random.Random) -> str:
    at = rng.randrange(len(name))
    return name[:at] + name[at + 1 :] if rng.random() < 0.5 else name[:at] + "q" + name[at:]


def scores(wanted: str, found: list[str]) -> list[float]:
    return [round(SequenceMatcher(None, wanted, name).ratio(), 6) for name in found]


def test_the_shortlist_finds_what_a_full_scan_finds():
    every = names(3000)  # hundreds of names differ by a number only: the hard case
    similar = SimilarNames(every)
    rng = random.Random(9)
    as_good = 0
    for name in rng.sample(every, 100):
        wanted = misspelt(name, rng)
        found, full = similar.closest(wanted, 3, 0.5), get_close_matches(wanted, every, 3, 0.5)
        assert found[:1] == full[:1], wanted  # the best suggestion: always difflib's own
        as_good += scores(wanted, found) == scores(wanted, full)  # or names as close
    assert as_good >= 95


def test_small_vaults_scan_every_name():
    few = names(SCAN_ALL_BELOW - 1)
    similar = SimilarNames(few)
    assert not similar.postings
    assert similar.closest("Narow Gather 00001", 3, 0.5) == get_close_matches(
        "Narow Gather 00001", few, 3, 0.5
    )


def test_nothing_close_gives_nothing():
    assert SimilarNames(names(3000)).closest("🙂🙂🙂", 3, 0.5) == []


# difflib's ranking, with its upper bounds used to skip names: the very same list
names_like = st.lists(st.text(alphabet="abcab é—日🙂12", max_size=12), max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    word=st.text(alphabet="abcab é—日🙂12", max_size=12),
    possibilities=names_like,
    count=st.integers(1, 5),
    cutoff=st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.8, 1.0]),
)
def test_close_matches_is_difflibs_own(word, possibilities, count, cutoff):
    assert close_matches(word, possibilities, count, cutoff) == get_close_matches(
        word, possibilities, count, cutoff
    )


def test_close_matches_on_near_identical_names_is_difflibs_own():
    every = names(3000)
    rng = random.Random(11)
    for name in rng.sample(every, 40):
        wanted = misspelt(name, rng)
        assert close_matches(wanted, every, 3, 0.5) == get_close_matches(wanted, every, 3, 0.5)


def test_an_answer_asked_again_is_the_same_and_a_copy():
    similar = SimilarNames(names(3000))
    first = similar.closest("Narow Gather 00001", 3, 0.5)
    first.append("changed by the caller")
    assert similar.closest("Narow Gather 00001", 3, 0.5) == first[:-1]
    assert len(similar.answers) == 1


def test_the_shortlist_is_most_trigrams_shared_then_name_order():
    every = names(3000)  # many names share as many trigrams: ties broken by name
    similar = SimilarNames(every)
    rng = random.Random(13)
    for name in rng.sample(every, 30):
        wanted = misspelt(name, rng)
        grams = trigrams(wanted)
        shared = [(-len(grams & trigrams(other)), other) for other in every]
        expected = [other for count, other in sorted(shared) if count < 0][:SHORTLIST]
        assert similar._shortlist(wanted) == expected, wanted
