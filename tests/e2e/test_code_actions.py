"""Quick fixes over the wire: the real server, each client's capabilities, a broken link's
"Create note" applied as an editor applies it (``tests/features/edit_applier``), written to
disk, and the link no longer reported."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import open_note, units
from tests.features.edit_applier import apply


def disk(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in root.rglob("*.md")
        if ".obsidian" not in p.parts
    }


def creates_files(client) -> bool:
    edit = client.capabilities.workspace.workspace_edit
    return types.ResourceOperationKind.Create in (edit.resource_operations or [])


async def unresolved(client, address: str) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(address))
    )
    return [d for d in report.items if d.code == "unresolved-link"]


async def test_create_note_from_a_broken_link(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    (broken,) = await unresolved(client, address)
    start = units(client, "😀 — [[Alpha — notes#Section 😀]] and [[")
    assert (broken.range.start.line, broken.range.start.character) == (2, start)
    cursor = types.Range(broken.range.start, broken.range.start)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(address),
            cursor,
            types.CodeActionContext(diagnostics=[broken], only=[types.CodeActionKind.QuickFix]),
        )
    )
    titles = [action.title for action in actions]
    if not creates_files(client):
        assert not any(title.startswith("Create note") for title in titles)
        return
    assert titles[0] == 'Create note "Missing note"'
    create = actions[0]
    assert create.kind == types.CodeActionKind.QuickFix
    assert create.is_preferred is True
    assert list(create.diagnostics) == [broken]
    before = disk(vault_root)
    after = apply(before, create.edit, vault_root, {"Beta.md": 1})
    assert {p for p in after if after[p] != before.get(p)} == {"Missing note.md"}
    assert after["Missing note.md"] == "# Missing note\n"
    (vault_root / "Missing note.md").write_text(after["Missing note.md"], encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(vault_root / "Missing note.md").as_uri(),
                    type=types.FileChangeType.Created,
                )
            ]
        )
    )
    for _ in range(100):
        if not await unresolved(client, address):
            break
        await asyncio.sleep(0.05)
    assert await unresolved(client, address) == []


async def test_fix_all_is_offered_as_a_source_action(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(address),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    # [[First letter]] is an alias of "Alpha — notes": the one obvious fix in the note
    assert [(a.title, a.kind) for a in actions] == [
        ("Fix 1 problem in this note (vault-ls)", "source.fixAll.vault-ls")
    ]
    (change,) = actions[0].edit.document_changes
    assert change.text_document.version == 1
    start = units(client, "See [[Alpha — notes#^para-1]] and [[")
    end = start + units(client, "First letter")
    assert [(e.range, e.new_text) for e in change.edits] == [
        (
            types.Range(types.Position(3, start), types.Position(3, end)),
            "Alpha — notes|First letter",
        )
    ]
    if start == len("See [[Alpha — notes#^para-1]] and [["):  # UTF-16, the applier's units
        after = apply(disk(vault_root), actions[0].edit, vault_root, {"Beta.md": 1})
        assert after["Beta.md"].splitlines()[3] == (
            "See [[Alpha — notes#^para-1]] and [[Alpha — notes|First letter]] #greek"
        )
