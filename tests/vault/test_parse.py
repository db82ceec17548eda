"""parse_note: every rule of shared/notes/obsidian-syntax.md, with exact code-point ranges.

Most lines start with ``PREFIX`` (an em-dash, an astral emoji and CJK text), so every column
below differs between code points, UTF-16 and UTF-8 units; ``test_prefix_units`` pins the
conversions of the columns the tables use.
"""

from __future__ import annotations

import pytest

from vault_ls.vault import frontmatter
from vault_ls.vault.model import Link, Note
from vault_ls.vault.parse import parse_note, parse_note_markdown_it
from vault_ls.vault.positions import Range, to_units

# code points: — 0, ' ' 1, 😀 2, ' ' 3, 漢 4, 字 5, ' ' 6 -> text after it starts at column 7
PREFIX = "— 😀 漢字 "
P = len(PREFIX)  # 7 code points, 8 UTF-16 units, 16 UTF-8 bytes


def parse(text: str, path: str = "dir/Note.md") -> Note:
    return parse_note(path, text)


def properties(note: Note) -> dict[str, str]:
    """The frontmatter as the note keeps it: each key with its value as shown."""
    return {field.key: field.value for field in note.fields if field.source == "frontmatter"}


def cols(r: Range) -> tuple[int, int, int, int]:
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def only_link(text: str) -> Link:
    links = parse(text).links
    assert len(links) == 1, links
    return links[0]


def test_prefix_units() -> None:
    line = PREFIX + "[[t]]"
    assert P == 7
    assert to_units(line, P, "utf-16") == 8  # the emoji is a surrogate pair
    assert to_units(line, P, "utf-8") == 16  # — 3 + 😀 4 + 漢字 6 + three spaces
    assert to_units(line, P + 5, "utf-16") == 13
    assert to_units(line, P + 5, "utf-8") == 21


# --- links ----------------------------------------------------------------------------------

# (source after PREFIX, kind, embed, target, headings, block, display,
#  link columns (start, end) and target columns (start, end), both relative to the source)
LINK_CASES = [
    ("[[t]]", "wiki", False, "t", (), None, None, (0, 5), (2, 3)),
    ("[[t.md]]", "wiki", False, "t.md", (), None, None, (0, 8), (2, 6)),
    ("[[t|text 😀]]", "wiki", False, "t", (), None, "text 😀", (0, 12), (2, 3)),
    ("[[Café 漢字]]", "wiki", False, "Café 漢字", (), None, None, (0, 11), (2, 9)),
    ("[[ spaced ]]", "wiki", False, "spaced", (), None, None, (0, 12), (3, 9)),
    ("[[t#H]]", "wiki", False, "t", ("H",), None, None, (0, 7), (2, 3)),
    ("[[t#H1#H2]]", "wiki", False, "t", ("H1", "H2"), None, None, (0, 11), (2, 3)),
    ("[[t#H — 😀|x]]", "wiki", False, "t", ("H — 😀",), None, "x", (0, 13), (2, 3)),
    ("[[#H]]", "wiki", False, "", ("H",), None, None, (0, 6), (2, 2)),
    ("[[t#^id]]", "wiki", False, "t", (), "id", None, (0, 9), (2, 3)),
    ("[[#^id]]", "wiki", False, "", (), "id", None, (0, 8), (2, 2)),
    ("[[t#^id|see]]", "wiki", False, "t", (), "id", "see", (0, 13), (2, 3)),
    ("![[t]]", "wiki", True, "t", (), None, None, (0, 6), (3, 4)),
    ("![[t#H]]", "wiki", True, "t", ("H",), None, None, (0, 8), (3, 4)),
    ("![[x.png|100x145]]", "wiki", True, "x.png", (), None, "100x145", (0, 18), (3, 8)),
    ("![[x.png|100]]", "wiki", True, "x.png", (), None, "100", (0, 14), (3, 8)),
    ("![[d.pdf#page=3]]", "wiki", True, "d.pdf", ("page=3",), None, None, (0, 17), (3, 8)),
    ("![[d.pdf#height=400]]", "wiki", True, "d.pdf", ("height=400",), None, None, (0, 21), (3, 8)),
    (
        "[[Projects/Three laws]]",
        "wiki",
        False,
        "Projects/Three laws",
        (),
        None,
        None,
        (0, 23),
        (2, 21),
    ),
    ("[a](My%20Note.md)", "markdown", False, "My Note.md", (), None, "a", (0, 17), (4, 16)),
    ("[a](<My Note.md>)", "markdown", False, "My Note.md", (), None, "a", (0, 17), (5, 15)),
    ("[漢](./sub/x.md)", "markdown", False, "./sub/x.md", (), None, "漢", (0, 15), (4, 14)),
    (
        "[d](../up.md#Heading)",
        "markdown",
        False,
        "../up.md",
        ("Heading",),
        None,
        "d",
        (0, 21),
        (4, 12),
    ),
    (
        "[d](<A note.md#Two words>)",
        "markdown",
        False,
        "A note.md",
        ("Two words",),
        None,
        "d",
        (0, 26),
        (5, 14),
    ),
    (
        "[d](Note.md#Two%20words)",
        "markdown",
        False,
        "Note.md",
        ("Two words",),
        None,
        "d",
        (0, 24),
        (4, 11),
    ),
    ("[e](#Local)", "markdown", False, "", ("Local",), None, "e", (0, 11), (4, 4)),
    ("[b](t.md#^abc)", "markdown", False, "t.md", (), "abc", "b", (0, 14), (4, 8)),
    ("![i](img%20x.png)", "markdown", True, "img x.png", (), None, "i", (0, 17), (5, 16)),
]


