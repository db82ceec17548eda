"""Renaming a heading, a block id or a tag: the exact bytes of every file after the edit,
applied by the tests' own applier (``edit_applier``, UTF-16 columns), and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from tests.features.edit_applier import apply
from tests.features.fixture import Fixture

from vault_ls.features import rename

ROOT = Path("/vault")


def renamed(fixture: str, new_name: str, **options: bool) -> dict[str, str]:
    """Every file the rename changed, as it is after."""
    f = Fixture(fixture)
    edit = rename.rename(f.snapshot, f.path, f.position, f.encoder, new_name, {}, **options)
    after = apply(f.files, edit, ROOT)
    return {path: text for path, text in after.items() if f.files.get(path) != text}


def refused(fixture: str, new_name: str) -> str:
    f = Fixture(fixture)
    with pytest.raises(rename.RenameRefused) as refusal:
        rename.rename(f.snapshot, f.path, f.position, f.encoder, new_name, {})
    return str(refusal.value)


GUIDE = """
//- Guide — 指南.md
# Guide — 指南

## Setup 😀 steps$0
text [[#Setup 😀 steps]]
### Sub
//- Uses.md
---
related: "[[Guide — 指南#Setup 😀 steps]]"
---
[[Guide — 指南#Setup 😀 steps]] [[Guide — 指南#Setup 😀 steps#Sub]]
[[Guide — 指南#setup 😀 steps|Setup 😀 steps]]
![[Guide — 指南#Setup 😀 steps|shown]] [a](Guide%20—%20指南.md#Setup%20😀%20steps)
[b](<Guide — 指南.md#Setup 😀 steps>)
[Setup 😀 steps](Guide%20—%20指南.md#setup--steps)

| [[Guide — 指南#Setup 😀 steps\\|x]] | y |
|---|---|
`[[Guide — 指南#Setup 😀 steps]]` %%[[Guide — 指南#Setup 😀 steps]]%%
[[Guide — 指南#Other]] [[Guide — 指南]]
"""


def test_a_heading_and_every_anchor_to_it_keep_their_forms() -> None:
    after = renamed(GUIDE, "Install — 安装 ✓")
    assert after == {
        "Guide — 指南.md": (
            "# Guide — 指南\n\n## Install — 安装 ✓\ntext [[#Install — 安装 ✓]]\n### Sub\n"
        ),
        "Uses.md": (
            "---\n"
            'related: "[[Guide — 指南#Install — 安装 ✓]]"\n'
            "---\n"
            "[[Guide — 指南#Install — 安装 ✓]] [[Guide — 指南#Install — 安装 ✓#Sub]]\n"
            "[[Guide — 指南#install — 安装 ✓|Install — 安装 ✓]]\n"
            "![[Guide — 指南#Install — 安装 ✓|shown]]"
            " [a](Guide%20—%20指南.md#Install%20—%20安装%20✓)\n"
            "[b](<Guide — 指南.md#Install — 安装 ✓>)\n"
            # a GitHub slug gets the new heading's slug (``—`` and ``✓`` dropped)
            "[Install — 安装 ✓](Guide%20—%20指南.md#install--安装-)\n"
            "\n"
            "| [[Guide — 指南#Install — 安装 ✓\\|x]] | y |\n"
            "|---|---|\n"
            "`[[Guide — 指南#Setup 😀 steps]]` %%[[Guide — 指南#Setup 😀 steps]]%%\n"
            "[[Guide — 指南#Other]] [[Guide — 指南]]\n"
        ),
    }


def test_prepare_on_a_heading_line_and_on_a_links_heading_part() -> None:
    f = Fixture(GUIDE)
    prepared = rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert prepared.placeholder == "Setup 😀 steps"
    # UTF-16: the emoji counts two units
    assert prepared.range == types.Range(types.Position(2, 3), types.Position(2, 17))
    f = Fixture("//- G.md\n## Top\n### Sub ✓\n//- A.md\n😀 [[G#Top#Su$0b ✓|x]]\n")
    prepared = rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert prepared.placeholder == "Sub ✓"
    assert prepared.range == types.Range(types.Position(0, 11), types.Position(0, 16))


def test_nested_anchors_rename_the_part_that_names_the_heading() -> None:
    fixture = """
    //- G.md
    # G
    ## Top
    ### Sub
    ## Other
    ### Sub
    //- A.md
    [[G#To$0p#Sub]] [[G#Top]] [[G#Other#Sub]] [[G#Sub]] [x](G.md#Top#Sub)
    """
    assert renamed(fixture, "Höhe") == {
        "G.md": "# G\n## Höhe\n### Sub\n## Other\n### Sub\n",
        "A.md": "[[G#Höhe#Sub]] [[G#Höhe]] [[G#Other#Sub]] [[G#Sub]] [x](G.md#Höhe#Sub)\n",
    }
    # from a link's last part: only links to that Sub change ([[G#Sub]] reaches the first)
    assert renamed(fixture.replace("[[G#To$0p#Sub]]", "[[G#Top#S$0ub]]"), "Bas") == {
        "G.md": "# G\n## Top\n### Bas\n## Other\n### Sub\n",
        "A.md": "[[G#Top#Bas]] [[G#Top]] [[G#Other#Sub]] [[G#Bas]] [x](G.md#Top#Bas)\n",
    }


def test_obsidians_link_text_and_slugs_of_repeated_headings_follow() -> None:
    # Obsidian writes ``## Why? [[X]]: now`` as ``#Why X now``; a repeat's slug is ``-1``
    fixture = """
    //- G.md
    ## Why? [[X]]: n$0ow
    ## Notes
    ## Notes
    //- A.md
    [[G#Why X now]] [a](G.md#why-x-now) [b](G.md#notes-1) [c](G.md#notes)
    """
    assert renamed(fixture, "Notes: 2 — 二") == {
        "G.md": "## Notes: 2 — 二\n## Notes\n## Notes\n",
        "A.md": "[[G#Notes 2 — 二]] [a](G.md#notes-2--二) [b](G.md#notes-1) [c](G.md#notes)\n",
    }
    fixture = fixture.replace("n$0ow", "now").replace(
        "## Notes\n    ## Notes", "## No$0tes\n    ## Notes"
    )
    assert renamed(fixture, "Intro") == {
        "G.md": "## Why? [[X]]: now\n## Intro\n## Notes\n",
        # [c] named the first Notes; [b] the second, whose slug is ``notes`` now
        "A.md": "[[G#Why X now]] [a](G.md#why-x-now) [b](G.md#notes) [c](G.md#intro)\n",
    }


def test_display_text_of_a_heading_link_follows_the_setting() -> None:
    fixture = (
        "//- G.md\n## Old$0 — x\n//- A.md\n[[G#Old — x|Old — x]] [Old — x](G.md#Old%20—%20x)\n"
    )
    assert renamed(fixture, "New")["A.md"] == "[[G#New|New]] [New](G.md#New)\n"
    assert renamed(fixture, "New", display_text=False)["A.md"] == (
        "[[G#New|Old — x]] [Old — x](G.md#New)\n"
    )


@pytest.mark.parametrize(
    ("new_text", "reason"),
    [
        ("Other — 名", "G.md has a heading 'other — 名' already"),
        ("a [b]", "'a [b]' holds [ ], which a link to a heading cannot name"),
        ("a|b", "'a|b' holds |, which a link to a heading cannot name"),
        ("C#", "'C#' holds #, which a link to a heading cannot name"),
        ("x ^y", "'x ^y' holds ^, which a link to a heading cannot name"),
        ("", "the new heading is empty"),
        (" x", "' x' begins or ends with a space"),
        ("Old", "the heading is already 'Old'"),
        ("?!", "'?!' is only punctuation: no link could reach it"),
    ],
)
def test_bad_heading_texts_are_refused(new_text: str, reason: str) -> None:
    fixture = "//- G.md\n## Ol$0d\n## other — 名\n//- A.md\n[[G#Old]]\n"
    assert refused(fixture, new_text) == reason


def test_a_title_heading_that_is_the_file_name_still_renames_the_note() -> None:
    after = renamed("//- G.md\n# G$0\n## H\n//- A.md\n[[G#H]]\n", "K")
    assert after == {"K.md": "# K\n## H\n", "A.md": "[[K#H]]\n"}


BLOCKS = """
//- Notes — 笔记.md
A paragraph 😀 ^ol$0d-1
- item ^other
//- Uses.md
[[Notes — 笔记#^other]] [[Notes — 笔记#^old-1]] ![[Notes — 笔记#^OLD-1|shown]]
[a](Notes%20—%20笔记.md#^old-1) [[Notes — 笔记#H#^old-1]]
| [[Notes — 笔记#^old-1\\|x]] | y |
|---|---|
`[[Notes — 笔记#^old-1]]`
"""


def test_a_block_id_and_every_reference_to_it() -> None:
    assert renamed(BLOCKS, "new-2") == {
        "Notes — 笔记.md": "A paragraph 😀 ^new-2\n- item ^other\n",
        "Uses.md": (
            "[[Notes — 笔记#^other]] [[Notes — 笔记#^new-2]] ![[Notes — 笔记#^new-2|shown]]\n"
            "[a](Notes%20—%20笔记.md#^new-2) [[Notes — 笔记#H#^new-2]]\n"
            "| [[Notes — 笔记#^new-2\\|x]] | y |\n"
            "|---|---|\n"
            "`[[Notes — 笔记#^old-1]]`\n"
        ),
    }


def test_prepare_on_a_links_block_part() -> None:
    f = Fixture(
        BLOCKS.replace("^ol$0d-1", "^old-1")
        .replace("😀 [a]", "😀 [a]")
        .replace("[[Notes — 笔记#^other]]", "[[Notes — 笔记#^ot$0her]]")
    )
    prepared = rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert prepared.placeholder == "other"
    assert prepared.range == types.Range(types.Position(0, 14), types.Position(0, 19))


@pytest.mark.parametrize(
    ("new_id", "reason"),
    [
        ("新", "'新' is no block id: only the letters a-z and A-Z, digits and '-'"),
        ("a b", "'a b' is no block id: only the letters a-z and A-Z, digits and '-'"),
        ("a_b", "'a_b' is no block id: only the letters a-z and A-Z, digits and '-'"),
        ("", "'' is no block id: only the letters a-z and A-Z, digits and '-'"),
        ("OTHER", "Notes — 笔记.md has a block ^OTHER already"),
        ("old-1", "the block is already ^old-1"),
    ],
)
def test_bad_block_ids_are_refused(new_id: str, reason: str) -> None:
    assert refused(BLOCKS, new_id) == reason


TAGS = """
//- A — 名.md
---
tags: [proj/alpha, Proj/Alpha/sub, proj/alphabet, other]
tag: "#proj/alpha"
aliases: [proj/alpha]
---
Text #proj/al$0pha and #PROJ/ALPHA/deep — #proj/alphabet #proj 😀 #proj/alpha
`#proj/alpha` $#proj/alpha$ %%#proj/alpha%% <!-- #proj/alpha -->

```
#proj/alpha
```
//- B.md
---
tags:
  - proj/alpha
  - 'proj/alpha/x'
  - other # proj/alpha
tag: proj/alpha, z proj/alpha/y
---
#proj/alpha
"""


def test_a_tag_its_nested_tags_and_its_property_values_keep_their_styles() -> None:
    assert renamed(TAGS, "área/β") == {
        "A — 名.md": (
            "---\n"
            "tags: [área/β, área/β/sub, proj/alphabet, other]\n"
            'tag: "#área/β"\n'
            "aliases: [proj/alpha]\n"
            "---\n"
            "Text #área/β and #área/β/deep — #proj/alphabet #proj 😀 #área/β\n"
            "`#proj/alpha` $#proj/alpha$ %%#proj/alpha%% <!-- #proj/alpha -->\n"
            "\n```\n#proj/alpha\n```\n"
        ),
        "B.md": (
            "---\n"
            "tags:\n"
            "  - área/β\n"
            "  - 'área/β/x'\n"
            "  - other # proj/alpha\n"
            "tag: área/β, z área/β/y\n"
            "---\n"
            "#área/β\n"
        ),
    }


def test_a_frontmatter_tag_is_renamed_from_the_property_too() -> None:
    f = Fixture(
        TAGS.replace("#proj/al$0pha", "#proj/alpha").replace(
            "  - 'proj/alpha/x'", "  - 'proj/al$0pha/x'"
        )
    )
    prepared = rename.prepare_rename(f.snapshot, f.path, f.position, f.encoder)
    assert prepared.placeholder == "proj/alpha/x"
    edit = rename.rename(f.snapshot, f.path, f.position, f.encoder, "#done", {}, annotate=True)
    assert apply(f.files, edit, ROOT)["B.md"] == (
        "---\ntags:\n  - proj/alpha\n  - 'done'\n  - other # proj/alpha\n"
        "tag: proj/alpha, z proj/alpha/y\n---\n#proj/alpha\n"
    )
    assert edit.change_annotations is not None
    assert edit.change_annotations["vault-ls.rename"].description == "1 tag in 1 note"


@pytest.mark.parametrize(
    ("new_name", "reason"),
    [
        ("a b", "'a b' holds ' ', which a tag cannot hold"),
        ("a,b", "'a,b' holds ',', which a tag cannot hold"),
        ("#", "the new tag is empty"),
        ("1984", "'1984' has no letter: Obsidian reads no tag there"),
        ("a//b", "'a//b' has an empty level"),
        ("proj/alpha", "the tag is already #proj/alpha"),
    ],
)
def test_bad_tags_are_refused(new_name: str, reason: str) -> None:
    assert refused(TAGS, new_name) == reason


def test_a_link_that_cannot_be_edited_in_place_refuses_the_rename() -> None:
    fixture = '//- G.md\n## H$0\n^b\n//- A.md\n---\nup: "[[G#\\u0048]]"\n---\n[[G#H]]\n'
    assert refused(fixture, "K") == (
        "A.md:2: a link there is written over several lines or with YAML escapes; "
        "write it plainly first"
    )


def test_a_slug_stays_a_slug_where_it_reads_as_the_heading_too() -> None:
    there = renamed("//- B.md\n## Setup — 设$0置\n//- G.md\n[t](B.md#setup--设置)\n", "Intro")
    assert there == {"B.md": "## Intro\n", "G.md": "[t](B.md#intro)\n"}
    # ``#intro`` also reads as the heading's text; it is the slug all the same
    back = renamed("//- B.md\n## Int$0ro\n//- G.md\n[t](B.md#intro)\n", "Setup — 设置")
    assert back == {"B.md": "## Setup — 设置\n", "G.md": "[t](B.md#setup--设置)\n"}
