"""Link resolution: which file a link reaches, and which heading or block inside it."""

from __future__ import annotations

import pytest

from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note
from vault_ls.vault.resolve import Resolution, find_block, find_heading

NOTES = {
    "Top.md": "# Top\n",
    "Three laws of motion.md": "# Three laws — 😀\n## Newton's first law\n### Inertia?\n## Two\n",
    "Projects/Three laws of motion.md": "# Project copy\n",
    "Projects/todo.md": "todo\n",
    "house/todo.md": "house todo\n",
    "Obsidian Sync/Security and privacy.md": "sync\n",
    "Obsidian Sync/Introduction.md": "intro\n",
    "Obsidian Publish/Security and privacy.md": "publish\n",
    "Functions.md": "# Functions\n## Tags\n### `hasTag()`\n### What is a tag?\n## Café — 😀 漢字\n",
    "Nested.md": "# A\n## B\n### C\n# D\n## C\n",
    "Blocks.md": "para ^abc-1\n\n- item ^Item2\n",
    "deep/er/Here.md": "here\n",
    "deep/Sibling.md": "sibling\n",
    "Aliased.md": "---\naliases: [Nickname]\n---\n",
    "漢字ノート.md": "cjk\n",
}
ATTACHMENTS = ["Figure 1.png", "docs/Document.pdf", "deep/er/pic.jpg"]


def make_index() -> VaultIndex:
    index = VaultIndex()
    index.set_notes([parse_note(path, text) for path, text in NOTES.items()], ATTACHMENTS)
    return index


INDEX = make_index()


def resolve(source_path: str, link_text: str) -> Resolution:
    """Resolve the single link written in ``link_text`` as if it stood in ``source_path``."""
    links = parse_note(source_path, link_text).links
    assert len(links) == 1, links
    return INDEX.resolve(links[0], source_path)


def check(source_path: str, link_text: str, expected: str | None) -> None:
    result = resolve(source_path, link_text)
    assert result.path == expected, (link_text, result)


@pytest.mark.parametrize(
    ("source", "link", "expected"),
    [
        # names: case-insensitive, .md optional
        ("Top.md", "[[top]]", "Top.md"),
        ("Top.md", "[[TOP.md]]", "Top.md"),
        ("Top.md", "[[Top.MD]]", "Top.md"),
        ("Top.md", "[[漢字ノート]]", "漢字ノート.md"),
        # a root-relative path, and a unique path suffix
        ("Top.md", "[[Projects/Three laws of motion]]", "Projects/Three laws of motion.md"),
        ("Top.md", "[[projects/TODO]]", "Projects/todo.md"),
        ("Top.md", "[[house/todo]]", "house/todo.md"),
        ("Top.md", "[[deep/er/Here]]", "deep/er/Here.md"),
        ("Top.md", "[[er/Here]]", "deep/er/Here.md"),
        ("Top.md", "[[Here]]", "deep/er/Here.md"),
        # the exact root name wins over a same-named note deeper down
        ("Projects/todo.md", "[[Three laws of motion]]", "Three laws of motion.md"),
        # markdown links: percent-encoded, angle brackets, relative to the note, then the root
        ("Top.md", "[x](Three%20laws%20of%20motion.md)", "Three laws of motion.md"),
        ("Top.md", "[x](<Three laws of motion.md>)", "Three laws of motion.md"),
        ("Top.md", "[x](<Three laws of motion>)", "Three laws of motion.md"),
        ("deep/er/Here.md", "[x](./pic.jpg)", "deep/er/pic.jpg"),
        ("deep/er/Here.md", "[x](../Sibling.md)", "deep/Sibling.md"),
        ("deep/er/Here.md", "[x](../../Top.md)", "Top.md"),
        ("deep/er/Here.md", "[x](Top.md)", "Top.md"),
        ("deep/er/Here.md", "[[./pic.jpg]]", "deep/er/pic.jpg"),
        ("deep/er/Here.md", "[x](./Missing.md)", None),
        ("deep/er/Here.md", "[x](../Here.md)", None),  # ``./``/``../`` do not fall back to names
        # attachments need their extension
        ("Top.md", "![[Figure 1.png]]", "Figure 1.png"),
        ("Top.md", "![[figure 1.PNG|100x145]]", "Figure 1.png"),
        ("Top.md", "![[Document.pdf#page=3]]", "docs/Document.pdf"),
        ("Top.md", "![[docs/Document.pdf#height=400]]", "docs/Document.pdf"),
        ("Top.md", "![[Figure 1]]", None),
        ("Top.md", "![x](Figure%201.png)", "Figure 1.png"),
        # same-note anchors resolve to the note itself
        ("Blocks.md", "[[#^abc-1]]", "Blocks.md"),
        ("Functions.md", "[[#Tags]]", "Functions.md"),
        ("Functions.md", "[x](#Tags)", "Functions.md"),
        # aliases are not names
        ("Top.md", "[[Nickname]]", None),
        ("Top.md", "[[Aliased|Nickname]]", "Aliased.md"),
        # missing
        ("Top.md", "[[Nope]]", None),
        ("Top.md", "[[Projects/Nope]]", None),
    ],
)
def test_resolves_to(source: str, link: str, expected: str | None) -> None:
    check(source, link, expected)


