"""What the engine knows about one note: plain data, built by ``parse.parse_note``.

Ranges are in code points (see ``positions``). Nothing here holds markdown-it tokens: a parsed
note keeps only what the features need, so a large vault stays small in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from vault_ls.vault.names import NOTE_SUFFIX, heading_key, without_note_suffix
from vault_ls.vault.positions import Range
from vault_ls.vault.slugs import github_slugs

__all__ = ["NOTE_SUFFIX"]  # re-exported: where most modules look for it

# What anchor checks compare: heading keys (``names.heading_key``), each heading's parent, and
# block ids in lower case. A cached note holds it in its head (``Note.outline``), and the
# headings' GitHub slugs too (``Note.slugs``).
Outline = tuple[tuple[str, ...], tuple[int | None, ...], tuple[str, ...]]


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
        return without_note_suffix(base)

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def title(self) -> str:
        """The title a person recognises: the first declared title, else the file name."""
        return self.titles[0].text if self.titles else self.name

    def links_alone(self, keep: Callable[[str], bool] | None = None) -> list[Link]:
        """The note's links (those whose target ``keep`` keeps). A note from the cache decodes
        them alone, its body not kept decoded: a request reading the links of a hub's 5,000
        linking notes pushed every other decoded body out, and itself
        (``lazy_notes.KEEP_DECODED``), each time (~2 s)."""
        return self.links if keep is None else [k for k in self.links if keep(k.target)]

    def prose_marks(self) -> tuple[Range | None, list[Tag]]:
        """The front matter's range and the tags: where no unlinked mention stands. A note from
        the cache decodes them alone (a mentions request reads ~70 notes' marks, ~0.2 ms each
        to decode a whole body)."""
        return self.frontmatter_range, self.tags

    def outline(self) -> Outline:
        """Computed here; a cached note not yet decoded answers from its head instead."""
        return (
            tuple(heading_key(heading.text) for heading in self.headings),
            tuple(heading.parent for heading in self.headings),
            tuple(block.id.lower() for block in self.blocks),
        )

    def slugs(self) -> tuple[str, ...]:
        """The headings' GitHub anchors (``slugs.github_slugs``), asked only when a markdown
        link's fragment is not a heading by Obsidian's comparison; as ``outline``, a cached
        note not yet decoded answers from its head."""
        return github_slugs(heading.text for heading in self.headings)

    def field_values(self, key: str) -> list[str]:
        wanted = key.casefold()
        return [f.value for f in self.fields if f.key.casefold() == wanted]


# --- the flat form: tuples of builtins, for ``marshal`` (the cache, the parse workers) ------------
# Unpickling these classes costs a Python call per Position and Range; marshal reads tuples in C.
# A note splits in a head, what loading needs at once (aliases, titles, decode error), and a body,
# the rest, which ``lazy_notes.LazyNote`` decodes when first read. Every field of every class
# above is written here: a new field must be added in both directions
# (``tests/vault/test_cache_codec.py``).

FlatRange = tuple[int, int, int, int]
FlatHead = tuple[list[str], list[tuple[str, str, FlatRange]], str | None]
FlatBody = tuple[Any, ...]  # see ``flat_body``
_new = tuple.__new__


def _flat(r: Range) -> FlatRange:
    return (r[0], r[1], r[2], r[3])  # a plain tuple: marshal writes no subclass


def _range(flat: FlatRange) -> Range:
    return _new(Range, flat)


HEAD_FIELDS = ("path", "aliases", "titles", "decode_error")  # what a head holds (and the path)


def flat_head(note: Note) -> FlatHead:
    titles = [(t.source, t.text, _flat(t.range)) for t in note.titles]
    return note.aliases, titles, note.decode_error


def flat_body(note: Note) -> FlatBody:
    error = note.frontmatter_error
    return (
        [(h.level, h.text, _flat(h.range), h.parent) for h in note.headings],
        [(b.id, _flat(b.range), _flat(b.block_range), b.text) for b in note.blocks],
        [
            (
                k.kind,
                k.embed,
                k.target,
                k.headings,
                k.block,
                k.display,
                _flat(k.range),
                _flat(k.target_range),
                k.in_frontmatter,
            )
            for k in note.links
        ],
        [(t.name, _flat(t.range)) for t in note.tags],
        [(f.key, f.value, f.range and _flat(f.range), f.source) for f in note.fields],
        error and (error.message, _flat(error.range)),
        note.frontmatter_range and _flat(note.frontmatter_range),
        note.line_count,
        note.wide_lines,
        note.digest,
    )


def set_head(note: Note, head: FlatHead) -> None:
    aliases, titles, note.decode_error = head
    note.aliases = aliases
    note.titles = [TitleClaim(source, text, _range(r)) for source, text, r in titles]


def set_body(note: Note, body: FlatBody) -> None:
    headings, blocks, links, tags, fields, error, frontmatter_range, *rest = body
    note.headings = [Heading(level, text, _range(r), parent) for level, text, r, parent in headings]
    note.blocks = [Block(id, _range(r), _range(block), text) for id, r, block, text in blocks]
    note.links = links_from_flat(links)
    note.tags = [Tag(name, _range(r)) for name, r in tags]
    note.fields = [Field(key, value, r and _range(r), source) for key, value, r, source in fields]
    note.frontmatter_error = error and FrontmatterError(error[0], _range(error[1]))
    note.frontmatter_range = frontmatter_range and _range(frontmatter_range)
    note.line_count, note.wide_lines, note.digest = rest


def links_from_flat(links: list[Any], keep: Callable[[str], bool] | None = None) -> list[Link]:
    """The links of a ``flat_body`` (its third part), those whose target ``keep`` keeps."""
    # a vault's links name a few thousand targets many times over: one string each
    return [
        Link(kind, embed, intern(target), anchors, block, display, _range(r), _range(t), in_yaml)
        for kind, embed, target, anchors, block, display, r, t, in_yaml in links
        if keep is None or keep(target)
    ]


def prose_marks_from_flat(body: FlatBody) -> tuple[Range | None, list[Tag]]:
    """``Note.prose_marks`` of a ``flat_body``."""
    frontmatter_range, tags = body[6], body[3]
    return frontmatter_range and _range(frontmatter_range), [Tag(n, _range(r)) for n, r in tags]


def from_flat(path: str, head: FlatHead, body: FlatBody) -> Note:
    note = Note(path)
    set_head(note, head)
    set_body(note, body)
    return note
