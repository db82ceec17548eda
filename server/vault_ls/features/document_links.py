"""Document links: every resolved wikilink becomes clickable, opening the note at its target."""

from __future__ import annotations

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.features.targets import follow
from vault_ls.vault.snapshot import Snapshot


def document_links(vault: Snapshot, path: str, encoder: Encoder) -> list[types.DocumentLink]:
    note = vault.index.notes.get(path)
    if note is None:
        return []
    found = []
    for link in note.links:
        if link.kind != "wiki":
            continue
        target = follow(vault, link, path)
        if target.resolution.path is None:
            continue
        uri = encoder.uri(target.resolution.path)
        if target.note is not None and (target.heading or target.block):
            uri += f"#L{target.range.start.line + 1}"
        found.append(types.DocumentLink(encoder.range(path, link.range), target=uri))
    return found
