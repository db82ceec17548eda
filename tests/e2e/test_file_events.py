"""File and folder events over stdio, as editors send them, with the disk changed for real.

A folder renamed, created or deleted on disk reaches a server as one watched-files event for
the folder and none for what it holds: VS Code by design (microsoft/vscode#86213,
vscode-languageserver-node#141: "Deleting a folder only results in one event for the folder
delete"); a rename is that folder's ``Deleted`` and the new one's ``Created``. On b36b671 a
renamed folder's notes vanished, the new folder's were never indexed, and the folder itself
became an attachment (a link to it resolved).
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, open_note, start, write_vault
from tests.e2e.test_own_watch import eventually

FOLDER = "Projects — ü"
MOVED = "Archive — 中文"
PLANS = 12


def write_plans(root: Path, folder: str) -> None:
    (root / folder / "deeper 😀").mkdir(parents=True)
    for number in range(PLANS):
        below = "deeper 😀/" if number % 3 == 0 else ""
        (root / folder / f"{below}Plan {number}.md").write_text(
            f"# Plan {number} — ü\n", encoding="utf-8"
        )


def watched(client, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in changes]
        )
    )


async def broken(client, address: str) -> list[str]:
    """The targets of the note's unresolved links, as the editor would list them."""
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(address))
    )
    return sorted(
        d.message for d in report.items if d.code in ("unresolved-link", "unresolved-file")
    )


LINKS = (
    "# Links\n\n"
    f"[[Plan 1]] [[Plan 3]] [[{FOLDER}/Plan 2]] [[{MOVED}/Plan 2]] [[{MOVED}]] [[{FOLDER}]]\n"
)


async def test_a_folder_renamed_on_disk_moves_its_notes(client, vault_root):
    write_plans(vault_root, FOLDER)
    watched(client, (vault_root / FOLDER, types.FileChangeType.Created))
    address = open_note(client, vault_root, "Links — 😀.md", LINKS)
    before = await broken(client, address)
    assert before == sorted(
        [
            f'No note named "{MOVED}"',
            f'No note at "{MOVED}/Plan 2"',
            f'No note named "{FOLDER}"',
        ]
    )

    (vault_root / FOLDER).rename(vault_root / MOVED)
    watched(
        client,
        (vault_root / FOLDER, types.FileChangeType.Deleted),
        (vault_root / MOVED, types.FileChangeType.Created),
    )
    assert await broken(client, address) == sorted(
        [
            f'No note named "{MOVED}"',
            f'No note at "{FOLDER}/Plan 2"',
            f'No note named "{FOLDER}"',
        ]
    )

    shutil.rmtree(vault_root / MOVED)
    watched(client, (vault_root / MOVED, types.FileChangeType.Deleted))
    assert await broken(client, address) == sorted(
        [
            f'No note named "{MOVED}"',
            f'No note at "{MOVED}/Plan 2"',
            f'No note named "{FOLDER}"',
            f'No note at "{FOLDER}/Plan 2"',
            'No note named "Plan 1"',
            'No note named "Plan 3"',
        ]
    )


async def test_a_folder_event_indexes_what_it_holds_now(client, vault_root):
    """A ``Changed`` event for a folder (sent on some platforms) rescans it: notes added are
    indexed, notes gone are dropped, though no event named them."""
    write_plans(vault_root, FOLDER)
    watched(client, (vault_root / FOLDER, types.FileChangeType.Created))
    (vault_root / FOLDER / "deeper 😀" / "Plan 3.md").unlink()
    (vault_root / FOLDER / "New — 新.md").write_text("# New\n", encoding="utf-8")
    watched(client, (vault_root / FOLDER, types.FileChangeType.Changed))
    address = open_note(client, vault_root, "Probe.md", "[[Plan 3]] [[New — 新]] [[Plan 0]]\n")
    assert await broken(client, address) == ['No note named "Plan 3"']


async def test_the_vault_root_deleted_and_made_again_as_the_editor_reports_it(
    client, vault_root, tmp_path
):
    """VS Code reports a deleted workspace folder as one ``Deleted`` event for the folder
    itself. Until this test, that event was ignored: the root's notes were still served."""

    async def served(query: str) -> list[str]:
        return [unquote(u).rpartition("/")[2] for u in await symbol_files(client, query)]

    assert await served("Alpha — notes") == ["Alpha — notes.md"]
    shutil.copytree(vault_root, tmp_path / "backup")
    shutil.rmtree(vault_root)
    watched(client, (vault_root, types.FileChangeType.Deleted))
    assert await served("Alpha — notes") == []
    assert await served("Beta") == []

    shutil.copytree(tmp_path / "backup", vault_root)
    (vault_root / "Omega — ω.md").write_text("# Omega — ω\n", encoding="utf-8")
    watched(client, (vault_root, types.FileChangeType.Created))
    await eventually(lambda: served("Omega"), ["Omega — ω.md"])
    assert await served("Alpha — notes") == ["Alpha — notes.md"]


# --- workspace folders added and removed -----------------------------------------------------

SECOND = {
    "Gamma — γ.md": "# Gamma — γ\n\n[[Delta]] and [[Nowhere — 无]]\n",
    "Delta.md": "# Delta\n\n## Delta part 😀\n",
}


@pytest_lsp.fixture(config=SERVER)
async def neovim(lsp_client: LanguageClient, vault_root: Path):
    """Neovim: pushed diagnostics, progress, workspace folders."""
    await start(lsp_client, vault_root, client_capabilities("neovim@v0.7.0"))
    yield
    await lsp_client.shutdown_session()


def folders_changed(client, added: list[Path], removed: list[Path]) -> None:
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(path.as_uri(), path.name) for path in added],
                removed=[types.WorkspaceFolder(path.as_uri(), path.name) for path in removed],
            )
        )
    )


async def symbol_files(client, query: str) -> list[str]:
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    return sorted({unquote(symbol.location.uri) for symbol in found or []})


async def test_a_workspace_folder_added_is_indexed_and_one_removed_is_no_longer_served(
    neovim: LanguageClient, vault_root: Path, tmp_path: Path
):
    second = write_vault(tmp_path / "second — β", SECOND)
    gamma = open_note(neovim, second, "Gamma — γ.md")
    await wait_for(neovim, gamma, lambda found: found == [])  # alone: other notes unknown
    assert await symbol_files(neovim, "Delta part") == []

    folders_changed(neovim, [second], [])
    await wait_for(neovim, gamma, lambda found: found != [])
    assert messages(neovim.diagnostics[gamma]) == ['No note named "Nowhere — 无"']
    assert await symbol_files(neovim, "Delta part") == [unquote((second / "Delta.md").as_uri())]
    assert sum("Indexed" in m.message for m in neovim.log_messages) == 2
    ends = [report for reports in neovim.progress_reports.values() for report in reports]
    assert [end.message for end in ends if isinstance(end, types.WorkDoneProgressEnd)] == [
        "Indexed 5 notes",
        "Indexed 7 notes",
    ]

    folders_changed(neovim, [], [second])
    await wait_for(neovim, gamma, lambda found: found == [])
    assert await symbol_files(neovim, "Delta part") == []
    assert await symbol_files(neovim, "Alpha — notes") == [
        unquote((vault_root / "Alpha — notes.md").as_uri())
    ]


def messages(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(d.message for d in diagnostics)


async def wait_for(client, address: str, wanted, timeout: float = 20) -> None:
    async def arrived() -> None:
        while True:
            found = client.diagnostics.get(address)
            if found is not None and wanted(messages(found)):
                return
            await asyncio.sleep(0.02)

    await asyncio.wait_for(arrived(), timeout)
