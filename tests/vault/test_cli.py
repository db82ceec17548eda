"""``vault-ls check``: the text and JSON formats, the exit code, and the example vault."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vault_ls.vault.checks import DEFAULT_SEVERITY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "vault"
TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): "
    r"(?P<severity>error|warning|information|hint) (?P<code>[a-z-]+) (?P<message>.+)$"
)


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vault_ls", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def cli(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``vault-ls check`` run in the vault: its paths print as vault paths."""
    return run(vault, "check", *args)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


WARNINGS_ONLY = {
    "b/Z.md": "— 😀 漢字 [[Nope]]\n",
    "A.md": "[[Also missing]]\n\n[[Z]]\n",
}


def test_text_format_sorted_with_summary(tmp_path: Path) -> None:
    result = cli(write(tmp_path, WARNINGS_ONLY))
    lines = result.stdout.splitlines()
    assert lines == [
        'A.md:1:3: warning unresolved-link No note named "Also missing"',
        'b/Z.md:1:10: warning unresolved-link No note named "Nope"',
        "2 problems (0 errors, 2 warnings, 0 information, 0 hints) in 2 of 2 notes; "
        "3 links, 1 resolved",
    ]
    assert all(TEXT_LINE.match(line) for line in lines[:-1])
    assert result.returncode == 0  # warnings alone do not fail the run
    assert result.stderr == ""


# Issue 11: ``$$`` display math right after a text line, in a quote, and opened mid-line.
MATH_AFTER_TEXT = (
    "The density of the sum is\n"
    "$$\n"
    "p(z) = [f * g](z)\n"
    "$$\n"
    "\n"
    "> A quote\n"
    "> $$\n"
    "> [[not a link]]\n"
    "> $$\n"
    "\n"
    "and more generally $x$ implies $$\n"
    "\\sum x\n"
    "$$\n"
    "### Then [[Heading link]]\n"
)


def test_display_math_inside_a_paragraph_holds_no_links(tmp_path: Path) -> None:
    # Before: also 3:16 ("z", read as a markdown link) and 8:5 ("not a link").
    result = cli(write(tmp_path, {"note.md": MATH_AFTER_TEXT}))
    assert result.stdout.splitlines() == [
        'note.md:14:12: warning unresolved-link No note named "Heading link"',
        "1 problem (0 errors, 1 warning, 0 information, 0 hints) in 1 of 1 notes; "
        "1 links, 0 resolved",
    ]


def test_a_lone_bracket_is_part_of_a_wikilink(tmp_path: Path) -> None:
    # Obsidian ends a wikilink only at ``]]``; before, the note held no link at all.
    result = cli(write(tmp_path, {"note.md": "See [[Sq]uare]] here.\n"}))
    assert result.stdout.splitlines() == [
        'note.md:1:7: warning unresolved-link No note named "Sq]uare"',
        "1 problem (0 errors, 1 warning, 0 information, 0 hints) in 1 of 1 notes; "
        "1 links, 0 resolved",
    ]


def test_exit_code_is_1_when_an_error_is_reported(tmp_path: Path) -> None:
    result = cli(write(tmp_path, {**WARNINGS_ONLY, "C.md": "[[A#No heading]]\n"}))
    assert result.returncode == 1
    assert "C.md:1:1: error unresolved-heading " in result.stdout
    assert cli(write(tmp_path / "clean", {"A.md": "[[B]]\n", "B.md": "b\n"})).returncode == 0


def test_json_keys_and_one_based_code_point_columns(tmp_path: Path) -> None:
    result = cli(write(tmp_path, WARNINGS_ONLY), "--format", "json")
    problems = json.loads(result.stdout)
    assert [set(p) for p in problems] == [
        {"path", "file", "line", "column", "end_line", "end_column", "severity", "code", "message"}
    ] * 2
    # ``— 😀 漢字 [[Nope]]``: "Nope" is code points 9..13 (0-based), UTF-16 units 10..14.
    assert problems[1] == {
        "path": "b/Z.md",
        "file": "b/Z.md",
        "line": 1,
        "column": 10,
        "end_line": 1,
        "end_column": 14,
        "severity": "warning",
        "code": "unresolved-link",
        "message": 'No note named "Nope"',
    }
    assert result.returncode == 0


