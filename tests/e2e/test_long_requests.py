"""Requests that can take over a second on a big vault report work-done progress around their
answer (on the client's own token when it sent one); small ones report none."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, start, uri, write_vault
from vault_ls import server

LINKING = server.LONG_LINKING  # notes linking to the hub: just enough to show progress


@pytest_lsp.fixture(config=SERVER)
async def hub(lsp_client: LanguageClient, tmp_path: Path):
    files = {
        f"Note {n:04d} — ü.md": f"# Note {n}\n\n😀 [[Hub]] and [[Small]]\n" for n in range(LINKING)
    }
    files["Hub.md"] = "# Hub\n"
    files["Small.md"] = "# Small\n"
    files["Other.md"] = "[[Small]] [[Lone]]\n"
    files["Lone.md"] = "# Lone\n"
    lsp_client.vault_root = write_vault(tmp_path / "vault", files)  # type: ignore[attr-defined]
    await start(lsp_client, lsp_client.vault_root, client_capabilities("visual-studio-code"))  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def references_of(root: Path, relative: str, token: str | None = None) -> types.ReferenceParams:
    return types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri(root, relative)),
        position=types.Position(0, 0),
        context=types.ReferenceContext(include_declaration=False),
        work_done_token=token,
    )


def titled(client: LanguageClient, title: str) -> list[list[str]]:
    """The kinds reported on each progress whose begin has ``title``."""
    return [
        [value.kind for value in values]
        for values in client.progress_reports.values()
        if values and values[0].kind == "begin" and values[0].title == title
    ]


async def test_references_of_a_hub_report_progress_and_of_a_small_note_none(hub: LanguageClient):
    root: Path = hub.vault_root  # type: ignore[attr-defined]
    found = await hub.text_document_references_async(references_of(root, "Hub.md"))
    assert found is not None and len(found) == LINKING
    # the end is sent before the answer, on the same stream: both are in when it arrives
    assert titled(hub, "Finding references") == [["begin", "end"]]

    small = await hub.text_document_references_async(references_of(root, "Lone.md"))
    assert small is not None and [(r.uri, r.range.start.character) for r in small] == [
        (uri(root, "Other.md"), 10)
    ]
    assert titled(hub, "Finding references") == [["begin", "end"]]  # none more


async def test_a_long_request_reports_on_the_clients_own_token(hub: LanguageClient):
    root: Path = hub.vault_root  # type: ignore[attr-defined]
    created = set(hub.progress_reports)
    hub.progress_reports["mine — 1"] = []  # the client's own token: it needs no create
    found = await hub.text_document_references_async(references_of(root, "Hub.md", "mine — 1"))
    assert found is not None and len(found) == LINKING
    assert [value.kind for value in hub.progress_reports["mine — 1"]] == ["begin", "end"]
    assert hub.progress_reports["mine — 1"][0].title == "Finding references"
    assert set(hub.progress_reports) == created | {"mine — 1"}  # the server created none
    # a link to the hub, not the hub itself: the same references, with progress
    position = types.Position(2, 6)  # inside [[Hub]], after 😀 (two UTF-16 units)
    params = references_of(root, "Note 0000 — ü.md")
    params.position = position
    again = await hub.text_document_references_async(params)
    assert again is not None and len(again) == LINKING
    assert titled(hub, "Finding references") == [["begin", "end"], ["begin", "end"]]


async def test_the_backlinks_panel_of_a_hub_reports_progress(hub: LanguageClient):
    """Each linking note's line is read for its context: ~0.3 ms a note, 1.5 s for a hub of
    5,000 on the bench vault."""
    root: Path = hub.vault_root  # type: ignore[attr-defined]
    found = await hub.protocol.send_request_async("vault/backlinks", {"uri": uri(root, "Hub.md")})
    assert len(found) == LINKING and found[0]["name"] == "Note 0000 — ü"
    assert titled(hub, "Finding backlinks") == [["begin", "end"]]
    small = await hub.protocol.send_request_async("vault/backlinks", {"uri": uri(root, "Lone.md")})
    assert [group["name"] for group in small] == ["Other"]
    assert titled(hub, "Finding backlinks") == [["begin", "end"]]  # none for a small one


async def test_moving_a_hub_reports_progress(hub: LanguageClient):
    """VS Code asks for the link edits before it moves a file: 1,000 linking notes to edit."""
    root: Path = hub.vault_root  # type: ignore[attr-defined]
    move = types.FileRename(uri(root, "Hub.md"), uri(root, "Hub — moved.md"))
    edit = await hub.workspace_will_rename_files_async(types.RenameFilesParams([move]))
    assert edit is not None and edit.document_changes is not None
    assert len(edit.document_changes) == LINKING
    assert titled(hub, "Updating links") == [["begin", "end"]]
    move = types.FileRename(uri(root, "Lone.md"), uri(root, "Lone — moved.md"))
    small = await hub.workspace_will_rename_files_async(types.RenameFilesParams([move]))
    assert small is not None and small.document_changes is not None
    assert len(small.document_changes) == 1
    assert titled(hub, "Updating links") == [["begin", "end"]]  # none for a small one
