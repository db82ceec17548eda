"""End-to-end tests: the real server over stdio, driven by pytest-lsp with the capabilities
that VS Code, Neovim and Emacs announce, on a vault written to a temporary folder."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

CLIENTS = ["visual-studio-code", "neovim@v0.7.0", "emacs"]

# One vault for the end-to-end tests: non-ASCII names and text, every kind of link.
VAULT = {
    ".obsidian/app.json": "{}",
    "Alpha — notes.md": (
        "---\naliases: [First letter]\ntags: [greek]\n---\n"
        "# Alpha — notes\n\nIntro line 😀 with [[Beta]].\n\n"
        "## Section 😀\n\nBody of the section.\n\n"
        "A paragraph with an id. ^para-1\n"
    ),
    "Beta.md": (
        "# Beta\n\n😀 — [[Alpha — notes#Section 😀]] and [[Missing note]].\n"
        "See [[Alpha — notes#^para-1]] and [[First letter]] #greek\n"
        "中文 [[ruikurenaii|Louie Kurenai]]\n"
    ),
    "people/ruikurenaii.md": (
        "# Louie Kurenai\n\n## Metadata\n- Author: [[Someone]]\n- Full Title: Louie Kurenai\n"
        "- Category: #articles\n- URL: https://example.com/louie\n"
    ),
    "a/Same.md": "# Same in a\n",
    "b/Same.md": "# Same in b\n\n[[Same]]\n",
    "img/picture.png": "",
}


def write_vault(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def editor_like_client() -> LanguageClient:
    """pytest-lsp's test client, answering ``workspace/codeLens/refresh`` as an editor does (it
    answers diagnostic refreshes itself); ``lens_refreshes`` counts them."""
    client = make_test_lsp_client()
    client.lens_refreshes = []  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        client.lens_refreshes.append(params)  # type: ignore[attr-defined]

    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "vault_ls"], client_factory=editor_like_client
)


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", VAULT)


def accept_registrations(client: LanguageClient) -> list[types.Registration]:
    """Answer ``client/registerCapability`` as an editor would, keeping what was registered."""
    registered: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    return registered


async def start(client: LanguageClient, root: Path, capabilities: types.ClientCapabilities) -> None:
    client.registrations = accept_registrations(client)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="vault")],
        )
    )
    await wait_indexed(client)


async def wait_indexed(client: LanguageClient, timeout: float = 20) -> None:
    async def indexed() -> None:
        while not any("Indexed" in m.message for m in client.log_messages):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(indexed(), timeout)


@pytest_lsp.fixture(params=CLIENTS, config=SERVER)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient, vault_root: Path):
    await start(lsp_client, vault_root, client_capabilities(request.param))
    yield
    await lsp_client.shutdown_session()


def uri(root: Path, relative: str) -> str:
    return (root / relative).as_uri()


def open_note(client: LanguageClient, root: Path, relative: str, text: str | None = None) -> str:
    address = uri(root, relative)
    content = text if text is not None else (root / relative).read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=address, language_id="markdown", version=1, text=content)
        )
    )
    return address


def replace_text(client: LanguageClient, address: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=address, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics_for(client: LanguageClient, address: str, version: int | None = None):
    """Wait for the pushed diagnostics of ``address`` (for ``version`` when given)."""

    async def arrived() -> list[types.Diagnostic]:
        while True:
            params = client.diagnostics.get(address)
            if params is not None and (version is None or _version(client, address) == version):
                return params
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(arrived(), 10)


def _version(client: LanguageClient, address: str) -> int | None:
    return getattr(client, "_vault_versions", {}).get(address)


def units(client: LanguageClient, text: str) -> int:
    """Length of ``text`` in the position units the server negotiated with this client
    (UTF-8 when the client offers it, else UTF-16)."""
    general = client.capabilities.general
    offered = (general.position_encodings if general else None) or []
    if types.PositionEncodingKind.Utf8 in offered:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2
