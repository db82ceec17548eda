"""markdown-it's tokens for the Markdown notes are made of, several times faster.

Most of a note is front matter, ATX headings, paragraphs, lists (nested, indented with spaces or
tabs), fenced code, block quotes and callouts, thematic breaks and ``%%`` comment lines, with
wikilinks, tags, code spans and simple ``[text](path)`` links inside. ``tokenize`` builds the
tokens ``parse._Walker`` reads for these exactly as markdown-it (with ``syntax``'s rules) would,
at a fraction of the cost: one look at each line, one regular-expression scan of each paragraph.
Tokens the walker never reads are left out: the closing ones (but ``list_item_close``), ``hr``,
comment blocks.
What it only finds, it hands to markdown-it's own rule, on that part alone: a table, an HTML or
``$$`` block, a setext heading, indented code, reference definitions (``run_rule``: a
``StateBlock`` of just those lines, with the container's indentation and lazy lines), and the
inline content of a paragraph holding HTML, escapes, entities, math, comments or a link it
cannot read at a glance (``markdown_it_children``). A note that defines references gets
markdown-it's inline tokens for every paragraph with a ``[``, once all blocks are read, as
markdown-it reads them. The few shapes left (tabs inside quotes, empty items, odd front
matter...) make ``tokenize`` return None and markdown-it parse the note (``decline_reason``
says why, ``borrowed_rules`` which parts were handed over; bench/census.py counts both per
vault). tests/vault/test_fastparse.py holds the proof: every note of every corpus, of the
benchmark vaults and of thousands of generated documents gives the same ``Note`` both ways.

The rules mirrored here are markdown-it-py's own (``rules_block``/``rules_inline``): which lines
end a paragraph, how a container's lines are indented (``blkIndent``, ``sCount`` with tab stops,
lazy lines), how a list item's content is cut, which positions the inline tokenizer visits.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.text_join import text_join
from markdown_it.token import Token

from vault_ls.vault.syntax import NEEDS_INLINE, build_parser, tag_end, wikilink_meta
from vault_ls.vault.wikilink import WIKILINK

# The meta and attributes of most tokens: shared, as a note has thousands of tokens. Never
# changed: a token with attributes of its own gets a dict of its own.
_NOTHING: dict[str, Any] = {}


class FastToken:
    """The part of ``markdown_it.token.Token`` the walker reads."""

    __slots__ = ("attrs", "children", "content", "level", "map", "markup", "meta", "tag", "type")

    def __init__(  # inline tokens, the most, are built from the first three: by position
        self,
        type: str,
        content: str = "",
        meta: dict[str, Any] = _NOTHING,
        level: int = 0,
        map: list[int] | None = None,
        children: list[Any] | None = None,  # FastTokens, or markdown-it's own Tokens
        markup: str = "",
        tag: str = "",
    ):
        self.type = type
        self.content = content
        self.meta = meta
        self.level = level
        self.map = map
        self.children = children
        self.markup = markup
        self.tag = tag
        self.attrs: dict[str, str] = _NOTHING

    def attrGet(self, name: str) -> str | None:
        return self.attrs.get(name)


class Unsupported(Exception):
    """The note holds something only markdown-it reads right; its argument says what (for
    ``decline_reason`` and bench/census.py)."""


# --- block level ---------------------------------------------------------------------------

ATX_HEADING = re.compile(r"#{1,6}(?=[ \t]|$)")
FENCE_OPEN = re.compile(r"(`{3,}|~{3,})(.*)")
BULLET = re.compile(r"([-*+])([ \t]*)(.*)")
ORDERED = re.compile(r"([0-9]{1,9})([.)])([ \t]*)(.*)")  # ASCII digits only, as markdown-it
# Lines made of ``- = | :`` and spaces only: setext underlines, table delimiter rows, empty
# items, ``---`` breaks; ``***``/``___`` breaks too. markdown-it gives each a meaning of its own.
DELIMITER_LINE = re.compile(r"[ \t]*[-=|:][-=|: \t]*|[ \t]*([*_])(?:[ \t]*\1){2,}[ \t]*")
# A thematic break (markdown-it's ``hr``); read only where no paragraph is open above it, where
# ``---`` would underline a setext heading.
THEMATIC_BREAK = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*")
SETEXT_DASHES = re.compile(r"-+[ \t]*")  # a break that is also a setext heading's underline
# First characters of every line (indentation cut off) that may be more than a paragraph's text.
BLOCK_MARKS = frozenset("#`~-*+_=|:>|<$%0123456789")
PARAGRAPH = ("paragraph", None)
ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
# The reference parser (``parse._MD``'s configuration): its own rules read the blocks and inline
# content the fast path only finds (tables, HTML and math blocks, reference definitions, inline
# HTML, escapes...), on just their lines.
_MD = build_parser()


def _block_rule(name: str) -> Any:
    ruler = _MD.block.ruler
    return ruler.__rules__[ruler.__find__(name)].fn


TABLE, HTML_BLOCK, MATH_BLOCK, REFERENCE, LHEADING, CODE = (
    _block_rule(name)
    for name in ("table", "html_block", "math_block", "reference", "lheading", "code")
)
# ``]:`` that may end a reference definition's label: one not ending a wikilink (``[[N]]:``),
# whose closing ``]]`` no label can end with (its last ``]`` would need an escape: ``\]]:``).
REFERENCE_END = re.compile(r"(?<!\])\]:|\\\]\]:")


def holds_foreign_inline(text: str) -> bool:
    """Whether ``text`` holds inline syntax the fast path never reads: escapes, HTML and
    autolinks, math, comments, entities. Substring tests, not one regex: a character class
    scans non-ASCII text at a few nanoseconds a character, a tenth of a note's parse."""
    return (
        "\\" in text
        or "<" in text
        or "$" in text
        or "%%" in text
        or ("&" in text and ENTITY.search(text) is not None)
    )


