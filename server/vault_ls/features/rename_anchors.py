"""Rename a heading, a block id or a tag, with every link or occurrence that names it.

``anchor_at`` says what the cursor is on: a heading's line or a link's ``#Heading`` part, a
block's ``^id`` or a link's ``#^id``, a ``#tag`` in the body or a value of the frontmatter's
``tags``. Each plan changes only the spans that name the thing renamed, in the form each one
wrote the old name: a heading as the link wrote it (its text, or the text Obsidian writes for
it, in its case style), ``%20`` in a markdown fragment and raw inside ``<...>``, a GitHub slug
where the link gave one; display text that was the old heading becomes the new one. A link
whose parts do not read back as the parser read them refuses the whole rename.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from vault_ls.features import link_forms
from vault_ls.features.edits import Replacement
from vault_ls.features.lookup import block_at, heading_at, link_at, tag_at
from vault_ls.features.references import links_to
from vault_ls.features.rename_common import (
    Plan,
    RenameRefused,
    Texts,
    display_edit,
    heading_text_range,
    is_title_heading,
)
from vault_ls.vault import frontmatter
from vault_ls.vault.model import Link, Note
from vault_ls.vault.names import HEADING_LINK_UNSAFE, heading_key, heading_link_text, tag_key
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.resolve import heading_path, link_heading_path
from vault_ls.vault.slugs import github_slugs
from vault_ls.vault.snapshot import Snapshot
from vault_ls.vault.syntax import is_tag_char

HEADING_BREAKING = "[]|#^"  # what would end a link's ``#Heading`` part, or split it
BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")
TAG_KEYS = ("tags", "tag")


@dataclass(frozen=True)
class Span:
    """One part of a link's anchor: a heading of ``#H1#H2`` or the id of ``#^id``."""

    where: Range
    written: str  # as the text writes it (percent-encoded in a markdown link)


@dataclass(frozen=True)
class Parts:
    headings: list[Span]  # one per ``Link.headings``
    block: Span | None
    angle: bool  # a markdown destination inside ``<...>``


@dataclass(frozen=True)
class HeadingAnchor:
    path: str
    position: int  # in ``Note.headings``
    where: Range  # what the cursor is on, to highlight
    current: str  # the heading's text: what the user edits

    def plan(self, vault: Snapshot, new_text: str, display_text: bool = True) -> Plan:
        return plan_heading_rename(vault, self.path, self.position, new_text, display_text)


@dataclass(frozen=True)
class BlockAnchor:
    path: str
    current: str  # the id, without ``^``
    where: Range

    def plan(self, vault: Snapshot, new_id: str, display_text: bool = True) -> Plan:
        return plan_block_rename(vault, self.path, self.current, new_id)


@dataclass(frozen=True)
class TagAnchor:
    current: str  # the tag as written here, without ``#``
    where: Range

    def plan(self, vault: Snapshot, new_name: str, display_text: bool = True) -> Plan:
        return plan_tag_rename(vault, self.current, new_name)


Anchor = HeadingAnchor | BlockAnchor | TagAnchor


# --- what is under the cursor ---------------------------------------------------------------


def anchor_at(vault: Snapshot, path: str, pos: Position) -> Anchor | None:
    """The heading, block id or tag under the cursor; None for a link's target (a note rename)
    and a note's title heading that is its file name (which stands for the note)."""
    note = vault.index.notes.get(path)
    if note is None:
        return None
    texts = Texts(vault)
    link = link_at(note, pos)
    if link is not None:
        return _link_anchor(vault, texts, path, link, pos)
    tag = tag_at(note, pos)
    if tag is not None:
        return TagAnchor(tag.name.rstrip("/"), tag.range)  # ``#a/`` is ``#a`` and nothing below
    block = block_at(note, pos)
    if block is not None:
        marker = block.range
        return BlockAnchor(path, block.id, Range.of(marker[0], marker[1] + 1, marker[2], marker[3]))
    heading = heading_at(note, pos)
    if heading is None or is_title_heading(note, heading):
        return None
    where = heading_text_range(vault.text(path), heading)
    if where is None:
        raise RenameRefused(f"{path}:{heading.range[0] + 1}: a heading written over several lines")
    return HeadingAnchor(path, note.headings.index(heading), where, heading.text)


