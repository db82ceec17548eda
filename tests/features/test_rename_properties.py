"""Rename on generated vaults: every link form, random renames, applied by the tests' own
applier. (1) links to the old note reach the new one, (2) no other link's resolution changes,
(3) nothing outside link targets, display texts and the title heading changes, (4) renaming
back gives every file back byte for byte when no other note carries either name."""

from __future__ import annotations

import posixpath
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.features.edit_applier import apply

from vault_ls.features import rename
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import workspace_edit
from vault_ls.vault.index import last_name
from vault_ls.vault.snapshot import Snapshot, in_memory

ROOT = Path("/vault")
FOLDERS = ["", "a/", "a/b/", "c/"]
NAMES = ["Old", "Note ✓", "Same", "x y", "Ünï 😀", "New", "old"]
NEW_NAMES = ["New", "Same", "Fresh — 名", "x y", "Bob's $5", "NEW"]


def wiki_forms(path: str, source: str) -> list[str]:
    name = posixpath.basename(path)[:-3]
    full = path[:-3]
    return [
        f"[[{name}]]",
        f"[[{full}]]",
        f"[[{name}.md]]",
        f"[[{name.lower()}]]",
        f"[[{name}#Heading]]",
        f"[[{name}#Heading#Sub]]",
        f"[[{name}#^blk]]",
        f"[[{name}|shown]]",
        f"[[{name}|{name}]]",
        f"![[{name}]]",
        f"[[{full}#^blk|{name}]]",
    ]


def markdown_forms(path: str, source: str) -> list[str]:
    relative = posixpath.relpath(path, posixpath.dirname(source) or ".")
    encoded = relative.replace("%", "%25").replace(" ", "%20")
    return [
        f"[t]({encoded})",
        f"[t]({encoded[:-3]})",
        f"[t](<{relative}>)",
        f"[{posixpath.basename(path)[:-3]}]({encoded}#Heading)",
        f"[t](./{encoded})" if not relative.startswith("../") else f"[t]({encoded})",
    ]


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, str]:
    paths = draw(
        st.lists(
            st.builds(lambda f, n: f"{f}{n}.md", st.sampled_from(FOLDERS), st.sampled_from(NAMES)),
            min_size=2,
            max_size=6,
            unique_by=str.lower,
        )
    )
    files = {}
    for source in paths:
        eol = draw(st.sampled_from(["\n", "\r\n"]))
        lines: list[str] = []
        if draw(st.booleans()):
            target = draw(st.sampled_from(paths))
            lines += ["---", f'related: "[[{target[:-3]}]]"', "---"]
        if draw(st.booleans()):
            lines.append(f"# {posixpath.basename(source)[:-3]}")
        for _ in range(draw(st.integers(0, 5))):
            target = draw(st.sampled_from([*paths, "Missing.md", "a/New.md"]))
            form = draw(
                st.sampled_from(wiki_forms(target, source) + markdown_forms(target, source))
            )
            kind = draw(st.sampled_from(["plain", "table", "code", "comment"]))
            if kind == "table" and form.startswith("[[") and "|" in form:
                lines += [
                    "",
                    "| a | b |",
                    "|---|---|",
                    f"| {form.replace('|', chr(92) + '|')} | x |",
                    "",
                ]
            elif kind == "code":
                lines.append(f"`{form}` and %%{form}%% ")
            else:
                lines.append(f"text — {form} 😀 ^blk" if kind == "comment" else f"see {form} —")
            lines.append("")
        lines += ["## Heading", "### Sub", "para ^blk"]
        final = draw(st.sampled_from([eol, ""]))
        files[source] = eol.join(lines) + final
    return files


def resolutions(vault: Snapshot) -> dict[str, list[str | None]]:
    return {
        path: [vault.index.resolve(link, path).path for link in note.links]
        for path, note in vault.index.notes.items()
    }


def renamed(files: dict[str, str], old: str, new_name: str) -> tuple[dict[str, str], str]:
    vault = in_memory(files, ROOT)
    plan = rename.plan_note_rename(vault, old, new_name)
    edit = workspace_edit(Encoder(vault), plan.edits, plan.moves, {}, plan.label, "", False)
    return apply(files, edit, ROOT), plan.moves[0][1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vaults(), st.data())
def test_rename_keeps_every_link_where_it_was(files: dict[str, str], data: st.DataObject) -> None:
    old = data.draw(st.sampled_from(sorted(files)))
    new_name = data.draw(st.sampled_from(NEW_NAMES))
    before = in_memory(files, ROOT)
    try:
        after_files, new = renamed(files, old, new_name)
    except rename.RenameRefused:
        assume(False)
        return
    after = in_memory(after_files, ROOT)
    was, now = resolutions(before), resolutions(after)
    for path, targets in was.items():
        moved = new if path == old else path
        assert len(now[moved]) == len(targets), (path, after_files[moved])
        for link, target, reached in zip(
            before.index.notes[path].links, targets, now[moved], strict=True
        ):
            if target == old:
                assert reached == new, (path, link)  # (1)
            elif target is not None:
                assert reached == target, (path, link)  # (2)
            else:
                assert reached in (None, new), (path, link)  # a link to the new name now resolves
    # (3) each line that changed holds a link to the old note or is its title heading
    for path, text in files.items():
        moved = new if path == old else path
        old_lines, new_lines = text.splitlines(True), after_files[moved].splitlines(True)
        assert len(old_lines) == len(new_lines)
        changed = {n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b}
        note = before.index.notes[path]
        allowed = {link.range.start.line for link in note.links}
        allowed |= {h.range.start.line for h in note.headings if h.level == 1}
        assert changed <= allowed
        # and the line endings are what they were
        assert [line[len(line.rstrip("\r\n")) :] for line in old_lines] == [
            line[len(line.rstrip("\r\n")) :] for line in new_lines
        ]
    # (4) back again: when neither name is carried by another note and no link named the new
    # name before (it reaches the renamed note now, and would follow it back), every byte returns
    others = {posixpath.basename(p)[:-3].lower() for p in files if p != old}
    linked = {last_name(link.target) for note in before.index for link in note.links}
    old_name = posixpath.basename(old)[:-3]
    # a link's case style survives only through a name that has one: `[[Note]]` and `[[note]]`
    # both become `[[x y]]`, and nothing can tell them apart on the way back
    written = {posixpath.basename(link.target) for note in before.index for link in note.links}
    other_cases = any(w != old_name and w.lower() == old_name.lower() for w in written)
    caseless = new_name in (new_name.lower(), new_name.upper())
    restorable = not (other_cases and caseless)
    if new_name.lower() not in others | linked and old_name.lower() not in others and restorable:
        back, path = renamed(after_files, new, old_name)
        assert path == old
        assert back == files
