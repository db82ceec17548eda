"""docs/protocol.md against the server: every documented method answers its example request on
the end-to-end vault, and every answer has exactly the keys the example result shows (nested:
the first item of each list)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest_lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, open_note, start
from tests.e2e.test_backend import as_dict, ask

DOC = Path(__file__).parents[2] / "docs" / "protocol.md"
SECTION = re.compile(r"^## `(vault/\w+)`$(.*?)(?=^## |\Z)", re.M | re.S)
JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)


def documented() -> dict[str, tuple[dict, object]]:
    found = {}
    for method, body in SECTION.findall(DOC.read_text(encoding="utf-8")):
        params, result = JSON_BLOCK.findall(body)[:2]
        found[method] = (json.loads(params), json.loads(result))
    return found


def shape(value: object) -> object:
    """The keys of ``value``, nested; a list by its first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def same_shape(documented: object, answered: object, where: str) -> list[str]:
    if isinstance(documented, dict):
        if not isinstance(answered, dict):
            return [f"{where}: an object is documented"]
        wrong = [f"{where}: keys {sorted(documented)} documented, {sorted(answered)} answered"]
        if set(documented) != set(answered):
            return wrong
        return [
            p for k in documented for p in same_shape(documented[k], answered[k], f"{where}.{k}")
        ]
    if isinstance(documented, list) and documented:
        if not isinstance(answered, list) or not answered:
            return [f"{where}: a non-empty list is documented"]
        return same_shape(documented[0], answered[0], f"{where}[0]")
    return []


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, vault_root: Path):
    await start(lsp_client, vault_root, client_capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


async def test_the_document_lists_every_method() -> None:
    assert sorted(documented()) == [
        "vault/backlinks",
        "vault/graph",
        "vault/noteInfo",
        "vault/outgoing",
        "vault/search",
        "vault/status",
        "vault/tags",
        "vault/unlinkedMentions",
    ]


async def test_every_documented_method_answers_with_the_documented_keys(client, vault_root):
    open_note(client, vault_root, "Gamma.md", "Beta 😀 and beta, not `Beta`\n")
    problems = []
    for method, (params, result) in documented().items():
        params = json.loads(json.dumps(params).replace("file:///vault", vault_root.as_uri()))
        answered = as_dict(await ask(client, method, params))
        problems += same_shape(shape(result), shape(answered), method)
    assert problems == []
