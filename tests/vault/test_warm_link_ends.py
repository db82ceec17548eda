"""A warm start (every note from the cache) keeps each note's link ends: its first graph decodes
no body, answers as a cold start does, and edits and files that come or go change it as they
change a cold start's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vault_ls.features import graph, tag_tree
from vault_ls.features.convert import Encoder
from vault_ls.vault import lazy_notes
from vault_ls.vault.lazy_notes import LazyNote
from vault_ls.vault.snapshot import Snapshot
from vault_ls.vault.workspace import Vault

FILES = {
    "Café — 😀.md": (
        "# Café — 😀\n\n## Part\n\n[[中文 ノート]] [[中文 ノート]] [[Missing — 😀]] "
        "[[missing — 😀]] ![[pic 😀.png]] [[Café — 😀#Part]] #tag/sub #Tag\n"
    ),
    "中文 ノート.md": "# 中文 ノート\n\n[[Café — 😀#Part]] [[Nowhere]] #中文 #tag\n",
    "folder/Other.md": (
        "---\naliases: [Alias 😀]\ntags: [front]\n---\n# Other\n\n"
        "[[Alias 😀]] [[Café — 😀]] [x](../中文%20ノート.md) [[Missing — 😀]] #TAG\n"
    ),
    "folder/Alone.md": "# Alone\n\nNo links here.\n",
    "Pics — 中.md": "![[pic 😀.png]] ![[img/pic 😀.png]] #pics\n",
    "Edited.md": "# Edited\n",
    "img/pic 😀.png": "",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def answers(vault: Vault) -> list[Any]:
    """What the plugin asks of the link graph: the whole graph, plain and with attachments and
    missing notes, a local graph, the tag tree."""
    index = vault.index
    snapshot = Snapshot(vault.root, index, {}, lambda path: "", True, False, index.version)
    encoder = Encoder(snapshot)
    return [
        graph.graph(snapshot, encoder),
        graph.graph(snapshot, encoder, None, 1, attachments=True, missing=True),
        graph.graph(snapshot, encoder, "Café — 😀.md", 2, True, True),
        tag_tree.tag_tree(snapshot, encoder),
    ]


def cold(root: Path) -> list[Any]:
    vault = Vault(root, use_cache=False)
    vault.load()
    return answers(vault)


def warm_start(root: Path, cache: Path) -> Vault:
    first = Vault(root, cache_folder=cache)
    first.load()
    first.save_cache()
    warm = Vault(root, cache_folder=cache)
    warm.load()
    assert warm._pending_save is None  # every note and the graph came from the cache
    return warm


def undecoded(vault: Vault) -> set[str]:
    return {path for path, note in vault.index.notes.items() if type(note) is LazyNote}


def test_a_warm_starts_first_graph_decodes_no_body_and_answers_as_a_cold_start(
    tmp_path: Path,
) -> None:
    root = write(tmp_path / "vault", FILES)
    warm = warm_start(root, tmp_path / "cache")
    decoded = len(lazy_notes._decoded)
    assert undecoded(warm) == set(warm.index.notes)
    found = answers(warm)
    assert undecoded(warm) == set(warm.index.notes)  # no body was read to answer
    assert len(lazy_notes._decoded) == decoded
    assert found == cold(root)
    whole = found[1]
    assert [(edge["source"], edge["target"], edge["count"]) for edge in whole["edges"]] == [
        ("Café — 😀.md", "img/pic 😀.png", 1),
        ("Café — 😀.md", "missing:missing — 😀", 2),
        ("Café — 😀.md", "中文 ノート.md", 2),
        ("Pics — 中.md", "img/pic 😀.png", 2),
        ("folder/Other.md", "Café — 😀.md", 1),
        ("folder/Other.md", "missing:alias 😀", 1),  # an alias is no link target
        ("folder/Other.md", "missing:missing — 😀", 1),
        ("folder/Other.md", "中文 ノート.md", 1),
        ("中文 ノート.md", "Café — 😀.md", 1),
        ("中文 ノート.md", "missing:nowhere", 1),
    ]
    # missing notes as first written; tags as the vault spells them (first in code point order)
    assert [(node["id"], node["name"], node["tags"]) for node in whole["nodes"]] == [
        ("Café — 😀.md", "Café — 😀", ["tag/sub", "TAG"]),
        ("Edited.md", "Edited", []),
        ("Pics — 中.md", "Pics — 中", ["pics"]),
        ("folder/Alone.md", "Alone", []),
        ("folder/Other.md", "Other", ["front", "TAG"]),
        ("img/pic 😀.png", "pic 😀.png", []),
        ("missing:alias 😀", "Alias 😀", []),
        ("missing:missing — 😀", "Missing — 😀", []),
        ("missing:nowhere", "Nowhere", []),
        ("中文 ノート.md", "中文 ノート", ["中文", "TAG"]),
    ]


@pytest.mark.parametrize("graph_first", [True, False], ids=["graph first", "changes first"])
def test_after_a_warm_start_edits_and_files_change_the_graph_as_on_a_cold_start(
    tmp_path: Path, graph_first: bool
) -> None:
    root = write(tmp_path / "vault", FILES)
    warm = warm_start(root, tmp_path / "cache")
    if graph_first:
        assert answers(warm) == cold(root)

    def edited() -> None:  # a link added, on disk as an editor saves it
        text = FILES["Edited.md"] + "[[中文 ノート]] [[Missing — 😀]] #new\n"
        (root / "Edited.md").write_text(text, encoding="utf-8")
        warm.file_changed("Edited.md")

    def target_deleted() -> None:  # two notes' links reach it
        (root / "中文 ノート.md").unlink()
        warm.file_deleted("中文 ノート.md")

    def missing_created() -> None:  # two notes' links reach it now
        (root / "Missing — 😀.md").write_text("# Missing\n", encoding="utf-8")
        warm.file_changed("Missing — 😀.md")

    kept = {"folder/Alone.md", "Pics — 中.md"}  # their links name no file that comes or goes
    steps = [
        (edited, kept | {"Café — 😀.md", "中文 ノート.md", "folder/Other.md"}),
        (target_deleted, kept),  # Café, Other and Edited link to the deleted note
        (missing_created, kept),  # Café, Other and Edited link to it
    ]
    for step, untouched in steps:
        step()
        assert answers(warm) == cold(root)
        # only the notes changed or linking to a file that came or went were read again
        assert undecoded(warm) == untouched


def test_a_start_with_a_note_changed_since_the_save_saves_every_notes_ends(
    tmp_path: Path,
) -> None:
    # the cache's graph no longer fits: every link is resolved in process, the ends kept, and
    # the next start is warm again with every note's ends
    root = write(tmp_path / "vault", FILES)
    cache = tmp_path / "cache"
    warm_start(root, cache)
    changed = FILES["Edited.md"] + "[[Café — 😀]] [[Café — 😀]] #changed\n"
    (root / "Edited.md").write_text(changed, encoding="utf-8")
    second = Vault(root, cache_folder=cache)
    second.load()
    assert second._pending_save is not None  # a graph to save again
    assert all(second.index.loaded_ends(path) for path in second.index.notes)
    second.save_cache()
    third = Vault(root, cache_folder=cache)
    third.load()
    assert third._pending_save is None
    assert answers(third) == cold(root)
    assert undecoded(third) == set(third.index.notes)
