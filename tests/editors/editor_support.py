"""Shared pieces of the real-editor tests (imported by the test modules): the vault each test
writes, the server command, a scratch HOME/XDG environment and the skip rule for missing editors.

The server is always the real one, ``[sys.executable, "-m", "vault_ls"]``. For debugging a client
against another build, ``VAULT_LS_EDITOR_TEST_CMD`` may hold a JSON list that replaces it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EDITORS = REPO / "editors"
TOOLS = REPO / ".editors"
ARTIFACTS = REPO / ".artifacts"
INSTALL_HINT = "run scripts/install-editors"

ALPHA = "Alpha — notes"
ALPHA_TEXT = """---
aliases: [First letter]
tags: [greek, ünïcode]
---
# Alpha — notes

Intro line with naïve café text.

## Section 😀

Body of the section 😀.
Dangling: [[Nowhere to be found]].
"""
BETA_TEXT = """# Beta

See [[Alpha — notes#Section 😀]] for more.
Broken: [[Missing note]] here.
Reading: [[Deep Work]] now.
"""
READWISE_TEXT = """# Deep Work

![rw-book-cover](https://example.com/cover.jpg)

## Metadata
- Author: [[Someone]]
- Full Title: Deep Work: Rules for Focused Success
- Category: #books
- URL: https://example.com/deep-work

## Highlights
- Clarity about what matters provides clarity about what does not.
"""


@dataclass
class Vault:
    root: Path
    alpha: Path
    beta: Path
    readwise: Path

    @property
    def section_line(self) -> int:
        """0-based line of ``## Section 😀`` in the Alpha note."""
        return ALPHA_TEXT.splitlines().index("## Section 😀")


def write_vault(root: Path) -> Vault:
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "app.json").write_text("{}\n", encoding="utf-8")
    alpha = root / f"{ALPHA}.md"
    alpha.write_text(ALPHA_TEXT, encoding="utf-8")
    beta = root / "Beta.md"
    beta.write_text(BETA_TEXT, encoding="utf-8")
    readwise = root / "Readwise" / "Books" / "Deep Work.md"
    readwise.parent.mkdir(parents=True)
    readwise.write_text(READWISE_TEXT, encoding="utf-8")
    return Vault(root, alpha, beta, readwise)


def server_command() -> list[str]:
    override = os.environ.get("VAULT_LS_EDITOR_TEST_CMD")
    if override:
        return list(json.loads(override))
    return [sys.executable, "-m", "vault_ls"]


def scratch_env(tmp_path: Path) -> dict[str, str]:
    """Environment with HOME, XDG_*, TMPDIR pointed into tmp_path (editors write there)."""
    home = tmp_path / "home"
    env = dict(os.environ)
    for name, sub in [
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "home/.config"),
        ("XDG_DATA_HOME", "home/.local/share"),
        ("XDG_STATE_HOME", "home/.local/state"),
        ("XDG_CACHE_HOME", "home/.cache"),
        ("XDG_RUNTIME_DIR", "run"),
        ("TMPDIR", "tmp"),
    ]:
        path = tmp_path / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    (tmp_path / "run").chmod(0o700)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("VIMINIT", None)
    env.pop("EMACSLOADPATH", None)
    assert home.is_dir()
    return env


def need_binary(name: str, path: str | None = None) -> str:
    """Path of an editor binary, or skip the test with the reason."""
    found = path if path and Path(path).exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed ({INSTALL_HINT})")
    return found


def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
