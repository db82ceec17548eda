"""Completion as an editor sees it: labels, details, the exact text edit, the cap."""

from lsprotocol import types

from tests.e2e.conftest import open_note, units


async def complete(client, vault_root, line: str, relative="Scratch.md", column=None):
    address = open_note(client, vault_root, relative, line)
    character = units(client, line) if column is None else column
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(0, character))
    )
    return result


def edit(item):
    r = item.text_edit.range
    return (r.start.character, r.end.character, item.text_edit.new_text)


async def test_title_of_a_note_named_by_id(client, vault_root):
    result = await complete(client, vault_root, "x [[Lou")
    first = result.items[0]
    # the detail names the file, not only its folder (issue 15: nine "Index" rows, alike)
    assert (first.label, first.detail) == ("Louie Kurenai", "people/ruikurenaii")
    assert edit(first) == (4, 7, "ruikurenaii|Louie Kurenai]]")


async def test_alias_inserts_the_piped_form(client, vault_root):
    result = await complete(client, vault_root, "[[First")
    first = result.items[0]
    assert first.label == "First letter"
    assert edit(first) == (2, 7, "Alpha — notes|First letter]]")


async def test_clashing_names_insert_the_folder(client, vault_root):
    result = await complete(client, vault_root, "[[Same")
    found = sorted((item.label, edit(item)[2]) for item in result.items if "Same" in item.label)
    assert found == [("Same in a", "a/Same|Same in a]]"), ("Same in b", "b/Same|Same in b]]")]


async def test_an_alias_is_offered_beside_its_note(client, vault_root):
    result = await complete(client, vault_root, "[[t")
    alpha = [(i.label, i.detail, i.filter_text) for i in result.items if "Alpha" in edit(i)[2]]
    assert sorted(alpha) == [
        ("Alpha — notes", "(vault root)", "Alpha — notes"),
        ("First letter", "alias of Alpha — notes", "First letter"),
    ]


async def test_filter_text_keeps_items_while_typing_on(client, vault_root):
    result = await complete(client, vault_root, "[[rui")
    first = result.items[0]
    # the editor filters on what was matched: the title and the file name both stay visible
    assert (first.label, first.filter_text) == ("Louie Kurenai", "Louie Kurenai ruikurenaii")


async def test_a_lone_closing_bracket_is_replaced(client, vault_root):
    result = await complete(client, vault_root, "[[Bet]", column=5)
    beta = next(item for item in result.items if item.label == "Beta")
    assert edit(beta) == (2, 6, "Beta]]")


async def test_existing_closing_brackets_are_not_doubled(client, vault_root):
    result = await complete(client, vault_root, "see [[Bet]] now", column=9)
    beta = next(item for item in result.items if item.label == "Beta")
    assert edit(beta) == (6, 9, "Beta")


async def test_headings_of_a_note_after_emoji(client, vault_root):
    line = "😀 [[Alpha — notes#Sec"
    result = await complete(client, vault_root, line)
    first = result.items[0]
    assert first.label == "Section 😀"
    start = units(client, "😀 [[Alpha — notes#")
    assert edit(first) == (start, start + 3, "Section 😀]]")


async def test_block_ids_with_their_text(client, vault_root):
    result = await complete(client, vault_root, "[[Alpha — notes#^")
    first = result.items[0]
    assert (first.label, first.detail) == ("^para-1", "A paragraph with an id.")
    assert edit(first)[2] == "para-1]]"


async def test_same_note_headings(client, vault_root):
    text = (vault_root / "Alpha — notes.md").read_text(encoding="utf-8") + "[[#Sec"
    address = open_note(client, vault_root, "Alpha — notes.md", text)
    last = text.count("\n")
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(last, 6))
    )
    assert [item.label for item in result.items] == ["Section 😀"]


async def test_vault_wide_headings_and_blocks(client, vault_root):
    headings = await complete(client, vault_root, "[[##Section")
    assert edit(headings.items[0])[2] == "Alpha — notes#Section 😀]]"
    blocks = await complete(client, vault_root, "[[^^paragraph")
    assert edit(blocks.items[0])[2] == "Alpha — notes#^para-1]]"


async def test_attachments_after_embed(client, vault_root):
    result = await complete(client, vault_root, "![[pic")
    assert [(item.label, edit(item)[2]) for item in result.items] == [
        ("picture.png", "picture.png]]")
    ]


async def test_markdown_link_destination(client, vault_root):
    result = await complete(client, vault_root, "[x](Alp")
    assert edit(result.items[0]) == (4, 7, "Alpha%20%E2%80%94%20notes.md")


async def test_tags(client, vault_root):
    result = await complete(client, vault_root, "text #gre")
    assert [(i.label, i.detail, edit(i)) for i in result.items] == [
        ("greek", "2 notes", (6, 9, "greek"))
    ]


async def test_resolve_adds_a_preview(client, vault_root):
    result = await complete(client, vault_root, "[[Lou")
    item = await client.completion_item_resolve_async(result.items[0])
    formats = client.capabilities.text_document.completion.completion_item.documentation_format
    expected = "plaintext" if formats is not None and "markdown" not in formats else "markdown"
    assert item.documentation.kind == expected
    assert "**Author**: [[Someone]]" in item.documentation.value
    assert "https://example.com/louie" in item.documentation.value
