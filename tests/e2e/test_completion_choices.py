"""Issue 15 over the wire, as a current VS Code sees it (``labelDetailsSupport``): rows that show
their file, no title from a first heading several notes share, the notes opened lately first
after a bare ``[[``, headings holding links written as Obsidian writes them, and backlinks
without the note's links to itself."""

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import (
    SERVER,
    accept_registrations,
    open_note,
    units,
    wait_indexed,
    write_vault,
)

VAULT = {
    ".obsidian/app.json": "{}",
    "Python/Python Backslash (escaping character).md": "# Index\n\nSee [[#Index]].\n",
    "Python/Python Sets — 集合.md": "# Index\n",
    "Java/Arrays.md": "# Index\n[[Python Slicing]]\n",
    "Python Slicing.md": (
        "# Python Slicing\n## Slicing and [[Python Sets — 集合]]\nText, [[#Python Slicing]]\n"
    ),
    "Hub.md": "[[Python Slicing]] [[Java/Arrays]]\n",
}


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    root = write_vault(tmp_path / "vault", VAULT)
    lsp_client.registrations = accept_registrations(lsp_client)
    capabilities = client_capabilities("visual-studio-code")
    item = capabilities.text_document.completion.completion_item  # type: ignore[union-attr]
    item.label_details_support = True  # as VS Code 1.66+ says
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="vault")],
        )
    )
    await wait_indexed(lsp_client)
    lsp_client.vault_root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def complete(client: LanguageClient, line: str) -> list[tuple[str, str | None, str]]:
    address = open_note(client, client.vault_root, "Scratch — 草稿.md", line)  # type: ignore[attr-defined]
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(address), types.Position(0, units(client, line))
        )
    )
    assert isinstance(result, types.CompletionList)
    return [
        (
            item.label,
            item.label_details.description if item.label_details else None,
            item.text_edit.new_text,  # type: ignore[union-attr]
        )
        for item in result.items
    ]


async def test_completion_rows_show_their_files_and_the_notes_opened_lately(client):
    root = client.vault_root
    open_note(client, root, "Python/Python Sets — 集合.md")
    found = await complete(client, "😀 [[")
    assert found[:3] == [
        ("Python Sets — 集合", "Python/Python Sets — 集合", "Python Sets — 集合]]"),  # opened
        ("Python Slicing", "Python Slicing", "Python Slicing]]"),  # two notes link to it
        ("Arrays", "Java/Arrays", "Arrays]]"),  # one does
    ]
    # nine "Index" rows before, each inserting ``…|Index``
    assert await complete(client, "😀 [[Index") == []


async def test_a_heading_holding_a_link_completes_to_a_link_that_resolves(client):
    found = await complete(client, "[[Python Slicing#Slicing a")
    assert found == [
        ("Slicing and Python Sets — 集合", None, "Slicing and Python Sets — 集合]]"),
    ]


async def test_backlinks_leave_out_the_notes_links_to_itself(client):
    root = client.vault_root
    address = open_note(client, root, "Python Slicing.md")
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(address),
            position=types.Position(2, 2),  # on no link or heading: the note as a whole
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert sorted((r.uri.rsplit("/", 1)[-1], r.range.start.line) for r in result) == [
        ("Arrays.md", 1),
        ("Hub.md", 0),
    ]