def markdown_it_children(content: str, env: dict[str, Any]) -> list[Token]:
    """markdown-it's inline tokens of ``content``, as its ``inline`` and ``text_join`` core
    rules make them (``syntax.selective_inline`` runs only where ``NEEDS_INLINE`` finds)."""
    children: list[Token] = []
    holder = Token("inline", "", 0, content=content, children=children)
    if NEEDS_INLINE.search(content):
        _MD.inline.parse(content, _MD, env, children)
        state = StateCore("", _MD, env)
        state.tokens = [holder]
        text_join(state)
    return holder.children or []


def leading_tab(text: str) -> bool:
    return "\t" in text[: len(text) - len(text.lstrip(" \t"))]


def columns(whitespace: str) -> int:
    """How many columns ``whitespace`` (spaces and tabs) spans from the start of a line: a tab
    runs to the next multiple of 4, as markdown-it counts (``sCount``)."""
    column = 0
    for char in whitespace:
        column += 4 - column % 4 if char == "\t" else 1
    return column


def cut_indent(text: str, indent: int) -> str:
    """markdown-it's ``getLines`` for one line: up to ``indent`` columns of its indentation cut
    off, a tab that spans past them left as the spaces it spans there."""
    column = at = 0
    while at < len(text) and column < indent:
        char = text[at]
        if char == "\t":
            column += 4 - column % 4
        elif char == " ":
            column += 1
        else:
            break
        at += 1
    return " " * (column - indent) + text[at:] if column > indent else text[at:]


def foreign_inline_reason(text: str) -> str:
    """Which inline syntax of ``holds_foreign_inline`` ``text`` holds (the first found)."""
    for mark, reason in (("\\", "escape"), ("<", "inline HTML"), ("$", "math"), ("%%", "comment")):
        if mark in text:
            return reason
    return "entity"


def tokenize(text: str, lines: list[str]) -> list[FastToken | Token] | None:
    """markdown-it's tokens for ``text`` (newlines normalised; ``lines`` is it split on ``\\n``),
    or None when the note needs markdown-it."""
    try:
        return _tokenize(text, lines)
    except Unsupported:
        return None


def decline_reason(text: str, lines: list[str]) -> str | None:
    """Why ``tokenize`` declines ``text`` (the first thing it met that it does not read), or
    None when it reads it."""
    try:
        _tokenize(text, lines)
    except Unsupported as declined:
        return str(declined.args[0]) if declined.args else "unsupported"
    return None


def borrowed_rules(text: str, lines: list[str]) -> set[str] | None:
    """What of markdown-it's own rules the fast path ran on parts of ``text`` (``"table"``,
    ``"inline HTML"``...), or None when it declines the note (bench/census.py counts both)."""
    try:
        blocks = _tokenize_blocks(text, lines)
    except Unsupported:
        return None
    return blocks.borrowed


