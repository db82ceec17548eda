"""``vault/status`` and ``vault/noteInfo``: what the index holds of a vault and of one note."""

from __future__ import annotations

from collections.abc import Mapping

from vault_ls.features import diagnostics
from vault_ls.features.convert import Encoder, uri_of
from vault_ls.features.derived import derived_at_version
from vault_ls.features.wire import Json, RequestError, json_range
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.snapshot import Snapshot


def link_counts(index: VaultIndex) -> tuple[int, int]:
    """(links, links that reach no file) over the vault: kept until the index changes."""
    return derived_at_version(index, _count_links)


def _count_links(index: VaultIndex) -> tuple[int, int]:
    """Counted from each note's ``LinkEnds`` where the index keeps them: reading every note's
    links decoded every cached body (seconds at 10,000 notes after a warm start) and resolved
    every link again, at each change, for a status bar."""
    links = unresolved = 0
    for path, note in index.notes.items():
        ends = index.loaded_ends(path)
        if ends is not None:
            missing = sum(count for _, count in ends.missing.values())
            links += sum(ends.notes.values()) + sum(ends.others.values()) + missing
            unresolved += missing
            continue
        for link in note.links:
            links += 1
            if index.resolve(link, path).path is None:
                unresolved += 1
    return links, unresolved


def vault_status(vault: Snapshot) -> Json:
    links, unresolved = link_counts(vault.index)
    return {
        "root": uri_of(vault.root),
        "notes": len(vault.index.notes),
        "attachments": len(vault.index.attachments),
        "links": links,
        "unresolved": unresolved,
        "indexed": vault.loaded,
    }


def note_info(
    vault: Snapshot,
    path: str,
    encoder: Encoder,
    severity: Mapping[str, str] | None = None,
    title_sources: frozenset[str] | None = None,
) -> Json:
    note = vault.index.notes.get(path)
    if note is None:
        raise RequestError(f"{path} is not a note of the vault at {vault.root}")
    tags = vault.index.tags()
    shown_tags = list(dict.fromkeys(tags.spelling(tag.name) for tag in note.tags))
    properties: dict[str, list[str]] = {}
    for field in note.fields:
        properties.setdefault(field.key, []).append(field.value)
    linking = vault.index.linking_notes(path) - {path}
    problems = diagnostics.diagnostics(vault, path, encoder, severity, title_sources)
    return {
        "uri": encoder.uri(path),
        "name": note.name,
        "path": path,
        "title": note.title,
        "titles": [
            {"source": t.source, "text": t.text, "range": json_range(encoder, path, t.range)}
            for t in note.titles
        ],
        "aliases": list(note.aliases),
        "tags": shown_tags,
        "properties": properties,
        "headings": [
            {"level": h.level, "text": h.text, "range": json_range(encoder, path, h.range)}
            for h in note.headings
        ],
        "blocks": [block.id for block in note.blocks],
        "backlinks": len(linking),
        "outgoing": len(note.links),
        "problems": len(problems),
    }
