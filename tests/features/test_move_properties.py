"""Files and folders moved on generated vaults: every link form, random moves of notes,
attachments and folders, the edits applied by the tests' own applier, then the files moved as
the editor moves them. (1) every link that reached a moved file reaches it at its new path,
(2) no other link's resolution changes (a broken link may come to reach a moved file), (3) every
edit lies inside a link, so no byte outside the links changes, and line endings, the byte order
mark and the final newline are kept."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from tests.features.edit_applier import apply

from vault_ls.features import move
from vault_ls.features.convert import Encoder
from vault_ls.features.rename import RenameRefused
from vault_ls.vault.snapshot import Snapshot, in_memory

ROOT = Path("/vault")
FOLDERS = ["", "a/", "a/b/", "c/", "d e/"]
NAMES = ["Old", "Note ✓", "Same", "x y", "Ünï 😀", "old"]
NEW_NAMES = ["Same", "Fresh — 名", "x y", "Bob's $5"]
PICTURES = ["pic.png", "a/pic.png", "img/ph oto.pdf"]


def forms(path: str, source: str) -> list[str]:
    """Every way a note can link to ``path``: wikilinks, embeds, markdown links."""
    note = path.endswith(".md")
    name = posixpath.basename(path)[:-3] if note else posixpath.basename(path)
    full = path[:-3] if note else path
    relative = posixpath.relpath(path, posixpath.dirname(source) or ".")
    encoded = relative.replace("%", "%25").replace(" ", "%20")
    wiki = [
        f"[[{name}]]",
        f"[[{full}]]",
        f"![[{name}]]",
        f"[[{name}|{name}]]",
        f"[[{full}#^blk|shown]]",
    ]
    if note:
        wiki += [f"[[{name}.md]]", f"[[{name.lower()}]]", f"[[{name}#Heading#Sub]]"]
    if not relative.startswith("../"):
        wiki.append(f"[[./{relative[:-3] if note else relative}]]")
    else:
        wiki.append(f"[[{relative}]]")
    markdown = [
        f"[t]({encoded})",
        f"[t](<{relative}>)",
        f"![p]({encoded})",
        f"[{name}]({encoded}#Heading)",
        f"[t](./{encoded})" if not relative.startswith("../") else f"[t]({encoded})",
        f"[t]({path.replace(' ', '%20')})",  # from the root, or relative from the root
    ]
    if note:
        markdown.append(f"[t]({encoded[:-3]})")
    return wiki + markdown


@st.composite
def vaults(draw: st.DrawFn) -> dict[str, str]:
    notes = draw(
        st.lists(
            st.builds(lambda f, n: f"{f}{n}.md", st.sampled_from(FOLDERS), st.sampled_from(NAMES)),
            min_size=2,
            max_size=6,
            unique_by=str.lower,
        )
    )
    pictures = draw(st.lists(st.sampled_from(PICTURES), max_size=2, unique=True))
    targets = [*notes, *pictures, "Missing.md", "a/New.md"]
    files: dict[str, str] = dict.fromkeys(pictures, "")
    for source in notes:
        eol = draw(st.sampled_from(["\n", "\r\n"]))
        lines: list[str] = []
        if draw(st.booleans()):
            target = draw(st.sampled_from(notes))
            lines += ["---", f'related: "[[{target[:-3]}]]"', "---"]
        if draw(st.booleans()):
            lines.append(f"# {posixpath.basename(source)[:-3]}")
        for _ in range(draw(st.integers(0, 5))):
            form = draw(st.sampled_from(forms(draw(st.sampled_from(targets)), source)))
            kind = draw(st.sampled_from(["plain", "table", "code"]))
            if kind == "table" and form.startswith(("[[", "![[")) and "|" in form:
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
                lines.append(f"see {form} — 😀")
            lines.append("")
        lines += ["## Heading", "### Sub", "para ^blk"]
        bom = draw(st.sampled_from(["", "\ufeff"]))
        final = draw(st.sampled_from([eol, ""]))
        files[source] = bom + eol.join(lines) + final
    return files


@st.composite
def moves(draw: st.DrawFn, files: dict[str, str]) -> list[tuple[str, str]]:
    """A file to another folder or name, or a folder to another place."""
    folders = sorted({posixpath.dirname(path) for path in files} - {""})
    if folders and draw(st.booleans()):
        old = draw(st.sampled_from(folders))
        new = draw(st.sampled_from(["x", "c/a", "d e/deep", "a/b/c"]))
        return [(old, new)]
    old = draw(st.sampled_from(sorted(files)))
    folder = draw(st.sampled_from([*FOLDERS, "new/"]))
    if old.endswith(".md"):
        name = draw(st.sampled_from([posixpath.basename(old)[:-3], *NEW_NAMES])) + ".md"
    else:
        name = posixpath.basename(old)
    return [(old, folder + name)]


def resolutions(vault: Snapshot) -> dict[str, list[str | None]]:
    return {
        path: [vault.index.resolve(link, path).path for link in note.links]
        for path, note in vault.index.notes.items()
    }


def moved_files(files: dict[str, str], moved: dict[str, str]) -> dict[str, str] | None:
    """The files after the editor moved them; None when a move would land on a file."""
    out = {path: text for path, text in files.items() if path not in moved}
    for old, new in moved.items():
        if any(path.lower() == new.lower() for path in out):
            return None
        out[new] = files[old]
    return out


def utf16(line: str, column: int) -> int:
    return len(line[:column].encode("utf-16-le")) // 2


def inside_a_link(vault: Snapshot, path: str, where: types.Range) -> bool:
    lines = vault.text(path).lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    for link in vault.index.notes[path].links:
        line, start, end_line, end = link.range[0], link.range[1], link.range[2], link.range[3]
        if line != where.start.line or end_line != where.end.line:
            continue
        if path_starts_with_bom(vault, path) and line == 0:
            start, end = start - 1, end - 1
        text = lines[line]
        if utf16(text, start) <= where.start.character <= where.end.character <= utf16(text, end):
            return True
    return False


def path_starts_with_bom(vault: Snapshot, path: str) -> bool:
    return vault.text(path).startswith("\ufeff")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vaults(), st.data())
def test_a_move_keeps_every_link_where_it_was(files: dict[str, str], data: st.DataObject) -> None:
    before = in_memory(files, ROOT)
    moved = move.file_moves(before.index, data.draw(moves(files)))
    after_files = moved_files(files, moved)
    assume(moved and after_files is not None)
    assert after_files is not None
    try:
        edit, _ = move.move_edit(before, Encoder(before), moved, {})
    except RenameRefused:
        assume(False)
        return
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)  # the editor moves the files itself
        path = change.text_document.uri.removeprefix(ROOT.as_uri() + "/")
        for text_edit in change.edits:
            assert inside_a_link(before, unquote(path), text_edit.range), (path, text_edit)  # (3)
    edited = apply(files, edit, ROOT)
    result = moved_files(edited, moved)
    assert result is not None
    after = in_memory(result, ROOT)
    was, now = resolutions(before), resolutions(after)
    for path, targets in was.items():
        here = moved.get(path, path)
        assert len(now[here]) == len(targets), (path, result[here])
        for link, target, reached in zip(
            before.index.notes[path].links, targets, now[here], strict=True
        ):
            if target is None:
                assert reached is None or reached in moved.values(), (path, link, reached)
            else:
                assert reached == moved.get(target, target), (path, link, result[here])  # (1) (2)
    for path, text in files.items():
        new_text = result[moved.get(path, path)]
        old_lines, new_lines = text.splitlines(True), new_text.splitlines(True)
        assert len(old_lines) == len(new_lines)
        assert [line[len(line.rstrip("\r\n")) :] for line in old_lines] == [
            line[len(line.rstrip("\r\n")) :] for line in new_lines
        ]
        assert text.startswith("\ufeff") == new_text.startswith("\ufeff")
