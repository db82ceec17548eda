"""A vault's own settings (issue 15 items 9 and 11): ``.obsidian/app.json`` and
``daily-notes.json`` as Obsidian wrote them, ``.vault-ls.toml`` over them, the editor's on top."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from vault_ls.settings import DailyNotes, Settings
from vault_ls.vault import config


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def settings_of(root: Path, editor: dict[str, object] | None = None) -> tuple[Settings, list[str]]:
    return Settings.layered(config.vault_layers(root), editor)


APP_JSON = """{
  "userIgnoreFilters": ["Templates/", "Archive — 2023", "*odd[1]"],
  "newFileLocation": "folder",
  "newFileFolderPath": "Inbox/",
  "alwaysUpdateLinks": false,
  "useMarkdownLinks": true,
  "newLinkFormat": "absolute",
  "vimMode": true
}"""
DAILY = '{"folder": "Journal/Daily", "format": "YYYY-MM-DD ddd", "autorun": true}'


def test_obsidian_settings_are_the_vault_defaults(tmp_path: Path) -> None:
    root = write(tmp_path, {".obsidian/app.json": APP_JSON, ".obsidian/daily-notes.json": DAILY})
    settings, problems = settings_of(root)
    assert problems == []
    # Obsidian's filters are path prefixes; glob characters in them are literal
    assert settings.exclude == ["Templates/*", "Archive — 2023*", "[*]odd[[]1]*"]
    assert (settings.new_file_location, settings.new_file_folder) == ("folder", "Inbox")
    assert settings.update_links_on_rename is False
    assert settings.link_format == "markdown"
    assert settings.completion_style == "path"
    assert settings.daily_notes == DailyNotes("Journal/Daily", "YYYY-MM-DD ddd", "")


def test_no_files_give_the_built_in_defaults(tmp_path: Path) -> None:
    assert settings_of(tmp_path) == (Settings(), [])
    # Obsidian writes null for an empty list of excluded files
    root = write(tmp_path / "v", {".obsidian/app.json": '{"userIgnoreFilters": null}'})
    assert settings_of(root) == (Settings(), [])


def test_layers_apply_in_order(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            ".obsidian/app.json": APP_JSON,
            ".vault-ls.toml": """
exclude = ["*.excalidraw.md"]
linkFormat = "wikilink"
titleSources = ["frontmatter"]

[severity]
filename-title = "off"
link-text = "hint"

