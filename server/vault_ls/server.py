"""The language server: pygls wiring only. Each handler converts in, calls a feature, converts out.

Vaults are indexed in a worker thread after ``initialized`` (with ``$/progress``); requests that
arrive meanwhile are answered from what is indexed so far, except diagnostics, which wait for the
index (every link would look broken). Open documents use the editor's text.
"""

# ruff: noqa: E402 (the collector is paused around the imports below)
from __future__ import annotations

import gc

# Importing pygls and lsprotocol (~900 attrs classes) allocates objects that live as long as the
# process: the ~100 collections it would set off, and the first ones after it, add ~40 ms to
# every start. Frozen after the imports, those objects are never walked again. The price: the
# classes attrs replaces by slotted copies (~16k objects, ~9 MiB) are never freed.
_collecting = gc.isenabled()
gc.disable()

import asyncio
import contextlib
import functools
import logging
import os
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from vault_ls import __version__
from vault_ls.features import (
    completion,
    definition,
    diagnostics,
    document_links,
    hover,
    note_search,
    references,
    symbols,
)
from vault_ls.features.convert import Encoder
from vault_ls.protocol import FramedStdin, StrictLanguageServer, exit_code
from vault_ls.settings import Settings
from vault_ls.vault import fs
from vault_ls.vault.positions import Position
from vault_ls.vault.workspace import LoneNote, Vault, parse_text, vault_root_above

if _collecting:
    gc.freeze()
    gc.enable()

log = logging.getLogger("vault_ls")
DEBOUNCE_SECONDS = 0.2
SAVE_PAUSE_SECONDS = 0.002
LARGE_TEXT = 50_000  # characters: parsing costs ~1-2 µs each, so larger notes parse off the loop
NOTE_GLOB = "**/*"
T = TypeVar("T")