def test_links_in_frontmatter_that_fails_to_load_are_not_reported(tmp_path: Path) -> None:
    # issue 11 item 3b: Obsidian takes links only from the loaded YAML's string values, so a
    # broken block and a ``# comment`` hold none.
    note = '---\nweek: "[[ <% tp.date("YYYY") %>]]"\n# see [[In a comment]]\n---\nBody.\n'
    result = cli(write(tmp_path, {"Week — 😀.md": note}))
    assert result.stdout.splitlines() == [
        "Week — 😀.md:2:23: error frontmatter-error Frontmatter could not be read (invalid YAML: "
        "expected <block end>, but found '<scalar>'); its properties are ignored",
        "1 problem (1 error, 0 warnings, 0 information, 0 hints) in 1 of 1 notes; "
        "0 links, 0 resolved",
    ]
    assert result.returncode == 1


def test_a_missing_path(tmp_path: Path) -> None:
    result = cli(tmp_path, "missing")
    assert result.returncode == 2
    assert result.stderr == "vault-ls: missing: no such file or folder\n"


# --- the example vault ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_problems() -> list[dict[str, object]]:
    result = cli(EXAMPLES, "--format", "json")
    assert result.returncode == 1  # it holds error-severity examples
    problems: list[dict[str, object]] = json.loads(result.stdout)
    return problems


def test_example_vault_reports_every_code(
    example_problems: list[dict[str, object]],
) -> None:
    # One of each, and a second title-conflict: the Readwise note written as exports are.
    assert sorted(str(p["code"]) for p in example_problems) == sorted(
        [*DEFAULT_SEVERITY, "title-conflict"]
    )


def test_example_vault_problems_are_where_the_notes_say(
    example_problems: list[dict[str, object]],
) -> None:
    where = sorted((p["code"], p["path"], p["line"]) for p in example_problems)
    assert where == sorted(
        [
            ("frontmatter-error", "Broken frontmatter.md", 3),
            ("filename-title", "Daily Habits-2.md", 1),
            ("encoding-error", "Legacy Latin-1.md", 1),
            ("unresolved-link", "Problems.md", 5),
            ("unresolved-heading", "Problems.md", 6),
            ("unresolved-block", "Problems.md", 7),
            ("ambiguous-link", "Problems.md", 8),
            ("alias-link", "Problems.md", 9),
            ("link-text", "Problems.md", 10),
            ("duplicate-block-id", "Problems.md", 14),
            ("title-conflict", "Readwise/Articles/Zettelkasten, Part 1.md", 1),
            (
                "title-conflict",
                "Readwise/Articles/What You Need to Know When Clients Dissociate, Part 1.md",
                2,
            ),
        ]
    )


def test_example_readwise_note_as_exported_has_its_title_conflict(
    example_problems: list[dict[str, object]],
) -> None:
    # The cover image and the title line share one paragraph, as real Readwise exports write.
    path = "Readwise/Articles/What You Need to Know When Clients Dissociate, Part 1.md"
    (conflict,) = [p for p in example_problems if p["path"] == path]
    assert (conflict["code"], conflict["line"], conflict["column"], conflict["message"]) == (
        "title-conflict",
        2,
        1,
        'Title "What You Need to Know When Clients Dissociate — Part 2" (title line, line 2) '
        'disagrees with "What You Need to Know When Clients Dissociate, Part 1" '
        "(Full Title, line 5)",
    )


def test_example_vault_summary() -> None:
    assert cli(EXAMPLES).stdout.splitlines()[-1] == (
        "12 problems (4 errors, 6 warnings, 2 information, 0 hints) in 6 of 16 notes; "
        "33 links, 31 resolved"
    )
    assert (EXAMPLES / ".obsidian" / "app.json").is_file()


# --- issue 15 item 9: paths, notes as arguments, severities, the vault's settings, SARIF --------

SUMMARY_1_WARNING = (
    "1 problem (0 errors, 1 warning, 0 information, 0 hints) in 1 of 1 notes; 2 links, 1 resolved"
)


