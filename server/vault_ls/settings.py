"""User settings: from the editor (``initializationOptions``, the ``vault-ls`` configuration
section), a vault's own files (``vault/config.py``) and the command line, all in one form.

Invalid values are reported and replaced by defaults; they never stop the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault_ls.vault.checks import DEFAULT_SEVERITY, TITLE_SOURCES
from vault_ls.vault.config import NEW_FILE_LOCATIONS, Layer

SEVERITY_CHOICES = {"error", "warning", "information", "hint", "off"}
COMPLETION_STYLES = {"shortest", "path", "name"}
LINK_FORMATS = {"wikilink", "markdown"}
MOVE_UPDATES = {"always", "prompt", "never"}  # links after a move the editor made on its own
# who watches the vault's files: "auto" the client when it can register watchers, else the
# server; "server" or "client" always; "off" nobody (changes on disk are seen after a restart)
WATCH_MODES = {"auto", "server", "client", "off"}
KEYS = {
    "exclude",
    "severity",
    "completion",
    "titleSources",
    "maxFiles",
    "newFileLocation",
    "newFileFolder",
    "linkFormat",
    "updateLinksOnRename",
    "dailyNotes",
    "rename",
    "watch",
    "codeLens",
    "parseWorkers",
}
# What an editor sends for a setting its user never changed (VS Code sends every key of the
# section, with the defaults of its package.json): it must not override a vault's own file.
DEFAULTS: dict[str, Any] = {
    "exclude": [],
    "severity": {},
    "completion": {"limit": 50, "style": "shortest"},
    "titleSources": None,
    "maxFiles": 200_000,
    "rename": {"updateDisplayText": True},
    "watch": "auto",
    "codeLens": {"backlinks": True},
    "parseWorkers": None,
}


@dataclass(frozen=True)
class DailyNotes:
    folder: str = ""
    format: str = "YYYY-MM-DD"  # moment.js tokens, as Obsidian writes them
    template: str = ""


@dataclass
class Settings:
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> level or "off"
    completion_limit: int = 50
    # "shortest": [[Name]], [[folder/Name]] only when names clash; "path": the full vault path;
    # "name": always the bare name (Obsidian's "shortest path" without disambiguation)
    completion_style: str = "shortest"
    title_sources: frozenset[str] | None = None  # TitleClaim sources the title checks compare
    max_files: int = 200_000
    # Where new notes go, how links are written and kept: Obsidian's own settings of the vault
    # "current" (the linking note's folder: where a quick fix creates a linked note), "root",
    # "folder"
    new_file_location: str = "current"
    new_file_folder: str = ""  # for "folder"
    link_format: str = "wikilink"  # "markdown": [text](path.md)
    update_links_on_rename: bool = True
    daily_notes: DailyNotes = field(default_factory=DailyNotes)
    # rename: display text that is the old name follows the new one, as in Obsidian
    rename_display_text: bool = True
    # a file moved without asking first (``didRenameFiles``): update its links always, after
    # asking, or never; a vault whose owner set Obsidian's "always update links" gets "always"
    update_links_on_move: str = "prompt"
    watch: str = "auto"  # WATCH_MODES
    code_lens_backlinks: bool = True  # "N backlinks" above a note and its linked headings
    parse_workers: int | None = None  # processes parsing a cold vault; None: one per core

    @classmethod
    def parse(cls, raw: Any, strict: bool = False) -> tuple[Settings, list[str]]:
        """Settings from a JSON object, and a message for every value that was ignored
        (``strict``: also for every unknown key, as in a file written for vault-ls)."""
        settings, problems = cls(), []
        if not isinstance(raw, dict):
            # null, [] and "" are how clients say "no settings"
            return settings, ([] if not raw else ["settings must be an object"])
        if strict:
            problems += [f"unknown setting {key!r}" for key in raw if key not in KEYS]
        exclude = raw.get("exclude", [])
        if isinstance(exclude, list) and all(isinstance(item, str) for item in exclude):
            settings.exclude = exclude
        else:
            problems.append("exclude must be a list of glob patterns")
        severity = raw.get("severity", {})
        if isinstance(severity, dict):
            for code, level in severity.items():
                if code in DEFAULT_SEVERITY and level in SEVERITY_CHOICES:
                    settings.severity[code] = level
                else:
                    problems.append(f"severity: ignored {code!r}: {level!r}")
        else:
            problems.append("severity must map diagnostic codes to a level")
        completion = raw.get("completion", {})
        if not isinstance(completion, dict):
            completion = {}
            problems.append("completion must be an object")
        limit = completion.get("limit", 50)
        if isinstance(limit, int) and limit > 0:
            settings.completion_limit = limit
        else:
            problems.append("completion.limit must be a positive integer")
        style = completion.get("style", "shortest")
        if style in COMPLETION_STYLES:
            settings.completion_style = style
        else:
            problems.append(f"completion.style must be one of {sorted(COMPLETION_STYLES)}")
        sources = raw.get("titleSources")
        if sources is not None:
            if isinstance(sources, list) and all(s in TITLE_SOURCES for s in sources):
                settings.title_sources = frozenset(TITLE_SOURCES[s] for s in sources)
            else:
                problems.append(f"titleSources must list some of {sorted(TITLE_SOURCES)}")
        max_files = raw.get("maxFiles", settings.max_files)
        if isinstance(max_files, int) and max_files > 0:
            settings.max_files = max_files
        else:
            problems.append("maxFiles must be a positive integer")
        problems += _parse_notes_and_links(raw, settings)
        rename = raw.get("rename", {})
        display_text = rename.get("updateDisplayText", True) if isinstance(rename, dict) else None
        if isinstance(display_text, bool):
            settings.rename_display_text = display_text
        else:
            problems.append("rename.updateDisplayText must be true or false")
        on_move = rename.get("updateLinksOnMove", "prompt") if isinstance(rename, dict) else None
        if on_move in MOVE_UPDATES:
            settings.update_links_on_move = on_move
        else:
            problems.append(f"rename.updateLinksOnMove must be one of {sorted(MOVE_UPDATES)}")
        watch = raw.get("watch", settings.watch)
        if watch in WATCH_MODES:
            settings.watch = watch
        else:
            problems.append(f"watch must be one of {sorted(WATCH_MODES)}")
        lens = raw.get("codeLens", {})
        backlinks = lens.get("backlinks", True) if isinstance(lens, dict) else None
        if isinstance(backlinks, bool):
            settings.code_lens_backlinks = backlinks
        else:
            problems.append("codeLens.backlinks must be true or false")
        workers = raw.get("parseWorkers")
        if workers is None or (type(workers) is int and workers >= 0):
            settings.parse_workers = workers
        else:
            problems.append("parseWorkers must be 0 or more processes (null: one per core)")
        return settings, problems

    @classmethod
    def layered(
        cls, layers: list[Layer], editor: dict[str, Any] | None = None
    ) -> tuple[Settings, list[str]]:
        """The settings of ``layers`` (built-in defaults first, each later layer over the
        earlier), then ``editor`` over them, and the problems of the layers, each naming its
        file (``editor``'s are ``parse``'s to report). Exclude patterns add up; ``severity``,
        ``completion`` and ``dailyNotes`` merge key by key; an editor's value left at its
        default overrides nothing."""
        merged: dict[str, Any] = {}
        problems: list[str] = []
        for layer in layers:
            problems += [f"{layer.source}: {problem}" for problem in layer.problems]
            _, found = cls.parse(layer.raw, layer.strict)
            problems += [f"{layer.source}: {problem}" for problem in found]
            merged = _over(merged, layer.raw)
        merged = _over(merged, _without_defaults(editor or {}))
        settings, _ = cls.parse(merged)  # every problem was reported with its layer
        return settings, problems


def _parse_notes_and_links(raw: dict[str, Any], settings: Settings) -> list[str]:
    problems = []
    location = raw.get("newFileLocation", settings.new_file_location)
    if location in NEW_FILE_LOCATIONS:
        settings.new_file_location = location
    else:
        problems.append(f"newFileLocation must be one of {sorted(NEW_FILE_LOCATIONS)}")
    folder = raw.get("newFileFolder", "")
    if isinstance(folder, str):
        settings.new_file_folder = folder
    else:
        problems.append("newFileFolder must be a vault folder")
    link_format = raw.get("linkFormat", settings.link_format)
    if link_format in LINK_FORMATS:
        settings.link_format = link_format
    else:
        problems.append(f"linkFormat must be one of {sorted(LINK_FORMATS)}")
    update = raw.get("updateLinksOnRename", True)
    if isinstance(update, bool):
        settings.update_links_on_rename = update
    else:
        problems.append("updateLinksOnRename must be true or false")
    daily = raw.get("dailyNotes", {})
    if isinstance(daily, dict) and all(isinstance(value, str) for value in daily.values()):
        known = {key: daily[key] for key in ("folder", "format", "template") if key in daily}
        settings.daily_notes = DailyNotes(**known)
    else:
        problems.append("dailyNotes must map folder, format and template to text")
    return problems


def _over(base: dict[str, Any], layer: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in layer.items():
        before = merged.get(key)
        if key == "exclude" and isinstance(before, list) and isinstance(value, list):
            merged[key] = [*before, *value]
        elif isinstance(before, dict) and isinstance(value, dict):
            merged[key] = {**before, **value}
        else:
            merged[key] = value
    return merged


def _without_defaults(editor: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in editor.items():
        default = DEFAULTS.get(key, ...)
        if isinstance(value, dict) and isinstance(default, dict):
            value = {k: v for k, v in value.items() if default.get(k, ...) != v}
            if value:
                kept[key] = value
        elif value != default:
            kept[key] = value
    return kept
