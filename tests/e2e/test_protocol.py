"""Session-level behaviour: position encodings, progress, settings from initializationOptions,
advertised capabilities, and the Readwise corpus."""

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import (
    SERVER,
    VAULT,
    accept_registrations,
    diagnostics_for,
    open_note,
    wait_indexed,
    write_vault,
)

EMOJI_LINE = "😀 [[Beta]] and [[Nowhere]]"
CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def session(encodings=None, options=None, client_name="visual-studio-code"):
    @pytest_lsp.fixture(config=SERVER)
    async def fixture(lsp_client: LanguageClient, tmp_path: Path):
        root = write_vault(tmp_path / "vault", VAULT)
        lsp_client.registrations = accept_registrations(lsp_client)
        capabilities = client_capabilities(client_name)
        if encodings:
            capabilities.general = types.GeneralClientCapabilities(position_encodings=encodings)
        result = await lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities,
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(root.as_uri(), "vault")],
                initialization_options=options,
            )
        )
        await wait_indexed(lsp_client)
        lsp_client.vault_root, lsp_client.init_result = root, result  # pytest-lsp yields the client
        yield
        await lsp_client.shutdown_session()

    return fixture


utf8_session = session(encodings=["utf-16", "utf-8"])
utf16_session = session()
limited_session = session(options={"completion": {"limit": 2}, "severity": {"alias-link": "off"}})


async def _ranges(client, root):
    address = open_note(client, root, "Emoji.md", EMOJI_LINE)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(address))
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(address), types.Position(0, 7))
    )
    found = report.items[0].range
    return (found.start.character, found.end.character), (
        hover.range.start.character,
        hover.range.end.character,
    )


async def test_utf8_is_chosen_when_offered_and_ranges_count_bytes(utf8_session):
    client, root, result = utf8_session, utf8_session.vault_root, utf8_session.init_result
    assert result.capabilities.position_encoding == "utf-8"
    diagnostic, hover = await _ranges(client, root)
    prefix = len("😀 [[Beta]] and [[".encode())
    assert diagnostic == (prefix, prefix + len("Nowhere"))
    assert hover == (5, 5 + len("[[Beta]]"))


async def test_utf16_ranges_after_an_emoji(utf16_session):
    client, root, result = utf16_session, utf16_session.vault_root, utf16_session.init_result
    assert result.capabilities.position_encoding == "utf-16"
    diagnostic, hover = await _ranges(client, root)
    prefix = len("😀 [[Beta]] and [[".encode("utf-16-le")) // 2
    assert diagnostic == (prefix, prefix + len("Nowhere"))
    assert hover == (3, 3 + len("[[Beta]]"))


async def test_progress_reports_begin_and_end_with_the_note_count(utf16_session):
    client = utf16_session
    kinds = [value.kind for values in client.progress_reports.values() for value in values]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    ends = [v for values in client.progress_reports.values() for v in values if v.kind == "end"]
    assert ends[-1].message == "Indexed 5 notes"


async def test_capabilities_are_exactly_what_is_implemented(utf16_session):
    result = utf16_session.init_result
    caps = result.capabilities
    assert list(caps.completion_provider.trigger_characters) == ["[", "#", "^", "(", "/"]
    assert caps.completion_provider.resolve_provider
    assert caps.definition_provider and caps.hover_provider and caps.references_provider
    assert caps.document_symbol_provider and caps.workspace_symbol_provider
    assert caps.document_link_provider is not None
    assert caps.diagnostic_provider is None  # pushed: this client cannot be told to pull again
    assert caps.rename_provider == types.RenameOptions(prepare_provider=True)
    assert list(caps.code_action_provider.code_action_kinds) == [
        "quickfix",
        "source.fixAll.vault-ls",
        "refactor.extract",
        "refactor.rewrite",
    ]
    watched = [
        r for r in utf16_session.registrations if r.method == "workspace/didChangeWatchedFiles"
    ]
    assert watched[0].register_options == {"watchers": [{"globPattern": "**/*"}]}


async def test_initialization_options_cap_completion_and_silence_codes(limited_session):
    client, root = limited_session, limited_session.vault_root
    address = open_note(client, root, "Scratch.md", "[[")
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(0, 2))
    )
    assert len(result.items) == 2 and result.is_incomplete
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier((root / "Beta.md").as_uri()))
    )
    assert [d.code for d in report.items] == ["unresolved-link"]


