"""``vault/graph``: the vault's notes and the links between them, whole or around one note.

Node ids are vault paths; a missing note (a link to no file) is ``missing:`` and the lower-cased
name it is linked by. Links from a note to itself draw no edge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json
from vault_ls.vault.model import Link, Note
from vault_ls.vault.names import name_key
from vault_ls.vault.snapshot import Snapshot

MISSING = "missing:"


class _Ends:
    """Where each link leads, each (kind, target, folder) resolved once per request."""

    def __init__(self, vault: Snapshot, attachments: bool, missing: bool) -> None:
        self.vault, self.attachments, self.missing = vault, attachments, missing
        self._known: dict[tuple[str, str, str], str | None] = {}
        self.missing_names: dict[str, str] = {}  # missing id -> the name as first written

    def of(self, note: Note, link: Link) -> str | None:
        key = (link.kind, link.target, note.folder)
        if key not in self._known:
            self._known[key] = self.vault.index.resolve(link, note.path).path
        path = self._known[key]
        if path is None:
            if not self.missing or not link.target:
                return None
            node = MISSING + name_key(link.target)
            self.missing_names.setdefault(node, link.target)
            return node
        if path == note.path or (not self.attachments and path not in self.vault.index.notes):
            return None
        return path

    def edges_of(self, note: Note) -> Counter[str]:
        ends: Counter[str] = Counter()
        for link in note.links:
            end = self.of(note, link)
            if end is not None:
                ends[end] += 1
        return ends


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
    edges: dict[str, Counter[str]] = {}
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
    drawn = sorted(shown | _ends_in(edges, shown, path))
    linked: Counter[str] = Counter(  # missing id -> the notes linking to it
        end for targets in edges.values() for end in targets if end.startswith(MISSING)
    )
    nodes = [_node(vault, encoder, ends, linked, node) for node in drawn]
    kept = {node["id"] for node in nodes}
    return {
        "nodes": nodes,
        "edges": [
            {"source": source, "target": target, "count": count}
            for source in sorted(edges)
            if source in kept
            for target, count in sorted(edges[source].items())
            if target in kept
        ],
    }


def _ends_in(edges: dict[str, Counter[str]], shown: set[str], path: str | None) -> set[str]:
    """Missing notes and attachments the whole graph draws (they are nobody's neighbours)."""
    if path is not None:
        return set()
    return {end for targets in edges.values() for end in targets if end not in shown}


def _neighbours(
    vault: Snapshot, ends: _Ends, edges: dict[str, Counter[str]], here: str
) -> Iterable[str]:
    note = vault.index.notes.get(here)
    if note is None:
        return ()  # an attachment or a missing note: only what links to it, already seen
    if here not in edges:
        edges[here] = ends.edges_of(note)
    return [*sorted(edges[here]), *sorted(vault.index.linking_notes(here) - {here})]


def _node(vault: Snapshot, encoder: Encoder, ends: _Ends, linked: Counter[str], node: str) -> Json:
    if node.startswith(MISSING):
        name = ends.missing_names.get(node, node[len(MISSING) :])
        return {"id": node, "name": name, "kind": "missing", "backlinks": linked[node], "tags": []}
    index = vault.index
    note = index.notes.get(node)
    tags = index.tags()
    linking = index.linking_notes(node) - {node}
    return {
        "id": node,
        "name": note.name if note is not None else node.rsplit("/", 1)[-1],
        "kind": "note" if note is not None else "attachment",
        "uri": encoder.uri(node),
        "backlinks": len(linking),
        "tags": list(dict.fromkeys(tags.spelling(t.name) for t in note.tags)) if note else [],
    }
