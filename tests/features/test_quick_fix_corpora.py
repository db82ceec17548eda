"""On every real vault in ``../shared/corpora``: apply every note's ``source.fixAll.vault-ls``
edit with the tests' own applier. Every link that resolved still reaches the same file, and the
problem count falls by the pinned figures. Skipped when the corpora are absent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tests.features.edit_applier import apply
from tests.features.test_rename_corpora import CORPORA, NAMES, read_corpus

from vault_ls.features import quick_fixes
from vault_ls.features.convert import Encoder
from vault_ls.features.diagnostics import shown_problems
from vault_ls.vault.snapshot import Snapshot, in_memory

ROOT = Path("/vault")
OPTIONS = quick_fixes.Options()

# corpus -> (problems before, problems after, notes fixed, what was fixed by code)
# (in memory, default settings). Most problems there have no single right fix: links to notes
# not written yet (Readwise's authors), Templater links, ambiguous names.
EXPECTED: dict[str, tuple[int, int, int, dict[str, int]]] = {
    "foam-docs": (7, 7, 0, {}),
    "markdown-oxide-testfiles": (11, 11, 0, {}),  # [[Another yest#Another]]: no such heading
    "obsidian-help": (11, 11, 0, {}),
    "opinionated-vault": (42, 40, 1, {"unresolved-heading": 2}),  # #progressive-summariztion
    "readwise-export": (535, 535, 0, {}),
    "ttrpg-13th-age-srd": (28, 25, 2, {"alias-link": 2, "link-text": 1}),
}

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent"),
]


def problems(vault: Snapshot) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in vault.index.notes:
        found.update(problem.code for problem, _ in shown_problems(vault, path))
    return found


def reached(vault: Snapshot) -> dict[tuple[str, int], str]:
    return {
        (note.path, number): path
        for note in vault.index
        for number, link in enumerate(note.links)
        if (path := vault.index.resolve(link, note.path).path) is not None
    }


@pytest.mark.parametrize("corpus", NAMES)
def test_fix_all_keeps_every_link_and_lowers_the_problem_count(corpus: str) -> None:
    files = read_corpus(CORPORA / corpus)
    vault = in_memory(files, ROOT)
    encoder = Encoder(vault)
    before, links = problems(vault), reached(vault)
    after_files = dict(files)
    fixed: Counter[str] = Counter()
    notes = 0
    for path in sorted(vault.index.notes):
        everything = quick_fixes.fix_all(vault, path, encoder, OPTIONS)
        if everything is None:
            continue
        edit, diagnostics = everything
        after = apply(files, edit, ROOT)
        assert {p for p in after if after[p] != files[p]} == {path}  # this note only
        after_files[path] = after[path]
        fixed.update(str(d.code) for d in diagnostics)
        notes += 1
    fresh = in_memory(after_files, ROOT)
    after_problems, after_links = problems(fresh), reached(fresh)
    lost = {key: path for key, path in links.items() if after_links.get(key) != path}
    assert lost == {}
    figures = (before.total(), after_problems.total(), notes, dict(sorted(fixed.items())))
    print(corpus, figures)
    assert figures == EXPECTED[corpus]
    if fixed:
        assert after_problems.total() < before.total()
        assert before - after_problems == fixed  # each fixed problem is gone, nothing new came
