"""Races between the editor's text, file events and answers, over stdio as an editor sees them.

Both failed on b36b671: a completion in a large note right after typing answered from the old
text (None), and resolving a completion item from the second vault showed the first vault's note.
"""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, open_note, replace_text, wait_indexed, write_vault


async def test_completion_in_a_large_note_sees_what_was_just_typed(client, vault_root):
    filler = "A filler line — 😀 and more words to make it long.\n" * 1_200
    address = open_note(client, vault_root, "Big — 中文.md", filler)
    typed = filler + "see [[Bet"
    replace_text(client, address, typed, 2)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(address),
            types.Position(typed.count("\n"), len("see [[Bet")),
        )
    )
    assert result is not None
    assert [item.label for item in result.items] == ["Beta"]


@pytest_lsp.fixture(config=SERVER)
async def two_vaults(lsp_client: LanguageClient, tmp_path: Path):
    first = write_vault(tmp_path / "a", {"Same.md": "# Same\n\nThe note in vault A.\n"})
    second = write_vault(tmp_path / "b", {"Same.md": "# Same\n\nThe note in vault B — β.\n"})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[
                types.WorkspaceFolder(uri=first.as_uri(), name="a"),
                types.WorkspaceFolder(uri=second.as_uri(), name="b"),
            ],
        )
    )
    await wait_indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def test_a_completion_item_resolves_in_the_vault_it_came_from(
    two_vaults: LanguageClient, tmp_path: Path
):
    address = open_note(two_vaults, tmp_path / "b", "Note.md", "[[Sa")
    result = await two_vaults.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(0, 4))
    )
    assert result is not None
    (item,) = result.items
    resolved = await two_vaults.completion_item_resolve_async(item)
    assert "The note in vault B — β." in resolved.documentation.value
    assert "vault A" not in resolved.documentation.value
