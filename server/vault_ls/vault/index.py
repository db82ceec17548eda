"""The vault index: every note and attachment, the lookups links resolve through, and backlinks.

All lookups are dictionaries (by lower-cased path suffix, by alias), so resolving a link costs
the same in a vault of 50 notes or 50,000. Backlinks are kept incrementally: adding, changing,
removing or renaming one file re-resolves only the notes whose links name that file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from vault_ls.vault.model import NOTE_SUFFIX, Link, Note
from vault_ls.vault.names import fold, name_key, path_suffixes, without_note_suffix
from vault_ls.vault.resolve import BulkResolver, Resolution, resolve_link
from vault_ls.vault.tags import TagTable

NAMES_LOG_LIMIT = 20_000  # name changes kept for tables that follow them (``names_changed_since``)
# One note's links, resolved elsewhere against the same files: (the last names they name, where
# they lead). Parse workers send these, so the server need not read the links again.
LinkFacts = tuple[list[str], "LinkEnds"]
# link facts as a parse worker sends them: each file reached by its place in the files it was
# given (notes, then attachments), else by its path
SentFacts = tuple[
    list[str], dict[int | str, int], dict[int | str, int], dict[str, tuple[str, int]], list[str]
]


class VaultIndex:
    def __init__(self) -> None:
        self.notes: dict[str, Note] = {}
        self.version = 0  # changes with every change: lets readers cache what they derive
        # changes when a file comes or goes or a note changes its title or aliases (not on
        # other edits): by one per path, each logged in ``_names_log`` (``names_changed_since``)
        self.names_version = 0
        self._names_log: list[str] = []
        self._names_log_start = 0  # the names_version before the log's first path
        # tables features derive from this index, by the function that builds them, with the
        # names_version they were built at (``features/derived.py``)
        self.derived: dict[object, tuple[int, object]] = {}
        self.attachments: set[str] = set()
        # lower-cased path suffix (notes without ``.md``) -> paths
        self.note_keys: dict[str, set[str]] = defaultdict(set)
        self.attachment_keys: dict[str, set[str]] = defaultdict(set)
        self.alias_keys: dict[str, set[str]] = defaultdict(set)  # lower-cased alias -> notes
        self.backlinks: dict[str, set[str]] = defaultdict(set)  # target path -> source notes
        self._outgoing: dict[str, set[str]] = {}  # source note -> resolved target paths
        # lower-cased last name a link names (``a/B.md`` -> ``b``) -> notes holding such a link
        self._linkers: dict[str, set[str]] = defaultdict(set)
        self._tags: TagTable | None = None  # until first asked for (see ``tags``)
        # folder -> the files and folders directly in it (paths from the root); root files are
        # in no folder. ``paths_under`` reads it: a folder's deletion costs its size only.
        self._children: dict[str, set[str]] = {}
        # note -> its ``LinkEnds`` as the load resolved them (or the parse workers, or the
        # cache), while its links resolve as they did then (``loaded_ends``)
        self._loaded_ends: dict[str, LinkEnds] = {}

    # --- reading ---------------------------------------------------------------------

    def resolve(self, link: Link, source: str) -> Resolution:
        return resolve_link(self, link, source)

    def notes_named(self, key: str) -> set[str]:
        return self.note_keys.get(key, set())

    def attachments_named(self, key: str) -> set[str]:
        return self.attachment_keys.get(key, set())

    def notes_with_alias(self, alias: str) -> set[str]:
        return self.alias_keys.get(alias.strip().casefold(), set())

    def linking_notes(self, path: str) -> set[str]:
        return self.backlinks.get(path, set())

    def notes_naming(self, name: str) -> set[str]:
        """The notes holding a link whose last name is ``name`` (``last_name``), resolved or not."""
        return self._linkers.get(name, set())

    def loaded_ends(self, path: str) -> LinkEnds | None:
        """The note's ``LinkEnds`` as the load resolved them, while its links resolve as they
        did then (the note and every file they name unchanged); else None."""
        return self._loaded_ends.get(path)

    def paths_under(self, folder: str) -> list[str]:
        """Every note and attachment under ``folder`` (a vault path, no trailing ``/``), sorted."""
        found = []
        folders = [folder]
        while folders:
            for child in self._children.get(folders.pop(), ()):
                if child in self._children:
                    folders.append(child)
                if child in self.notes or child in self.attachments:
                    found.append(child)
        return sorted(found)

    def names_changed_since(self, version: int) -> Sequence[str] | None:
        """The paths whose names changed (a file added or removed, a title or aliases changed)
        after ``names_version`` was ``version``, oldest first; None when the log does not reach
        that far back (a bulk load, or too many changes since): build again."""
        if version < self._names_log_start or version > self.names_version:
            return None
        return self._names_log[version - self._names_log_start :]

    def tags(self) -> TagTable:
        """The vault's tags. Built when first asked for, since that reads every note's body
        (a cached note's body is decoded only when read); kept up to date note by note after."""
        if self._tags is None:
            self._tags = TagTable()
            loaded = self._loaded_ends
            for path, note in self.notes.items():
                ends = loaded.get(path)
                names = ends.tags if ends is not None else [tag.name for tag in note.tags]
                self._tags.set_note(path, names)
        return self._tags

    def __iter__(self) -> Iterator[Note]:
        return iter(self.notes.values())

    def __len__(self) -> int:
        return len(self.notes)

    # --- changing --------------------------------------------------------------------

    def set_note(self, note: Note) -> None:
        """Add a note, or replace the one at the same path."""
        self.version += 1
        is_new = note.path not in self.notes
        if not is_new:
            old = self.notes[note.path]
            if (old.title, old.aliases) != (note.title, note.aliases):
                self._name_changed(note.path)
            self._forget_note_content(old)
        else:
            self._name_changed(note.path)
            self._add_to_folders(note.path)
        self.notes[note.path] = note
        if self._tags is not None:
            self._tags.set_note(note.path, (tag.name for tag in note.tags))
        if is_new:
            for key in path_suffixes(name_key(note.path)):
                self.note_keys[key].add(note.path)
        for alias in note.aliases:
            self.alias_keys[alias.strip().casefold()].add(note.path)
        self._link_out(note)
        if is_new:
            self._relink(last_name(note.path))

    def remove_note(self, path: str) -> None:
        self.version += 1
        note = self.notes.pop(path, None)
        if note is None:
            return
        self._name_changed(path)
        self._remove_from_folders(path)
        self._forget_note_content(note)
        if self._tags is not None:
            self._tags.remove_note(path)
        for key in path_suffixes(name_key(path)):
            _discard(self.note_keys, key, path)
        self._relink(last_name(path))

    def rename_note(self, old: str, new: str, note: Note) -> None:
        """``note`` is the parsed text at its new path ``new``."""
        self.remove_note(old)
        self.set_note(note)

    def add_attachment(self, path: str) -> None:
        self.version += 1
        if path in self.attachments:
            return
        self._name_changed(path)
        self.attachments.add(path)
        self._add_to_folders(path)
        for key in path_suffixes(fold(path)):
            self.attachment_keys[key].add(path)
        self._relink(fold(path.rsplit("/", 1)[-1]))

    def remove_attachment(self, path: str) -> None:
        self.version += 1
        if path not in self.attachments:
            return
        self._name_changed(path)
        self.attachments.discard(path)
        self._remove_from_folders(path)
        for key in path_suffixes(fold(path)):
            _discard(self.attachment_keys, key, path)
        self._relink(fold(path.rsplit("/", 1)[-1]))

    @classmethod
    def of_files(cls, notes: Iterable[str], attachments: Iterable[str]) -> VaultIndex:
        """An index of file names and nothing else: all that resolving a link reads."""
        index = cls()
        index._register_files(notes, attachments)
        return index

    def set_notes(
        self,
        notes: Iterable[Note],
        attachments: Iterable[str] = (),
        graph: LinkGraph | None = None,
        resolved: Mapping[str, LinkFacts] | None = None,
    ) -> None:
        """Bulk load: register every name first, then resolve every link once — or take the
        resolved ``graph`` saved by ``link_graph`` for exactly these files and notes, or the
        ``resolved`` links of some notes (``link_facts`` against exactly these files, named by
        the same path strings: not a copy per link). Every
        note's ``LinkEnds`` are kept (``loaded_ends``)."""
        self.version += 1
        self.names_version += 1
        self._names_log.clear()  # every name changed: tables are built again
        self._names_log_start = self.names_version
        self._tags = None  # built again when next asked for
        loaded = list(notes)
        self._register_files((note.path for note in loaded), attachments)
        for note in loaded:
            self.notes[note.path] = note
            for alias in note.aliases:
                self.alias_keys[alias.strip().casefold()].add(note.path)
        if graph is not None:
            self._outgoing, linkers, self._loaded_ends, backlinks = graph
            self._linkers = defaultdict(set, linkers)
            if backlinks is not None:
                self.backlinks = defaultdict(set, backlinks)
                return
            for source, targets in self._outgoing.items():
                for target in targets:
                    self.backlinks[target].add(source)
            return
        self._link_all(loaded, resolved or {})

    def link_graph(self) -> LinkGraph:
        """A copy of what resolving every link produced, for ``set_notes`` of exactly these
        files and notes: called right after ``set_notes``, when every note has its ends.
        Copied, not shared: later edits change the linker sets in place."""
        linkers = {name: set(notes) for name, notes in self._linkers.items()}
        return LinkGraph(dict(self._outgoing), linkers, dict(self._loaded_ends))

    # --- internals -------------------------------------------------------------------

    def _name_changed(self, path: str) -> None:
        self.names_version += 1
        self._names_log.append(path)
        if len(self._names_log) > NAMES_LOG_LIMIT:
            dropped = len(self._names_log) // 2
            del self._names_log[:dropped]
            self._names_log_start += dropped

    def _add_to_folders(self, path: str) -> None:
        while "/" in path:
            folder = path.rsplit("/", 1)[0]
            children = self._children.setdefault(folder, set())
            known = bool(children)
            children.add(path)
            if known:  # its own folders are recorded already
                return
            path = folder

    def _remove_from_folders(self, path: str) -> None:
        while "/" in path:
            folder = path.rsplit("/", 1)[0]
            children = self._children.get(folder)
            if children is None:
                return
            children.discard(path)
            if children:
                return
            del self._children[folder]  # empty now: it goes from its own folder too
            path = folder

    def _forget_note_content(self, note: Note) -> None:
        self._loaded_ends.pop(note.path, None)
        for alias in note.aliases:
            _discard(self.alias_keys, alias.strip().casefold(), note.path)
        for target in self._outgoing.pop(note.path, set()):
            _discard(self.backlinks, target, note.path)
        for link in note.links:
            _discard(self._linkers, last_name(link.target), note.path)

    def _link_out(self, note: Note) -> None:
        targets = set()
        for link in note.links:
            if link.target:
                self._linkers[last_name(link.target)].add(note.path)
            resolution = resolve_link(self, link, note.path)
            if resolution.path is not None:
                targets.add(resolution.path)
        self._outgoing[note.path] = targets
        for target in targets:
            self.backlinks[target].add(note.path)

    def _register_files(self, notes: Iterable[str], attachments: Iterable[str]) -> None:
        for path in attachments:
            self.attachments.add(path)
            self._add_to_folders(path)
            for key in path_suffixes(fold(path)):
                self.attachment_keys[key].add(path)
        for path in notes:
            self._add_to_folders(path)
            for key in path_suffixes(name_key(path)):
                self.note_keys[key].add(path)

    def _link_all(self, notes: list[Note], resolved: Mapping[str, LinkFacts]) -> None:
        """``_link_out`` for every note of a bulk load, each answer that links share worked out
        once, and taken as given for the notes in ``resolved`` (whose links are not even
        read). Resolving, linkers and backlinks each get a pass of their own, so that the
        tables one pass works on stay in the processor's cache (done note by note, adding the
        backlinks took two to three times as long)."""
        resolver = BulkResolver(self)
        unresolved = []
        for note in notes:
            facts = resolved.get(note.path)
            if facts is None:
                ends = self._loaded_ends[note.path] = link_ends(resolver, note)
                self._outgoing[note.path] = ends.notes.keys() | ends.others.keys()
                unresolved.append(note)
                continue
            names, ends = facts
            self._outgoing[note.path] = ends.notes.keys() | ends.others.keys()
            self._loaded_ends[note.path] = ends
            for name in names:
                self._linkers[name].add(note.path)
        linkers: dict[str, set[str]] = {}  # link target -> self._linkers[last_name(target)]
        for note in unresolved:
            for link in note.links:
                if link.target:
                    named = linkers.get(link.target)
                    if named is None:
                        named = linkers[link.target] = self._linkers[last_name(link.target)]
                    named.add(note.path)
        for note in notes:
            for target in self._outgoing[note.path]:
                self.backlinks[target].add(note.path)

    def _relink(self, last_name: str) -> None:
        """Re-resolve the notes whose links name ``last_name``: a file of that name came or went."""
        for source in list(self._linkers.get(last_name, ())):
            note = self.notes.get(source)
            if note is None:
                continue
            for target in self._outgoing.pop(source, set()):
                _discard(self.backlinks, target, source)
            self._loaded_ends.pop(source, None)
            self._link_out(note)


class LinkGraph(NamedTuple):
    """What resolving every link of a vault produced: what the cache saves and a warm start
    takes back (``set_notes``)."""

    outgoing: dict[str, set[str]]  # source note -> resolved targets
    linkers: dict[str, set[str]]  # last link name -> notes linking by that name
    ends: dict[str, LinkEnds]  # note -> where its links lead, and its tags
    # target -> the notes linking to it: ``outgoing`` turned round, as the cache stores it
    # (turning 180,000 links round took a warm start at 10,000 notes ~0.1 s); None: not given
    backlinks: dict[str, set[str]] | None = None


def link_facts(resolver: BulkResolver, note: Note) -> LinkFacts:
    """What ``set_notes`` needs of ``note``'s links, resolved by ``resolver`` (built on an index
    of the same files, e.g. ``VaultIndex.of_files``)."""
    names = {last_name(link.target) for link in note.links if link.target}
    return sorted(names), link_ends(resolver, note)


# --- what the graph draws of each note (``features/graph.py``), kept from the load ---------


class LinkEnds(NamedTuple):
    """Where one note's links lead, with the number of links to each end, and its tags: all
    that ``vault/graph`` reads of a note, so a loaded vault's first graph decodes no body."""

    notes: dict[str, int]  # sorted: other note reached -> links to it
    others: dict[str, int]  # sorted: attachment reached, or the note itself -> links to it
    missing: dict[str, tuple[str, int]]  # name_key of a target reaching no file -> (the name
    # as first written, links)
    tags: list[str]  # as written, in order


def link_ends(resolver: BulkResolver, note: Note) -> LinkEnds:
    reach, source = resolver.reach, note.path  # every link of every note at a load: kept tight
    found: dict[str, int] = {}
    missing: dict[str, tuple[str, int]] = {}
    for link in note.links:
        path = reach(link, source)
        if path is not None:
            found[path] = found.get(path, 0) + 1
        elif link.target:
            key = name_key(link.target)
            first, count = missing.get(key, (link.target, 0))
            missing[key] = (first, count + 1)
    notes = dict(sorted(found.items()))
    # attachments and the note itself, among those a cheap test leaves (``.MD`` notes too)
    odd = [path for path in notes if path == source or not path.endswith(NOTE_SUFFIX)]
    others = {
        path: notes.pop(path)
        for path in odd
        if path == source or not path.lower().endswith(NOTE_SUFFIX)
    }
    return LinkEnds(notes, others, missing, [tag.name for tag in note.tags])


def last_name(target: str) -> str:
    """The file name a link target ends with, lower-cased, ``.md`` dropped."""
    key = fold(target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
    return without_note_suffix(key)


def _discard(mapping: dict[str, set[str]], key: str, value: str) -> None:
    values = mapping.get(key)
    if values is not None:
        values.discard(value)
        if not values:
            del mapping[key]
