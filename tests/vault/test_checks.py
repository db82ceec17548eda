"""Checks: every problem code with its exact message, range and related places."""

from __future__ import annotations

import pytest

from vault_ls.vault.checks import DEFAULT_SEVERITY, Problem, check_note
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note
from vault_ls.vault.positions import to_units

Row = tuple[str, tuple[int, int, int, int], str]  # code, (line, col, end line, end col), message

BASE = {
    "Giant-Scorpion.md": "# Giant-Scorpion\n## Attacks — 😀\n\nsting ^sting-1\n",
    "Aliased.md": "---\naliases: [Nickname, 別名]\n---\n",
    "a/Same.md": "a\n",
    "b/Same.md": "b\n",
    "Part 2.md": "# Chapter 2\n",
}
ATTACHMENTS = ["doc.pdf", "img/pic.png"]


def problems(files: dict[str, str], path: str) -> list[Problem]:
    index = VaultIndex()
    index.set_notes(
        [parse_note(name, text) for name, text in {**BASE, **files}.items()], ATTACHMENTS
    )
    return check_note(index, index.notes[path])


def check(text: str, expected: list[Row], path: str = "Src.md") -> None:
    found = [
        (
            p.code,
            (p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character),
            p.message,
        )
        for p in problems({path: text}, path)
    ]
    assert found == expected


PRE = "— 😀 漢字 "  # 7 code points; ranges below are after it


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("[[Nope]]", [("unresolved-link", (0, 9, 0, 13), 'No note named "Nope"')]),
        ("[[Nope — 😀|x]]", [("unresolved-link", (0, 9, 0, 17), 'No note named "Nope — 😀"')]),
        ("[[dir/Nope]]", [("unresolved-link", (0, 9, 0, 17), 'No note at "dir/Nope"')]),
        ("![[gone.png]]", [("unresolved-link", (0, 10, 0, 18), 'No file named "gone.png"')]),
        (
            "[x](Nope%20there.md)",
            [("unresolved-link", (0, 11, 0, 26), 'No note at "Nope there.md"')],
        ),
        ("[x](./pic.png)", [("unresolved-link", (0, 11, 0, 20), 'No file at "./pic.png"')]),
        (
            "[[../../etc/passwd]]",
            [
                (
                    "unresolved-link",
                    (0, 9, 0, 25),
                    '"../../etc/passwd" points outside the vault; it is not followed',
                )
            ],
        ),
        (
            "[x](../../../etc/passwd)",
            [
                (
                    "unresolved-link",
                    (0, 11, 0, 30),
                    '"../../../etc/passwd" points outside the vault; it is not followed',
                )
            ],
        ),
        (
            "[[Giant-Scorpion#Nope]]",
            [("unresolved-heading", (0, 7, 0, 30), '"Giant-Scorpion" has no heading "Nope"')],
        ),
        (
            "[[Giant-Scorpion#Giant-Scorpion#Nope]]",
            [
                (
                    "unresolved-heading",
                    (0, 7, 0, 45),
                    '"Giant-Scorpion" has no heading "Giant-Scorpion#Nope"',
                )
            ],
        ),
        (
            "[[Giant-Scorpion#Attacks — 😀#Giant-Scorpion]]",
            [
                (
                    "unresolved-heading",
                    (0, 7, 0, 52),
                    '"Giant-Scorpion" has no heading "Attacks — 😀#Giant-Scorpion"',
                )
            ],
        ),
        (
            "[[#Missing]]",
            [("unresolved-heading", (0, 7, 0, 19), 'This note has no heading "Missing"')],
        ),
        (
            "[[Giant-Scorpion#^nope]]",
            [("unresolved-block", (0, 7, 0, 31), '"Giant-Scorpion" has no block ^nope')],
        ),
        ("[[#^nope]]", [("unresolved-block", (0, 7, 0, 17), "This note has no block ^nope")]),
        (
            "[x](Giant-Scorpion.md#Nope)",
            [("unresolved-heading", (0, 7, 0, 34), '"Giant-Scorpion" has no heading "Nope"')],
        ),
        (
            "[[Same]]",
            [
                (
                    "ambiguous-link",
                    (0, 9, 0, 13),
                    '"Same" matches 2 notes; it opens "a/Same.md", the closest (also: b/Same.md)',
                )
            ],
        ),
        (
            "[[Nickname]]",
            [
                (
                    "alias-link",
                    (0, 9, 0, 17),
                    '"Nickname" is an alias of "Aliased" (Aliased.md), and a link to an alias does '
                    "not resolve; write [[Aliased|Nickname]]",
                )
            ],
        ),
        (
            "[[別名]]",
            [
                (
                    "alias-link",
                    (0, 9, 0, 11),
                    '"別名" is an alias of "Aliased" (Aliased.md), and a link to an alias does '
                    "not resolve; write [[Aliased|別名]]",
                )
            ],
        ),
        (
            "[[Giant-Scorpion|Giant Scorpian]]",
            [
                (
                    "link-text",
                    (0, 7, 0, 40),
                    'Link text "Giant Scorpian" resembles but does not match the title '
                    '"Giant-Scorpion" of "Giant-Scorpion.md"',
                )
            ],
        ),
        (
            "[[Part 2|Chapter 3]]",
            [
                (
                    "link-text",
                    (0, 7, 0, 27),
                    'Link text "Chapter 3" resembles but does not match the title "Chapter 2" '
                    'of "Part 2.md"',
                )
            ],
        ),
        # a GitHub slug reaches a heading from a markdown link only, and only as a whole fragment
        (
            "[[Giant-Scorpion#attacks--]]",
            [("unresolved-heading", (0, 7, 0, 35), '"Giant-Scorpion" has no heading "attacks--"')],
        ),
        (
            "[x](Giant-Scorpion.md#giant-scorpion#attacks--)",
            [
                (
                    "unresolved-heading",
                    (0, 7, 0, 54),
                    '"Giant-Scorpion" has no heading "giant-scorpion#attacks--"',
                )
            ],
        ),
        ("[x](Giant-Scorpion.md#attacks--)", []),  # ``## Attacks — 😀``
        ("[x](Giant-Scorpion.md#Attacks--)", []),  # case ignored, as VS Code ignores it
        ("[x](Giant-Scorpion.md#Giant-Scorpion#Attacks%20—%20😀)", []),  # Obsidian's nesting
        # fine: resolved names, anchors that exist, attachments' sizes and PDF pages
        ("[[giant-scorpion]]", []),
        ("[[Giant-Scorpion#Giant-Scorpion#Attacks — 😀]]", []),
        ("[[Giant-Scorpion#^sting-1]]", []),
        ("[[Aliased|Nickname]]", []),
        ("[[Giant-Scorpion|giant scorpions]]", []),  # prose, not a stale copy
        ("[[Giant-Scorpion|the big bug]]", []),
        ("[[Part 2|Chapter 2]]", []),
        ("![[doc.pdf#page=3]]", []),
        ("![[doc.pdf#height=400]]", []),
        ("![[pic.png|100x145]]", []),
        ("![[pic.png|100]]", []),
        ("[[a/Same]]", []),
        ("`[[Nope]]`", []),
        ("%%[[Nope]]%%", []),
    ],
)
def test_link_problems(link: str, expected: list[Row]) -> None:
    check(PRE + link + "\n", expected)


