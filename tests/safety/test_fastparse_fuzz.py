"""Fuzzing the fast path: for every input, ``parse_note`` (which takes ``fastparse`` whenever
``fastparse.tokenize`` accepts the note) must give the very ``Note`` that
``parse_note_markdown_it`` (markdown-it alone, the reference) gives.

Documents are drawn from a grammar of line-level pieces biased toward what the fast path accepts
and toward the edges of what it accepts, so that most examples really exercise it (a separate
test measures that): front matter variants, ATX headings, paragraphs with lazy lines, bullet and
ordered lists (indented with spaces or tabs, items opening with another block), fenced code,
quotes and callouts, and what the fast path hands to markdown-it's own rules (tables, HTML and
``$$`` blocks, reference definitions, setext underlines, indented code; inline HTML, escapes,
entities, math, comments), with inline wikilinks, tags, code spans, links, images, emphasis and
block ids, mixed with non-ASCII text, control characters, CRLF and missing final newlines. One
document in three takes the edges (tabs and wide gaps after list markers, empty items, odd link
labels and destinations, broken wikilinks, front matter variants...), one in six holds more of
the inline syntax markdown-it reads and blocks the fast path declines. Two last tests feed
random text over alphabets rich in Markdown punctuation.

``VAULT_LS_LONG=1`` runs the long variants (thousands of examples each).
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from safety_support import LONG_EXAMPLES, long, long_only

from vault_ls.vault.fastparse import tokenize
from vault_ls.vault.model import Note
from vault_ls.vault.parse import parse_note, parse_note_markdown_it
from vault_ls.vault.positions import normalize_newlines

PATH = "folder/Note.md"  # ``[[Note]]`` alone in the first paragraph claims the title

QUICK_GRAMMAR_EXAMPLES = 600
QUICK_TEXT_EXAMPLES = 1000
ACCEPTANCE_EXAMPLES = 300
MIN_ACCEPTANCE = 0.5

grammar_quick = settings(
    max_examples=QUICK_GRAMMAR_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
text_quick = settings(grammar_quick, max_examples=QUICK_TEXT_EXAMPLES)


def takes_fast_path(text: str) -> bool:
    text = normalize_newlines(text)
    return tokenize(text, text.split("\n")) is not None


def assert_same_note(text: str) -> None:
    fast, reference = parse_note(PATH, text), parse_note_markdown_it(PATH, text)
    path = "fast path" if takes_fast_path(text) else "declined"
    if currently_in_test_context():
        event(path)  # shown by --hypothesis-show-statistics
    for field in fields(Note):
        mine, theirs = getattr(fast, field.name), getattr(reference, field.name)
        assert mine == theirs, (
            f"Note.{field.name} differs ({path}) for input {text!r}\n"
            f"  fast:      {mine!r}\n"
            f"  reference: {theirs!r}"
        )


# --- the grammar ---------------------------------------------------------------------------


def pick(*options: str) -> st.SearchStrategy[str]:
    return st.sampled_from(options)


def one_in(draw: st.DrawFn, odds: int) -> bool:
    """True about once in ``odds`` draws. Hypothesis favours small numbers (its simplest
    example draws the smallest), so the rare case is the largest number."""
    return bool(draw(st.integers(1, odds)) == odds)


# One document in three is "edgy": only there do the rare choices below occur. Each is an edge
# the fast path may decline, and a document makes dozens of choices: were they allowed in every
# document, most documents would hold one and the fuzz would test markdown-it against itself.
EDGY = st.shared(st.sampled_from([False, False, True]), key="test_fastparse_fuzz.edgy")


def edge(draw: st.DrawFn, odds: int) -> bool:
    """In an edgy document, true about once in ``odds`` draws; never elsewhere."""
    return bool(draw(EDGY)) and one_in(draw, odds)


@st.composite
def mostly(
    draw: st.DrawFn, common: st.SearchStrategy[str], rare: st.SearchStrategy[str], odds: int
) -> str:
    """``common``, and in an edgy document ``rare`` about once in ``odds`` draws."""
    return draw(rare if edge(draw, odds) else common)


@st.composite
def weighted(draw: st.DrawFn, choices: list[tuple[int, st.SearchStrategy[str]]]) -> str:
    """One of ``choices`` drawn in proportion to its weight (``st.one_of`` ignores repeats)."""
    number = draw(st.integers(0, sum(weight for weight, _ in choices) - 1))
    for weight, strategy in choices:
        if number < weight:
            return draw(strategy)
        number -= weight
    raise AssertionError("unreachable")


# fmt: off
WORDS = pick(
    "a", "b", "x", "Note", "note", "word", "My Note", "two words", "1", "42", "3.14", "1.",
    "key:: value", "Full Title: T", "k: v", "—", "–", "é", "e\u0301", "ß", "日本語", "中文",
    "😀", "👩\u200d👩\u200d👧", "\u00a0", "\u2028", "\u3000", "\u2003", "x\ty", "...",
    "http://x.y", "a.md", "i.png", "Ünï", "ΑΒΓ", "١", "1١", "𝟙",
)
PUNCT = mostly(
    pick(
        "*", "**", "_", "__", "~", "~~", "!", "(", ")", ":", "::", "^", "&", "&x", "=", "-",
        "--", "+", "@", "{", "}", "|", "'", '"', ".", ",", ";", "?", "/", "#", "##", " # ", "`",
        "``", "```", "~~~",
    ),
    pick("[", "]", "[[", "]]", "![", "](", ")("),  # brackets make labels the fast path declines
    4,
)
# Characters markdown-it reads in ways of their own: controls end a link destination, Unicode
# digits are no list numbers, the rest are Unicode whitespace or invisible.
ODD = pick(
    "\t", "\x01", "\x07", "\x1b", "\x7f", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\ufeff",
    "\u200b", "\u200d", "\u202e", "\u2029", "\ufffd", "\0", "٣", "߁", "০",
)
# Inline text the fast path hands to markdown-it's inline parser (the paragraph's alone).
FOREIGN_INLINE = pick(
    "\\", "\\[", "\\#", "\\`", "a\\", "<", ">", "<b>", "</b>", "<http://x.y>", "<!-- c -->",
    "$", "$x$", "$$", "%%", "%%c%%", "&amp;", "&#35;", "&#x5B;", "&copy;", "&nope;", "[r]:",
    "]:", "[x][r]", "\\[[a]]", "\\#t", "\\\\", "<span>[[a]]</span>", "<a href='[[x]]'>", "$[[a]]$",
    "%%[[a]]%%", "%% [[a]]", "[a [b]](c.md)", "[a `]`](c.md)", '[a](b.md "t")', "[a](<b c.md>)",
    "[a](b\\_c.md)", "&#91;[a]]", "![a [[b]]](i.png)", "[r]", "[r][]", "![r]", "[R] [a b]",
)
TARGETS = pick(
    "Note", "note", "a", "My Note", "Ünï", "a/b", "i.png", "日本", " a ", "", "a.b", "😀",
)
WIKI_ODD = pick(
    "[[]]", "[[|x]]", "[[a]b]]", "[[[a]]", "[[a]]]", "[[a\nb]]", "[[a", "a]]", "![[", "[[",
    "[[a|b|c]]", "[[a#b#c]]", "[[#^x]]", "[[a^b]]", "[[a#]]", "[[#]]", "[[ ]]", "[[a|]]",
    "[[a|b`]]", "[[a]] ]]", "[[[[a]]]]", "![[a]]]]", "!![[a]]", "[[a]]^b", "[[Note]]",
    "[[Sq]uare]]", "[[a] ]]", "[[a][b]]", "[[a]](b.md)]]", "[[N [[I]] x]]", "[[a]|b]]",
)
TAG_NAMES = pick(
    "t", "tag", "a/b", "a-b_c", "1984", "1a", "2024/01", "日本", "😀", "é", "", "^x", "#x",
    "t😀", "a.b", "x]x", "a,b", "ÄÖ", "\u0301", "١٢",
)
TAG_BEFORE = pick("", " ", " ", "(", "x", "\u00a0", "\u3000", "\u2028", "*", "\t", "]", "!")
CODE_BODY = pick("", "x", " ", "  ", "[[a]]", "#t", "a ` b", "[a](b.md)", "``", "x\ny", "x `")
LABELS = mostly(
    pick(
        "", "a", "text", "#t", "a #t", "#a b #c", "*a*", "a\nb", "!", "😀 é", "a\n#t", "x#t",
        " a ", "a^b", "a|b", "Note", "a\x01", "#1984 #x/y",
    ),
    pick("a]b", "`c`", "[x]", "[[a]]", "a[b"),
    5,
)
DESTINATIONS = mostly(
    pick(
        "a.md", "a", "Note.md", "a%20b.md", "P%C3%BC.md", "a.md#H", "a.md#^b", "#H", "#^b",
        "a.md#H#I", "", "./a.md", "../a.md", "a/b.md", "i.png", "%", "%zz", "ü.md", "a'b",
        'a"b', "http://x.y", "mailto:x@y", "//x", "x:y", "a*b", "a#b#c", "#", "a\x01b", "\x7f",
        "a\x1bb",
    ),
    pick(
        " a.md", "a.md ", "<a b.md>", "<a.md>", "<>", "a(b).md", "a)", "(a)", 'a.md "t"',
        "a.md 't'", "a b", "javascript:x", "JavaScript:x", "vbscript:x", "file:x", "data:x",
        "data:image/png;base64,x", "a\u00a0b", "a`b", "a[b", "a]b", "a\nb", "a\x0cb",
    ),
    5,
)
BLOCK_IDS = pick(
    " ^id", "^id", " ^a-1", " ^ID9", " ^", " ^id ", " ^id\t", " ^bad_id", "^", " ^x^y",
    "\u00a0^id", "\u2028^id", " ^日本",
)
EMPHASIS = pick("*", "**", "_", "__", "~~", "***", "~")
# fmt: on


@st.composite
def wikilink(draw: st.DrawFn) -> str:
    if edge(draw, 4):
        return draw(WIKI_ODD)
    inside = draw(TARGETS)
    if draw(st.booleans()):
        inside += "#" + draw(pick("H", "^b", "H#I", "^", "", " H ", "H#^b"))
    if draw(st.booleans()):
        inside += draw(mostly(pick("|"), pick("\\|"), 12)) + draw(pick("x", "a b", "", "😀", "#t"))
    return draw(pick("", "", "!")) + "[[" + inside + "]]"


@st.composite
def tag(draw: st.DrawFn, first: bool = False) -> str:
    before = draw(mostly(pick(""), TAG_BEFORE, 10)) if first else draw(TAG_BEFORE)
    return before + "#" + draw(TAG_NAMES)


@st.composite
def code_span(draw: st.DrawFn) -> str:
    opening, closing = draw(st.sampled_from([1, 2, 1, 2, 3])), draw(st.integers(0, 3))
    if draw(st.booleans()):
        closing = opening  # balanced half the time
    return "`" * opening + draw(CODE_BODY) + "`" * closing


@st.composite
def link(draw: st.DrawFn) -> str:
    label, destination = draw(LABELS), draw(DESTINATIONS)
    bang = draw(pick("", "", "!"))
    shape = draw(st.integers(0, 9)) if draw(EDGY) else 0
    if shape == 9:
        return f"{bang}[{label}]"
    if shape == 8:
        return f"{bang}[{label}] ({destination})"
    if shape == 7:
        return f"{bang}[{label}]({destination}"
    return f"{bang}[{label}]({destination})"


def atom(hostile: bool, first: bool = False) -> st.SearchStrategy[str]:
    """One piece of inline text; ``first`` makes punctuation rarer (it opens the line)."""
    choices = [
        (16, WORDS),
        (2 if first else 6, PUNCT),
        (1 if first else 2, ODD),
        (6, wikilink()),
        (4, tag(first)),
        (4, code_span()),
        (6, link()),
    ]
    choices.append((4 if hostile else 1, FOREIGN_INLINE))
    return weighted(choices)


@st.composite
def inline(draw: st.DrawFn, hostile: bool, empty: bool = False) -> str:
    """One line of inline text, now and then wrapped in emphasis or ending in a block id."""
    parts = [] if empty and one_in(draw, 5) else [draw(atom(hostile, first=True))]
    parts += draw(st.lists(atom(hostile), max_size=4))
    text = ""
    for part in parts:
        text += draw(pick(" ", " ", " ", "", "  ")) if text else ""
        if one_in(draw, 7):
            delimiter = draw(EMPHASIS)
            part = delimiter + part + delimiter
        text += part
    if one_in(draw, 4):
        text += draw(BLOCK_IDS)
    if one_in(draw, 10):
        text += draw(pick(" ", "  ", "\t", " \t"))  # trailing blanks (a hard break when lazy)
    return text


@st.composite
def paragraph(draw: st.DrawFn, hostile: bool) -> str:
    lines = [draw(inline(hostile))]
    lines += draw(st.lists(inline(hostile), max_size=2))
    return "\n".join(lines)


@st.composite
def heading(draw: st.DrawFn, hostile: bool) -> str:
    hashes = "#" * draw(st.integers(1, 7))
    after = draw(pick(" ", " ", " ", "\t", "", "  "))
    text = (
        draw(pick("Metadata", "metadata")) if one_in(draw, 6) else draw(inline(hostile, empty=True))
    )
    closing = draw(
        mostly(pick("", "", "", " #", " ##", "#", " # ", "\t#", " #x"), pick(" \\#"), 10)
    )
    return hashes + after + text + closing


@st.composite
def item_lines(draw: st.DrawFn, hostile: bool, marker: str) -> str:
    spaces = draw(mostly(pick(" ", " ", " ", "  ", "   ", "    "), pick("     ", "\t", " \t"), 10))
    content = "" if edge(draw, 15) else draw(inline(hostile))
    if one_in(draw, 4):  # a ``Key: value`` item, read under a ``# Metadata`` heading
        content = draw(pick("Key: value", "Full Title: My Note", "k:\tv", "A b: [[c]]")) + content
    lazy = draw(st.lists(inline(hostile), max_size=2))
    return "\n".join([marker + spaces + content, *lazy])


@st.composite
def bullet_list(draw: st.DrawFn, hostile: bool) -> str:
    marker = draw(pick("-", "*", "+"))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        if one_in(draw, 6):
            marker = draw(pick("-", "*", "+"))  # a new marker opens a new list
        items.append(draw(item_lines(hostile, marker)))
    return "".join(
        item if not index else draw(pick("\n", "\n", "\n\n", "\n\n\n")) + item
        for index, item in enumerate(items)
    )


def indent_lines(text: str, by: str) -> str:
    return "\n".join(by + line if line else line for line in text.split("\n"))


@st.composite
def tabbed_indent(draw: st.DrawFn, width: int) -> str:
    """``width`` columns of indentation; one time in four written with tabs (as Obsidian
    indents), spanning a column more or less now and then."""
    if width <= 0 or not one_in(draw, 4):
        return " " * max(width, 0)
    return draw(pick("\t" * (width // 4 + 1), "\t" * max(1, width // 4), " \t", "\t ", "  \t"))


def item_opening(hostile: bool, depth: int) -> st.SearchStrategy[str]:
    """A block that opens a list item on its marker's line (``- # H``, ``- 5. x``)."""
    kinds = [heading(hostile), fence(hostile), table(hostile), html_block(hostile)]
    kinds += [math_block(hostile), quote_block(hostile, 1), definition(), EDGE_LINES]
    if depth < 2:
        kinds.append(nested_list(hostile, depth + 1))
    return st.one_of(kinds)


