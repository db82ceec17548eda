"""The completion table's prefix shortcut ranks exactly as scoring every entry would."""

import random

import pytest

from vault_ls.features import fuzzy
from vault_ls.features.note_search import NoteTable
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note

WORDS = ["alpha", "Alps", "beta", "Café", "café au lait", "日本", "zeta", "Ab", "abc", "a"]


def build(seed: int) -> VaultIndex:
    chooser = random.Random(seed)
    notes = []
    for number in range(300):
        name = " ".join(chooser.sample(WORDS, chooser.randint(1, 3))) + f" {number}"
        aliases = chooser.sample(WORDS, chooser.randint(0, 2))
        front = f"---\naliases: {aliases}\n---\n" if aliases else ""
        heading = f"# {chooser.choice(WORDS)} title\n" if chooser.random() < 0.3 else ""
        notes.append(parse_note(f"f{number % 7}/{name}.md", front + heading))
    index = VaultIndex()
    index.set_notes(notes)
    return index


def brute_force(table: NoteTable, query: str, count: int):
    wanted = query.casefold()
    scored = []
    for position, entry in enumerate(table.entries):
        points = [fuzzy.score_folded(wanted, key) for key in entry.keys]
        found = [p for p in points if p is not None]
        if found:
            best = max(found)
            scored.append((entry.penalty - best, len(entry.label), entry.label, position))
    scored.sort()
    return [(-s, table.entries[p]) for s, _, _, p in scored[:count]], len(scored) > count


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("query", ["", "a", "al", "ALP", "caf", "日", "zz", "b 1", "title"])
def test_best_equals_scoring_everything(seed, query):
    table = NoteTable(build(seed))
    assert table.best(query, 12) == brute_force(table, query, 12)


def test_the_table_follows_title_and_alias_changes_only():
    from vault_ls.features.note_search import table_for

    index = VaultIndex()
    index.set_notes([parse_note("A.md", "# A\n"), parse_note("B.md", "text\n")])
    first = table_for(index)
    index.set_note(parse_note("B.md", "more text [[A]]\n"))  # a body edit: same table
    assert table_for(index) is first
    index.set_note(parse_note("B.md", "---\naliases: [Bee]\n---\n"))  # a new alias: rebuilt
    rebuilt = table_for(index)
    assert rebuilt is not first
    assert [entry.label for entry in rebuilt.entries] == ["A", "B", "Bee"]
    index.remove_note("A.md")
    assert [entry.label for entry in table_for(index).entries] == ["B", "Bee"]


@pytest.mark.parametrize("query", ["", "a", "caf", "café", "caf%C3%A9", "alps 1", "zz", ".png"])
def test_file_table_best_equals_scoring_everything(query):
    from urllib.parse import quote

    from vault_ls.features.note_search import FileTable

    index = build(4)
    for number in range(40):
        index.add_attachment(f"img/{WORDS[number % len(WORDS)]} {number}.png")
    table = FileTable(index)
    skip = table.paths[3]
    wanted = query.casefold()
    scored = []
    for path in table.paths:
        if path == skip:
            continue
        name = path.rsplit("/", 1)[-1].casefold()
        points = [fuzzy.score_folded(wanted, key) for key in (quote(name, safe="/%"), name)]
        found = [p for p in points if p is not None]
        if found:
            scored.append((-max(found), len(path), path))
    scored.sort()
    assert table.best(query, 15, skip) == [(-s, p) for s, _, p in scored[:15]]
