"""A vault on disk: its root, its index, and the texts of notes open in an editor.

Front ends (the CLI, the language server) drive it with file events; it keeps the index right
by re-parsing only the file an event names.
"""

from __future__ import annotations

import gc
import logging
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vault_ls.vault import fs
from vault_ls.vault.cache import Entries, FileSet, NoteCache, file_set
from vault_ls.vault.disk_note import parse_from_disk
from vault_ls.vault.index import LinkFacts, LinkGraph, VaultIndex
from vault_ls.vault.loader import Stop, parse_many
from vault_ls.vault.model import NOTE_SUFFIX, Note
from vault_ls.vault.names import name_key
from vault_ls.vault.parse import parse_note, text_digest

log = logging.getLogger("vault_ls")
SPECIAL_NAMED = 10  # skipped special files named in the warning
Progress = Callable[[int, int], None]  # (notes done, notes in all)


@dataclass(frozen=True)
class Loaded:
    """A vault's index as built from the disk, not yet in place."""

    index: VaultIndex
    truncated: bool  # the scan stopped at ``max_files``
    pending_save: tuple[Entries, FileSet, LinkGraph] | None  # what the cache should get


def parse_text(relative: str, text: str) -> Note:
    """An editor's text, held to the same size cap as a note read from disk."""
    if len(text) <= fs.MAX_NOTE_BYTES:
        return parse_note(relative, text)
    note = parse_note(relative, text[: fs.MAX_NOTE_BYTES])
    megabytes = fs.MAX_NOTE_BYTES // (1024 * 1024)
    note.decode_error = f"The note is larger than {megabytes} MB; only the start is indexed"
    return note


VAULT_MARKER = ".obsidian"  # the folder Obsidian keeps in every vault's root


def vault_root_above(file: Path | str) -> Path | None:
    """The nearest folder above ``file`` that holds ``.obsidian/``, if any."""
    for folder in Path(os.path.realpath(file)).parents:
        if (folder / VAULT_MARKER).is_dir():
            return folder
    return None