class VaultServer(StrictLanguageServer):
    def __init__(self) -> None:
        super().__init__("vault-ls", __version__)
        self.vaults: list[Vault] = []
        self.lone: dict[str, LoneNote] = {}  # real path -> an open note outside every vault
        self.told_alone: set[str] = set()  # the notes whose being served alone was logged
        self.first_index_done = False  # vaults added later are indexed on their own
        self._added: set[asyncio.Task[None]] = set()  # their indexing (the loop keeps weak refs)
        self.settings = Settings()
        self.initial_settings: dict[str, Any] = {}
        self._diagnostics_timer: asyncio.TimerHandle | None = None
        self._parses: dict[str, asyncio.Task[None]] = {}
        self.saves: list[Iterator[None]] = []  # cache saves under way (``save_caches``)

    # --- locating documents --------------------------------------------------------------

    def locate(self, uri: str) -> tuple[Vault, str] | None:
        """The vault holding ``uri`` and the note's path in it (the deepest root wins)."""
        path = to_fs_path(uri)
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

    def locate_or_adopt(self, uri: str) -> tuple[Vault, str] | None:
        """``locate``; for a file outside every root, the vault above it (the nearest folder
        holding ``.obsidian/``, added and indexed), else the note served alone. Never silent:
        the log says which. Files inside a root but excluded (or hidden) stay unserved."""
        found = self.locate(uri)
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if found is not None or path is None:
            return found
        real = os.path.realpath(path)
        if any(fs.is_inside(str(vault.root), real) for vault in self.vaults):
            return None
        root = vault_root_above(real)
        if root is not None:
            vault = Vault(root, self.settings.exclude)
            relative = vault.relative(real)
            if relative is not None:
                self.add_vault(vault, path)
                return vault, relative
        lone = self.lone[real] = LoneNote(real)
        if real in self.told_alone:
            return lone, lone.name
        self.told_alone.add(real)
        self.window_log_message(
            types.LogMessageParams(
                types.MessageType.Warning,
                f"vault-ls: {path} is outside every workspace folder and no folder above it "
                "holds .obsidian/, so it is served alone: its headings, block ids, tags and "
                "links within the note work; links to other notes are not checked, completed "
                "or followed. Open the folder of its vault (or add .obsidian/ to it) for those.",
            )
        )
        return lone, lone.name

    def add_vault(self, vault: Vault, opened: str) -> None:
        """A vault found above an opened file: indexed like the workspace's (with progress),
        by the first index if that has not gone through the list yet."""
        self.vaults.append(vault)
        self.window_log_message(
            types.LogMessageParams(
                types.MessageType.Info,
                f"vault-ls: {opened} is outside the workspace folders; indexing the vault "
                f"that holds it, {vault.root} (it has .obsidian/)",
            )
        )
        if self.first_index_done:
            task = asyncio.get_running_loop().create_task(index_and_save(self, [vault]))
            self._added.add(task)
            task.add_done_callback(self._added.discard)

    def encoder(self, vault: Vault) -> Encoder:
        return Encoder(vault, self.workspace.position_encoding or "utf-16")

    # --- diagnostics -----------------------------------------------------------------------

    def schedule_diagnostics(self) -> None:
        """Debounced: after any change, links in every open note may resolve differently."""
        if self._diagnostics_timer is not None:
            self._diagnostics_timer.cancel()
        loop = asyncio.get_running_loop()
        self._diagnostics_timer = loop.call_later(DEBOUNCE_SECONDS, self.refresh_diagnostics)

    def cancel_parse(self, path: str) -> None:
        pending = self._parses.pop(path, None)
        if pending is not None:
            pending.cancel()

    def parse_in_background(self, vault: Vault, path: str, text: str) -> None:
        """Parse a large note in a thread (the latest text only) so requests keep flowing; the
        index is changed back on the event loop, the only thread that changes it."""
        self.cancel_parse(path)

        async def parse() -> None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            note = await asyncio.to_thread(parse_text, path, text)
            vault.set_parsed(path, text, note)
            self._parses.pop(path, None)
            # the edits were debounced before the parse: a second wait would only add latency
            if self._diagnostics_timer is not None:
                self._diagnostics_timer.cancel()
            self.refresh_diagnostics()

        self._parses[path] = asyncio.get_running_loop().create_task(parse())

    def pulls_diagnostics(self) -> bool:
        """A client that pulls and can be told to pull again gets no pushed copies (VS Code
        would list every problem twice)."""
        return _supports(self, "text_document.diagnostic") and _supports(
            self, "workspace.diagnostics.refresh_support"
        )

    def refresh_diagnostics(self) -> None:
        self._diagnostics_timer = None
        if self.pulls_diagnostics():
            self.workspace_diagnostic_refresh(None)
            return
        for document in list(self.workspace.text_documents.values()):
            # the URI as the client spelled it (pygls keys documents by an unquoted form)
            found = self.locate(document.uri)
            if found is None:
                continue
            items = self.diagnostics_of(*found)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(document.uri, items, version=document.version)
            )

    def diagnostics_of(
        self, vault: Vault, path: str, encoder: Encoder | None = None
    ) -> list[types.Diagnostic]:
        """Nothing until the vault is indexed: every link would look broken."""
        if not vault.loaded:
            return []
        return _guard(diagnostics.diagnostics, [])(
            vault,
            path,
            encoder or self.encoder(vault),
            self.settings.severity,
            self.settings.title_sources,
        )


server = VaultServer()


def _guard(feature: Callable[..., T], fallback: T) -> Callable[..., T]:
    """A failing feature is logged and answers ``fallback``: one bad note never sinks a request."""

    @functools.wraps(feature)
    def guarded(*args: Any, **kwargs: Any) -> T:
        try:
            return feature(*args, **kwargs)
        except Exception:
            log.exception("%s failed", getattr(feature, "__name__", feature))
            return fallback

    return guarded


def _capability(ls: LanguageServer, dotted: str) -> Any:
    """A client capability by its dotted path (``None`` where the client says nothing)."""
    value: Any = ls.client_capabilities
    for name in dotted.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _supports(ls: LanguageServer, dotted: str) -> bool:
    return bool(_capability(ls, dotted))


def _accepts_markdown(ls: LanguageServer, dotted: str) -> bool:
    """Whether the client renders Markdown there (a client that says nothing is assumed to)."""
    formats = _capability(ls, dotted)
    return formats is None or types.MarkupKind.Markdown in formats


def _at(
    ls: VaultServer, uri: str, position: types.Position
) -> tuple[Vault, str, Position, Encoder] | None:
    found = ls.locate(uri)
    if found is None:
        return None
    vault, path = found
    encoder = ls.encoder(vault)
    return vault, path, encoder.from_client(path, position), encoder