@st.composite
def nested_list(draw: st.DrawFn, hostile: bool, depth: int = 0) -> str:
    """Items holding more blocks indented to their content (a nested list, a paragraph, a
    fence, a heading), now and then one column short or over; lazy lines between."""
    marker = draw(pick("-", "*", "+", "1.", "2)"))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        spaces = draw(mostly(pick(" ", " ", "  ", "   ", "    "), pick("     ", "\t"), 10))
        head = marker + spaces + draw(inline(hostile))
        if one_in(draw, 4):  # the item opens with another block: markdown-it reads it there
            opening = indent_lines(draw(item_opening(hostile, depth)), " " * len(marker + spaces))
            head = marker + spaces + opening[len(marker + spaces) :]
        width = len(marker) + len(spaces) + draw(mostly(pick(0), pick(-1, 1, 2, 4, -2), 4))
        inner_kinds = [paragraph(hostile), heading(hostile), fence(hostile), EDGE_LINES]
        inner_kinds += [table(hostile), html_block(hostile), math_block(hostile), definition()]
        if depth < 2:
            inner_kinds += [nested_list(hostile, depth + 1), nested_list(hostile, depth + 1)]
        inner = [
            draw(pick("\n", "\n", "\n\n"))
            + indent_lines(draw(st.one_of(inner_kinds)), draw(tabbed_indent(width)))
            for _ in range(draw(st.integers(0, 2)))
        ]
        items.append(head + "".join(inner))
    return "".join(
        item if not index else draw(pick("\n", "\n", "\n\n")) + item
        for index, item in enumerate(items)
    )


