"""A vault's own settings reach the server (issue 15 items 9 and 11): `.vault-ls.toml` sets
severities, Obsidian's `newLinkFormat` the completion style; the editor's settings go over them."""

from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.conftest import VAULT, open_note, write_vault
from tests.e2e.test_diagnostics import pushed


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "vault",
        {
            **VAULT,
            ".obsidian/app.json": '{"newLinkFormat": "absolute"}',
            ".vault-ls.toml": '[severity]\nalias-link = "off"\nunresolved-link = "error"\n',
        },
    )


async def test_the_vault_file_sets_severities(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    found = await pushed(client, address, lambda d: len(d) == 1)
    assert [(d.code, d.severity) for d in found] == [
        ("unresolved-link", types.DiagnosticSeverity.Error)  # alias-link is off
    ]


async def test_obsidian_link_format_sets_the_completion_style(client, vault_root):
    address = open_note(client, vault_root, "New.md", "[[Louie")
    found = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=address),
            position=types.Position(0, 7),
        )
    )
    items = found.items if isinstance(found, types.CompletionList) else found or []
    edits = [item.text_edit.new_text for item in items if item.text_edit is not None]
    assert "people/ruikurenaii|Louie Kurenai]]" in edits  # "absolute": the full vault path
