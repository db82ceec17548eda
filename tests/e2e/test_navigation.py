"""Definition, references, symbols and document links, on lines with emoji and em-dashes."""

from lsprotocol import types

from tests.e2e.conftest import open_note, units, uri


def at(address, line, character):
    return types.TextDocumentIdentifier(address), types.Position(line, character)


def refs(address, line, character):
    return types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(address),
        position=types.Position(line, character),
        context=types.ReferenceContext(include_declaration=False),
    )


def location_of(result):
    """(uri, start line, start character) for a Location or a LocationLink answer."""
    first = result[0]
    if isinstance(first, types.LocationLink):
        return first.target_uri, first.target_range.start.line, first.target_range.start.character
    return first.uri, first.range.start.line, first.range.start.character


async def test_definition_of_a_heading_link(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    column = units(client, "😀 — [[Alpha")
    result = await client.text_document_definition_async(
        types.DefinitionParams(*at(address, 2, column))
    )
    assert location_of(result) == (uri(vault_root, "Alpha — notes.md"), 8, 0)
    if isinstance(result[0], types.LocationLink):
        origin = result[0].origin_selection_range
        start = units(client, "😀 — ")
        assert (origin.start.character, origin.end.character) == (
            start,
            start + units(client, "[[Alpha — notes#Section 😀]]"),
        )


def target_of(result):
    """(uri, start line, start character, end line, end character) of the first answer."""
    first = result[0]
    if isinstance(first, types.LocationLink):
        target, where = first.target_uri, first.target_range
    else:
        target, where = first.uri, first.range
    return target, where.start.line, where.start.character, where.end.line, where.end.character


async def test_definition_of_a_github_slug_lands_on_the_heading(client, vault_root):
    # GitHub's anchors: ``section-`` for ``## Section 😀``, ``more--later`` for ``## More — later``
    line = "😀 — [to the section](<Alpha — notes.md#section->) and [below](#more--later)"
    text = f"# Gamma\n\n{line}\n\n## More — later\n"
    address = open_note(client, vault_root, "Gamma.md", text)
    other = await client.text_document_definition_async(
        types.DefinitionParams(*at(address, 2, units(client, "😀 — [to")))
    )
    assert target_of(other) == (
        uri(vault_root, "Alpha — notes.md"),
        8,
        0,
        8,
        units(client, "## Section 😀"),
    )
    same = await client.text_document_definition_async(
        types.DefinitionParams(*at(address, 2, units(client, line[: line.index("(#") + 3])))
    )
    assert target_of(same) == (address, 4, 0, 4, units(client, "## More — later"))


async def test_definition_of_a_block_link_and_of_an_id_named_note(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    block = await client.text_document_definition_async(types.DefinitionParams(*at(address, 3, 8)))
    assert location_of(block) == (uri(vault_root, "Alpha — notes.md"), 12, 0)
    by_id = await client.text_document_definition_async(
        types.DefinitionParams(*at(address, 4, units(client, "中文 [[rui")))
    )
    assert location_of(by_id) == (uri(vault_root, "people/ruikurenaii.md"), 0, 0)


async def test_definition_of_an_unresolved_link_is_empty(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    result = await client.text_document_definition_async(
        types.DefinitionParams(
            *at(address, 2, units(client, "😀 — [[Alpha — notes#Section 😀]] and [[Mis"))
        )
    )
    assert not result


async def test_references_from_anywhere_in_a_note(client, vault_root):
    address = open_note(client, vault_root, "Alpha — notes.md")
    result = await client.text_document_references_async(refs(address, 10, 3))
    found = sorted(
        (r.uri.rsplit("/", 1)[-1], r.range.start.line, r.range.start.character) for r in result
    )
    assert found == [
        ("Beta.md", 2, units(client, "😀 — ")),
        ("Beta.md", 3, 4),
    ]


async def test_references_of_a_heading_and_a_tag(client, vault_root):
    address = open_note(client, vault_root, "Alpha — notes.md")
    heading = await client.text_document_references_async(refs(address, 8, 4))
    assert [(r.uri.rsplit("/", 1)[-1], r.range.start.line) for r in heading] == [("Beta.md", 2)]
    beta = open_note(client, vault_root, "Beta.md")
    tag = await client.text_document_references_async(
        refs(beta, 3, units(client, "See [[Alpha — notes#^para-1]] and [[First letter]] #gr"))
    )
    assert sorted(r.uri.rsplit("/", 1)[-1] for r in tag) == [
        "Alpha%20%E2%80%94%20notes.md",
        "Beta.md",
    ]


async def test_document_symbols_are_the_heading_tree(client, vault_root):
    address = open_note(client, vault_root, "Alpha — notes.md")
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(address))
    )
    assert [(s.name, [c.name for c in s.children]) for s in result] == [
        ("Alpha — notes", ["Section 😀"])
    ]
    assert result[0].children[0].selection_range.start.line == 8


async def test_workspace_symbols_are_fuzzy(client, vault_root):
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Sectn"))
    assert [
        (s.name, s.location.uri.rsplit("/", 1)[-1], s.location.range.start.line) for s in result
    ] == [("Section 😀", "Alpha%20%E2%80%94%20notes.md", 8)]
    aliases = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="First letter"))
    assert aliases[0].name == "First letter"


async def test_document_links_for_wikilinks(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    result = await client.text_document_document_link_async(
        types.DocumentLinkParams(types.TextDocumentIdentifier(address))
    )
    targets = [(link.range.start.line, link.target.rsplit("/", 1)[-1]) for link in result]
    assert targets == [
        (2, "Alpha%20%E2%80%94%20notes.md#L9"),
        (3, "Alpha%20%E2%80%94%20notes.md#L13"),
        (4, "ruikurenaii.md"),
    ]