@st.composite
def indented_block(draw: st.DrawFn, hostile: bool) -> str:
    """A block with its lines indented 1-3 columns (4 or more: indented code, declined)."""
    inner = draw(
        st.one_of(paragraph(hostile), heading(hostile), bullet_list(hostile), fence(hostile))
    )
    return indent_lines(inner, draw(mostly(pick(" ", "  ", "   "), pick("    ", "\t", " \t"), 8)))


@st.composite
def quote_block(draw: st.DrawFn, hostile: bool, depth: int = 0) -> str:
    """A block quote or callout: blocks behind ``>`` markers (with or without the space, now and
    then indented, doubled, or left off a line to make it lazy)."""
    kinds = [paragraph(hostile), heading(hostile), nested_list(hostile, 1), fence(hostile)]
    kinds += [table(hostile), html_block(hostile), math_block(hostile), definition()]
    if depth < 1:
        kinds.append(quote_block(hostile, depth + 1))
    parts = [draw(st.one_of(kinds)) for _ in range(draw(st.integers(1, 3)))]
    if one_in(draw, 3):
        parts.insert(
            0, "[!" + draw(pick("note", "tip", "info")) + "]" + draw(pick("", "-", "+")) + " T"
        )
    body = "\n".join(part + draw(pick("", "", "\n")) for part in parts)
    lines = []
    for line in body.split("\n"):
        marker = draw(mostly(pick("> ", "> ", ">", " > ", ">  "), pick("", ">\t", "   > "), 8))
        lines.append(marker + line if marker or not line else line)
    return "\n".join(lines)