def _tokenize(text: str, lines: list[str]) -> list[FastToken | Token]:
    return _tokenize_blocks(text, lines).tokens


def _tokenize_blocks(text: str, lines: list[str]) -> _Blocks:
    blocks = _Blocks(lines, len(lines) - 1 if text.endswith("\n") else len(lines))
    blocks.may_define = "]:" in text and REFERENCE_END.search(text) is not None
    # one search of the whole note spares one per paragraph in most notes
    blocks.foreign_inline = holds_foreign_inline(text)
    blocks.run()
    return blocks


class _Blocks:
    """markdown-it's block rules for the blocks mirrored here. A container (the note, a list
    item) holds the lines indented at least ``indent`` columns (markdown-it's ``blkIndent``);
    a line's ``column`` is its indentation (``sCount``), ``rest`` the text after it."""

    def __init__(self, lines: list[str], end: int):
        self.lines = lines
        self.end = end  # markdown-it's line count: a final newline ends a line, opens none
        self.tokens: list[FastToken | Token] = []
        self.env: dict[str, Any] = {}  # markdown-it's: the reference definitions met
        self.borrowed: set[str] = set()  # markdown-it's rules run on parts of the note
        self.foreign_inline = True  # holds_foreign_inline(the note): paragraphs need a look
        self.may_define = True  # the note may hold a reference definition
        # The last line ``classify`` read past its first character, and its answer: the line that
        # ends a paragraph is read again at once, by ``container`` or ``list``.
        self.last_marked: tuple[str, tuple[str, Any]] = ("", PARAGRAPH)
        # Inside a block quote: its lines without their ``>``, and the lines it holds without
        # one (lazy paragraph lines, markdown-it's ``sCount`` -1).
        self.lazy: frozenset[int] | set[int] = frozenset()
        self.in_quote = False

    def run(self) -> None:
        lines, end = self.lines, self.end
        line = self.front_matter() if end and lines[0].startswith("---") else 0
        self.container(line, 0, 0, -1)
        if self.env.get("references"):
            # markdown-it reads a note's inline content once all its blocks are read: a link may
            # use a definition below it
            for token in self.tokens:
                if token.type == "inline" and "[" in token.content:
                    token.children = markdown_it_children(token.content, self.env)

    def inline(self, content: str) -> list[Any]:
        """The inline tokens of a paragraph's or heading's ``content``: the fast path's, or
        markdown-it's own where the content holds what only markdown-it reads (the walker
        reads both kinds)."""
        try:
            return inline_children(content, self.foreign_inline)
        except Unsupported as declined:
            self.borrowed.add(str(declined.args[0]))
            return markdown_it_children(content, self.env)

    def run_rule(
        self, rule: Any, line: int, stop: int, indent: int, list_indent: int, silent: bool
    ) -> StateBlock | None:
        """markdown-it's block ``rule`` at ``line`` over lines ``line`` to ``stop`` of this
        container, as markdown-it would see them there (``blkIndent``, ``listIndent``, a quote's
        lazy lines); the state it leaves, or None when it reads no such block there."""
        state = StateBlock("\n".join(self.lines[line:stop]), _MD, self.env, [])
        state.blkIndent, state.listIndent = indent, list_indent
        for number in self.lazy:
            if line <= number < stop:
                state.sCount[number - line] = -1
        if not rule(state, 0, state.lineMax, silent):
            return None
        # markdown-it counts a tab's columns from the start of the line a quote's marker is on;
        # the lines here start after it: where the rule read a tab in indentation, decline
        read = stop if silent else min(stop, line + state.line + 1)
        if self.in_quote and any(leading_tab(text) for text in self.lines[line:read]):
            raise Unsupported("tab indentation")
        return state

    def borrow_block(
        self, rule: Any, name: str, line: int, stop: int, level: int, indent: int, list_indent: int
    ) -> int | None:
        """The tokens of the block markdown-it's ``rule`` reads at ``line``, put in place; the
        line after it, or None when the rule reads none there."""
        state = self.run_rule(rule, line, stop, indent, list_indent, False)
        if state is None:
            return None
        self.borrowed.add(name)
        for token in state.tokens:
            token.level += level
            if token.map:
                token.map = [token.map[0] + line, token.map[1] + line]
            if token.type == "inline":
                token.children = self.inline(token.content)
            self.tokens.append(token)
        return line + state.line

    def opens_table(self, number: int, indent: int, list_indent: int) -> bool:
        """Whether a GFM table's header row stands at line ``number`` (markdown-it's rule asked
        on it and the delimiter row below it, as a paragraph's terminator asks it)."""
        below = number + 1
        if below >= self.end or below in self.lazy or "|" not in self.lines[number]:
            return False
        delimiter = self.lines[below].lstrip(" \t")
        if not delimiter or delimiter[0] not in "|-:":
            return False
        return self.run_rule(TABLE, number, below + 1, indent, list_indent, True) is not None

    def table(self, line: int, level: int, indent: int, list_indent: int) -> int:
        stop = line + 2  # its rows end at the first blank line, if not before
        while stop < self.end and stop not in self.lazy and self.lines[stop].strip(" \t"):
            stop += 1
        after = self.borrow_block(TABLE, "table", line, stop, level, indent, list_indent)
        assert after is not None  # ``opens_table`` said so
        return after

    def indentation(self, text: str) -> int:
        """The line's indentation in columns (its text after it: ``text.lstrip(" \\t")``);
        raises for a tab in a quote, whose columns count from before the ``>``."""
        if text[0] != " " and text[0] != "\t":
            return 0
        rest = text.lstrip(" \t")
        width = len(text) - len(rest)
        if "\t" not in text[:width]:
            return width
        if self.in_quote:
            raise Unsupported("tab indentation")
        return columns(text[:width])

    def container(self, line: int, indent: int, level: int, list_indent: int) -> int:
        """markdown-it's block loop over the lines of a container from ``line``; returns the line
        that ends it (blank lines before it skipped, as markdown-it's ``state.line``)."""
        lines, end = self.lines, self.end
        while line < end:
            text = lines[line]
            if not text.strip(" \t"):
                line += 1
                continue
            if line in self.lazy:
                break
            column = self.indentation(text)
            if column < indent:
                break
            if column - indent >= 4:
                after = self.borrow_block(
                    CODE, "indented code", line, self.end, level, indent, list_indent
                )
                assert after is not None  # the rule reads any line indented so
                line = after
                continue
            rest = text.lstrip(" \t") if column else text
            if (
                "|" in rest
                and not rest.startswith("%%")
                and self.opens_table(line, indent, list_indent)
            ):
                line = self.table(line, level, indent, list_indent)
                continue
            kind, detail = self.classify(rest)
            if kind == "html" or kind == "math":
                rule = HTML_BLOCK if kind == "html" else MATH_BLOCK
                name = "HTML block" if kind == "html" else "math block"
                after = self.borrow_block(rule, name, line, self.end, level, indent, list_indent)
                if after is not None:
                    line = after
                    continue
                kind = "paragraph"  # ``<`` or ``$$`` opening no such block
            if kind == "heading":
                line = self.heading(line, rest, detail, level)
            elif kind == "fence":
                line = self.fence(line, detail, indent, level)
            elif kind in ("bullet", "ordered"):
                line = self.list(line, kind, detail, column, indent, level)
            elif kind == "hr":
                line += 1  # markdown-it's ``hr`` token: nothing the walker reads
            elif kind == "comment":
                line = self.comment(line, detail)
            elif kind == "quote":
                line = self.quote(line, column, indent, level, list_indent)
            else:
                line = self.paragraph(line, level, rest, indent, list_indent)
        return line

    def classify(self, text: str) -> tuple[str, Any]:
        """What a line (indentation cut off) at the start of a block opens; raises for anything
        not mirrored here."""
        if text[0] not in BLOCK_MARKS:
            return PARAGRAPH
        if self.last_marked[0] != text:
            self.last_marked = text, self.classify_marked(text)
        return self.last_marked[1]

    def classify_marked(self, text: str) -> tuple[str, Any]:
        """``classify`` for a line whose first character may open a block."""
        first = text[0]
        if first == "<":
            return "html", None  # which HTML block, if any: markdown-it's rule says
        if first == "$":
            return ("math", None) if text.startswith("$$") else PARAGRAPH
        if first == ">":
            return "quote", None
        if DELIMITER_LINE.fullmatch(text):
            if THEMATIC_BREAK.fullmatch(text):
                return "hr", None
            raise Unsupported("delimiter line")
        if first == "%":
            if not text.startswith("%%"):
                return PARAGRAPH
            close = text.find("%%", 2)
            if close >= 0 and text[close + 2 :].strip():
                return PARAGRAPH  # text after it: an inline comment, in a paragraph
            return "comment", close >= 0
        if first == "#":
            found = ATX_HEADING.match(text)
            return ("heading", found.end()) if found else PARAGRAPH
        if first in "`~":
            fence = FENCE_OPEN.match(text)
            if fence:
                if first == "`" and "`" in fence.group(2):
                    raise Unsupported("code span opening a line")
                return "fence", fence.group(1)
        if first in "-*+":
            bullet = BULLET.fullmatch(text)
            assert bullet is not None
            spaces, rest = bullet.group(2), bullet.group(3)
            if spaces:
                if "\t" in spaces or len(spaces) > 4 or not rest:
                    # tab stops, indented code in an item, an empty item
                    raise Unsupported("odd list marker")
                return "bullet", (bullet.group(1), 1 + len(spaces))
            if not rest:
                raise Unsupported("empty item")
        if first in "0123456789":
            ordered = ORDERED.fullmatch(text)
            if ordered:
                spaces, rest = ordered.group(3), ordered.group(4)
                if not rest or "\t" in spaces or len(spaces) > 4:
                    raise Unsupported("odd list marker")
                if spaces:  # ``3.14`` opens no list
                    number, delimiter = ordered.group(1), ordered.group(2)
                    return "ordered", (delimiter, len(number) + 1 + len(spaces), int(number))
        return PARAGRAPH

    def ends_paragraph(self, number: int, indent: int, list_indent: int) -> bool:
        """Whether a line ends the paragraph above it in a container at ``indent`` (markdown-it's
        paragraph terminators; a line less indented than the container continues it lazily
        unless one of them opens there)."""
        text = self.lines[number]
        if not text.strip(" \t"):
            return True
        if number in self.lazy:
            return False  # a quote's lazy line: checked by ``quote`` already
        column = self.indentation(text)
        rest = text.lstrip(" \t") if column else text
        if column - indent >= 4:
            if DELIMITER_LINE.fullmatch(rest):
                raise Unsupported("delimiter line")  # may be a table's, or an underline
            return False  # indented code does not interrupt a paragraph
        if "|" in rest and self.opens_table(number, indent, list_indent):
            return True
        kind, detail = self.classify(rest)
        if kind == "html":
            return self.html_interrupts(number, indent, list_indent)
        if kind == "math":
            return False  # a ``$$`` block interrupts no paragraph
        if kind == "hr":
            if column >= indent and SETEXT_DASHES.fullmatch(rest):
                raise Unsupported("delimiter line")  # may underline a setext heading
            return True
        if kind == "ordered" or kind == "bullet":
            if list_indent >= 0 and column - list_indent >= 4 and column < indent:
                return False  # markdown-it's list rule refuses such a line
            if kind == "ordered" and column >= indent:
                return bool(detail[2] == 1)  # only a list starting at 1 interrupts a paragraph
            return True
        return kind != "paragraph"

    def html_interrupts(self, number: int, indent: int, list_indent: int) -> bool:
        """Whether the HTML block opening at ``number`` ends a paragraph or quote above it (all
        kinds but the seventh: a lone tag of any name)."""
        return self.run_rule(HTML_BLOCK, number, number + 1, indent, list_indent, True) is not None

    # --- blocks ---------------------------------------------------------------------------

    def front_matter(self) -> int:
        """``---`` on the first line to the next ``---`` (mdit-py-plugins' front matter)."""
        lines = self.lines
        if lines[0] != "---":
            raise Unsupported("odd front matter")
        for number in range(1, self.end):
            stripped = lines[number].lstrip(" \t")
            if stripped.startswith(("---", "...")):
                if lines[number] != "---":
                    raise Unsupported("odd front matter")
                self.tokens.append(
                    FastToken("front_matter", "\n".join(lines[1:number]), map=[0, number + 1])
                )
                return number + 1
        raise Unsupported("odd front matter")  # unclosed: markdown-it reads a thematic break

    def heading(self, line: int, text: str, hashes: int, level: int) -> int:
        stop = len(text.rstrip(" \t"))
        closing = stop
        while closing > hashes and text[closing - 1] == "#":
            closing -= 1
        if closing < stop and closing > hashes and text[closing - 1] in " \t":
            stop = closing
        content = mdTrim(text[hashes:stop])
        where = [line, line + 1]
        tag = f"h{hashes}"
        self.tokens.append(
            FastToken("heading_open", level=level, map=where, markup="#" * hashes, tag=tag)
        )
        self.tokens.append(
            FastToken(
                "inline",
                content,
                level=level + 1,
                map=where,
                children=self.inline(content),
            )
        )
        return line + 1

    def fence(self, line: int, marker: str, indent: int, level: int) -> int:
        char, size = marker[0], len(marker)
        close = line + 1
        closed = False
        while close < self.end:
            text = self.lines[close]
            stripped = text.lstrip(" \t")
            column = self.indentation(text) if stripped else 0
            if (column < indent and stripped) or close in self.lazy:
                break  # a line less indented ends the item, and the fence with it
            marks = stripped.startswith(char * size) and column - indent <= 3
            if marks and not stripped.lstrip(char).strip(" \t"):
                closed = True
                break
            close += 1
        stop = close + 1 if closed else close
        self.tokens.append(FastToken("fence", level=level, map=[line, stop], markup=marker))
        return stop

    def comment(self, line: int, closed: bool) -> int:
        """syntax's ``%%`` comment block: this line, or up to the next line holding ``%%``."""
        if not closed:
            line += 1
            while line < self.end and "%%" not in self.lines[line]:
                line += 1
        return min(line, self.end - 1) + 1  # its token holds nothing the walker reads

    def quote(self, line: int, column: int, indent: int, level: int, list_indent: int) -> int:
        """markdown-it's ``blockquote``: the ``>`` lines from ``line`` and the lazy lines among
        them, read as a note of their own (its lines cut after ``>`` and one space)."""
        lines, end = self.lines, self.end
        inside = lines[:end]
        lazy: set[int] = set()
        last_empty = False
        stop = line
        while stop < end:
            text = lines[stop]
            if not text.strip(" \t"):
                break
            if stop in self.lazy:  # lazy in the quote around this one: outdented here
                if last_empty:
                    break
                if self.classify(text.lstrip(" "))[0] != "paragraph":
                    raise Unsupported("nested quote")  # a terminator only in the outer context
                lazy.add(stop)
                stop += 1
                continue
            at = self.indentation(text)
            rest = text.lstrip(" \t") if at else text
            if rest[0] == ">" and at >= indent:
                after = rest[1:]
                if after.startswith(" "):
                    after = after[1:]
                elif after.startswith("\t"):
                    raise Unsupported("tab indentation")
                inside[stop] = after
                last_empty = not after.strip(" \t")
                stop += 1
                continue
            if last_empty:
                break
            # markdown-it's terminators of a quote; anything else is a lazy paragraph line
            if at - indent >= 4:
                if DELIMITER_LINE.fullmatch(rest):
                    raise Unsupported("delimiter line")
            else:
                kind = self.classify(rest)[0]
                if kind in ("bullet", "ordered"):
                    if not (list_indent >= 0 and at - list_indent >= 4 and at < indent):
                        break
                elif kind == "html":
                    if self.html_interrupts(stop, indent, list_indent):
                        break
                elif kind != "paragraph" and kind != "math":
                    break
            lazy.add(stop)
            stop += 1
        opener = FastToken("blockquote_open", level=level, map=[line, stop], markup=">")
        self.tokens.append(opener)
        inner = _Blocks(inside, stop)
        inner.in_quote = True
        inner.tokens, inner.lazy, inner.env, inner.borrowed = (
            self.tokens,
            lazy,
            self.env,
            self.borrowed,
        )
        inner.foreign_inline, inner.may_define = self.foreign_inline, self.may_define
        after_quote = inner.container(line, 0, level + 1, list_indent)
        opener.map = [line, after_quote]
        return after_quote

    def paragraph(self, line: int, level: int, first: str, indent: int, list_indent: int) -> int:
        """A paragraph from ``line`` (whose text, indentation and list marker cut off, is
        ``first``) in a container at ``indent``; returns the line that ends it."""
        lines, end = self.lines, self.end
        stop = line + 1
        try:
            while stop < end and not self.ends_paragraph(stop, indent, list_indent):
                stop += 1
        except Unsupported as declined:
            # a ``---`` or ``===`` line under it may underline a setext heading; markdown-it
            # tries the definitions first
            if declined.args[0] != "delimiter line" or (self.may_define and first[0] == "["):
                raise
            heading = self.setext_heading(line, first, level, indent, list_indent)
            if heading is None:
                raise
            return heading
        if stop == line + 1:
            written = first
        else:
            following = lines[line + 1 : stop]
            if indent:  # markdown-it's getLines: up to ``indent`` columns cut off each line
                following = [
                    cut_indent(text, indent)
                    if "\t" in text
                    else text[min(indent, len(text) - len(text.lstrip(" "))) :]
                    for text in following
                ]
            written = "\n".join([first, *following])
        content = mdTrim(written)
        if self.may_define and first[0] == "[" and "]:" in content:
            defined = self.definitions(line, stop, first, indent, list_indent)
            if defined:
                return defined
        where = [line, stop]
        self.tokens.append(FastToken("paragraph_open", level=level, map=where))
        children = self.inline(content)
        self.tokens.append(
            FastToken("inline", content, level=level + 1, map=where, children=children)
        )
        return stop

    def setext_heading(
        self, line: int, first: str, level: int, indent: int, list_indent: int
    ) -> int | None:
        """markdown-it's ``lheading`` rule at ``line``: the line after the setext heading there,
        or None when none stands there (its lines end at a blank line, if not before)."""
        stop = line + 1
        while stop < self.end and self.lines[stop].strip(" \t"):
            stop += 1
        written = self.lines[line]
        self.lines[line] = first
        try:
            return self.borrow_block(
                LHEADING, "setext heading", line, stop, level, indent, list_indent
            )
        finally:
            self.lines[line] = written

    def definitions(self, line: int, stop: int, first: str, indent: int, list_indent: int) -> int:
        """markdown-it's ``reference`` rule, tried before a paragraph: the line after the
        definitions at ``line`` (each recorded in ``env``), or 0 when none stands there."""
        written = self.lines[line]
        self.lines[line] = first  # a list item's first line: its marker cut off, as markdown-it
        try:
            state = self.run_rule(REFERENCE, line, stop, indent, list_indent, False)
        finally:
            self.lines[line] = written
        if state is None:
            return 0
        self.borrowed.add("reference definition")
        return line + state.line

    def list(
        self, line: int, kind: str, detail: tuple[Any, ...], column: int, indent: int, level: int
    ) -> int:
        """A list in a container at ``indent`` whose first item's marker stands at ``column``:
        items of one kind and marker (``-``, ``*``, ``+``; ``.`` or ``)`` after a number), each
        opening with a block on the marker's line, then any blocks indented to its content;
        ``detail`` is what ``classify`` said of the first."""
        lines, end = self.lines, self.end
        first, marker = line, detail[0]
        opener = FastToken(f"{kind}_list_open", level=level, map=[line, line], markup=marker)
        self.tokens.append(opener)
        while True:
            offset = detail[1]
            content_indent = column + offset
            item = FastToken("list_item_open", level=level + 1, map=[line, line], markup=marker)
            self.tokens.append(item)
            # markdown-it reads the item's first line as if its marker were indentation
            written = lines[line]
            lines[line] = " " * content_indent + written.lstrip(" \t")[offset:]
            try:
                following = self.container(line, content_indent, level + 2, indent)
            finally:
                lines[line] = written
            self.tokens.append(FastToken("list_item_close", level=level + 1))
            item.map = [line, following]
            if following >= end:
                break
            text = lines[following]
            column = self.indentation(text)
            if column < indent or column - indent >= 4:
                break
            next_kind, detail = self.classify(text.lstrip(" \t") if column else text)
            if next_kind != kind or detail[0] != marker:
                break
            line = following
        opener.map = [first, following]
        return following