def test_paths_print_relative_to_the_current_folder(tmp_path: Path) -> None:
    # Before: "b/Z.md:1:10: ..." whatever the folder the check ran from.
    write(tmp_path / "v", WARNINGS_ONLY)
    assert run(tmp_path, "check", "v").stdout.splitlines()[:2] == [
        'v/A.md:1:3: warning unresolved-link No note named "Also missing"',
        'v/b/Z.md:1:10: warning unresolved-link No note named "Nope"',
    ]
    # run from inside the vault: a file outside the current folder prints absolute
    inside = run(tmp_path / "v" / "b", "check", "..").stdout.splitlines()
    root = (tmp_path / "v").resolve()
    assert inside[:2] == [
        f'{root}/A.md:1:3: warning unresolved-link No note named "Also missing"',
        'Z.md:1:10: warning unresolved-link No note named "Nope"',
    ]


def test_a_note_is_checked_within_its_vault(tmp_path: Path) -> None:
    # Before: "vault-ls: b/Z.md is not a folder", exit 2.
    root = write(tmp_path / "v", {**WARNINGS_ONLY, "b/Z.md": "— 😀 [[A]] [[Nope]]\n"})
    (root / ".obsidian").mkdir()
    result = run(root / "b", "check", "Z.md")
    assert result.stdout.splitlines() == [
        'Z.md:1:13: warning unresolved-link No note named "Nope"',  # [[A]] resolved: at the root
        SUMMARY_1_WARNING,
    ]
    assert (result.returncode, result.stderr) == (0, "")
    # several notes, and a file the vault does not index
    (root / "cover.png").write_bytes(b"")
    both = run(root, "check", "b/Z.md", "A.md", ".obsidian/../cover.png")
    assert both.stdout.splitlines() == [
        'A.md:1:3: warning unresolved-link No note named "Also missing"',
        'b/Z.md:1:13: warning unresolved-link No note named "Nope"',
        "2 problems (0 errors, 2 warnings, 0 information, 0 hints) in 2 of 2 notes; "
        "4 links, 2 resolved",
    ]
    assert both.stderr == (
        f"vault-ls: .obsidian/../cover.png is not a note of the vault {root.resolve()} "
        "(excluded, hidden, or not Markdown): not checked\n"
    )


def test_a_note_outside_any_vault_is_checked_in_its_folder(tmp_path: Path) -> None:
    write(tmp_path, {"notes/Z.md": "[[A]] [[Nope]]\n", "notes/A.md": "a\n"})
    result = run(tmp_path, "check", "notes/Z.md")
    assert result.stdout.splitlines() == [
        'notes/Z.md:1:9: warning unresolved-link No note named "Nope"',
        SUMMARY_1_WARNING,
    ]


PEOPLE = {"people/Daeik.md": "# Daeik Kim\n", "A.md": "[[Nope]]\n"}
DAEIK = (
    'people/Daeik.md:1:1: information filename-title File name "Daeik" nearly matches the '
    'title "Daeik Kim" (first heading, line 1) but differs'
)


def test_severity_and_ignore_options(tmp_path: Path) -> None:
    root = write(tmp_path, PEOPLE)
    assert cli(root).stdout.splitlines()[:2] == [
        'A.md:1:3: warning unresolved-link No note named "Nope"',
        DAEIK,
    ]
    ignored = cli(root, "--ignore", "filename-title", "--severity", "unresolved-link=error")
    assert ignored.stdout.splitlines() == [
        'A.md:1:3: error unresolved-link No note named "Nope"',
        "1 problem (1 error, 0 warnings, 0 information, 0 hints) in 1 of 2 notes; "
        "1 links, 0 resolved",
    ]
    assert ignored.returncode == 1  # the gate fails on what the user made an error
    wrong = cli(root, "--ignore", "filename-titel")
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[-1] == (
        "vault-ls check: error: argument --ignore: unknown code 'filename-titel' (codes: "
        "unresolved-link, unresolved-heading, unresolved-block, ambiguous-link, alias-link, "
        "title-conflict, filename-title, link-text, duplicate-block-id, frontmatter-error, "
        "encoding-error)"
    )
    level = cli(root, "--severity", "unresolved-link=fatal")
    assert level.returncode == 2
    assert level.stderr.splitlines()[-1] == (
        "vault-ls check: error: argument --severity: 'unresolved-link=fatal': the level must "
        "be one of error, hint, information, off, warning"
    )