@st.composite
def ordered_list(draw: st.DrawFn, hostile: bool) -> str:
    delimiter = draw(pick(".", ".", ")"))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        number = draw(pick("1", "1", "2", "3", "10", "0", "01", "123456789", "1234567890", "1١"))
        items.append(draw(item_lines(hostile, number + delimiter)))
    return "".join(
        item if not index else draw(pick("\n", "\n\n")) + item for index, item in enumerate(items)
    )


@st.composite
def fence(draw: st.DrawFn, hostile: bool) -> str:
    char = draw(pick("`", "`", "~"))
    size = draw(st.integers(3, 5))
    info = draw(
        mostly(pick("", "", "py", " py", "~", " x y ", "{.x}", "a\tb"), pick("`", "a`b"), 6)
    )
    body = draw(
        st.lists(
            st.one_of(
                inline(hostile, empty=True),
                pick("```", "~~~", "````", "``` x", "   ```", "    ```", "\t```", " \t```"),
            ),
            max_size=3,
        )
    )
    lines = [char * size + info, *body]
    if not one_in(draw, 6):  # unclosed now and then
        indent = draw(mostly(pick("", "", "", " ", "  ", "   ", "    ", " \t"), pick("\t"), 8))
        length = size + draw(st.sampled_from([0, 0, 0, 1, -1]))
        trailing = draw(pick("", "", " ", "\t", " x", "`"))
        lines.append(indent + char * length + trailing)
    return "\n".join(lines)


