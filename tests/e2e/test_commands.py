"""The server's commands over stdio (``workspace/executeCommand``): new notes and daily notes
created through ``workspace/applyEdit`` (applied here as an editor applies them: the file made
only where nothing is, then the text inserted), ``window/showDocument``, re-index; and the
"N backlinks" code lenses."""

from __future__ import annotations

import asyncio
import datetime
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, accept_registrations, units, uri, wait_indexed, write_vault

DAILY = {
    ".obsidian/daily-notes.json": json.dumps(
        {"folder": "Journal", "format": "YYYY/MM/dddd, MMMM Do YYYY", "template": "Templates/Day"}
    ),
    "Templates/Day.md": "# {{title}}\n\n{{date:YYYY-MM-DD}} — {{ time }} · {{date}} 😀\n",
}


def file_of(address: str) -> Path:
    return Path(unquote(urlparse(address).path))


class Editor:
    """What the test editor was asked to do, and how it answers."""

    def __init__(self, client: LanguageClient) -> None:
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.client = client
        self.refuse: str | None = None

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            self.edits.append(params)
            if self.refuse:
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason=self.refuse)
            for change in params.edit.document_changes or []:
                if isinstance(change, types.CreateFile):
                    path = file_of(change.uri)
                    if path.exists():  # overwrite and ignoreIfExists false: the edit fails
                        return types.ApplyWorkspaceEditResult(
                            applied=False, failure_reason="exists"
                        )
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(b"")
                else:
                    path = file_of(change.text_document.uri)
                    (edit,) = change.edits
                    assert (edit.range.start, edit.range.end) == (
                        types.Position(0, 0),
                        types.Position(0, 0),
                    )
                    path.write_bytes(edit.new_text.encode("utf-8") + path.read_bytes())
            return types.ApplyWorkspaceEditResult(applied=True)

    @property
    def shown(self) -> list[str]:
        return [params.uri for params in self.client.shown_documents]  # pytest-lsp keeps them


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    from tests.e2e.conftest import VAULT

    return write_vault(tmp_path / "vault", {**VAULT, **DAILY})


@pytest_lsp.fixture(config=SERVER)
async def client(request, lsp_client: LanguageClient, vault_root: Path):
    """VS Code's capabilities, or the client named by an indirect parameter."""
    lsp_client.editor = Editor(lsp_client)
    lsp_client.registrations = accept_registrations(lsp_client)
    lsp_client.initialized_with = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(getattr(request, "param", "visual-studio-code")),
            workspace_folders=[types.WorkspaceFolder(uri=vault_root.as_uri(), name="vault")],
        )
    )
    await wait_indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


def run(client: LanguageClient, command: str, arguments: dict | None = None):
    params = types.ExecuteCommandParams(command, [arguments] if arguments is not None else None)
    return client.workspace_execute_command_async(params)


async def test_the_commands_are_advertised(client):
    provider = client.initialized_with.capabilities.execute_command_provider
    assert sorted(provider.commands) == [
        "vault-ls.createNote",
        "vault-ls.extractNote",
        "vault-ls.openDailyNote",
        "vault-ls.reindex",
    ]


async def test_create_a_note_in_a_folder(client, vault_root: Path):
    name = "Idée — 日本 😀"
    found = await run(client, "vault-ls.createNote", {"name": name, "folder": "ideas/new"})
    path = f"ideas/new/{name}.md"
    assert found == {"uri": uri(vault_root, path), "path": path}
    (edit,) = client.editor.edits
    assert edit.label == f"Create {path}"
    (create,) = edit.edit.document_changes
    assert isinstance(create, types.CreateFile)
    assert (create.options.overwrite, create.options.ignore_if_exists) == (False, False)
    assert (vault_root / path).read_bytes() == b""


