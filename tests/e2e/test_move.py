"""Files and folders moved in the editor, over the wire: ``workspace/willRenameFiles`` answers the
link edits (VS Code's explorer, Helix, oil.nvim); a move the editor made without asking
(``workspace/didRenameFiles``) gets a ``workspace/applyEdit`` from the server, as
``rename.updateLinksOnMove`` says: always, after asking, or never. Edits are applied to the
files on disk by the tests' own applier, the files moved as the editor moves them."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, accept_registrations, uri, wait_indexed, write_vault
from tests.features.edit_applier import apply

NOTES = {
    "Home — start.md": (
        "# Home\r\n[[Plan 😀]] [[projects/Plan 😀#Goals|goals]] [p](projects/Plan%20😀.md)\r\n"
        "![c](projects/img/chart.png) `[[projects/Plan 😀]]`\r\n"
    ),
    "projects/Plan 😀.md": "\ufeff# Plan\n[home](../Home%20—%20start.md) [[Home — start]]\n",
    "projects/img/chart.png": "",
}
HOME_AFTER = (
    "# Home\r\n[[Plan 😀]] [[archive/2026/Plan 😀#Goals|goals]] "
    "[p](archive/2026/Plan%20😀.md)\r\n"
    "![c](archive/2026/img/chart.png) `[[projects/Plan 😀]]`\r\n"
)
PLAN_AFTER = "\ufeff# Plan\n[home](../../Home%20—%20start.md) [[Home — start]]\n"


def disk(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8")
        for p in root.rglob("*")
        if p.is_file() and ".obsidian" not in p.parts
    }


def write_disk(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).write_bytes(text.encode("utf-8"))


def move_folder(root: Path, old: str, new: str) -> types.FileRename:
    (root / new).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / old, root / new)
    return types.FileRename(old_uri=uri(root, old), new_uri=uri(root, new))


def vault(tmp_path: Path, app_json: str = "{}") -> Path:
    root = write_vault(tmp_path / "vault", {".obsidian/app.json": app_json})
    for relative, text in NOTES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(text.encode("utf-8"))
    return root


class Editor:
    """The client's side of ``workspace/applyEdit`` and ``window/showMessageRequest``: edits
    applied to the disk, prompts answered with ``answer``."""

    def __init__(self, client: LanguageClient, root: Path, answer: str | None = None) -> None:
        self.root = root
        self.edits: list[types.WorkspaceEdit] = []
        self.prompts: list[types.ShowMessageRequestParams] = []

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            self.edits.append(params.edit)
            write_disk(root, apply(disk(root), params.edit, root))
            return types.ApplyWorkspaceEditResult(applied=True)

        @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def prompt(params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
            self.prompts.append(params)
            return types.MessageActionItem(answer) if answer else None


async def settled(client: LanguageClient, root: Path) -> None:
    """A request answered after the notifications sent before it, then a moment for what the
    server sends on its own."""
    await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Plan"))
    await asyncio.sleep(0.5)


async def begin(
    client: LanguageClient, root: Path, editor: str, settings: object = None
) -> types.InitializeResult:
    accept_registrations(client)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(editor),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="vault")],
            initialization_options=settings,
        )
    )
    await wait_indexed(client)
    return result


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_will_rename_files_on_a_folder_answers_every_link_edit(client, tmp_path):
    root = vault(tmp_path)
    editor = Editor(client, root)
    result = await begin(client, root, "visual-studio-code")
    will_rename = result.capabilities.workspace.file_operations.will_rename
    assert [(f.pattern.glob, f.pattern.matches) for f in will_rename.filters] == [
        ("**/*", types.FileOperationPatternKind.File),
        ("**/*", types.FileOperationPatternKind.Folder),
    ]
    files = [types.FileRename(uri(root, "projects"), uri(root, "archive/2026"))]
    edit = await client.workspace_will_rename_files_async(types.RenameFilesParams(files))
    assert all(isinstance(change, types.TextDocumentEdit) for change in edit.document_changes)
    write_disk(root, apply(disk(root), edit, root))  # before the move, as VS Code does
    moved = move_folder(root, "projects", "archive/2026")
    client.workspace_did_rename_files(types.RenameFilesParams([moved]))
    await settled(client, root)
    assert disk(root) == {
        "Home — start.md": HOME_AFTER,
        "archive/2026/Plan 😀.md": PLAN_AFTER,
        "archive/2026/img/chart.png": "",
    }
    # the edits were given once: the move was not planned again from texts already edited
    assert editor.edits == [] and editor.prompts == []
    assert [m.message for m in client.log_messages if "links not updated" in m.message] == []
    # the index took the move in: the note is found at its new path
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Plan 😀"))
    assert uri(root, "archive/2026/Plan 😀.md") in {s.location.uri for s in found}


async def moved_without_asking(
    client: LanguageClient, root: Path, answer: str | None, settings: object = None
) -> Editor:
    editor = Editor(client, root, answer)
    await begin(client, root, "neovim@v0.7.0", settings)
    moved = move_folder(root, "projects", "archive/2026")
    client.workspace_did_rename_files(types.RenameFilesParams([moved]))
    await settled(client, root)
    return editor


MOVED_ONLY = {
    "Home — start.md": NOTES["Home — start.md"],
    "archive/2026/Plan 😀.md": NOTES["projects/Plan 😀.md"],
    "archive/2026/img/chart.png": "",
}
UPDATED = {**MOVED_ONLY, "Home — start.md": HOME_AFTER, "archive/2026/Plan 😀.md": PLAN_AFTER}


async def test_a_move_made_without_asking_updates_links_when_obsidian_always_does(client, tmp_path):
    root = vault(tmp_path, '{"alwaysUpdateLinks": true}')
    editor = await moved_without_asking(client, root, None)
    assert editor.prompts == []
    assert len(editor.edits) == 1
    assert disk(root) == UPDATED
    # the moved note's edit names it where it is now
    assert {c.text_document.uri for c in editor.edits[0].document_changes} == {
        uri(root, "Home — start.md"),
        uri(root, "archive/2026/Plan 😀.md"),
    }


async def test_a_move_made_without_asking_prompts_and_yes_updates(client, tmp_path):
    root = vault(tmp_path)
    editor = await moved_without_asking(client, root, "Update links")
    assert [(p.message, [a.title for a in p.actions or []]) for p in editor.prompts] == [
        ("Update 4 links in 2 notes?", ["Update links", "Leave them"])
    ]
    assert disk(root) == UPDATED


async def test_a_move_made_without_asking_prompts_and_no_leaves_the_files(client, tmp_path):
    root = vault(tmp_path)
    editor = await moved_without_asking(client, root, "Leave them")
    assert len(editor.prompts) == 1
    assert editor.edits == []
    assert disk(root) == MOVED_ONLY


async def test_never_updates_nothing_and_asks_nothing(client, tmp_path):
    root = vault(tmp_path, '{"alwaysUpdateLinks": true}')
    editor = await moved_without_asking(
        client, root, "Update links", {"rename": {"updateLinksOnMove": "never"}}
    )
    assert editor.prompts == [] and editor.edits == []
    assert disk(root) == MOVED_ONLY