# fmt: off
TABLE_CELLS = pick("---", ":-:", "-:", ":--", "-", " --- ", "- -", "===", "--x", ":", "")
TABLE_EDGES = pick("| ", "|", "", "  |", " ")
# Lines that end a table (markdown-it's quote terminators), and lines that do not.
TABLE_ENDS = pick(
    "", "", "", "# h [[a]]", "> q [[a]]", "- item [[a]]", "1. one", "2. two", "%% c %%", "```",
    "<div>", "---", "***", "text [[a]]", "    code", "$$", "[r]: a.md",
)
HTML_OPENERS = pick(
    "<div>", '<div class="x">', "</div>", "<DIV>", "<table>", "<!-- c -->", "<!--", "<script>",
    "<pre>", "<style>", "<textarea>", "<?php", "<!DOCTYPE html>", "<![CDATA[", "<span>",
    "<x-y a='b'>", "<b>x</b>", '<a href="[[n]]">', "<not html", "< div>", "<details>", "<br/>",
)
HTML_LINES = pick("-->", "</script>", "</pre>", "?>", ">", "]]>", "</div>", "", "a --> [[b]]")
MATH_OPENERS = pick(
    "$$", "$$", "$$ x", "$$x$$", "$$ a $$ b", "$$[[a]]$$", "$$\t", "$ x", "$x$ [[a]]",
)
MATH_LINES = pick("x^2", "$$", "a $$", "$$ [[a]]", "[[a]] $$", "", "\\$$", "$")
REFERENCE_LABELS = pick("r", "R", "a b", "Ünï", "^1", "[x]", "", "r\\]", "x\ny", " r ")
REFERENCE_DESTINATIONS = pick(
    "a.md", "<a b.md>", "Note%20x.md", "", "https://x.y", "#h", 'a.md "t"', "a.md 't'",
    "a.md (t)", "\n  a.md", 'a.md\n"t"', 'a.md "t" x', "javascript:x", "a.md\n[[b]]",
    'a.md "t\n\nu"', "<a\nb>",
)
# fmt: on


