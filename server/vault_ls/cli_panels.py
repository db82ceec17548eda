"""`vault-ls graph`, `backlinks`, `unresolved` and `orphans`: the plugin backend's panes for
scripts and terminals. Each loads one vault as `check` does and answers from the same
features the editor's requests use (``features/graph.py``, ``features/link_panels.py``) or
from the checks (``unresolved-link``), with paths shown as `check` shows them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vault_ls.features import graph as graph_feature
from vault_ls.features import link_panels
from vault_ls.features.convert import Encoder
from vault_ls.graph_page import render
from vault_ls.settings import Settings
from vault_ls.shown import shown
from vault_ls.vault import config, fs
from vault_ls.vault.names import name_key
from vault_ls.vault.report import check_vault
from vault_ls.vault.snapshot import Snapshot
from vault_ls.vault.workspace import Vault


class CommandError(Exception):
    """A message for stderr, and exit status 2."""


@dataclass
class Loaded:
    root: Path
    vault: Vault
    settings: Settings
    snapshot: Snapshot
    encoder: Encoder  # columns in characters (code points), as `check` prints them


def load(given: str, use_cache: bool = True) -> Loaded:
    """The vault ``given`` names: a folder, or the vault of a note (as `check` finds it)."""
    path = Path(given)
    if path.is_dir():
        root = path.resolve()
    elif path.is_file():
        root = config.find_root(path) or path.resolve().parent
    else:
        raise CommandError(f"{given}: no such file or folder")
    settings, problems = Settings.layered(config.vault_layers(root), {})
    for problem in problems:
        print(f"vault-ls: settings: {problem}", file=sys.stderr)
    vault = Vault(root, settings.exclude, use_cache=use_cache)
    vault.load()
    vault.save_cache()
    snapshot = Snapshot(
        root=root,
        index=vault.index,
        texts={},
        read=lambda relative: fs.read_inside(root, relative)[0],
        loaded=True,
        alone=False,
        version=vault.index.version,
    )
    return Loaded(root, vault, settings, snapshot, Encoder(snapshot, "utf-32"))


def emit(found: Any, output_format: str, lines: list[str]) -> None:
    if output_format == "json":
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for line in lines:
            print(line)


# --- graph --------------------------------------------------------------------------------


def graph(given: str, output: str, use_cache: bool = True) -> int:
    loaded = load(given, use_cache)
    drawn = graph_feature.graph(loaded.snapshot, loaded.encoder, missing=True)
    page = render(drawn, loaded.root.name or str(loaded.root))
    target = Path(output)
    target.write_text(page, encoding="utf-8")
    notes = sum(1 for node in drawn["nodes"] if node["kind"] == "note")
    print(f"{output}: {notes} notes, {len(drawn['edges'])} links", file=sys.stderr)
    return 0


# --- backlinks ------------------------------------------------------------------------------


def note_path(loaded: Loaded, given: str) -> str:
    """The vault path of the note ``given`` names: a file of the vault, else a link target
    (``Folder/Name`` or ``Name``) naming one note."""
    path = Path(given)
    if path.is_file():
        relative = Path(path.resolve()).relative_to(loaded.root).as_posix()
        if relative in loaded.vault.index.notes:
            return relative
        raise CommandError(f"{given} is not a note of the vault {loaded.root}")
    named = sorted(loaded.vault.index.notes_named(name_key(given)))
    if len(named) == 1:
        return named[0]
    if not named:
        raise CommandError(f"no note of the vault {loaded.root} is named {given!r}")
    raise CommandError(f"several notes are named {given!r}: {', '.join(named)}")


def backlinks(note: str, vault: str | None, output_format: str, use_cache: bool = True) -> int:
    loaded = load(
        vault if vault is not None else (note if Path(note).is_file() else "."), use_cache
    )
    path = note_path(loaded, note)
    found = []
    lines = []
    for group in link_panels.backlinks(loaded.snapshot, path, loaded.encoder):
        file = shown(loaded.root, group["path"])
        for link in group["links"]:
            start, end = link["range"]["start"], link["range"]["end"]
            line, column = start["line"] + 1, start["character"] + 1
            text = link["context"]["text"]
            found.append(
                {
                    "path": group["path"],
                    "file": file,
                    "line": line,
                    "column": column,
                    "end_line": end["line"] + 1,
                    "end_column": end["character"] + 1,
                    "anchor": link["anchor"],
                    "context": text,
                }
            )
            lines.append(f"{file}:{line}:{column}: {text}")
    emit(found, output_format, lines)
    return 0


# --- unresolved -----------------------------------------------------------------------------


def unresolved(given: str, output_format: str, use_cache: bool = True) -> int:
    """Every link that reaches no file, as `check` reports ``unresolved-link`` (whatever
    severity the vault gives it)."""
    loaded = load(given, use_cache)
    only = {code: "off" for code in loaded.settings.severity}
    only["unresolved-link"] = "warning"
    report = check_vault(loaded.vault.index, None, only, loaded.settings.title_sources)
    found = []
    lines = []
    for problem in report.problems:
        if problem.code != "unresolved-link":
            continue
        file = shown(loaded.root, problem.path)
        start, end = problem.range.start, problem.range.end
        text = loaded.encoder.lines(problem.path)[start.line][
            start.character : end.character if end.line == start.line else None
        ]
        found.append(
            {
                "path": problem.path,
                "file": file,
                "line": start.line + 1,
                "column": start.character + 1,
                "end_line": end.line + 1,
                "end_column": end.character + 1,
                "target": text,
                "message": problem.message,
            }
        )
        lines.append(f"{file}:{start.line + 1}:{start.character + 1}: {text}")
    emit(found, output_format, lines)
    return 0


# --- orphans --------------------------------------------------------------------------------


def orphans(given: str, output_format: str, use_cache: bool = True) -> int:
    """The notes no other note links to (a note's links to itself do not count)."""
    loaded = load(given, use_cache)
    index = loaded.vault.index
    found = []
    lines = []
    for path in sorted(index.notes):
        if index.linking_notes(path) - {path}:
            continue
        file = shown(loaded.root, path)
        found.append({"path": path, "file": file, "name": index.notes[path].name})
        lines.append(file)
    emit(found, output_format, lines)
    return 0
