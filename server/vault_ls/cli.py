"""Command line: ``vault-ls check [PATH]`` reports a vault's problems; ``vault-ls`` (or
``serve``, ``--stdio``) runs the language server on stdio, ``--tcp HOST:PORT`` on a socket."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from vault_ls import __version__
from vault_ls.vault.report import Report, check_vault
from vault_ls.vault.workspace import Vault

PROGRESS_FROM = 500  # notes; smaller vaults load too fast for a progress line to help


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        return check(Path(args.path), args.format, args.exclude, not args.no_cache)
    from vault_ls.server import run  # pygls costs ~0.3 s to import: only when serving

    return run(tcp=args.tcp)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vault-ls", description=__doc__)
    parser.add_argument("--version", action="version", version=f"vault-ls {__version__}")
    parser.add_argument("--stdio", action="store_true", help="serve on stdio (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="serve on a TCP socket (debugging)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the language server (the default)")
    check_parser = commands.add_parser("check", help="report broken links and other problems")
    check_parser.add_argument("path", nargs="?", default=".", help="vault folder (default: .)")
    check_parser.add_argument("--format", choices=["text", "json"], default="text")
    check_parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="skip matching files"
    )
    check_parser.add_argument(
        "--no-cache", action="store_true", help="parse every note; do not read or write the cache"
    )
    return parser


def check(path: Path, output_format: str, exclude: list[str], use_cache: bool = True) -> int:
    if not path.is_dir():
        print(f"vault-ls: {path} is not a folder", file=sys.stderr)
        return 2
    show_progress = output_format == "text" and sys.stderr.isatty()
    try:
        vault = Vault(path, exclude, use_cache=use_cache)
        vault.load(progress=_progress_line if show_progress else None)
        if show_progress:
            print("\r\033[K", end="", file=sys.stderr)
        vault.save_cache()
        report = check_vault(vault.index)
    except Exception as error:  # a gate must not pass on a check that did not finish
        traceback.print_exc()
        print(f"vault-ls: the check of {path} did not finish: {error!r}", file=sys.stderr)
        return 2
    try:
        _write(report, output_format)
    except BrokenPipeError:  # the reader (``| head``) went away: not an error of ours
        sys.stderr.close()
        return 0
    return 1 if report.count("error") else 0


def _write(report: Report, output_format: str) -> None:
    if output_format == "json":
        json.dump(_as_json(report), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for problem in report.problems:
            start = problem.range.start
            print(
                f"{problem.path}:{start.line + 1}:{start.character + 1}: "
                f"{problem.severity} {problem.code} {problem.message}"
            )
        print(report.summary())


def _progress_line(done: int, total: int) -> None:
    if total >= PROGRESS_FROM:
        print(f"\rIndexing {done}/{total} notes", end="", file=sys.stderr, flush=True)


def _as_json(report: Report) -> list[dict[str, object]]:
    return [
        {
            "path": problem.path,
            "line": problem.range.start.line + 1,
            "column": problem.range.start.character + 1,
            "end_line": problem.range.end.line + 1,
            "end_column": problem.range.end.character + 1,
            "severity": problem.severity,
            "code": problem.code,
            "message": problem.message,
        }
        for problem in report.problems
    ]
