"""``vault-ls graph`` on obsidian-help, opened in headless Chromium (Debian's, driven by
playwright-core from ``.editors/``): the page loads nothing from the network, its nodes are the
vault's notes (and missing notes), the library lays every one out, and a screenshot is kept in
``.artifacts/graph-obsidian-help.png`` to look at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.editors.editor_support import ARTIFACTS, REPO, TOOLS, need_binary

HELP = REPO.parent / "shared" / "corpora" / "obsidian-help"
MODULES = TOOLS / "node" / "node_modules"
SCRIPT = Path(__file__).with_name("graph_page.mjs")


def test_graph_page_of_obsidian_help_in_chromium(tmp_path: Path) -> None:
    if not HELP.is_dir():
        pytest.skip("../shared/corpora is not here")
    chromium = need_binary("chromium")
    node = need_binary("node")
    if not (MODULES / "playwright-core").is_dir():
        pytest.skip("playwright-core is not in .editors/ (run scripts/install-editors)")
    page = tmp_path / "graph.html"
    made = subprocess.run(
        [sys.executable, "-m", "vault_ls", "graph", "-o", str(page), "--no-cache"],
        cwd=HELP,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "graph-obsidian-help.png"
    params = {
        "modules": str(MODULES),
        "chromium": chromium,
        "page": str(page),
        "screenshot": str(screenshot),
    }
    shown = subprocess.run(
        [node, str(SCRIPT), json.dumps(params)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout.splitlines()[-1])
    notes = sorted(p.relative_to(HELP).as_posix() for p in HELP.rglob("*.md"))
    assert sorted(node_id for node_id, kind in found["data"] if kind == "note") == notes
    assert sorted(found["drawn"]) == sorted(node_id for node_id, _ in found["data"])
    assert found["placed"] == len(found["data"])
    assert found["links"] > len(notes)
    assert (found["requests"], found["errors"]) == ([], [])
    assert screenshot.stat().st_size > 10_000
