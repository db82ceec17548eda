"""The plugin backend's custom requests over stdio (docs/protocol.md): one test per method on
the end-to-end vault, positions in the units negotiated with each client, unsaved texts seen."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.conftest import SERVER, open_note, replace_text, start, units, uri, write_vault
from vault_ls.features import mentions

ALPHA = "Alpha — notes.md"


def ask(client, method: str, params: dict):
    return client.protocol.send_request_async(method, params)


def as_dict(answer):
    """pygls hands back a custom request's answer as namedtuples: plain data again."""
    if isinstance(answer, list):
        return [as_dict(item) for item in answer]
    if hasattr(answer, "_asdict"):
        return {key: as_dict(value) for key, value in answer._asdict().items()}
    return answer


async def test_status(client, vault_root: Path):
    found = as_dict(await ask(client, "vault/status", {}))
    assert found["vaults"] == [
        {
            "root": vault_root.as_uri(),
            "notes": 5,
            "attachments": 1,
            "links": 8,
            "unresolved": 3,
            "indexed": True,
        }
    ]
    assert found["version"]


async def test_note_info(client, vault_root: Path):
    found = as_dict(await ask(client, "vault/noteInfo", {"uri": uri(vault_root, ALPHA)}))
    assert (found["name"], found["path"], found["aliases"], found["tags"]) == (
        "Alpha — notes",
        ALPHA,
        ["First letter"],
        ["greek"],
    )
    assert [(h["level"], h["text"]) for h in found["headings"]] == [
        (1, "Alpha — notes"),
        (2, "Section 😀"),
    ]
    assert (found["blocks"], found["backlinks"], found["outgoing"]) == (["para-1"], 1, 1)


async def test_backlinks_with_context_in_client_units(client, vault_root: Path):
    found = as_dict(await ask(client, "vault/backlinks", {"uri": uri(vault_root, ALPHA)}))
    line = "😀 — [[Alpha — notes#Section 😀]] and [[Missing note]]."
    start = units(client, "😀 — ")
    end = start + units(client, "[[Alpha — notes#Section 😀]]")
    (group,) = found
    assert (group["uri"], group["name"]) == (uri(vault_root, "Beta.md"), "Beta")
    first = group["links"][0]
    assert first["context"] == {"text": line, "start": start, "end": end}
    assert (first["range"]["start"]["line"], first["range"]["start"]["character"]) == (2, start)
    assert [link["anchor"] for link in group["links"]] == ["Section 😀", "^para-1"]


async def test_backlinks_of_an_unsaved_text(client, vault_root: Path):
    address = open_note(client, vault_root, "Beta.md")
    replace_text(client, address, "# Beta\n\n— [[Alpha — notes]] only\n", 2)
    found = as_dict(await ask(client, "vault/backlinks", {"uri": uri(vault_root, ALPHA)}))
    assert [(g["name"], [link["context"]["text"] for link in g["links"]]) for g in found] == [
        ("Beta", ["— [[Alpha — notes]] only"])
    ]


async def test_outgoing(client, vault_root: Path):
    found = as_dict(await ask(client, "vault/outgoing", {"uri": uri(vault_root, "Beta.md")}))
    assert [(item["text"], item["kind"], item["problem"]) for item in found] == [
        ("[[Alpha — notes#Section 😀]]", "heading", None),
        ("[[Missing note]]", "note", "unresolved-link"),
        ("[[Alpha — notes#^para-1]]", "block", None),
        ("[[First letter]]", "note", "alias-link"),
        ("[[ruikurenaii|Louie Kurenai]]", "note", None),
    ]


async def test_unlinked_mentions(client, vault_root: Path):
    address = open_note(client, vault_root, "Gamma.md", "Beta 😀 and beta, not `Beta`\n")
    assert address
    found = as_dict(
        await ask(client, "vault/unlinkedMentions", {"uri": uri(vault_root, "Beta.md")})
    )
    assert [(g["name"], [m["matched"] for m in g["mentions"]]) for g in found] == [
        ("Gamma", ["Beta", "Beta"])
    ]
    second = found[0]["mentions"][1]
    assert second["range"]["start"]["character"] == units(client, "Beta 😀 and ")


