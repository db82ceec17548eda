"""Completion you can read (issue 15): every row shows its file, a first heading several notes
share is no title, a bare ``[[`` offers the likely notes first, and a heading holding a link is
written as Obsidian writes it. Exact labels, details, texts and ranges (UTF-16)."""

from __future__ import annotations

from lsprotocol import types
from tests.features.fixture import Fixture

from vault_ls.features import completion, diagnostics


def span(where: types.Range) -> tuple[int, int, int, int]:
    return (where.start.line, where.start.character, where.end.line, where.end.character)


def rows(f: Fixture, label_details: bool = True) -> list[tuple[str, str | None, str | None, str]]:
    found = completion.complete(
        f.snapshot, f.path, f.position, f.encoder, label_details=label_details
    )
    assert found is not None
    out = []
    for item in found.items:
        assert isinstance(item.text_edit, types.TextEdit)
        where = item.label_details.description if item.label_details else None
        out.append((item.label, item.detail, where, item.text_edit.new_text))
    return out


# Nine notes of the course vault open with ``# Index``; three are enough to be several.
COURSE = """
//- Scratch — 草稿.md
[[Index$0
//- Python/Python Backslash (escaping character).md
# Index
Body.
//- Python/Python Sets — 集合.md
# Index
//- Java/Arrays.md
# Index
//- Index.md
# Contents
//- people/ruikurenaii.md
# Louie Kurenai
"""


def test_a_first_heading_several_notes_share_is_no_title() -> None:
    # Before: nine rows labelled "Index" (detail: the folder), inserting ``X|Index``.
    f = Fixture(COURSE)
    assert rows(f) == [("Contents", "Index", "Index", "Index|Contents]]")]


def test_notes_under_a_shared_heading_complete_by_their_file_names() -> None:
    f = Fixture(COURSE.replace("[[Index$0", "— [[Python$0"))
    assert rows(f) == [
        (
            "Python Sets — 集合",
            "Python",
            "Python/Python Sets — 集合",
            "Python Sets — 集合]]",
        ),
        (
            "Python Backslash (escaping character)",
            "Python",
            "Python/Python Backslash (escaping character)",
            "Python Backslash (escaping character)]]",
        ),
    ]


def test_a_title_row_shows_its_file_in_the_detail_and_beside_the_label() -> None:
    f = Fixture(COURSE.replace("[[Index$0", "[[Lou$0"))
    assert rows(f) == [
        ("Louie Kurenai", "people/ruikurenaii", "people/ruikurenaii", "ruikurenaii|Louie Kurenai]]")
    ]
    # a client that cannot show ``labelDetails`` gets none; the detail still names the file
    assert rows(f, label_details=False) == [
        ("Louie Kurenai", "people/ruikurenaii", None, "ruikurenaii|Louie Kurenai]]")
    ]


# --- a bare [[ ---------------------------------------------------------------------------------

LIKELY = """
//- course/Now.md
[[$0
//- course/Sibling é.md
alone
//- Hub — 中心.md
# Hub — 中心
//- K.md
//- m.md
//- A.md
[[Hub — 中心]] [[Linked once]]
//- B.md
[[Hub — 中心]]
//- C.md
[[Hub — 中心]] [[course/Now]]
//- Linked once.md
---
aliases: [Once]
---
"""


def test_a_bare_link_offers_recent_notes_then_the_most_linked_not_the_shortest() -> None:
    # Before: ``K, m, A, B, C…`` (shortest names first) and alias rows among them.
    f = Fixture(LIKELY, recent=("course/Now.md", "m.md", "Gone.md", "C.md"))
    found = completion.complete(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    assert [(item.label, item.text_edit.new_text) for item in found.items] == [  # type: ignore[union-attr]
        ("m", "m]]"),  # opened last (the note being written is left out, a deleted one too)
        ("C", "C]]"),
        ("Hub — 中心", "Hub — 中心]]"),  # three notes link to it
        ("Linked once", "Linked once]]"),  # one note links to it; its alias has no row
        ("Sibling é", "Sibling é]]"),  # in the same folder: counts as linked once
        ("A", "A]]"),
        ("B", "B]]"),
        ("K", "K]]"),
    ]
    assert [span(item.text_edit.range) for item in found.items][:1] == [(0, 2, 0, 2)]  # type: ignore[union-attr]
    assert found.is_incomplete is False


def test_a_bare_link_is_capped_and_says_so() -> None:
    f = Fixture(LIKELY)
    found = completion.complete(f.snapshot, f.path, f.position, f.encoder, limit=3)
    assert found is not None
    assert [item.label for item in found.items] == ["Hub — 中心", "Linked once", "Sibling é"]
    assert found.is_incomplete is True


# --- headings that hold links ------------------------------------------------------------------

SLICING = """
//- Notes — 笔记.md
😀 [[Python Slicing#Slicing and$0
//- Python Slicing.md
# Python Slicing
## Slicing and [[Python Sets]]
## 切片: [[Python Sets|sets]] ^ more
//- Python Sets.md
"""


def test_a_heading_holding_a_link_is_written_as_obsidian_writes_it() -> None:
    # Before: ``newText`` was ``Slicing and [[Python Sets]]]]``, a broken link.
    f = Fixture(SLICING)
    found = completion.complete(f.snapshot, f.path, f.position, f.encoder)
    assert found is not None
    assert [
        (item.label, item.filter_text, item.text_edit.new_text, span(item.text_edit.range))  # type: ignore[union-attr]
        for item in found.items
    ] == [
        (
            "Slicing and Python Sets",
            "Slicing and Python Sets",
            "Slicing and Python Sets]]",
            (0, 20, 0, 31),
        )
    ]


def test_link_syntax_in_a_heading_becomes_spaces_and_the_written_link_resolves() -> None:
    f = Fixture(SLICING.replace("[[Python Slicing#Slicing and$0", "[[Python Slicing#切片$0"))
    (item,) = completion.complete(f.snapshot, f.path, f.position, f.encoder).items  # type: ignore[union-attr]
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "切片 Python Sets sets more]]"
    # the accepted text, written into the note, is a link the server resolves
    accepted = SLICING.replace(
        "[[Python Slicing#Slicing and$0", "[[Python Slicing#" + item.text_edit.new_text
    )
    g = Fixture(accepted)
    assert diagnostics.diagnostics(g.snapshot, "Notes — 笔记.md", g.encoder) == []


def test_vault_wide_headings_write_link_headings_as_obsidian_does() -> None:
    f = Fixture(SLICING.replace("[[Python Slicing#Slicing and$0", "[[##slicing and$0"))
    assert [(label, text) for label, _, _, text in rows(f)] == [
        ("Slicing and Python Sets", "Python Slicing#Slicing and Python Sets]]")
    ]