def _link_anchor(
    vault: Snapshot, texts: Texts, source: str, link: Link, pos: Position
) -> Anchor | None:
    parts = link_parts(texts, source, link)
    if parts.block is not None and _holds(parts.block.where, pos):
        target = _target_note(vault, source, link)
        if link.block is None or not any(b.id.lower() == link.block.lower() for b in target.blocks):
            raise RenameRefused(f"{target.path} has no block ^{link.block}: nothing to rename")
        block = next(b for b in target.blocks if b.id.lower() == link.block.lower())
        return BlockAnchor(target.path, block.id, parts.block.where)
    for part, span in enumerate(parts.headings):
        if _holds(span.where, pos):
            target = _target_note(vault, source, link)
            matched = link_heading_path(target, link)
            if matched is None:
                raise RenameRefused(
                    f"{target.path} has no heading {link.headings[-1]!r}: nothing to rename"
                )
            heading = target.headings[matched[part]]
            return HeadingAnchor(target.path, matched[part], span.where, heading.text)
    return None


def _holds(where: Range, pos: Position) -> bool:
    return (
        where.start.line == pos.line
        and where.start.character <= pos.character <= where.end.character
    )


def _target_note(vault: Snapshot, source: str, link: Link) -> Note:
    target = vault.index.resolve(link, source).path
    note = vault.index.notes.get(target) if target else None
    if note is None:
        raise RenameRefused(f"[[{link.target}]] reaches no note: there is nothing to rename")
    return note


# --- where a link writes its anchor ----------------------------------------------------------


def link_parts(texts: Texts, source: str, link: Link) -> Parts:
    """Where ``link`` writes each heading of ``#H1#H2`` and its ``#^id``, checked against what
    the parser read (a link placed elsewhere than it stands refuses the rename)."""
    none = Parts([], None, False)
    if not link.has_anchor or link.range[0] != link.range[2] or link.range == link.target_range:
        return none  # over several lines, or a property written with escapes: no anchor spans
    line_number = link.range[0]
    line = texts.lines(source)[line_number]
    start = link.target_range[3]
    if link.kind == "wiki":
        inside = line[start : link.range[3] - 2]
        pipe = inside.find("|")
        head = inside if pipe < 0 else inside[: pipe - 1 if inside[:pipe].endswith("\\") else pipe]
        found = list(_wiki_spans(head, start))
        angle = False
    else:
        angle = texts.before(source, link.target_range) == "<"
        rest = line[start : link.range[3]]
        stop = re.search(r">" if angle else r"[\s)]", rest)
        found = list(_markdown_spans(rest[: stop.start() if stop else len(rest)], start))
    spans = [Span(Range.of(line_number, a, line_number, b), line[a:b]) for a, b, _ in found]
    kinds = [kind for _, _, kind in found]
    headings = [span for span, kind in zip(spans, kinds, strict=True) if kind == "heading"]
    blocks = [span for span, kind in zip(spans, kinds, strict=True) if kind == "block"]
    block = blocks[0] if blocks else None
    read = [unquote(s.written) if link.kind == "markdown" else s.written for s in headings]
    block_read = None if block is None else block.written
    if tuple(read) != link.headings or block_read != link.block:
        raise RenameRefused(
            f"{source}:{line_number + 1}: the anchor of a link is not where vault-ls reads it "
            "(please report this note); nothing was changed"
        )
    return Parts(headings, block, angle)