@pytest.mark.parametrize(
    ("source", "kind", "embed", "target", "headings", "block", "display", "span", "target_span"),
    LINK_CASES,
    ids=[case[0] for case in LINK_CASES],
)
def test_link(
    source: str,
    kind: str,
    embed: bool,
    target: str,
    headings: tuple[str, ...],
    block: str | None,
    display: str | None,
    span: tuple[int, int],
    target_span: tuple[int, int],
) -> None:
    line = PREFIX + source
    link = only_link(f"first line\n{line}\n")
    assert (link.kind, link.embed, link.target) == (kind, embed, target)
    assert (link.headings, link.block, link.display) == (headings, block, display)
    assert cols(link.range) == (1, P + span[0], 1, P + span[1])
    assert cols(link.target_range) == (1, P + target_span[0], 1, P + target_span[1])
    assert line[link.range.start.character : link.range.end.character] == source
    # The same columns as an editor counts them.
    extra16 = 1  # the emoji before every column here
    assert to_units(line, link.range.start.character, "utf-16") == P + span[0] + extra16
    assert to_units(line, link.range.start.character, "utf-8") == 16 + span[0]
    assert to_units(line, link.target_range.end.character, "utf-16") == (
        P + target_span[1] + extra16 + source[: target_span[1]].count("😀")
    )
    assert to_units(line, link.target_range.end.character, "utf-8") == len(
        (PREFIX + source[: target_span[1]]).encode()
    )


def test_links_after_an_emoji_in_the_same_line_count_code_points() -> None:
    line = "😀😀 [[a]] 漢 [[b|😀]] — [[c]]"
    links = parse(line).links
    assert [cols(link.range) for link in links] == [(0, 3, 0, 8), (0, 11, 0, 18), (0, 21, 0, 26)]
    assert [to_units(line, link.range.start.character, "utf-16") for link in links] == [5, 13, 24]
    assert [to_units(line, link.range.start.character, "utf-8") for link in links] == [9, 19, 34]


def test_escaped_pipe_in_a_table_is_a_link_with_display_text() -> None:
    text = "| a | b |\n|---|---|\n| — 😀 [[t\\|text 漢]] | [[u#H\\|x]] |\n"
    first, second = parse(text).links
    assert (first.target, first.display) == ("t", "text 漢")
    assert cols(first.range) == (2, 6, 2, 19)  # the backslash is inside the link
    assert cols(first.target_range) == (2, 8, 2, 9)  # target stops before ``\|``
    assert (second.target, second.headings, second.display) == ("u", ("H",), "x")
    assert cols(second.range) == (2, 22, 2, 32)
    assert cols(second.target_range) == (2, 24, 2, 25)
    line = text.split("\n")[2]
    assert to_units(line, 6, "utf-16") == 7
    assert to_units(line, 6, "utf-8") == 11


def test_unescaped_pipe_in_a_table_splits_the_cell() -> None:
    # Obsidian breaks this row into cells too; there is no complete link left.
    text = "| a | b |\n|---|---|\n| [[t|text]] | x |\n"
    assert parse(text).links == []


@pytest.mark.parametrize(
    "source",
    [
        "[[]]",
        "[[#]]",
        "[[a\nb]]",
        "[x](https://example.com/a.md)",
        "[x](mailto:a@b.c)",
        "[x](//host/a.md)",
        "[x][ref]\n\n[ref]: a.md",
        "[x]()",
    ],
)
def test_not_a_vault_link(source: str) -> None:
    assert parse(source).links == []


# --- nothing is a link, heading or tag inside code, math or comments ------------------------

HIDING = [
    "`[[code]] #c`",
    "``[[code]] ` #c``",
    "$[[math]] #m$",
    "<!-- [[html]] #h -->",
    "%%[[hidden]] #x%%",
    "```\n[[fenced]] #f\n# not heading\n^fenced-id\n```",
    "~~~md\n[[tilde]] #f\n~~~",
    "    [[indented]] #i\n    # not heading",
    "$$\n[[mathblock]] #mb\n# not heading\n$$",
    "%%\n[[comment]] #cm\n# not heading\n%%",
    "%% one line [[c1]] #c %%",
    "<!--\n[[htmlblock]] #h\n# not heading\n-->",
    "%%\nunclosed [[c]] hides the rest\n# not heading\n",
]


@pytest.mark.parametrize("hidden", HIDING)
def test_nothing_inside_code_math_or_comments(hidden: str) -> None:
    note = parse(f"{PREFIX}before\n\n{hidden}\n\n")
    assert (note.links, note.headings, note.tags, note.blocks) == ([], [], [], [])


