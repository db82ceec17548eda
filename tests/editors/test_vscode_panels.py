"""The Vault view container in real VS Code (code-server 4.100 in headless Chromium) on a copy of
../shared/corpora/obsidian-help: with a note open, the Backlinks view lists the notes linking to
it, each with its context lines; Unlinked mentions the notes naming it without a link; Tags the
vault's tags with their counts. Screenshot: .artifacts/vscode-vault-backlinks.png."""

from __future__ import annotations

import shutil

import code_server
import pytest
from editor_support import artifacts_dir, scratch_env
from test_vscode import HERE, packaged

pytestmark = [pytest.mark.editor, pytest.mark.corpus]
CORPUS = HERE.parents[1] / ".." / "shared" / "corpora" / "obsidian-help"
__all__ = ["packaged"]  # the fixture, shared with test_vscode.py


@pytest.fixture(scope="module")
def seen(packaged: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/obsidian-help is absent")
    tmp = tmp_path_factory.mktemp("vscode-panels")
    env = scratch_env(tmp)
    vault = tmp / "obsidian-help"
    shutil.copytree(CORPUS, vault)
    (vault / ".obsidian").mkdir()
    params = {
        "note_name": "Random note.md",
        "expect_row": "Commands for [[Random note]].",
        "expect_unlinked": "Read a random note (includes path).",
        "expect_tag": "#y1984",
    }
    return code_server.drive(tmp, env, vault, packaged, "vscode_panels_test.mjs", params, 240)


def test_backlinks_view_lists_the_linking_notes_with_their_lines(seen: dict) -> None:
    assert seen["steps"]["backlinks"]["ok"], seen["errors"]
    assert seen["headers"] == ["BACKLINKS", "OUTGOING LINKS", "UNLINKED MENTIONS", "TAGS"]
    # a row per linking note (name, count, path), then its context lines
    assert seen["backlinks"] == [
        "Core plugins (1)Plugins/Core plugins.md",
        "- [[Random note]]",
        "Obsidian CLI (1)Extending Obsidian/Obsidian CLI.md",
        "Commands for [[Random note]].",
    ]


def test_unlinked_mentions_view_lists_the_notes_naming_it(seen: dict) -> None:
    assert seen["steps"]["unlinked"]["ok"], seen["errors"]
    # the server's order (notes by name), each with its count, path and mention lines
    assert seen["unlinked"] == [
        "Core plugins (1)Plugins/Core plugins.md",
        "- Opens a random note in your vault.",
        "Obsidian CLI (2)Extending Obsidian/Obsidian CLI.md",
        "Open a random note.",
        "Read a random note (includes path).",
    ]


def test_tags_view_lists_the_vaults_tags_with_their_counts(seen: dict) -> None:
    assert seen["steps"]["tags"]["ok"], seen["errors"]
    # collapsed rows: the tag, then (as description) the notes carrying it
    assert seen["tags"] == [
        "#camelCase1",
        "#kebab-case1",
        "#PascalCase1",
        "#snake_case1",
        "#TAG1",
        "#y19841",
    ]


def test_the_screenshot_is_written(seen: dict) -> None:
    assert (artifacts_dir() / "vscode-vault-backlinks.png").stat().st_size > 10_000
