"""``vault/tags``: Obsidian's tag pane, nested tags (``#area/sub``) as a tree, case folded."""

from __future__ import annotations

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json
from vault_ls.vault.names import tag_key
from vault_ls.vault.snapshot import Snapshot


def tag_tree(vault: Snapshot, encoder: Encoder) -> list[Json]:
    """One node per tag and per level above a nested tag: ``tag`` the whole name as most notes
    spell it, ``count`` the notes carrying it or a tag below it (as Obsidian counts), ``notes``
    the URIs of the notes carrying exactly it; children and roots in case-folded order."""
    table = vault.index.tags()
    nodes: dict[str, Json] = {}
    below: dict[str, set[str]] = {}  # tag key -> notes carrying it or a tag below it
    roots: list[Json] = []
    for key in sorted(table, key=str.casefold):
        shown = table.spelling(key)
        parts, keys = shown.split("/"), key.split("/")
        for depth in range(1, len(parts) + 1):
            level = "/".join(keys[:depth])
            if level not in nodes:
                node: Json = {
                    "tag": "/".join(parts[:depth]),
                    "name": parts[depth - 1],
                    "count": 0,
                    "notes": [],
                    "children": [],
                }
                nodes[level] = node
                below[level] = set()
                parent = "/".join(keys[: depth - 1])
                (nodes[parent]["children"] if depth > 1 else roots).append(node)
            below[level] |= table.notes_with(key)
    for level, node in nodes.items():
        carrying = table.notes_with(level)  # none for a level no note writes by itself
        if carrying:
            node["tag"] = table.spelling(level)
            node["notes"] = [encoder.uri(path) for path in sorted(carrying)]
        node["count"] = len(below[level])
    _sort(roots)
    return roots


def _sort(nodes: list[Json]) -> None:
    nodes.sort(key=lambda node: (tag_key(node["tag"]).casefold(), node["tag"]))
    for node in nodes:
        _sort(node["children"])