KEY_FEATURES = "# Foam\n\n## Key Features\n\n## Notes\n\n## Notes\n"


def test_markdown_links_reach_headings_by_github_slug() -> None:
    """issue 11 3e: READMEs and Foam write ``[Key features](#key-features)`` for ``## Key
    Features``; Obsidian's comparison (``%20`` decoded) works too, wikilinks keep only it."""
    text = KEY_FEATURES + (
        "[Key features](#key-features)\n"  # line 7
        "[x](Other.md#key-features)\n"
        "[y](#Key%20Features) [z](Other.md#Key%20Features)\n"
        "[second](#notes-1) [third](#notes-2)\n"  # line 10: two ``## Notes``, no third
        "[[#key-features]] [[Other#key-features]]\n"
    )
    found = [
        (p.code, p.range.start.line, p.range.start.character, p.message)
        for p in problems({"Src.md": text, "Other.md": KEY_FEATURES}, "Src.md")
    ]
    assert found == [
        ("unresolved-heading", 10, 19, 'This note has no heading "notes-2"'),
        ("unresolved-heading", 11, 0, 'This note has no heading "key-features"'),
        ("unresolved-heading", 11, 18, '"Other" has no heading "key-features"'),
    ]


LINK_HEADING = (
    "# Operators\n## [[Python Comparison Operators|Comparison operators]] return — 布尔\n"
)


def test_a_heading_holding_a_link_is_reached_as_obsidian_writes_it() -> None:
    """issue 15 item 6: Obsidian links ``## [[T|shown]] rest`` as ``#T shown rest`` (link syntax
    as spaces, the target kept); the display text alone is no heading of the note."""
    text = LINK_HEADING + (
        "[[#Python Comparison Operators Comparison operators return — 布尔|…]]\n"  # line 2
        "[[Src#python comparison operators comparison operators RETURN — 布尔]]\n"
        "[[#Comparison operators return — 布尔]]\n"  # line 4: the display text only
    )
    files = {"Src.md": text, "Python Comparison Operators.md": ""}
    found = [
        (p.code, (p.range.start.line, p.range.start.character), p.message)
        for p in problems(files, "Src.md")
    ]
    assert found == [
        (
            "unresolved-heading",
            (4, 0),
            'This note has no heading "Comparison operators return — 布尔"',
        )
    ]


