"""``vault/graph``: the vault's notes and the links between them, whole or around one note.

Node ids are vault paths; a missing note (a link to no file) is ``missing:`` and the lower-cased
name it is linked by. Links from a note to itself draw no edge.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json
from vault_ls.vault.index import VaultIndex, last_name
from vault_ls.vault.model import NOTE_SUFFIX, Note
from vault_ls.vault.names import name_key
from vault_ls.vault.resolve import BulkResolver
from vault_ls.vault.snapshot import Snapshot

MISSING = "missing:"


class _LinkEnds(NamedTuple):
    """Where one note's links lead, as the table last resolved them."""

    note: Note  # the object resolved: the index holding another means the note changed
    names: frozenset[str]  # the last names its links name (``index.last_name``)
    found: dict[str, int]  # file reached (itself included) -> links reaching it
    to_notes: dict[str, int]  # ``found`` without itself and attachments, sorted: never changed
    missing: dict[str, tuple[str, int]]  # missing id -> (the name as first written, links)
    tags: tuple[str, ...]  # as written: reading ``note.tags`` of a cached note decodes its body


class LinkEnds:
    """Every note's link ends, kept on the index (``VaultIndex.derived``): a note is resolved
    again only when its ``Note`` object changed, or when a file whose name its links name came
    or went (what a link reaches depends on nothing else, as ``VaultIndex._relink`` has it)."""

    def __init__(self) -> None:
        self.version = -1  # of the index last brought up to date with
        self.files: set[str] = set()  # the notes and attachments resolved against
        self.ends: dict[str, _LinkEnds] = {}
        self._uris: dict[str, str] = {}  # file -> its URI under ``_root``: a graph sends each
        self._root: object = None
        self._naming: dict[str, set[str]] = {}  # last name -> the notes whose links name it

    def update(self, index: VaultIndex) -> None:
        if self.version == index.version:
            return
        stale: set[str] = set()
        files = index.notes.keys() | index.attachments
        if files != self.files:
            for path in files ^ self.files:
                stale |= self._naming.get(last_name(path), set())
                self._uris.pop(path, None)
            self.files = files
        resolver = BulkResolver(index)
        for path in [path for path in self.ends if path not in index.notes]:
            self._forget(path)
        for path, note in index.notes.items():
            kept = self.ends.get(path)
            if kept is not None and kept.note is note and path not in stale:
                continue
            if kept is not None:
                self._forget(path)
            self._add(path, _resolve(resolver, note))
        self.version = index.version

    def uri(self, encoder: Encoder, path: str) -> str:
        if encoder.vault.root != self._root:
            self._uris, self._root = {}, encoder.vault.root
        uri = self._uris.get(path)
        if uri is None:
            uri = self._uris[path] = encoder.uri(path)
        return uri

    def _add(self, path: str, ends: _LinkEnds) -> None:
        self.ends[path] = ends
        for name in ends.names:
            self._naming.setdefault(name, set()).add(path)

    def _forget(self, path: str) -> None:
        for name in self.ends.pop(path).names:
            notes = self._naming[name]
            notes.discard(path)
            if not notes:
                del self._naming[name]


def _resolve(resolver: BulkResolver, note: Note) -> _LinkEnds:
    found: dict[str, int] = {}
    missing: dict[str, tuple[str, int]] = {}
    for link in note.links:
        path = resolver.reach(link, note.path)
        if path is not None:
            found[path] = found.get(path, 0) + 1
        elif link.target:
            node = MISSING + name_key(link.target)
            first, count = missing.get(node, (link.target, 0))
            missing[node] = (first, count + 1)
    names = frozenset(last_name(link.target) for link in note.links if link.target)
    to_notes = {
        path: found[path]
        for path in sorted(found)
        if path != note.path and path.lower().endswith(NOTE_SUFFIX)  # else an attachment
    }
    return _LinkEnds(note, names, found, to_notes, missing, tuple(tag.name for tag in note.tags))


def link_ends_for(index: VaultIndex) -> LinkEnds:
    kept = index.derived.get(LinkEnds)
    if kept is None:
        table = LinkEnds()
        index.derived[LinkEnds] = (0, table)
    else:
        table = kept[1]  # type: ignore[assignment]
    table.update(index)
    return table