# --- inline --------------------------------------------------------------------------------

# Where a rule we mirror may start: markdown-it visits each of these characters (they end a
# ``text`` run), and nothing else it reads here can swallow one.
INLINE_START = re.compile(r"[\[!`#]")
LABEL_STOP = re.compile(r"[\[\]`]")
SIMPLE_DESTINATION = re.compile(r"[^\s()<>\\`\[\]\x00-\x1f\x7f]*\)")  # no controls, as markdown-it
UNSAFE_PROTOCOL = re.compile(r"(?:vbscript|javascript|file|data):", re.IGNORECASE)


def inline_children(content: str, check_foreign: bool = True) -> list[FastToken]:
    """markdown-it's inline tokens of ``content`` as far as the walker reads them: wikilinks,
    tags, links and images with their positions, code spans, and text where text stands."""
    if not NEEDS_INLINE.search(content):
        return []  # ``syntax.selective_inline`` skips such content too
    if check_foreign and holds_foreign_inline(content):
        raise Unsupported(foreign_inline_reason(content))
    children: list[FastToken] = []
    may_link = "](" in content
    pos, text_from = 0, 0
    while True:
        found = INLINE_START.search(content, pos)
        if found is None:
            break
        start = found.start()
        char = content[start]
        token: FastToken | None = None
        wikilink = WIKILINK.match(content, start) if char in "[!" else None
        meta = wikilink_meta(wikilink) if wikilink else None
        if meta is not None:
            token = FastToken("wikilink", content[start : meta["end"]], meta)
            pos = meta["end"]
        elif char == "`":
            pos, token = _code_span(content, start)
        elif char == "#":
            pos = start + 1
            if start == 0 or content[start - 1].isspace():
                stop = tag_end(content, start)
                if stop > start:
                    tag_meta = {"start": start, "end": stop}
                    token = FastToken("tag", content[start + 1 : stop], tag_meta)
                    pos = stop
        else:  # ``[`` or ``!`` opening no wikilink
            pos = start + 1
            if may_link and content.startswith("[", start + (char == "!")):
                link = _link(content, start, char == "!")
                if link is not None:
                    if start > text_from:
                        children.append(FastToken("text", content[text_from:start]))
                    children.extend(link)
                    pos = text_from = link[0].meta["end"]
                    continue
        if token is not None:
            if start > text_from:
                children.append(FastToken("text", content[text_from:start]))
            children.append(token)
            text_from = pos
    if text_from < len(content):
        # markdown-it ends with the text after the last line break
        tail = content[text_from:]
        children.append(FastToken("text", tail.rsplit("\n", 1)[-1] or tail))
    return children