[completion]
limit = 20
""",
        },
    )
    # VS Code sends every key of its section, unchanged ones at their defaults
    editor = {
        "exclude": [],
        "severity": {"link-text": "warning"},
        "completion": {"limit": 50, "style": "shortest"},
        "titleSources": None,
        "maxFiles": 200_000,
        "newFileLocation": "current",
    }
    settings, problems = settings_of(root, editor)
    assert problems == []
    assert settings.exclude == [
        "Templates/*",
        "Archive — 2023*",
        "[*]odd[[]1]*",
        "*.excalidraw.md",
    ]
    assert settings.severity == {"filename-title": "off", "link-text": "warning"}
    assert (settings.completion_limit, settings.completion_style) == (20, "path")
    assert settings.title_sources == frozenset({"frontmatter title"})
    assert settings.link_format == "wikilink"  # the file over Obsidian's
    assert settings.new_file_location == "current"  # the editor over both
    # an editor value that differs from the default does override
    style = settings_of(root, {"completion": {"style": "name"}})[0].completion_style
    assert style == "name"


def test_problems_name_their_file_and_fall_back(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            ".obsidian/app.json": "{not json",
            ".obsidian/daily-notes.json": "[]",
            ".vault-ls.toml": 'maxFiles = -1\n[completion]\nstyle = "long"\n',
        },
    )
    settings, problems = settings_of(root)
    assert problems == [
        f"{root}/.obsidian: .obsidian/app.json: not valid JSON (Expecting property name "
        "enclosed in double quotes: line 1 column 2 (char 1)); it is ignored",
        f"{root}/.obsidian: .obsidian/daily-notes.json: not a JSON object; it is ignored",
        f"{root}/.vault-ls.toml: completion.style must be one of ['name', 'path', 'shortest']",
        f"{root}/.vault-ls.toml: maxFiles must be a positive integer",
    ]
    assert settings == Settings()


def test_a_fifo_in_place_of_the_config_file_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / ".vault-ls.toml")
    found: list[tuple[Settings, list[str]]] = []
    reader = threading.Thread(target=lambda: found.append(settings_of(tmp_path)), daemon=True)
    reader.start()
    reader.join(5)
    assert found == [
        (
            Settings(),
            [
                f"{tmp_path}/.vault-ls.toml: The file is not a regular file (a FIFO, socket or "
                "device); it is not read; its settings are ignored"
            ],
        )
    ]


def test_a_config_file_linked_from_outside_the_vault_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"elsewhere.toml": 'exclude = ["*"]\n'})
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / ".vault-ls.toml").symlink_to(tmp_path / "elsewhere.toml")
    settings, problems = settings_of(tmp_path / "v")
    assert settings.exclude == []
    assert problems == [
        f"{tmp_path}/v/.vault-ls.toml: The file is a link to a place outside the vault; it is "
        "not read; its settings are ignored"
    ]


def test_the_root_of_a_note_is_the_nearest_vault_above_it(tmp_path: Path) -> None:
    write(tmp_path, {"a/.vault-ls.toml": "", "a/b/.obsidian/app.json": "{}", "a/b/c/N.md": ""})
    write(tmp_path, {"a/M.md": "", "N.md": ""})
    assert config.find_root(tmp_path / "a/b/c/N.md") == (tmp_path / "a/b").resolve()
    assert config.find_root(tmp_path / "a/M.md") == (tmp_path / "a").resolve()


def test_the_rename_table_of_the_vault_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".vault-ls.toml").write_text("[rename]\nupdateDisplayText = false\n")
    settings, problems = Settings.layered(config.vault_layers(tmp_path))
    assert problems == []
    assert settings.rename_display_text is False
    # the editor's default (true) overrides nothing; its false would
    assert (
        Settings.layered(config.vault_layers(tmp_path), {"rename": {"updateDisplayText": True}})[
            0
        ].rename_display_text
        is False
    )


def test_links_follow_a_move_always_when_obsidian_always_updates_them(tmp_path: Path) -> None:
    always = write(tmp_path / "a", {".obsidian/app.json": '{"alwaysUpdateLinks": true}'})
    asks = write(tmp_path / "b", {".obsidian/app.json": '{"alwaysUpdateLinks": false}'})
    assert settings_of(always)[0].update_links_on_move == "always"
    assert settings_of(asks)[0].update_links_on_move == "prompt"
    assert settings_of(tmp_path / "none")[0].update_links_on_move == "prompt"
    editor = {"rename": {"updateLinksOnMove": "never"}}
    assert settings_of(always, editor)[0].update_links_on_move == "never"
    assert Settings.parse({"rename": {"updateLinksOnMove": "sometimes"}})[1] == [
        "rename.updateLinksOnMove must be one of ['always', 'never', 'prompt']"
    ]


def test_parse_workers_is_a_count_of_processes_or_null(tmp_path: Path) -> None:
    assert settings_of(write(tmp_path / "a", {".vault-ls.toml": "parseWorkers = 3\n"}))[0] == (
        Settings(parse_workers=3)
    )
    assert settings_of(tmp_path / "a", {"parseWorkers": 0})[0].parse_workers == 0
    assert settings_of(tmp_path / "a", {"parseWorkers": None})[0].parse_workers == 3
    for wrong in ("-1", '"4"', "true", "1.5"):
        root = write(tmp_path / wrong, {".vault-ls.toml": f"parseWorkers = {wrong}\n"})
        settings, problems = settings_of(root)
        assert problems == [
            f"{root}/.vault-ls.toml: parseWorkers must be 0 or more processes (null: one per core)"
        ]
        assert settings.parse_workers is None