def test_text_around_hidden_spans_still_counts() -> None:
    line = f"{PREFIX}`[[no]]` $[[no]]$ <!-- [[no]] --> %%[[no]]%% [[yes]] #tag"
    note = parse(line)
    assert [link.target for link in note.links] == ["yes"]
    assert cols(note.links[0].range) == (0, 52, 0, 59)
    assert [tag.name for tag in note.tags] == ["tag"]
    assert cols(note.tags[0].range) == (0, 60, 0, 64)


# --- ``$$`` display math inside a paragraph (issue 11) ---------------------------------------
# Obsidian reads ``$$`` ... ``$$`` as display math wherever it opens, also after a text line or
# mid-line; the delimiters pair in order within the paragraph, so a heading after stays one.


def test_display_math_after_a_text_line_quote_and_mid_line() -> None:
    text = (
        "The density of the sum is\n"
        "$$\n"
        "p(z) = [f * g](z)\n"
        "$$\n"
        "\n"
        "> A quote\n"
        "> $$\n"
        "> [[not a link]]\n"
        "> $$\n"
        "\n"
        "and more generally $x$ implies $$\n"
        "\\sum x\n"
        "$$\n"
        "### Then [[Heading link]]\n"
    )
    note = parse(text)
    assert [(link.target, cols(link.range), cols(link.target_range)) for link in note.links] == [
        ("Heading link", (13, 9, 13, 25), (13, 11, 13, 23))
    ]
    assert [(h.level, h.text, cols(h.range)) for h in note.headings] == [
        (3, "Then [[Heading link]]", (13, 0, 13, 25))
    ]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # after a text line; the paragraph goes on after the closing ``$$``
        (f"{PREFIX}text\n$$\n[[no]] #no\n$$\n[[yes]]\n", (4, 0, 4, 7)),
        # opened and closed mid-line, spaces inside
        (f"{PREFIX}a $$ [[no]] #no $$ b [[yes]]\n", (0, P + 21, 0, P + 28)),
        # inside a quote
        (f"> {PREFIX}q\n> $$\n> [[no]] #no\n> $$\n> [[yes]]\n", (4, 2, 4, 9)),
        # paired in order: the third ``$$`` has no partner, so the link after it counts
        (f"{PREFIX}$$ [[no]] $$ and $$ [[yes]]\n", (0, P + 20, 0, P + 27)),
    ],
)
def test_display_math_pairs_within_the_paragraph(text: str, span: tuple[int, ...]) -> None:
    note = parse(text)
    assert [(link.target, cols(link.range)) for link in note.links] == [("yes", span)]
    assert note.tags == []


def test_a_lone_closing_bracket_stays_inside_a_wikilink() -> None:
    # Obsidian ends a wikilink at the first ``]]`` only; ``[[`` inside still opens a new one.
    text = f"{PREFIX}[[Sq]uare]] [[Nested [[Inner]] x]] [[a]]] ![[b] c.png]]\n"
    links = parse(text).links
    assert [
        (link.target, link.embed, cols(link.range), cols(link.target_range)) for link in links
    ] == [
        ("Sq]uare", False, (0, P, 0, P + 11), (0, P + 2, 0, P + 9)),
        ("Inner", False, (0, P + 21, 0, P + 30), (0, P + 23, 0, P + 28)),
        ("a", False, (0, P + 35, 0, P + 40), (0, P + 37, 0, P + 38)),
        ("b] c.png", True, (0, P + 42, 0, P + 55), (0, P + 45, 0, P + 53)),
    ]


# --- headings -------------------------------------------------------------------------------


def test_atx_and_setext_headings_form_a_tree() -> None:
    text = (
        "# Café — 😀 漢字\n"  # 0
        "Setext — 😀\n"  # 1
        "-----------\n"  # 2
        "### `hasTag()` and ? ###\n"  # 3
        "#### Deep\n"  # 4
        "## Second\n"  # 5
        "Top again\n"  # 6
        "=========\n"  # 7
        "### Under top\n"  # 8
    )
    headings = parse(text).headings
    assert [(h.level, h.text, h.parent) for h in headings] == [
        (1, "Café — 😀 漢字", None),
        (2, "Setext — 😀", 0),
        (3, "`hasTag()` and ?", 1),
        (4, "Deep", 2),
        (2, "Second", 0),
        (1, "Top again", None),
        (3, "Under top", 5),
    ]
    assert [cols(h.range) for h in headings] == [
        (0, 0, 0, 13),
        (1, 0, 2, 11),  # a setext heading spans its underline
        (3, 0, 3, 24),
        (4, 0, 4, 9),
        (5, 0, 5, 9),
        (6, 0, 7, 9),
        (8, 0, 8, 13),
    ]
    assert to_units("# Café — 😀 漢字", 13, "utf-16") == 14
    assert to_units("# Café — 😀 漢字", 13, "utf-8") == 23


def test_link_inside_a_heading_has_its_source_range() -> None:
    note = parse("## — 😀 [[Target|shown]] ##\n")
    assert note.headings[0].text == "— 😀 [[Target|shown]]"
    assert cols(note.links[0].range) == (0, 7, 0, 23)
    assert cols(note.links[0].target_range) == (0, 9, 0, 15)