async def test_create_a_note_with_content_at_the_root(client, vault_root: Path):
    content = "# Gamma\r\n\r\nSee [[Beta]] — 😀\r\n"
    found = await run(client, "vault-ls.createNote", {"name": "Gamma.md", "content": content})
    assert found["path"] == "Gamma.md"
    assert (vault_root / "Gamma.md").read_bytes() == content.encode("utf-8")


async def test_create_never_overwrites(client, vault_root: Path):
    before = (vault_root / "Beta.md").read_bytes()
    with pytest.raises(
        JsonRpcException, match=rf"Beta\.md already exists in the vault at {vault_root}"
    ):
        await run(client, "vault-ls.createNote", {"name": "Beta"})
    (vault_root / "Unindexed.md").write_text("mine\n", encoding="utf-8")  # not reported yet
    with pytest.raises(JsonRpcException, match=r"Unindexed\.md already exists"):
        await run(client, "vault-ls.createNote", {"name": "Unindexed", "content": "x"})
    assert client.editor.edits == []
    assert (vault_root / "Beta.md").read_bytes() == before
    assert (vault_root / "Unindexed.md").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": "  "}, "cannot create a note named '': a name is needed"),
        ({"name": "a: b?"}, r"cannot create a: b\?.md: a note's name cannot hold : \?"),
        (
            {"name": "x", "folder": "../out"},
            "cannot create ../out/x.md: '..' would leave the vault",
        ),
        ({"name": "x", "folder": ".obsidian"}, "'.obsidian' would leave the vault or hide"),
    ],
)
async def test_bad_names_are_refused(client, arguments, message):
    with pytest.raises(JsonRpcException, match=message):
        await run(client, "vault-ls.createNote", arguments)
    assert client.editor.edits == []


async def test_an_editor_that_refuses_the_edit(client):
    client.editor.refuse = "read-only file system"
    with pytest.raises(
        JsonRpcException, match=r"the editor did not create Delta\.md: read-only file system"
    ):
        await run(client, "vault-ls.createNote", {"name": "Delta"})


@pytest.mark.parametrize("client", ["visual-studio-code", "neovim@v0.7.0"], indirect=True)
async def test_daily_note_from_obsidian_settings_and_template(client, vault_root: Path):
    found = await run(client, "vault-ls.openDailyNote", {"date": "2026-12-01"})
    path = "Journal/2026/12/Tuesday, December 1st 2026.md"
    assert (found["path"], found["uri"], found["created"]) == (path, uri(vault_root, path), True)
    text = (vault_root / path).read_text(encoding="utf-8")
    head, rest = text.split("\n\n")
    assert head == "# Tuesday, December 1st 2026"
    day, _, time_and_title = rest.partition(" — ")
    assert day == "2026-12-01"
    now = time_and_title.split(" · ")[0]
    assert datetime.datetime.strptime(now, "%H:%M")
    assert time_and_title.split(" · ")[1] == "Tuesday, December 1st 2026 😀\n"
    shows = client.capabilities.window.show_document
    assert client.editor.shown == ([found["uri"]] if shows and shows.support else [])


async def test_an_existing_daily_note_is_only_shown(client, vault_root: Path):
    path = vault_root / "Journal/2025/12/Sunday, December 28th 2025.md"
    path.parent.mkdir(parents=True)
    path.write_text("kept\n", encoding="utf-8")
    found = await run(client, "vault-ls.openDailyNote", {"date": "2025-12-28"})
    assert (found["path"], found["created"]) == (
        "Journal/2025/12/Sunday, December 28th 2025.md",
        False,
    )
    assert client.editor.edits == []
    assert path.read_text(encoding="utf-8") == "kept\n"


async def test_the_daily_note_is_today_by_default(client, vault_root: Path):
    today = datetime.date.today()
    found = await run(client, "vault-ls.openDailyNote", {})
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(
        today.day, "th"
    )
    expected = today.strftime(f"Journal/%Y/%m/%A, %B {today.day}{suffix} %Y.md")
    assert (found["path"], found["created"]) == (expected, True)


