"""Refactors: the exact text of every file after applying the offered edit with the tests' own
applier (``edit_applier``: UTF-16 columns, CRLF, byte order marks), on non-ASCII notes; the
places no action is offered; and a property: wikilink -> markdown -> wikilink gives the text
back, each form reaching the same note and heading."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from tests.features.edit_applier import Refused, apply

from vault_ls.features import mentions, refactors
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import OpenDocument
from vault_ls.vault.names import heading_link_text
from vault_ls.vault.parse import parse_note
from vault_ls.vault.positions import Position, Range, from_units
from vault_ls.vault.resolve import link_heading_position
from vault_ls.vault.snapshot import Snapshot, in_memory

ROOT = Path("/vault")
CURSOR, START, END = "$0", "$<", "$>"


class Vault:
    """``files`` with the cursor (``$0``) or a selection (``$<``...``$>``) marked in one of
    them; every note open in the editor, at version 7, unless ``closed``."""

    def __init__(self, files: dict[str, str], closed: bool = False) -> None:
        self.files: dict[str, str] = {}
        self.path = ""
        marks: dict[str, Position] = {}
        for path, text in files.items():
            for mark in (CURSOR, START, END):
                at = text.find(mark)
                if at >= 0:
                    self.path = path
                    before = text[:at].replace("\r\n", "\n").replace("\r", "\n")
                    marks[mark] = Position(before.count("\n"), len(before) - before.rfind("\n") - 1)
                    text = text[:at] + text[at + len(mark) :]
            self.files[path] = text
        start = marks.get(CURSOR) or marks.get(START) or Position(0, 0)
        self.where = Range(start, marks.get(END, start))
        self.snapshot: Snapshot = in_memory(self.files, ROOT)
        self.encoder = Encoder(self.snapshot, "utf-16")
        self.versions = {} if closed else {p: 7 for p in self.files if p.endswith(".md")}
        self.documents = {
            p: OpenDocument((ROOT / p).as_uri(), version) for p, version in self.versions.items()
        }

    def actions(self, only: list[str] | None = None) -> list[types.CodeAction]:
        return refactors.actions(
            self.snapshot, self.path, self.where, self.encoder, self.documents, only
        )

    def titles(self) -> list[str]:
        return [action.title for action in self.actions()]

    def applied(self, action: types.CodeAction) -> dict[str, str]:
        assert action.edit is not None
        return apply(self.files, action.edit, ROOT, self.versions)

    def changed(self, title: str) -> dict[str, str]:
        """The files the action called ``title`` changes or creates, as they are after it."""
        action = next(a for a in self.actions() if a.title == title)
        after = self.applied(action)
        return {path: text for path, text in after.items() if self.files.get(path) != text}


# --- extract a selection to a new note --------------------------------------------------------


def test_extract_takes_the_name_from_the_first_heading_and_levels_headings_from_it() -> None:
    vault = Vault(
        {
            "notes/Source — 源.md": (
                "\ufeff# Source — 源\r\n\r\nIntro 😀\r\n$<## Plan 🚀 — 計画\r\n\r\n"
                "Step one — 一 [[Other]].\r\n\r\n### Details 😀\r\n\r\nMore.\r\n$>\r\nAfter.\r\n"
            ),
            "Other.md": "# Other\n",
        }
    )
    [action] = vault.actions()
    assert action.title == 'Extract selection to new note "Plan 🚀 — 計画"'
    assert action.kind == "refactor.extract"
    assert isinstance(action.edit.document_changes[0], types.CreateFile)
    assert vault.changed(action.title) == {
        "notes/Plan 🚀 — 計画.md": (
            "# Plan 🚀 — 計画\r\n\r\nStep one — 一 [[Other]].\r\n\r\n## Details 😀\r\n\r\nMore.\r\n"
        ),
        "notes/Source — 源.md": (
            "\ufeff# Source — 源\r\n\r\nIntro 😀\r\n[[Plan 🚀 — 計画]]\r\n\r\nAfter.\r\n"
        ),
    }


def test_extract_from_mid_line_keeps_the_rest_and_a_setext_heading_rises_too() -> None:
    vault = Vault(
        {
            "Source.md": (
                "# Source\n\nIntro 😀 — $<tail of intro\n\n### Deep — 深 ###\n\nText 名\n\n"
                "Sub 😀\n---\n\n#### Deeper\nend — $>tail 😀\n"
            ),
        }
    )
    assert vault.changed('Extract selection to new note "Deep — 深"') == {
        "Deep — 深.md": (
            "tail of intro\n\n## Deep — 深 ###\n\nText 名\n\nSub 😀\n===\n\n### Deeper\nend — \n"
        ),
        "Source.md": "# Source\n\nIntro 😀 — [[Deep — 深]]tail 😀\n",
    }


def test_extract_names_the_note_by_its_heading_as_read() -> None:
    vault = Vault(
        {"Source.md": "$<## **Q3**: plans [[Other|for 2025]] / `v2` ^x\n\nBody\n$>"},
    )
    assert vault.titles() == ['Extract selection to new note "Q3 plans for 2025 v2 x"']


def test_extract_refuses_a_name_that_exists_and_offers_to_name_the_note() -> None:
    vault = Vault(
        {
            "notes/Source.md": "Intro\n$<## Plan — 計画\n\nText 😀\n$>",
            "notes/plan — 計画.md": "",
        }
    )
    disabled, named = vault.actions()
    assert disabled.title == 'Extract selection to new note "Plan — 計画"'
    assert disabled.edit is None
    assert disabled.disabled == types.CodeActionDisabled(
        "notes/plan — 計画.md exists already: vault-ls never overwrites a file"
    )
    assert named.title == "Extract selection to a new note…"
    assert named.command == types.Command(
        title="Extract selection to a new note…",
        command="vault-ls.extractNote",
        arguments=[
            {
                "uri": "file:///vault/notes/Source.md",
                "range": {"start": {"line": 1, "character": 0}, "end": {"line": 3, "character": 7}},
                "name": "Plan — 計画 2",
            }
        ],
    )


def test_extract_without_a_heading_is_a_command_whose_name_the_client_gives() -> None:
    vault = Vault(
        {
            "a/Source.md": "Intro 😀 $<- first — 一 line\n- second 名$> after\n",
            "b/Chosen — 名.md": "",
        }
    )
    [action] = vault.actions()
    assert action.edit is None
    assert action.command.arguments == [
        {
            "uri": "file:///vault/a/Source.md",
            "range": {"start": {"line": 0, "character": 9}, "end": {"line": 1, "character": 10}},
            "name": "first — 一 line",
        }
    ]
    edit = refactors.extract_edit(
        vault.snapshot, vault.path, vault.where, vault.encoder, vault.documents, "Chosen — 名"
    )
    after = apply(vault.files, edit, ROOT, vault.versions)
    # another folder holds a note of that name: the link names the new note by its path
    assert after["a/Source.md"] == "Intro 😀 [[a/Chosen — 名]] after\n"
    assert after["a/Chosen — 名.md"] == "- first — 一 line\n- second 名\n"


def test_extract_never_overwrites_a_note_created_meanwhile() -> None:
    vault = Vault({"Source.md": "$<# New\ntext\n$>"})
    [action] = vault.actions()
    with pytest.raises(Refused, match=r"New\.md exists"):
        apply({**vault.files, "new.md": "mine"}, action.edit, ROOT, vault.versions)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("a/b", "'a/b' holds /, which a file name cannot hold"),
        ("Plan #2", "'Plan #2' holds #, which a link cannot name"),
        ("Source", "the note is already named 'Source'"),
        ("", "the new name is empty"),
    ],
)
def test_extract_refuses_a_bad_name_with_the_reason(name: str, reason: str) -> None:
    vault = Vault({"Source.md": "$<text$>\n"})
    with pytest.raises(refactors.RefactorRefused) as refused:
        refactors.extract_edit(
            vault.snapshot, vault.path, vault.where, vault.encoder, vault.documents, name
        )
    assert str(refused.value) == reason


def test_no_extract_of_a_selection_that_cuts_a_link_in_two() -> None:
    vault = Vault({"Source.md": "# A\n\n$<text [[Be$>ta 😀]]\n"})
    assert vault.titles() == []
    with pytest.raises(refactors.RefactorRefused) as refused:
        refactors.extract_edit(
            vault.snapshot, vault.path, vault.where, vault.encoder, vault.documents, "X"
        )
    assert str(refused.value) == "the selection cuts the link on line 3 in two"


def test_no_extract_for_an_empty_selection_or_a_client_that_cannot_create_files() -> None:
    assert Vault({"Source.md": "# A\n$0text\n"}).titles() == []
    assert Vault({"Source.md": "# A\n$<  \n  $>text\n"}).titles() == []
    vault = Vault({"Source.md": "$<# A\ntext$>\n"})
    [action] = refactors.actions(
        vault.snapshot, vault.path, vault.where, vault.encoder, vault.documents, None, False
    )
    assert action.disabled.reason == "the editor does not accept new files in workspace edits"


# --- link an unlinked mention -----------------------------------------------------------------

MENTIONED = {
    "Alpha — notes.md": "---\naliases: [Αλφα 😀, JS]\n---\n# Alpha — notes\n",
    "people/東京.md": "# 東京\n",
    "Beta.md": "# Beta\n",
}


def mention(line: str) -> dict[str, str]:
    """The changed files for the only mention action on ``line`` (the cursor in it)."""
    vault = Vault({**MENTIONED, "Source — 源.md": line})
    [action] = [a for a in vault.actions() if a.title.startswith("Link")]
    return {"title": action.title, "text": vault.applied(action)["Source — 源.md"]}


def test_a_mention_written_as_the_name_becomes_a_plain_link() -> None:
    assert mention("😀 — see Alpha —$0 notes today\n") == {
        "title": 'Link "Alpha — notes" to [[Alpha — notes]]',
        "text": "😀 — see [[Alpha — notes]] today\n",
    }


@pytest.mark.parametrize(
    ("line", "title", "text"),
    [
        (
            "😀 alpha —\tNO$0TES.\n",
            'Link "alpha —\tNOTES" to [[Alpha — notes]]',
            "😀 [[Alpha — notes|alpha —\tNOTES]].\n",
        ),
        (
            "名 $0αλφα 😀!\n",
            'Link "αλφα 😀" to [[Alpha — notes]]',
            "名 [[Alpha — notes|αλφα 😀]]!\n",
        ),
        (
            "I use $<js$> — 😀\n",
            'Link "js" to [[Alpha — notes]]',
            "I use [[Alpha — notes|js]] — 😀\n",
        ),
        ("在東$0京住 😀\n", 'Link "東京" to [[東京]]', "在[[東京]]住 😀\n"),
        (
            "| a 😀 | Be$0ta |\n|---|---|\n",
            'Link "Beta" to [[Beta]]',
            "| a 😀 | [[Beta]] |\n|---|---|\n",
        ),
        (
            "| a 😀 | b |\n|---|---|\n| x | be$0ta |\n",
            'Link "beta" to [[Beta]]',
            "| a 😀 | b |\n|---|---|\n| x | [[Beta\\|beta]] |\n",
        ),
    ],
)
def test_a_mention_in_another_case_or_by_alias_keeps_the_text_as_written(
    line: str, title: str, text: str
) -> None:
    assert mention(line) == {"title": title, "text": text}


@pytest.mark.parametrize(
    "text",
    [
        "`Beta$0` in code\n",
        "```\nBeta$0\n```\n",
        "~~~~\n```\nBeta$0\n~~~~\n",
        "[[Be$0ta]] already\n",
        "[the Beta$0 note](Beta.md)\n",
        "https://example.com/Beta$0/x\n",
        "<https://example.com/Be$0ta>\n",
        "---\ntitle: Beta$0\n---\n",
        "Alphabeta$0 is one word\n",
        "#Beta$0 is a tag\n",
        "%%Beta$0%% is a comment\n",
        "Beta $0 is not at the cursor\n",
    ],
)
def test_no_mention_link_in_code_links_urls_frontmatter_or_inside_words(text: str) -> None:
    vault = Vault({**MENTIONED, "Source.md": text})
    assert [a.title for a in vault.actions() if a.title.startswith("Link")] == []


def test_a_note_is_not_linked_to_itself() -> None:
    assert Vault({"Beta.md": "# Beta\n\nBeta$0 here\n"}).titles() == []


def test_mention_links_are_offered_exactly_where_the_mentions_panel_finds_mentions() -> None:
    """Every column of a note of mixed contexts: an action to link Beta is offered exactly on
    the spans ``vault/unlinkedMentions`` reports for Beta."""
    text = (
        "---\nalias: Beta\n---\n# Beta and `Beta` — 😀 Beta\n"
        "[[Beta]] [Beta](Beta.md) <https://x.org/Beta> www.Beta.org BETA, beta.\n"
        "```js\nBeta\n```\n    Beta indented\n> Beta quoted #Beta %%Beta%% Betas 東Beta\n"
    )
    vault = Vault({**MENTIONED, "Source.md": text})
    found = mentions.unlinked_mentions(vault.snapshot, "Beta.md", vault.encoder)
    panel = set()
    for item in found[0]["mentions"]:
        where = item["range"]
        line = vault.encoder.lines("Source.md")[where["start"]["line"]]
        start = from_units(line, where["start"]["character"], "utf-16")
        end = from_units(line, where["end"]["character"], "utf-16")
        panel |= {(where["start"]["line"], column) for column in range(start, end + 1)}
    offered = set()
    for number, line in enumerate(vault.encoder.lines("Source.md")):
        for column in range(len(line) + 1):
            at = Position(number, column)
            actions = refactors.actions(
                vault.snapshot, "Source.md", Range(at, at), vault.encoder, {}, ["refactor"]
            )
            if any(a.title.endswith("to [[Beta]]") for a in actions):
                offered.add((number, column))
    assert len(panel) > 20
    assert offered == panel


# --- convert between [[wikilink]] and [markdown](link.md) --------------------------------------

LINKED = {
    "notes/Alpha — notes.md": (
        "# Alpha — notes\n\n## Key Features 😀\n\n## Q&A: Why?\n\nA para. ^blk-1\n"
    ),
    "notes/sub/Beta 名.md": "# Beta 名\n",
    "notes/sub/Gamma 名.md": "# Gamma 名\n",
    "other/Beta 名.md": "# another Beta\n",
    "img/pic 1.png": "",
}


def converted(line: str, path: str = "notes/sub/Source.md") -> tuple[str, str]:
    vault = Vault({**LINKED, path: line})
    [action] = [a for a in vault.actions() if a.title.startswith("Convert")]
    after = vault.applied(action)[path]
    return action.title.split(": ", 1)[0], after


@pytest.mark.parametrize(
    ("wiki", "markdown"),
    [
        ("[[Alpha — notes]]", "[Alpha — notes](../Alpha%20—%20notes.md)"),
        ("[[Alpha — notes|the 😀 notes]]", "[the 😀 notes](../Alpha%20—%20notes.md)"),
        (
            "[[Alpha — notes#Key Features 😀]]",
            "[Alpha — notes > Key Features 😀](../Alpha%20—%20notes.md#key-features-)",
        ),
        (
            "[[Alpha — notes#Q&A Why?|faq]]",
            "[faq](../Alpha%20—%20notes.md#qa-why)",
        ),
        ("[[Alpha — notes#^blk-1]]", "[Alpha — notes > ^blk-1](../Alpha%20—%20notes.md#^blk-1)"),
        ("![[pic 1.png]]", "![](../../img/pic%201.png)"),
        ("![[pic 1.png|300]]", "![300](../../img/pic%201.png)"),
        ("![[Alpha — notes]]", "![](../Alpha%20—%20notes.md)"),
        ("[[Gamma 名]]", "[Gamma 名](Gamma%20名.md)"),
        ("[[other/Beta 名|[x] 名]]", "[\\[x\\] 名](../../other/Beta%20名.md)"),
        ("[[#Intro — 1]]", "[Intro — 1](#intro--1)"),
        ("[[#Not a heading 😀]]", "[Not a heading 😀](#Not%20a%20heading%20😀)"),
    ],
)
def test_wikilink_and_markdown_link_convert_both_ways(wiki: str, markdown: str) -> None:
    source = "# Source\n\n## Intro — 1\n\n😀 — {} ✓\n"
    assert converted(source.format(wiki[:3] + "$0" + wiki[3:])) == (
        "Convert to a markdown link",
        source.format(markdown),
    )
    assert converted(source.format(markdown[:3] + "$0" + markdown[3:])) == (
        "Convert to a wikilink",
        source.format(wiki),
    )


def test_a_missing_note_converts_by_its_name() -> None:
    line = "😀 [[Missing — 名$0 v2.0]] and [x](Gone%202.md)\n"
    assert (
        converted(line)[1]
        == "😀 [Missing — 名 v2.0](Missing%20—%20名%20v2.0.md) and [x](Gone%202.md)\n"
    )
    assert converted("😀 [x](Gone%20$02.md)\n")[1] == "😀 [[Gone 2|x]]\n"


def test_a_markdown_link_in_angle_brackets_or_by_slug_converts() -> None:
    line = "😀 [Key](<../Alpha — $0notes.md#key-features->) ✓\n"
    assert converted(line)[1] == "😀 [[Alpha — notes#Key Features 😀|Key]] ✓\n"


def test_in_a_table_the_display_is_written_after_an_escaped_bar() -> None:
    table = "| a | b |\n|---|---|\n| 😀 | {} |\n"
    wiki, markdown = "[[Gamma 名\\|名 😀]]", "[名 😀](Gamma%20名.md)"
    assert converted(table.format(wiki[:3] + "$0" + wiki[3:]))[1] == table.format(markdown)
    assert converted(table.format(markdown[:3] + "$0" + markdown[3:]))[1] == table.format(wiki)


def test_a_closed_note_with_a_byte_order_mark_and_crlf_keeps_both() -> None:
    vault = Vault({**LINKED, "notes/S.md": "\ufeff😀 [[Be$0ta 名]]\r\nnext\r\n"}, closed=True)
    [action] = vault.actions()
    assert vault.applied(action)["notes/S.md"] == "\ufeff😀 [Beta 名](sub/Beta%20名.md)\r\nnext\r\n"


def test_an_open_note_with_a_byte_order_mark_keeps_it() -> None:
    vault = Vault({**LINKED, "notes/S.md": "\ufeff[Ga$0mma](sub/Gamma%20名.md)\r\n"})
    [action] = vault.actions()
    assert vault.applied(action)["notes/S.md"] == "\ufeff[[Gamma 名|Gamma]]\r\n"


def test_a_name_two_folders_share_becomes_the_path_that_reaches_the_same_note() -> None:
    # [[Beta 名]] reaches the nearer of two notes (an ambiguous link); written back, by path
    line = "😀 [[Beta$0 名]] ✓\n"
    assert converted(line)[1] == "😀 [Beta 名](Beta%20名.md) ✓\n"
    assert converted("😀 [Beta 名](Beta%20$0名.md) ✓\n")[1] == "😀 [[sub/Beta 名|Beta 名]] ✓\n"


def test_no_conversion_that_would_reach_elsewhere() -> None:
    # the label holds ]], which no wikilink display can hold
    vault = Vault({**LINKED, "S.md": "[a ]] b$0](Beta%20名.md)\n"})
    assert [a.title for a in vault.actions() if a.title.startswith("Convert")] == []


def test_only_the_asked_kinds_are_offered() -> None:
    on_link = Vault({**LINKED, "S.md": "# S\n\n[[Ga$0mma 名]]\n"})
    assert [a.kind for a in on_link.actions()] == ["refactor.rewrite"]
    assert [a.kind for a in on_link.actions(["refactor"])] == ["refactor.rewrite"]
    assert [a.kind for a in on_link.actions(["refactor.extract"])] == []
    assert [a.kind for a in on_link.actions(["quickfix"])] == []
    selected = Vault({**LINKED, "S.md": "# S\n\n$<[[Gamma 名]] text\n$>"})
    assert [a.kind for a in selected.actions()] == ["refactor.rewrite", "refactor.extract"]
    assert [a.kind for a in selected.actions(["refactor.extract"])] == ["refactor.extract"]


# --- the property: wiki -> markdown -> wiki --------------------------------------------------

WORDS = st.sampled_from(["Plan", "plan", "Notes", "😀", "名前", "—", "Q&A", "v2.0", "a b", "x"])
SHARED = st.sampled_from(["Plan", "名前 😀", "Q&A — v2.0"])  # names that folders share
NAMES = st.one_of(SHARED, SHARED, SHARED, st.lists(WORDS, min_size=1, max_size=3).map(" ".join))
FOLDERS = st.sampled_from(["", "a/", "a/b/", "c d/", "名/"])
HEADINGS = st.lists(
    st.lists(WORDS, min_size=1, max_size=3).map(" ".join), max_size=3, unique_by=str.casefold
)


@st.composite
def linked_vaults(draw: st.DrawFn) -> tuple[dict[str, str], str, str]:
    """Notes (names may repeat across folders), a source note, and a wikilink from it as
    Obsidian writes one: the name, or the whole path when several files have that name; a
    heading as Obsidian writes it."""
    paths = draw(
        st.lists(
            st.tuples(FOLDERS, NAMES).map("".join), min_size=1, max_size=5, unique_by=str.casefold
        )
    )
    files = {}
    for path in paths:
        headings = draw(HEADINGS)
        files[f"{path}.md"] = "".join(f"## {h}\n\n" for h in headings) + "text ^b1\n"
    files["img/p 1.png"] = ""
    source = draw(st.sampled_from(["S.md", "a/S.md", "名/b/S.md"]))
    files[source] = ""
    snapshot = in_memory(files, ROOT)
    others = [path for path in sorted(files) if path != source]
    target = draw(st.sampled_from([*others, *others, "Missing — 名.md", source]))
    # Obsidian's "shortest path when possible": the name when no other file has it
    written = target[:-3] if target.endswith(".md") else target
    last = written.rsplit("/", 1)[-1].casefold()
    if sum(1 for path in files if path.rsplit("/", 1)[-1][:-3].casefold() == last) <= 1:
        written = written.rsplit("/", 1)[-1]
    anchor = ""
    note = snapshot.index.notes.get(target)
    if note is not None and target != source:
        headings = [heading_link_text(h.text) for h in note.headings]
        choice = draw(st.sampled_from(["", "block", *headings]))
        anchor = "#^b1" if choice == "block" else f"#{choice}" if choice else ""
    display = draw(st.sampled_from(["", "|shown 😀", "|a > b"]))
    embed = draw(st.booleans()) and not display
    files[source] = f"😀 — {'!' if embed else ''}[[{written}{anchor}{display}]] ✓\n"
    return files, source, files[source]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_vaults())
def test_wiki_to_markdown_to_wiki_reaches_the_same_place_and_gives_a_name_back(
    case: tuple[dict[str, str], str, str],
) -> None:
    files, source, original = case
    cursor = original.index("[[") + 2
    markdown_files = convert_at(files, source, cursor, "Convert to a markdown link")
    markdown = markdown_files[source]
    back = convert_at(markdown_files, source, markdown.index("](") - 1, "Convert to a wikilink")
    before = reached(files, source)
    assert reached(markdown_files, source) == reached(back, source) == before
    [link] = parse_note(source, back[source]).links
    assert not in_memory(back, ROOT).index.resolve(link, source).ambiguous
    if "/" not in original:  # the name alone: the same text back (a path may get shorter)
        assert back[source] == original


def convert_at(files: dict[str, str], source: str, column: int, title: str) -> dict[str, str]:
    snapshot = in_memory(files, ROOT)
    at = Position(0, column)
    found = refactors.actions(snapshot, source, Range(at, at), Encoder(snapshot), {})
    [action] = [a for a in found if a.title.startswith(title)]
    return apply(files, action.edit, ROOT)


def reached(files: dict[str, str], source: str) -> tuple[str | None, int | None, str | None]:
    """The file, heading (its place in the note) and block the source's one link reaches."""
    snapshot = in_memory(files, ROOT)
    [link] = parse_note(source, files[source]).links
    path = snapshot.index.resolve(link, source).path
    note = snapshot.index.notes.get(path) if path else None
    heading = link_heading_position(note, link) if note and link.headings else None
    return path, heading, link.block


def test_every_printable_heading_character_survives_the_round_trip() -> None:
    heading = "Odd " + "".join(ch for ch in string.punctuation if ch not in "#^[]|\\") + " end"
    files = {"N.md": f"# N\n\n## {heading}\n", "S.md": ""}
    written = "[[N#" + heading_link_text(heading) + "]]"
    files["S.md"] = written + "\n"
    markdown = convert_at(files, "S.md", 2, "Convert to a markdown link")
    assert convert_at(markdown, "S.md", 1, "Convert to a wikilink")["S.md"] == files["S.md"]
    assert reached(files, "S.md") == reached(markdown, "S.md") == ("N.md", 1, None)
