"""Link resolution with Obsidian's rules.

Wikilinks name a note case-insensitively, with or without ``.md``, by file name, by a path from
the vault root, or by any path suffix; attachments are named with their extension. Markdown
links are paths, tried relative to the linking note first (``./``, ``../``, percent-decoded by
the parser), then from the root, then by name as a wikilink would be. When several files carry
the name, the one closest to the linking note wins and the link is marked ambiguous.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, NamedTuple

from vault_ls.vault.model import NOTE_SUFFIX, Block, Heading, Link, Note
from vault_ls.vault.names import heading_key, name_key

if TYPE_CHECKING:
    from vault_ls.vault.index import VaultIndex


class Resolution(NamedTuple):
    path: str | None  # the note or attachment the link reaches
    candidates: tuple[str, ...] = ()  # every file carrying the name, when more than one
    outside: bool = False  # the path climbs out of the vault: never followed

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def is_note(self) -> bool:
        return self.path is not None and self.path.lower().endswith(NOTE_SUFFIX)


UNRESOLVED = Resolution(None)
OUTSIDE = Resolution(None, outside=True)


def resolve_link(index: VaultIndex, link: Link, source: str) -> Resolution:
    if not link.target:
        return Resolution(source)
    target = link.target.replace("\\", "/")
    if link.kind == "wiki" and not target.startswith(("./", "../")):
        return _by_name(index, target, source)
    folder = posixpath.dirname(source)
    if link.kind == "markdown" or target.startswith(("./", "../")):
        relative = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        path = posixpath.normpath(relative)
        if path == ".." or path.startswith("../"):
            return OUTSIDE
        found = _exact_file(index, path)
        if found is not None:
            return Resolution(found)
        if target.startswith(("./", "../")):
            return UNRESOLVED
    return _by_name(index, target, source)


def _exact_file(index: VaultIndex, path: str) -> str | None:
    """The file at vault path ``path`` (any case; ``.md`` optional for notes)."""
    key = path.lower()
    for candidate in index.attachments_named(key):
        if candidate.lower() == key:
            return candidate
    note_key = name_key(key)
    for candidate in index.notes_named(note_key):
        if name_key(candidate) == note_key:
            return candidate
    return None


def _by_name(index: VaultIndex, target: str, source: str) -> Resolution:
    key = name_key(target)
    if key == ".." or key.startswith("../") or "/../" in key:
        return OUTSIDE
    candidates = index.notes_named(key) or index.attachments_named(target.strip().lower())
    if not candidates:
        return UNRESOLVED
    if len(candidates) == 1:
        return Resolution(next(iter(candidates)))
    exact = [c for c in candidates if name_key(c) == key or c.lower() == key]
    if len(exact) == 1:
        return Resolution(exact[0])
    folder = posixpath.dirname(source)
    ordered = sorted(candidates, key=lambda path: _distance(folder, path))
    return Resolution(ordered[0], tuple(ordered))


def _distance(folder: str, path: str) -> tuple[int, int, str]:
    """Closest first: most shared leading folders, then fewest folders, then path order."""
    here = folder.split("/") if folder else []
    there = path.split("/")[:-1]
    shared = 0
    for mine, theirs in zip(here, there, strict=False):
        if mine != theirs:
            break
        shared += 1
    return (-shared, len(there), path)


def find_heading(note: Note, path: tuple[str, ...]) -> Heading | None:
    """The heading ``path[-1]`` whose enclosing headings include ``path[:-1]`` in order."""
    if not path:
        return None
    wanted = [heading_key(part) for part in path]
    for heading in note.headings:
        if heading_key(heading.text) != wanted[-1]:
            continue
        remaining = wanted[:-1]
        parent = heading.parent
        while remaining and parent is not None:
            if heading_key(note.headings[parent].text) == remaining[-1]:
                remaining.pop()
            parent = note.headings[parent].parent
        if not remaining:
            return heading
    return None


def find_block(note: Note, block_id: str) -> Block | None:
    wanted = block_id.lower()
    return next((block for block in note.blocks if block.id.lower() == wanted), None)
