"""``vault/graph``: the vault's notes and the links between them, whole or around one note.

Node ids are vault paths; a missing note (a link to no file) is ``missing:`` and the lower-cased
name it is linked by. Links from a note to itself draw no edge.
"""

from __future__ import annotations

import gc
import heapq
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json
from vault_ls.vault.index import LinkEnds, VaultIndex, last_name, link_ends
from vault_ls.vault.model import Note
from vault_ls.vault.resolve import BulkResolver
from vault_ls.vault.snapshot import Snapshot

MISSING = "missing:"
LOCAL_LIMIT = 300  # nodes of a local graph by default: a hub's would be thousands


class _Kept(NamedTuple):
    """Where one note's links lead, as the table last resolved them."""

    note: Note  # the object resolved: the index holding another means the note changed
    to_notes: dict[str, int]  # other note reached -> links to it, sorted: never changed
    attachments: dict[str, int]  # attachment reached -> links to it, sorted
    missing: dict[str, tuple[str, int]]  # missing id -> (the name as first written, links)
    tags: list[str]  # as written: reading ``note.tags`` of a cached note decodes its body


class LinkTable:
    """Every note's link ends, kept on the index (``VaultIndex.derived``): a note is resolved
    again only when its ``Note`` object changed, or when a file whose name its links name came
    or went (what a link reaches depends on nothing else, as ``VaultIndex._relink`` has it).
    Notes as loaded come with their ends resolved by the parse workers
    (``VaultIndex.loaded_ends``): their bodies are not even decoded."""

    def __init__(self) -> None:
        self.version = -1  # of the index last brought up to date with
        self.files: set[str] = set()  # the notes and attachments resolved against
        self.ends: dict[str, _Kept] = {}
        self._uris: dict[str, str] = {}  # file -> its URI under ``_root``: a graph sends each
        self._root: object = None

    def update(self, index: VaultIndex) -> None:
        if self.version == index.version:
            return
        stale: set[str] = set()
        files = index.notes.keys() | index.attachments
        if files != self.files:
            for path in files ^ self.files:
                stale |= index.notes_naming(last_name(path))
                self._uris.pop(path, None)
            self.files = files
        resolver: BulkResolver | None = None
        for path in [path for path in self.ends if path not in index.notes]:
            del self.ends[path]
        for path, note in index.notes.items():
            kept = self.ends.get(path)
            if kept is not None and kept.note is note and path not in stale:
                continue
            ends = index.loaded_ends(path)
            if ends is None:
                resolver = resolver or BulkResolver(index)
                ends = link_ends(resolver, note)
            self.ends[path] = _kept(note, ends)
        self.version = index.version

    def uri(self, encoder: Encoder, path: str) -> str:
        if encoder.vault.root != self._root:
            self._uris, self._root = {}, encoder.vault.root
        uri = self._uris.get(path)
        if uri is None:
            uri = self._uris[path] = encoder.uri(path)
        return uri


def _kept(note: Note, ends: LinkEnds) -> _Kept:
    missing = {MISSING + key: kept for key, kept in ends.missing.items()}
    attachments = ends.others
    if note.path in attachments:  # links to itself draw no edge
        attachments = {path: count for path, count in attachments.items() if path != note.path}
    return _Kept(note, ends.notes, attachments, missing, ends.tags)


def link_table_for(index: VaultIndex) -> LinkTable:
    kept = index.derived.get(LinkTable)
    if kept is None:
        table = LinkTable()
        index.derived[LinkTable] = (0, table)
    else:
        table = kept[1]  # type: ignore[assignment]
    table.update(index)
    return table


class _Ends:
    """The edges a request draws from each note: ``LinkTable`` without links to the note itself,
    attachments and missing notes unless asked for."""

    def __init__(self, vault: Snapshot, attachments: bool, missing: bool) -> None:
        self.notes = vault.index.notes
        self.table = link_table_for(vault.index)
        self.attachments, self.missing = attachments, missing
        self.missing_names: dict[str, str] = {}  # missing id -> the name as first written

    def edges_of(self, note: Note) -> dict[str, int]:
        """The note's edges by target, sorted: read, never changed (the plain ones are the
        table's own)."""
        kept = self.table.ends[note.path]
        if not self.attachments and not (self.missing and kept.missing):
            return kept.to_notes
        ends = {**kept.to_notes, **(kept.attachments if self.attachments else {})}
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
    limit: int = LOCAL_LIMIT,
) -> Json:
    """The whole vault, or the notes within ``depth`` links of ``path`` either way: at most
    ``limit`` of them, the nearest and most linked (``_ranked``)."""
    collecting = gc.isenabled()
    gc.disable()  # some 200,000 small dicts in a heap of millions: collections cost seconds
    try:
        return _graph(vault, encoder, path, depth, attachments, missing, limit)
    finally:
        if collecting:
            gc.enable()


def _graph(
    vault: Snapshot,
    encoder: Encoder,
    path: str | None,
    depth: int,
    attachments: bool,
    missing: bool,
    limit: int,
) -> Json:
    ends = _Ends(vault, attachments, missing)
    index = vault.index
    edges: dict[str, dict[str, int]] = {}
    omitted = 0
    if path is None:
        for note in index:
            edges[note.path] = ends.edges_of(note)
        shown: set[str] = set(index.notes)
        if attachments:
            shown |= index.attachments
    else:
        distance = {path: 0}
        frontier = [path]
        for step in range(1, max(0, depth) + 1):
            reached: list[str] = []
            for here in frontier:
                for there in _neighbours(vault, ends, edges, here):
                    if there not in distance:
                        distance[there] = step
                        reached.append(there)
            frontier = reached
        shown = set(_ranked(vault, ends, edges, path, distance, max(1, limit)))
        omitted = len(distance) - len(shown)
        for here in shown:
            if here in index.notes and here not in edges:
                edges[here] = ends.edges_of(index.notes[here])
    if path is None and (attachments or missing):
        shown |= _ends_in(edges, shown)
    drawn = sorted(shown)
    linked: Counter[str] = Counter(  # missing id -> the notes linking to it
        end
        for source, targets in (edges.items() if missing else ())
        if source in shown
        for end in targets
        if end.startswith(MISSING)
    )
    return {**_drawing(vault, encoder, ends, edges, linked, drawn), "omitted": omitted}


def _ranked(
    vault: Snapshot,
    ends: _Ends,
    edges: dict[str, dict[str, int]],
    centre: str,
    distance: dict[str, int],
    limit: int,
) -> list[str]:
    """The local graph's nodes, the ones a reader looks for first: the centre, then the nearest;
    among as near, those with the most links to or from the centre, then the most linked to
    in the vault, then by path."""
    if len(distance) <= 1:
        return list(distance)  # the centre
    backlinks, table = vault.index.backlinks, ends.table.ends
    out = edges.get(centre, {})
    into = {  # note linking to the centre -> its links there (none from itself)
        source: table[source].to_notes.get(centre) or table[source].attachments.get(centre, 0)
        for source in backlinks.get(centre, ())
    }
    ranked = [
        (step, -out.get(node, 0) - into.get(node, 0), -len(backlinks.get(node, ())), node)
        for node, step in distance.items()
    ]
    return [node for *_, node in heapq.nsmallest(limit, ranked)]


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
    return [*edges[here], *vault.index.linking_notes(here)]  # in any order: ``_ranked`` sorts


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
