"""One editor session, without pygls: the open documents, the vaults, the settings, and the
work that runs in the background (the first index, large parses, cache saves, debounce).

``server.py`` converts the protocol in and out and calls this; tests drive it directly. Every
method runs on the event loop, the only thread that changes an index or a document: a request
takes a ``Snapshot`` and answers from it within one turn of the loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vault_ls.settings import Settings
from vault_ls.vault import config, fs
from vault_ls.vault.cache import cache_folder
from vault_ls.vault.parse import text_digest
from vault_ls.vault.positions import offset_at
from vault_ls.vault.snapshot import Snapshot
from vault_ls.vault.workspace import LoneNote, Progress, Vault, parse_text, vault_root_above
from vault_ls.watch import Watcher

log = logging.getLogger("vault_ls")
DEBOUNCE_SECONDS = 0.2
SAVE_PAUSE_SECONDS = 0.002
LARGE_TEXT = 50_000  # characters: parsing costs ~1-2 µs each, so larger notes parse off the loop
PARSE_ON_REQUEST = 500_000  # characters: up to ~0.5-1 s, a request may wait for its note's parse
RECENT_KEPT = 50  # notes remembered per vault as recently used (completion puts them first)


class Client(Protocol):
    """What the session tells the editor; the server implements it over LSP."""

    def diagnostics_changed(self) -> None:
        """The debounce after a change has passed: diagnostics may differ now."""

    def warn(self, message: str) -> None:
        """Something the user should see (a popup)."""

    def log(self, message: str, warning: bool = False) -> None:
        """Something for the editor's log of this server."""

    def vault_added(self, vault: Vault) -> None:
        """A vault found above an opened file, after the first index: index it."""


@dataclass(frozen=True)
class Document:
    """An open document as the editor last sent it (``uri`` spelled as the client spelled it)."""

    uri: str
    version: int | None
    text: str
    path: str | None = None  # the file the URI names (None for other schemes)


@dataclass(frozen=True)
class FileEvent:
    kind: str  # "changed" (created or changed), "deleted", "renamed"
    path: str  # vault path
    new_path: str | None = None  # where a renamed file went


