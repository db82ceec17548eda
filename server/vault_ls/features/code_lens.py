"""Code lenses: "N backlinks" above a note's first line and above each heading other notes (or
the note itself) link to. A lens's command shows those links: ``vault-ls.showReferences`` with
the arguments of VS Code's ``editor.action.showReferences`` in LSP form (the note's URI, the
lens's position, the locations); the editor plugins turn them into a references list."""

from __future__ import annotations

from lsprotocol import types

from vault_ls.features.convert import Encoder, whole_line
from vault_ls.features.references import links_to
from vault_ls.features.wire import Json, json_range
from vault_ls.vault.names import heading_key
from vault_ls.vault.snapshot import Snapshot

SHOW_REFERENCES = "vault-ls.showReferences"


def code_lenses(snapshot: Snapshot, path: str, encoder: Encoder) -> list[types.CodeLens]:
    note = snapshot.index.notes.get(path)
    if note is None:
        return []
    whole: list[Json] = []  # the note's backlinks: links from itself left out
    by_heading: dict[str, list[Json]] = {}  # heading key -> links to it, its own too
    for source, link in links_to(snapshot, path):
        location = {"uri": encoder.uri(source), "range": json_range(encoder, source, link.range)}
        if link.headings:
            by_heading.setdefault(heading_key(link.headings[-1]), []).append(location)
        if source != path:
            whole.append(location)
    lenses = [_lens(encoder, path, 0, whole)]
    for heading in note.headings:
        if heading.level == 1 and heading.parent is None:
            continue  # the title heading stands for the note (as in references)
        found = by_heading.get(heading_key(heading.text))
        if found:
            lenses.append(_lens(encoder, path, heading.range[0], found))
    return lenses


def _lens(encoder: Encoder, path: str, line: int, locations: list[Json]) -> types.CodeLens:
    where = whole_line(line)
    count = len(locations)
    title = f"{count} backlink" if count == 1 else f"{count} backlinks"
    arguments = [encoder.uri(path), {"line": line, "character": 0}, locations]
    return types.CodeLens(
        range=encoder.range(path, where),
        command=types.Command(title=title, command=SHOW_REFERENCES, arguments=arguments),
    )
