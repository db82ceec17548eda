"""References (backlinks): the links to a note, heading or block, and the uses of a tag."""

from __future__ import annotations

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.features.lookup import block_at, heading_at, link_at, tag_at
from vault_ls.vault.index import last_name
from vault_ls.vault.model import Link
from vault_ls.vault.names import heading_key, tag_key
from vault_ls.vault.positions import Position
from vault_ls.vault.snapshot import Snapshot


def references(
    vault: Snapshot, path: str, pos: Position, encoder: Encoder
) -> list[types.Location] | None:
    note = vault.index.notes.get(path)
    if note is None:
        return None
    tag = tag_at(note, pos)
    if tag is not None:
        wanted = tag_key(tag.name)
        found = []
        for source in sorted(vault.index.tags().notes_with(tag.name)):
            for each in vault.index.notes[source].tags:
                if tag_key(each.name) == wanted:
                    found.append(encoder.location(source, each.range))
        return found
    link = link_at(note, pos)
    heading: str | None = None
    block: str | None = None
    if link is not None:
        target = vault.index.resolve(link, path).path
        if target is None:
            return []
        heading = link.headings[-1] if link.headings else None
        block = link.block
    else:
        target = path
        on_heading = heading_at(note, pos)
        on_block = block_at(note, pos)
        if on_heading is not None and on_heading.level == 1 and on_heading.parent is None:
            on_heading = None  # a note's title heading stands for the note: all its backlinks
        heading = on_heading.text if on_heading else None
        block = on_block.id if on_block else None
    # The note as a whole: its backlinks, which (as in Obsidian) leave out its links to itself.
    # A heading's or a block's references keep them: ``[[#Part]]`` breaks if ``## Part`` goes.
    whole_note = heading is None and block is None
    return [
        encoder.location(source, found.range)
        for source, found in links_to(vault, target, heading, block)
        if not (whole_note and source == target)
    ]


def linking_count(vault: Snapshot, path: str, pos: Position) -> int:
    """How many notes a references or rename request at ``pos`` reads the links of: those
    linking to the note (or to what the link there reaches). Cheap: nothing is read."""
    note = vault.index.notes.get(path)
    link = link_at(note, pos) if note is not None else None
    target = vault.index.resolve(link, path).path if link is not None else path
    return len(vault.index.linking_notes(target)) if target is not None else 0


def links_to(
    vault: Snapshot, target: str, heading: str | None = None, block: str | None = None
) -> list[tuple[str, Link]]:
    """Every link that reaches ``target`` (and, when given, that heading or block)."""
    sources = set(vault.index.linking_notes(target))
    if target in vault.index.notes:
        sources.add(target)  # same-note anchors
    found = []
    named = last_name(target)
    names: dict[str, bool] = {"": True}  # link target -> whether it may reach ``target``: a
    # vault's links name a few thousand files many times over; no target: the note itself

    def naming(written: str) -> bool:  # else it names another file: no need to resolve it
        found = names.get(written)
        if found is None:
            found = names[written] = last_name(written) == named
        return found

    for source in sorted(sources):
        note = vault.index.notes.get(source)
        if note is None:
            continue
        for link in note.links_alone(naming):
            if vault.index.resolve(link, source).path != target:
                continue
            if heading is not None and (
                not link.headings or heading_key(link.headings[-1]) != heading_key(heading)
            ):
                continue
            if block is not None and (link.block or "").lower() != block.lower():
                continue
            found.append((source, link))
    return found
