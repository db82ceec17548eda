"""Rename over the wire: the real server, each client's capabilities, the edit applied as an
editor applies it (``tests/features/edit_applier``) to the files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.e2e.conftest import open_note, units, uri
from tests.features.edit_applier import apply


def disk(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in root.rglob("*.md")
        if ".obsidian" not in p.parts
    }


def renames_files(client) -> bool:
    edit = client.capabilities.workspace.workspace_edit
    return types.ResourceOperationKind.Rename in (edit.resource_operations or [])


async def test_rename_a_note_from_a_link(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    position = types.Position(2, units(client, "😀 — [[Al"))
    document = types.TextDocumentIdentifier(address)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(document, position)
    )
    assert prepared.placeholder == "Alpha — notes"
    start = units(client, "😀 — [[")
    assert (prepared.range.start.character, prepared.range.end.character) == (
        start,
        start + units(client, "Alpha — notes"),
    )
    params = types.RenameParams(document, position, "Ωmega — 名")
    if not renames_files(client):
        with pytest.raises(JsonRpcException) as refused:
            await client.text_document_rename_async(params)
        assert refused.value.code == -32803
        assert refused.value.message == (
            "vault-ls cannot rename: the editor does not accept file renames in workspace edits"
        )
        return
    edit = await client.text_document_rename_async(params)
    after = apply(disk(vault_root), edit, vault_root, {"Beta.md": 1})
    assert after["Beta.md"] == (
        "# Beta\n\n😀 — [[Ωmega — 名#Section 😀]] and [[Missing note]].\n"
        "See [[Ωmega — 名#^para-1]] and [[First letter]] #greek\n"
        "中文 [[ruikurenaii|Louie Kurenai]]\n"
    )
    assert after["Ωmega — 名.md"].startswith(
        "---\naliases: [First letter]\ntags: [greek]\n---\n# Ωmega — 名\n"
    )
    assert "Alpha — notes.md" not in after
    moves = [c for c in edit.document_changes if isinstance(c, types.RenameFile)]
    assert [(m.old_uri, m.new_uri) for m in moves] == [
        (uri(vault_root, "Alpha — notes.md"), uri(vault_root, "Ωmega — 名.md"))
    ]
    annotated = client.capabilities.workspace.workspace_edit.change_annotation_support
    if annotated:
        assert edit.change_annotations["vault-ls.rename"].description == "2 links in 1 note"
    else:
        assert edit.change_annotations is None


async def test_a_name_that_exists_is_refused_with_the_reason(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    params = types.RenameParams(
        types.TextDocumentIdentifier(address),
        types.Position(2, units(client, "😀 — [[Al")),
        "Beta",
    )
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(params)
    assert refused.value.code == -32803
    if renames_files(client):
        assert refused.value.message == (
            "vault-ls cannot rename: Beta.md exists already: vault-ls never overwrites a file"
        )


async def test_prepare_on_plain_text_says_why_not(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(types.TextDocumentIdentifier(address), types.Position(1, 0))
        )
    assert refused.value.code == -32803
    assert "nothing to rename here" in refused.value.message


async def test_rename_a_heading_from_its_line(client, vault_root):
    """No file moves: every client gets the edit, also one that takes no file renames."""
    address = open_note(client, vault_root, "Alpha — notes.md")
    document = types.TextDocumentIdentifier(address)
    position = types.Position(8, units(client, "## Sec"))
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(document, position)
    )
    assert prepared.placeholder == "Section 😀"
    start = units(client, "## ")
    assert (prepared.range.start.character, prepared.range.end.character) == (
        start,
        start + units(client, "Section 😀"),
    )
    edit = await client.text_document_rename_async(
        types.RenameParams(document, position, "Teil — 二 ✓")
    )
    encoding = "utf-8" if units(client, "é") == 2 else "utf-16"
    after = apply(disk(vault_root), edit, vault_root, {"Alpha — notes.md": 1}, encoding)
    assert after["Beta.md"] == (
        "# Beta\n\n😀 — [[Alpha — notes#Teil — 二 ✓]] and [[Missing note]].\n"
        "See [[Alpha — notes#^para-1]] and [[First letter]] #greek\n"
        "中文 [[ruikurenaii|Louie Kurenai]]\n"
    )
    assert after["Alpha — notes.md"] == disk(vault_root)["Alpha — notes.md"].replace(
        "## Section 😀", "## Teil — 二 ✓"
    )
    assert not [c for c in edit.document_changes if isinstance(c, types.RenameFile)]
    # refused with the reason: the note has that heading already
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(
            types.RenameParams(document, position, "Alpha — notes")
        )
    assert refused.value.code == -32803
    assert refused.value.message == (
        "vault-ls cannot rename: Alpha — notes.md has a heading 'Alpha — notes' already"
    )
