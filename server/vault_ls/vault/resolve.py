"""Link resolution with Obsidian's rules.

Wikilinks name a note case-insensitively, with or without ``.md``, by file name, by a path from
the vault root, or by any path suffix; attachments are named with their extension. Markdown
links are paths, tried relative to the linking note first (``./``, ``../``, percent-decoded by
the parser), then from the root, then by name as a wikilink would be. When several files carry
the name, the one closest to the linking note wins and the link is marked ambiguous. A heading
anchor compares as Obsidian does (``names.heading_key``); a markdown link's may also be the
heading's GitHub slug (``slugs``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Set
from typing import NamedTuple, Protocol

from vault_ls.vault.model import Block, Heading, Link, Note, Outline
from vault_ls.vault.names import fold, heading_key, name_key, without_note_suffix


class FileNames(Protocol):
    """What resolution reads of an index: files by lower-cased path suffix (``VaultIndex``)."""

    @property
    def note_keys(self) -> Mapping[str, Set[str]]: ...

    @property
    def attachment_keys(self) -> Mapping[str, Set[str]]: ...


class Resolution(NamedTuple):
    path: str | None  # the note or attachment the link reaches
    candidates: tuple[str, ...] = ()  # every file carrying the name, when more than one
    outside: bool = False  # the path climbs out of the vault: never followed

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


UNRESOLVED = Resolution(None)
OUTSIDE = Resolution(None, outside=True)


def resolve_link(
    index: FileNames, link: Link, source: str, answers: BulkResolver | None = None
) -> Resolution:
    """The file ``link`` in the note at ``source`` reaches, by Obsidian's rules: the one place
    they are written. ``answers`` keeps what other links of a bulk load can reuse."""
    if not link.target:
        return Resolution(source)
    target = link.target.replace("\\", "/")
    folder = posixpath.dirname(source)
    if link.kind == "markdown" or target.startswith(("./", "../")):
        path = _vault_path(target, folder)
        if path is None:
            return OUTSIDE
        found = answers.exact_file(path) if answers else _exact_file(index, path)
        if found is not None:
            return Resolution(found)
        if target.startswith(("./", "../")):
            return UNRESOLVED
    if answers is not None:
        return answers.by_name(link.target, target, folder)
    return _by_name(index, target, folder)


class BulkResolver:
    """The answers ``resolve_link`` works out for the links of a bulk load, each one that links
    share worked out once (the index does not change meanwhile).

    Most links of a vault name one of a few thousand files, by name. The file a name reaches
    depends on the linking note's folder only when several files carry the name (the nearest
    wins), so it is kept by target, or by target and folder for an ambiguous name. A markdown
    path is tried relative to the linking note's folder first: that try is made for each link,
    and the file at the path it gives is kept.
    """

    def __init__(self, index: FileNames) -> None:
        self._index = index
        # target as written -> what the name reaches from every folder. Never a ``./`` or
        # ``../`` target: those are paths, not looked up by name.
        self._names: dict[str, Resolution] = {}
        self._nearest: dict[tuple[str, str], Resolution] = {}  # (ambiguous target, folder)
        self._files: dict[str, str | None] = {}  # vault path -> the file there, or None

    def reach(self, link: Link, source: str) -> str | None:
        """``resolve_link(index, link, source).path``, with the answers kept."""
        if link.kind == "wiki" and link.target in self._names:  # most links: a name seen before
            return self._names[link.target].path
        return resolve_link(self._index, link, source, self).path

    def exact_file(self, path: str) -> str | None:
        if path not in self._files:
            self._files[path] = _exact_file(self._index, path)
        return self._files[path]

    def by_name(self, written: str, target: str, folder: str) -> Resolution:
        if written in self._names:
            return self._names[written]
        key = (written, folder)
        if key not in self._nearest:
            named = _by_name(self._index, target, folder)
            if not named.candidates:  # not ambiguous: the same answer from every folder
                self._names[written] = named
                return named
            self._nearest[key] = named
        return self._nearest[key]


def _vault_path(target: str, folder: str) -> str | None:
    """The vault path a link's path names from ``folder`` (from the vault root when it starts
    with ``/``); None when it climbs out of the vault."""
    if target.startswith("/"):
        relative = target.lstrip("/")
    elif folder and not folder.endswith("/"):  # posixpath.join, quicker
        relative = f"{folder}/{target}"
    else:
        relative = folder + target
    path = posixpath.normpath(relative)
    return None if path == ".." or path.startswith("../") else path


def _exact_file(index: FileNames, path: str) -> str | None:
    """The file at vault path ``path`` (any case; ``.md`` optional for notes)."""
    key = fold(path)
    found = [c for c in index.attachment_keys.get(key, ()) if fold(c) == key]
    note_key = name_key(key)
    found = found or [c for c in index.note_keys.get(note_key, ()) if name_key(c) == note_key]
    return _as_written(found, path) if found else None


def _as_written(same: list[str], target: str) -> str:
    """Of files whose paths differ only in case (``Case.md`` and ``case.md``, a case-sensitive
    disk), the one written exactly as ``target``, as Obsidian takes it; else the first in code
    point order (never the order of a set)."""
    written = without_note_suffix(target.strip().replace("\\", "/").lstrip("/"))
    while written.startswith("./"):
        written = written[2:]
    exact = [c for c in same if c == written or without_note_suffix(c) == written]
    return exact[0] if len(exact) == 1 else min(same)


def _by_name(index: FileNames, target: str, folder: str) -> Resolution:
    """The file named ``target``: the nearest to ``folder`` when several carry the name."""
    key = name_key(target)
    if key == ".." or key.startswith("../") or "/../" in key:
        return OUTSIDE
    candidates = index.note_keys.get(key) or index.attachment_keys.get(fold(target.strip()))
    if not candidates:
        return UNRESOLVED
    if len(candidates) == 1:
        return Resolution(next(iter(candidates)))
    exact = [c for c in candidates if name_key(c) == key or fold(c) == key]
    if exact:  # the path itself (in any case) beats a longer path that ends with it
        return Resolution(_as_written(exact, target))
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
    position = heading_position(note.outline(), path)
    return None if position is None else note.headings[position]


def link_heading(note: Note, link: Link) -> Heading | None:
    """The heading of ``note`` that ``link`` names (``link_heading_position``)."""
    position = link_heading_position(note, link)
    return None if position is None else note.headings[position]


def link_heading_position(note: Note, link: Link) -> int | None:
    """Where the heading ``link`` names stands in ``note.headings`` (the last of
    ``link_heading_path``)."""
    path = link_heading_path(note, link)
    return None if path is None else path[-1]


def link_heading_path(note: Note, link: Link) -> tuple[int, ...] | None:
    """The heading each part of ``link``'s ``#H1#H2`` names, by position in ``note.headings``.
    Any link names them Obsidian's way (``heading_path``); a markdown link may also give its
    GitHub slug, as READMEs and Foam workspaces do: ``[x](#key-features)`` for ``## Key
    Features``. A slug is the whole fragment, so ``#h1#h2`` stays Obsidian's nested path. Both
    answer from the note's head when it is cached, without decoding the note."""
    path = heading_path(note.outline(), link.headings)
    if path is None and link.kind == "markdown" and len(link.headings) == 1:
        position = slug_position(note.slugs(), link.headings[0])
        path = None if position is None else (position,)
    return path


def heading_position(outline: Outline, path: tuple[str, ...]) -> int | None:
    """Where ``find_heading``'s heading stands in the note's headings, from its outline."""
    found = heading_path(outline, path)
    return None if found is None else found[-1]


def heading_path(outline: Outline, path: tuple[str, ...]) -> tuple[int, ...] | None:
    """The headings ``path`` names, one per part: the first heading whose key is the last
    part and whose enclosing headings include the others in order."""
    if not path:
        return None
    keys, parents, _ = outline
    wanted = [heading_key(part) for part in path]
    for position, key in enumerate(keys):
        if key != wanted[-1]:
            continue
        remaining = wanted[:-1]
        matched = [position]
        parent = parents[position]
        while remaining and parent is not None:
            if keys[parent] == remaining[-1]:
                remaining.pop()
                matched.append(parent)
            parent = parents[parent]
        if not remaining:
            return tuple(reversed(matched))
    return None


def slug_position(slugs: tuple[str, ...], fragment: str) -> int | None:
    """Where the heading whose GitHub slug is ``fragment`` stands; case is ignored, as VS Code's
    Markdown server ignores it (``#Key-Features`` works there)."""
    wanted = fragment.lower()
    return next((position for position, slug in enumerate(slugs) if slug == wanted), None)


def has_block(outline: Outline, block_id: str) -> bool:
    return block_id.lower() in outline[2]


def find_block(note: Note, block_id: str) -> Block | None:
    wanted = block_id.lower()
    return next((block for block in note.blocks if block.id.lower() == wanted), None)
