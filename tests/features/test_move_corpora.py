"""On every real vault in ``../shared/corpora``: move its three largest folders into a new one
and its most-linked note to another folder, applied by the tests' own applier and then moved
as an editor moves files. Every link reaches what it reached, at its new path. Skipped when the
corpora are absent."""

from __future__ import annotations

import posixpath
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.features.edit_applier import apply
from tests.features.test_rename_corpora import CORPORA, NAMES, read_corpus

from vault_ls.features import move
from vault_ls.features.convert import Encoder
from vault_ls.vault.snapshot import Snapshot, in_memory

ROOT = Path("/vault")

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent"),
]


def resolutions(vault: Snapshot) -> dict[str, list[str | None]]:
    return {
        path: [vault.index.resolve(link, path).path for link in note.links]
        for path, note in vault.index.notes.items()
    }


def moved_and_checked(files: dict[str, str], pairs: list[tuple[str, str]]) -> tuple[int, int]:
    before = in_memory(files, ROOT)
    moves = move.file_moves(before.index, pairs)
    started = time.perf_counter()
    edit, plan = move.move_edit(before, Encoder(before), moves, {})
    elapsed = (time.perf_counter() - started) * 1000
    edited = apply(files, edit, ROOT)
    result = {path: text for path, text in edited.items() if path not in moves}
    result.update({new: edited[old] for old, new in moves.items()})
    after = in_memory(result, ROOT)
    was, now = resolutions(before), resolutions(after)
    for path, targets in was.items():
        expected = [moves.get(t, t) if t is not None else None for t in targets]
        reached = now[moves.get(path, path)]
        assert [
            r if t is not None or r not in moves.values() else None
            for t, r in zip(expected, reached, strict=True)
        ] == expected, path
    print(
        f"{pairs}: {len(moves)} files, {plan.links} links in {plan.notes} notes, {elapsed:.0f} ms"
    )
    return plan.links, plan.notes


@pytest.mark.parametrize("name", NAMES)
def test_moving_folders_and_a_note_keeps_every_link(name: str) -> None:
    files = read_corpus(CORPORA / name)
    vault = in_memory(files, ROOT)
    folders = Counter(
        posixpath.dirname(path) for path in files if "/" in path and not path.startswith("_")
    )
    for folder, _ in folders.most_common(3):
        moved_and_checked(files, [(folder, f"Moved — 😀/{folder}")])
    backlinks = Counter({path: len(vault.index.linking_notes(path)) for path in vault.index.notes})
    top = backlinks.most_common(1)[0][0]
    moved_and_checked(files, [(top, "Elsewhere — 名/" + posixpath.basename(top))])
