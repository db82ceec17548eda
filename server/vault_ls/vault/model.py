"""What the engine knows about one note: plain data, built by ``parse.parse_note``.

Ranges are in code points (see ``positions``). Nothing here holds markdown-it tokens: a parsed
note keeps only what the features need, so a large vault stays small in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault_ls.vault.positions import Range

NOTE_SUFFIX = ".md"


@dataclass(slots=True)
class Link:
    """A wikilink, embed or markdown link/image that points into the vault."""

    kind: str  # "wiki" or "markdown"
    embed: bool  # ``![[...]]`` or ``![alt](...)``
    target: str  # the name or path as written and decoded ('' for a same-note anchor)
    headings: tuple[str, ...]  # ``#H1#H2`` -> ("H1", "H2")
    block: str | None  # ``#^id`` -> "id"
    display: str | None  # text after ``|`` (for an embed: a size such as ``100x145``)
    range: Range  # the whole link, brackets included
    target_range: Range  # the name/path part only (empty for ``[[#H]]``)
    in_frontmatter: bool = False

    @property
    def has_anchor(self) -> bool:
        return bool(self.headings) or self.block is not None


@dataclass(slots=True)
class Heading:
    level: int
    text: str  # the heading's inline source, trimmed
    range: Range  # the heading's line(s)
    parent: int | None  # index of the enclosing heading in ``Note.headings``


@dataclass(slots=True)
class Block:
    id: str
    range: Range  # the ``^id`` marker
    block_range: Range  # the lines of the paragraph, list, quote or table it names
    text: str  # the block's first line, without the marker


@dataclass(slots=True)
class Tag:
    name: str  # without ``#``, as written
    range: Range  # ``#tag`` in the body, the value in the frontmatter


@dataclass(slots=True)
class Field:
    """A property value: frontmatter key, ``- Key: value`` metadata item or ``key:: value``."""

    key: str
    value: str
    range: Range | None  # where the value stands (None for frontmatter values)
    source: str  # "frontmatter", "metadata" or "inline"


@dataclass(slots=True)
class TitleClaim:
    """One place that declares the note's title."""

    source: str  # "frontmatter title", "first heading", "Full Title", "title line"
    text: str
    range: Range


@dataclass(slots=True)
class FrontmatterError:
    message: str
    range: Range


@dataclass(slots=True)
class Note:
    path: str  # vault-relative, ``/``-separated, with ``.md``
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    titles: list[TitleClaim] = field(default_factory=list)
    frontmatter: dict[str, Any] | None = None
    frontmatter_error: FrontmatterError | None = None
    frontmatter_range: Range | None = None
    line_count: int = 0
    # Lines holding non-ASCII text: the only ones whose columns differ between code points,
    # UTF-16 and UTF-8, so positions elsewhere convert without reading the note again.
    wide_lines: frozenset[int] = frozenset()
    digest: int = (
        0  # of the text it was parsed from: an editor opening the same text needs no parse
    )
    decode_error: str | None = None  # set when the file was not valid UTF-8

    @property
    def name(self) -> str:
        """The file name without ``.md``: what ``[[...]]`` resolves against."""
        base = self.path.rsplit("/", 1)[-1]
        return base[: -len(NOTE_SUFFIX)] if base.lower().endswith(NOTE_SUFFIX) else base

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def title(self) -> str:
        """The title a person recognises: the first declared title, else the file name."""
        return self.titles[0].text if self.titles else self.name

    def field_values(self, key: str) -> list[str]:
        wanted = key.casefold()
        return [f.value for f in self.fields if f.key.casefold() == wanted]
