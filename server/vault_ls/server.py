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
import datetime
import functools
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from vault_ls import __version__
from vault_ls.features import (
    code_lens,
    completion,
    definition,
    diagnostics,
    document_links,
    edits,
    graph,
    hover,
    likely_notes,
    link_panels,
    mentions,
    move,
    new_notes,
    note_info,
    note_search,
    quick_fixes,
    quick_switch,
    refactors,
    references,
    rename,
    symbols,
    tag_tree,
)
from vault_ls.features.convert import Encoder
from vault_ls.features.wire import RequestError
from vault_ls.protocol import (
    AnsweredFailures,
    StrictLanguageServer,
    exit_code,
    refreshes_diagnostics,
)
from vault_ls.session import Session
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.snapshot import Snapshot
from vault_ls.vault.workspace import Vault

if _collecting:
    gc.freeze()
    gc.enable()

log = logging.getLogger("vault_ls")
NOTE_GLOB = "**/*"
T = TypeVar("T")
P = ParamSpec("P")


class VaultServer(StrictLanguageServer):
    """The protocol end of a ``Session``: it tells the editor what the session finds."""

    def __init__(self) -> None:
        super().__init__("vault-ls", __version__)
        self.session = Session(self)
        self._added: set[asyncio.Task[None]] = set()  # indexing of added vaults (weak refs)
        self._lens_versions: list[tuple[Path, int]] = []  # of the indexes lenses were asked at

    # --- what the session tells the editor ----------------------------------------------

    def diagnostics_changed(self) -> None:
        self._refresh_code_lenses()
        if self.pulls_diagnostics():
            self.workspace_diagnostic_refresh(None)
            return
        for document in list(self.session.documents.values()):
            found = self.session.locate(to_fs_path(document.uri))
            if found is None:
                continue
            vault, path = found
            items = self.diagnostics_of(self.session.snapshot(vault), path)
            self.text_document_publish_diagnostics(
                # the URI and version as the client sent them
                types.PublishDiagnosticsParams(document.uri, items, version=document.version)
            )

    def _refresh_code_lenses(self) -> None:
        """Backlink counts move when an index changes: a client that can be told to ask for
        its code lenses again is told (debounced, as diagnostics are), once per change."""
        workspace = self.client_capabilities.workspace
        if not (workspace and workspace.code_lens and workspace.code_lens.refresh_support):
            return
        vaults = self.session.vaults
        versions = [(vault.root, vault.index.version) for vault in vaults]
        if versions == self._lens_versions:
            return
        self._lens_versions = versions
        if any(self.session.settings_for(vault.root).code_lens_backlinks for vault in vaults):
            self.workspace_code_lens_refresh(None)

    def warn(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))

    def log(self, message: str, warning: bool = False) -> None:
        level = types.MessageType.Warning if warning else types.MessageType.Info
        self.window_log_message(types.LogMessageParams(level, message))

    def vault_added(self, vault: Vault) -> None:
        task = asyncio.get_running_loop().create_task(index_and_save(self, [vault]))
        self._added.add(task)
        task.add_done_callback(self._added.discard)

    # --- helpers for handlers ----------------------------------------------------------------

    def snapshot_at(self, uri: str) -> tuple[Snapshot, str, Encoder] | None:
        """The snapshot of the vault holding ``uri``, the note's path, and its encoder."""
        found = self.session.locate(to_fs_path(uri))
        if found is None:
            return None
        vault, path = found
        snapshot = self.session.snapshot(vault, path)
        return snapshot, path, self.encoder(snapshot)

    def encoder(self, snapshot: Snapshot) -> Encoder:
        return Encoder(snapshot, self.workspace.position_encoding or "utf-16")

    def pulls_diagnostics(self) -> bool:
        """A client that pulls and can be told to pull again gets no pushed copies (VS Code
        would list every problem twice); only such a client is told the server can be pulled
        (``protocol.refreshes_diagnostics``)."""
        return refreshes_diagnostics(self.client_capabilities)

    def diagnostics_of(
        self, snapshot: Snapshot, path: str, encoder: Encoder | None = None
    ) -> list[types.Diagnostic]:
        """Nothing until the vault is indexed: every link would look broken."""
        if not snapshot.loaded:
            return []
        settings = self.session.settings_for(snapshot.root)
        return _guard(diagnostics.diagnostics, [])(
            snapshot,
            path,
            encoder or self.encoder(snapshot),
            settings.severity,
            settings.title_sources,
        )


server = VaultServer()


def _guard(feature: Callable[P, T], fallback: T) -> Callable[P, T]:
    """A failing feature is logged and answers ``fallback``: one bad note never sinks a request."""

    @functools.wraps(feature)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
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
) -> tuple[Snapshot, str, Position, Encoder] | None:
    found = ls.snapshot_at(uri)
    if found is None:
        return None
    snapshot, path, encoder = found
    return snapshot, path, encoder.from_client(path, position), encoder