# --- block ids ------------------------------------------------------------------------------


def test_block_ids() -> None:
    text = (
        "Para — 😀 漢字 ^para-1\n"  # 0
        "\n"
        "- item — 😀 ^item-1\n"  # 2
        "- other\n"  # 3
        "\n"
        "^list-id\n"  # 5
        "\n"
        "> quote 漢字\n"  # 7
        "\n"
        "^quote-id\n"  # 9
        "\n"
        "| a | b |\n"  # 11
        "|---|---|\n"
        "| 1 | 2 |\n"  # 13
        "\n"
        "^table-id\n"  # 15
        "\n"
        "![[x.png]]^img-id\n"  # 17
        "\n"
        "Two lines\n"  # 19
        "end 😀 ^two-1\n"  # 20
        "\n"
        "not^an-id and x ^bad_id\n"  # 22
    )
    blocks = parse(text).blocks
    assert [(b.id, cols(b.range), cols(b.block_range)) for b in blocks] == [
        ("para-1", (0, 12, 0, 19), (0, 0, 0, 19)),
        ("item-1", (2, 11, 2, 18), (2, 0, 2, 18)),
        ("list-id", (5, 0, 5, 8), (2, 0, 3, 7)),
        ("quote-id", (9, 0, 9, 9), (7, 0, 7, 10)),
        ("table-id", (15, 0, 15, 9), (11, 0, 13, 9)),
        ("img-id", (17, 10, 17, 17), (17, 0, 17, 17)),
        ("two-1", (20, 6, 20, 12), (19, 0, 20, 12)),
    ]
    assert [b.text for b in blocks][:2] == ["Para — 😀 漢字", "item — 😀"]
    assert blocks[5].text == "![[x.png]]"
    line = "Para — 😀 漢字 ^para-1"
    assert to_units(line, 12, "utf-16") == 13
    assert to_units(line, 12, "utf-8") == 21


# --- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "tags"),
    [
        ("#tag", [("tag", 0, 4)]),
        ("#a/b #日本語 #café_1-x", [("a/b", 0, 4), ("日本語", 5, 9), ("café_1-x", 10, 19)]),
        ("#1984 #2024/01", []),
        ("#y1984", [("y1984", 0, 6)]),
        ("x#no a#b", []),
        ("# heading-like needs text", []),
        ("[[t#H]] and [x](#y)", []),
        ("#tag, #other.", [("tag", 0, 4), ("other", 6, 12)]),
    ],
)
def test_body_tags(source: str, tags: list[tuple[str, int, int]]) -> None:
    note = parse(f"{PREFIX}{source}" if not source.startswith("# ") else source)
    offset = 0 if source.startswith("# ") else P
    found = [
        (t.name, t.range.start.character - offset, t.range.end.character - offset)
        for t in note.tags
    ]
    assert found == tags


def test_frontmatter_tags_list_and_string() -> None:
    listed = parse("---\ntags:\n  - a/b\n  - 日本\n---\n")
    assert [(t.name, cols(t.range)) for t in listed.tags] == [
        ("a/b", (2, 4, 2, 7)),
        ("日本", (3, 4, 3, 6)),
    ]
    inline = parse('---\ntags: [one, "#two"]\n---\n')
    assert [t.name for t in inline.tags] == ["one", "two"]
    string = parse("---\ntags: alpha beta, gamma\n---\n")
    assert [t.name for t in string.tags] == ["alpha", "beta", "gamma"]
    assert cols(string.tags[0].range) == (1, 6, 1, 11)
    deprecated = parse("---\ntag: old\n---\n")
    assert [t.name for t in deprecated.tags] == ["old"]


def test_frontmatter_tags_are_each_placed_at_their_own_word() -> None:
    # each name used to be found at its first occurrence anywhere: ``a`` inside ``ab``, and a
    # repeated ``- x`` on the first one's line (a rename would edit the wrong span)
    note = parse("---\ntags: [ab—c, a, a]\ntag:\n  - x\n  - '#x'\n---\n")
    assert [(t.name, cols(t.range)) for t in note.tags] == [
        ("ab—c", (1, 7, 1, 11)),
        ("a", (1, 13, 1, 14)),
        ("a", (1, 16, 1, 17)),
        ("x", (3, 4, 3, 5)),
        ("x", (4, 6, 4, 7)),
    ]


# --- frontmatter ----------------------------------------------------------------------------

FRONTMATTER = (
    "---\n"  # 0
    'title: "Café — 😀"\n'  # 1
    'aliases: [Kaffee, "カフェ"]\n'  # 2
    "alias: Old name\n"  # 3
    'related: "[[Other — 😀]]"\n'  # 4
    "list:\n"  # 5
    '  - "[[One#Part|1]]"\n'  # 6
    "---\n"  # 7
    "Body [[body]]\n"  # 8
)