class Session:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.vaults: list[Vault] = []
        self.settings = Settings()  # the editor's alone; a vault's are ``settings_for``
        self.editor_settings: dict[str, Any] = {}  # as the editor sent them (raw)
        self.initial_settings: dict[str, Any] = {}
        # vault root -> its files' settings with the editor's over them; dropped when they change
        self._vault_settings: dict[Path, Settings] = {}
        self.documents: dict[str, Document] = {}  # uri -> the editor's text and version
        # vault root -> the notes opened or edited lately, latest first (completion ranks them)
        self.recent: dict[Path, list[str]] = {}
        # vaults being (re)indexed in another thread -> file events that arrived meanwhile
        self._loading: dict[int, list[FileEvent]] = {}
        # (vault root, path) of large open notes whose index entry lags their text
        self._unparsed: dict[tuple[Path, str], asyncio.Task[None]] = {}
        self._diagnostics_timer: asyncio.TimerHandle | None = None
        self.saves: list[Iterator[None]] = []  # cache saves under way (``save_caches``)
        self.lone: dict[str, LoneNote] = {}  # real path -> an open note outside every vault
        self.told_alone: set[str] = set()  # the notes whose being served alone was logged
        self.first_index_done = False  # vaults added later are indexed on their own
        self.watcher: Watcher | None = None  # the session's own watch (``start_watching``)
        self.gone: set[Path] = set()  # roots deleted while served (served empty until back)

    # --- settings --------------------------------------------------------------------------

    def open_folders(self, folders: list[Path]) -> None:
        self.vaults = [Vault(folder) for folder in folders]
        for vault in self.vaults:
            vault.exclude = self.settings_for(vault.root).exclude

    def settings_for(self, root: Path) -> Settings:
        """The settings of the vault at ``root``: built-in defaults, then what its owner set in
        Obsidian (``.obsidian/``), then its ``.vault-ls.toml``, then the editor's. Read once per
        vault and settings change; a file's problems go to the log."""
        found = self._vault_settings.get(root)
        if found is None:
            layers = config.vault_layers(root)
            found, problems = Settings.layered(layers, self.editor_settings)
            for problem in problems:
                self.client.log(f"vault-ls settings: {problem}", warning=True)
            self._vault_settings[root] = found
        return found

    def apply_settings(self, raw: Any, base: bool = False) -> list[str]:
        """Settings from the client: ``initializationOptions`` (``base``) are the defaults that
        configuration answers and notifications refine, key by key. Returns the problems."""
        if isinstance(raw, dict) and isinstance(raw.get("vault-ls"), dict):
            raw = raw["vault-ls"]
        if base:
            self.initial_settings = raw if isinstance(raw, dict) else {}
        elif isinstance(raw, dict):
            raw = {**self.initial_settings, **raw}
        else:
            raw = self.initial_settings
        self.editor_settings = raw if isinstance(raw, dict) else {}
        self.settings, problems = Settings.parse(raw)
        self._vault_settings.clear()
        return problems

    # --- locating and snapshots ------------------------------------------------------------

    def locate(self, path: str | None) -> tuple[Vault, str] | None:
        """The vault holding the file ``path`` and the note's path in it (the deepest root)."""
        if path is None:
            return None
        best: tuple[Vault, str] | None = None
        for vault in [*self.vaults, *self.lone.values()]:
            relative = vault.relative(path)
            if relative is not None and (
                best is None or len(str(vault.root)) > len(str(best[0].root))
            ):
                best = (vault, relative)
        return best

    def locate_or_adopt(self, path: str | None) -> tuple[Vault, str] | None:
        """``locate``; for a file outside every root, the vault above it (the nearest folder
        holding ``.obsidian/``, added and indexed), else the note served alone. Never silent:
        the log says which. Files inside a root but excluded (or hidden) stay unserved."""
        found = self.locate(path)
        if found is not None or path is None:
            return found
        real = os.path.realpath(path)
        if any(fs.is_inside(str(vault.root), real) for vault in self.vaults):
            return None
        root = vault_root_above(real)
        if root is not None:
            vault = Vault(root)
            vault.exclude = self.settings_for(vault.root).exclude
            relative = vault.relative(real)
            if relative is not None:
                self.add_vault(vault, path)
                return vault, relative
        lone = self.lone[real] = LoneNote(real)
        if real in self.told_alone:
            return lone, lone.name
        self.told_alone.add(real)
        self.client.log(
            f"vault-ls: {path} is outside every workspace folder and no folder above it "
            "holds .obsidian/, so it is served alone: its headings, block ids, tags and "
            "links within the note work; links to other notes are not checked, completed "
            "or followed. Open the folder of its vault (or add .obsidian/ to it) for those.",
            warning=True,
        )
        return lone, lone.name

    def add_vault(self, vault: Vault, opened: str) -> None:
        """A vault found above an opened file: indexed like the workspace's (with progress),
        by the first index if that has not gone through the list yet."""
        self.vaults.append(vault)
        self.client.log(
            f"vault-ls: {opened} is outside the workspace folders; indexing the vault "
            f"that holds it, {vault.root} (it has .obsidian/)"
        )
        if self.first_index_done:
            self.client.vault_added(vault)

    def add_folder(self, folder: Path) -> Vault | None:
        """A workspace folder added: a vault, indexed like the first ones (with progress).
        Open documents inside it are its open notes from now on. None when already served."""
        root = Path(folder).resolve()
        if any(vault.root == root for vault in self.vaults):
            return None
        vault = Vault(root, self.settings_for(root).exclude)
        for document in self.documents.values():
            path = document.path
            relative = vault.relative(path) if path else None
            if relative is None:
                continue
            before = self.locate(path)
            if isinstance(before and before[0], LoneNote):
                self.lone.pop(os.path.realpath(path or ""), None)
            elif before is not None and before[0].root != root:
                if len(str(before[0].root)) > len(str(root)):
                    continue  # a deeper vault still holds it
                _guard(before[0].close)(before[1])
            vault.open_texts[relative] = document.text
        self.vaults.append(vault)
        if self.first_index_done:
            self.client.vault_added(vault)
        return vault

    def remove_folder(self, folder: Path) -> list[str]:
        """A workspace folder removed: its vault is no longer served. Returns the URIs of the
        open documents it served (their diagnostics are to be cleared)."""
        root = Path(folder).resolve()
        gone = [vault for vault in self.vaults if vault.root == root]
        if not gone:
            return []
        served = [
            document.uri
            for document in self.documents.values()
            if (found := self.locate(document.path)) is not None and found[0] in gone
        ]
        for vault in gone:
            self.vaults.remove(vault)
            if self.watcher is not None:
                self.watcher.unwatch(vault.root)
            self._loading.pop(id(vault), None)
            for key in [key for key in self._unparsed if key[0] == vault.root]:
                self._forget_parse(key)
        return served

    def vault_at(self, root_uri: str) -> Vault | None:
        for vault in self.vaults:
            if vault.root.as_uri() == root_uri:
                return vault
        return None

    def snapshot(self, vault: Vault, asked: str | None = None) -> Snapshot:
        """The vault as the editor shows it now, for a request about the note ``asked``. When
        that note's parse is still pending it is parsed first, so the answer is computed from
        exactly the text on screen; beyond ``PARSE_ON_REQUEST`` characters (seconds of parsing)
        the request is answered from the last parse instead, as the loop must keep answering.
        Texts are always the editor's."""
        pending = asked is not None and (vault.root, asked) in self._unparsed
        if pending and len(vault.open_texts.get(asked or "", "")) <= PARSE_ON_REQUEST:
            self._parse_now(vault, asked or "")
        root = vault.root
        read_inside = fs.reader_inside(root)
        return Snapshot(
            root=root,
            index=vault.index,
            texts=dict(vault.open_texts),
            read=lambda path: read_inside(path)[0],
            loaded=vault.loaded,
            alone=vault.alone,
            version=vault.index.version,
            recent=tuple(self.recent.get(root, ())),
        )

    # --- documents -------------------------------------------------------------------------

    def document_changed(self, uri: str, path: str | None, version: int | None, text: str) -> None:
        """Opened or edited (``path``: the file the URI names, None for other schemes)."""
        self.documents[uri] = Document(uri, version, text, path)
        found = self.locate_or_adopt(path)
        if found is None:
            return
        vault, relative = found
        self._used(vault.root, relative)
        key = (vault.root, relative)
        if len(text) < LARGE_TEXT:
            self._forget_parse(key)
            _guard(vault.set_text)(relative, text)
        elif _guard(vault.keep_if_indexed)(relative, text) is not None:
            # opened as indexed, or an edit undone: an earlier edit's parse would now be stale
            self._forget_parse(key)
        else:
            vault.open_texts[relative] = text  # the text is the editor's now; the note follows
            self._parse_in_background(vault, relative, text)
            return
        self.schedule_diagnostics()

    def document_edited(
        self,
        uri: str,
        path: str | None,
        version: int | None,
        changes: list[tuple[tuple[int, int, int, int] | None, str]],
        encoding: str,
    ) -> None:
        """``didChange``: each change a range (start line, column, end line, column in the
        client's ``encoding`` units; None for the whole text) and its new text, in order."""
        document = self.documents.get(uri)
        if document is None:
            self.client.log(f"vault-ls: ignored a change to {uri}, which is not open", True)
            return
        text = document.text
        for where, new in changes:
            if where is None:
                text = new
                continue
            start = offset_at(text, where[0], where[1], encoding)
            end = max(start, offset_at(text, where[2], where[3], encoding))
            text = text[:start] + new + text[end:]
        self.document_changed(uri, path, version, text)

    def _used(self, root: Path, path: str) -> None:
        recent = self.recent.setdefault(root, [])
        if recent[:1] != [path]:
            recent[:] = [path, *(each for each in recent if each != path)][:RECENT_KEPT]

    def document_closed(self, uri: str, path: str | None) -> None:
        self.documents.pop(uri, None)
        found = self.locate(path)
        if found is not None and isinstance(found[0], LoneNote):
            self.lone.pop(str(found[0].root / found[0].name), None)
        elif found is not None:
            vault, relative = found
            self._forget_parse((vault.root, relative))
            _guard(vault.close)(relative)
        self.schedule_diagnostics()

    def _forget_parse(self, key: tuple[Path, str]) -> None:
        pending = self._unparsed.pop(key, None)
        if pending is not None:
            pending.cancel()

    def _parse_in_background(self, vault: Vault, path: str, text: str) -> None:
        """Parse a large note in a thread (the latest text only) so requests keep flowing; the
        index is changed back on the event loop, the only thread that changes it."""
        key = (vault.root, path)
        self._forget_parse(key)

        async def parse() -> None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            note = await asyncio.to_thread(parse_text, path, text)
            if vault.open_texts.get(path) is not text:
                return  # edited or closed meanwhile: a newer parse (or none) applies
            vault.set_parsed(path, text, note)
            self._unparsed.pop(key, None)
            # the edits were debounced before the parse: a second wait would only add latency
            self.refresh_diagnostics()

        self._unparsed[key] = asyncio.get_running_loop().create_task(parse())

    def _parse_now(self, vault: Vault, path: str) -> None:
        self._forget_parse((vault.root, path))
        text = vault.open_texts.get(path)
        if text is not None:
            known = vault.index.notes.get(path)
            if known is None or known.digest != text_digest(text):
                vault.set_parsed(path, text, parse_text(path, text))
        self.schedule_diagnostics()  # what the cancelled parse would have done on landing

    # --- file events -------------------------------------------------------------------------

    def file_changed(self, path: str | None) -> None:
        self._file_event(path, "changed")

    def file_deleted(self, path: str | None) -> None:
        self._file_event(path, "deleted")

    def file_renamed(self, old: str | None, new: str | None) -> None:
        before, after = self.locate(old), self.locate(new)
        if before is not None and after is not None and before[0] is after[0]:
            event = FileEvent("renamed", before[1], after[1])
            self._record(before[0], event)
            _apply(before[0], event)
        else:
            self.file_deleted(old)
            self.file_changed(new)

    def _file_event(self, path: str | None, kind: str) -> None:
        root = self._root_at(path)
        if root is not None:  # a vault's own folder: VS Code reports its deletion so, only
            self.root_seen(root)
            return
        found = self.locate(path)
        if found is None:
            return
        vault, relative = found
        event = FileEvent(kind, relative)
        self._record(vault, event)
        _apply(vault, event)

    def _root_at(self, path: str | None) -> Path | None:
        real = os.path.realpath(path) if path else None
        return next((vault.root for vault in self.vaults if str(vault.root) == real), None)

    def _record(self, vault: Vault, event: FileEvent) -> None:
        """While a vault is indexed in another thread, its events are kept for the new index:
        the one that answers now gets them too, the one being built may have missed them."""
        pending = self._loading.get(id(vault))
        if pending is not None:
            pending.append(event)

    # --- the session's own watch ------------------------------------------------------------

    def start_watching(self) -> bool:
        """Watch every vault from now on (each when it is indexed), for a client that watches
        no files for the server. False (logged) when the watch cannot run."""
        if self.watcher is not None:
            return True
        try:
            loop = asyncio.get_running_loop()
            skip = (str(cache_folder()),)
            self.watcher = Watcher(loop, self.files_seen, self.root_seen, skip)
        except Exception as error:  # watchdog missing, or no inotify on this system
            self.client.log(f"vault-ls cannot watch the vault's files: {error}", warning=True)
            return False
        return True

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def files_seen(self, paths: list[str]) -> None:
        """The watch's paths, each once after a burst: as an editor's watched-files events
        (the disk says what happened: gone is deleted, a folder is rescanned)."""
        for path in paths:
            self.file_changed(path)
        self.schedule_diagnostics()

    def root_seen(self, root: Path) -> None:
        """A root deleted or moved away (the session's watch or the editor's event says so):
        nothing is served from it (the editor's open texts stay); made again: indexed again,
        and watched again."""
        vault = next((vault for vault in self.vaults if vault.root == root), None)
        if vault is None:
            return
        if not root.is_dir() and root not in self.gone:
            self.gone.add(root)
            vault.forget_all()
            self.client.log(f"vault-ls: {root} was deleted; its notes are no longer served", True)
            self.schedule_diagnostics()
        elif root.is_dir() and root in self.gone:
            self.gone.discard(root)
            if self.watcher is not None:
                self.watcher.unwatch(root)  # its watch ended with the folder; ``index`` renews it
            self.client.log(f"vault-ls: {root} is back; indexing it again")
            self.client.vault_added(vault)

    # --- new notes ---------------------------------------------------------------------------

    def occupied(self, root: Path, path: str) -> bool:
        """Whether a file or folder is at the vault path on disk, indexed or not (a file just
        written may not be reported yet): a new note's edit is sent only where nothing is."""
        return os.path.lexists(root / path)

    # --- indexing ----------------------------------------------------------------------------

    @property
    def indexing(self) -> bool:
        return bool(self._loading)

    async def index(self, vault: Vault, progress: Progress | None = None) -> None:
        """Build the vault's index in a thread; then, on the loop, put it in place and replay
        every file event and open text that arrived meanwhile, in order."""
        settings = self.settings_for(vault.root)
        vault.exclude = settings.exclude
        vault.parse_workers = settings.parse_workers
        events = self._loading.setdefault(id(vault), [])
        try:
            if self.watcher is not None:  # first: what changes while indexing is recorded too
                await asyncio.to_thread(self.watcher.watch, vault.root)
            loaded = await asyncio.to_thread(vault.build, progress, settings.max_files)
        except asyncio.CancelledError:
            # the session ends (``exit``, end of input): asyncio.run waits for the thread
            vault.stop_loading()
            raise
        finally:
            self._loading.pop(id(vault), None)
        vault.install(loaded)
        for event in events:
            _apply(vault, event)
        vault.reapply_open_texts()
        if vault.truncated:
            self.client.warn(
                f"vault-ls: {vault.root} holds more than {settings.max_files} files; only "
                "the first were indexed. Open the vault folder itself, or raise maxFiles."
            )

    async def save_caches(self, vaults: list[Vault] | None = None) -> None:
        """Last, once answering is possible: only the next start needs the cache. On the event
        loop in steps of a few milliseconds, each followed by a pause in which requests (read
        from stdin by another thread) are answered first. A save the session's end cuts short is
        finished by ``finish_saves``."""
        for vault in self.vaults if vaults is None else vaults:
            steps = vault.save_cache_steps()
            self.saves.append(steps)
            for _ in steps:
                await asyncio.sleep(SAVE_PAUSE_SECONDS)
            self.saves.remove(steps)

    def finish_saves(self) -> None:
        """At the end of the session (``exit``, or the client gone): an editor closed seconds
        after the first index of a big vault must not cost the next start its cache."""
        for steps in self.saves:
            for _ in steps:
                pass
        self.saves.clear()

    # --- diagnostics -------------------------------------------------------------------------

    def schedule_diagnostics(self) -> None:
        """Debounced: after any change, links in every open note may resolve differently."""
        if self._diagnostics_timer is not None:
            self._diagnostics_timer.cancel()
        loop = asyncio.get_running_loop()
        self._diagnostics_timer = loop.call_later(DEBOUNCE_SECONDS, self.refresh_diagnostics)

    def refresh_diagnostics(self) -> None:
        if self._diagnostics_timer is not None:
            self._diagnostics_timer.cancel()
        self._diagnostics_timer = None
        self.client.diagnostics_changed()


def _apply(vault: Vault, event: FileEvent) -> None:
    if event.kind == "renamed" and event.new_path is not None:
        _guard(vault.file_renamed)(event.path, event.new_path)
    elif event.kind == "deleted":
        _guard(vault.file_deleted)(event.path)
    else:
        _guard(vault.file_changed)(event.path)


def _guard(action: Callable[..., Any]) -> Callable[..., Any]:
    """A failing update is logged, not raised: one odd file never sinks the session."""

    def guarded(*args: Any) -> Any:
        try:
            return action(*args)
        except Exception:
            log.exception("%s failed", getattr(action, "__name__", action))
            return None

    return guarded
