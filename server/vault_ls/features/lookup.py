"""What stands at a position in a note: the link, heading, tag or block under the cursor."""

from __future__ import annotations

from vault_ls.vault.model import Block, Heading, Link, Note, Tag
from vault_ls.vault.positions import Position


def link_at(note: Note, pos: Position) -> Link | None:
    return next((link for link in note.links if link.range.contains(pos)), None)


def tag_at(note: Note, pos: Position) -> Tag | None:
    return next((tag for tag in note.tags if tag.range.contains(pos)), None)


def heading_at(note: Note, pos: Position) -> Heading | None:
    return next((h for h in note.headings if h.range.start.line == pos.line), None)


def block_at(note: Note, pos: Position) -> Block | None:
    return next((block for block in note.blocks if block.range.contains(pos)), None)