def test_frontmatter_properties_aliases_and_links() -> None:
    note = parse(FRONTMATTER)
    assert properties(note) == {
        "title": "Café — 😀",
        "aliases": "Kaffee, カフェ",
        "alias": "Old name",
        "related": "[[Other — 😀]]",
        "list": "[[One#Part|1]]",
    }
    assert cols(note.frontmatter_range or Range.of(0, 0, 0, 0)) == (0, 0, 7, 3)
    assert note.aliases == ["Kaffee", "カフェ", "Old name"]
    related, one, body = note.links
    assert (related.target, related.in_frontmatter) == ("Other — 😀", True)
    assert cols(related.range) == (4, 10, 4, 23)
    assert cols(related.target_range) == (4, 12, 4, 21)
    assert to_units('related: "[[Other — 😀]]"', 21, "utf-16") == 22
    assert to_units('related: "[[Other — 😀]]"', 21, "utf-8") == 26
    assert (one.target, one.headings, one.display, one.in_frontmatter) == (
        "One",
        ("Part",),
        "1",
        True,
    )
    assert cols(one.range) == (6, 5, 6, 19)
    assert (body.target, body.in_frontmatter) == ("body", False)
    fields = {f.key: f for f in note.fields if f.source == "frontmatter"}
    assert fields["aliases"].value == "Kaffee, カフェ"
    assert cols(fields["title"].range or Range.of(0, 0, 0, 0)) == (1, 0, 1, 17)


def test_frontmatter_must_be_at_the_very_top() -> None:
    note = parse("\n---\ntitle: x\n---\n")
    assert properties(note) == {}
    assert note.titles == []


def test_malformed_frontmatter_is_reported_and_the_body_still_parsed() -> None:
    note = parse("---\nbad: [unclosed\nfoo: bar\n---\n# T [[link]] #tag\n")
    assert properties(note) == {}
    assert note.frontmatter_error is not None
    assert note.frontmatter_error.message == "invalid YAML: expected ',' or ']', but got ':'"
    assert cols(note.frontmatter_error.range) == (2, 3, 2, 8)
    assert [link.target for link in note.links] == ["link"]
    assert [tag.name for tag in note.tags] == ["tag"]


def test_frontmatter_python_tag_constructs_nothing() -> None:
    note = parse("---\nx: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n")
    assert properties(note) == {}
    assert note.frontmatter_error is not None
    assert "could not determine a constructor" in note.frontmatter_error.message


