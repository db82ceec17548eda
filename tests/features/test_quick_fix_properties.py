"""Quick fixes on generated vaults, every fix of every problem applied by the tests' own
applier: (1) a fix changes only its span — the link, the block marker, the title's line, or
text added at the end of a note — (2) byte order marks, CRLF line breaks and the presence or
absence of a final newline survive, (3) a new note never lands on a file: where one exists by
the time the edit is applied, every byte of it is still there."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from tests.features.edit_applier import apply

from vault_ls.features import quick_fixes
from vault_ls.features.convert import Encoder
from vault_ls.features.diagnostics import diagnostics
from vault_ls.vault.positions import Range
from vault_ls.vault.snapshot import in_memory

ROOT = Path("/vault")
BOM = "\ufeff"
EVERYWHERE = Range.of(0, 0, 100_000, 0)
OPTIONS = quick_fixes.Options()
NOTES = ["Garden Plan", "Café — 日本", "a/Meeting notes", "b/Meeting notes", "z/Zettel 😀"]
BARE_LF = re.compile(r"(?<!\r)\n")


def name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, str]:
    files = {}
    for path in NOTES:
        eol = draw(st.sampled_from(["\n", "\r\n"]))
        lines: list[str] = []
        if draw(st.booleans()):
            lines += ["---", f"aliases: [{name(path)} alias]"]
            if draw(st.booleans()):
                title = draw(st.sampled_from(['"{}: draft"', "{} — draft", "'{}'"]))
                lines.append("title: " + title.format(name(path)))
            lines.append("---")
        lines.append(f"# {name(path)}" + draw(st.sampled_from(["", "-2", " — old"])))
        for _ in range(draw(st.integers(1, 6))):
            other = name(draw(st.sampled_from(NOTES)))
            typo = other[:-1] + draw(st.sampled_from(["x", "", other[-1] * 2]))
            form = draw(
                st.sampled_from(
                    [
                        f"[[{typo}]]",
                        f"[[Unwritten — 名 {draw(st.integers(0, 3))}]]",
                        f"[[{other}#Beds — 🍅]]",
                        f"[[{other}#Sectionx]]",
                        f"[[{other}#^blokk]]",
                        f"[[{other} alias]]",
                        f"[[{other} alias#Section]]",
                        f"[[{other}|{typo}]]",
                        "[[Meeting notes]]",
                        f"[t]({typo.replace(' ', '%20')}.md)",
                        f"[t](sub/New%20{draw(st.integers(0, 3))}.md#Top)",
                    ]
                )
            )
            if draw(st.booleans()):
                lines += ["", "| a | b |", "|---|---|", f"| {form} | 😀 |", ""]
            else:
                lines.append(f"text — {form} 😀 and more")
            lines.append("")
        lines += ["## Section", "para ^blk", "", "again ^blk"]
        final = draw(st.sampled_from([eol, ""]))
        text = eol.join(lines) + final
        files[f"{path}.md"] = (BOM if draw(st.booleans()) else "") + text
    return files


def split(text: str) -> list[str]:
    return re.split(r"\r\n|\n", text)


def check_kept(old: str, new: str) -> None:
    assert old.startswith(BOM) == new.startswith(BOM)
    assert old.endswith("\n") == new.endswith("\n")
    if "\r\n" in old and not BARE_LF.search(old):
        assert not BARE_LF.search(new)
    if "\r" not in old:
        assert "\r" not in new


def link_bounds(line: str, start: int, end: int) -> tuple[int, int]:
    """The link around columns ``start``..``end``: from its ``[`` to its ``]]`` or ``)``."""
    first = line.rfind("[", 0, start + 1)
    closing = [at for at in (line.find("]]", end - 2), line.find(")", end - 1)) if at >= 0]
    return (0 if first < 0 else first), (min(closing) + 2 if closing else len(line))


def check_span(
    code: str, diagnostic: types.Diagnostic, old: str, new: str, title: str, path: str
) -> None:
    """Only the fixed span changed: one line, inside the link or marker it is about; or an
    addition at the end of the note for Add heading."""
    if title.startswith("Add heading"):
        body, added = old.removeprefix(BOM), new.removeprefix(BOM)
        assert added.startswith(body)
        assert re.fullmatch(r"(\r?\n)*## .+(\r?\n)?", added[len(body) :])
        return
    before, after = split(old), split(new)
    assert len(before) == len(after)
    different = [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(different) == 1
    if code == "title-conflict":
        return  # the title's line, or the other title's (both declared in this note)
    (number,) = different
    line, changed = before[number], after[number]
    assert number == diagnostic.range.start.line
    prefix = 0
    while prefix < min(len(line), len(changed)) and line[prefix] == changed[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(line), len(changed)) - prefix and line[-1 - suffix] == changed[-1 - suffix]
    ):
        suffix += 1
    # the diagnostic's columns are UTF-16 units: count them back to characters
    start = _characters(line, diagnostic.range.start.character)
    end = _characters(line, diagnostic.range.end.character)
    if number == 0 and line.startswith(BOM):
        start, end = start + 1, end + 1
    low, high = (start, end) if code == "duplicate-block-id" else link_bounds(line, start, end)
    assert low <= prefix and len(line) - suffix <= high, (line, changed)


def _characters(line: str, units: int) -> int:
    count = 0
    for index, ch in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vaults())
def test_every_fix_changes_only_its_span_and_keeps_the_files_form(files: dict[str, str]) -> None:
    vault = in_memory(files, ROOT)
    encoder = Encoder(vault)
    for path in sorted(vault.index.notes):
        for diagnostic in diagnostics(vault, path, encoder):
            code = str(diagnostic.code)
            actions = quick_fixes.code_actions(
                vault, path, EVERYWHERE, [diagnostic], encoder, {}, OPTIONS, ["quickfix"]
            )
            for action in actions:
                assert action.edit is not None
                after = apply(files, action.edit, ROOT)
                for changed in {p for p in files | after if files.get(p) != after.get(p)}:
                    old, new = files.get(changed), after.get(changed)
                    if code == "filename-title":  # a rename: its own property tests
                        assert any(p not in files for p in after)
                        if old is not None and new is not None:
                            check_kept(old, new)
                    elif old is None:  # a new note: nothing was at its path
                        assert action.title.startswith("Create note")
                        assert not any(p.lower() == changed.lower() for p in files)
                        assert re.fullmatch(r"# [^\n]+\n", new or "")
                        created = {**files, changed: "kept — 😀\r\n"}  # a file came meanwhile
                        kept = apply(created, action.edit, ROOT)[changed]
                        assert kept.endswith("kept — 😀\r\n")
                    else:
                        assert new is not None
                        check_kept(old, new)
                        check_span(code, diagnostic, old, new, action.title, changed)