async def test_a_bad_date_is_refused(client):
    with pytest.raises(JsonRpcException, match="\"date\" must be YYYY-MM-DD, not '1/12/2026'"):
        await run(client, "vault-ls.openDailyNote", {"date": "1/12/2026"})


async def test_reindex(client, vault_root: Path):
    (vault_root / "New one.md").write_text("# New one\n", encoding="utf-8")  # never reported
    found = await run(client, "vault-ls.reindex")
    assert found["notes"] == 7  # the 5 notes, the template and the new one
    status = await client.protocol.send_request_async("vault/status", {})
    assert status.vaults[0].notes == 7


async def lenses(client: LanguageClient, address: str) -> list[tuple[int, str, list]]:
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(address))
    )
    shown = []
    for lens in found:
        assert lens.command.command == "vault-ls.showReferences"
        target, position, locations = lens.command.arguments
        assert (target, position) == (address, {"line": lens.range.start.line, "character": 0})
        places = [
            (unquote(urlparse(place["uri"]).path).rsplit("/", 1)[-1], place["range"]["start"])
            for place in locations
        ]
        shown.append((lens.range.start.line, lens.command.title, places))
    return shown


async def test_backlink_lenses_on_the_first_line_and_linked_headings(client, vault_root: Path):
    address = uri(vault_root, "Alpha — notes.md")
    column = units(client, "😀 — ")
    assert await lenses(client, address) == [
        (
            0,
            "2 backlinks",  # [[First letter]] names an alias: no link (as in Obsidian)
            [
                ("Beta.md", {"line": 2, "character": column}),
                ("Beta.md", {"line": 3, "character": 4}),
            ],
        ),
        (8, "1 backlink", [("Beta.md", {"line": 2, "character": column})]),
    ]
    assert await lenses(client, uri(vault_root, "a/Same.md")) == [(0, "0 backlinks", [])]


async def test_backlink_lenses_can_be_switched_off(client, vault_root: Path):
    client.set_configuration({"codeLens": {"backlinks": False}}, section="vault-ls")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"vault-ls": {"codeLens": {"backlinks": False}}}
        )
    )
    address = uri(vault_root, "Alpha — notes.md")
    for _ in range(50):
        if not await lenses(client, address):
            break
        await asyncio.sleep(0.05)
    assert await lenses(client, address) == []


def count_lens_refreshes(client: LanguageClient) -> list[None]:
    asked: list[None] = client.lens_refreshes  # conftest's editor_like_client
    asked.clear()
    return asked


async def test_lenses_are_refreshed_once_backlinks_move(client, vault_root: Path):
    # VS Code declares workspace.codeLens.refreshSupport: told once a burst of edits settles
    asked = count_lens_refreshes(client)
    address = uri(vault_root, "a/Same.md")
    assert await lenses(client, address) == [(0, "0 backlinks", [])]
    linker = uri(vault_root, "Linker — 😀.md")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(linker, "markdown", 1, "😀 [[a/Same]]\n")
        )
    )
    for version in range(2, 6):  # within the debounce: one refresh for them all
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=linker, version=version),
                [types.TextDocumentContentChangeWholeDocument(f"{'😀' * version} [[a/Same]]\n")],
            )
        )
    for _ in range(100):
        if asked:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.6)  # three debounces: no second refresh comes
    assert len(asked) == 1
    column = units(client, "😀" * 5 + " ")
    assert await lenses(client, address) == [
        (0, "1 backlink", [("Linker — 😀.md", {"line": 0, "character": column})])
    ]


@pytest.mark.parametrize("client", ["neovim@v0.7.0"], indirect=True)
async def test_a_client_that_cannot_refresh_lenses_is_not_asked_to(client, vault_root: Path):
    from tests.e2e.conftest import diagnostics_for, open_note

    asked = count_lens_refreshes(client)
    linker = open_note(client, vault_root, "Linker.md", "[[a/Same]] [[Nowhere]]\n")
    await diagnostics_for(client, linker)  # pushed after the refresh would have been sent
    assert asked == []
