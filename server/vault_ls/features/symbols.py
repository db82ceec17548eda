"""Document symbols (the heading tree) and workspace symbols (notes, aliases, headings, tags)."""

from __future__ import annotations

from lsprotocol import types

from vault_ls.features import fuzzy
from vault_ls.features.convert import Encoder
from vault_ls.vault.model import Note
from vault_ls.vault.names import tag_key
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.snapshot import Snapshot

WORKSPACE_LIMIT = 200


def document_symbols(vault: Snapshot, path: str, encoder: Encoder) -> list[types.DocumentSymbol]:
    note = vault.index.notes.get(path)
    if note is None:
        return []
    made: list[types.DocumentSymbol] = []
    roots: list[types.DocumentSymbol] = []
    for index, heading in enumerate(note.headings):
        symbol = types.DocumentSymbol(
            name=heading.text or "(empty heading)",
            kind=types.SymbolKind.String,
            range=encoder.range(path, _section(note, index, encoder.lines(path))),
            selection_range=encoder.range(path, heading.range),
            detail=f"H{heading.level}",
            children=[],
        )
        made.append(symbol)
        if heading.parent is None:
            roots.append(symbol)
        else:
            parent = made[heading.parent]
            parent.children = [*(parent.children or []), symbol]
    return roots


def _section(note: Note, index: int, lines: list[str]) -> Range:
    """A heading's whole section, so editors can fold it and show breadcrumbs."""
    heading = note.headings[index]
    end = max(len(lines) - 1, 0)
    for later in note.headings[index + 1 :]:
        if later.level <= heading.level:
            end = max(later.range.start.line - 1, heading.range.end.line)
            break
    return Range(heading.range.start, Position(end, len(lines[end]) if lines else 0))


def workspace_symbols(vault: Snapshot, query: str, encoder: Encoder) -> list[types.WorkspaceSymbol]:
    """Fuzzy over note names, aliases, headings and tags. Positions are line starts, which
    need no encoding, so no note is read from disk to answer."""
    found: list[tuple[float, str, types.SymbolKind, str, int, str]] = []
    for note in vault.index:
        candidates = [(note.name, types.SymbolKind.File, 0, note.folder)]
        candidates += [(alias, types.SymbolKind.Constant, 0, note.name) for alias in note.aliases]
        candidates += [
            (h.text, types.SymbolKind.String, h.range.start.line, note.name) for h in note.headings
        ]
        for name, kind, line, container in candidates:
            points = fuzzy.score(query, name)
            if points is not None:
                found.append((points, name, kind, note.path, line, container))
    found += _tag_symbols(vault, query.lstrip("#"))
    # every field: ties never come in the index's order, which follows past file events
    found.sort(key=lambda item: (-item[0], item[1], item[3], item[4], item[2], item[5]))
    return [
        types.WorkspaceSymbol(
            name=name,
            kind=kind,
            location=types.Location(
                encoder.uri(path), types.Range(types.Position(line, 0), types.Position(line, 0))
            ),
            container_name=container,
        )
        for _, name, kind, path, line, container in found[:WORKSPACE_LIMIT]
    ]


def _tag_symbols(
    vault: Snapshot, query: str
) -> list[tuple[float, str, types.SymbolKind, str, int, str]]:
    """One symbol per tag, in its most used spelling, at its first use in the first note (by
    path) that carries it."""
    tags = vault.index.tags()
    found = []
    for key in tags:
        name = f"#{tags.spelling(key)}"
        points = fuzzy.score(query, name)
        if points is not None:
            path = min(tags.notes_with(key))
            line = next(
                t.range.start.line for t in vault.index.notes[path].tags if tag_key(t.name) == key
            )
            found.append((points, name, types.SymbolKind.Key, path, line, "tag"))
    return found