def billion_laughs(levels: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "---\n" + "\n".join(lines) + "\n---\nbody [[still]]\n"


def test_alias_bomb_is_bounded_and_reported() -> None:
    # Nine levels use only 72 alias references but expand to 9**9 values: the size, not the
    # number of references, must be bounded (a reference count alone let this through).
    note = parse(billion_laughs(9))
    assert properties(note) == {}
    assert note.frontmatter_error is not None
    assert note.frontmatter_error.message == (
        "aliases expand to more than 100000 values; the frontmatter was not read"
    )
    # ``f`` (line 6) is the first list past the bound: 1 + 9 * 66430 values.
    assert cols(note.frontmatter_error.range) == (6, 3, 6, 34)
    assert [link.target for link in note.links] == ["still"]


def test_moderate_aliases_are_fine() -> None:
    note = parse(billion_laughs(3))
    assert note.frontmatter_error is None
    assert properties(note)["c"] == ", ".join(["lol"] * 9**3)  # c: nine b, each nine a


# --- links in frontmatter: whole string values of the loaded YAML ---------------------------

# Obsidian reads a property as a link only when the whole (quoted) string value is one wikilink
# (shared/notes/obsidian-syntax.md, "Frontmatter and properties"); everything else stays text.
FRONTMATTER_LINKS = (
    "---\n"  # 0
    'up: "[[Café — 😀]]"\n'  # 1
    "related:\n"  # 2
    '  - "[[漢字|x]]"\n'  # 3
    "  - '[[A#H]]'\n"  # 4
    'flow: ["[[A]]", "[[B|b]]", \'![[p.png]]\']\n'  # 5
    'twice: ["[[A]]", "[[A]]"]\n'  # 6
    '# "[[In a comment]]"\n'  # 7
    'nested: [["[[Deep]]"]]\n'  # 8
    'mixed: "see [[Mixed]] here"\n'  # 9
    '"[[Key]]": value\n'  # 10
    'object: {a: "[[In a mapping]]"}\n'  # 11
    'escaped: "[[Caf\\u00e9]]"\n'  # 12
    "block: |\n"  # 13
    "  [[Blk — 😀]]\n"  # 14
    "---\n"  # 15
    "Body [[body]]\n"  # 16
)
FRONTMATTER_LINK_RANGES = [
    # target, embed, display, range, target_range
    ("Café — 😀", False, None, (1, 5, 1, 17), (1, 7, 1, 15)),
    ("漢字", False, "x", (3, 5, 3, 13), (3, 7, 3, 9)),
    ("A", False, None, (4, 5, 4, 12), (4, 7, 4, 8)),
    ("A", False, None, (5, 8, 5, 13), (5, 10, 5, 11)),
    ("B", False, "b", (5, 17, 5, 24), (5, 19, 5, 20)),
    ("p.png", True, None, (5, 28, 5, 38), (5, 31, 5, 36)),
    ("A", False, None, (6, 9, 6, 14), (6, 11, 6, 12)),
    ("A", False, None, (6, 18, 6, 23), (6, 20, 6, 21)),
    ("Deep", False, None, (8, 11, 8, 19), (8, 13, 8, 17)),
    # the escape makes the written text differ from the value: the whole scalar is the place
    ("Café", False, None, (12, 10, 12, 23), (12, 10, 12, 23)),
    ("Blk — 😀", False, None, (14, 2, 14, 13), (14, 4, 14, 11)),
]


def frontmatter_link_rows(note: Note) -> list[tuple[object, ...]]:
    return [
        (link.target, link.embed, link.display, cols(link.range), cols(link.target_range))
        for link in note.links
        if link.in_frontmatter
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_frontmatter_links_are_whole_string_values_at_exact_ranges(newline: str) -> None:
    note = parse(FRONTMATTER_LINKS.replace("\n", newline))
    assert note.frontmatter_error is None
    assert frontmatter_link_rows(note) == FRONTMATTER_LINK_RANGES
    assert [link.target for link in note.links if not link.in_frontmatter] == ["body"]
    assert properties(note)["mixed"] == "see [[Mixed]] here"
    assert to_units('up: "[[Café — 😀]]"', 15, "utf-16") == 16


def test_an_unquoted_frontmatter_link_is_a_nested_list() -> None:
    # Obsidian's help: "Internal links in text properties must be surrounded with quotes".
    yaml_text = "up: [[X]]\ndown:\n  - [[Y — 😀]]\n"
    assert frontmatter.load_yaml(yaml_text)[0] == {"up": [["X"]], "down": [[["Y — 😀"]]]}
    note = parse(f"---\n{yaml_text}---\n")
    assert note.links == []


def test_frontmatter_comments_hold_no_links() -> None:
    note = parse('---\n# see [[In a comment]]\nup: "[[A]]" # and [[B]]\n---\n')
    assert frontmatter_link_rows(note) == [("A", False, None, (2, 5, 2, 10), (2, 7, 2, 8))]


def test_frontmatter_that_fails_to_load_holds_no_links() -> None:
    # issue 11 item 3b: the Templater expression breaks the YAML, so Obsidian has no properties
    note = parse('---\nweek: "[[ <% tp.date("YYYY") %>]]"\n# see [[In a comment]]\n---\nBody.\n')
    assert properties(note) == {}
    assert note.frontmatter_error is not None
    assert cols(note.frontmatter_error.range) == (1, 22, 1, 34)
    assert note.links == []


def test_a_frontmatter_alias_reference_is_one_link_where_the_value_is_written() -> None:
    note = parse('---\na: &x "[[A]]"\nb: *x\n---\n')
    assert frontmatter_link_rows(note) == [("A", False, None, (1, 7, 1, 12), (1, 9, 1, 10))]


# --- titles, aliases and metadata -----------------------------------------------------------

READWISE = (
    "[[X — Part 2]]\n"  # 0
    "\n"
    "![rw-book-cover](https://example.com/x.png)\n"  # 2
    "\n"
    "## Metadata\n"  # 4
    "- Author: [[Jane Doe]]\n"  # 5
    "- Full Title: X, Part 1\n"  # 6
    "- Category: #articles\n"  # 7
    "- Summary: A summary — with 😀.\n"  # 8
    "- URL: https://example.com/a\n"  # 9
    "\n"
    "## Highlights\n"  # 11
    "- A highlight ([View Highlight](https://read.readwise.io/x))\n"  # 12
    "^rwID-457225745\n"  # 13
    "\n"
    "status:: draft 😀\n"  # 15
    "Key: not metadata outside the section\n"  # 16
)


def test_readwise_metadata_fields_and_title_claims() -> None:
    note = parse(READWISE, "Readwise/Articles/X — Part 2.md")
    fields = [(f.key, f.value, f.source, cols(f.range) if f.range else None) for f in note.fields]
    assert fields == [
        ("Author", "[[Jane Doe]]", "metadata", (5, 10, 5, 22)),
        ("Full Title", "X, Part 1", "metadata", (6, 14, 6, 23)),
        ("Category", "#articles", "metadata", (7, 12, 7, 21)),
        ("Summary", "A summary — with 😀.", "metadata", (8, 11, 8, 30)),
        ("URL", "https://example.com/a", "metadata", (9, 7, 9, 28)),
        ("status", "draft 😀", "inline", (15, 9, 15, 16)),
    ]
    assert note.field_values("full title") == ["X, Part 1"]
    assert [(t.source, t.text, cols(t.range)) for t in note.titles] == [
        ("Full Title", "X, Part 1", (6, 14, 6, 23)),
        ("title line", "X — Part 2", (0, 0, 0, 14)),
    ]
    assert [link.target for link in note.links] == ["X — Part 2", "Jane Doe"]
    assert [tag.name for tag in note.tags] == ["articles"]
    assert [(b.id, cols(b.block_range)) for b in note.blocks] == [
        ("rwID-457225745", (12, 0, 13, 15))
    ]
    assert to_units("- Summary: A summary — with 😀.", 30, "utf-16") == 31
    assert to_units("- Summary: A summary — with 😀.", 30, "utf-8") == 35


@pytest.mark.parametrize(
    ("path", "text", "titles"),
    [
        ("a/Plain.md", "no title here\n", []),
        (
            "a/T.md",
            "---\ntitle: From YAML\n---\n# Heading One\n",
            [("frontmatter title", "From YAML"), ("first heading", "Heading One")],
        ),
        ("a/T.md", "intro\n\n# First\n\n# Second\n", [("first heading", "First")]),
        ("a/T.md", "## Only H2\n", []),
        # a first line that is only a wikilink names the note when it resembles the file name
        ("a/Deep Work.md", "[[Deep Work]]\n\nbody\n", [("title line", "Deep Work")]),
        ("a/Deep Work.md", "[[Something Else Entirely]]\n\nbody\n", []),
        ("a/Deep Work.md", "text [[Deep Work]]\n", []),
        ("a/Deep Work.md", "intro\n\n[[Deep Work]]\n", []),
    ],
)
def test_title_claims(path: str, text: str, titles: list[tuple[str, str]]) -> None:
    assert [(t.source, t.text) for t in parse(text, path).titles] == titles


# The note, as Readwise exports it: the cover and the title line are one paragraph.
COVER = "![rw-book-cover](https://example.org/cover.jpg)\n"
TITLE_LINE = "[[What You Need to Know When Clients Dissociate — Part 2]]\n"
METADATA = (
    "## Metadata\n"
    "- Author: [[Psychology Today]]\n"
    "- Full Title: What You Need to Know When Clients Dissociate, Part 1\n"
    "- Category: #articles\n"
)
DISSOCIATE = "Readwise/Articles/What You Need to Know When Clients Dissociate, Part 1.md"
PART_1, PART_2 = (
    "What You Need to Know When Clients Dissociate, Part 1",
    "What You Need to Know When Clients Dissociate — Part 2",
)


@pytest.mark.parametrize(
    ("text", "title_at", "full_title_at"),
    [
        (COVER + TITLE_LINE + METADATA, 1, 4),
        (COVER + "\n" + TITLE_LINE + METADATA, 2, 5),  # a blank line between
        ((COVER + TITLE_LINE + METADATA).replace("\n", "\r\n"), 1, 4),
        ("---\ntags: [readwise]\n---\n" + COVER + TITLE_LINE + METADATA, 4, 7),
        (COVER + COVER + TITLE_LINE + METADATA, 2, 5),  # two images above it
    ],
)
def test_a_title_line_under_the_cover_image_names_the_note(
    text: str, title_at: int, full_title_at: int
) -> None:
    note = parse(text, DISSOCIATE)
    assert [(t.source, t.text, cols(t.range)) for t in note.titles] == [
        ("Full Title", PART_1, (full_title_at, 14, full_title_at, 14 + len(PART_1))),
        ("title line", PART_2, (title_at, 0, title_at, len(PART_2) + 4)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        COVER.rstrip("\n") + " " + TITLE_LINE,  # the link shares the cover's line
        COVER + TITLE_LINE.rstrip("\n") + " and more\n",  # text after the link
        COVER + TITLE_LINE + "more text in the paragraph\n",  # the link is not its last line
        "intro\n" + TITLE_LINE,  # text, not a cover, above it
        "intro\n\n" + COVER + "\n" + TITLE_LINE,  # a block that is no cover comes first
        "## Heading\n\n" + COVER + TITLE_LINE,  # after a heading
        "![[cover.jpg]]\n" + TITLE_LINE,  # an embed is no cover image
        "- " + COVER + "  " + TITLE_LINE,  # in a list item
    ],
)
def test_what_is_not_a_title_line(text: str) -> None:
    assert [t.source for t in parse(text + METADATA, DISSOCIATE).titles] == ["Full Title"]


def test_name_and_title_properties() -> None:
    note = parse("# Louie Kurenai\n", "people/ruikurenaii.md")
    assert (note.name, note.folder, note.title) == ("ruikurenaii", "people", "Louie Kurenai")
    assert parse("body\n", "Top.MD").name == "Top"


def test_crlf_and_lone_cr_keep_columns() -> None:
    note = parse("a\r\n— 😀 [[t]]\rnext [[u]]\r\n")
    assert [cols(link.range) for link in note.links] == [(1, 4, 1, 9), (2, 5, 2, 10)]


def test_wide_lines_are_the_lines_with_non_ascii_text():
    note = parse_note("n.md", "plain\n😀 [[a]]\nascii [[b]]\r\n中文\n")
    assert note.wide_lines == frozenset({1, 3})


def test_a_byte_order_mark_is_no_text_and_positions_count_it() -> None:
    """Notepad saves UTF-8 with a byte order mark. Until this test the mark made ``# Café —
    東京`` a paragraph: no heading, no title, and ``---`` opened no front matter. Obsidian reads
    what follows the mark; positions stay the file's (the mark is column 0 of line 0)."""
    heading = parse_note("A.md", "\ufeff# Café — 東京\n\n[[B]] #tag\n")
    assert [(h.text, h.range) for h in heading.headings] == [("Café — 東京", Range.of(0, 1, 0, 12))]
    assert [(t.source, t.text) for t in heading.titles] == [("first heading", "Café — 東京")]
    assert [link.range for link in heading.links] == [Range.of(2, 0, 2, 5)]

    front = parse_note("A.md", "\ufeff---\r\ntitle: T — 😀\r\naliases: [x]\r\n---\r\n[[B]] #t\r\n")
    assert front.frontmatter_range == Range.of(0, 1, 3, 3)
    assert front.aliases == ["x"]
    assert [(t.source, t.text) for t in front.titles] == [("frontmatter title", "T — 😀")]

    inline = parse_note("A.md", "\ufeff[[B]] #t ^b1")
    assert [(link.range, link.target_range) for link in inline.links] == [
        (Range.of(0, 1, 0, 6), Range.of(0, 3, 0, 4))
    ]
    assert [(t.name, t.range) for t in inline.tags] == [("t", Range.of(0, 7, 0, 9))]
    assert [(b.range, b.block_range) for b in inline.blocks] == [
        (Range.of(0, 10, 0, 13), Range.of(0, 1, 0, 13))
    ]
    # a mark anywhere else is text, as markdown-it reads it
    assert parse_note("A.md", "x\n\ufeff# A\n").headings == []


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (  # obsidian-help, "Editing and formatting/Advanced formatting syntax.md", line 66
            "> First column | Second column\n> -- | --\n"
            "> [[Basic formatting syntax\\|Markdown syntax]] | ![[Engelbart.jpg\\|200]]\n",
            ["[[Basic formatting syntax\\|Markdown syntax]]", "![[Engelbart.jpg\\|200]]"],
        ),
        (
            "- x\n\n  > > | a | b |\n  > > |---|---|\n  > >| [[X — é]] | [[Y\\|😀]] |\n",
            ["[[X — é]]", "[[Y\\|😀]]"],
        ),
    ],
)
def test_links_in_the_first_cell_of_a_quoted_table_row(text: str, written: list[str]) -> None:
    """Until this test the first cell of a table row inside a block quote counted the ``>``
    markers as its text: its links stood two columns early (a rename there was refused)."""
    lines = text.split("\n")
    note = parse_note("A.md", text)
    found = [lines[link.range[0]][link.range[1] : link.range[3]] for link in note.links]
    assert found == written


