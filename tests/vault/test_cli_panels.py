"""``vault-ls graph``, ``backlinks``, ``unresolved`` and ``orphans``: exact output on the demo
vault and on obsidian-help, run as a user runs them (a real process, real files)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.vault.test_cli import EXAMPLES, run, write

REPO = Path(__file__).resolve().parents[2]
HELP = REPO.parent / "shared" / "corpora" / "obsidian-help"
needs_help = pytest.mark.skipif(not HELP.is_dir(), reason="../shared/corpora is not here")


def lines(cwd: Path, *args: str) -> list[str]:
    result = run(cwd, *args, "--no-cache")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def as_json(cwd: Path, *args: str) -> Any:
    result = run(cwd, *args, "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def page_data(page: Path) -> dict[str, Any]:
    found = re.search(
        r'<script id="graph-data" type="application/json">(.*?)</script>',
        page.read_text("utf-8"),
        re.S,
    )
    assert found is not None
    return json.loads(found.group(1))


def test_backlinks_of_the_demo_note_by_name_by_file_and_from_another_folder() -> None:
    expected = [
        "Broken frontmatter.md:6:5: see [[Welcome]].",
        "Café — 日本語.md:9:10: See also [[Welcome#Notes in this vault]].",
        'Projects/Garden Plan.md:6:11: related: "[[Welcome]]"',
        "Projects/Garden Plan.md:10:13: Back to the [start](../Welcome.md).",
    ]
    assert lines(EXAMPLES, "backlinks", "Welcome") == expected
    assert lines(EXAMPLES, "backlinks", "welcome.md") == expected  # a file, as the shell gives it
    # paths relative to where it runs, as `check` prints them
    assert lines(REPO, "backlinks", "examples/vault/Welcome.md") == [
        f"examples/vault/{line}" for line in expected
    ]
    found = as_json(EXAMPLES, "backlinks", "Welcome")
    assert found[1] == {
        "path": "Café — 日本語.md",
        "file": "Café — 日本語.md",
        "line": 9,
        "column": 10,
        "end_line": 9,
        "end_column": 41,
        "anchor": "Notes in this vault",
        "context": "See also [[Welcome#Notes in this vault]].",
    }


def test_unresolved_and_orphans_of_the_demo_vault() -> None:
    assert lines(EXAMPLES, "unresolved") == ["Problems.md:5:22: Missing note"]
    assert as_json(EXAMPLES, "unresolved") == [
        {
            "path": "Problems.md",
            "file": "Problems.md",
            "line": 5,
            "column": 22,
            "end_line": 5,
            "end_column": 34,
            "target": "Missing note",
            "message": 'No note named "Missing note"',
        }
    ]
    assert lines(REPO, "orphans", "examples/vault") == [
        "examples/vault/Broken frontmatter.md",
        "examples/vault/Daily Habits-2.md",
        "examples/vault/Legacy Latin-1.md",
    ]
    assert as_json(EXAMPLES, "orphans")[0] == {
        "path": "Broken frontmatter.md",
        "file": "Broken frontmatter.md",
        "name": "Broken frontmatter",
    }


def test_orphans_leave_self_links_out_and_unresolved_ignores_the_vaults_severity(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            ".vault-ls.toml": '[severity]\n"unresolved-link" = "off"\n',
            "Self — 自分.md": "[[Self — 自分]] [[Nowhere 😀]]\n",
            "A.md": "[[B]]\n",
            "B.md": "# B\n",
        },
    )
    assert lines(tmp_path, "orphans") == ["A.md", "Self — 自分.md"]
    assert lines(tmp_path, "unresolved") == ["Self — 自分.md:1:17: Nowhere 😀"]
    assert run(tmp_path, "check").stdout.startswith("0 problems")


def test_backlinks_of_a_name_no_note_or_several_notes_carry(tmp_path: Path) -> None:
    write(tmp_path, {"a/X.md": "", "b/X.md": "", "Y.md": "[[X]]\n"})
    several = run(tmp_path, "backlinks", "X")
    assert (several.returncode, several.stderr) == (
        2,
        "vault-ls: several notes are named 'X': a/X.md, b/X.md\n",
    )
    assert lines(tmp_path, "backlinks", "a/X") == ["Y.md:1:1: [[X]]"]
    none = run(tmp_path, "backlinks", "Nope")
    assert none.returncode == 2
    assert "no note of the vault" in none.stderr and "'Nope'" in none.stderr


def test_graph_page_of_the_demo_vault_embeds_every_note_and_no_network(tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    result = run(EXAMPLES, "graph", "-o", str(page), "--no-cache")
    assert result.returncode == 0, result.stderr
    data = page_data(page)
    notes = sorted(str(p.relative_to(EXAMPLES).as_posix()) for p in EXAMPLES.rglob("*.md"))
    assert [n["id"] for n in data["nodes"] if n["kind"] == "note"] == notes
    # missing: what no file answers, "Gemüsegarten" too (an alias, which `check` reports as
    # alias-link and Obsidian does not resolve)
    assert [(n["id"], n["name"]) for n in data["nodes"] if n["kind"] == "missing"] == [
        ("missing:gemüsegarten", "Gemüsegarten"),
        ("missing:missing note", "Missing note"),
    ]
    welcome = next(n for n in data["nodes"] if n["id"] == "Welcome.md")
    assert (welcome["backlinks"], welcome["uri"]) == (3, (EXAMPLES / "Welcome.md").as_uri())
    text = page.read_text("utf-8")
    assert "ForceGraph" in text and "Vasco Asturiano" not in text  # the library, inlined
    # nothing the page loads from elsewhere: no src=, href= or url() outside the page itself
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert result.stderr == f"{page}: 16 notes, 24 links\n"


@needs_help
def test_backlinks_unresolved_and_orphans_of_obsidian_help() -> None:
    assert lines(HELP, "backlinks", "Aliases") == [
        "Editing and formatting/Advanced formatting syntax.md:56:22: > If you want to use "
        "[[aliases]], or to [[Basic formatting syntax#External images|resize an image]] in your"
        " table, you need to add a `\\` before the vertical bar.",
        "Linking notes and files/Internal links.md:171:217: This method is helpful for one-off "
        "situations where you want to change how a link looks in a specific context. If you "
        "want to set up an alternate link name that you can reuse throughout your vault, "
        "consider using an [[Aliases|alias]] instead.",
        "Linking notes and files/Internal links.md:178:7: > Use [[Aliases|aliases]] when you "
        "want to refer to the same note using *different names* throughout your vault.",
        "Plugins/Outgoing links.md:13:84: - **Unlinked mentions** lists any text in the active "
        "note that matches the name or [[Aliases|alias]] of another note in your vault. "
        "Unlinked mentions helps you discover links you aren't aware of yet.",
        "Obsidian Publish/Permalinks.md:44:107: To redirect readers from `/Guides/Making+friends`"
        " to `/Tutorials/How+to+make+friends`, you need to add an [[Aliases|alias]] in `How to "
        "make friends.md`, the note you want to redirect to.",
        "Editing and formatting/Properties.md:281:29: | `aliases`    | List | See [[Aliases]]."
        "                                             |",
    ]
    assert lines(HELP, "unresolved") == [
        "Linking notes and files/Internal links.md:154:31: Example",
        "Linking notes and files/Internal links.md:155:39: Example",
        "Linking notes and files/Internal links.md:162:42: Example",
        "Linking notes and files/Internal links.md:163:51: Example",
        "Linking notes and files/Internal links.md:168:56: Example.md",
        "Linking notes and files/Internal links.md:169:66: Example.md",
    ]
    assert lines(HELP, "orphans") == [
        "Editing and formatting/HTML content.md",
        "Editing and formatting/Multiple cursors.md",
        "Files and folders/Symbolic links and junctions.md",
        "Obsidian Publish/Troubleshoot Obsidian Publish.md",
        "Obsidian/Official website.md",
        "Teams/Obsidian for teams.md",
        "User interface/Drag and drop.md",
        "User interface/Language settings.md",
    ]