@st.composite
def table(draw: st.DrawFn, hostile: bool) -> str:
    """A GFM table (or nearly one): header, delimiter row, body rows, then what follows."""
    count = draw(st.integers(1, 3))

    def row(cells: int) -> str:
        inner = draw(pick(" | ", "|", " |  ")).join(
            draw(inline(hostile, empty=True)) for _ in range(cells)
        )
        return draw(TABLE_EDGES) + inner + draw(TABLE_EDGES)

    header = row(count)
    delimiters = [draw(TABLE_CELLS) for _ in range(count + draw(mostly(pick(0), pick(-1, 1), 4)))]
    delimiter = draw(TABLE_EDGES) + "|".join(delimiters) + draw(TABLE_EDGES)
    body = [row(draw(st.integers(0, count + 1))) for _ in range(draw(st.integers(0, 3)))]
    return "\n".join([header, delimiter, *body, draw(TABLE_ENDS)])


@st.composite
def html_block(draw: st.DrawFn, hostile: bool) -> str:
    """An HTML block of each of the seven kinds (or a near miss), with lines and blank lines
    after its first: some kinds end at a blank line, others at their closing sequence."""
    lines = [draw(HTML_OPENERS) + draw(pick("", "", " [[a]]", " -->", "</pre>", " x"))]
    lines += draw(st.lists(st.one_of(inline(hostile, empty=True), HTML_LINES), max_size=3))
    return "\n".join(lines)


@st.composite
def math_block(draw: st.DrawFn, hostile: bool) -> str:
    """``$$`` display math (closed or not, on one line or several, blank lines inside)."""
    lines = [draw(MATH_OPENERS)]
    lines += draw(st.lists(st.one_of(inline(hostile, empty=True), MATH_LINES), max_size=3))
    return "\n".join(lines)


@st.composite
def definition(draw: st.DrawFn) -> str:
    """A reference definition (or a near miss), now and then with a title or on several lines."""
    label, destination = draw(REFERENCE_LABELS), draw(REFERENCE_DESTINATIONS)
    return f"[{label}]:{draw(pick(' ', '', '  ', chr(9)))}{destination}"


@st.composite
def indented_code(draw: st.DrawFn, hostile: bool) -> str:
    """A code block indented four columns (or a tab), blank lines inside."""
    body = draw(st.one_of(paragraph(hostile), fence(hostile), bullet_list(hostile)))
    body += draw(pick("", "\n\n[[after]]", "\n\n  - x", "\n"))
    return indent_lines(body, draw(pick("    ", "     ", "\t", "  \t", "        ")))