def test_a_lazy_line_indented_with_tabs_keeps_its_links_on_their_characters() -> None:
    """Found by the corpus fuzz (a readwise-export line, then a ttrpg one): in a list item,
    markdown-it writes spaces for the part of a tab left of the item's indent, so the line's
    text is longer than its source; its link stood one column late, past the line's end."""
    text = (
        "- Cross-Disciplinary Collaboration in Inclusive Design -- https://t.co/450SF3SyT9 -- "
        "Chateau G Pato -- #design https://t.co/9QZjE5Dnnx\n"
        "\t\t\t- [[Compendium/13A/Bestiary/Undead/Ghosts/Hungry-Mouth-Ghost|Hungry Mouth Ghost]]"
        " #tag — 😀"
    )
    lines = text.split("\n")
    note = parse_note("A.md", text)
    assert [lines[1][link.range[1] : link.range[3]] for link in note.links] == [
        "[[Compendium/13A/Bestiary/Undead/Ghosts/Hungry-Mouth-Ghost|Hungry Mouth Ghost]]"
    ]
    assert [(tag.name, lines[tag.range[0]][tag.range[1] : tag.range[3]]) for tag in note.tags] == [
        ("design", "#design"),
        ("tag", "#tag"),
    ]


def test_dashes_in_a_first_list_item_open_no_front_matter() -> None:
    """Found by the corpus fuzz (a readwise-export note cut at ``- `--extract-media=./```):
    mdit-py-plugins' front matter rule read the item's text as an opening ``---``, and the
    item's link was lost; the fast path (and Obsidian) read a list item."""
    note = parse_note_markdown_it("A.md", "- `--extract-media=./` is used by [[Pandoc]]\n.\n")
    assert note.frontmatter_range is None
    assert [link.target for link in note.links] == ["Pandoc"]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("\u2028\n#tag — ü", [(1, "#tag")]),
        ("- \u2028\nCategory: #books", [(1, "#books")]),  # readwise-export, cut by the fuzz
        ("> \u2028\n> #tag x", [(1, "#tag")]),
        ("- a\n- \u2028\n  #t 😀", [(2, "#t")]),
    ],
)
def test_a_first_line_python_reads_as_whitespace_is_skipped(
    text: str, tags: list[tuple[int, str]]
) -> None:
    """Found by the long fuzz: markdown-it strips a paragraph's content with Python's
    ``str.strip``, which drops U+2028 too; the next line's tag was placed on the first line,
    past its end."""
    lines = text.split("\n")
    note = parse_note("A.md", text)
    assert [(t.range[0], lines[t.range[0]][t.range[1] : t.range[3]]) for t in note.tags] == tags


def test_an_html_block_open_on_a_last_line_without_newline_parses() -> None:
    """Found by the long fuzz: markdown-it-py 4.3 raised IndexError on ``> - <!--\\n> ``
    (parse_note must never raise)."""
    note = parse_note_markdown_it("A.md", "[[Before]]\n\n> - <!--\n> ")
    assert [link.target for link in note.links] == ["Before"]
