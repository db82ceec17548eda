"""Index equivalence: edits, creates, deletes and renames applied one at a time to a
``VaultIndex`` leave it exactly as a fresh full build (``set_notes``) of the resulting files.

Names come from small pools so links collide, resolve, become ambiguous or unresolved, and
aliases and tags (in mixed case) appear and disappear as notes change.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from safety_support import long, long_only, quick

from vault_ls.vault.checks import check_note
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note

FOLDERS = ["", "a/", "a/b/", "c/"]
NAMES = ["Note", "note", "X", "Y", "Q", "Éa"]
NOTE_PATHS = [f"{folder}{name}.md" for folder in FOLDERS for name in NAMES]
ATTACHMENT_PATHS = ["img.png", "a/img.png", "c/IMG.png", "X.pdf", "a/b/Y.png"]

LINES = [
    "[[Note]]",
    "[[note]]",
    "[[a/Note]]",
    "[[b/Note|shown]]",
    "[[X#H]]",
    "[[X#H#Sub]]",
    "[[Y#^blk]]",
    "[[Q]]",
    "[[Alias One]]",
    "[[alias two|Y]]",
    "[[Note.md]]",
    "[[#H]]",
    "[[X.pdf#page=2]]",
    "![[img.png]]",
    "![[IMG.png|100]]",
    "![[Y.png]]",
    "[md](X.md)",
    "[md](../Note.md)",
    "[md](./Y.md#H)",
    "[md](/a/b/Q.md)",
    "[md](a/img.png)",
    "[out](../../../etc/passwd)",
    "# H",
    "## Sub",
    "# Note",
    "para ^blk",
    "para ^blk",
    "#tag",
    "#Tag #TAG",
    "#Été",
    "#été #a/B",
    "#A/b",
    "key:: [[X]]",
    "[[éA]]",
    "[[NOTE.MD]]",
    "[[a\\Note]]",
    "[[Note/]]",
    "[md](%C3%89a.md)",
]
FRONTMATTER = [
    "aliases: [Alias One]",
    "aliases: [alias two, Q]",
    "alias: Note",
    "title: Y",
    "up: '[[Q]]'",
    "tags: [t]",
    "tags: [T, ÉTÉ]",
]


@st.composite
def note_text(draw: st.DrawFn) -> str:
    body = draw(st.lists(st.sampled_from(LINES), max_size=6))
    front = draw(st.lists(st.sampled_from(FRONTMATTER), max_size=2, unique=True))
    lines = ["---", *front, "---", *body] if front else body
    return "\n".join(lines)


operation = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NOTE_PATHS), note_text()),
    st.tuples(st.just("delete"), st.sampled_from(NOTE_PATHS)),
    st.tuples(st.just("rename"), st.sampled_from(NOTE_PATHS), st.sampled_from(NOTE_PATHS)),
    st.tuples(st.just("attach"), st.sampled_from(ATTACHMENT_PATHS)),
    st.tuples(st.just("detach"), st.sampled_from(ATTACHMENT_PATHS)),
)


def fresh_build(files: dict[str, str], attachments: set[str]) -> VaultIndex:
    index = VaultIndex()
    index.set_notes([parse_note(path, text) for path, text in files.items()], attachments)
    return index


def non_empty(mapping: dict[str, set[str]]) -> dict[str, set[str]]:
    return {key: set(values) for key, values in mapping.items() if values}


def state_of(index: VaultIndex) -> dict[str, Any]:
    return {
        "notes": set(index.notes),
        "attachments": set(index.attachments),
        "note_keys": non_empty(index.note_keys),
        "attachment_keys": non_empty(index.attachment_keys),
        "alias_keys": non_empty(index.alias_keys),
        "backlinks": non_empty(index.backlinks),
        "tags": {
            key: (index.tags().spellings(key), index.tags().notes_with(key)) for key in index.tags()
        },
        "problems": {path: check_note(index, note) for path, note in index.notes.items()},
    }


def apply(index: VaultIndex, files: dict[str, str], attachments: set[str], op: tuple) -> None:
    kind = op[0]
    if kind == "write":
        _, path, text = op
        files[path] = text
        index.set_note(parse_note(path, text))
    elif kind == "delete":
        files.pop(op[1], None)
        index.remove_note(op[1])
    elif kind == "rename":
        _, old, new = op
        if old not in files or old == new:
            return
        text = files.pop(old)
        files[new] = text  # a rename onto an existing note replaces it, as on disk
        index.rename_note(old, new, parse_note(new, text))
    elif kind == "attach":
        attachments.add(op[1])
        index.add_attachment(op[1])
    else:
        attachments.discard(op[1])
        index.remove_attachment(op[1])


def run_sequence(start: dict[str, str], ops: list[tuple]) -> None:
    files = dict(start)
    attachments: set[str] = set()
    index = fresh_build(files, attachments)
    for step, op in enumerate(ops):
        apply(index, files, attachments, op)
        expected = state_of(fresh_build(files, attachments))
        actual = state_of(index)
        for key in expected:
            assert actual[key] == expected[key], f"step {step} {op!r}: {key} differs"


start_files = st.dictionaries(st.sampled_from(NOTE_PATHS), note_text(), max_size=6)
sequences = st.lists(operation, min_size=1, max_size=12)


@quick
@given(start_files, sequences)
def test_incremental_index_equals_full_build(start: dict[str, str], ops: list[tuple]) -> None:
    run_sequence(start, ops)


@pytest.mark.slow
@long_only
@settings(long, max_examples=2000)
@given(start_files, st.lists(operation, min_size=1, max_size=30))
def test_incremental_index_equals_full_build_long(start: dict[str, str], ops: list[tuple]) -> None:
    run_sequence(start, ops)
