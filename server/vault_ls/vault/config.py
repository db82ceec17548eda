"""A vault's own settings, read from files at its root: what its owner set up in Obsidian
(``.obsidian/app.json``, ``.obsidian/daily-notes.json``) and vault-ls's ``.vault-ls.toml``.

Each file gives a ``Layer``: raw settings in the form the editor sends (the keys
``settings.Settings.parse`` reads), so one schema serves the editor, the file and the command
line. ``vault_layers`` lists them in the order they apply, the later over the earlier.
"""

from __future__ import annotations

import glob
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vault_ls.vault import fs
from vault_ls.vault.workspace import VAULT_MARKER

CONFIG_FILE = ".vault-ls.toml"
APP_JSON = ".obsidian/app.json"
DAILY_NOTES_JSON = ".obsidian/daily-notes.json"

# Obsidian's "Default location for new notes" -> ours (the same three choices)
NEW_FILE_LOCATIONS = {"root", "current", "folder"}
# Obsidian's "New link format" -> ``completion.style`` ("relative" has no counterpart: ignored)
LINK_FORMATS = {"shortest": "shortest", "absolute": "path"}


@dataclass(frozen=True)
class Layer:
    source: str  # where the settings came from, for messages
    raw: dict[str, Any]
    strict: bool = False  # written for vault-ls: an unknown key is reported (a typo)
    problems: tuple[str, ...] = field(default=())  # what the file held that could not be used


def vault_layers(root: Path) -> list[Layer]:
    """Obsidian's settings, then ``.vault-ls.toml``; a file that is absent gives no layer."""
    return [layer for layer in (obsidian_layer(root), config_layer(root)) if layer is not None]


def find_root(file: Path) -> Path | None:
    """The nearest folder above ``file`` that is a vault: it holds ``.obsidian/`` or
    ``.vault-ls.toml``."""
    for folder in Path(os.path.realpath(file)).parents:
        if (folder / VAULT_MARKER).is_dir() or (folder / CONFIG_FILE).is_file():
            return folder
    return None


def config_layer(root: Path) -> Layer | None:
    source = str(root / CONFIG_FILE)
    text, problem = _read(root, CONFIG_FILE)
    if text is None:
        return None
    if problem is not None:
        return Layer(source, {}, True, (f"{problem}; its settings are ignored",))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Layer(source, {}, True, (f"not valid TOML ({error}); its settings are ignored",))
    return Layer(source, raw, strict=True)


def obsidian_layer(root: Path) -> Layer | None:
    """``app.json`` and ``daily-notes.json`` as one layer: the keys that mean something to
    vault-ls, in its terms. Obsidian writes these files; a key it left out keeps our default."""
    app, app_problem = _read_json(root, APP_JSON)
    daily, daily_problem = _read_json(root, DAILY_NOTES_JSON)
    if app is None and daily is None and app_problem is None and daily_problem is None:
        return None
    raw: dict[str, Any] = {}
    problems = [problem for problem in (app_problem, daily_problem) if problem is not None]
    if app is not None:
        problems += _from_app(app, raw)
    if daily is not None:
        raw["dailyNotes"] = {
            key: daily[key]
            for key in ("folder", "format", "template")
            if isinstance(daily.get(key), str) and daily[key]
        }
    return Layer(str(root / ".obsidian"), raw, problems=tuple(problems))


def _from_app(app: dict[str, Any], raw: dict[str, Any]) -> list[str]:
    problems = []
    filters = app.get("userIgnoreFilters")
    if isinstance(filters, list):
        raw["exclude"] = []
        for item in filters:
            if not isinstance(item, str) or not item.strip():
                continue
            if len(item) > 1 and item.startswith("/") and item.endswith("/"):
                problems.append(
                    f"{APP_JSON}: the excluded-files pattern {item} is a regular expression; "
                    "vault-ls excludes by path, so it is not applied (add a glob to exclude)"
                )
                continue
            # Obsidian excludes every path that starts with the filter ("Templates/", "Daily")
            raw["exclude"].append(glob.escape(item.strip()) + "*")
    location = app.get("newFileLocation")
    if location in NEW_FILE_LOCATIONS:
        raw["newFileLocation"] = location
    folder = app.get("newFileFolderPath")
    if isinstance(folder, str):
        raw["newFileFolder"] = folder.strip("/")
    if isinstance(app.get("alwaysUpdateLinks"), bool):
        raw["updateLinksOnRename"] = app["alwaysUpdateLinks"]
        if app["alwaysUpdateLinks"]:  # else Obsidian asks, as vault-ls does by default
            raw["rename"] = {"updateLinksOnMove": "always"}
    if isinstance(app.get("useMarkdownLinks"), bool):
        raw["linkFormat"] = "markdown" if app["useMarkdownLinks"] else "wikilink"
    style = LINK_FORMATS.get(app.get("newLinkFormat"))  # type: ignore[arg-type]
    if style is not None:
        raw["completion"] = {"style": style}
    return problems


def _read_json(root: Path, relative: str) -> tuple[dict[str, Any] | None, str | None]:
    text, problem = _read(root, relative)
    if text is None or problem is not None:
        return None, (None if problem is None else f"{relative}: {problem}; it is ignored")
    try:
        loaded = json.loads(text)
    except ValueError as error:
        return None, f"{relative}: not valid JSON ({error}); it is ignored"
    if not isinstance(loaded, dict):
        return None, f"{relative}: not a JSON object; it is ignored"
    return loaded, None


def _read(root: Path, relative: str) -> tuple[str | None, str | None]:
    """The file's text (None when there is no such file) and what was wrong with it. Read as
    notes are: never outside the vault, never blocking on a FIFO."""
    if not os.path.lexists(root / relative):
        return None, None
    text, problem = fs.read_inside(root, relative)
    return text, problem
