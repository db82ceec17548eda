"""Hover: metadata and preview of the target, why a link is broken, how common a tag is."""

from lsprotocol import types

from tests.e2e.conftest import open_note, units


async def hover_at(client, address, line, character):
    return await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(address), types.Position(line, character))
    )


async def test_hover_shows_readwise_metadata(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    result = await hover_at(client, address, 4, units(client, "中文 [[ruik"))
    text = result.contents.value
    assert text.startswith("**Louie Kurenai**\n\n`people/ruikurenaii.md`")
    for line in (
        "- **Author**: [[Someone]]",
        "- **Full Title**: Louie Kurenai",
        "- **Category**: #articles",
        "- **URL**: https://example.com/louie",
    ):
        assert line in text
    assert "1 backlink" in text
    start = units(client, "中文 ")
    assert (result.range.start.character, result.range.end.character) == (
        start,
        start + units(client, "[[ruikurenaii|Louie Kurenai]]"),
    )


async def test_hover_on_a_heading_link_shows_the_section(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    text = (await hover_at(client, address, 2, units(client, "😀 — [[Al"))).contents.value
    assert "Aliases: First letter" in text
    assert "## Section 😀\n\nBody of the section." in text


async def test_hover_on_a_broken_link_names_the_closest_notes(client, vault_root):
    address = open_note(client, vault_root, "Beta.md", "[[Alpha notes]]")
    text = (await hover_at(client, address, 0, 4)).contents.value
    assert text == 'No note named "Alpha notes".\n\nClosest names: [[Alpha — notes]]'


async def test_hover_on_an_alias_link(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    text = (
        await hover_at(client, address, 3, units(client, "See [[Alpha — notes#^para-1]] and [[Fir"))
    ).contents.value
    assert "is an alias of **Alpha — notes**" in text
    assert "[[Alpha — notes|First letter]]" in text


async def test_hover_on_a_tag_counts_notes(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    line = "See [[Alpha — notes#^para-1]] and [[First letter]] #gr"
    text = (await hover_at(client, address, 3, units(client, line))).contents.value
    assert text == "**#greek**\n\nused in 2 notes"
