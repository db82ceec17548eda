"""Go to definition: the note, heading, block or attachment a link names."""

from __future__ import annotations

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.features.lookup import link_at
from vault_ls.features.targets import follow
from vault_ls.vault.positions import Position
from vault_ls.vault.snapshot import Snapshot


def definition(
    vault: Snapshot, path: str, pos: Position, encoder: Encoder, link_support: bool = False
) -> list[types.LocationLink] | list[types.Location] | None:
    note = vault.index.notes.get(path)
    link = link_at(note, pos) if note else None
    if link is None:
        return None
    target = follow(vault, link, path)
    destination = target.resolution.path
    if destination is None:
        return None  # unresolved: nothing to jump to (the diagnostic says why)
    where = encoder.range(destination, target.range) if target.note else _start()
    if not link_support:
        return [types.Location(encoder.uri(destination), where)]
    return [
        types.LocationLink(
            target_uri=encoder.uri(destination),
            target_range=where,
            target_selection_range=where,
            origin_selection_range=encoder.range(path, link.range),
        )
    ]


def _start() -> types.Range:
    return types.Range(types.Position(0, 0), types.Position(0, 0))