def test_the_workers_option_takes_a_count_of_processes(tmp_path: Path) -> None:
    root = write(tmp_path, PEOPLE)
    alone = cli(root, "--workers", "0")
    assert alone.returncode == 0 and alone.stdout == cli(root).stdout
    wrong = cli(root, "--workers", "-1")
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[-1] == (
        "vault-ls check: error: argument --workers: '-1': a number of processes, 0 or more"
    )


def test_the_vault_config_file_sets_severities_and_excludes(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            **PEOPLE,
            "Templates/Daily.md": "[[{{date}}]]\n",
            ".vault-ls.toml": '# 😀\nexclude = ["Templates/**"]\n\n[severity]\n'
            'filename-title = "off"\nunresolved-link = "hint"\n',
        },
    )
    result = cli(root)
    assert result.stdout.splitlines() == [
        'A.md:1:3: hint unresolved-link No note named "Nope"',
        "1 problem (0 errors, 0 warnings, 0 information, 1 hint) in 1 of 2 notes; "
        "1 links, 0 resolved",
    ]
    assert (result.returncode, result.stderr) == (0, "")
    # the command line goes over the file
    again = cli(root, "--severity", "filename-title=warning").stdout.splitlines()
    assert again[1] == DAEIK.replace(" information ", " warning ")


def test_an_invalid_config_file_is_reported_and_ignored(tmp_path: Path) -> None:
    root = write(tmp_path, {**PEOPLE, ".vault-ls.toml": "[severity]\nfilename-title = off\n"})
    result = cli(root)
    assert result.stderr == (
        f"vault-ls: settings: {root.resolve()}/.vault-ls.toml: not valid TOML (Invalid value "
        "(at line 2, column 18)); its settings are ignored\n"
    )
    assert result.stdout.splitlines()[1] == DAEIK  # the defaults apply
    (root / ".vault-ls.toml").write_text('severty = {}\n[severity]\nlink = "off"\n')
    assert cli(root).stderr.splitlines() == [
        f"vault-ls: settings: {root.resolve()}/.vault-ls.toml: unknown setting 'severty'",
        f"vault-ls: settings: {root.resolve()}/.vault-ls.toml: severity: ignored 'link': 'off'",
    ]


def test_obsidian_excluded_files_are_not_checked(tmp_path: Path) -> None:
    # issue 15 item 11: Obsidian's "Excluded files" (a path prefix each; /regex/ is not ours)
    root = write(
        tmp_path,
        {
            "Templates/Daily.md": "[[{{date}}]]\n",
            "Templates.md": "[[Gone]]\n",
            "A.md": "[[Nope]]\n",
            ".obsidian/app.json": '{"userIgnoreFilters": ["Templates/", "/^Arch.*/"]}',
        },
    )
    result = cli(root)
    assert result.stdout.splitlines() == [
        'A.md:1:3: warning unresolved-link No note named "Nope"',
        'Templates.md:1:3: warning unresolved-link No note named "Gone"',
        "2 problems (0 errors, 2 warnings, 0 information, 0 hints) in 2 of 2 notes; "
        "2 links, 0 resolved",
    ]
    assert result.stderr == (
        f"vault-ls: settings: {root.resolve()}/.obsidian: .obsidian/app.json: the "
        "excluded-files pattern /^Arch.*/ is a regular expression; vault-ls excludes by path, "
        "so it is not applied (add a glob to exclude)\n"
    )


def test_help_shows_no_rest_markup() -> None:
    # Before: "``vault-ls check [PATH]`` reports a vault's problems; ``vault-ls`` (or ``serve``".
    for args in (["--help"], ["check", "--help"]):
        result = run(EXAMPLES, *args)
        assert result.returncode == 0
        assert "``" not in result.stdout
    assert "vault-ls check" in run(EXAMPLES, "--help").stdout