class _Ends:
    """The edges a request draws from each note: ``LinkEnds`` without links to the note itself,
    attachments and missing notes unless asked for."""

    def __init__(self, vault: Snapshot, attachments: bool, missing: bool) -> None:
        self.notes = vault.index.notes
        self.table = link_ends_for(vault.index)
        self.attachments, self.missing = attachments, missing
        self.missing_names: dict[str, str] = {}  # missing id -> the name as first written

    def edges_of(self, note: Note) -> dict[str, int]:
        """The note's edges by target, sorted: read, never changed (the plain ones are the
        table's own)."""
        kept = self.table.ends[note.path]
        if not self.attachments and not (self.missing and kept.missing):
            return kept.to_notes
        here = note.path
        if self.attachments:
            ends = {path: count for path, count in kept.found.items() if path != here}
        else:
            ends = dict(kept.to_notes)
        if self.missing:
            for node, (first, count) in kept.missing.items():
                self.missing_names.setdefault(node, first)
                ends[node] = count
        return dict(sorted(ends.items()))


def graph(
    vault: Snapshot,
    encoder: Encoder,
    path: str | None = None,
    depth: int = 1,
    attachments: bool = False,
    missing: bool = False,
) -> Json:
    """The whole vault, or the notes within ``depth`` links of ``path`` either way."""
    ends = _Ends(vault, attachments, missing)
    index = vault.index
    edges: dict[str, dict[str, int]] = {}
    if path is None:
        for note in index:
            edges[note.path] = ends.edges_of(note)
        shown: set[str] = set(index.notes)
        if attachments:
            shown |= index.attachments
    else:
        shown = {path}
        frontier = [path]
        for _ in range(max(0, depth)):
            reached: list[str] = []
            for here in frontier:
                for there in _neighbours(vault, ends, edges, here):
                    if there not in shown:
                        shown.add(there)
                        reached.append(there)
            frontier = reached
        for here in shown:
            if here in index.notes and here not in edges:
                edges[here] = ends.edges_of(index.notes[here])
    if path is None and (attachments or missing):
        shown |= _ends_in(edges, shown)
    drawn = sorted(shown)
    linked: Counter[str] = Counter(  # missing id -> the notes linking to it
        end
        for targets in (edges.values() if missing else ())
        for end in targets
        if end.startswith(MISSING)
    )
    collecting = gc.isenabled()
    gc.disable()  # some 200,000 small dicts in a heap of millions: collections cost seconds
    try:
        return _drawing(vault, encoder, ends, edges, linked, drawn)
    finally:
        if collecting:
            gc.enable()


def _drawing(
    vault: Snapshot,
    encoder: Encoder,
    ends: _Ends,
    edges: dict[str, dict[str, int]],
    linked: Counter[str],
    drawn: list[str],
) -> Json:
    nodes = _nodes(vault, encoder, ends, linked, drawn)
    kept = {node["id"] for node in nodes}
    return {
        "nodes": nodes,
        "edges": [
            {"source": source, "target": target, "count": count}
            for source in sorted(edges)
            if source in kept
            for target, count in edges[source].items()  # sorted (``edges_of``)
            if target in kept
        ],
    }


def _ends_in(edges: dict[str, dict[str, int]], shown: set[str]) -> set[str]:
    """Missing notes and attachments the whole graph draws (they are nobody's neighbours)."""
    return {end for targets in edges.values() for end in targets if end not in shown}


def _neighbours(
    vault: Snapshot, ends: _Ends, edges: dict[str, dict[str, int]], here: str
) -> Iterable[str]:
    note = vault.index.notes.get(here)
    if note is None:
        return ()  # an attachment or a missing note: only what links to it, already seen
    if here not in edges:
        edges[here] = ends.edges_of(note)
    return [*edges[here], *sorted(vault.index.linking_notes(here) - {here})]  # both sorted


def _nodes(
    vault: Snapshot, encoder: Encoder, ends: _Ends, linked: Counter[str], drawn: list[str]
) -> list[Json]:
    index = vault.index
    notes, backlinks, tags, table = index.notes, index.backlinks, index.tags(), ends.table
    nodes: list[Json] = []
    for node in drawn:
        if node.startswith(MISSING):
            name = ends.missing_names.get(node, node[len(MISSING) :])
            nodes.append(
                {"id": node, "name": name, "kind": "missing", "backlinks": linked[node], "tags": []}
            )
            continue
        note = notes.get(node)
        linking = backlinks.get(node, ())
        nodes.append(
            {
                "id": node,
                "name": note.name if note is not None else node.rsplit("/", 1)[-1],
                "kind": "note" if note is not None else "attachment",
                "uri": table.uri(encoder, node),
                "backlinks": len(linking) - (node in linking),
                "tags": list(dict.fromkeys(tags.spelling(name) for name in table.ends[node].tags))
                if note is not None
                else [],
            }
        )
    return nodes