# --- lifecycle -------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def on_initialize(ls: VaultServer, params: types.InitializeParams) -> None:
    apply_settings(ls, params.initialization_options, base=True)
    folders = [to_fs_path(folder.uri) for folder in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [to_fs_path(params.root_uri)]
    ls.session.open_folders([Path(folder) for folder in folders if folder])


def apply_settings(ls: VaultServer, raw: Any, base: bool = False) -> None:
    for problem in ls.session.apply_settings(raw, base):
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
    await watch_files(ls)  # first: files that change while indexing are reported too
    await index_all(ls)
    await ls.session.save_caches()


async def index_and_save(ls: VaultServer, vaults: list[Vault]) -> None:
    await index_all(ls, vaults)
    await ls.session.save_caches(vaults)


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
    begin = types.WorkDoneProgressBegin(title="Indexing vault", percentage=0)
    token = await _begin_progress(ls, begin)
    loop = asyncio.get_running_loop()

    def report(done: int, total: int) -> None:
        if token is not None:
            message = types.WorkDoneProgressReport(
                message=f"{done}/{total} notes", percentage=int(done * 100 / max(total, 1))
            )
            loop.call_soon_threadsafe(ls.work_done_progress.report, token, message)

    indexed: list[Vault] = []
    while True:  # the list may change meanwhile: folders added or removed
        pending = ls.session.vaults if vaults is None else vaults
        vault = next((vault for vault in pending if vault not in indexed), None)
        if vault is None:
            break
        indexed.append(vault)
        await ls.session.index(vault, report)
    ls.session.first_index_done = True  # on the loop, right after the last vault: none slips by
    count = sum(len(vault.index) for vault in ls.session.vaults)
    if token is not None:
        ls.work_done_progress.end(
            token, types.WorkDoneProgressEnd(message=f"Indexed {count} notes")
        )
    ls.window_log_message(types.LogMessageParams(types.MessageType.Info, f"Indexed {count} notes"))
    ls.session.schedule_diagnostics()
    # Completion's tables, now rather than at the first completion (~1 s at 10,000 notes), but
    # after the index is announced: diagnostics, hover and links need none of them.
    for vault in indexed:
        for build in COMPLETION_TABLES:
            _guard(build, None)(vault.index)


COMPLETION_TABLES = (note_search.table_for, note_search.file_table_for, likely_notes.linked_order)


async def watch_files(ls: VaultServer) -> None:
    """The client watches the vault's files when it can register watchers (setting ``watch``:
    "auto", "client"); else the server does ("auto", "server")."""
    mode = ls.session.settings.watch
    client_can = _supports(ls, "workspace.did_change_watched_files.dynamic_registration")
    if mode == "server" or (mode == "auto" and not client_can):
        ls.session.start_watching()
    elif mode in ("auto", "client") and client_can:
        await register_watchers(ls)


async def register_watchers(ls: VaultServer) -> None:
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
    if _supports(ls, "workspace.configuration"):
        await pull_configuration(ls)
    else:
        apply_settings(ls, params.settings)
    vaults = ls.session.vaults
    if any(ls.session.settings_for(vault.root).exclude != vault.exclude for vault in vaults):
        await index_all(ls)
        await ls.session.save_caches()
    else:
        ls.session.schedule_diagnostics()


# --- documents -------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def on_open(ls: VaultServer, params: types.DidOpenTextDocumentParams) -> None:
    _document_changed(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def on_change(ls: VaultServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    changes: list[tuple[tuple[int, int, int, int] | None, str]] = []
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start, end = change.range.start, change.range.end
            changes.append(((start.line, start.character, end.line, end.character), change.text))
        else:
            changes.append((None, change.text))
    path = to_fs_path(uri) if uri.startswith("file:") else None
    encoding = ls.workspace.position_encoding or "utf-16"
    ls.session.document_edited(uri, path, params.text_document.version, changes, encoding)


def _document_changed(ls: VaultServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    path = to_fs_path(uri) if uri.startswith("file:") else None  # untitled: nothing to adopt
    ls.session.document_changed(uri, path, document.version, document.source)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def on_close(ls: VaultServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.session.document_closed(uri, to_fs_path(uri))
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def on_workspace_folders(ls: VaultServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    for folder in params.event.removed:
        path = to_fs_path(folder.uri)
        for uri in ls.session.remove_folder(Path(path)) if path else []:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
    for folder in params.event.added:
        path = to_fs_path(folder.uri)
        if path:
            ls.session.add_folder(Path(path))
    ls.session.schedule_diagnostics()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def on_watched_files(ls: VaultServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        if change.type == types.FileChangeType.Deleted:
            ls.session.file_deleted(to_fs_path(change.uri))
        else:
            ls.session.file_changed(to_fs_path(change.uri))
    ls.session.schedule_diagnostics()


FILE_OPERATIONS = types.FileOperationRegistrationOptions(
    filters=[types.FileOperationFilter(pattern=types.FileOperationPattern(glob=NOTE_GLOB))]
)


@server.feature(types.WORKSPACE_DID_CREATE_FILES, FILE_OPERATIONS)
def on_created(ls: VaultServer, params: types.CreateFilesParams) -> None:
    for file in params.files:
        ls.session.file_changed(to_fs_path(file.uri))
    ls.session.schedule_diagnostics()


@server.feature(types.WORKSPACE_DID_DELETE_FILES, FILE_OPERATIONS)
def on_deleted(ls: VaultServer, params: types.DeleteFilesParams) -> None:
    for file in params.files:
        ls.session.file_deleted(to_fs_path(file.uri))
    ls.session.schedule_diagnostics()


@server.feature(types.WORKSPACE_DID_RENAME_FILES, FILE_OPERATIONS)
def on_renamed(ls: VaultServer, params: types.RenameFilesParams) -> None:
    links_after_move(ls, params)  # first: from the vault as it was before the move
    for file in params.files:
        ls.session.file_renamed(to_fs_path(file.old_uri), to_fs_path(file.new_uri))
    ls.session.schedule_diagnostics()


# --- requests --------------------------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["[", "#", "^", "(", "/"], resolve_provider=True),
)
def on_completion(ls: VaultServer, params: types.CompletionParams) -> types.CompletionList | None:
    at = _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    settings = ls.session.settings_for(at[0].root)
    label_details = _supports(ls, "text_document.completion.completion_item.label_details_support")
    return _guard(completion.complete, None)(
        *at, settings.completion_limit, settings.completion_style, label_details
    )


@server.feature(types.COMPLETION_ITEM_RESOLVE)
def on_completion_resolve(ls: VaultServer, item: types.CompletionItem) -> types.CompletionItem:
    data = item.data if isinstance(item.data, dict) else {}
    vault = ls.session.vault_at(str(data.get("vault", "")))  # the item names its vault
    if vault is None:
        return item
    markdown = _accepts_markdown(
        ls, "text_document.completion.completion_item.documentation_format"
    )
    return _guard(completion.resolve_item, item)(ls.session.snapshot(vault), item, markdown)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def on_definition(ls: VaultServer, params: types.DefinitionParams) -> Any:
    at = _at(ls, params.text_document.uri, params.position)
    link_support = _supports(ls, "text_document.definition.link_support")
    return _guard(definition.definition, None)(*at, link_support) if at else None


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: VaultServer, params: types.HoverParams) -> types.Hover | None:
    at = _at(ls, params.text_document.uri, params.position)
    markdown = _accepts_markdown(ls, "text_document.hover.content_format")
    return _guard(hover.hover, None)(*at, markdown) if at else None


# --- work-done progress around requests that can take over a second on a big vault ----------

# A request shows progress when its work is at least this large (on the bench's 10k vault, 2
# shared cores: references read ~0.15-0.4 ms a linking note, a whole graph ~0.03-0.05 ms a note)
LONG_LINKING = 1000  # notes whose links references or rename read
LONG_VAULT = 5000  # notes a whole graph or workspace symbols go through


def _linking(ls: VaultServer, params: Any) -> int:
    at = _at(ls, params.text_document.uri, params.position)
    return references.linking_count(*at[:3]) if at else 0


def _vault_size(ls: VaultServer, params: Any) -> int:
    return sum(len(vault.index) for vault in ls.session.vaults)


def _backlinking(ls: VaultServer, params: Any) -> int:
    uri = _optional(params, "uri", str)
    found = ls.session.locate(to_fs_path(uri)) if uri else None
    return len(found[0].index.linking_notes(found[1])) if found else 0


def _moving(ls: VaultServer, params: types.RenameFilesParams) -> int:
    """The notes linking to the notes moved (in a moved folder: to each note under it)."""
    count = 0
    for vault, moves in _moves_by_vault(ls, params.files).values():
        index = vault.index
        for old, _ in moves:
            moved = [old] if old in index.notes else index.paths_under(old)
            count += sum(len(index.linking_notes(path)) for path in moved)
    return count


def _whole_graph_size(ls: VaultServer, params: Any) -> int:
    return 0 if _optional(params, "uri", str) is not None else _vault_size(ls, params)


def _shows_progress(
    title: str, size: Callable[[VaultServer, Any], int], threshold: int
) -> Callable[[Callable[[VaultServer, Any], T]], Callable[[VaultServer, Any], Awaitable[T]]]:
    """Runs the handler inside a ``window/workDoneProgress`` when ``size`` of its work reaches
    ``threshold``: on the client's own ``workDoneToken`` when it sent one (no create round
    trip), else on one created as ``_begin_progress`` does."""

    def wrap(
        handler: Callable[[VaultServer, Any], T],
    ) -> Callable[[VaultServer, Any], Awaitable[T]]:
        @functools.wraps(handler)
        async def answer(ls: VaultServer, params: Any) -> T:
            if size(ls, params) < threshold:
                return handler(ls, params)
            begin = types.WorkDoneProgressBegin(title=title)
            token = _client_token(params)
            if token is not None:
                ls.work_done_progress.begin(token, begin)
            else:
                token = await _begin_progress(ls, begin)
            await asyncio.sleep(0)  # the begin goes out before the work holds the loop
            try:
                return handler(ls, params)
            finally:
                if token is not None:
                    ls.work_done_progress.end(token, types.WorkDoneProgressEnd())

        return answer

    return wrap


def _client_token(params: Any) -> str | int | None:
    if isinstance(params, dict):
        token = params.get("workDoneToken")
    else:
        token = getattr(params, "work_done_token", None) or getattr(params, "workDoneToken", None)
    return token if isinstance(token, str | int) and not isinstance(token, bool) else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@_shows_progress("Finding references", _linking, LONG_LINKING)
def on_references(ls: VaultServer, params: types.ReferenceParams) -> list[types.Location] | None:
    at = _at(ls, params.text_document.uri, params.position)
    return _guard(references.references, None)(*at) if at else None


# --- rename ----------------------------------------------------------------------------------


def _failed(message: str) -> JsonRpcException:
    """LSP's RequestFailed: the request was understood and cannot be done, for ``message``."""
    return JsonRpcException(message, code=int(types.LSPErrorCodes.RequestFailed))


def _refused(reason: str) -> JsonRpcException:
    return _failed(f"vault-ls cannot rename: {reason}")


def _rename_request(feature: Callable[P, T]) -> Callable[P, T]:
    """A refused rename answers RequestFailed with the reason; any other failure too, logged:
    answering "no changes" would look like a rename that did nothing."""

    @functools.wraps(feature)
    def answer(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return feature(*args, **kwargs)
        except rename.RenameRefused as refused:
            raise _refused(str(refused)) from None
        except Exception as error:
            log.exception("%s failed", feature.__name__)
            raise _refused(f"internal error: {error}") from None

    return answer


def _open_documents(ls: VaultServer, snapshot: Snapshot) -> dict[str, edits.OpenDocument]:
    """The snapshot's vault's open documents by path, with the URI and version the client sent."""
    found = {}
    for document in ls.session.documents.values():
        located = ls.session.locate(to_fs_path(document.uri))
        if located is not None and located[0].root == snapshot.root:
            found[located[1]] = edits.OpenDocument(document.uri, document.version)
    return found


def _client_renames_files(ls: VaultServer) -> bool:
    """Neovim 0.7 applies ``documentChanges`` without announcing it; a client that announces
    file renames takes them there."""
    operations = _capability(ls, "workspace.workspace_edit.resource_operations") or []
    return types.ResourceOperationKind.Rename in operations


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def on_prepare_rename(
    ls: VaultServer, params: types.PrepareRenameParams
) -> types.PrepareRenamePlaceholder | None:
    at = _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    return _rename_request(rename.prepare_rename)(*at)


@server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
@_shows_progress("Renaming", _linking, LONG_LINKING)
def on_rename(ls: VaultServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    at = _at(ls, params.text_document.uri, params.position)
    if at is None:
        return None
    snapshot = at[0]
    return _rename_request(rename.rename)(
        *at,
        params.new_name,
        _open_documents(ls, snapshot),
        ls.session.settings.rename_display_text,
        _supports(ls, "workspace.workspace_edit.change_annotation_support"),
        _client_renames_files(ls),
    )


# --- files and folders moved -------------------------------------------------------------------

MOVE_FILTERS = types.FileOperationRegistrationOptions(
    filters=[
        types.FileOperationFilter(pattern=types.FileOperationPattern(glob=NOTE_GLOB, matches=kind))
        for kind in (types.FileOperationPatternKind.File, types.FileOperationPatternKind.Folder)
    ]
)
# moves whose link edits the editor asked for (``willRenameFiles``): (old path, new path) on
# disk. Their ``didRenameFiles`` must not send the same edits again.
_moves_answered: set[tuple[str, str]] = set()
_move_tasks: set[asyncio.Task[None]] = set()  # the prompts and applyEdits under way


def _moves_by_vault(
    ls: VaultServer, files: Sequence[types.FileRename]
) -> dict[Path, tuple[Vault, list[tuple[str, str]]]]:
    """The moves of ``files`` within one vault each: vault root -> (vault, [(old, new) vault
    paths]). A file moved into or out of a vault has no links to follow."""
    found: dict[Path, tuple[Vault, list[tuple[str, str]]]] = {}
    for file in files:
        before = ls.session.locate(to_fs_path(file.old_uri))
        after = ls.session.locate(to_fs_path(file.new_uri))
        if before is None or after is None or before[0] is not after[0] or before[0].alone:
            continue
        found.setdefault(before[0].root, (before[0], []))[1].append((before[1], after[1]))
    return found


def _move_edits(
    ls: VaultServer, files: Sequence[types.FileRename], moved_already: bool
) -> tuple[types.WorkspaceEdit, int, int]:
    """The link edits of moving ``files`` (one ``WorkspaceEdit`` for every vault), the number of
    links and of notes they change. ``moved_already``: the files are at their new paths on
    disk (``didRenameFiles``): texts are read there and edits named by the new URIs."""
    changes: list[
        types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile
    ] = []
    edit = types.WorkspaceEdit(document_changes=changes)
    links = notes = 0
    annotate = _supports(ls, "workspace.workspace_edit.change_annotation_support")
    for vault, pairs in _moves_by_vault(ls, files).values():
        snapshot = ls.session.snapshot(vault)
        moves = move.file_moves(snapshot.index, pairs)
        documents = _open_documents(ls, snapshot)
        if moved_already:  # the texts are at the new paths now
            snapshot = move.read_at_new_paths(snapshot, moves)
            documents.update(
                {old: documents[new] for old, new in moves.items() if new in documents}
            )
        encoder = ls.encoder(snapshot)
        display_text = ls.session.settings_for(vault.root).rename_display_text
        found, plan = move.move_edit(snapshot, encoder, moves, documents, display_text, annotate)
        if moved_already:
            uris = {encoder.uri(old): encoder.uri(new) for old, new in moves.items()}
            found = move.at_new_uris(found, uris)
        changes.extend(found.document_changes or [])
        edit.change_annotations = edit.change_annotations or found.change_annotations
        links += plan.links
        notes += plan.notes
    return edit, links, notes


@server.feature(types.WORKSPACE_WILL_RENAME_FILES, MOVE_FILTERS)
@_shows_progress("Updating links", _moving, LONG_LINKING)
def on_will_rename(ls: VaultServer, params: types.RenameFilesParams) -> types.WorkspaceEdit | None:
    """VS Code, Helix, oil.nvim ask before they move files or folders: the link edits, applied
    by the editor before it moves them."""
    edit, links, _ = _rename_request(_move_edits)(ls, params.files, False)
    for file in params.files:
        _moves_answered.add((to_fs_path(file.old_uri) or "", to_fs_path(file.new_uri) or ""))
    return edit if links else None


def links_after_move(ls: VaultServer, params: types.RenameFilesParams) -> None:
    """Files the editor moved without asking (``didRenameFiles``): the same edits, sent with
    ``workspace/applyEdit`` as ``rename.updateLinksOnMove`` says. Computed before the index
    takes the move in (the links still resolve as they did)."""
    unasked = []
    for file in params.files:
        key = (to_fs_path(file.old_uri) or "", to_fs_path(file.new_uri) or "")
        if key in _moves_answered:
            _moves_answered.discard(key)
        else:
            unasked.append(file)
    if not unasked or not _supports(ls, "workspace.apply_edit"):
        return
    vaults = _moves_by_vault(ls, unasked)
    choices = {ls.session.settings_for(root).update_links_on_move for root in vaults}
    choice = "never" if choices == {"never"} else "prompt" if "prompt" in choices else "always"
    if choice == "never":
        return
    try:
        edit, links, notes = _move_edits(ls, unasked, True)
    except rename.RenameRefused as refused:
        ls.log(f"vault-ls: links not updated after the move: {refused}", warning=True)
        return
    except Exception:  # the index must still take the move in
        log.exception("links after a move failed")
        return
    if not links:
        return
    task = asyncio.get_running_loop().create_task(_update_links(ls, edit, links, notes, choice))
    _move_tasks.add(task)
    task.add_done_callback(_move_tasks.discard)


UPDATE, LEAVE = "Update links", "Leave them"


async def _update_links(
    ls: VaultServer, edit: types.WorkspaceEdit, links: int, notes: int, choice: str
) -> None:
    try:
        await _ask_and_apply(ls, edit, move.counted(links, notes), choice)
    except asyncio.CancelledError:
        pass
    except Exception as error:  # an editor that cannot answer leaves the links as they are
        ls.log(f"vault-ls: links not updated after the move: {error}", True)


async def _ask_and_apply(
    ls: VaultServer, edit: types.WorkspaceEdit, counted: str, choice: str
) -> None:
    if choice == "prompt":
        answer = await ls.window_show_message_request_async(
            types.ShowMessageRequestParams(
                type=types.MessageType.Info,
                message=f"Update {counted}?",
                actions=[types.MessageActionItem(UPDATE), types.MessageActionItem(LEAVE)],
            )
        )
        if answer is None or answer.title != UPDATE:
            return
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=f"Update {counted}")
    )
    if not result.applied:
        ls.log(f"vault-ls: the editor did not update the links: {result.failure_reason}", True)


# --- refactors (code actions) -----------------------------------------------------------------


def _client_creates_files(ls: VaultServer) -> bool:
    operations = _capability(ls, "workspace.workspace_edit.resource_operations") or []
    return types.ResourceOperationKind.Create in operations


def _client_range(encoder: Encoder, path: str, where: types.Range) -> Range:
    return Range(encoder.from_client(path, where.start), encoder.from_client(path, where.end))


def _refactors(
    ls: VaultServer, params: types.CodeActionParams, snapshot: Snapshot, path: str, encoder: Encoder
) -> list[types.CodeAction]:
    where = _client_range(encoder, path, params.range)
    documents = _open_documents(ls, snapshot)
    only, creates = params.context.only, _client_creates_files(ls)
    return _guard(refactors.actions, [])(snapshot, path, where, encoder, documents, only, creates)


def _lsp_range(value: dict[str, Any]) -> types.Range:
    try:
        start, end = value["start"], value["end"]
        return types.Range(
            types.Position(int(start["line"]), int(start["character"])),
            types.Position(int(end["line"]), int(end["character"])),
        )
    except (KeyError, TypeError, ValueError):
        raise JsonRpcException('"range" must be an LSP range', code=-32602) from None


@server.command(refactors.EXTRACT_COMMAND)
async def on_extract_note(ls: VaultServer, *arguments: Any) -> None:
    """``{uri, range, name}``: the selection ``range`` of ``uri`` moved to a new note ``name``,
    applied through ``workspace/applyEdit``."""
    params = arguments[0] if arguments else {}
    snapshot, path, encoder = _vault_note(ls, params)
    selection = _client_range(encoder, path, _lsp_range(_param(params, "range", dict)))
    documents = _open_documents(ls, snapshot)
    name = _param(params, "name", str)
    try:
        edit = refactors.extract_edit(snapshot, path, selection, encoder, documents, name)
    except refactors.RefactorRefused as refused:
        raise _failed(f"vault-ls cannot extract the selection: {refused}") from None
    label = f'Extract selection to new note "{name}"'
    answer = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit, label))
    if not answer.applied:
        raise _failed(f"the editor did not apply the edit: {answer.failure_reason or 'no reason'}")


# --- code actions: quick fixes ---------------------------------------------------------------


def _fix_options(ls: VaultServer, snapshot: Snapshot) -> quick_fixes.Options:
    settings = ls.session.settings_for(snapshot.root)
    operations = _capability(ls, "workspace.workspace_edit.resource_operations") or []
    return quick_fixes.Options(
        severity=settings.severity,
        title_sources=settings.title_sources,
        new_file_location=settings.new_file_location,
        new_file_folder=settings.new_file_folder,
        display_text=settings.rename_display_text,
        creates_files=types.ResourceOperationKind.Create in operations,
        renames_files=types.ResourceOperationKind.Rename in operations,
        shows_disabled=_supports(ls, "text_document.code_action.disabled_support"),
    )


def _quick_fixes(
    ls: VaultServer, params: types.CodeActionParams, snapshot: Snapshot, path: str, encoder: Encoder
) -> list[types.CodeAction]:
    where = Range(
        encoder.from_client(path, params.range.start), encoder.from_client(path, params.range.end)
    )
    context = params.context
    invoked = context.trigger_kind != types.CodeActionTriggerKind.Automatic
    return _guard(quick_fixes.code_actions, [])(
        snapshot,
        path,
        where,
        context.diagnostics,
        encoder,
        _open_documents(ls, snapshot),
        _fix_options(ls, snapshot),
        context.only,
        invoked,
    )


def code_action_providers(
    ls: VaultServer, params: types.CodeActionParams, snapshot: Snapshot, path: str, encoder: Encoder
) -> list[types.CodeAction]:
    """Every provider's actions for the request, one list after the other."""
    return [
        *_quick_fixes(ls, params, snapshot, path, encoder),
        *_refactors(ls, params, snapshot, path, encoder),
    ]


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, quick_fixes.FIX_ALL, *refactors.KINDS]
    ),
)
def on_code_action(
    ls: VaultServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    found = ls.snapshot_at(params.text_document.uri)
    if found is None or not found[0].loaded:
        return None
    return code_action_providers(ls, params, *found)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_document_symbols(
    ls: VaultServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol]:
    found = ls.snapshot_at(params.text_document.uri)
    return _guard(symbols.document_symbols, [])(*found) if found else []


@server.feature(types.WORKSPACE_SYMBOL)
@_shows_progress("Searching symbols", _vault_size, LONG_VAULT)
def on_workspace_symbols(
    ls: VaultServer, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    found: list[types.WorkspaceSymbol] = []
    for vault in ls.session.vaults:
        snapshot = ls.session.snapshot(vault)
        found += _guard(symbols.workspace_symbols, [])(snapshot, params.query, ls.encoder(snapshot))
    return found[: symbols.WORKSPACE_LIMIT]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
def on_document_links(
    ls: VaultServer, params: types.DocumentLinkParams
) -> list[types.DocumentLink]:
    found = ls.snapshot_at(params.text_document.uri)
    return _guard(document_links.document_links, [])(*found) if found else []


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier="vault-ls", inter_file_dependencies=True, workspace_diagnostics=True
    ),
)
def on_document_diagnostic(
    ls: VaultServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport:
    found = ls.snapshot_at(params.text_document.uri)
    items = ls.diagnostics_of(*found) if found else []
    return types.RelatedFullDocumentDiagnosticReport(items=items)


@server.feature(types.WORKSPACE_DIAGNOSTIC)
def on_workspace_diagnostic(
    ls: VaultServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    reports: list[Any] = []
    for vault in ls.session.vaults:
        snapshot = ls.session.snapshot(vault)
        encoder = ls.encoder(snapshot)
        for path in sorted(snapshot.index.notes):
            items = ls.diagnostics_of(snapshot, path, encoder)
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=encoder.uri(path), items=items, version=None
                )
            )
    return types.WorkspaceDiagnosticReport(items=reports)


