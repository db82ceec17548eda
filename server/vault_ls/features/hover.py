"""Hover: what a link leads to (metadata, first lines, section or block), or why it leads nowhere;
on a tag, how many notes carry it."""

from __future__ import annotations

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.features.lookup import link_at, tag_at
from vault_ls.features.preview import (
    block_text,
    heading_section,
    note_body,
    note_summary,
    notes_count,
)
from vault_ls.features.similar_names import similar_names_for
from vault_ls.features.targets import follow
from vault_ls.vault.model import Link
from vault_ls.vault.positions import Position
from vault_ls.vault.snapshot import Snapshot

CLOSE_NAMES = 3


def hover(
    vault: Snapshot, path: str, pos: Position, encoder: Encoder, markdown: bool = True
) -> types.Hover | None:
    note = vault.index.notes.get(path)
    if note is None:
        return None
    link = link_at(note, pos)
    if link is not None:
        text = _link_text(vault, path, link)
        where = encoder.range(path, link.range)
    else:
        tag = tag_at(note, pos)
        if tag is None:
            return None
        text = _tag_text(vault, tag.name)
        where = encoder.range(path, tag.range)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(types.MarkupContent(kind, text), where)


def _tag_text(vault: Snapshot, name: str) -> str:
    """The tag in its most used spelling, how many notes carry it, and its other spellings."""
    tags = vault.index.tags()
    spellings = tags.spellings(name)
    shown = spellings[0][0] if spellings else name
    text = f"**#{shown}**\n\nused in {notes_count(len(tags.notes_with(name)))}"
    if len(spellings) > 1:
        text += "\n\nwritten " + ", ".join(
            f"#{spelling} in {notes_count(count)}" for spelling, count in spellings
        )
    return text


def _link_text(vault: Snapshot, path: str, link: Link) -> str:
    target = follow(vault, link, path)
    resolution = target.resolution
    if resolution.outside:
        return f"`{link.target}` points outside the vault; it is not followed."
    if resolution.path is None:
        return _unresolved(vault, link)
    if target.note is None:
        return f"Attachment `{resolution.path}`"
    parts = [note_summary(vault, target.note)]
    if target.heading is not None:
        parts.append(heading_section(vault, target.note, target.heading))
    elif target.block is not None:
        parts.append(block_text(vault, target.note, target.block))
    else:
        body = note_body(vault, target.note)
        if body:
            parts.append(body)
    if resolution.ambiguous:
        others = ", ".join(f"`{c}`" for c in resolution.candidates if c != resolution.path)
        parts.insert(1, f"Ambiguous: also {others}")
    return "\n\n---\n\n".join(parts)


def _unresolved(vault: Snapshot, link: Link) -> str:
    if not vault.loaded:
        return f"`{link.target}`: the vault is still being indexed."
    if vault.alone:
        return (
            f"`{link.target}`: this note is outside every vault, so links to other notes are "
            "not followed. Open the folder of its vault (or add `.obsidian/` to it) to follow them."
        )
    owners = sorted(vault.index.notes_with_alias(link.target))
    if owners and link.kind == "wiki":
        owner = vault.index.notes[owners[0]]
        return (
            f'"{link.target}" is an alias of **{owner.name}** (`{owner.path}`); a link to an '
            f"alias does not resolve. Write `[[{owner.name}|{link.target}]]`."
        )
    close = similar_names_for(vault.index).closest(link.target, CLOSE_NAMES, 0.5)
    text = f'No note named "{link.target}".'
    if close:
        text += "\n\nClosest names: " + ", ".join(f"[[{name}]]" for name in close)
    return text
