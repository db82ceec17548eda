"""A server started warm (every note from the cache) answers ``vault/graph`` from the link ends
the cache kept: exactly as a cold server does, without reading a note's body."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.conftest import editor_like_client, start, uri, write_vault
from tests.e2e.test_backend import as_dict, ask
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.parse import parse_note

HEADER = "---\naliases: [Alias 😀]\n---\n"  # each note: this, its title, then its links
FILES = {
    ".obsidian/app.json": "{}",
    "Café — 😀.md": (
        f"{HEADER}# Café — 😀\n\n## Part\n\n[[中文 ノート]] [[中文 ノート]] [[Missing — 😀]] "
        "[[missing — 😀]] ![[pic 😀.png]] #tag/sub #Tag\n"
    ),
    "中文 ノート.md": f"{HEADER}# 中文 ノート\n\n[[Café — 😀#Part]] [[Nowhere]] #中文 #tag\n",
    "folder/Other.md": f"{HEADER}# Other\n\n[[Café — 😀]] [x](../中文%20ノート.md) #TAG\n",
    "img/pic 😀.png": "",
}
ASKED = [
    ("vault/graph", {}),
    ("vault/graph", {"includeMissing": True, "includeAttachments": True}),
    ("vault/tags", {}),
]


async def session(root: Path, cache: Path) -> LanguageClient:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "vault_ls"],
        client_factory=editor_like_client,
        server_env={**os.environ, "VAULT_LS_CACHE_DIR": str(cache)},
    )
    client = await config.start()
    await start(client, root, client_capabilities("visual-studio-code"))
    return client


async def answers(client: LanguageClient) -> list[Any]:
    return [as_dict(await ask(client, method, params)) for method, params in ASKED]


def cut_bodies(root: Path, cache: Path) -> None:
    """Each cached note's body replaced by that of its text cut after its title (no links, no
    tags, no second heading); its head (aliases, title) stays as it was. A server reading a
    body now reads the cut one."""
    saved = NoteCache(root, cache)
    assert len(saved.load()) == 3  # the cold session saved every note
    db = sqlite3.connect(saved.path)
    with db:
        for (path,) in db.execute("SELECT path FROM notes").fetchall():
            text = (root / path).read_text(encoding="utf-8")
            title_end = text.index("\n", text.index("# ")) + 1
            cut = NoteCache.blob(parse_note(path, text[:title_end]))
            db.execute("UPDATE notes SET note = ? WHERE path = ?", (cut, path))
    db.close()


async def test_a_warm_server_answers_the_graph_as_a_cold_one_reading_no_body(
    tmp_path: Path,
) -> None:
    root = write_vault(tmp_path / "vault", FILES).resolve()
    cache = tmp_path / "cache"
    cold = await session(root, cache)
    expected = await answers(cold)
    await cold.shutdown_session()  # the server saves its cache before it exits
    whole = expected[1]
    assert [(edge["source"], edge["target"], edge["count"]) for edge in whole["edges"]] == [
        ("Café — 😀.md", "img/pic 😀.png", 1),
        ("Café — 😀.md", "missing:missing — 😀", 2),
        ("Café — 😀.md", "中文 ノート.md", 2),
        ("folder/Other.md", "Café — 😀.md", 1),
        ("folder/Other.md", "中文 ノート.md", 1),
        ("中文 ノート.md", "Café — 😀.md", 1),
        ("中文 ノート.md", "missing:nowhere", 1),
    ]
    cut_bodies(root, cache)

    warm = await session(root, cache)
    try:
        assert await answers(warm) == expected
        # the bodies it holds are the cut ones: the answers above read none of them
        info = as_dict(await ask(warm, "vault/noteInfo", {"uri": uri(root, "Café — 😀.md")}))
        assert [heading["text"] for heading in info["headings"]] == ["Café — 😀"]
    finally:
        await warm.shutdown_session()