# --- the plugin backend: custom requests (docs/protocol.md) -----------------------------------


def _param(params: Any, name: str, kind: type[T], default: T | None = None) -> T:
    """A parameter of a custom request (pygls passes them as a dict or a namedtuple)."""
    value = params.get(name) if isinstance(params, dict) else getattr(params, name, None)
    if value is None and default is not None:
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise JsonRpcException(f'"{name}" must be a {kind.__name__}', code=-32602)
    return value


def _optional(params: Any, name: str, kind: type[T]) -> T | None:
    value = params.get(name) if isinstance(params, dict) else getattr(params, name, None)
    return None if value is None else _param(params, name, kind)


def _vault_note(ls: VaultServer, params: Any) -> tuple[Snapshot, str, Encoder]:
    """The snapshot, path and encoder of ``params.uri``: a file in a vault, else RequestFailed."""
    uri = _param(params, "uri", str)
    found = ls.snapshot_at(uri) if uri.startswith("file:") else None
    if found is None or found[0].alone:
        raise _failed(f"{uri} is not in any vault (the workspace folders: {_roots(ls)})")
    return found


def _roots(ls: VaultServer) -> str:
    return ", ".join(str(vault.root) for vault in ls.session.vaults) or "none"


def _a_note(snapshot: Snapshot, path: str) -> None:
    if path not in snapshot.index.notes:
        raise _failed(f"{path} is not a note of the vault at {snapshot.root}")


