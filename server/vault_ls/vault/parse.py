"""Turn one note's text into a ``Note``: one markdown-it pass, then a walk over its tokens."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from vault_ls.vault import fastparse, frontmatter
from vault_ls.vault.frontmatter import LinkValue
from vault_ls.vault.model import (
    Block,
    Field,
    FrontmatterError,
    Heading,
    Link,
    Note,
    Tag,
    TitleClaim,
)
from vault_ls.vault.names import title_key
from vault_ls.vault.offsets import PositionMap, block_map, heading_map, table_cell_map
from vault_ls.vault.positions import Position, Range, normalize_newlines
from vault_ls.vault.syntax import build_parser, is_tag_char
from vault_ls.vault.wikilink import WikiParts, split_wikilink

_MD = build_parser()
BOM = "\ufeff"
AnyToken = Token | fastparse.FastToken

# `` ^id`` ends a block; the help vault also writes it straight after an embed: ``![[x.png]]^id``.
BLOCK_ID = re.compile(r"(?:^|\s|(?<=\]\]))\^([A-Za-z0-9-]+)[ \t]*$")
METADATA_ITEM = re.compile(r"^([A-Za-z][\w ]{0,40}?):[ \t]+(.+)$")
INLINE_FIELD = re.compile(r"^[ \t]*([^\W\d][\w \-]{0,40}?)::[ \t]*(.*)$")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
TOP_LEVEL_BLOCKS = {
    "paragraph_open",
    "bullet_list_open",
    "ordered_list_open",
    "blockquote_open",
    "table_open",
    "fence",
    "code_block",
    "html_block",
    "math_block",
}


def text_digest(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def parse_note(path: str, text: str) -> Note:
    """Parse ``text`` (any line endings) as the note at vault-relative ``path``. Never raises."""
    return _parse(path, text, fast=True)


def parse_note_markdown_it(path: str, text: str) -> Note:
    """``parse_note`` by markdown-it alone: the reference the fast path must equal."""
    return _parse(path, text, fast=False)


def _parse(path: str, text: str, fast: bool) -> Note:
    digest = text_digest(text)
    text = normalize_newlines(text)
    lines = text.split("\n")
    wide: frozenset[int] = frozenset()
    if not text.isascii():
        wide = frozenset(number for number, line in enumerate(lines) if not line.isascii())
    note = Note(path=path, line_count=len(lines), wide_lines=wide, digest=digest)
    # A byte order mark (Notepad writes one) is no text: Obsidian reads what follows it, so
    # ``# A`` after it is a heading and ``---`` opens the front matter. Parsed without it, the
    # positions then step over it again: they are the file's.
    marked = text.startswith(BOM)
    if marked:
        text, lines = text[1:], [lines[0][1:], *lines[1:]]
    tokens: Sequence[AnyToken] | None = fastparse.tokenize(text, lines) if fast else None
    if tokens is None:
        tokens = _reference_tokens(text)
    walker = _Walker(note, lines)
    walker.walk(tokens)
    walker.finish()
    if marked:
        _step_over_the_mark(note)
    return note


def _reference_tokens(text: str) -> list[Token]:
    try:
        return _MD.parse(text)
    except IndexError:
        # markdown-it-py 4.3 reads past the end of an HTML block left open on a last line that
        # has no newline (``> - <!--\n> ``); with the newline it reads the same blocks
        return _MD.parse(text + "\n")


def _step_over_the_mark(note: Note) -> None:
    """Every first-line column one further: the byte order mark the parse did not see."""

    def moved(where: Range) -> Range:
        line, end_line = where[0], where[2]
        return Range.of(line, where[1] + (line == 0), end_line, where[3] + (end_line == 0))

    for link in note.links:
        link.range, link.target_range = moved(link.range), moved(link.target_range)
    for block in note.blocks:
        block.range, block.block_range = moved(block.range), moved(block.block_range)
    for heading in note.headings:
        heading.range = moved(heading.range)
    for tag in note.tags:
        tag.range = moved(tag.range)
    for title in note.titles:
        title.range = moved(title.range)
    for field in note.fields:
        field.range = moved(field.range) if field.range is not None else None
    if note.frontmatter_error is not None:
        note.frontmatter_error.range = moved(note.frontmatter_error.range)
    if note.frontmatter_range is not None:
        note.frontmatter_range = moved(note.frontmatter_range)


def line_range(lines: list[str], first: int, last: int) -> Range:
    """Whole lines ``first`` to ``last``, trailing blank lines left out."""
    last = min(last, len(lines) - 1)
    while last > first and not lines[last].strip():
        last -= 1
    return Range.of(first, 0, last, len(lines[last]))


class _Walker:
    def __init__(self, note: Note, lines: list[str]):
        self.note = note
        self.lines = lines
        self.heading_stack: list[int] = []
        self.list_items: list[list[int]] = []
        self.metadata_level: int | None = None  # level of an open ``## Metadata`` section
        self.previous_block: list[int] | None = None
        self.current_block: list[int] | None = None
        self.blocks_seen = 0
        self.covers_seen = 0  # top-level paragraphs of images only, before any other block
        self.cell_index = 0
        self.title_line_link: Link | None = None

    def walk(self, tokens: Sequence[AnyToken]) -> None:
        for index, token in enumerate(tokens):
            kind = token.type
            if token.level == 0 and kind in TOP_LEVEL_BLOCKS and token.map:
                self.previous_block, self.current_block = self.current_block, token.map
                self.blocks_seen += 1
            if kind == "inline":  # the commonest, asked first
                self.inline(token, tokens[index - 1])
            elif kind == "front_matter":
                self.frontmatter(token)
            elif kind == "list_item_open" and token.map:
                self.list_items.append(token.map)
            elif kind == "list_item_close" and self.list_items:
                self.list_items.pop()
            elif kind == "tr_open":
                self.cell_index = 0

    # --- blocks --------------------------------------------------------------------------

    def inline(self, token: AnyToken, opener: AnyToken) -> None:
        if token.map is None:
            return
        line = token.map[0]
        imap: PositionMap
        if opener.type == "heading_open":
            self.heading(token, opener)
            if not token.children:
                return  # a plain heading, as most are, needs no positions
            if opener.markup.startswith("#"):
                imap = heading_map(token.content, line, self.lines)
            else:
                imap = block_map(token.content, line, self.lines)
        elif opener.type in ("th_open", "td_open"):
            imap = table_cell_map(token.content, line, self.cell_index, self.lines)
            self.cell_index += 1
        else:
            imap = block_map(token.content, line, self.lines)
        self.children(token.children or [], imap)
        if opener.type == "paragraph_open":
            self.paragraph(token, opener, imap)

    def heading(self, token: AnyToken, opener: AnyToken) -> None:
        assert opener.map is not None
        level = int(opener.tag[1])
        while self.heading_stack and self.note.headings[self.heading_stack[-1]].level >= level:
            self.heading_stack.pop()
        parent = self.heading_stack[-1] if self.heading_stack else None
        text = token.content.strip()
        self.note.headings.append(
            Heading(level, text, line_range(self.lines, opener.map[0], opener.map[1] - 1), parent)
        )
        self.heading_stack.append(len(self.note.headings) - 1)
        if self.metadata_level is not None and level <= self.metadata_level:
            self.metadata_level = None
        if text.casefold() == "metadata":
            self.metadata_level = level
        if level == 1 and not any(h.level == 1 for h in self.note.headings[:-1]):
            self.claim_title("first heading", text, self.note.headings[-1].range)

    def paragraph(self, token: AnyToken, opener: AnyToken, imap: PositionMap) -> None:
        content = token.content
        self.block_id(token, opener, imap)
        if self.metadata_level is not None and self.list_items:
            item = METADATA_ITEM.match(content.split("\n", 1)[0])
            if item:
                self.field(item, "metadata", imap)
        if "::" in content:
            for offset, text in _lines_with_offsets(content):
                inline_field = INLINE_FIELD.match(text)
                if inline_field:
                    self.field(inline_field, "inline", imap, offset)
        self.title_line(token, opener)

    def field(self, match: re.Match[str], source: str, imap: PositionMap, offset: int = 0) -> None:
        key, written = match.group(1).strip(), match.group(2)
        value = written.strip()
        if not value:
            return
        # ``strip`` also drops Unicode spaces the pattern let through (U+2028, U+00A0).
        start = offset + match.start(2) + len(written) - len(written.lstrip())
        value_range = imap.range(start, start + len(value))
        self.note.fields.append(Field(key, value, value_range, source))
        if source == "metadata" and key.casefold() == "full title":
            self.claim_title("Full Title", value, value_range)

    def title_line(self, token: AnyToken, opener: AnyToken) -> None:
        """A line that is only a wikilink names the note (some Readwise templates) when it ends
        the first paragraph before any heading, under nothing but the cover: images, in the
        same paragraph (as Readwise exports it) or in paragraphs of their own. It counts when
        it resembles the file name or another title (``finish``); otherwise it is just a link."""
        if opener.level != 0 or self.note.headings or self.blocks_seen != self.covers_seen + 1:
            return
        *above, last = _inline_lines(token.children or [])
        if not all(line and set(line) <= {"image"} for line in above):
            return
        if last and set(last) <= {"image"}:
            self.covers_seen += 1
        elif last == ["wikilink"]:
            self.title_line_link = self.note.links[-1]

    def finish(self) -> None:
        link = self.title_line_link
        if link is None:
            return
        text = link.display or link.target
        others = [self.note.name, *(claim.text for claim in self.note.titles)]
        if any(_resembles(text, other) for other in others):
            self.claim_title("title line", text, link.range)

    def block_id(self, token: AnyToken, opener: AnyToken, imap: PositionMap) -> None:
        content = token.content
        children = token.children or []
        if children and children[-1].type != "text":
            return
        # The id's ``^`` is the content's last: search from just before it, not the whole line.
        caret = content.rfind("^")
        found = BLOCK_ID.search(content, max(0, caret - 1)) if caret >= 0 else None
        marker = f"^{found.group(1)}" if found else ""
        # No children: the inline pass was skipped because the content is plain text.
        if not found or (children and not children[-1].content.rstrip().endswith(marker)):
            return
        where = imap.range(found.start(1) - 1, found.end(1))
        text = content[: found.start(1) - 1].strip()
        if not text and opener.level == 0 and self.previous_block is not None:
            first, end = self.previous_block
            named = line_range(self.lines, first, end - 1)
            text = self.lines[first].strip()
        else:
            span = self.list_items[-1] if self.list_items else opener.map or [where.start.line] * 2
            named = line_range(self.lines, span[0], max(span[0], span[1] - 1))
        self.note.blocks.append(Block(found.group(1), where, named, text.split("\n", 1)[0]))

    # --- inline ------------------------------------------------------------------------

    def children(self, children: Sequence[AnyToken], imap: PositionMap) -> None:
        for child in children:
            kind, meta = child.type, child.meta
            if kind == "wikilink":
                self.wikilink(meta, imap)
            elif kind in ("link_open", "image") and meta.get("dest_start") is not None:
                self.markdown_link(child, imap)
            elif kind == "tag":
                tag_range = imap.range(meta["start"], meta["end"])
                self.note.tags.append(Tag(child.content, tag_range))
            if kind == "image" and child.children:
                # markdown-it parses an image's label on its own: offsets count from the label
                self.children(child.children, imap.shifted(meta["start"] + 2))

    def wikilink(self, meta: dict[str, Any], imap: PositionMap) -> None:
        parts: WikiParts = meta["parts"]
        self.note.links.append(
            Link(  # positional: the commonest object a parse makes
                "wiki",
                meta["embed"],
                parts.target,
                parts.headings,
                parts.block,
                parts.display,
                imap.range(meta["start"], meta["end"]),
                imap.range(meta["target_start"], meta["target_end"]),
            )
        )

    def markdown_link(self, token: AnyToken, imap: PositionMap) -> None:
        meta = token.meta
        src_start, src_end = meta["dest_start"], meta["dest_end"]
        # The destination as written (markdown-it's attribute is already URL-encoded).
        written = self._source_slice(imap, src_start, src_end)
        if written is None:
            raw = token.attrGet("src") if token.type == "image" else token.attrGet("href")
            written = str(raw or "")
        if written.startswith("<") and written.endswith(">"):
            written, src_start, src_end = written[1:-1], src_start + 1, src_end - 1
        if not written or URL_SCHEME.match(written) or written.startswith("//"):
            return
        path_part, _, anchor = written.partition("#")
        target = _decode(path_part)
        block: str | None = None
        headings: tuple[str, ...] = ()
        anchor = _decode(anchor)
        if anchor.startswith("^"):
            block = anchor[1:]
        elif anchor:
            headings = tuple(part for part in anchor.split("#") if part)
        if not target and not headings and block is None:
            return
        label_end: int = meta.get("label_end") or meta["start"]
        label_start = meta["start"] + (2 if token.type == "image" else 1)
        display = self._source_slice(imap, label_start, label_end)
        self.note.links.append(
            Link(  # positional, as in wikilink
                "markdown",
                token.type == "image",
                target,
                headings,
                block,
                display,
                imap.range(meta["start"], meta["end"]),
                imap.range(src_start, src_start + len(path_part)),
            )
        )

    def _source_slice(self, imap: PositionMap, start: int, end: int) -> str | None:
        where = imap.range(start, end)
        line = where[0]  # indexed: a range unpacks into two positions
        if where[2] != line or line >= len(self.lines):
            return None
        return self.lines[line][where[1] : where[3]]

    # --- frontmatter --------------------------------------------------------------------

    def frontmatter(self, token: AnyToken) -> None:
        assert token.map is not None
        note, first = self.note, token.map[0] + 1
        note.frontmatter_range = line_range(self.lines, token.map[0], token.map[1] - 1)
        yaml_lines = token.content.split("\n")
        try:
            data, links = frontmatter.load_yaml(token.content)
        except frontmatter.FrontmatterProblem as problem:
            line = min(first + problem.line, token.map[1] - 1)
            start = Position(line, min(problem.column, len(self.lines[line])))
            note.frontmatter_error = FrontmatterError(
                problem.message, Range(start, Position(line, len(self.lines[line])))
            )
            return
        self.frontmatter_links(links, first)
        for key in ("aliases", "alias"):
            note.aliases.extend(frontmatter.as_list(data.get(key)))
        for key in ("tags", "tag"):
            self.frontmatter_tags(frontmatter.tag_values(data.get(key)), yaml_lines, key, first)
        for key, value in data.items():
            key_at = frontmatter.key_line(yaml_lines, key)
            where = (
                None if key_at is None else line_range(self.lines, first + key_at, first + key_at)
            )
            note.fields.append(Field(key, frontmatter.display(value), where, "frontmatter"))
            if key.casefold() == "title" and isinstance(value, str | int | float) and where:
                self.claim_title("frontmatter title", str(value).strip(), where)

    def frontmatter_links(self, values: list[LinkValue], first: int) -> None:
        for value in values:
            embed = value.link.startswith("!")
            opener = 3 if embed else 2  # ``![[`` or ``[[``
            inside = value.link[opener:-2]
            parts = split_wikilink(inside)
            if parts is None:
                continue
            (line, start), (end_line, end) = value.start, value.end
            where = Range.of(first + line, start, first + end_line, end)
            target_range = where
            if value.written:  # on one line: a wikilink holds no line break
                inner = start + opener
                target_start = inner + len(inside) - len(inside.lstrip())
                target_range = Range.of(
                    first + line, target_start, first + line, inner + parts.target_length
                )
            self.note.links.append(
                Link(
                    kind="wiki",
                    embed=embed,
                    target=parts.target,
                    headings=parts.headings,
                    block=parts.block,
                    display=parts.display,
                    range=where,
                    target_range=target_range,
                    in_frontmatter=True,
                )
            )

    def frontmatter_tags(
        self, names: list[str], yaml_lines: list[str], key: str, first: int
    ) -> None:
        """Each name placed at its own word, in order after the one before (``tags: [a, ab]``
        and ``- a`` twice are not found at the first ``a``); a name not found spans its key's
        line."""
        start = frontmatter.key_line(yaml_lines, key) or 0
        line, column = start, len(key) + 1
        for name in names:
            where = Range.of(first + start, 0, first + start, len(yaml_lines[start]))
            for index in range(line, len(yaml_lines)):
                found = _word_at(yaml_lines[index], name, column if index == line else 0)
                if found >= 0:
                    where = Range.of(first + index, found, first + index, found + len(name))
                    line, column = index, found + len(name)
                    break
            self.note.tags.append(Tag(name, where))

    def claim_title(self, source: str, text: str, where: Range) -> None:
        if text:
            self.note.titles.append(TitleClaim(source, text, where))
            order = ("frontmatter title", "first heading", "Full Title", "title line")
            self.note.titles.sort(key=lambda claim: order.index(claim.source))


def _word_at(line: str, name: str, start: int) -> int:
    """Where ``name`` stands on ``line`` from ``start`` as a whole word (no tag character on
    either side), or -1."""
    at = line.find(name, start)
    while at >= 0:
        before = line[at - 1] if at else " "
        after = line[at + len(name) : at + len(name) + 1] or " "
        if not is_tag_char(before) and not is_tag_char(after):
            return at
        at = line.find(name, at + 1)
    return -1


def _resembles(text: str, other: str) -> bool:
    return SequenceMatcher(None, title_key(text), title_key(other)).ratio() >= 0.6


def _inline_lines(children: Sequence[AnyToken]) -> list[list[str]]:
    """The kinds of a paragraph's inline tokens, line by line, blank text left out: ``text``
    for words, every other token by its type. A line ends at markdown-it's ``softbreak`` and at
    a newline inside the fast path's text (which holds words of several lines in one token)."""
    lines: list[list[str]] = [[]]
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            lines.append([])
        elif kind != "text":
            lines[-1].append(kind)
        elif child.content.strip():
            lines[-1].append("text")
        elif "\n" in child.content:
            lines.append([])
    return lines


def _lines_with_offsets(content: str) -> list[tuple[int, str]]:
    result, offset = [], 0
    for text in content.split("\n"):
        result.append((offset, text))
        offset += len(text) + 1
    return result


def _decode(text: str) -> str:
    """A markdown link destination as a path: backslash escapes removed, ``%20`` decoded."""
    if "\\" in text:
        text = BACKSLASH_ESCAPE.sub(r"\1", text)
    return unquote(text)
