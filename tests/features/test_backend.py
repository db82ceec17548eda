"""The plugin backend's answers (docs/protocol.md) on in-memory vaults: exact ranges, context
lines and offsets in UTF-16 units (an emoji counts two), lines with em-dashes, emoji and CJK."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.features.fixture import Fixture

from vault_ls.features import graph, link_panels, mentions, note_info, quick_switch, tag_tree
from vault_ls.features.convert import Encoder
from vault_ls.features.wire import RequestError

VAULT = """
//- Alpha — notes.md
---
aliases: [First letter]
tags: [greek]
---
# Alpha — notes
Self [[Alpha — notes#Part]] link.
## Part
text ^blk
//- Beta.md
# Beta
😀 — [[Alpha — notes]] and 中文 [[Alpha — notes#Part|p]] #greek/sub
first letter is here, and `Alpha — notes` in code, alpha — NOTES again.
![[pic.png]] [[Gone]] [x](https://e.com/Alpha) [[Alpha — notes#^blk]]
//- 中文.md
说中文Beta很好 beta [[Beta]]
```
Beta in a fence
```
//- pic.png
"""
ALPHA = "file:///vault/Alpha%20%E2%80%94%20notes.md"
BETA = "file:///vault/Beta.md"
CHINESE = "file:///vault/%E4%B8%AD%E6%96%87.md"


def span(found: dict[str, Any]) -> tuple[int, int, int, int]:
    start, end = found["start"], found["end"]
    return (start["line"], start["character"], end["line"], end["character"])


def links(groups: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            group["name"],
            span(link["range"]),
            link["anchor"],
            link["context"]["start"],
            link["context"]["end"],
            link["context"]["text"],
        )
        for group in groups
        for link in group["links"]
    ]


LINE_1 = "😀 — [[Alpha — notes]] and 中文 [[Alpha — notes#Part|p]] #greek/sub"
LINE_3 = "![[pic.png]] [[Gone]] [x](https://e.com/Alpha) [[Alpha — notes#^blk]]"


def test_backlinks_group_by_note_with_the_link_marked_in_its_line_and_no_self_links() -> None:
    f = Fixture(VAULT)
    found = link_panels.backlinks(f.snapshot, "Alpha — notes.md", f.encoder)
    assert [(group["uri"], group["name"]) for group in found] == [(BETA, "Beta")]
    assert links(found) == [
        ("Beta", (1, 5, 1, 22), None, 5, 22, LINE_1),
        ("Beta", (1, 30, 1, 54), "Part", 30, 54, LINE_1),
        ("Beta", (3, 47, 3, 69), "^blk", 47, 69, LINE_3),
    ]
    assert LINE_1.encode("utf-16-le")[5 * 2 : 22 * 2].decode("utf-16-le") == "[[Alpha — notes]]"


def test_backlinks_sorted_by_name_and_filtered_by_anchor() -> None:
    f = Fixture(VAULT.replace("text ^blk", "text ^blk\n[[Beta]]"))
    found = link_panels.backlinks(f.snapshot, "Beta.md", f.encoder)
    assert [group["name"] for group in found] == ["Alpha — notes", "中文"]
    alpha = f.snapshot.index.notes["Alpha — notes.md"].path
    by_heading = link_panels.backlinks(f.snapshot, alpha, f.encoder, "#Part")
    assert [link[1:3] for link in links(by_heading)] == [((1, 30, 1, 54), "Part")]
    by_block = link_panels.backlinks(f.snapshot, alpha, f.encoder, "^BLK")
    assert [link[1:3] for link in links(by_block)] == [((3, 47, 3, 69), "^blk")]


def test_backlinks_context_of_a_long_line_is_cut_around_the_link() -> None:
    line = "— " * 400 + "[[Beta]]" + " 😀" * 400
    f = Fixture(f"//- Beta.md\n# Beta\n//- A.md\n{line}\n")
    ((group,),) = [link_panels.backlinks(f.snapshot, "Beta.md", f.encoder)]
    (link,) = group["links"]
    text = link["context"]["text"]
    assert len(text) == 300 and "[[Beta]]" in text
    units = text.encode("utf-16-le")
    marked = units[link["context"]["start"] * 2 : link["context"]["end"] * 2]
    assert marked.decode("utf-16-le") == "[[Beta]]"


def test_backlinks_see_the_unsaved_text_of_an_open_note() -> None:
    f = Fixture("//- Beta.md\n# Beta\n//- A.md\nnothing yet\n")
    assert link_panels.backlinks(f.snapshot, "Beta.md", f.encoder) == []
    edited = Fixture("//- Beta.md\n# Beta\n//- A.md\nnow — [[Beta]]\n")
    assert links(link_panels.backlinks(edited.snapshot, "Beta.md", edited.encoder)) == [
        ("A", (0, 6, 0, 14), None, 6, 14, "now — [[Beta]]")
    ]


def test_outgoing_links_in_source_order_with_kind_target_and_problem() -> None:
    f = Fixture(VAULT)
    found = link_panels.outgoing(f.snapshot, "Beta.md", f.encoder)
    assert [
        (span(item["range"]), item["text"], item["target"], item["kind"], item["problem"])
        for item in found
    ] == [
        ((1, 5, 1, 22), "[[Alpha — notes]]", ALPHA, "note", None),
        ((1, 30, 1, 54), "[[Alpha — notes#Part|p]]", ALPHA, "heading", None),
        ((3, 0, 3, 12), "![[pic.png]]", "file:///vault/pic.png", "attachment", None),
        ((3, 13, 3, 21), "[[Gone]]", None, "note", "unresolved-link"),
        ((3, 47, 3, 69), "[[Alpha — notes#^blk]]", ALPHA, "block", None),
    ]


def test_outgoing_problem_of_a_missing_heading_and_a_severity_turned_off() -> None:
    f = Fixture("//- A.md\n中文 [[B#Nope]] [[C.pdf]]\n//- B.md\n# B\n")
    found = link_panels.outgoing(f.snapshot, "A.md", f.encoder)
    assert [(span(i["range"]), i["kind"], i["problem"]) for i in found] == [
        ((0, 3, 0, 13), "heading", "unresolved-heading"),
        ((0, 14, 0, 23), "attachment", "unresolved-link"),
    ]
    quiet = link_panels.outgoing(f.snapshot, "A.md", f.encoder, {"unresolved-link": "off"})
    assert [i["problem"] for i in quiet] == ["unresolved-heading", None]


def mentioned(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (group["name"], span(m["range"]), m["matched"], m["context"]["start"], m["context"]["end"])
        for group in found
        for m in group["mentions"]
    ]


def test_unlinked_mentions_of_name_and_alias_but_not_in_code_links_or_urls() -> None:
    f = Fixture(VAULT)
    found = mentions.unlinked_mentions(f.snapshot, "Alpha — notes.md", f.encoder)
    assert mentioned(found) == [
        ("Beta", (2, 0, 2, 12), "First letter", 0, 12),
        ("Beta", (2, 51, 2, 64), "Alpha — notes", 51, 64),
    ]
    assert found[0]["mentions"][1]["context"]["text"] == (
        "first letter is here, and `Alpha — notes` in code, alpha — NOTES again."
    )


def test_unlinked_mentions_word_bounded_but_inside_cjk_and_never_in_fences() -> None:
    f = Fixture(VAULT + "//- Gamma.md\nBetamax and alphabet, Beta. #Beta\n")
    found = mentions.unlinked_mentions(f.snapshot, "Beta.md", f.encoder)
    assert mentioned(found) == [
        ("Gamma", (0, 22, 0, 26), "Beta", 22, 26),
        ("中文", (0, 3, 0, 7), "Beta", 3, 7),
        ("中文", (0, 10, 0, 14), "Beta", 10, 14),
    ]


def test_unlinked_mentions_follow_edits_and_the_limit() -> None:
    f = Fixture("//- Beta.md\n# Beta\n//- A.md\nBeta 😀 beta\n//- B.md\nbeta\n")
    assert len(mentioned(mentions.unlinked_mentions(f.snapshot, "Beta.md", f.encoder))) == 3
    assert mentioned(mentions.unlinked_mentions(f.snapshot, "Beta.md", f.encoder, 2)) == [
        ("A", (0, 0, 0, 4), "Beta", 0, 4),
        ("A", (0, 8, 0, 12), "Beta", 8, 12),
    ]
    # an edit replaces the note in the index: only that note's words are read again
    snapshot = f.snapshot
    table = mentions.mention_index_for(snapshot)
    from vault_ls.vault.parse import parse_note

    snapshot.texts["B.md"] = "no mention"  # type: ignore[index]
    snapshot.index.set_note(parse_note("B.md", "no mention"))
    moved = type(snapshot)(**{**snapshot.__dict__, "version": snapshot.index.version})
    assert mentions.mention_index_for(moved) is table
    assert [g["name"] for g in mentions.unlinked_mentions(moved, "Beta.md", f.encoder)] == ["A"]


def test_status_counts_links_and_unresolved() -> None:
    f = Fixture(VAULT)
    assert note_info.vault_status(f.snapshot) == {
        "root": "file:///vault",
        "notes": 3,
        "attachments": 1,
        "links": 7,
        "unresolved": 1,
        "indexed": True,
    }


def test_note_info() -> None:
    f = Fixture(VAULT)
    found = note_info.note_info(f.snapshot, "Alpha — notes.md", f.encoder)
    assert found["uri"] == ALPHA
    assert found["titles"] == [
        {
            "source": "first heading",
            "text": "Alpha — notes",
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 15}},
        }
    ]
    assert (found["aliases"], found["tags"], found["blocks"]) == (
        ["First letter"],
        ["greek"],
        ["blk"],
    )
    assert [(h["level"], h["text"], span(h["range"])) for h in found["headings"]] == [
        (1, "Alpha — notes", (4, 0, 4, 15)),
        (2, "Part", (6, 0, 6, 7)),
    ]
    assert (found["backlinks"], found["outgoing"], found["problems"]) == (1, 1, 0)
    beta = note_info.note_info(f.snapshot, "Beta.md", f.encoder)
    assert (beta["backlinks"], beta["outgoing"], beta["problems"]) == (1, 5, 1)
    with pytest.raises(RequestError, match=r"pic\.png is not a note"):
        note_info.note_info(f.snapshot, "pic.png", f.encoder)


def test_tags_nest_and_fold_case() -> None:
    f = Fixture(
        "//- A.md\n#Area/Sub\n//- B.md\n#area/sub/deep 😀 #Other\n//- C.md\n#Area/Sub\n"
        "//- D.md\n中文 #area/SUB\n"
    )
    assert tag_tree.tag_tree(f.snapshot, f.encoder) == [
        {
            "tag": "Area",
            "name": "Area",
            "count": 4,
            "notes": [],
            "children": [
                {
                    "tag": "Area/Sub",
                    "name": "Sub",
                    "count": 4,
                    "notes": ["file:///vault/A.md", "file:///vault/C.md", "file:///vault/D.md"],
                    "children": [
                        {
                            "tag": "area/sub/deep",
                            "name": "deep",
                            "count": 1,
                            "notes": ["file:///vault/B.md"],
                            "children": [],
                        }
                    ],
                }
            ],
        },
        {
            "tag": "Other",
            "name": "Other",
            "count": 1,
            "notes": ["file:///vault/B.md"],
            "children": [],
        },
    ]


def test_whole_graph_with_attachments_and_missing_notes() -> None:
    f = Fixture(VAULT)
    found = graph.graph(f.snapshot, f.encoder, None, 1, attachments=True, missing=True)
    assert [(n["id"], n["kind"], n["backlinks"], n["tags"]) for n in found["nodes"]] == [
        ("Alpha — notes.md", "note", 1, ["greek"]),
        ("Beta.md", "note", 1, ["greek/sub"]),
        ("missing:gone", "missing", 1, []),
        ("pic.png", "attachment", 1, []),
        ("中文.md", "note", 0, []),
    ]
    assert [(e["source"], e["target"], e["count"]) for e in found["edges"]] == [
        ("Beta.md", "Alpha — notes.md", 3),
        ("Beta.md", "missing:gone", 1),
        ("Beta.md", "pic.png", 1),
        ("中文.md", "Beta.md", 1),
    ]
    plain = graph.graph(f.snapshot, f.encoder)
    assert [n["id"] for n in plain["nodes"]] == ["Alpha — notes.md", "Beta.md", "中文.md"]


def test_local_graph_to_a_depth() -> None:
    f = Fixture("//- A.md\n[[B]]\n//- B.md\n[[C]]\n//- C.md\n[[D]]\n//- D.md\n# D\n//- E.md\n# E\n")
    one = graph.graph(f.snapshot, f.encoder, "B.md")
    assert [n["id"] for n in one["nodes"]] == ["A.md", "B.md", "C.md"]
    assert [(e["source"], e["target"]) for e in one["edges"]] == [
        ("A.md", "B.md"),
        ("B.md", "C.md"),
    ]
    two = graph.graph(f.snapshot, f.encoder, "A.md", depth=2)
    assert [n["id"] for n in two["nodes"]] == ["A.md", "B.md", "C.md"]


def test_search_ranks_as_completion_and_says_what_matched() -> None:
    f = Fixture(VAULT + "//- deep/Firstling.md\n# Firstling\n")
    found = quick_switch.search(f.snapshot, "first", f.encoder)
    assert [(i["name"], i["matched"]) for i in found] == [
        ("Firstling", "name"),
        ("Alpha — notes", "alias"),
    ]
    assert [
        (i["path"], i["matched"]) for i in quick_switch.search(f.snapshot, "deep/f", f.encoder)
    ] == [("deep/Firstling.md", "path")]


def test_unlinked_mentions_shortlist_keeps_every_phrase_the_pattern_finds() -> None:
    # the phrase index shortlists notes by adjacent word pairs of their prose: a phrase spread
    # over spaces, a tab and another case is kept; words only apart, only across a line break or
    # only in a link are not mentions; a Latin name inside a run of CJK is one (its words are
    # split from the run's characters, as the pattern sees them)
    f = Fixture(
        "//- Global Apple.md\n# Global Apple\n"
        "//- A.md\nGLOBAL  \tapple — 全球Global Apple苹果\n"
        "//- B.md\nglobal apples, global\napple, apple global, [[x|Global Apple]] `Global Apple`\n"
        "//- C.md\n说Global Apple很好\n"
    )
    found = mentions.unlinked_mentions(f.snapshot, "Global Apple.md", f.encoder)
    assert mentioned(found) == [
        ("A", (0, 0, 0, 14), "Global Apple", 0, 14),
        ("A", (0, 19, 0, 31), "Global Apple", 19, 31),
        ("C", (0, 1, 0, 13), "Global Apple", 1, 13),
    ]


def test_unlinked_mentions_of_a_name_met_only_inside_cjk() -> None:
    # each CJK character is a word, a Latin run between them one word: before, the run's letters
    # were split into characters too and "Beta" was no word of the note
    f = Fixture("//- Beta.md\n# Beta\n//- 中文.md\n说中文Beta很好\n")
    found = mentions.unlinked_mentions(f.snapshot, "Beta.md", f.encoder)
    assert mentioned(found) == [("中文", (0, 3, 0, 7), "Beta", 3, 7)]


def test_unlinked_mentions_of_a_large_vault_answer_once_read_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mentions, "BUILD_INLINE", 1)
    f = Fixture("//- Beta.md\n# Beta\n//- A.md\nbeta 😀 Beta\n//- B.md\nbeta\n")
    with pytest.raises(RequestError, match="still reading the vault's 3 notes"):
        mentions.unlinked_mentions(f.snapshot, "Beta.md", f.encoder)
    table: Any = f.snapshot.index.derived[mentions.MentionIndex][1]
    assert not table.ready
    table._building.join()
    # a note edited while the thread read it is read again when the answer is taken in
    from vault_ls.vault.parse import parse_note

    snapshot = f.snapshot
    snapshot.texts["B.md"] = "no mention"  # type: ignore[index]
    snapshot.index.set_note(parse_note("B.md", "no mention"))
    moved = type(snapshot)(**{**snapshot.__dict__, "version": snapshot.index.version})
    assert mentioned(mentions.unlinked_mentions(moved, "Beta.md", Encoder(moved))) == [
        ("A", (0, 0, 0, 4), "Beta", 0, 4),
        ("A", (0, 8, 0, 12), "Beta", 8, 12),
    ]


def test_graph_kept_between_requests_follows_files_that_come_go_and_change() -> None:
    from vault_ls.vault.parse import parse_note

    f = Fixture("//- A.md\n[[B]] [[C]] [[C]] [[sub/D]]\n//- B.md\n[[A]]\n//- sub/D.md\n[[B]]\n")

    def drawn(snapshot: Any) -> tuple[list[Any], list[Any]]:
        found = graph.graph(snapshot, f.encoder, None, 1, attachments=True, missing=True)
        return (
            [(n["id"], n["kind"], n["backlinks"]) for n in found["nodes"]],
            [(e["source"], e["target"], e["count"]) for e in found["edges"]],
        )

    def fresh(files: dict[str, str]) -> tuple[list[Any], list[Any]]:
        return drawn(Fixture("".join(f"//- {p}\n{t}" for p, t in files.items())).snapshot)

    files = dict(f.files)
    index = f.snapshot.index
    assert drawn(f.snapshot) == fresh(files)
    assert ("A.md", "missing:c", 2) in drawn(f.snapshot)[1]
    steps = [
        ("C.md", "[[A]]"),  # a missing note appears: A's links to it resolve
        ("B.md", "[[C]] [[C]] [[C]]"),  # an edit
        ("other/D.md", ""),  # a second D: ``[[sub/D]]`` still reaches sub/D.md
        ("sub/D.md", None),  # gone: A's link to it now misses
    ]
    for path, text in steps:
        if text is None:
            index.remove_note(path)
            del files[path]
        else:
            index.set_note(parse_note(path, text + "\n"))
            files[path] = text + "\n"
        snapshot = type(f.snapshot)(**{**f.snapshot.__dict__, "version": index.version})
        assert drawn(snapshot) == fresh(files), path


def test_unlinked_mentions_beside_cjk_keep_what_is_not_prose_as_written() -> None:
    # the name is searched in the lines with each CJK character replaced by a stand-in, but
    # code, links and URLs are found in the lines as written: after 说 "http" starts no URL (no
    # word boundary), so the Beta in it is prose; a name holding CJK is searched as written
    f = Fixture(
        "//- Beta.md\n# Beta\n//- A.md\n说http://Beta.com 好 `中Beta` 中文Beta\n"
        "//- 中文 Beta.md\n# 中文 Beta\n//- B.md\n说中文  beta好\n"
    )
    found = mentions.unlinked_mentions(f.snapshot, "Beta.md", f.encoder)
    assert mentioned(found) == [
        ("A", (0, 8, 0, 12), "Beta", 8, 12),
        ("A", (0, 29, 0, 33), "Beta", 29, 33),
        ("B", (0, 5, 0, 9), "Beta", 5, 9),
        ("中文 Beta", (0, 5, 0, 9), "Beta", 5, 9),
    ]
    assert mentioned(mentions.unlinked_mentions(f.snapshot, "中文 Beta.md", f.encoder)) == [
        ("B", (0, 1, 0, 9), "中文 Beta", 1, 9)
    ]


def test_mention_index_reads_text_only_and_cuts_only_a_certain_front_matter() -> None:
    # the word index never decodes a note's body, and keeps the words of a front matter whose
    # shape the fast parser would not read (it may hold more words, never fewer)
    plain = mentions.read_note(None, "---\naliases: [Beta]\n---\nword [[Beta]] `Beta`\n")  # type: ignore[arg-type]
    assert plain.phrase == " word "
    odd = mentions.read_note(None, "---\naliases: [Beta]\n--- \nword\n")  # type: ignore[arg-type]
    assert odd.phrase == " aliases beta word "
    assert mentions.read_note(None, "a\r\n---\r\nb http://x.y/c %%d%% e").phrase == " a b e "  # type: ignore[arg-type]


# --- the graph: a local graph's limit, and link ends kept from the parse workers ------------

HUB = """
//- Hub.md
[[Alpha — α]] [[Alpha — α]] [[B]]
//- Alpha — α.md
[[Hub]]
//- B.md
# B
//- C.md
[[Hub]] [[Hub]] [[Hub]]
//- D.md
[[Hub]]
//- E.md
[[D]] [[Hub]]
//- F.md
[[D]]
"""


def test_local_graph_keeps_the_nearest_most_linked_nodes_and_counts_the_rest() -> None:
    # ranked: Hub; Alpha (3 links either way, 1 backlink), C (3, none); D (1, 2 backlinks),
    # B (1, 1), E (1, none); F is two links away
    f = Fixture(HUB)

    def drawn(**given: Any) -> tuple[list[str], list[tuple[str, str, int]], int]:
        found = graph.graph(f.snapshot, f.encoder, "Hub.md", **given)
        edges = [(e["source"], e["target"], e["count"]) for e in found["edges"]]
        return [n["id"] for n in found["nodes"]], edges, found["omitted"]

    assert drawn(limit=3) == (
        ["Alpha — α.md", "C.md", "Hub.md"],
        [("Alpha — α.md", "Hub.md", 1), ("C.md", "Hub.md", 3), ("Hub.md", "Alpha — α.md", 2)],
        3,
    )
    assert drawn(limit=4)[0] == ["Alpha — α.md", "C.md", "D.md", "Hub.md"]
    assert drawn(limit=5)[0] == ["Alpha — α.md", "B.md", "C.md", "D.md", "Hub.md"]
    assert drawn(limit=1) == (["Hub.md"], [], 5)
    assert drawn(limit=0) == (["Hub.md"], [], 5)  # the centre, always
    everything = ["Alpha — α.md", "B.md", "C.md", "D.md", "E.md", "Hub.md"]
    assert drawn()[0] == everything and drawn()[2] == 0
    assert drawn(depth=2, limit=6) == (drawn()[0], drawn()[1], 1)  # F, the farthest, left out
    assert drawn(depth=2)[0] == sorted([*everything, "F.md"]) and drawn(depth=2)[2] == 0
    whole = graph.graph(f.snapshot, f.encoder, None, limit=1)  # a whole graph is never cut
    assert len(whole["nodes"]) == 7 and whole["omitted"] == 0


def test_local_graph_of_a_hub_by_default_keeps_300_nodes() -> None:
    twice = {7}
    linking = "".join(f"//- N{i:03}.md\n[[Hub]]{' [[Hub]]' * (i in twice)}\n" for i in range(503))
    f = Fixture("//- Hub.md\n# Hub\n" + linking + "//- Linked.md\n[[N100]]\n")
    found = graph.graph(f.snapshot, f.encoder, "Hub.md")
    # N007 links twice, N100 has a backlink of its own; of the rest, the last by path go
    assert [n["id"] for n in found["nodes"]] == ["Hub.md"] + [f"N{i:03}.md" for i in range(299)]
    assert found["omitted"] == 204
    assert len(graph.graph(f.snapshot, f.encoder, "Hub.md", limit=10_000)["nodes"]) == 504
    top = graph.graph(f.snapshot, f.encoder, "Hub.md", limit=3)["nodes"]
    assert [n["id"] for n in top] == ["Hub.md", "N007.md", "N100.md"]


def test_local_graph_ranks_by_links_kept_between_requests_as_notes_change() -> None:
    # the notes linking to a note more than once are kept between requests (a hub's thousands
    # of linking notes are not read again): an edit, a removal and a new note move them
    from vault_ls.vault.parse import parse_note

    f = Fixture("//- Hub.md\n# Hub\n" + "".join(f"//- N{i}.md\n[[Hub]]\n" for i in range(6)))
    index = f.snapshot.index

    def top(limit: int = 3) -> list[str]:
        snapshot = type(f.snapshot)(**{**f.snapshot.__dict__, "version": index.version})
        return [n["id"] for n in graph.graph(snapshot, f.encoder, "Hub.md", limit=limit)["nodes"]]

    assert top() == ["Hub.md", "N0.md", "N1.md"]
    index.set_note(parse_note("N4.md", "[[Hub]] — [[Hub|hub 😀]]\n"))
    index.set_note(parse_note("N5.md", "[[Hub]] [[Hub]] [[Hub]]\n"))
    assert top() == ["Hub.md", "N4.md", "N5.md"]
    index.set_note(parse_note("N5.md", "[[Hub]]\n"))  # once again: no longer first
    index.remove_note("N4.md")
    index.set_note(parse_note("中文.md", "[[Hub]] [[Hub]]\n"))
    assert top() == ["Hub.md", "N0.md", "中文.md"]
    assert graph.link_table_for(index).linked_often == {"Hub.md": {"中文.md": 2}}


def test_graph_of_a_vault_loaded_by_workers_is_the_graph_of_its_notes_parsed_here(
    tmp_path: Path,
) -> None:
    # the parse workers send each note's link ends and tags: the first graph decodes no body
    # and resolves no link, and answers as an index that resolved every link itself; edits
    # and files that come or go drop the ends they change
    from tests.vault.test_parallel_load import write_vault

    from vault_ls.vault import disk_note, loader
    from vault_ls.vault.index import VaultIndex
    from vault_ls.vault.lazy_notes import LazyNote
    from vault_ls.vault.parse import parse_note
    from vault_ls.vault.snapshot import Snapshot
    from vault_ls.vault.workspace import Vault

    root = tmp_path / "vault"
    write_vault(root, 2 * loader.PARALLEL_FROM)
    (root / "Tagged — 😀.md").write_text("#Tag #tag/sub [[Tagged — 😀]] [[Gone]] [[gone]]\n")
    (root / "Other.md").write_text("#TAG [[Tagged — 😀]] [[Tagged — 😀#x]]\n")
    loaded = Vault(root, use_cache=False)
    loaded.load()
    parsed = VaultIndex()
    notes = [disk_note.parse_from_disk(loaded.root, path) for path in loaded.index.notes]
    parsed.set_notes(notes, sorted(loaded.index.attachments))

    def answers(index: VaultIndex) -> list[Any]:
        snapshot = Snapshot(loaded.root, index, {}, lambda path: "", True, False, index.version)
        encoder = Encoder(snapshot)
        return [
            graph.graph(snapshot, encoder),
            graph.graph(snapshot, encoder, None, 1, attachments=True, missing=True),
            graph.graph(snapshot, encoder, "Tagged — 😀.md", 2, True, True),
            tag_tree.tag_tree(snapshot, encoder),
        ]

    assert all(loaded.index.loaded_ends(path) for path in loaded.index.notes)
    first = answers(loaded.index)
    assert all(type(note) is LazyNote for note in loaded.index.notes.values())
    assert first == answers(parsed)
    assert not [e for e in first[0]["edges"] if e["source"] == e["target"]]  # self-links
    assert ("Other.md", "Tagged — 😀.md", 2) in [
        (e["source"], e["target"], e["count"]) for e in first[0]["edges"]
    ]
    # as the vault spells them: ``#TAG`` and ``#Tag`` once each, the first in code point order
    assert [n["tags"] for n in first[0]["nodes"] if n["id"] == "Tagged — 😀.md"] == [
        ["TAG", "tag/sub"]
    ]
    steps = [
        lambda index: index.set_note(parse_note("Gone.md", "[[Other]]\n")),  # missing resolves
        lambda index: index.set_note(parse_note("Other.md", "#new [[Gone]]\n")),
        lambda index: index.remove_note("a/Note 3 — ü.md"),
        lambda index: index.remove_attachment("img/pic.png"),  # every note links to it
    ]
    for number, step in enumerate(steps):
        step(loaded.index)
        step(parsed)
        assert answers(loaded.index) == answers(parsed)
        if number == 2:
            assert loaded.index.loaded_ends("Tagged — 😀.md") is None  # [[Gone]] resolves
            assert loaded.index.loaded_ends("Other.md") is None
            assert loaded.index.loaded_ends("b/c/Note 1 — ü.md") is not None
    assert not any(loaded.index.loaded_ends(path) for path in loaded.index.notes)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aZ09 _.-~/%#?&+—😀中é\\'", min_size=1, max_size=8), min_size=1))
def test_a_graph_node_uri_is_the_uri_of_its_path(parts: list[str]) -> None:
    # nodes' URIs are made without pathlib (a whole graph sends 10,000): as pathlib makes them
    path = "/".join(parts)
    snapshot = Fixture("//- A.md\n# A\n").snapshot
    assert Encoder(snapshot).uri(path) == (snapshot.root / path).as_uri()


# --- unlinked mentions: the postings of the word pairs in the vault's names ----------------

PAIR_WORDS = ["bird", "Radar", "bird", "radar", "glass", "中", "文", "😀", "—", "[[bird radar]]"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*PAIR_WORDS, " ", "\n", "  ", "-"]), max_size=14),
        min_size=1,
        max_size=5,
    ),
    st.lists(
        st.lists(st.sampled_from(["bird", "radar", "glass", "中", "文"]), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
)
def test_unlinked_mentions_shortlisted_by_name_pairs_are_those_by_words(
    texts: list[list[str]], aliases: list[list[str]]
) -> None:
    # a name whose word pairs were indexed is shortlisted by them, one that came later by its
    # words: both find what the phrase search of every note finds
    from vault_ls.vault.parse import parse_note

    listed = ", ".join(" ".join(words) for words in aliases[1:])
    files = "".join(f"//- N{i}.md\n{' '.join(words)}\n" for i, words in enumerate(texts))
    f = Fixture(
        f"//- Bird Radar.md\n---\naliases: [{listed}]\n---\n# Glass 中文\n"
        + files
        + "//- 中文 glass.md\n# x\n"
    )
    index = f.snapshot.index
    late = parse_note("Late.md", f"---\naliases: [{' '.join(aliases[0])}]\n---\nbird radar\n")
    index.set_note(late)
    snapshot = type(f.snapshot)(**{**f.snapshot.__dict__, "version": index.version})
    snapshot.texts["Late.md"] = "---\naliases: [x]\n---\nbird radar\n"  # type: ignore[index]
    table = mentions.mention_index_for(snapshot)
    assert table.named_pairs  # the names as first read: not Late's alias

    def every(table: Any) -> list[Any]:
        return [
            mentioned(mentions.unlinked_mentions(snapshot, path, Encoder(snapshot)))
            for path in sorted(index.notes)
        ]

    names = ["Bird Radar", "Glass 中文", "中文 glass", "bird radar glass", " ".join(aliases[0])]
    for name in names + [" ".join(words) for words in aliases[1:]]:
        phrase, read = mentions.phrase_of(mentions.tokens_of(name)), table._read
        assert table.holding(name) == {path for path in read if phrase in read[path].phrase}
    by_pairs = every(table)
    table.named_pairs, table.pairs = frozenset(), {}
    assert by_pairs == every(table)


@settings(max_examples=400, deadline=None)
@example("ſk ık \u212aa", ["sk", "ik", "ka"], False)
@example("İk sk", ["ik", "sk"], False)
@given(
    st.text(alphabet="abskiSK AB\n\t-_.é—😀中\x02\u212aıſİ", max_size=40),
    st.lists(st.text(alphabet="abskiSK -é—", min_size=2, max_size=6), min_size=1, max_size=3),
    st.booleans(),
)
def test_names_are_found_where_the_expression_finds_them(
    text: str, written: list[str], cjk: bool
) -> None:
    # tried only where a name's first word starts (found in the text lower-cased; the Kelvin
    # sign, ı, ſ and İ are the characters that case-folding makes tricky): the same matches as
    # searching every position
    names = [" ".join(name.split()) for name in written if name.split()]
    if not names:
        return
    finder = mentions._pattern(names, cjk)
    found = [(m.span(), m.lastgroup) for m in finder.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in finder.pattern.finditer(text)]
