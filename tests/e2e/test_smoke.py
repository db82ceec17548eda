from lsprotocol import types

from tests.e2e.conftest import open_note


async def test_completion_after_brackets(client, vault_root):
    address = open_note(client, vault_root, "Beta.md", "x [[Lou")
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(0, 7))
    )
    print(result)
    assert result.items[0].label == "Louie Kurenai"