@pytest.mark.parametrize(
    ("source", "link"),
    [
        ("Top.md", "[[../../etc/passwd]]"),
        ("deep/er/Here.md", "[[../../../etc/passwd]]"),
        ("Top.md", "[x](../../../etc/passwd)"),
        ("deep/er/Here.md", "[x](../../../etc/passwd)"),
        ("Top.md", "[x](../Top.md)"),
        ("Top.md", "[[Projects/../../Top]]"),
    ],
)
def test_outside_the_vault_never_resolves(source: str, link: str) -> None:
    result = resolve(source, link)
    assert result.path is None
    assert result.outside


def test_root_slash_is_the_vault_root() -> None:
    check("deep/er/Here.md", "[x](/Top.md)", "Top.md")


@pytest.mark.parametrize(
    ("source", "expected", "candidates"),
    [
        (
            "Obsidian Sync/Introduction.md",
            "Obsidian Sync/Security and privacy.md",
            ("Obsidian Sync/Security and privacy.md", "Obsidian Publish/Security and privacy.md"),
        ),
        (
            "Obsidian Publish/Other.md",
            "Obsidian Publish/Security and privacy.md",
            ("Obsidian Publish/Security and privacy.md", "Obsidian Sync/Security and privacy.md"),
        ),
        # from the root neither is closer: the fewest folders, then path order
        (
            "Top.md",
            "Obsidian Publish/Security and privacy.md",
            ("Obsidian Publish/Security and privacy.md", "Obsidian Sync/Security and privacy.md"),
        ),
    ],
)
def test_same_name_in_two_folders_is_closest_and_ambiguous(
    source: str, expected: str, candidates: tuple[str, ...]
) -> None:
    result = resolve(source, "[[Security and privacy]]")
    assert result.path == expected
    assert result.ambiguous
    assert result.candidates == candidates


def test_a_path_picks_one_of_two_same_named_notes() -> None:
    result = resolve("Top.md", "[[Obsidian Sync/Security and privacy]]")
    assert (result.path, result.ambiguous) == ("Obsidian Sync/Security and privacy.md", False)
    result = resolve("Top.md", "[[todo]]")
    assert result.ambiguous and set(result.candidates) == {"Projects/todo.md", "house/todo.md"}


# --- headings and blocks --------------------------------------------------------------------


def heading(path: str, *parts: str) -> str | None:
    found = find_heading(INDEX.notes[path], parts)
    return None if found is None else found.text


