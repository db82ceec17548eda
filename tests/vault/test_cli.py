"""``vault-ls check``: the text and JSON formats, the exit code, and the example vault."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vault_ls.vault.checks import DEFAULT_SEVERITY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "vault"
TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): "
    r"(?P<severity>error|warning|information|hint) (?P<code>[a-z-]+) (?P<message>.+)$"
)


def cli(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vault_ls", "check", str(vault), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


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
        {"path", "line", "column", "end_line", "end_column", "severity", "code", "message"}
    ] * 2
    # ``— 😀 漢字 [[Nope]]``: "Nope" is code points 9..13 (0-based), UTF-16 units 10..14.
    assert problems[1] == {
        "path": "b/Z.md",
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


def test_not_a_folder(tmp_path: Path) -> None:
    result = cli(tmp_path / "missing")
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


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
