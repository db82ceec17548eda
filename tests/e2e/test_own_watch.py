"""A client that watches no files (Neovim 0.7 registers no watchers; so do Linux builds of later
ones): the server watches the vault itself. Notes and folders are made, changed, renamed and
deleted with plain file operations, and no watched-files event is sent: the server's answers
follow within a bounded wait. On b00c296 every one of these waits ran out (the server saw
nothing until a restart)."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, open_note, start

T = TypeVar("T")
WAIT_SECONDS = 10


async def eventually(ask: Callable[[], Awaitable[T]], wanted: T) -> None:
    """Ask until the answer is ``wanted`` (the watch coalesces for 0.1 s; a loaded machine may
    take longer), failing with the last answer after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = await ask()
        if found == wanted or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert found == wanted


@pytest_lsp.fixture(config=SERVER)
async def blind(lsp_client: LanguageClient, vault_root: Path):
    """Neovim 0.7's capabilities: no ``didChangeWatchedFiles`` at all."""
    capabilities = client_capabilities("neovim@v0.7.0")
    assert capabilities.workspace.did_change_watched_files is None
    await start(lsp_client, vault_root, capabilities)
    yield
    await lsp_client.shutdown_session()


def pulled(client: LanguageClient, address: str) -> Callable[[], Awaitable[list[str]]]:
    async def ask() -> list[str]:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(address))
        )
        return sorted(d.message for d in report.items if d.code == "unresolved-link")

    return ask


def symbols(client: LanguageClient, root: Path, query: str) -> Callable[[], Awaitable[list[str]]]:
    async def ask() -> list[str]:
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
        files = {unquote(symbol.location.uri.removeprefix("file://")) for symbol in found or []}
        return sorted(Path(file).relative_to(root).as_posix() for file in files)

    return ask


PROBE = "# Probe\n\n[[Fresh — 新]] [[Renamed 😀]] [[Plan — α]]\n"


async def test_notes_and_folders_changed_on_disk_are_seen_without_events(
    blind: LanguageClient, vault_root: Path
):
    probe = open_note(blind, vault_root, "Probe.md", PROBE)
    broken = pulled(blind, probe)
    await eventually(
        broken,
        ['No note named "Fresh — 新"', 'No note named "Plan — α"', 'No note named "Renamed 😀"'],
    )

    fresh = vault_root / "Fresh — 新.md"
    fresh.write_text("# Fresh — 新\n", encoding="utf-8")  # created
    await eventually(broken, ['No note named "Plan — α"', 'No note named "Renamed 😀"'])

    fresh.write_text("# Fresh — 新\n\n## Kumquat 🍊 heading\n", encoding="utf-8")  # changed
    await eventually(symbols(blind, vault_root, "Kumquat"), ["Fresh — 新.md"])

    fresh.rename(vault_root / "Renamed 😀.md")  # renamed
    await eventually(broken, ['No note named "Fresh — 新"', 'No note named "Plan — α"'])
    await eventually(symbols(blind, vault_root, "Kumquat"), ["Renamed 😀.md"])

    (vault_root / "Renamed 😀.md").unlink()  # deleted
    await eventually(symbols(blind, vault_root, "Kumquat"), [])

    folder = vault_root / "Projects — ü"
    (folder / "deeper").mkdir(parents=True)  # a folder made, with notes, in one burst
    (folder / "deeper" / "Plan — α.md").write_text("# Plan — α\n\n## Quince\n", "utf-8")
    await eventually(symbols(blind, vault_root, "Quince"), ["Projects — ü/deeper/Plan — α.md"])

    folder.rename(vault_root / "Archive — 中文")  # a folder renamed
    await eventually(symbols(blind, vault_root, "Quince"), ["Archive — 中文/deeper/Plan — α.md"])

    shutil.rmtree(vault_root / "Archive — 中文")  # a folder deleted
    await eventually(symbols(blind, vault_root, "Quince"), [])
    await eventually(
        broken,
        ['No note named "Fresh — 新"', 'No note named "Plan — α"', 'No note named "Renamed 😀"'],
    )


async def test_what_an_editor_writes_beside_a_note_is_no_file_of_the_vault(
    blind: LanguageClient, vault_root: Path
):
    """Vim's swap file, its write probe and backups, and anything in hidden folders."""
    for name in [".Beta.md.swp", "4913", "Beta.md~", "draft.tmp", ".git/objects/ab"]:
        (vault_root / name).parent.mkdir(parents=True, exist_ok=True)
        (vault_root / name).write_text("# Junk heading\n", encoding="utf-8")
    (vault_root / "Real 🍐.md").write_text("# Real 🍐\n\n## Junk heading too\n", "utf-8")
    await eventually(symbols(blind, vault_root, "Junk heading"), ["Real 🍐.md"])


@pytest_lsp.fixture(config=SERVER)
async def watching_off(lsp_client: LanguageClient, vault_root: Path):
    capabilities = client_capabilities("neovim@v0.7.0")
    lsp_client.registrations = []
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=vault_root.as_uri(),
            initialization_options={"watch": "off"},
        )
    )
    while not any("Indexed" in m.message for m in lsp_client.log_messages):
        await asyncio.sleep(0.02)
    yield
    await lsp_client.shutdown_session()


async def test_watch_off_leaves_the_disk_unwatched(watching_off: LanguageClient, vault_root: Path):
    (vault_root / "Fresh.md").write_text("# Fresh\n\n## Medlar\n", "utf-8")
    (vault_root / "Control.md").write_text("# Control\n\n## Medlar too\n", "utf-8")
    watching_off.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent((vault_root / "Control.md").as_uri(), types.FileChangeType.Created)]
        )
    )
    await eventually(symbols(watching_off, vault_root, "Medlar"), ["Control.md"])
    await asyncio.sleep(0.5)  # the watch would have reported Fresh.md by now
    assert await symbols(watching_off, vault_root, "Medlar")() == ["Control.md"]


async def test_a_vault_root_deleted_serves_nothing_and_restored_is_indexed_again(
    blind: LanguageClient, vault_root: Path, tmp_path: Path
):
    """On b36b671 a deleted root's 40 notes were still served, and 30 after a restore."""
    alpha = ["Alpha — notes.md"]
    await eventually(symbols(blind, vault_root, "Alpha — notes"), alpha)
    shutil.copytree(vault_root, tmp_path / "backup")
    shutil.rmtree(vault_root)
    await eventually(symbols(blind, vault_root, "Alpha — notes"), [])
    await eventually(symbols(blind, vault_root, "Beta"), [])

    shutil.copytree(tmp_path / "backup", vault_root)
    (vault_root / "Alpha — notes.md").unlink()  # the restore is not quite what was there
    (vault_root / "Omega — ω.md").write_text("# Omega — ω\n", encoding="utf-8")
    await eventually(symbols(blind, vault_root, "Omega"), ["Omega — ω.md"])
    await eventually(symbols(blind, vault_root, "Alpha — notes"), [])
    await eventually(symbols(blind, vault_root, "Beta"), ["Beta.md"])
    (vault_root / "Later.md").write_text("# Later\n", encoding="utf-8")  # watched again
    await eventually(symbols(blind, vault_root, "Later"), ["Later.md"])