@pytest.mark.parametrize(
    ("path", "parts", "expected"),
    [
        ("Functions.md", ("Tags",), "Tags"),
        ("Functions.md", ("tags",), "Tags"),
        ("Functions.md", ("hasTag",), "`hasTag()`"),  # backticks and () dropped
        ("Functions.md", ("hasTag()",), "`hasTag()`"),
        ("Functions.md", ("What is a tag",), "What is a tag?"),  # ? dropped
        ("Functions.md", ("What  is a   tag?",), "What is a tag?"),  # spaces collapsed
        ("Functions.md", ("Café — 😀 漢字",), "Café — 😀 漢字"),
        ("Functions.md", ("Functions", "Tags", "hasTag"), "`hasTag()`"),
        ("Functions.md", ("Functions", "hasTag"), "`hasTag()`"),  # levels may be skipped
        ("Functions.md", ("Tags", "Functions"), None),  # order matters
        ("Functions.md", ("Missing",), None),
        ("Three laws of motion.md", ("Newton's first law",), "Newton's first law"),
        ("Three laws of motion.md", ("Three laws — 😀", "Two"), "Two"),
        ("Nested.md", ("D", "C"), "C"),
        ("Nested.md", ("A", "B", "C"), "C"),
        ("Nested.md", ("B", "D"), None),
    ],
)
def test_find_heading(path: str, parts: tuple[str, ...], expected: str | None) -> None:
    assert heading(path, *parts) == expected


def test_nested_heading_picks_the_right_one_of_two() -> None:
    under_d = find_heading(INDEX.notes["Nested.md"], ("D", "C"))
    under_a = find_heading(INDEX.notes["Nested.md"], ("A", "C"))
    assert under_d is not None and under_a is not None
    assert (under_a.range.start.line, under_d.range.start.line) == (2, 4)


@pytest.mark.parametrize(
    ("block_id", "line"),
    [("abc-1", 0), ("ABC-1", 0), ("item2", 2), ("missing", None)],
)
def test_find_block(block_id: str, line: int | None) -> None:
    found = find_block(INDEX.notes["Blocks.md"], block_id)
    assert (found.range.start.line if found else None) == line


@pytest.mark.parametrize(
    ("source", "link", "expected"),
    [
        ("Top.md", "[[Functions#hasTag]]", "`hasTag()`"),
        ("Top.md", "[[functions#What is a tag]]", "What is a tag?"),
        ("Top.md", "[[Functions#Tags#hasTag|see]]", "`hasTag()`"),
        ("Top.md", "[x](Functions.md#What%20is%20a%20tag)", "What is a tag?"),
        ("Functions.md", "[[#Café — 😀 漢字]]", "Café — 😀 漢字"),
        ("Top.md", "[[Functions#Nope]]", None),
    ],
)
def test_a_link_reaches_its_heading(source: str, link: str, expected: str | None) -> None:
    (parsed,) = parse_note(source, link).links
    resolution = INDEX.resolve(parsed, source)
    assert resolution.path is not None
    found = find_heading(INDEX.notes[resolution.path], parsed.headings)
    assert (found.text if found else None) == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("[[case]]", "case.md"),
        ("[[Case]]", "Case.md"),
        ("[[case.md]]", "case.md"),
        ("[[Case|shown — 😀]]", "Case.md"),
        ("[[CASE]]", "Case.md"),  # neither as written: the first in code point order
        ("[[sub/ÉTÉ]]", "sub/ÉTÉ.md"),
        ("[[sub/été]]", "sub/été.md"),
        ("[case](case.md)", "case.md"),
        ("[Case](Case.md)", "Case.md"),
    ],
)
def test_a_name_written_exactly_reaches_that_file_of_case_twins(link: str, expected: str) -> None:
    """A case-sensitive disk may hold ``Case.md`` and ``case.md``: ``[[case]]`` opened
    ``Case.md`` on b36b671 (the other in set order), though ``case.md`` matches exactly."""
    index = VaultIndex()
    files = ["Case.md", "case.md", "sub/ÉTÉ.md", "sub/été.md", "Top.md"]
    # both insertion orders: the answer must not follow the order the files were seen in
    for ordered in (files, files[::-1]):
        index = VaultIndex()
        index.set_notes([parse_note(path, "# x\n") for path in ordered], [])
        found = index.resolve(parse_note("Top.md", link).links[0], "Top.md")
        assert (found.path, found.ambiguous) == (expected, False), ordered