def _backend(feature: Callable[P, T]) -> Callable[P, T]:
    """A feature's ``RequestError`` answers RequestFailed with its message."""

    @functools.wraps(feature)
    def answered(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return feature(*args, **kwargs)
        except RequestError as error:
            raise _failed(str(error)) from None

    return answered


@server.feature("vault/status")
def on_vault_status(ls: VaultServer, params: Any) -> dict[str, Any]:
    vaults = [note_info.vault_status(ls.session.snapshot(vault)) for vault in ls.session.vaults]
    return {"vaults": vaults, "version": __version__}


@server.feature("vault/noteInfo")
def on_note_info(ls: VaultServer, params: Any) -> dict[str, Any]:
    snapshot, path, encoder = _vault_note(ls, params)
    settings = ls.session.settings
    return _backend(note_info.note_info)(
        snapshot, path, encoder, settings.severity, settings.title_sources
    )


@server.feature("vault/backlinks")
@_shows_progress("Finding backlinks", _backlinking, LONG_LINKING)
def on_backlinks(ls: VaultServer, params: Any) -> list[dict[str, Any]]:
    snapshot, path, encoder = _vault_note(ls, params)
    anchor = _optional(params, "anchor", str)
    return link_panels.backlinks(snapshot, path, encoder, anchor)


@server.feature("vault/outgoing")
def on_outgoing(ls: VaultServer, params: Any) -> list[dict[str, Any]]:
    snapshot, path, encoder = _vault_note(ls, params)
    _a_note(snapshot, path)
    return link_panels.outgoing(snapshot, path, encoder, ls.session.settings.severity)


@server.feature("vault/unlinkedMentions")
async def on_unlinked_mentions(ls: VaultServer, params: Any) -> list[dict[str, Any]]:
    snapshot, path, encoder = _vault_note(ls, params)
    _a_note(snapshot, path)
    limit = _param(params, "limit", int, mentions.DEFAULT_LIMIT)
    table = mentions.mention_index_for(snapshot)  # a large vault: read in a thread, once
    if not table.ready:
        title = f"Reading {len(snapshot.index.notes)} notes for unlinked mentions"
        async with _progress(ls, title):
            await asyncio.to_thread(table.wait_read)
        snapshot, path, encoder = _vault_note(ls, params)  # what changed meanwhile
        _a_note(snapshot, path)
    return _backend(mentions.unlinked_mentions)(snapshot, path, encoder, limit)


async def _begin_progress(ls: VaultServer, begin: types.WorkDoneProgressBegin) -> str | None:
    """A progress the client shows (``window/workDoneProgress``), begun; its token, or None for
    a client that shows none."""
    if not _supports(ls, "window.work_done_progress"):
        return None
    token = str(uuid.uuid4())
    try:
        await ls.work_done_progress.create_async(token)
        ls.work_done_progress.begin(token, begin)
    except Exception:
        return None
    return token


@contextlib.asynccontextmanager
async def _progress(ls: VaultServer, title: str) -> AsyncIterator[None]:
    """``window/workDoneProgress`` around a request's long wait, for clients that show it."""
    token = await _begin_progress(ls, types.WorkDoneProgressBegin(title=title))
    try:
        yield
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd())


