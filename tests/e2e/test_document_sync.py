"""The server's copy of an open document is the editor's, change after change.

On b36b671 an incremental change at a column past the end of the last line (the LSP places it
at the line's end) was put one character before it by pygls: the editor showed ``[[Abc]]`` and
the server parsed ``[[Ac]]b``; and a change to a document never opened popped "KeyError".
"""

from __future__ import annotations

from lsprotocol import types

from tests.e2e.conftest import open_note, write_vault


def change(client, address: str, version: int, start, end, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=address, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=text
                )
            ],
        )
    )


async def problems(client, address: str) -> list[str]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(address))
    )
    return [d.message for d in report.items]


async def test_a_change_past_the_end_of_the_last_line_lands_at_its_end(client, vault_root):
    write_vault(vault_root, {"Abc.md": "# Abc\n"})
    client.workspace_did_create_files(
        types.CreateFilesParams(files=[types.FileCreate(uri=(vault_root / "Abc.md").as_uri())])
    )
    address = open_note(client, vault_root, "Typing — 😀.md", "😀 [[Ab")
    change(client, address, 2, (0, 40), (0, 40), "c]]")
    assert await problems(client, address) == []
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(types.TextDocumentIdentifier(address))
    )
    assert [link.target for link in links] == [(vault_root / "Abc.md").as_uri()]
    # past the last line: the end of the text, as the editor has it
    change(client, address, 3, (7, 0), (9, 3), " [[Nowhere — 无]]")
    assert await problems(client, address) == ['No note named "Nowhere — 无"']


async def test_a_change_to_a_document_never_opened_is_ignored(client, vault_root):
    address = (vault_root / "Never opened.md").as_uri()
    change(client, address, 2, (0, 0), (0, 0), "[[Beta]]")
    answer = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Beta"))
    assert answer
    assert [m.message for m in client.messages] == []
    assert any(
        m.message == f"vault-ls: ignored a change to {address}, which is not open"
        for m in client.log_messages
    )