def test_utf16_and_utf8_columns_of_a_problem() -> None:
    line = PRE + "[[Nope]]"
    (problem,) = problems({"Src.md": line}, "Src.md")
    assert to_units(line, problem.range.start.character, "utf-16") == 10
    assert to_units(line, problem.range.start.character, "utf-8") == 18
    assert to_units(line, problem.range.end.character, "utf-16") == 14
    assert to_units(line, problem.range.end.character, "utf-8") == 22


def test_ambiguous_link_relates_every_candidate() -> None:
    (problem,) = problems({"b/Src.md": "[[Same]]"}, "b/Src.md")
    assert problem.message == (
        '"Same" matches 2 notes; it opens "b/Same.md", the closest (also: a/Same.md)'
    )
    assert [r.path for r in problem.related] == ["b/Same.md", "a/Same.md"]
    assert problem.severity == "warning"


def test_alias_link_relates_the_note() -> None:
    (problem,) = problems({"Src.md": "[[nickname]]"}, "Src.md")
    assert [(r.path, r.message) for r in problem.related] == [
        ("Aliased.md", '"Aliased" has the alias')
    ]


def test_an_alias_in_a_markdown_link_is_only_unresolved() -> None:
    check("[x](Nickname.md)", [("unresolved-link", (0, 4, 0, 15), 'No note at "Nickname.md"')])


def test_duplicate_block_id() -> None:
    text = "para — 😀 ^dup\n\nother ^DUP\n\n- item ^dup\n"
    expected = [
        (
            "duplicate-block-id",
            (2, 6, 2, 10),
            "Block id ^DUP is already used on line 1; links reach only the first",
        ),
        (
            "duplicate-block-id",
            (4, 7, 4, 11),
            "Block id ^dup is already used on line 1; links reach only the first",
        ),
    ]
    check(text, expected)
    first = problems({"Src.md": text}, "Src.md")[0]
    assert [(r.range.start.line, r.range.start.character) for r in first.related] == [(0, 9)]


# --- titles ---------------------------------------------------------------------------------

READWISE = (
    "[[X — Part 2]]\n\n## Metadata\n"
    "- Author: [[Jane Doe]]\n- Full Title: X, Part 1\n- Category: #articles\n"
)


def test_title_conflict_names_both_titles_and_where_they_stand() -> None:
    check(
        READWISE,
        [
            (
                "title-conflict",
                (0, 0, 0, 14),
                'Title "X — Part 2" (title line, line 1) disagrees with '
                '"X, Part 1" (Full Title, line 5)',
            ),
            ("unresolved-link", (0, 2, 0, 12), 'No note named "X — Part 2"'),
            ("unresolved-link", (3, 12, 3, 20), 'No note named "Jane Doe"'),
        ],
        path="Readwise/X Part 1.md",
    )
    conflict = problems({"Readwise/X Part 1.md": READWISE}, "Readwise/X Part 1.md")[0]
    assert [(r.range.start.line, r.range.start.character, r.message) for r in conflict.related] == [
        (4, 14, "Full Title: X, Part 1")
    ]