@server.feature("vault/tags")
def on_tags(ls: VaultServer, params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for vault in ls.session.vaults:
        snapshot = ls.session.snapshot(vault)
        found += tag_tree.tag_tree(snapshot, ls.encoder(snapshot))
    return found


@server.feature("vault/graph")
@_shows_progress("Drawing the graph", _whole_graph_size, LONG_VAULT)
def on_graph(ls: VaultServer, params: Any) -> dict[str, Any]:
    depth = _param(params, "depth", int, 1)
    attachments = _param(params, "includeAttachments", bool, False)
    missing = _param(params, "includeMissing", bool, False)
    if _optional(params, "uri", str) is None:
        root = _optional(params, "root", str)
        vault = ls.session.vault_at(root) if root else next(iter(ls.session.vaults), None)
        if vault is None:
            raise _failed(f"no vault at {root}" if root else "no vault is open")
        snapshot = ls.session.snapshot(vault)
        return graph.graph(snapshot, ls.encoder(snapshot), None, depth, attachments, missing)
    limit = _param(params, "limit", int, graph.LOCAL_LIMIT)
    snapshot, path, encoder = _vault_note(ls, params)
    return graph.graph(snapshot, encoder, path, depth, attachments, missing, limit)


@server.feature("vault/search")
def on_search(ls: VaultServer, params: Any) -> list[dict[str, Any]]:
    query = _param(params, "query", str)
    limit = _param(params, "limit", int, quick_switch.DEFAULT_LIMIT)
    found: list[dict[str, Any]] = []
    for vault in ls.session.vaults:
        snapshot = ls.session.snapshot(vault)
        found += quick_switch.search(snapshot, query, ls.encoder(snapshot), limit)
    found.sort(key=lambda item: -item["score"])
    return found[:limit]


# --- commands and code lenses: new notes, daily notes, re-index, backlink counts -------------


def _command_params(args: tuple[Any, ...]) -> Any:
    """A command's one argument, an object (``{}`` when none is given)."""
    return args[0] if args and args[0] is not None else {}


def _command_vault(ls: VaultServer, params: Any) -> tuple[Snapshot, str | None, Encoder]:
    """The vault a command acts on: the one holding ``uri`` (the note being edited), else the
    one at ``root``, else the first; with the note's path when ``uri`` is given."""
    if _optional(params, "uri", str) is not None:
        return _vault_note(ls, params)
    root = _optional(params, "root", str)
    vault = ls.session.vault_at(root) if root else next(iter(ls.session.vaults), None)
    if vault is None:
        raise _failed(f"no vault at {root}" if root else "no vault is open")
    snapshot = ls.session.snapshot(vault)
    return snapshot, None, ls.encoder(snapshot)


async def _create_note(
    ls: VaultServer, snapshot: Snapshot, encoder: Encoder, note: new_notes.NewNote
) -> None:
    """Ask the editor to create the note; RequestFailed when something is there already or the
    editor refuses (its reason in the message)."""
    if ls.session.occupied(snapshot.root, note.path):
        raise _failed(f"{note.path} already exists in the vault at {snapshot.root}")
    edit = new_notes.create_edit(encoder, note)
    label = f"Create {note.path}"
    answer = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit, label))
    if not answer.applied:
        reason = answer.failure_reason or "the edit was refused"
        raise _failed(f"the editor did not create {note.path}: {reason}")


