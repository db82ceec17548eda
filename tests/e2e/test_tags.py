"""A tag in any case is one tag, over a real session: ``#Project`` in a.md and ``#project`` in
b.md complete as one item, and hover and references count and list both."""

from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.conftest import open_note, units, write_vault

NOTES = {
    "a.md": "# A\n\n😀 #Project — #Café #ÉTÉ\n",
    "b.md": "— #project and #café\n",
    "c.md": "#café #été\n",
}


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", NOTES)


async def completion_items(client, vault_root, line: str):
    address = open_note(client, vault_root, "Scratch.md", line)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(address), types.Position(0, units(client, line))
        )
    )
    return [
        (item.label, item.detail, item.text_edit.range.start.character, item.text_edit.new_text)
        for item in result.items
    ]


async def test_completion_offers_one_item_per_tag(client, vault_root):
    # a tie (one note each): code point order, ``P`` before ``p``
    assert await completion_items(client, vault_root, "x #pro") == [
        ("Project", "2 notes", 3, "Project")
    ]
    assert await completion_items(client, vault_root, "😀 #caf") == [
        ("café", "3 notes", units(client, "😀 #"), "café")
    ]
    assert await completion_items(client, vault_root, "#ét") == [("ÉTÉ", "2 notes", 1, "ÉTÉ")]


async def test_hover_and_references_agree_with_completion(client, vault_root):
    b = open_note(client, vault_root, "b.md")
    position = types.Position(0, units(client, "— #proj"))
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(b), position)
    )
    assert hover.contents.value == (
        "**#Project**\n\nused in 2 notes\n\nwritten #Project in 1 note, #project in 1 note"
    )
    assert (hover.range.start.character, hover.range.end.character) == (
        units(client, "— "),
        units(client, "— #project"),
    )
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(b),
            position=position,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert [
        (
            r.uri.rsplit("/", 1)[-1],
            r.range.start.line,
            r.range.start.character,
            r.range.end.character,
        )
        for r in found
    ] == [
        ("a.md", 2, units(client, "😀 "), units(client, "😀 #Project")),
        ("b.md", 0, units(client, "— "), units(client, "— #project")),
    ]
    cafe = await client.text_document_hover_async(
        types.HoverParams(
            types.TextDocumentIdentifier(b), types.Position(0, units(client, "— #project and #c"))
        )
    )
    assert cafe.contents.value == (
        "**#café**\n\nused in 3 notes\n\nwritten #café in 2 notes, #Café in 1 note"
    )