# --- lifecycle -------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def on_initialize(ls: VaultServer, params: types.InitializeParams) -> None:
    apply_settings(ls, params.initialization_options, base=True)
    folders = [to_fs_path(folder.uri) for folder in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [to_fs_path(params.root_uri)]
    ls.vaults = [Vault(Path(folder), ls.settings.exclude) for folder in folders if folder]


def apply_settings(ls: VaultServer, raw: Any, base: bool = False) -> None:
    """Settings from the client: ``initializationOptions`` (``base``) are the defaults that
    configuration answers and notifications refine, key by key."""
    if isinstance(raw, dict) and isinstance(raw.get("vault-ls"), dict):
        raw = raw["vault-ls"]
    if base:
        ls.initial_settings = raw if isinstance(raw, dict) else {}
    elif isinstance(raw, dict):
        raw = {**ls.initial_settings, **raw}
    else:
        raw = ls.initial_settings
    ls.settings, problems = Settings.parse(raw)
    for problem in problems:
        ls.window_log_message(
            types.LogMessageParams(types.MessageType.Warning, f"vault-ls settings: {problem}")
        )


def _quiet_at_the_end(
    handler: Callable[[VaultServer, Any], Awaitable[None]],
) -> Callable[[VaultServer, Any], Awaitable[None]]:
    """A handler cancelled by the session's end (``exit``, end of input: asyncio.run cancels
    every task) just ends: pygls would log the cancellation as an error."""

    @functools.wraps(handler)
    async def quiet(ls: VaultServer, params: Any) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await handler(ls, params)

    return quiet


@server.feature(types.INITIALIZED)
@_quiet_at_the_end
async def on_initialized(ls: VaultServer, params: types.InitializedParams) -> None:
    if _supports(ls, "workspace.configuration"):
        await pull_configuration(ls)
    await register_watchers(ls)  # first: files that change while indexing are reported too
    await index_all(ls)
    await save_caches(ls)


async def index_and_save(ls: VaultServer, vaults: list[Vault]) -> None:
    await index_all(ls, vaults)
    await save_caches(ls, vaults)


async def save_caches(ls: VaultServer, vaults: list[Vault] | None = None) -> None:
    """Last, once answering is possible: only the next start needs the cache. On the event
    loop in steps of a few milliseconds, each followed by a pause in which requests (read
    from stdin by another thread) are answered first. A save the session's end cuts short is
    finished by ``finish_saves``."""
    for vault in ls.vaults if vaults is None else vaults:
        steps = vault.save_cache_steps()
        ls.saves.append(steps)
        for _ in steps:
            await asyncio.sleep(SAVE_PAUSE_SECONDS)
        ls.saves.remove(steps)


def finish_saves(ls: VaultServer) -> None:
    """At the end of the session (``exit``, or the client gone): an editor closed seconds
    after the first index of a big vault must not cost the next start its cache."""
    for steps in ls.saves:
        for _ in steps:
            pass
    ls.saves.clear()


async def pull_configuration(ls: VaultServer) -> None:
    try:
        answer = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="vault-ls")])
        )
    except Exception:
        log.exception("workspace/configuration failed")
        return
    if answer and isinstance(answer[0], dict):
        apply_settings(ls, answer[0])


async def index_all(ls: VaultServer, vaults: list[Vault] | None = None) -> None:
    """Index ``vaults``, or every vault: also those added while this runs (``add_vault``)."""
    token: str | None = None
    if _supports(ls, "window.work_done_progress"):
        token = str(uuid.uuid4())
        try:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title="Indexing vault", percentage=0)
            )
        except Exception:
            token = None
    loop = asyncio.get_running_loop()

    def report(done: int, total: int) -> None:
        if token is not None:
            message = types.WorkDoneProgressReport(
                message=f"{done}/{total} notes", percentage=int(done * 100 / max(total, 1))
            )
            loop.call_soon_threadsafe(ls.work_done_progress.report, token, message)

    for vault in ls.vaults if vaults is None else vaults:
        vault.exclude = ls.settings.exclude
        try:
            await asyncio.to_thread(vault.load, report, ls.settings.max_files)
        except asyncio.CancelledError:
            # the session ends (``exit``, end of input): asyncio.run waits for the thread
            vault.stop_loading()
            raise
        vault.reapply_open_texts()
        for build in (note_search.table_for, note_search.file_table_for):
            _guard(build, None)(vault.index)  # now, not at the first completion
        if vault.truncated:
            ls.window_show_message(
                types.ShowMessageParams(
                    types.MessageType.Warning,
                    f"vault-ls: {vault.root} holds more than {ls.settings.max_files} files; only "
                    "the first were indexed. Open the vault folder itself, or raise maxFiles.",
                )
            )
    ls.first_index_done = True  # on the loop, right after the last vault: none can slip by
    count = sum(len(vault.index) for vault in ls.vaults)
    if token is not None:
        ls.work_done_progress.end(
            token, types.WorkDoneProgressEnd(message=f"Indexed {count} notes")
        )
    ls.window_log_message(types.LogMessageParams(types.MessageType.Info, f"Indexed {count} notes"))
    ls.schedule_diagnostics()