def _wiki_spans(head: str, offset: int) -> Iterator[tuple[int, int, str]]:
    """``Note#H1 # H2#^id`` as ``split_wikilink`` reads it: each part stripped."""
    hash_at = head.find("#")
    if hash_at < 0:
        return
    at = offset + hash_at + 1
    anchor = head[hash_at + 1 :]
    if anchor.startswith("^"):
        text = anchor[1:]
        lead = len(text) - len(text.lstrip())
        yield at + 1 + lead, at + 1 + lead + len(text.strip()), "block"
        return
    pieces = anchor.split("#")
    for number, piece in enumerate(pieces):
        lead = len(piece) - len(piece.lstrip())
        first, last = at + lead, at + lead + len(piece.strip())
        if number == len(pieces) - 1 and piece.strip().startswith("^"):
            yield first + 1, last, "block"
        elif piece.strip():
            yield first, last, "heading"
        at += len(piece) + 1


def _markdown_spans(fragment: str, offset: int) -> Iterator[tuple[int, int, str]]:
    """``#H1#H2`` or ``#^id`` after a markdown destination's path, as the parser splits it."""
    if not fragment.startswith("#"):
        return
    at = offset + 1
    anchor = fragment[1:]
    if anchor.startswith("^"):
        yield at + 1, at + len(anchor), "block"
        return
    for piece in anchor.split("#"):
        if piece:
            yield at, at + len(piece), "heading"
        at += len(piece) + 1


# --- headings --------------------------------------------------------------------------------


def checked_heading(note: Note, position: int, new_text: str) -> str:
    old = note.headings[position].text
    if not new_text.strip():
        raise RenameRefused("the new heading is empty")
    if new_text != new_text.strip():
        raise RenameRefused(f"{new_text!r} begins or ends with a space")
    bad = sorted({ch for ch in new_text if unicodedata.category(ch) == "Cc"})
    if bad:
        shown = " ".join(repr(ch)[1:-1] for ch in bad)
        raise RenameRefused(f"{new_text!r} holds {shown}, which a heading cannot hold")
    breaking = sorted({ch for ch in new_text if ch in HEADING_BREAKING})
    if breaking:
        raise RenameRefused(
            f"{new_text!r} holds {' '.join(breaking)}, which a link to a heading cannot name"
        )
    if new_text == old:
        raise RenameRefused(f"the heading is already {old!r}")
    key = heading_key(new_text)
    if not key:
        raise RenameRefused(f"{new_text!r} is only punctuation: no link could reach it")
    for other, heading in enumerate(note.headings):
        if other != position and heading_key(heading.text) == key:
            raise RenameRefused(f"{note.path} has a heading {heading.text!r} already")
    return new_text


def plan_heading_rename(
    vault: Snapshot, path: str, position: int, new_text: str, display_text: bool = True
) -> Plan:
    """The heading at ``position`` in note ``path`` becomes ``new_text``, and every link part
    that names it (``#Old``, ``#Old#Sub``, ``#Top#Old``) follows; markdown links that give
    GitHub slugs get the slugs the note's headings have after (a repeat's ``-1`` may move)."""
    note = vault.index.notes[path]
    heading = note.headings[position]
    old = heading.text
    new = checked_heading(note, position, new_text)
    plan = Plan(f"Rename heading {old!r} to {new!r}")
    texts = Texts(vault)
    where = heading_text_range(vault.text(path), heading)
    if where is None:
        raise RenameRefused(f"{path}:{heading.range[0] + 1}: a heading written over several lines")
    plan.edits.append(Replacement(path, where, new))
    old_slugs = note.slugs()
    texts_after = [h.text for h in note.headings]
    texts_after[position] = new
    new_slugs = github_slugs(texts_after)
    outline = note.outline()
    for source, link in links_to(vault, path):
        matched = link_heading_path(note, link) if link.headings else None
        if matched is None:
            continue
        parts = link_parts(texts, source, link)
        if len(parts.headings) != len(matched):
            raise RenameRefused(_unplaceable(source, link))
        # a GitHub slug stays one, also where it reads as a heading's text (``#intro``)
        by_slug = link.kind == "markdown" and (
            heading_path(outline, link.headings) is None
            or (len(matched) == 1 and unquote(parts.headings[0].written) == old_slugs[matched[0]])
        )
        changed = False
        for span, named in zip(parts.headings, matched, strict=True):
            if by_slug and new_slugs[named] != old_slugs[named]:
                written = new_slugs[named]
            elif not by_slug and named == position:
                written = _anchor_written(span.written, link, old, new, parts.angle)
            else:
                continue
            plan.edits.append(Replacement(source, span.where, texts.quoted(source, link, written)))
            changed = True
        if changed:
            plan.links += 1
            plan.sources.add(source)
        if display_text and matched[-1] == position:
            display = display_edit(texts, source, link, old, new)
            if display is not None:
                plan.edits.append(display)
    return plan


