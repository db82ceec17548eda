"""Refactors over the wire: the real server, each client's capabilities, the code action's edit
applied as an editor applies it (``tests/features/edit_applier``) to the files on disk; and the
extract command, whose edit comes back through ``workspace/applyEdit``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.e2e.conftest import open_note, units
from tests.features.edit_applier import apply


def actions_as_editors_read_them(client) -> None:
    """An item with a string ``command`` is a Command, else a CodeAction (VS Code's
    ``Command.is``); the client library would read a CodeAction holding a command as a
    Command with that command turned into a string."""
    converter = client.protocol._converter

    def structure(item: dict[str, Any], _: object) -> types.Command | types.CodeAction:
        kind = types.Command if isinstance(item.get("command"), str) else types.CodeAction
        return converter.structure(item, kind)

    converter.register_structure_hook(types.Command | types.CodeAction, structure)


def utf16(client) -> bool:
    return units(client, "😀") == 2


def disk(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in root.rglob("*.md")
        if ".obsidian" not in p.parts
    }


async def test_a_wikilink_becomes_a_markdown_link(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    at = types.Position(2, units(client, "😀 — [[Alpha — no"))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(address),
            types.Range(at, at),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor]),
        )
    )
    [action] = actions
    assert action.title == (
        "Convert to a markdown link: [Alpha — notes > Section 😀](Alpha%20—%20notes.md#section-)"
    )
    assert action.kind == types.CodeActionKind.RefactorRewrite
    [change] = action.edit.document_changes
    [edit] = change.edits
    assert change.text_document.version == 1
    assert (edit.range.start.character, edit.range.end.character) == (
        units(client, "😀 — "),
        units(client, "😀 — [[Alpha — notes#Section 😀]]"),
    )
    if not utf16(client):
        return  # the applier counts UTF-16 units
    after = apply(disk(vault_root), action.edit, vault_root, {"Beta.md": 1})
    assert after["Beta.md"] == (
        "# Beta\n\n😀 — [Alpha — notes > Section 😀](Alpha%20—%20notes.md#section-) and "
        "[[Missing note]].\nSee [[Alpha — notes#^para-1]] and [[First letter]] #greek\n"
        "中文 [[ruikurenaii|Louie Kurenai]]\n"
    )


async def test_extract_a_selection_through_the_command(client, vault_root):
    applied: list[types.ApplyWorkspaceEditParams] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    actions_as_editors_read_them(client)

    address = open_note(client, vault_root, "Beta.md")
    selection = types.Range(types.Position(3, 0), types.Position(4, units(client, "中文")))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(address),
            selection,
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.RefactorExtract]),
        )
    )
    operations = client.capabilities.workspace.workspace_edit.resource_operations or []
    [action] = actions
    if types.ResourceOperationKind.Create not in operations:
        assert action.disabled.reason == "the editor does not accept new files in workspace edits"
        return
    assert action.command.command == "vault-ls.extractNote"
    arguments = dict(action.command.arguments[0])
    assert arguments["name"] == "See Alpha — notes para-1 and First letter greek"
    arguments["name"] = "Extracted — 抜粋 😀"  # what the user typed when asked
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=[arguments])
    )
    [params] = applied
    assert params.label == 'Extract selection to new note "Extracted — 抜粋 😀"'
    if not utf16(client):
        return
    after = apply(disk(vault_root), params.edit, vault_root, {"Beta.md": 1})
    assert after["Beta.md"] == (
        "# Beta\n\n😀 — [[Alpha — notes#Section 😀]] and [[Missing note]].\n"
        "[[Extracted — 抜粋 😀]] [[ruikurenaii|Louie Kurenai]]\n"
    )
    assert after["Extracted — 抜粋 😀.md"] == (
        "See [[Alpha — notes#^para-1]] and [[First letter]] #greek\n中文\n"
    )
    arguments["name"] = "Beta"
    with pytest.raises(JsonRpcException) as refused:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=action.command.command, arguments=[arguments])
        )
    assert refused.value.code == -32803
    assert refused.value.message == (
        "vault-ls cannot extract the selection: the note is already named 'Beta'"
    )