class Vault:
    alone = False  # a note served alone (``LoneNote``): links to other notes cannot be checked

    def __init__(
        self,
        root: Path,
        exclude: list[str] | None = None,
        use_cache: bool = True,
        cache_folder: Path | None = None,
        parse_workers: int | None = None,
    ):
        self.root = Path(root).resolve()
        self.exclude = list(exclude or [])
        self.parse_workers = parse_workers  # None: one per core (``loader.worker_count``)
        self.use_cache = use_cache
        self.cache_folder = cache_folder
        # what the last load would write to the cache: note entries, the files they were
        # resolved against, and the link graph as loaded (edits in the editor come later)
        self._pending_save: tuple[Entries, FileSet, LinkGraph] | None
        self._pending_save = None
        self.index = VaultIndex()
        self.open_texts: dict[str, str] = {}  # vault path -> the editor's text
        self.loaded = False  # until the first load: answers would see a partial vault
        self.truncated = False
        self.told_twins: set[tuple[str, str]] = set()  # names warned of (NFC/NFD twins)
        self.stop_loading = Stop()  # from any thread: ``load`` raises ``loader.Stopped`` soon

    # --- paths ---------------------------------------------------------------------------

    def relative(self, file: Path | str) -> str | None:
        """The vault path of ``file``, or None when it lies outside the vault or is excluded."""
        real = os.path.realpath(file)
        if not fs.is_inside(str(self.root), real):
            return None
        relative = os.path.relpath(real, self.root).replace(os.sep, "/")
        if relative == "." or any(part.startswith(".") for part in relative.split("/")):
            return None
        return None if fs.is_excluded(relative, self.exclude) else relative

    def absolute(self, relative: str) -> Path:
        return self.root / relative

    # --- loading -------------------------------------------------------------------------

    def load(self, progress: Progress | None = None, max_files: int = fs.DEFAULT_MAX_FILES) -> None:
        """Index every file under the root (the command line: nothing else runs meanwhile)."""
        self.install(self.build(progress, max_files))

    def build(
        self, progress: Progress | None = None, max_files: int = fs.DEFAULT_MAX_FILES
    ) -> Loaded:
        """A new index of every file under the root, changing nothing of this vault's: safe in
        another thread while the current index answers. Cached notes whose size and mtime still
        match are taken from the cache, the others parsed (in worker processes when there are
        many). ``install`` puts it in place."""
        found = fs.scan(self.root, self.exclude, max_files)
        if found.special:
            named = ", ".join(found.special[:SPECIAL_NAMED])
            more = len(found.special) - SPECIAL_NAMED
            log.warning(
                "%s: skipped what is not a regular file (a FIFO, socket or device): %s%s",
                self.root,
                named,
                f" and {more} more" if more > 0 else "",
            )
        self._tell_normalization_twins(found.notes + found.attachments)
        total = len(found.notes)
        cache = NoteCache(self.root, self.cache_folder) if self.use_cache else None
        cached = cache.load() if cache else {}
        entries: Entries = {}
        notes: list[Note] = []
        stale: list[str] = []
        stamps = found.stamps  # taken by the scan
        pending_save: tuple[Entries, FileSet, LinkGraph] | None = None
        collecting = gc.isenabled()
        gc.disable()  # bulk allocation of long-lived objects: collections would find nothing
        try:
            for relative in found.notes:
                stamp = stamps[relative]
                hit = cached.get(relative)
                note = (
                    NoteCache.note(self.root, relative, hit[1]) if hit and hit[0] == stamp else None
                )
                if note is None or hit is None:
                    stale.append(relative)
                else:
                    notes.append(note)
                    entries[relative] = hit
            done = len(notes)

            def advance(count: int) -> None:
                nonlocal done
                done += count
                if progress is not None:
                    progress(done, total)

            resolved: dict[str, LinkFacts] | None = {}
            files = (found.notes, found.attachments)
            parsed = parse_many(
                self.root, stale, advance, files, self.stop_loading, self.parse_workers
            )
            for relative, note, blob, facts in parsed:
                if note.decode_error and not os.path.lexists(self.absolute(relative)):
                    # deleted since the scan: not a note that "could not be read"; and the
                    # workers resolved links against a file that is no longer there
                    resolved = None
                    continue
                notes.append(note)
                entries[relative] = (stamps[relative], blob)
                if facts is not None and resolved is not None:
                    resolved[relative] = facts
            self.stop_loading.check()
            graph_files = file_set(found.notes, found.attachments)
            unchanged = not stale and len(entries) == len(cached)
            graph = cache.load_graph(graph_files) if cache and unchanged else None
            index = VaultIndex()
            index.set_notes(notes, found.attachments, graph, resolved)
            if cache and graph is None:
                # copied now, before anyone can edit: typing in the first second after a
                # start used to cost the next start its graph
                pending_save = (entries, graph_files, index.link_graph())
        finally:
            if collecting:
                gc.enable()
        # The index is millions of long-lived objects: moved out of the collector's sight, they
        # no longer make every later collection (during completion, say) take a second.
        gc.freeze()
        if progress is not None and not stale:
            progress(total, total)
        return Loaded(index, found.truncated, pending_save)

    def _tell_normalization_twins(self, paths: list[str]) -> None:
        """Names that differ only in Unicode normalization (``Café.md`` typed, and decomposed as
        macOS writes it) are one name to a link: warned once per vault and pair."""
        seen: dict[str, str] = {}
        for path in paths:
            if path.isascii():
                continue
            composed = unicodedata.normalize("NFC", path)
            other = seen.setdefault(composed, path)
            if other != path and (other, path) not in self.told_twins:
                self.told_twins.add((other, path))
                log.warning(
                    "%s: %r and %r differ only in Unicode normalization (NFC/NFD): a link "
                    "reaches the one written exactly as it, else the first in code point order",
                    self.root,
                    other,
                    path,
                )

    def install(self, loaded: Loaded) -> None:
        """Put a built index in place, whole: readers never see a half-built one. Events that
        arrived while it was built are not in it: the caller replays them."""
        self.index = loaded.index
        self.truncated = loaded.truncated
        self._pending_save = loaded.pending_save
        self.loaded = True

    def save_cache(self) -> None:
        for _ in self.save_cache_steps():
            pass

    def save_cache_steps(self) -> Iterator[None]:
        """Write what the last load parsed, for the next start (nothing when unchanged), with
        the link graph of the disk's notes as loaded: edits since are the editor's. In steps
        (``NoteCache.save_steps``)."""
        if self.use_cache and self._pending_save is not None:
            entries, files, graph = self._pending_save
            self._pending_save = None
            yield from NoteCache(self.root, self.cache_folder).save_steps(entries, (files, graph))

    def forget_all(self) -> None:
        """The root is gone: an empty index, but for the notes open in the editor."""
        self.index = VaultIndex()
        self._pending_save = None
        self.reapply_open_texts()

    def reapply_open_texts(self) -> None:
        """After a (re)load from disk, notes open in the editor use the editor's text again."""
        for relative, text in list(self.open_texts.items()):
            # unchanged texts change nothing: the load's link graph can still be cached
            self.set_text(relative, text)

    # --- events --------------------------------------------------------------------------

    def text(self, relative: str) -> str:
        """The note's current text: the editor's when open, else the disk's."""
        if relative in self.open_texts:
            return self.open_texts[relative]
        return fs.read_inside(self.root, relative)[0]

    def keep_if_indexed(self, relative: str, text: str) -> Note | None:
        """The indexed note when the editor's ``text`` is what it was parsed from (a note
        opened as it is on disk, an edit undone), the text recorded as open; else None."""
        known = self.index.notes.get(relative)
        if known is None or known.digest != text_digest(text):
            return None
        self.open_texts[relative] = text
        return known

    def set_text(self, relative: str, text: str) -> Note:
        """An open note changed in the editor (or was opened: usually as indexed, no parse)."""
        known = self.keep_if_indexed(relative, text)
        if known is not None:
            return known
        self.open_texts[relative] = text
        note = parse_text(relative, text)
        self.index.set_note(note)
        return note

    def set_parsed(self, relative: str, text: str, note: Note) -> None:
        """Like ``set_text``, with the note already parsed (off the caller's thread)."""
        self.open_texts[relative] = text
        self.index.set_note(note)

    def close(self, relative: str) -> None:
        self.open_texts.pop(relative, None)
        if os.path.exists(self.absolute(relative)):
            self.file_changed(relative)
        else:
            self.file_deleted(relative)

    def file_changed(self, relative: str) -> None:
        """A file was created or changed on disk (ignored while the editor holds it open)."""
        if relative in self.open_texts:
            return
        path = self.absolute(relative)
        if not os.path.lexists(path) or not fs.is_inside(str(self.root), os.path.realpath(path)):
            # Gone again before we read it, or a link out of the vault, which ``scan`` skips too.
            self.file_deleted(relative)
        elif os.path.isdir(path):
            if os.path.islink(path):  # ``scan`` follows no folder link (loops)
                self.file_deleted(relative)
            else:
                self.folder_changed(relative)
        elif fs.is_special(path):
            log.warning("%s: skipped %s: not a regular file", self.root, relative)
            self.file_deleted(relative)
        elif relative.lower().endswith(NOTE_SUFFIX):
            known = self.index.notes.get(relative)
            note = parse_from_disk(self.root, relative, known)
            if note is not known:  # a save of what the editor had, or a touch: nothing to redo
                self.index.set_note(note)
            if known is None:
                self._tell_twins_of(relative)
        else:
            self._tell_twins_of(relative)
            self.index.add_attachment(relative)

    def _tell_twins_of(self, relative: str) -> None:
        """A file new to the index, against the files of the same name key (the twins a load
        would have warned of)."""
        if not relative.isascii():
            key = name_key(relative)
            same = self.index.notes_named(key) | self.index.attachments_named(key)
            self._tell_normalization_twins([*sorted(same - {relative}), relative])

    def folder_changed(self, relative: str) -> None:
        """A folder created, moved here or changed (editors send one event for a folder, none
        for what it holds): what it holds on disk now is indexed, what it no longer holds goes.
        A folder itself is never a file of the vault."""
        found = fs.scan(self.root, self.exclude, under=relative)
        on_disk = set(found.notes) | set(found.attachments)
        for path in self.index.paths_under(relative.rstrip("/")):
            if path not in on_disk:
                self._forget(path)
        for path in found.notes + found.attachments:
            self.file_changed(path)

    def file_deleted(self, relative: str) -> None:
        """A file deleted, or a folder: everything under it goes (notes open in the editor
        stay, as the editor's)."""
        self._forget(relative)
        for path in self.index.paths_under(relative.rstrip("/")):
            self._forget(path)

    def _forget(self, relative: str) -> None:
        if relative not in self.open_texts:
            self.index.remove_note(relative)
            self.index.remove_attachment(relative)

    def file_renamed(self, old: str, new: str) -> None:
        text = self.open_texts.pop(old, None)
        self.file_deleted(old)
        if text is not None:
            self.set_text(new, text)
        else:
            self.file_changed(new)  # a folder is scanned there


class LoneNote(Vault):
    """A note outside every vault, served alone: the index holds this note only, from the
    editor's text. Its folder is never scanned (it may be ``~/Downloads``)."""

    alone = True

    def __init__(self, file: Path | str):
        real = Path(os.path.realpath(file))
        super().__init__(real.parent, use_cache=False)
        self.name = real.name
        self.loaded = True  # nothing to wait for: the editor's text is the whole index

    def relative(self, file: Path | str) -> str | None:
        return self.name if os.path.realpath(file) == str(self.root / self.name) else None

    def build(
        self, progress: Progress | None = None, max_files: int = fs.DEFAULT_MAX_FILES
    ) -> Loaded:
        """Nothing to scan: the index is the editor's text."""
        return Loaded(self.index, False, None)
