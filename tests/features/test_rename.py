"""Renaming a note: the exact bytes of every file after the edit, applied by the tests' own
applier (``edit_applier``), and the refusals with their reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from tests.features.edit_applier import Refused, apply
from tests.features.fixture import Fixture

from vault_ls.features import rename
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import OpenDocument
from vault_ls.vault.positions import Position
from vault_ls.vault.snapshot import in_memory

ROOT = Path("/vault")


def renamed(fixture: str, new_name: str, **options: bool) -> dict[str, str]:
    f = Fixture(fixture)
    edit = rename.rename(f.snapshot, f.path, f.position, f.encoder, new_name, {}, **options)
    return apply(f.files, edit, ROOT)


def test_every_link_form_keeps_its_form_and_only_its_target_changes() -> None:
    after = renamed(
        """
        //- Old — draft.md
        # Old — draft

        A paragraph. ^para
        //- Uses.md
        see [[Old — d$0raft]] [[Old — draft|Old — draft]] [[Old — draft|shown]]
        ![[Old — draft#^para]] [[Old — draft.md#H1#H2]] [[old — draft]] [[foo]]
        [[Old — draftish]] Old — draft
        [a](Old%20—%20draft.md) [Old — draft](<Old — draft.md#H>) [c](./Old%20—%20draft)
        | cell | [[Old — draft\\|Old — draft]] |
        |---|---|
        `[[Old — draft]]` $[[Old — draft]]$ %%[[Old — draft]]%% <!-- [[Old — draft]] -->

        ```
        [[Old — draft]]
        ```
        """,
        "Neu 😀 名",
    )
    assert after["Uses.md"] == (
        "see [[Neu 😀 名]] [[Neu 😀 名|Neu 😀 名]] [[Neu 😀 名|shown]]\n"
        "![[Neu 😀 名#^para]] [[Neu 😀 名.md#H1#H2]] [[neu 😀 名]] [[foo]]\n"
        "[[Old — draftish]] Old — draft\n"
        "[a](Neu%20😀%20名.md) [Neu 😀 名](<Neu 😀 名.md#H>) [c](./Neu%20😀%20名)\n"
        "| cell | [[Neu 😀 名\\|Neu 😀 名]] |\n"
        "|---|---|\n"
        "`[[Old — draft]]` $[[Old — draft]]$ %%[[Old — draft]]%% <!-- [[Old — draft]] -->\n"
        "\n```\n[[Old — draft]]\n```\n"
    )
    assert "Old — draft.md" not in after
    assert after["Neu 😀 名.md"] == "# Neu 😀 名\n\nA paragraph. ^para\n"


def test_display_text_stays_when_the_setting_is_off() -> None:
    after = renamed(
        """
        //- Old.md
        //- A.md
        [[Old$0|Old]] [Old](Old.md)
        """,
        "New",
        display_text=False,
    )
    assert after["A.md"] == "[[New|Old]] [Old](New.md)\n"


def test_path_qualified_and_relative_links_keep_their_folders() -> None:
    after = renamed(
        """
        //- notes/sub/Old.md
        //- notes/A.md
        [[notes/sub/Old$0]] [[sub/Old]] [[Old]] [x](sub/Old.md) [y](../notes/sub/Old.md)
        [z](/notes/sub/Old.md)
        """,
        "New",
    )
    assert after["notes/A.md"] == (
        "[[notes/sub/New]] [[sub/New]] [[New]] [x](sub/New.md) [y](../notes/sub/New.md)\n"
        "[z](/notes/sub/New.md)\n"
    )
    assert "notes/sub/New.md" in after


def test_frontmatter_links_stay_valid_yaml() -> None:
    after = renamed(
        """
        //- Old.md
        //- A.md
        ---
        related: "[[Old]]"
        more:
          - '[[Old|Old]]'
        ---
        [[Old$0]]
        """,
        "Bob's $5 day",
    )
    # a single-quoted value doubles ``'``; a double-quoted one takes it as it is
    assert after["A.md"] == (
        "---\n"
        'related: "[[Bob\'s $5 day]]"\n'
        "more:\n"
        "  - '[[Bob''s $5 day|Bob''s $5 day]]'\n"
        "---\n"
        "[[Bob's $5 day]]\n"
    )


def test_a_new_name_that_collides_gets_a_path_and_nothing_re_points() -> None:
    after = renamed(
        """
        //- a/Old.md
        //- b/Same.md
        //- Root.md
        [[Old$0]] and [[Same]]
        //- b/Near.md
        [[Same]] [[Old]]
        """,
        "Same",
    )
    # from the root, [[Same]] would reach a/Same (closer by path order): both get paths
    assert after["Root.md"] == "[[a/Same]] and [[b/Same]]\n"
    # from b/, [[Same]] still reaches b/Same; the renamed note needs its folder
    assert after["b/Near.md"] == "[[Same]] [[a/Same]]\n"
    assert "a/Same.md" in after and after["b/Same.md"] == "\n"


def test_crlf_bom_and_missing_final_newline_are_kept() -> None:
    files = {
        "Old.md": "\ufeff# Old\r\n\r\ntext",
        "A.md": "\ufeff[[Old]] x\r\n[[Old|Old]]\r\n",
        "B.md": "line\r[[Old]]",
    }
    snapshot = in_memory(files)
    encoder = Encoder(snapshot)
    edit = rename.rename(snapshot, "B.md", Position(1, 3), encoder, "New", {})
    after = apply(files, edit, ROOT)
    assert after == {
        # the parser reads no heading behind a BOM (so no title to rename): bytes kept
        "New.md": "\ufeff# Old\r\n\r\ntext",
        "A.md": "\ufeff[[New]] x\r\n[[New|New]]\r\n",
        "B.md": "line\r[[New]]",
    }


def test_open_documents_get_their_versions_and_uris() -> None:
    files = {"Old.md": "# Old\n", "A.md": "[[Old]]\n", "B.md": "[[Old]]\n"}
    snapshot = in_memory(files)
    encoder = Encoder(snapshot)
    documents = {"A.md": OpenDocument("file:///vault/A.md", 7)}
    edit = rename.rename(snapshot, "A.md", Position(0, 3), encoder, "New", documents, annotate=True)
    changes = edit.document_changes or []
    versions = {
        c.text_document.uri: c.text_document.version
        for c in changes
        if isinstance(c, types.TextDocumentEdit)
    }
    assert versions == {
        "file:///vault/A.md": 7,
        "file:///vault/B.md": None,
        "file:///vault/Old.md": None,
    }
    move = changes[-1]
    assert isinstance(move, types.RenameFile)
    assert (move.old_uri, move.new_uri) == ("file:///vault/Old.md", "file:///vault/New.md")
    assert move.options == types.RenameFileOptions(overwrite=False, ignore_if_exists=False)
    assert edit.change_annotations == {
        "vault-ls.rename": types.ChangeAnnotation(
            label="Rename 'Old' to 'New'",
            needs_confirmation=False,
            description="2 links in 2 notes",
        )
    }
    assert apply(files, edit, ROOT, {"A.md": 7})["A.md"] == "[[New]]\n"
    with pytest.raises(Refused):  # the editor moved on: the edit is not applied
        apply(files, edit, ROOT, {"A.md": 8})


def test_the_title_heading_renames_the_note() -> None:
    f = Fixture(
        """
        //- Old — x.md
        # Old$0 — x
        //- A.md
        [[Old — x]]
        """
    )
    prepared = rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert prepared.placeholder == "Old — x"
    assert prepared.range == types.Range(types.Position(0, 2), types.Position(0, 9))
    edit = rename.rename(f.snapshot, f.path, f.position, f.encoder, "New", {})
    assert apply(f.files, edit, ROOT) == {"New.md": "# New\n", "A.md": "[[New]]\n"}


def test_prepare_on_a_link_highlights_its_target() -> None:
    f = Fixture(
        """
        //- dir/Old.md
        //- A.md
        😀 [[dir/O$0ld#H|shown]]
        """
    )
    prepared = rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert prepared.placeholder == "Old"
    # UTF-16: the emoji counts two units
    assert prepared.range == types.Range(types.Position(0, 5), types.Position(0, 12))


@pytest.mark.parametrize(
    ("new_name", "reason"),
    [
        ("", "the new name is empty"),
        ("   ", "the new name is empty"),
        ("Taken", "Taken.md exists already: vault-ls never overwrites a file"),
        ("taken.md", "Taken.md exists already: vault-ls never overwrites a file"),
        ("a: b", "'a: b' holds :, which a file name cannot hold"),
        ("a/b", "'a/b' holds /, which a file name cannot hold"),
        ("tab\there", "'tab\\there' holds \\t, which a file name cannot hold"),
        ("x#y", "'x#y' holds #, which a link cannot name"),
        ("Old", "the note is already named 'Old'"),
        (" lead", "' lead' begins or ends with a space"),
        (".hidden", "'.hidden' begins with '.': the file would be hidden"),
    ],
)
def test_bad_names_are_refused_with_the_reason(new_name: str, reason: str) -> None:
    f = Fixture(
        """
        //- Old.md
        //- Taken.md
        //- A.md
        [[Old$0]]
        """
    )
    with pytest.raises(rename.RenameRefused) as refused:
        rename.rename(f.snapshot, f.path, f.position, f.encoder, new_name, {})
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[[Missing$0]]", "[[Missing]] reaches no note: there is nothing to rename"),
        ("![[pic$0.png]]", "pic.png is an attachment: vault-ls renames notes only"),
        (
            "plain $0text",
            "nothing to rename here: put the cursor on a link, a heading, a block id or a tag",
        ),
    ],
)
def test_nothing_to_rename_is_said(text: str, reason: str) -> None:
    f = Fixture(f"//- A.md\n{text}\n//- pic.png\n")
    with pytest.raises(rename.RenameRefused) as refused:
        rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert str(refused.value) == reason


def test_a_link_in_the_first_cell_of_a_quoted_table_is_renamed_in_place() -> None:
    # a table inside a quote (obsidian-help, "Advanced formatting syntax"): the parser placed
    # the cell's link two columns early, so the rename was refused there, until the parser
    # left the ``>`` markers out of the first cell
    after = renamed(
        """
        //- Old.md
        //- A.md
        [[Old$0]]

        > First column | Second column
        > -- | --
        > [[Old\\|Markdown syntax]] | x
        """,
        "New — 新",
    )
    assert after["A.md"] == (
        "[[New — 新]]\n\n> First column | Second column\n> -- | --\n"
        "> [[New — 新\\|Markdown syntax]] | x\n"
    )


def test_a_link_keeps_its_case_style() -> None:
    after = renamed(
        """
        //- Embed files.md
        //- A.md
        [[Embed files$0]] [[embed files]] [[EMBED FILES]] [[Embed Files]] [a](embed%20files.md)
        """,
        "Embed files — 2",
    )
    assert after["A.md"] == (
        "[[Embed files — 2]] [[embed files — 2]] [[EMBED FILES — 2]] [[Embed Files — 2]]"
        " [a](embed%20files%20—%202.md)\n"
    )
