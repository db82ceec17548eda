"""The completion tables: the prefix shortcut ranks exactly as scoring every entry would, and a
table that follows the index's changes answers as one built afresh."""

import random
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_ls.features import fuzzy
from vault_ls.features.note_search import (
    ASCII_QUOTED,
    FileTable,
    NoteTable,
    entries_of,
    file_table_for,
    first_heading_key,
    table_for,
)
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note

WORDS = ["alpha", "Alps", "beta", "Café", "café au lait", "日本", "zeta", "Ab", "abc", "a"]
# "itle", "e 1", "lp": more than a page of keys hold them whole, few start with them
QUERIES = ["", "a", "al", "ALP", "caf", "日", "zz", "b 1", "title", "itle", "e 1", "lp"]


def random_note(chooser: random.Random, number: int):
    name = " ".join(chooser.sample(WORDS, chooser.randint(1, 3))) + f" {number}"
    aliases = chooser.sample(WORDS, chooser.randint(0, 2))
    front = f"---\naliases: {aliases}\n---\n" if aliases else ""
    heading = f"# {chooser.choice(WORDS)} title\n" if chooser.random() < 0.3 else ""
    return parse_note(f"f{number % 7}/{name}.md", front + heading)


def build(seed: int) -> VaultIndex:
    chooser = random.Random(seed)
    index = VaultIndex()
    index.set_notes([random_note(chooser, number) for number in range(300)])
    return index


def brute_force(index: VaultIndex, query: str, count: int):
    """Every entry of every note scored; ties by label length, label, path, entry number."""
    wanted = query.casefold()
    headings = Counter(key for note in index if (key := first_heading_key(note)) is not None)
    shared = {key for key, notes in headings.items() if notes > 1}  # names none of its notes
    scored = []
    for note in index:
        for number, entry in enumerate(entries_of(note, shared)):
            if wanted:
                found = [fuzzy.score_folded(wanted, key) for key in entry.keys]
                points = [p for p in found if p is not None]
                if not points:
                    continue
                best = max(points)
            else:
                best = 1.0 - min(len(key) for key in entry.keys) / 1000
            rank = (entry.penalty - best, len(entry.label), entry.label, note.path, number)
            scored.append((rank, entry))
    scored.sort(key=lambda pair: pair[0])
    return [(-rank[0], entry) for rank, entry in scored[:count]], len(scored) > count


def labels(table: NoteTable) -> list[str]:
    return sorted(entry.label for found in table.entries.values() for entry in found)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("query", QUERIES)
def test_best_equals_scoring_everything(seed, query):
    index = build(seed)
    assert NoteTable(index).best(query, 12) == brute_force(index, query, 12)


def test_the_table_follows_title_and_alias_changes_in_place():
    index = VaultIndex()
    index.set_notes([parse_note("A.md", "# A\n"), parse_note("B.md", "text\n")])
    first = table_for(index)
    index.set_note(parse_note("B.md", "more text [[A]]\n"))  # a body edit: nothing to do
    assert table_for(index) is first
    index.set_note(parse_note("B.md", "---\naliases: [Bee]\n---\n"))  # a new alias
    assert table_for(index) is first
    assert labels(first) == ["A", "B", "Bee"]
    index.set_note(parse_note("A.md", "# Ångström — 日本\n"))  # a new title
    index.remove_note("B.md")
    assert table_for(index) is first
    assert labels(first) == ["Ångström — 日本"]
    assert first.best("ång", 5) == brute_force(index, "ång", 5)


@pytest.mark.parametrize("seed", [5, 6])
def test_a_followed_table_answers_as_a_fresh_one(seed):
    """Random adds, removes, title and alias changes and attachments, each followed by a
    query: the table kept on the index (updated in place) answers as one built now."""
    chooser = random.Random(seed)
    index = build(seed)
    notes, files = table_for(index), file_table_for(index)
    for step in range(150):
        paths = sorted(index.notes)
        roll = chooser.random()
        if roll < 0.3:
            index.set_note(random_note(chooser, 1000 + step))
        elif roll < 0.5:
            index.remove_note(chooser.choice(paths))
        elif roll < 0.8:  # the same path, a new title or aliases
            path = chooser.choice(paths)
            text = random_note(chooser, step)
            index.set_note(parse_note(path, f"# {chooser.choice(WORDS)} {step}\n" + text.path))
        elif roll < 0.9:
            index.add_attachment(f"img/{chooser.choice(WORDS)} {step}.png")
        elif index.attachments:
            index.remove_attachment(chooser.choice(sorted(index.attachments)))
        query = chooser.choice(QUERIES)
        assert table_for(index) is notes
        assert (
            notes.best(query, 8) == NoteTable(index).best(query, 8) == brute_force(index, query, 8)
        )
        assert file_table_for(index) is files
        assert files.best(query, 8, "") == FileTable(index).best(query, 8, "")


def test_a_bulk_load_builds_the_table_again():
    index = build(1)
    first = table_for(index)
    index.set_notes([parse_note("Only.md", "")])
    assert table_for(index) is not first


@pytest.mark.parametrize(
    "query", ["", "a", "caf", "café", "caf%C3%A9", "alps 1", "zz", ".png", "lp", "e 1"]
)
def test_file_table_best_equals_scoring_everything(query):
    index = build(4)
    for number in range(40):
        index.add_attachment(f"img/{WORDS[number % len(WORDS)]} {number}.png")
    table = FileTable(index)
    every = sorted([*index.notes, *index.attachments])
    skip = every[3]
    wanted = query.casefold()
    scored = []
    for path in every:
        if path == skip:
            continue
        name = path.rsplit("/", 1)[-1].casefold()
        points = [fuzzy.score_folded(wanted, key) for key in (quote(name, safe="/%"), name)]
        found = [p for p in points if p is not None]
        if found:
            scored.append((-max(found), len(path), path))
    scored.sort()
    assert table.best(query, 15, skip) == [(-s, p) for s, _, p in scored[:15]]


def test_the_letter_filter_keeps_exactly_what_fuzzy_scores():
    """``KeyText`` (keys joined by newlines, one regex scan) finds exactly the keys ``fuzzy``
    scores, with regex metacharacters, newlines inside keys and non-ASCII in keys and queries."""
    from vault_ls.features.note_search import KeyText

    chooser = random.Random(9)
    alphabet = "ab]^-\\\n.c日😀[*"
    for _ in range(300):
        keys = ["".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 10)))]
        keys += ["".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 10)))]
        items = [(key, number) for number, key in enumerate(keys * 20)]
        text = KeyText(items)
        for _ in range(10):
            wanted = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(1, 4)))
            expected = {item for item in items if fuzzy.score_folded(wanted, item[0]) is not None}
            assert set(text.holding(wanted)) == expected, (wanted, keys)
            whole = {item for item in items if wanted in item[0]}
            assert set(text.holding(wanted, whole=True)) == whole, (wanted, keys)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_a_file_name_is_quoted_as_urllib_quotes_it(name: str) -> None:
    """File names are offered as written and percent-encoded; ASCII ones are encoded by a
    table, which must give what ``urllib.parse.quote`` gives."""
    assert name.translate(ASCII_QUOTED) == quote(name, safe="/%")