# The note exactly: Readwise put the cover and the title line in one paragraph.
DISSOCIATE = (
    "![rw-book-cover](https://example.org/cover.jpg)\n"
    "[[What You Need to Know When Clients Dissociate — Part 2]]\n"
    "## Metadata\n"
    "- Author: [[Psychology Today]]\n"
    "- Full Title: What You Need to Know When Clients Dissociate, Part 1\n"
    "- Category: #articles\n"
)
DISSOCIATE_CONFLICT = (
    'Title "What You Need to Know When Clients Dissociate — Part 2" (title line, line 2) '
    'disagrees with "What You Need to Know When Clients Dissociate, Part 1" (Full Title, line 5)'
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_title_line_under_the_cover_conflicts_with_the_full_title(newline: str) -> None:
    path = "Readwise/Articles/What You Need to Know When Clients Dissociate, Part 1.md"
    text = DISSOCIATE.replace("\n", newline)
    found = [p for p in problems({path: text}, path) if p.code == "title-conflict"]
    assert [(p.range.start.line, p.range.start.character, p.range.end.line) for p in found] == [
        (1, 0, 1)
    ]
    assert found[0].range.end.character == len(
        "[[What You Need to Know When Clients Dissociate — Part 2]]"
    )
    assert found[0].message == DISSOCIATE_CONFLICT
    assert [
        (r.path, r.range.start.line, r.range.start.character, r.message) for r in found[0].related
    ] == [(path, 4, 14, "Full Title: What You Need to Know When Clients Dissociate, Part 1")]


def test_frontmatter_title_against_first_heading() -> None:
    check(
        "---\ntitle: Alpha\n---\n# Beta\n",
        [
            (
                "title-conflict",
                (3, 0, 3, 6),
                'Title "Beta" (first heading, line 4) disagrees with '
                '"Alpha" (frontmatter title, line 2)',
            )
        ],
        path="Alpha.md",
    )


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "How Your Brain Is Wired-2.md",
            "# How Your Brain Is Wired\n",
            [
                (
                    "filename-title",
                    (0, 0, 0, 25),
                    'File name "How Your Brain Is Wired-2" nearly matches the title '
                    '"How Your Brain Is Wired" (first heading, line 1) but differs',
                )
            ],
        ),
        (
            "Tweets From JMoon 2.md",
            "# Tweets From JMoon\n",
            [
                (
                    "filename-title",
                    (0, 0, 0, 19),
                    'File name "Tweets From JMoon 2" nearly matches the title "Tweets From JMoon" '
                    "(first heading, line 1) but differs",
                )
            ],
        ),
        (
            "Thre laws of motion.md",
            "# Three laws of motion\n",
            [
                (
                    "filename-title",
                    (0, 0, 0, 22),
                    'File name "Thre laws of motion" nearly matches the title '
                    '"Three laws of motion" (first heading, line 1) but differs',
                )
            ],
        ),
        # an id-style name is a convention, not a near miss
        ("ruikurenaii.md", "# Louie Kurenai\n", []),
        ("202401011200.md", "# Meeting notes\n", []),
        # only characters a file name cannot hold were lost
        ("2025 The State of Consumer AI.md", "# 2025: The State of Consumer AI\n", []),
        ("What Is AI.md", "# What Is AI?\n", []),
        ("A B.md", "# A/B\n", []),
        (
            "Why We Sleep.md",
            "## Metadata\n- Full Title: Why We Sleep: Unlocking the Power\n",
            [],
        ),
        ("Café — 😀.md", "# café — 😀\n", []),
    ],
)
def test_filename_title(path: str, text: str, expected: list[Row]) -> None:
    check(text, expected, path=path)


# --- frontmatter ----------------------------------------------------------------------------


def test_malformed_frontmatter_is_reported_and_the_note_still_checked() -> None:
    check(
        "---\nbad: [unclosed\nfoo: bar\n---\n[[Nope]]\n",
        [
            (
                "frontmatter-error",
                (2, 3, 2, 8),
                "Frontmatter could not be read (invalid YAML: expected ',' or ']', but got ':'); "
                "its properties are ignored",
            ),
            ("unresolved-link", (4, 2, 4, 6), 'No note named "Nope"'),
        ],
    )


def test_python_object_constructs_nothing() -> None:
    (problem,) = problems(
        {"Src.md": "---\nx: !!python/object/apply:os.system ['true']\n---\n"}, "Src.md"
    )
    assert problem.code == "frontmatter-error"
    assert problem.message == (
        "Frontmatter could not be read (invalid YAML: could not determine a constructor for the "
        "tag 'tag:yaml.org,2002:python/object/apply:os.system'); its properties are ignored"
    )
    assert (problem.range.start.line, problem.range.start.character) == (1, 3)


def test_alias_bomb_is_reported() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\n---\n"
    check(
        text,
        [
            (
                "frontmatter-error",
                (6, 3, 6, 34),
                "Frontmatter could not be read (aliases expand to more than 100000 values; the "
                "frontmatter was not read); its properties are ignored",
            )
        ],
    )


def test_frontmatter_that_is_not_a_mapping() -> None:
    check(
        "---\n- a\n- b\n---\n",
        [
            (
                "frontmatter-error",
                (1, 0, 1, 3),
                "Frontmatter could not be read (frontmatter is a list, not a set of key: value "
                "properties); its properties are ignored",
            )
        ],
    )


def test_links_in_frontmatter_are_checked() -> None:
    check(
        '---\nrelated: "[[Nope]]"\n---\n',
        [("unresolved-link", (1, 12, 1, 16), 'No note named "Nope"')],
    )


def test_every_code_has_a_severity() -> None:
    assert DEFAULT_SEVERITY == {
        "unresolved-link": "warning",
        "unresolved-heading": "error",
        "unresolved-block": "error",
        "ambiguous-link": "warning",
        "alias-link": "warning",
        "title-conflict": "warning",
        "filename-title": "information",
        "link-text": "information",
        "duplicate-block-id": "error",
        "frontmatter-error": "error",
        "encoding-error": "warning",
    }