async def test_tags(client, vault_root: Path):
    found = as_dict(await ask(client, "vault/tags", {}))
    assert [(node["tag"], node["count"]) for node in found] == [("articles", 1), ("greek", 2)]


async def test_graph_local_and_whole(client, vault_root: Path):
    local = as_dict(await ask(client, "vault/graph", {"uri": uri(vault_root, "Beta.md")}))
    assert [node["id"] for node in local["nodes"]] == [ALPHA, "Beta.md", "people/ruikurenaii.md"]
    whole = as_dict(await ask(client, "vault/graph", {"includeMissing": True}))
    assert [node["id"] for node in whole["nodes"] if node["kind"] == "missing"] == [
        "missing:first letter",
        "missing:missing note",
        "missing:someone",
    ]


async def test_local_graph_limit_keeps_the_most_linked_and_counts_the_rest(client, vault_root):
    # Beta's neighbours: Alpha (links both ways, 3 in all) before ruikurenaii (one link)
    beta = uri(vault_root, "Beta.md")
    cut = as_dict(await ask(client, "vault/graph", {"uri": beta, "limit": 2}))
    assert [node["id"] for node in cut["nodes"]] == [ALPHA, "Beta.md"]
    assert [(e["source"], e["target"], e["count"]) for e in cut["edges"]] == [
        (ALPHA, "Beta.md", 1),
        ("Beta.md", ALPHA, 2),
    ]
    assert cut["omitted"] == 1
    assert as_dict(await ask(client, "vault/graph", {"uri": beta}))["omitted"] == 0
    with pytest.raises(JsonRpcException) as failed:
        await ask(client, "vault/graph", {"uri": beta, "limit": "all"})
    assert failed.value.code == types.ErrorCodes.InvalidParams
    assert failed.value.message == '"limit" must be a int'


async def test_search(client, vault_root: Path):
    found = as_dict(await ask(client, "vault/search", {"query": "louie"}))
    assert [(item["path"], item["matched"]) for item in found] == [
        ("people/ruikurenaii.md", "title")
    ]


@pytest.mark.parametrize(
    "method", ["vault/noteInfo", "vault/backlinks", "vault/outgoing", "vault/unlinkedMentions"]
)
async def test_a_uri_outside_every_vault_fails_with_the_reason(client, tmp_path: Path, method):
    outside = (tmp_path / "elsewhere" / "Note.md").as_uri()
    with pytest.raises(JsonRpcException) as failed:
        await ask(client, method, {"uri": outside})
    assert failed.value.code == types.LSPErrorCodes.RequestFailed
    assert failed.value.message.startswith(f"{outside} is not in any vault")


@pytest.fixture
def large_root(tmp_path: Path) -> Path:
    files = {
        f"Note {number:04d} — ü.md": f"# Note {number}\n\nplain words {number}\n"
        for number in range(mentions.BUILD_INLINE)
    }
    files["Beta.md"] = "# Beta\n"
    files["Gamma.md"] = "Beta 😀 and beta, not `Beta`\n"
    return write_vault(tmp_path / "vault", files)


@pytest_lsp.fixture(config=SERVER)
async def large(lsp_client: LanguageClient, large_root: Path):
    await start(lsp_client, large_root, client_capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


async def test_the_first_mentions_of_a_large_vault_wait_for_the_word_index_with_progress(
    large: LanguageClient, large_root: Path
):
    """More than 2,000 notes are read into the word index in a thread: until this test the
    first request failed at once ("still reading ...; ask again in a few seconds")."""
    found = as_dict(await ask(large, "vault/unlinkedMentions", {"uri": uri(large_root, "Beta.md")}))
    assert [(g["name"], [m["matched"] for m in g["mentions"]]) for g in found] == [
        ("Gamma", ["Beta", "Beta"])
    ]
    begun = [
        (token, value.title)
        for token, values in large.progress_reports.items()
        for value in values
        if value.kind == "begin"
    ]
    reading = [
        token for token, title in begun if title == "Reading 2002 notes for unlinked mentions"
    ]
    assert len(reading) == 1
    assert [value.kind for value in large.progress_reports[reading[0]]] == ["begin", "end"]