def _unplaceable(source: str, link: Link) -> str:
    return (
        f"{source}:{link.range[0] + 1}: a link there is written over several lines or with "
        "YAML escapes; write it plainly first"
    )


def _anchor_written(written: str, link: Link, old: str, new: str, angle: bool) -> str:
    """The new heading in a link part, in the form the part wrote the old one: the heading's
    text, or the text Obsidian writes for it (``heading_link_text``), in its case style."""
    markdown = link.kind == "markdown"
    read = unquote(written) if markdown else written
    new_link = heading_link_text(new)
    if read == heading_link_text(old):  # as Obsidian writes it (and the text, when the same)
        text = new_link
    elif read == old and not HEADING_LINK_UNSAFE.search(new.replace(":", "")):
        text = new  # ``:`` is no trouble inside a link (Obsidian leaves it out): kept if written
    else:
        text = link_forms.in_case_of(read, heading_link_text(old), new_link)
    return link_forms.encode_markdown(text, angle) if markdown else text


# --- block ids ------------------------------------------------------------------------------


def plan_block_rename(vault: Snapshot, path: str, old_id: str, new_id: str) -> Plan:
    """Block ``^old_id`` of note ``path`` becomes ``^new_id``, with every ``#^old_id``."""
    note = vault.index.notes[path]
    new = new_id[1:] if new_id.startswith("^") else new_id
    if not BLOCK_ID.fullmatch(new):
        raise RenameRefused(
            f"{new_id!r} is no block id: only the letters a-z and A-Z, digits and '-'"
        )
    if new == old_id:
        raise RenameRefused(f"the block is already ^{old_id}")
    if any(b.id.lower() == new.lower() and b.id.lower() != old_id.lower() for b in note.blocks):
        raise RenameRefused(f"{path} has a block ^{new} already")
    plan = Plan(f"Rename block ^{old_id} to ^{new}")
    texts = Texts(vault)
    for block in note.blocks:
        if block.id.lower() != old_id.lower():
            continue
        marker = block.range
        where = Range.of(marker[0], marker[1] + 1, marker[2], marker[3])
        if texts.span(path, marker) != f"^{block.id}":
            raise RenameRefused(
                f"{path}:{marker[0] + 1}: the block id is not where vault-ls reads it"
            )
        plan.edits.append(Replacement(path, where, new))
    for source, link in links_to(vault, path, block=old_id):
        parts = link_parts(texts, source, link)
        if parts.block is None:
            raise RenameRefused(_unplaceable(source, link))
        plan.edits.append(Replacement(source, parts.block.where, texts.quoted(source, link, new)))
        plan.links += 1
        plan.sources.add(source)
    return plan


# --- tags -------------------------------------------------------------------------------------


