"""Heading and tag renames on generated vaults, applied by the tests' own applier.

Headings: (1) every link that reached the renamed heading reaches it after, (2) no other
link's note or heading changes, (3) no line changes but the heading's and the lines of links
into its note, (4) renaming back gives every byte back when the links wrote headings in the
forms Obsidian writes (text, lower case, ``%20``, ``<...>``, GitHub slug).
Tags: every occurrence of the tag and its nested tags is renamed, nothing else; the frontmatter
still loads; renaming back gives every byte back when the tag was written in one spelling."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.features.edit_applier import apply

from vault_ls.features import rename, rename_anchors
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import workspace_edit
from vault_ls.features.rename_common import Plan
from vault_ls.vault.names import heading_key, heading_link_text, tag_key
from vault_ls.vault.resolve import link_heading_position
from vault_ls.vault.slugs import github_slugs
from vault_ls.vault.snapshot import Snapshot, in_memory

ROOT = Path("/vault")
NOTES = ["G.md", "a/Guide — 名.md", "B.md"]
HEADINGS = ["Intro", "Setup — 设置", "Notes", "Why? now", "Ünï 😀", "A: b"]
NEW_HEADINGS = ["Intro", "Fresh — 名", "notes", "A: b", "Ünï 😀 2", "Why? now"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def apply_plan(files: dict[str, str], plan: Plan) -> dict[str, str]:
    vault = in_memory(files, ROOT)
    edit = workspace_edit(Encoder(vault), plan.edits, plan.moves, {}, plan.label, "", False)
    return apply(files, edit, ROOT)


def heading_links(path: str, source: str, outline: list[tuple[int, str]]) -> list[str]:
    """Links to each heading of the note at ``path`` in the forms Obsidian users write."""
    name = path.rsplit("/", 1)[-1][:-3]
    target = "" if path == source else name
    md = "" if path == source else path.rsplit("/", 1)[-1].replace(" ", "%20")
    slugs = github_slugs(text for _, text in outline)
    found = []
    for number, (level, text) in enumerate(outline):
        shown = heading_link_text(text)
        parent = next((t for lv, t in reversed(outline[:number]) if lv < level), None)
        found += [
            f"[[{target}#{shown}]]",
            f"[[{target}#{shown.lower()}]]",
            f"[[{target}#{shown}|{text}]]",
            f"![[{target}#{shown}|shown]]",
            f"[{text}]({md}#{shown.replace('%', '%25').replace(' ', '%20')})",
            f"[t](<{md}#{shown}>)",
            f"[t]({md}#{slugs[number]})",
        ]
        if parent is not None:
            found.append(f"[[{target}#{heading_link_text(parent)}#{shown}]]")
    return found


@st.composite
def heading_vaults(draw: st.DrawFn) -> dict[str, str]:
    outlines = {
        path: draw(
            st.lists(
                st.tuples(st.integers(1, 3), st.sampled_from(HEADINGS)), min_size=1, max_size=5
            )
        )
        for path in NOTES
    }
    files = {}
    for source in NOTES:
        lines: list[str] = []
        for level, text in outlines[source]:
            lines += [f"{'#' * level} {text}", ""]
            for _ in range(draw(st.integers(0, 3))):
                target = draw(st.sampled_from(NOTES))
                form = draw(st.sampled_from(heading_links(target, source, outlines[target])))
                kind = draw(st.sampled_from(["plain", "table", "code"]))
                if kind == "table" and form.startswith("[[") and "|" in form:
                    cell = form.replace("|", "\\|")
                    lines += ["| a | b |", "|---|---|", f"| {cell} | x |", ""]
                elif kind == "code":
                    lines.append(f"`{form}` — %%{form}%%")
                else:
                    lines.append(f"see {form} — 😀 [[#Missing]]")
                lines.append("")
        files[source] = "\n".join(lines)
    return files


def reached(vault: Snapshot) -> dict[str, list[tuple[str | None, int | None]]]:
    found = {}
    for path, note in vault.index.notes.items():
        ends = []
        for link in note.links:
            target = vault.index.resolve(link, path).path
            target_note = vault.index.notes.get(target) if target else None
            heading = None
            if target_note is not None and link.headings:
                heading = link_heading_position(target_note, link)
            ends.append((target, heading))
        found[path] = ends
    return found


@SETTINGS
@given(heading_vaults(), st.data())
def test_heading_rename_keeps_every_link_where_it_was(
    files: dict[str, str], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(NOTES))
    before = in_memory(files, ROOT)
    note = before.index.notes[path]
    position = data.draw(st.integers(0, len(note.headings) - 1))
    old, new_text = note.headings[position].text, data.draw(st.sampled_from(NEW_HEADINGS))
    try:
        plan = rename_anchors.plan_heading_rename(before, path, position, new_text)
    except rename.RenameRefused:
        assume(False)
        return
    after_files = apply_plan(files, plan)
    after = in_memory(after_files, ROOT)
    assert after.index.notes[path].headings[position].text == new_text
    was, now = reached(before), reached(after)
    for source, ends in was.items():
        assert len(now[source]) == len(ends), after_files[source]
        for link, end, end_after in zip(
            before.index.notes[source].links, ends, now[source], strict=True
        ):
            if end[0] == path and end[1] is None and link.headings:
                assert end_after in (end, (path, position)), (source, link)  # now found
            else:
                assert end_after == end, (source, link, after_files[source])  # (1) and (2)
    for source, text in files.items():  # (3)
        old_lines, new_lines = text.split("\n"), after_files[source].split("\n")
        assert len(old_lines) == len(new_lines)
        changed = {n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b}
        allowed = {link.range[0] for link in before.index.notes[source].links}
        if source == path:
            allowed.add(note.headings[position].range[0])
        assert changed <= allowed
    # (4) back again, when no link named the new text before (it reaches the heading now), no
    # other heading has the old one (the way back is refused), and the new text has a case
    # style (``[[G#Intro]]`` and ``[[G#intro]]`` both become ``[[G#notes]]``)
    named = {
        heading_key(part) for each in before.index for link in each.links for part in link.headings
    }
    repeated = [h for h in note.headings if heading_key(h.text) == heading_key(old)]
    caseless = new_text in (new_text.lower(), new_text.upper())
    if heading_key(new_text) not in named and len(repeated) == 1 and not caseless:
        back = rename_anchors.plan_heading_rename(after, path, position, old)
        assert apply_plan(after_files, back) == files


TAGS = ["proj", "proj/a", "Proj/A/b", "proja", "ü/x", "other", "proj/a/c"]
NEW_TAGS = ["done", "proj/z", "ß/x", "Neu", "proj/a/d"]


@st.composite
def tag_vaults(draw: st.DrawFn) -> dict[str, str]:
    files = {}
    for source in NOTES:
        lines = []
        style = draw(st.sampled_from(["none", "flow", "block", "string", "quoted"]))
        chosen = draw(st.lists(st.sampled_from(TAGS), max_size=3))
        if style != "none" and chosen:
            lines.append("---")
            key = draw(st.sampled_from(["tags", "tag"]))
            if style == "flow":
                lines.append(f"{key}: [{', '.join(chosen)}]")
            elif style == "block":
                lines += [f"{key}:", *(f"  - {name}" for name in chosen)]
            elif style == "string":
                lines.append(f"{key}: {', '.join(chosen)}")
            else:
                lines.append(f'{key}: "{" ".join("#" + name for name in chosen)}"')
            lines += ["aliases: [proj/a]", "---"]
        for _ in range(draw(st.integers(0, 4))):
            name = draw(st.sampled_from(TAGS))
            kind = draw(st.sampled_from(["plain", "code", "comment"]))
            if kind == "code":
                lines.append(f"`#{name}` $#{name}$")
            elif kind == "comment":
                lines.append(f"%%#{name}%% <!-- #{name} -->")
            else:
                lines.append(f"text — #{name} 😀 #{name}/")
        files[source] = "\n".join(lines) + "\n"
    return files


def tags(vault: Snapshot) -> dict[str, list[str]]:
    return {path: [tag.name for tag in note.tags] for path, note in vault.index.notes.items()}


@SETTINGS
@given(tag_vaults(), st.data())
def test_tag_rename_renames_the_tag_and_its_nested_tags_only(
    files: dict[str, str], data: st.DataObject
) -> None:
    before = in_memory(files, ROOT)
    present = sorted({name.rstrip("/") for names in tags(before).values() for name in names})
    assume(present)
    old = data.draw(st.sampled_from(present))
    new = data.draw(st.sampled_from(NEW_TAGS))
    try:
        plan = rename_anchors.plan_tag_rename(before, old, new)
    except rename.RenameRefused:
        assume(False)
        return
    after_files = apply_plan(files, plan)
    after = in_memory(after_files, ROOT)
    key, levels = tag_key(old), old.count("/") + 1

    def expected(name: str) -> str:
        if tag_key(name) == key or tag_key(name).startswith(key + "/"):
            return "/".join([new, *name.split("/")[levels:]])
        return name

    for path, names in tags(before).items():
        assert tags(after)[path] == [expected(name) for name in names], after_files[path]
        assert after.index.notes[path].frontmatter_error is None
        old_lines, new_lines = files[path].split("\n"), after_files[path].split("\n")
        changed = {n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b}
        assert changed <= {tag.range[0] for tag in before.index.notes[path].tags}
    # back again, when the tag had one spelling and the new name was no tag before
    spelled = {
        "/".join(name.split("/")[:levels])
        for names in tags(before).values()
        for name in names
        if expected(name) != name
    }
    new_key = tag_key(new)
    taken = any(
        tag_key(n) == new_key or tag_key(n).startswith(new_key + "/")
        for names in tags(before).values()
        for n in names
    )
    if spelled == {old} and not taken:
        back = rename_anchors.plan_tag_rename(after, new, old)
        assert apply_plan(after_files, back) == files