async def register_watchers(ls: VaultServer) -> None:
    if not _supports(ls, "workspace.did_change_watched_files.dynamic_registration"):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=NOTE_GLOB)]
    )
    registration = types.Registration(
        id=str(uuid.uuid4()),
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams([registration]))
    except Exception as error:
        log.warning("could not register file watchers: %s", error)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
@_quiet_at_the_end
async def on_configuration(ls: VaultServer, params: types.DidChangeConfigurationParams) -> None:
    before = list(ls.settings.exclude)
    if _supports(ls, "workspace.configuration"):
        await pull_configuration(ls)
    else:
        apply_settings(ls, params.settings)
    if ls.settings.exclude != before:
        await index_all(ls)
        await save_caches(ls)
    else:
        ls.schedule_diagnostics()


# --- documents -------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def on_open(ls: VaultServer, params: types.DidOpenTextDocumentParams) -> None:
    _document_changed(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def on_change(ls: VaultServer, params: types.DidChangeTextDocumentParams) -> None:
    _document_changed(ls, params.text_document.uri)


def _document_changed(ls: VaultServer, uri: str) -> None:
    found = ls.locate_or_adopt(uri)
    if found is None:
        return
    vault, path = found
    text = ls.workspace.get_text_document(uri).source
    if len(text) < LARGE_TEXT:
        _guard(vault.set_text, None)(path, text)
    elif _guard(vault.keep_if_indexed, None)(path, text) is not None:
        # opened as indexed, or an edit undone: an earlier edit's parse would now be stale
        ls.cancel_parse(path)
    else:
        ls.parse_in_background(vault, path, text)
        return
    ls.schedule_diagnostics()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def on_close(ls: VaultServer, params: types.DidCloseTextDocumentParams) -> None:
    found = ls.locate(params.text_document.uri)
    if found is not None and isinstance(found[0], LoneNote):
        ls.lone.pop(str(found[0].root / found[0].name), None)
    elif found is not None:
        vault, path = found
        _guard(vault.close, None)(path)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )
    ls.schedule_diagnostics()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def on_watched_files(ls: VaultServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        found = ls.locate(change.uri)
        if found is None:
            continue
        vault, path = found
        if change.type == types.FileChangeType.Deleted:
            _guard(vault.file_deleted, None)(path)
        else:
            _guard(vault.file_changed, None)(path)
    ls.schedule_diagnostics()


FILE_OPERATIONS = types.FileOperationRegistrationOptions(
    filters=[types.FileOperationFilter(pattern=types.FileOperationPattern(glob=NOTE_GLOB))]
)


@server.feature(types.WORKSPACE_DID_CREATE_FILES, FILE_OPERATIONS)
def on_created(ls: VaultServer, params: types.CreateFilesParams) -> None:
    for file in params.files:
        found = ls.locate(file.uri)
        if found is not None:
            _guard(found[0].file_changed, None)(found[1])
    ls.schedule_diagnostics()


@server.feature(types.WORKSPACE_DID_DELETE_FILES, FILE_OPERATIONS)
def on_deleted(ls: VaultServer, params: types.DeleteFilesParams) -> None:
    for file in params.files:
        found = ls.locate(file.uri)
        if found is not None:
            _guard(found[0].file_deleted, None)(found[1])
    ls.schedule_diagnostics()


@server.feature(types.WORKSPACE_DID_RENAME_FILES, FILE_OPERATIONS)
def on_renamed(ls: VaultServer, params: types.RenameFilesParams) -> None:
    for file in params.files:
        old, new = ls.locate(file.old_uri), ls.locate(file.new_uri)
        if old is not None and new is not None and old[0] is new[0]:
            _guard(old[0].file_renamed, None)(old[1], new[1])
        else:
            if old is not None:
                _guard(old[0].file_deleted, None)(old[1])
            if new is not None:
                _guard(new[0].file_changed, None)(new[1])
    ls.schedule_diagnostics()


# --- requests --------------------------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["[", "#", "^", "(", "/"], resolve_provider=True),
)
def on_completion(ls: VaultServer, params: types.CompletionParams) -> types.CompletionList | None:
    at = _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    vault, path, pos, encoder = at
    settings = ls.settings
    return _guard(completion.complete, None)(
        vault, path, pos, encoder, settings.completion_limit, settings.completion_style
    )