def checked_tag(old: str, new_name: str) -> str:
    new = new_name[1:] if new_name.startswith("#") else new_name
    if not new:
        raise RenameRefused("the new tag is empty")
    bad = sorted({ch for ch in new if not is_tag_char(ch)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise RenameRefused(f"{new_name!r} holds {shown}, which a tag cannot hold")
    if all(ch.isdigit() or ch == "/" for ch in new):
        raise RenameRefused(f"{new_name!r} has no letter: Obsidian reads no tag there")
    if new.startswith("/") or new.endswith("/") or "//" in new:
        raise RenameRefused(f"{new_name!r} has an empty level")
    if new == old:
        raise RenameRefused(f"the tag is already #{old}")
    return new


def plan_tag_rename(vault: Snapshot, old: str, new_name: str) -> Plan:
    """Tag ``old`` (any case) becomes ``new_name`` in every note's body and ``tags``/``tag``
    property, and its nested tags with it: ``#a/b`` -> ``#x`` makes ``#a/b/c`` ``#x/c``. A
    property value is rewritten inside its own scalar, so its style (list, flow list, string)
    stays; the edited frontmatter must still load and hold the tags renamed, else nothing is
    done."""
    old = old.rstrip("/")
    new = checked_tag(old, new_name)
    key = tag_key(old)
    levels = old.count("/") + 1
    plan = Plan(f"Rename tag #{old} to #{new}", noun="tag")
    texts = Texts(vault)
    table = vault.index.tags()
    sources = sorted(
        {
            p
            for tag in table
            if tag == key or tag.startswith(key + "/")
            for p in table.notes_with(tag)
        }
    )

    def renamed(name: str) -> str | None:
        lowered = tag_key(name)
        if lowered != key and not lowered.startswith(key + "/"):
            return None
        return "/".join([new, *name.split("/")[levels:]])

    for source in sorted(sources):
        note = vault.index.notes.get(source)
        if note is None:
            continue
        before = len(plan.edits)
        in_frontmatter = note.frontmatter_range
        for tag in note.tags:
            if in_frontmatter is not None and in_frontmatter.contains(tag.range.start):
                continue
            name = renamed(tag.name)
            if name is None:
                continue
            if texts.span(source, tag.range) != f"#{tag.name}":
                raise RenameRefused(
                    f"{source}:{tag.range[0] + 1}: the tag #{tag.name} is not where vault-ls "
                    "reads it (please report this note); nothing was changed"
                )
            start = tag.range
            plan.edits.append(
                Replacement(source, Range.of(start[0], start[1] + 1, start[2], start[3]), name)
            )
        if in_frontmatter is not None:
            plan.edits += _frontmatter_tag_edits(texts, note, renamed)
        if len(plan.edits) > before:
            plan.links += len(plan.edits) - before
            plan.sources.add(source)
    return plan


def _frontmatter_tag_edits(
    texts: Texts, note: Note, renamed: Callable[[str], str | None]
) -> list[Replacement]:
    assert note.frontmatter_range is not None
    lines = texts.lines(note.path)
    first, last = note.frontmatter_range[0] + 1, note.frontmatter_range[2]
    yaml_text = "\n".join(lines[first:last])
    edits: list[Replacement] = []
    expected: dict[str, list[str]] = {}
    for key in TAG_KEYS:
        placed = frontmatter.placed_tags(yaml_text, key)
        if placed is None:
            if any(renamed(name) for name in _tag_values(yaml_text, key)):
                raise RenameRefused(
                    f"{note.path}: its {key!r} property is written with YAML escapes or folded "
                    "lines; write it plainly first"
                )
            continue
        expected[key] = []
        for value in placed:
            name = renamed(value.name)
            expected[key].append(name or value.name)
            if name is None:
                continue
            (line, start), (_, end) = value.start, value.end
            edits.append(
                Replacement(note.path, Range.of(first + line, start, first + line, end), name)
            )
    if edits:
        _check_yaml(note.path, yaml_text, first, edits, expected)
    return edits


def _tag_values(yaml_text: str, key: str) -> list[str]:
    try:
        data, _ = frontmatter.load_yaml(yaml_text)
    except frontmatter.FrontmatterProblem:
        return []
    return frontmatter.tag_values(data.get(key))


def _check_yaml(
    path: str, yaml_text: str, first: int, edits: list[Replacement], expected: dict[str, list[str]]
) -> None:
    """The frontmatter after ``edits`` loads and holds the renamed tags, and nothing else moved."""
    lines = yaml_text.split("\n")
    for edit in sorted(edits, key=lambda e: e.range, reverse=True):
        line, start, end = edit.range[0] - first, edit.range[1], edit.range[3]
        lines[line] = lines[line][:start] + edit.text + lines[line][end:]
    after = "\n".join(lines)
    if any(_tag_values(after, key) != names for key, names in expected.items()):
        raise RenameRefused(f"{path}: its tags property would not read back as renamed")
