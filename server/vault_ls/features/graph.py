"""``vault/graph``: the vault's notes and the links between them, whole or around one note.

Node ids are vault paths; a missing note (a link to no file) is ``missing:`` and the lower-cased
name it is linked by. Links from a note to itself draw no edge.
"""

from __future__ import annotations

import gc
import heapq
from collections import Counter
from itertools import compress, repeat
from operator import add, ge, mul, neg
from typing import NamedTuple

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json
from vault_ls.vault.index import LinkEnds, VaultIndex, last_name, link_ends
from vault_ls.vault.model import Note
from vault_ls.vault.resolve import BulkResolver
from vault_ls.vault.snapshot import Snapshot

MISSING = "missing:"
LOCAL_LIMIT = 300  # nodes of a local graph by default: a hub's would be thousands
FREEZE_FROM = 1000  # notes whose ends a table update made: then frozen (``gc.freeze``)
SCORE_BASE = 1 << 40  # above any number of backlinks: a local graph's score is links * it + them


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
        # target -> the notes linking to it more than once, with their links there: a local
        # graph ranks a hub's thousands of linking notes by it (the rest link once), without
        # reading each one's ends (~10 ms for a hub's 5,000)
        self.linked_often: dict[str, dict[str, int]] = {}
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
        rebuilt = 0
        for path in [path for path in self.ends if path not in index.notes]:
            self._count_often(path, self.ends.pop(path), -1)
        for path, note in index.notes.items():
            kept = self.ends.get(path)
            if kept is not None and kept.note is note and path not in stale:
                continue
            if kept is not None:
                self._count_often(path, kept, -1)
            ends = index.loaded_ends(path)
            if ends is None:
                resolver = resolver or BulkResolver(index)
                ends = link_ends(resolver, note)
            self.ends[path] = kept = _kept(note, ends)
            self._count_often(path, kept, 1)
            rebuilt += 1
        self.version = index.version
        if rebuilt >= FREEZE_FROM:
            # long-lived now, as the index is: out of the collector's sight, a full collection
            # no longer walks them (~30-300 ms, landing in whichever request came next)
            gc.freeze()

    def _count_often(self, source: str, kept: _Kept, sign: int) -> None:
        """Add (``sign`` 1) or remove (-1) ``kept``'s ends linked more than once to
        ``linked_often``."""
        for targets in (kept.to_notes, kept.attachments):
            if sum(targets.values()) == len(targets):  # each linked once: most notes
                continue
            for target, count in targets.items():
                if count == 1:
                    continue
                if sign > 0:
                    self.linked_often.setdefault(target, {})[source] = count
                    continue
                sources = self.linked_often.get(target, {})
                sources.pop(source, None)
                if not sources:
                    self.linked_often.pop(target, None)

    def uris(self, encoder: Encoder) -> dict[str, str]:
        """File -> its URI, as ``encoder`` makes it: filled by the caller, kept while the root
        is the same."""
        if encoder.vault.root != self._root:
            self._uris, self._root = {}, encoder.vault.root
        return self._uris


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
        seen = {path}
        layers = [[path]]  # the nodes by distance from ``path``
        for _ in range(max(0, depth)):
            reached: set[str] = set()
            for here in layers[-1]:
                _add_neighbours(vault, ends, edges, here, reached)
            reached -= seen
            if not reached:
                break
            seen |= reached
            layers.append(list(reached))  # in any order: ``_ranked`` sorts
        shown = set(_ranked(vault, ends, edges, layers, max(1, limit)))
        omitted = len(seen) - len(shown)
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
    layers: list[list[str]],
    limit: int,
) -> list[str]:
    """The local graph's nodes, the ones a reader looks for first: the centre, then the nearest
    (``layers`` by distance); among as near, those with the most links to or from the centre,
    then the most linked to in the vault, then by path. A hub's 5,000 neighbours are scored by
    ``map`` (an expression per node took ~6 ms of the ~20)."""
    centre = layers[0][0]
    kept: list[str] = []
    for layer in layers:
        room = limit - len(kept)
        if len(layer) <= room:
            kept += layer
            continue
        if room <= 0:
            break
        backlinks = vault.index.backlinks
        # one int per node, the links with the centre above its backlinks: the nodes scoring
        # at least the room-th best are sorted, the rest not even paired with their names
        score = list(map(len, map(backlinks.get, layer, repeat(()))))
        if layer is layers[1]:
            links = _links_with(vault, ends, edges, centre)
            with_centre = map(mul, map(links.get, layer, repeat(0)), repeat(SCORE_BASE))
            score = list(map(add, with_centre, score))
        least = heapq.nlargest(room, score)[-1]
        best = compress(zip(map(neg, score), layer, strict=True), map(ge, score, repeat(least)))
        kept += [node for _, node in sorted(best)[:room]]
    return kept


def _links_with(
    vault: Snapshot, ends: _Ends, edges: dict[str, dict[str, int]], centre: str
) -> dict[str, int]:
    """Node -> its links to or from ``centre`` (none from the centre itself): a note linking to
    it links once unless ``linked_often`` says otherwise."""
    links = dict.fromkeys(vault.index.backlinks.get(centre, ()), 1)
    links.update(ends.table.linked_often.get(centre, {}))
    for target, count in edges.get(centre, {}).items():
        links[target] = links.get(target, 0) + count
    links.pop(centre, None)
    return links


def _drawing(
    vault: Snapshot,
    encoder: Encoder,
    ends: _Ends,
    edges: dict[str, dict[str, int]],
    linked: Counter[str],
    drawn: list[str],
) -> Json:
    nodes = _nodes(vault, encoder, ends, linked, drawn)
    kept = set(drawn)
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


def _add_neighbours(
    vault: Snapshot, ends: _Ends, edges: dict[str, dict[str, int]], here: str, to: set[str]
) -> None:
    note = vault.index.notes.get(here)
    if note is None:
        return  # an attachment or a missing note: only what links to it, already seen
    if here not in edges:
        edges[here] = ends.edges_of(note)
    to.update(edges[here])
    to.update(vault.index.linking_notes(here))


def _nodes(
    vault: Snapshot, encoder: Encoder, ends: _Ends, linked: Counter[str], drawn: list[str]
) -> list[Json]:
    index = vault.index
    notes, backlinks, table = index.notes, index.backlinks, ends.table
    spelling, uris = index.tags().spelling, table.uris(encoder)
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
        uri = uris.get(node)
        if uri is None:
            uri = uris[node] = encoder.uri(node)
        written = table.ends[node].tags if note is not None else ()
        nodes.append(
            {
                "id": node,
                "name": note.name if note is not None else node.rsplit("/", 1)[-1],
                "kind": "note" if note is not None else "attachment",
                "uri": uri,
                "backlinks": len(linking) - (node in linking),
                "tags": list(dict.fromkeys(map(spelling, written))) if written else [],
            }
        )
    return nodes