@server.command("vault-ls.createNote")
async def on_create_note(ls: VaultServer, *args: Any) -> dict[str, Any]:
    params = _command_params(args)
    name = _param(params, "name", str)
    snapshot, current, encoder = _command_vault(ls, params)
    folder = _optional(params, "folder", str)
    if folder is None and "/" in name.strip("/"):
        folder = ""  # a name with folders is a path from the vault's root, as in a link
    if folder is None:
        settings = ls.session.settings_for(snapshot.root)
        location, default = settings.new_file_location, settings.new_file_folder
        folder = new_notes.new_folder(location, default, current)
    path = _backend(new_notes.note_path)(snapshot, name, folder)
    content = _optional(params, "content", str) or ""
    uri = encoder.uri(path)
    await _create_note(ls, snapshot, encoder, new_notes.NewNote(path, content))
    return {"uri": uri, "path": path}


def _day(params: Any) -> datetime.datetime:
    """``date`` (``YYYY-MM-DD``) at the time it is now, or now."""
    now = datetime.datetime.now()
    asked = _optional(params, "date", str)
    if asked is None:
        return now
    try:
        day = datetime.date.fromisoformat(asked)
    except ValueError:
        raise JsonRpcException(f'"date" must be YYYY-MM-DD, not {asked!r}', code=-32602) from None
    return datetime.datetime.combine(day, now.time())


