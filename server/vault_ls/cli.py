"""Command line: `vault-ls check` reports problems; `vault-ls` runs the language server."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vault_ls import __version__
from vault_ls.generated_code import GeneratedCode
from vault_ls.settings import SEVERITY_CHOICES, Settings
from vault_ls.shown import shown
from vault_ls.vault import config
from vault_ls.vault.cache import cache_folder
from vault_ls.vault.checks import DEFAULT_SEVERITY, Problem
from vault_ls.vault.positions import Range
from vault_ls.vault.report import Report, check_vault
from vault_ls.vault.workspace import Vault

PROGRESS_FROM = 500  # notes; smaller vaults load too fast for a progress line to help

DESCRIPTION = (
    "vault-ls: a language server for Obsidian-style Markdown vaults. Without a command (or with "
    "'serve', --stdio) it serves on stdio; 'vault-ls check' reports a vault's problems."
)
CHECK_DESCRIPTION = (
    "Report broken links and other problems, as path:line:column: severity code message "
    "(paths relative to the current folder, columns in characters), then a summary. A folder "
    "is checked whole; a note is checked within its vault (the nearest folder above it holding "
    ".obsidian/ or .vault-ls.toml, else its own folder). Settings come from the vault's "
    ".obsidian/app.json, then its .vault-ls.toml, then these options. Exit status: 1 when a "
    "problem of severity error was reported, 2 when the check could not be made."
)

# SARIF levels (``result.level``): "note" is its word for information and hints
SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
RULES = {
    "unresolved-link": "No note or file has the name or path the link gives",
    "unresolved-heading": "The linked note has no such heading",
    "unresolved-block": "The linked note has no block with that id",
    "ambiguous-link": "Several notes carry the link's name; the closest one opens",
    "alias-link": "The link names an alias, which Obsidian does not resolve",
    "title-conflict": "Two declared titles of a note disagree",
    "filename-title": "The file name is nearly, not exactly, the note's title",
    "link-text": "The link's display text is a stale copy of the target's title",
    "duplicate-block-id": "A block id is used twice in one note",
    "frontmatter-error": "The YAML frontmatter could not be read",
    "encoding-error": "The file is not valid UTF-8, is binary, or is too large to index whole",
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        chosen = dict(args.severity)
        chosen.update((code, "off") for code in args.ignore)
        options: dict[str, Any] = {"exclude": args.exclude, "severity": chosen}
        if args.workers is not None:
            options["parseWorkers"] = args.workers
        return check(args.paths or ["."], args.format, options, not args.no_cache)
    if args.command in PANEL_COMMANDS:
        return _panel(args)
    return serve(args.tcp)


def serve(tcp: str | None) -> int:
    generated = GeneratedCode(cache_folder())
    generated.install()
    from vault_ls.server import run  # pygls costs ~0.3 s to import: only when serving

    try:
        return run(tcp=tcp)
    finally:
        generated.save()  # at the end, not on the way to the first answer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vault-ls", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"vault-ls {__version__}")
    parser.add_argument("--stdio", action="store_true", help="serve on stdio (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="serve on a TCP socket (debugging)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the language server (the default)")
    check_parser = commands.add_parser(
        "check", help="report broken links and other problems", description=CHECK_DESCRIPTION
    )
    check_parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="vault folders or notes (default: .)"
    )
    check_parser.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check_parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip matching files (vault paths; adds to the vault's exclude)",
    )
    check_parser.add_argument(
        "--severity",
        action="append",
        default=[],
        type=_severity_option,
        metavar="CODE=LEVEL",
        help="report CODE as error, warning, information or hint (or off)",
    )
    check_parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        type=_code_option,
        metavar="CODE",
        help="do not report CODE (the same as --severity CODE=off)",
    )
    check_parser.add_argument(
        "--no-cache", action="store_true", help="parse every note; do not read or write the cache"
    )
    check_parser.add_argument(
        "--workers",
        type=_workers_option,
        metavar="N",
        help="parse in N worker processes (0: in this one; default: one per core)",
    )
    _add_panel_commands(commands)
    return parser


PANEL_COMMANDS = ("graph", "backlinks", "unresolved", "orphans")


def _add_panel_commands(commands: Any) -> None:
    graph = commands.add_parser(
        "graph",
        help="write the vault's graph as one HTML page",
        description="Write the vault's graph (notes, links, missing notes) as one self-contained "
        "HTML page that needs no network: notes sized by backlinks, missing notes grey, a note's "
        "first tag as its colour; drag to pan, scroll to zoom, click a note to open it.",
    )
    graph.add_argument("path", nargs="?", default=".", metavar="PATH", help="the vault (default .)")
    graph.add_argument("-o", "--output", default="graph.html", help="the page (default graph.html)")
    backlinks = commands.add_parser(
        "backlinks",
        help="list the links to a note",
        description="List the links to NOTE from other notes, as path:line:column: the line "
        "holding the link. NOTE is a note's file, or its name or path as a link gives it.",
    )
    backlinks.add_argument("note", metavar="NOTE")
    backlinks.add_argument(
        "--vault", metavar="PATH", help="the vault (default: NOTE's, or the current folder)"
    )
    unresolved = commands.add_parser(
        "unresolved",
        help="list the links that reach no file",
        description="List the links that reach no note or file, as path:line:column: link.",
    )
    orphans = commands.add_parser(
        "orphans",
        help="list the notes no other note links to",
        description="List the notes no other note links to (links to itself do not count).",
    )
    for command in (unresolved, orphans):
        command.add_argument(
            "path", nargs="?", default=".", metavar="PATH", help="the vault (default .)"
        )
    for command in (graph, backlinks, unresolved, orphans):
        if command is not graph:
            command.add_argument("--format", choices=["text", "json"], default="text")
        command.add_argument(
            "--no-cache", action="store_true", help="parse every note; do not use the cache"
        )


def _panel(args: argparse.Namespace) -> int:
    from vault_ls import cli_panels  # the features (and lsprotocol) only when asked for

    use_cache = not args.no_cache
    try:
        if args.command == "graph":
            return cli_panels.graph(args.path, args.output, use_cache)
        if args.command == "backlinks":
            return cli_panels.backlinks(args.note, args.vault, args.format, use_cache)
        if args.command == "unresolved":
            return cli_panels.unresolved(args.path, args.format, use_cache)
        return cli_panels.orphans(args.path, args.format, use_cache)
    except cli_panels.CommandError as error:
        print(f"vault-ls: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0


def _code_option(code: str) -> str:
    if code not in DEFAULT_SEVERITY:
        raise argparse.ArgumentTypeError(
            f"unknown code {code!r} (codes: {', '.join(DEFAULT_SEVERITY)})"
        )
    return code


def _severity_option(value: str) -> tuple[str, str]:
    code, _, level = value.partition("=")
    _code_option(code)
    if level not in SEVERITY_CHOICES:
        choices = ", ".join(sorted(SEVERITY_CHOICES))
        raise argparse.ArgumentTypeError(f"{value!r}: the level must be one of {choices}")
    return code, level


def _workers_option(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r}: a number of processes, 0 or more")
    return int(value)


def check(
    paths: list[str], output_format: str, options: dict[str, Any], use_cache: bool = True
) -> int:
    """Check every vault the paths name (a folder whole, a note within its vault)."""
    targets: dict[Path, set[str] | None] = {}  # vault root -> its notes to report (None: all)
    files: dict[Path, list[tuple[str, str]]] = {}  # vault root -> (as given, vault path)
    for given in paths:
        path = Path(given)
        if path.is_dir():
            targets[path.resolve()] = None
        elif path.is_file():
            root = config.find_root(path) or path.resolve().parent
            relative = Path(os.path.realpath(path)).relative_to(root).as_posix()
            files.setdefault(root, []).append((given, relative))
            notes = targets.setdefault(root, set())
            if notes is not None:
                notes.add(relative)
        else:
            print(f"vault-ls: {given}: no such file or folder", file=sys.stderr)
            return 2
    show_progress = output_format == "text" and sys.stderr.isatty()
    checked: list[tuple[Path, Report]] = []
    for root, notes in targets.items():
        settings, problems = Settings.layered(config.vault_layers(root), options)
        for problem in problems:
            print(f"vault-ls: settings: {problem}", file=sys.stderr)
        try:
            vault = Vault(root, settings.exclude, use_cache, parse_workers=settings.parse_workers)
            vault.load(progress=_progress_line if show_progress else None)
            if show_progress:
                print("\r\033[K", end="", file=sys.stderr)
            vault.save_cache()
            report = check_vault(vault.index, notes, settings.severity, settings.title_sources)
        except Exception as error:  # a gate must not pass on a check that did not finish
            traceback.print_exc()
            print(f"vault-ls: the check of {root} did not finish: {error!r}", file=sys.stderr)
            return 2
        for given, relative in files.get(root, []):
            if relative not in vault.index.notes:
                print(
                    f"vault-ls: {given} is not a note of the vault {root} (excluded, hidden, "
                    "or not Markdown): not checked",
                    file=sys.stderr,
                )
        checked.append((root, report))
    try:
        _write(checked, output_format)
    except BrokenPipeError:  # the reader (``| head``) went away: not an error of ours
        sys.stderr.close()
        return 0
    return 1 if any(report.count("error") for _, report in checked) else 0


def _write(checked: list[tuple[Path, Report]], output_format: str) -> None:
    if output_format == "json":
        found = [_as_json(root, report, p) for root, report in checked for p in report.problems]
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif output_format == "sarif":
        json.dump(_as_sarif(checked), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for root, report in checked:
            for problem in report.problems:
                start = problem.range.start
                print(
                    f"{shown(root, problem.path)}:{start.line + 1}:{start.character + 1}: "
                    f"{report.severity_of(problem)} {problem.code} {problem.message}"
                )
            if len(checked) > 1:
                print(f"{root}: {report.summary()}")
            else:
                print(report.summary())


def _progress_line(done: int, total: int) -> None:
    if total >= PROGRESS_FROM:
        print(f"\rIndexing {done}/{total} notes", end="", file=sys.stderr, flush=True)


def _as_json(root: Path, report: Report, problem: Problem) -> dict[str, object]:
    return {
        "path": problem.path,  # in the vault, as links name it
        "file": shown(root, problem.path),  # as the text format prints it
        "line": problem.range.start.line + 1,
        "column": problem.range.start.character + 1,
        "end_line": problem.range.end.line + 1,
        "end_column": problem.range.end.character + 1,
        "severity": report.severity_of(problem),
        "code": problem.code,
        "message": problem.message,
    }


# --- SARIF 2.1.0, for code scanning in CI ----------------------------------------------------


def _as_sarif(checked: list[tuple[Path, Report]]) -> dict[str, Any]:
    codes = list(DEFAULT_SEVERITY)
    rules = [
        {
            "id": code,
            "shortDescription": {"text": RULES[code]},
            "defaultConfiguration": {"level": SARIF_LEVEL[DEFAULT_SEVERITY[code]]},
        }
        for code in codes
    ]
    results = []
    for root, report in checked:
        for problem in report.problems:
            result: dict[str, Any] = {
                "ruleId": problem.code,
                "ruleIndex": codes.index(problem.code),
                "level": SARIF_LEVEL[report.severity_of(problem)],
                "message": {"text": problem.message},
                "locations": [_sarif_location(root, problem.path, problem.range)],
            }
            related = [
                {
                    "id": number,
                    **_sarif_location(root, item.path, item.range),
                    "message": {"text": item.message},
                }
                for number, item in enumerate(problem.related)
            ]
            if related:
                result["relatedLocations"] = related
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vault-ls",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                # columns count characters (code points), as the text format's do
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def _sarif_location(root: Path, path: str, where: Range) -> dict[str, Any]:
    file = shown(root, path)
    if os.path.isabs(file):
        artifact = {"uri": Path(file).as_uri()}
    else:
        artifact = {"uri": quote(file), "uriBaseId": "%SRCROOT%"}
    region = {
        "startLine": where.start.line + 1,
        "startColumn": where.start.character + 1,
        "endLine": where.end.line + 1,
        "endColumn": where.end.character + 1,
    }
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}