@pytest.fixture
def readwise():
    path = CORPORA / "readwise-export"
    if not path.is_dir():
        pytest.skip("../shared/corpora/readwise-export is absent")
    return path


@pytest_lsp.fixture(config=SERVER)
async def readwise_client(lsp_client: LanguageClient, readwise: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=readwise.as_uri(),
            workspace_folders=[types.WorkspaceFolder(readwise.as_uri(), "readwise")],
        )
    )
    await wait_indexed(lsp_client)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.corpus
async def test_readwise_hover_and_completion_by_title(readwise_client, readwise):
    client = readwise_client
    note = readwise / "Readwise/Articles/2025 The State of Consumer AI.md"
    address = note.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(address, "markdown", 1, note.read_text(encoding="utf-8"))
        )
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(address), types.Position(12, 10))
    )
    text = hover.contents.value
    assert "`Readwise/Full Document Contents/Articles/2025 The State of Consumer AI.md`" in text
    for line in (
        "- **Author**: [[Diane Bilski]]",
        "- **Full Title**: 2025: The State of Consumer AI",
        "- **Category**: #articles",
        "- **URL**: https://menlovc.com/perspective/2025-the-state-of-consumer-ai/",
    ):
        assert line in text
    scratch = readwise / "Scratch.md"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(scratch.as_uri(), "markdown", 1, "[[2025: The State")
        )
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(scratch.as_uri()), types.Position(0, 17)
        )
    )
    labels = [item.label for item in result.items[:2]]
    assert labels == ["2025: The State of Consumer AI", "2025: The State of Consumer AI"]
    assert result.items[0].text_edit.new_text.endswith("|2025: The State of Consumer AI]]")


styled_session = session(
    options={
        "completion": {"style": "path"},
        "titleSources": ["metadata", "titleLine"],
        "severity": {"alias-link": "bogus"},
    }
)


async def test_completion_style_and_title_sources(styled_session):
    client, root = styled_session, styled_session.vault_root
    (root / "Titled.md").write_text("---\ntitle: One\n---\n# Two\n", encoding="utf-8")
    address = open_note(client, root, "Scratch.md", "[[Lou")
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(0, 5))
    )
    assert result.items[0].text_edit.new_text == "people/ruikurenaii|Louie Kurenai]]"
    # frontmatter title and first heading disagree, but neither source is compared
    titled = open_note(client, root, "Titled.md")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(titled))
    )
    assert list(report.items) == []
    warnings = [m.message for m in client.log_messages if m.type == types.MessageType.Warning]
    assert "vault-ls settings: severity: ignored 'alias-link': 'bogus'" in warnings


async def test_title_conflict_is_reported_with_default_sources(utf16_session):
    client, root = utf16_session, utf16_session.vault_root
    address = open_note(client, root, "Titled.md", "---\ntitle: One\n---\n# Two\n")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(address))
    )
    assert [(d.code, d.message) for d in report.items] == [
        (
            "title-conflict",
            'Title "Two" (first heading, line 4) disagrees with "One" (frontmatter title, line 2)',
        )
    ]
    assert report.items[0].related_information[0].location.range.start.line == 1


async def test_frontmatter_tags_complete_from_the_vault(utf16_session):
    client, root = utf16_session, utf16_session.vault_root
    address = open_note(client, root, "Tagged.md", "---\ntags:\n  - gr\n---\n")
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(address), types.Position(2, 6))
    )
    assert [(i.label, i.text_edit.new_text) for i in result.items] == [("greek", "greek")]
    inline = open_note(client, root, "Inline.md", "---\ntags: [gr\n---\n")
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(inline), types.Position(1, 9))
    )
    assert [i.label for i in result.items] == ["greek"]