@server.command("vault-ls.openDailyNote")
async def on_daily_note(ls: VaultServer, *args: Any) -> dict[str, Any]:
    params = _command_params(args)
    when = _day(params)
    snapshot, _, encoder = _command_vault(ls, params)
    daily = ls.session.settings_for(snapshot.root).daily_notes
    path = new_notes.daily_path(daily.folder, daily.format, when)
    uri = encoder.uri(path)
    created = path not in snapshot.index.notes and not ls.session.occupied(snapshot.root, path)
    if created:
        title = path.rsplit("/", 1)[-1][: -len(".md")]
        content = _backend(new_notes.daily_content)(snapshot, daily.template, title, when)
        await _create_note(ls, snapshot, encoder, new_notes.NewNote(path, content))
    if _supports(ls, "window.show_document.support"):
        await ls.window_show_document_async(types.ShowDocumentParams(uri, take_focus=True))
    return {"uri": uri, "path": path, "created": created}


@server.command("vault-ls.reindex")
async def on_reindex(ls: VaultServer, *args: Any) -> dict[str, Any]:
    if ls.session.indexing:
        raise _failed("the vaults are being indexed already")
    await index_and_save(ls, list(ls.session.vaults))
    return {"notes": sum(len(vault.index) for vault in ls.session.vaults)}


@server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
def on_code_lens(ls: VaultServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    found = ls.snapshot_at(params.text_document.uri)
    if found is None or found[0].alone or not found[0].loaded:
        return []
    if not ls.session.settings_for(found[0].root).code_lens_backlinks:
        return []
    return _guard(code_lens.code_lenses, [])(*found)


def run(tcp: str | None = None) -> int:
    """Serve until ``exit`` (or end of input); the exit code is 1 for ``exit`` without
    ``shutdown``, as the LSP asks (pygls swallows the code it means to exit with)."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(AnsweredFailures())
    server.idle_collector.start()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    server.session.stop_watching()
    server.session.finish_saves()
    return exit_code(server)