@server.feature(types.COMPLETION_ITEM_RESOLVE)
def on_completion_resolve(ls: VaultServer, item: types.CompletionItem) -> types.CompletionItem:
    for vault in ls.vaults:
        data = item.data if isinstance(item.data, dict) else {}
        if data.get("path") in vault.index.notes:
            path = "text_document.completion.completion_item.documentation_format"
            markdown = _accepts_markdown(ls, path)
            return _guard(completion.resolve_item, item)(vault, item, markdown)
    return item


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def on_definition(ls: VaultServer, params: types.DefinitionParams) -> Any:
    at = _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    vault, path, pos, encoder = at
    link_support = _supports(ls, "text_document.definition.link_support")
    return _guard(definition.definition, None)(vault, path, pos, encoder, link_support)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: VaultServer, params: types.HoverParams) -> types.Hover | None:
    at = _at(ls, params.text_document.uri, params.position)
    markdown = _accepts_markdown(ls, "text_document.hover.content_format")
    return _guard(hover.hover, None)(*at, markdown) if at else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def on_references(ls: VaultServer, params: types.ReferenceParams) -> list[types.Location] | None:
    at = _at(ls, params.text_document.uri, params.position)
    return _guard(references.references, None)(*at) if at else None


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_document_symbols(
    ls: VaultServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol]:
    found = ls.locate(params.text_document.uri)
    if found is None:
        return []
    vault, path = found
    return _guard(symbols.document_symbols, [])(vault, path, ls.encoder(vault))


@server.feature(types.WORKSPACE_SYMBOL)
def on_workspace_symbols(
    ls: VaultServer, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    found: list[types.WorkspaceSymbol] = []
    for vault in ls.vaults:
        found += _guard(symbols.workspace_symbols, [])(vault, params.query, ls.encoder(vault))
    return found[: symbols.WORKSPACE_LIMIT]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
def on_document_links(
    ls: VaultServer, params: types.DocumentLinkParams
) -> list[types.DocumentLink]:
    found = ls.locate(params.text_document.uri)
    if found is None:
        return []
    vault, path = found
    return _guard(document_links.document_links, [])(vault, path, ls.encoder(vault))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier="vault-ls", inter_file_dependencies=True, workspace_diagnostics=True
    ),
)
def on_document_diagnostic(
    ls: VaultServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport:
    found = ls.locate(params.text_document.uri)
    items: list[types.Diagnostic] = []
    if found is not None:
        items = ls.diagnostics_of(*found)
    return types.RelatedFullDocumentDiagnosticReport(items=items)


@server.feature(types.WORKSPACE_DIAGNOSTIC)
def on_workspace_diagnostic(
    ls: VaultServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    reports: list[Any] = []
    for vault in ls.vaults:
        encoder = ls.encoder(vault)
        for path in sorted(vault.index.notes):
            items = ls.diagnostics_of(vault, path, encoder)
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=encoder.uri(path), items=items, version=None
                )
            )
    return types.WorkspaceDiagnosticReport(items=reports)


def run(tcp: str | None = None) -> int:
    """Serve until ``exit`` (or end of input); the exit code is 1 for ``exit`` without
    ``shutdown``, as the LSP asks (pygls swallows the code it means to exit with)."""
    logging.basicConfig(level=logging.WARNING)
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io(stdin=cast(BinaryIO, FramedStdin(sys.stdin.buffer)))
    finish_saves(server)
    return exit_code(server)
