"""Features on in-memory vaults (``fixture.py``): exact labels, ranges and texts in the client's
units (UTF-16 unless said), with the cursor at ``$0``."""

from __future__ import annotations

from lsprotocol import types
from tests.features.fixture import Fixture

from vault_ls.features import completion, definition, diagnostics, hover, references, symbols


def span(where: types.Range) -> tuple[int, int, int, int]:
    return (where.start.line, where.start.character, where.end.line, where.end.character)


# --- completion ---------------------------------------------------------------------------------


def check_completion(text: str, expected: list[tuple[str, str, str, tuple[int, int, int, int]]]):
    f = Fixture(text)
    found = completion.complete(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    got = [
        (item.label, item.detail, item.text_edit.new_text, span(item.text_edit.range))
        for item in found.items
        if isinstance(item.text_edit, types.TextEdit)
    ]
    assert got == expected


def test_completion_after_an_emoji_replaces_what_was_typed() -> None:
    check_completion(
        """
        //- Alpha — α.md
        # Alpha — α
        😀 see [[Be$0
        //- Beta.md
        # Beta
        """,
        [("Beta", "(vault root)", "Beta]]", (1, 9, 1, 11))],
    )


def test_completion_of_a_heading_in_another_note() -> None:
    check_completion(
        """
        //- Alpha.md
        中文 [[Beta#Pa$0]]
        //- Beta.md
        # Beta
        ## Part — two
        """,
        [("Part — two", "H2 in Beta", "Part — two", (0, 10, 0, 12))],
    )


def test_completion_items_name_their_vault_and_note() -> None:
    f = Fixture(
        """
        //- a/Note.md
        [[Ta$0
        //- b/Target 😀.md
        # Target 😀
        """
    )
    found = completion.complete(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    assert [item.data for item in found.items] == [
        {"vault": "file:///vault", "path": "b/Target 😀.md"}
    ]


# --- hover and definition -----------------------------------------------------------------------

LINKED = """
//- Alpha.md
# Alpha
😀 see [[Be$0ta#Part two]] and [[Gone]]
//- Beta.md
# Beta
Body — 中文.
## Part two
Second part.
"""


def test_hover_on_a_heading_link_shows_the_section() -> None:
    f = Fixture(LINKED)
    found = hover.hover(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value == (
        "**Beta**\n\n`Beta.md`\n\n1 backlink\n\n---\n\n## Part two\nSecond part."
    )
    assert span(found.range) == (1, 7, 1, 24)


def test_definition_lands_on_the_heading() -> None:
    f = Fixture(LINKED)
    (found,) = definition.definition(f.snapshot, f.path, f.position, f.encoder, True)
    assert isinstance(found, types.LocationLink)
    assert found.target_uri == "file:///vault/Beta.md"
    assert span(found.target_range) == (2, 0, 2, 11)
    assert span(found.origin_selection_range) == (1, 7, 1, 24)


def test_definition_of_a_link_to_no_note_is_none() -> None:
    f = Fixture(LINKED.replace("Be$0ta", "Beta").replace("[[Gone]]", "[[Go$0ne]]"), "utf-8")
    assert definition.definition(f.snapshot, f.path, f.position, f.encoder, True) is None


# --- references, symbols, diagnostics ----------------------------------------------------------


def test_references_to_a_note_from_its_title() -> None:
    f = Fixture(
        """
        //- Beta.md
        # Be$0ta
        //- Alpha.md
        — [[Beta]] and [[Beta#Part]]
        //- 中文.md
        ![[Beta]]
        """
    )
    found = references.references(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    assert sorted((ref.uri, span(ref.range)) for ref in found) == [
        ("file:///vault/%E4%B8%AD%E6%96%87.md", (0, 0, 0, 9)),
        ("file:///vault/Alpha.md", (0, 2, 0, 10)),
        ("file:///vault/Alpha.md", (0, 15, 0, 28)),
    ]


SELF_LINKS = """
//- Beta — β.md
# Beta — β
Body 😀 $0here, see [[#Part two]] and [[#^b1]].
## Part two
Also [[Beta — β#Part two]]. ^b1
//- Alpha.md
— [[Beta — β]] and [[Beta — β#Part two]]
"""


def test_backlinks_of_a_note_leave_out_its_links_to_itself() -> None:
    # issue 15 item 8: ``:VaultBacklinks`` (references from anywhere in the note) listed the
    # note's own ``[[#…]]`` links; Obsidian's backlinks leave them out.
    f = Fixture(SELF_LINKS)
    found = references.references(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    assert [(ref.uri, span(ref.range)) for ref in found] == [
        ("file:///vault/Alpha.md", (0, 2, 0, 14)),
        ("file:///vault/Alpha.md", (0, 19, 0, 40)),
    ]


def test_references_of_a_heading_keep_the_links_to_it_within_the_note() -> None:
    # every link that would break if ``## Part two`` were renamed, this note's included
    f = Fixture(
        SELF_LINKS.replace("Body 😀 $0here", "Body 😀 here").replace("## Part", "## Pa$0rt")
    )
    found = references.references(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    assert [(ref.uri, span(ref.range)) for ref in found] == [
        ("file:///vault/Alpha.md", (0, 19, 0, 40)),
        ("file:///vault/Beta%20%E2%80%94%20%CE%B2.md", (1, 18, 1, 31)),
        ("file:///vault/Beta%20%E2%80%94%20%CE%B2.md", (3, 5, 3, 26)),
    ]


def test_document_symbols_nest_headings() -> None:
    f = Fixture(
        """
        //- Beta.md
        # Beta 😀
        Body.
        ## Part two
        Second part.
        """
    )
    (top,) = symbols.document_symbols(f.snapshot, "Beta.md", f.encoder)
    assert (top.name, top.detail, span(top.selection_range)) == ("Beta 😀", "H1", (0, 0, 0, 9))
    assert [(child.name, span(child.range)) for child in top.children or []] == [
        ("Part two", (2, 0, 4, 0))
    ]


def test_diagnostics_of_a_broken_link_after_a_heading_link() -> None:
    f = Fixture(LINKED)
    found = diagnostics.diagnostics(f.snapshot, f.path, f.encoder)
    assert [(d.code, d.message, span(d.range)) for d in found] == [
        ("unresolved-link", 'No note named "Gone"', (1, 31, 1, 35))
    ]