def _code_span(content: str, start: int) -> tuple[int, FastToken | None]:
    """markdown-it's ``backticks`` rule: a run of n backticks closes at the next run of n."""
    after = start
    while after < len(content) and content[after] == "`":
        after += 1
    size = after - start
    search = after
    while True:
        opening = content.find("`", search)
        if opening < 0:
            return after, None  # no closing run: the backticks are text
        closing = opening
        while closing < len(content) and content[closing] == "`":
            closing += 1
        if closing - opening == size:
            return closing, FastToken("code_inline")
        search = closing


def _link(content: str, start: int, image: bool) -> list[FastToken] | None:
    """``[label](path)`` or ``![label](path)`` at ``start`` with a label free of brackets and
    code and a destination free of spaces, parentheses and escapes; None when markdown-it reads
    no link there; raises where its reading would take more than this."""
    bracket = start + 1 if image else start
    stop = LABEL_STOP.search(content, bracket + 1)
    if stop is None:
        return None  # no closing bracket: not a link
    label_end = stop.start()
    if content[label_end] != "]":
        raise Unsupported("link label with brackets or code")
    if not content.startswith("(", label_end + 1):
        return None  # a reference link, and the note defines no references
    dest_start = label_end + 2
    destination = SIMPLE_DESTINATION.match(content, dest_start)
    if destination is None:
        raise Unsupported("link destination")  # spaces, a title, angle brackets, parentheses
    dest_end = destination.end() - 1
    href = content[dest_start:dest_end]
    if UNSAFE_PROTOCOL.match(href):
        raise Unsupported("unsafe link")  # markdown-it refuses the destination, reads no link
    meta = {
        "start": start,
        "end": dest_end + 1,
        "label_end": label_end,
        "dest_start": dest_start,
        "dest_end": dest_end,
    }
    if image:
        # markdown-it parses an image's label on its own: offsets count from the label
        token = FastToken("image", meta=meta, children=_tags(content[bracket + 1 : label_end]))
        token.attrs = {"src": href}
        return [token]
    token = FastToken("link_open", meta=meta)
    token.attrs = {"href": href}
    return [token, *_tags(content, bracket + 1, label_end)]


def _tags(text: str, start: int = 0, stop: int | None = None) -> list[FastToken]:
    """The tags in a link label: the only tokens a label free of brackets and code holds."""
    tags: list[FastToken] = []
    at = text.find("#", start, stop)
    while at >= 0:
        after = at + 1
        if at == 0 or text[at - 1].isspace():
            end = tag_end(text, at)
            if end > at:
                meta = {"start": at, "end": end}
                tags.append(FastToken("tag", text[at + 1 : end], meta))
                after = end
        at = text.find("#", after, stop)
    return tags
