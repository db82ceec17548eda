"""The Graph panel on a workspace of two folders, each a vault, in real VS Code (code-server 4.100
in headless Chromium, tests/editors/vscode_graph_vaults_test.mjs) with the real server.

"Vault: Show graph" from a note of the second folder draws the second vault, and its title
names it, and a save draws that vault again; after "Developer: Reload Window" both the whole and
the local graph panel are back, drawn again from the server around the same note; with no note
open it asks which vault, and a save in the other vault draws the vault the panel shows.
Screenshots in .artifacts/: vscode-vault-graph-two-vaults.png, vscode-vault-graph-reloaded.png."""

from __future__ import annotations

import json
from pathlib import Path

import code_server
import pytest
from editor_support import scratch_env, write_vault
from test_vscode import packaged

pytestmark = pytest.mark.editor
__all__ = ["packaged"]  # the fixture, shared with test_vscode.py

FIRST = "Notes — one"
SECOND = "Café vault — 二"
CAFE = "Café — 咖啡"
SECOND_NOTES = {
    f"{CAFE}.md": f"# {CAFE}\n\nTea: [[Thé — 茶]], and [[Lost — 迷子]].\n",
    "Thé — 茶.md": f"# Thé — 茶\n\nBack to [[{CAFE}]].\n",
    "Sub/Matcha — 抹茶.md": "# Matcha — 抹茶\n\nA kind of [[Thé — 茶]].\n",
}
# what the graph of each vault shows: its notes, and the notes its links name that are missing
SECOND_NAMES = [CAFE, "Lost — 迷子", "Matcha — 抹茶", "Thé — 茶"]
ADDED = "Oolong — 烏龍"  # linked from Café once the test saved it: a missing note
ADDED_TEXT = f"Later: [[{ADDED}]]."
OTHER_ADDED = "\nMore — plus."  # added to Beta.md of the first vault, and saved
LOCAL_NAMES = [ADDED, CAFE, "Lost — 迷子", "Thé — 茶"]  # Matcha is two links away


@pytest.fixture(scope="module")
def seen(packaged: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("vscode-graph-vaults")
    env = scratch_env(tmp)
    first = write_vault(tmp / FIRST).root
    second = tmp / SECOND
    for name, text in SECOND_NOTES.items():
        (second / name).parent.mkdir(parents=True, exist_ok=True)
        (second / name).write_text(text, encoding="utf-8")
    workspace = tmp / "two vaults.code-workspace"
    folders = [{"path": str(first)}, {"path": str(second)}]
    workspace.write_text(json.dumps({"folders": folders}), encoding="utf-8")
    params = {
        "workspace": str(workspace),
        "note_name": f"{CAFE}.md",
        "note_uri": (second / f"{CAFE}.md").as_uri(),
        "global_title": f"Vault graph: {SECOND}",
        "pick_name": SECOND,
        "other_note_name": "Beta.md",
        "other_added_text": OTHER_ADDED,
        "added_text": ADDED_TEXT,
        "added_name": ADDED,
    }
    results = code_server.drive(
        tmp, env, workspace, packaged, "vscode_graph_vaults_test.mjs", params, 360
    )
    results["first"] = first
    results["second"] = second
    return results


def test_show_graph_draws_the_vault_of_the_active_note(seen: dict) -> None:
    assert seen["steps"]["global"]["ok"], seen["errors"]
    drawn = seen["global"]
    assert drawn["names"] == sorted(SECOND_NAMES)
    assert drawn["placed"] == len(SECOND_NAMES)
    assert drawn["links"] == 4  # Café → Thé, Café → Lost, Thé → Café, Matcha → Thé
    assert drawn["title"] == f"Vault graph: {SECOND}"
    assert f"Vault graph: {SECOND}" in seen["global_tabs"]


def test_a_save_draws_the_same_vault_again(seen: dict) -> None:
    assert seen["steps"]["save"]["ok"], seen["errors"]
    assert (seen["second"] / f"{CAFE}.md").read_text(encoding="utf-8").endswith(ADDED_TEXT)
    saved = seen["saved"]
    assert saved["names"] == sorted([*SECOND_NAMES, ADDED])
    assert saved["links"] == 5
    assert saved["title"] == f"Vault graph: {SECOND}"


def test_the_local_graph_is_of_the_note_in_its_vault(seen: dict) -> None:
    assert seen["steps"]["local"]["ok"], seen["errors"]
    assert seen["local"]["names"] == sorted(LOCAL_NAMES)
    assert seen["local"]["title"] == CAFE


def test_both_graph_panels_come_back_after_a_reload_of_the_window(seen: dict) -> None:
    assert seen["steps"]["reload"]["ok"], seen["errors"]
    assert seen["local_restored"] == seen["local"]
    restored = seen["global_restored"]
    assert restored["names"] == seen["saved"]["names"]
    assert restored["center"] == seen["global"]["center"]
    assert restored["title"] == f"Vault graph: {SECOND}"
    tabs = seen["restored_tabs"]
    assert f"Vault graph: {SECOND}" in tabs and f"Local graph: {CAFE}" in tabs


def test_with_no_note_open_show_graph_asks_which_vault(seen: dict) -> None:
    assert seen["steps"]["pick"]["ok"], seen["errors"]
    first, second = Path(seen["first"]), Path(seen["second"])
    # each row: the vault's name and its folder (on one line), how many notes it holds
    assert seen["picks"] == [
        [f"{FIRST}{first}", "3 notes"],
        [f"{SECOND}{second}", "3 notes"],
    ]
    assert seen["picked"]["names"] == sorted([*SECOND_NAMES, ADDED])
    assert seen["picked"]["title"] == f"Vault graph: {SECOND}"
    assert seen["picked_tabs"] == [f"Vault graph: {SECOND}"]


def test_a_save_in_another_vault_keeps_the_panels_vault(seen: dict) -> None:
    assert seen["steps"]["keep"]["ok"], seen["errors"]
    assert (seen["first"] / "Beta.md").read_text(encoding="utf-8").endswith(OTHER_ADDED)
    assert seen["kept"] == [sorted([*SECOND_NAMES, ADDED])]
    assert sorted(seen["kept_tabs"]) == ["Beta.md", f"Vault graph: {SECOND}"]