# fmt: off
# Lines of other kinds (and their near misses) met right after a paragraph, item or heading.
EDGE_LINES = mostly(
    pick(
        "#tag line", "#", "# ", "####### seven", "#1984", "-x", "*x*", "**x**", "+x", "~~x~~",
        "``", "`` x", "1.5 x", "3.14", "2) x", "1) x", "x ^id", "^id", "[[Note]]",
        "![[i.png]]", "[a](b.md)", "key:: value", "## Metadata", "- Full Title: T", "1١. x",
        "0١. x ^id", "***", "* * *", "___", "- - -", "%% c — é %%", "%%", "%%x", "%%\n[[h]]\n%%",
        "%d [[a]]", "[[Note]]: x", "- [[N]]: y", "[^1]: a b", "[^1]: a.md", "[x]: a.md",
        "===", "---", "--", "=", "  ===  ", "- - -", "  * * *", "--- x", "-", "a | b\n--|--",
        "| x |", "<div>", "<span>", "<!-- c", "$$", "$$ x $$", "\t[[t]]", "\t- tab item",
    ),
    pick("-", "*", "+", "- ", "1.", "```x`"),
    5,
)
# Blocks the fast path must decline.
FOREIGN_BLOCKS = pick(
    "> quote [[a]]", ">", "    code [[a]]", "\tcode", "  indented [[a]]", " - nested",
    "- a\n  - b", "<div>\n[[a]]\n</div>", "| a | b |\n|---|---|\n| [[a]] | c |", "---", "***",
    "___", "- - -", "* * *", "a\n===", "a\n---", "[r]: a.md", "[r]: <a b.md> 't'",
    "%%\nc [[a]]\n%%", "%% c %%", "$$\nx\n$$", "1.\n[[a]]", "-\tx", "*\tx", "-     x",
    "a\n$$\n[[a]]\n$$\n# h [[b]]", "> q\n> $$\n> [[a]]\n> $$", "a $$ [[a]] $$ [[b]] $$",
)
# fmt: on


@st.composite
def block(draw: st.DrawFn, hostile: bool) -> str:
    kinds: list[st.SearchStrategy[str]] = [
        paragraph(hostile),
        paragraph(hostile),
        paragraph(hostile),
        heading(hostile),
        heading(hostile),
        bullet_list(hostile),
        bullet_list(hostile),
        ordered_list(hostile),
        ordered_list(hostile),
        fence(hostile),
        EDGE_LINES,
        nested_list(hostile),
        nested_list(hostile),
        indented_block(hostile),
        quote_block(hostile),
        table(hostile),
        html_block(hostile),
        math_block(hostile),
        definition(),
        indented_code(hostile),
    ]
    if hostile:
        kinds.append(FOREIGN_BLOCKS)
    return draw(st.one_of(kinds))


# fmt: off
YAML_LINES = mostly(
    pick(
        "title: T", "title: Note", "title: My Note", "aliases: [a, b]", "alias: c",
        "tags: [x, y]", "tags: a b", "tags:\n  - t1\n  - '#t2'", "up: '[[a]]'",
        "links: ['[[b|B]]', '![[c.png]]']", "k: [unclosed", "key: value", "- item",
        "date: 2024-01-01", "é: 😀", "# comment", "", "k: '---'", "k: ---x",
    ),
    pick("...x", "  ---x", "...", "--- x"),
    10,
)
# fmt: on


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    yaml = draw(st.lists(YAML_LINES, max_size=4))
    opening = draw(mostly(pick("---"), pick("----", "--- ", "---x"), 6))
    closing = draw(mostly(pick("---"), pick("...", "----", " ---", "--- ", "...x", ""), 4))
    lines = [opening, *yaml] + ([closing] if closing else [])
    return "\n".join(lines)


@st.composite
def document(draw: st.DrawFn) -> str:
    hostile = one_in(draw, 6)
    parts = [draw(front_matter())] if one_in(draw, 4) else []
    parts += draw(st.lists(block(hostile), max_size=5))
    text = ""
    for part in parts:
        text += draw(pick("\n", "\n", "\n\n", "\n\n\n")) + part if text else part
    text += draw(pick("\n", "\n", "", "\n\n"))
    newline = draw(pick("\n", "\n", "\n", "\n", "\r\n", "\r"))
    return text.replace("\n", newline) if newline != "\n" else text


