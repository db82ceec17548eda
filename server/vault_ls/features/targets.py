"""Where a link leads, down to the heading or block: shared by definition, hover and references."""

from __future__ import annotations

from dataclasses import dataclass

from vault_ls.vault.model import Block, Heading, Link, Note
from vault_ls.vault.positions import Range
from vault_ls.vault.resolve import Resolution, find_block, link_heading
from vault_ls.vault.snapshot import Snapshot


@dataclass
class Target:
    resolution: Resolution
    note: Note | None  # None for an attachment or an unresolved link
    heading: Heading | None = None
    block: Block | None = None

    @property
    def range(self) -> Range:
        if self.block is not None:
            return self.block.block_range
        if self.heading is not None:
            return self.heading.range
        return Range.of(0, 0, 0, 0)


def follow(vault: Snapshot, link: Link, source: str) -> Target:
    resolution = vault.index.resolve(link, source)
    note = vault.index.notes.get(resolution.path) if resolution.path else None
    if note is None:
        return Target(resolution, None)
    heading = link_heading(note, link) if link.headings else None
    block = find_block(note, link.block) if link.block else None
    return Target(resolution, note, heading, block)
