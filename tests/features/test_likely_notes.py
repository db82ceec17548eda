"""A bare ``[[``'s order (``likely_notes``) equals ranking every note, as the first version did,
on random vaults (folders, links, recent notes) and after random edits, added and removed notes
(the kept order follows the backlinks)."""

from __future__ import annotations

import math
import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_ls.features.likely_notes import likely_notes
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note

FOLDERS = ["", "Zettel", "Zettel/Café — 咖啡", "Daily"]
NAMES = ["Alpha", "alpha", "Beta", "Émile", "Zoë 🚀", "数学", "Notes", "b"]


def every_note_ranked(index: VaultIndex, path: str, recent: list[str], count: int) -> list[str]:
    """The reference: every note ranked by (recent rank, -weight, file name, path)."""
    rank_of = {each: rank for rank, each in enumerate(recent)}
    folder = posixpath.dirname(path)
    ranked = []
    for each in index.notes:
        if each == path:
            continue
        weight = math.log2(1 + len(index.backlinks.get(each, ())))
        weight += posixpath.dirname(each) == folder
        file = each.rpartition("/")[2].casefold()
        ranked.append((rank_of.get(each, len(rank_of)), -weight, file, each))
    return [each for *_, each in sorted(ranked)[:count]]


paths = st.builds(
    lambda folder, name: posixpath.join(folder, name + ".md"),
    st.sampled_from(FOLDERS),
    st.sampled_from(NAMES),
)


def text_linking(targets: list[str]) -> str:
    return "# Note\n\n" + " ".join(f"[[{target[:-3]}]]" for target in targets) + "\n"


@settings(max_examples=150, deadline=None)
@given(
    notes=st.lists(
        st.tuples(paths, st.lists(paths, max_size=6)),
        min_size=1,
        max_size=25,
        unique_by=lambda note: note[0],
    ),
    edits=st.lists(st.tuples(paths, st.lists(paths, max_size=6), st.booleans()), max_size=8),
    recent_picks=st.lists(st.integers(0, 30), max_size=6),
    count=st.integers(1, 8),
    data=st.data(),
)
def test_the_kept_order_is_the_full_ranking(
    notes: list[tuple[str, list[str]]],
    edits: list[tuple[str, list[str], bool]],
    recent_picks: list[int],
    count: int,
    data: st.DataObject,
) -> None:
    index = VaultIndex()
    index.set_notes([parse_note(path, text_linking(targets)) for path, targets in notes], [])
    for step in range(len(edits) + 1):
        known = sorted(index.notes)
        if known:
            recent = list(dict.fromkeys(known[pick % len(known)] for pick in recent_picks))
            writing = data.draw(st.sampled_from([*known, "Elsewhere/New.md"]))
            assert likely_notes(index, writing, recent, count) == every_note_ranked(
                index, writing, recent, count
            )
        if step < len(edits):
            path, targets, remove = edits[step]
            if remove and path in index.notes:
                index.remove_note(path)
            else:
                index.set_note(parse_note(path, text_linking(targets)))