# SARIF 2.1.0 (sarif-schema-2.1.0.json, OASIS): for each object this output writes, the
# properties the schema requires and the ones it allows (every object there has
# "additionalProperties": false), and the enums it fixes.
SARIF_OBJECTS: dict[str, tuple[set[str], set[str]]] = {
    "log": ({"version", "runs"}, {"$schema", "version", "runs"}),
    "run": ({"tool"}, {"tool", "columnKind", "originalUriBaseIds", "results"}),
    "tool": ({"driver"}, {"driver"}),
    "driver": ({"name"}, {"name", "version", "rules"}),
    "rule": ({"id"}, {"id", "shortDescription", "defaultConfiguration"}),
    "multiformatMessageString": ({"text"}, {"text"}),
    "reportingConfiguration": (set(), {"level", "enabled"}),
    "result": (
        {"message"},
        {"ruleId", "ruleIndex", "level", "message", "locations", "relatedLocations"},
    ),
    "message": (set(), {"text"}),
    "location": (set(), {"id", "physicalLocation", "message"}),
    "physicalLocation": ({"artifactLocation"}, {"artifactLocation", "region"}),
    "artifactLocation": (set(), {"uri", "uriBaseId"}),
    "region": (set(), {"startLine", "startColumn", "endLine", "endColumn"}),
}
SARIF_LEVELS = {"none", "note", "warning", "error"}


def shape(kind: str, value: object) -> None:
    assert isinstance(value, dict), kind
    required, allowed = SARIF_OBJECTS[kind]
    assert required <= set(value) <= allowed, (kind, set(value))


def check_sarif(log: dict[str, Any]) -> None:
    shape("log", log)
    assert log["version"] == "2.1.0"
    for run_ in log["runs"]:
        shape("run", run_)
        assert run_["columnKind"] in {"utf16CodeUnits", "unicodeCodePoints"}
        for base in run_["originalUriBaseIds"].values():
            shape("artifactLocation", base)
        shape("tool", run_["tool"])
        shape("driver", run_["tool"]["driver"])
        rules = run_["tool"]["driver"]["rules"]
        for rule in rules:
            shape("rule", rule)
            shape("multiformatMessageString", rule["shortDescription"])
            shape("reportingConfiguration", rule["defaultConfiguration"])
            assert rule["defaultConfiguration"]["level"] in SARIF_LEVELS
        for result in run_["results"]:
            shape("result", result)
            shape("message", result["message"])
            assert result["level"] in SARIF_LEVELS
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            for location in [*result["locations"], *result.get("relatedLocations", [])]:
                shape("location", location)
                shape("physicalLocation", location["physicalLocation"])
                shape("artifactLocation", location["physicalLocation"]["artifactLocation"])
                region = location["physicalLocation"]["region"]
                shape("region", region)
                assert all(isinstance(n, int) and n >= 1 for n in region.values())


def test_sarif_output_for_code_scanning(tmp_path: Path) -> None:
    root = write(
        tmp_path / "repo",
        {
            "notes/b/Zed — 😀.md": "— 😀 漢字 [[Nope]]\n",
            "notes/x/Same.md": "x\n",
            "notes/y/Same.md": "y\n",
            "notes/A.md": "[[Same]]\n",
            "notes/.vault-ls.toml": '[severity]\nunresolved-link = "error"\n',
        },
    )
    result = run(root, "check", "--format", "sarif", "notes")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    check_sarif(log)
    (run_,) = log["runs"]
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}}
    assert run_["columnKind"] == "unicodeCodePoints"
    ambiguous, unresolved = run_["results"]
    assert unresolved == {
        "ruleId": "unresolved-link",
        "ruleIndex": 0,
        "level": "error",  # as the vault's file set it
        "message": {"text": 'No note named "Nope"'},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "notes/b/Zed%20%E2%80%94%20%F0%9F%98%80.md",
                        "uriBaseId": "%SRCROOT%",
                    },
                    # "Nope" is code points 9..13 (0-based); endColumn is the one after it
                    "region": {"startLine": 1, "startColumn": 10, "endLine": 1, "endColumn": 14},
                }
            }
        ],
    }
    assert ambiguous["ruleId"] == "ambiguous-link"
    assert ambiguous["level"] == "warning"
    assert [
        location["physicalLocation"]["artifactLocation"]["uri"]
        for location in ambiguous["relatedLocations"]
    ] == ["notes/x/Same.md", "notes/y/Same.md"]
    assert len(run_["tool"]["driver"]["rules"]) == len(DEFAULT_SEVERITY)
