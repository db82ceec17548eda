"""Readable Markdown about a note, a heading's section or a block: used by hover and by
completion's resolve step."""

from __future__ import annotations

from vault_ls.vault.model import Block, Heading, Note
from vault_ls.vault.names import tag_key
from vault_ls.vault.positions import normalize_newlines
from vault_ls.vault.snapshot import Snapshot

PREVIEW_LINES = 12
SECTION_LINES = 20
SHOWN_FIELDS_FIRST = ("Author", "Full Title", "Category", "Summary", "URL")
HIDDEN_FIELDS = {"aliases", "alias", "tags", "tag", "title", "cssclasses", "cssclass"}


def note_summary(vault: Snapshot, note: Note) -> str:
    """Title, path, aliases, tags, properties and backlink count of ``note``."""
    parts = [f"**{_escape(note.title)}**", f"`{note.path}`"]
    if note.aliases:
        parts.append("Aliases: " + ", ".join(_escape(alias) for alias in note.aliases))
    tags: dict[str, str] = {}  # one per tag key, as this note first writes it
    for tag in note.tags:
        tags.setdefault(tag_key(tag.name), tag.name)
    if tags:
        parts.append("Tags: " + " ".join(f"#{tags[key]}" for key in sorted(tags)))
    fields = _ordered_fields(note)
    if fields:
        parts.append("\n".join(f"- **{_escape(key)}**: {value}" for key, value in fields))
    count = len(vault.index.linking_notes(note.path))
    parts.append(f"{count} backlink{'s' if count != 1 else ''}")
    return "\n\n".join(parts)


def notes_count(count: int) -> str:
    return f"{count} note{'s' if count != 1 else ''}"


def _ordered_fields(note: Note) -> list[tuple[str, str]]:
    seen: dict[str, tuple[str, str]] = {}
    for item in note.fields:
        key = item.key.casefold()
        if key not in HIDDEN_FIELDS and key not in seen and item.value:
            seen[key] = (item.key, item.value)
    first = [seen.pop(k.casefold()) for k in SHOWN_FIELDS_FIRST if k.casefold() in seen]
    return first + list(seen.values())


def note_body(vault: Snapshot, note: Note) -> str:
    """The first lines of the note after its frontmatter."""
    lines = _lines(vault, note)
    start = note.frontmatter_range.end.line + 1 if note.frontmatter_range else 0
    body = [line for line in lines[start:] if line.strip()][:PREVIEW_LINES]
    return "\n".join(body)


def heading_section(vault: Snapshot, note: Note, heading: Heading) -> str:
    lines = _lines(vault, note)
    start = heading.range.start.line
    end = len(lines)
    for other in note.headings:
        if other.range.start.line > start and other.level <= heading.level:
            end = other.range.start.line
            break
    return "\n".join(lines[start : min(end, start + SECTION_LINES)]).strip()


def block_text(vault: Snapshot, note: Note, block: Block) -> str:
    lines = _lines(vault, note)
    first, last = block.block_range.start.line, block.block_range.end.line
    return "\n".join(lines[first : min(last + 1, first + SECTION_LINES)]).strip()


def _lines(vault: Snapshot, note: Note) -> list[str]:
    return normalize_newlines(vault.text(note.path)).split("\n")


def _escape(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_")
