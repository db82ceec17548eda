"""The editor configurations that no test can run here (Helix, Zed) at least parse and name the
server and settings the way vault-ls reads them."""

from __future__ import annotations

import json
import re
import tomllib

from editor_support import EDITORS

SETTINGS = {"exclude", "severity", "completion"}


def test_helix_languages_toml() -> None:
    config = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = config["language-server"]["vault-ls"]
    assert server["command"] == "vault-ls"
    assert set(server["config"]["vault-ls"]) == SETTINGS
    (markdown,) = [lang for lang in config["language"] if lang["name"] == "markdown"]
    assert "vault-ls" in markdown["language-servers"]
    assert ".obsidian" in markdown["roots"]


def test_zed_settings_and_extension() -> None:
    text = (EDITORS / "zed" / "settings.json").read_text(encoding="utf-8")
    settings = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
    assert settings["languages"]["Markdown"]["language_servers"][0] == "vault-ls"
    lsp = settings["lsp"]["vault-ls"]
    assert set(lsp["initialization_options"]) == SETTINGS
    assert set(lsp["settings"]) == SETTINGS
    extension = tomllib.loads(
        (EDITORS / "zed" / "extension" / "extension.toml").read_text(encoding="utf-8")
    )
    assert extension["language_servers"]["vault-ls"]["languages"] == ["Markdown"]