@pytest_lsp.fixture(config=SERVER)
async def two_vaults(lsp_client: LanguageClient, tmp_path: Path):
    accept_registrations(lsp_client)
    first = write_vault(
        tmp_path / "first", {"One.md": "[[Two]] [[Shared]]\n", "Shared.md": "# S\n"}
    )
    second = write_vault(tmp_path / "second", {"Two.md": "# Two\n", "Other.md": "[[Shared]]\n"})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim@v0.7.0"),
            workspace_folders=[
                types.WorkspaceFolder(first.as_uri(), "first"),
                types.WorkspaceFolder(second.as_uri(), "second"),
            ],
        )
    )
    await wait_indexed(lsp_client)
    lsp_client.roots = (first, second)
    yield
    await lsp_client.shutdown_session()


async def test_each_workspace_folder_is_its_own_vault(two_vaults):
    first, second = two_vaults.roots
    for root, name, expected in (
        (first, "One.md", ["unresolved-link"]),  # [[Two]] lives in the other vault
        (second, "Other.md", ["unresolved-link"]),  # so does Shared
    ):
        report = await two_vaults.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier((root / name).as_uri()))
        )
        assert [d.code for d in report.items] == expected
    symbols = await two_vaults.workspace_symbol_async(types.WorkspaceSymbolParams(query="Two"))
    assert [(s.name, s.kind, s.location.uri) for s in symbols] == [
        ("Two", types.SymbolKind.File, (second / "Two.md").as_uri()),
        ("Two", types.SymbolKind.String, (second / "Two.md").as_uri()),  # its heading
    ]


@pytest_lsp.fixture(config=SERVER)
async def pulling_client(lsp_client: LanguageClient, tmp_path: Path):
    """A client like VS Code 1.67+: pulls diagnostics and accepts refresh requests."""
    root = write_vault(tmp_path / "vault", VAULT)
    accept_registrations(lsp_client)
    capabilities = client_capabilities("visual-studio-code")
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(
        related_document_support=True
    )
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(root.as_uri(), "vault")],
        )
    )
    await wait_indexed(lsp_client)
    lsp_client.vault_root = root
    yield
    await lsp_client.shutdown_session()


async def test_a_pulling_client_gets_refreshes_not_pushed_copies(pulling_client):
    client, root = pulling_client, pulling_client.vault_root
    beta = open_note(client, root, "Beta.md")
    before = client.diagnostic_refresh_count
    open_note(client, root, "Missing note.md", "# Missing note\n")
    for _ in range(100):
        if client.diagnostic_refresh_count > before:
            break
        await asyncio.sleep(0.05)
    assert client.diagnostic_refresh_count > before
    assert beta not in client.diagnostics  # nothing pushed: the Problems panel lists it once
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(beta))
    )
    assert [d.code for d in report.items] == ["alias-link"]  # Missing note now exists
    assert client.init_result.capabilities.diagnostic_provider == types.DiagnosticOptions(
        identifier="vault-ls", inter_file_dependencies=True, workspace_diagnostics=True
    )


@pytest_lsp.fixture(config=SERVER)
async def pulling_without_refresh(lsp_client: LanguageClient, tmp_path: Path):
    """Neovim 0.12's capabilities: it pulls on every open and edit, but takes no refresh."""
    root = write_vault(tmp_path / "vault", VAULT)
    capabilities = client_capabilities("neovim@v0.7.0")
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(
        related_document_support=True
    )
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=False
    )
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri())
    )
    await wait_indexed(lsp_client)
    lsp_client.vault_root = root
    yield
    await lsp_client.shutdown_session()


async def test_a_client_that_cannot_be_refreshed_is_not_told_to_pull(pulling_without_refresh):
    """Told the server could be pulled, Neovim 0.12 pulled on open and also needed the pushes
    (a pull before the index ends, or a change elsewhere, is never pulled again), and kept the
    two apart: each problem showed twice. Now the server only pushes to it."""
    client, root = pulling_without_refresh, pulling_without_refresh.vault_root
    assert client.init_result.capabilities.diagnostic_provider is None
    beta = open_note(client, root, "Beta.md")
    pushed = await diagnostics_for(client, beta)
    assert sorted(d.code for d in pushed) == ["alias-link", "unresolved-link"]


async def test_the_server_saves_its_cache_after_indexing(utf16_session):
    from vault_ls.vault.cache import NoteCache

    saved = NoteCache(utf16_session.vault_root.resolve()).path
    for _ in range(100):
        if saved.exists():
            break
        await asyncio.sleep(0.05)
    assert saved.exists()