# Random text over Markdown punctuation, a few letters and characters markdown-it reads in ways
# of its own; the "plain" alphabet leaves out what makes the fast path decline every time
# (escapes, HTML, math, comments, entities, quotes, tables), so that most of it is accepted.
PUNCTUATION = (
    "[]()!#`~-*+_=|:>.<$%\\&;^ \t\n\r{}\"'/@,?ab1 é日😀\u00a0\u2028\u3000\x01\x0b\x0c\x7f١"
)
PLAIN_PUNCTUATION = "".join(ch for ch in PUNCTUATION if ch not in "<>$%\\&|")


# --- the properties ------------------------------------------------------------------------


@grammar_quick
@given(document())
def test_fast_path_equals_markdown_it_on_grammar_documents(text: str) -> None:
    assert_same_note(text)


@text_quick
@given(st.text(alphabet=PUNCTUATION, max_size=120))
def test_fast_path_equals_markdown_it_on_random_text(text: str) -> None:
    assert_same_note(text)


@text_quick
@given(st.text(alphabet=PLAIN_PUNCTUATION, max_size=120))
def test_fast_path_equals_markdown_it_on_random_plain_text(text: str) -> None:
    assert_same_note(text)


def test_the_grammar_mostly_takes_the_fast_path() -> None:
    """Without this the fuzz could pass by testing markdown-it against itself."""
    seen: list[bool] = []

    @settings(
        max_examples=ACCEPTANCE_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(document())
    def sample(text: str) -> None:
        seen.append(takes_fast_path(text))

    sample()
    rate = sum(seen) / len(seen)
    assert len(seen) >= ACCEPTANCE_EXAMPLES // 2
    assert rate >= MIN_ACCEPTANCE, f"only {rate:.0%} of {len(seen)} documents take the fast path"


@pytest.mark.slow
@long_only
@settings(long, max_examples=2 * LONG_EXAMPLES)
@given(document())
def test_fast_path_equals_markdown_it_on_grammar_documents_long(text: str) -> None:
    assert_same_note(text)


@pytest.mark.slow
@long_only
@long
@given(st.text(alphabet=PUNCTUATION, max_size=600))
def test_fast_path_equals_markdown_it_on_random_text_long(text: str) -> None:
    assert_same_note(text)


@pytest.mark.slow
@long_only
@long
@given(st.text(alphabet=PLAIN_PUNCTUATION, max_size=600))
def test_fast_path_equals_markdown_it_on_random_plain_text_long(text: str) -> None:
    assert_same_note(text)


# --- minimal divergences -------------------------------------------------------------------

# Divergences found, minimised by hand; when found, the fast path read each of them.
DIVERGENCES = [
    # markdown-it ends a link destination at an ASCII control character (U+0001-U+001F but
    # for whitespace, and U+007F), so it reads no link; the fast path reads one to ``target``.
    pytest.param("[](\x01)", id="control-character-destination"),
    pytest.param("[a](b\x1b)", id="control-character-ends-destination"),
    pytest.param("![](\x7f)", id="delete-character-image-destination"),
    # Unicode digits are no list numbers for markdown-it: a paragraph, not an ordered item
    # (diverged until b498a7f).
    pytest.param("1١. x ^id\n", id="unicode-digit-item-block-id"),
    pytest.param("a ^b\n0١. c\n", id="unicode-digit-interrupts-paragraph"),
    pytest.param("# Metadata\n1١. K: v\n", id="unicode-digit-metadata-item"),
    # mdit-py-plugins read dashes in a first list item as front matter (found by the corpus
    # fuzz; the reference now keeps front matter to the note's own first lines)
    pytest.param("- `--\n.", id="dashes-in-a-first-list-item"),
    pytest.param("- x--\n---\n[[a]]", id="dashes-in-a-first-list-item-closed"),
    # markdown-it-py raised IndexError here (an HTML block open on a last line, no newline)
    pytest.param(
        "a\n> a\n> | a | [[Note]]| \n> | ---|---| \n> | | \n> | a | a | a| \n> \n> - <!--\n"
        ">   #tag line\n> \n>   #tag line\n> ",
        id="open-html-block-on-the-last-line",
    ),
]


@pytest.mark.parametrize("text", DIVERGENCES)
def test_minimal_divergences(text: str) -> None:
    assert_same_note(text)  # the fast path may read it or decline it, but the Note is the same
