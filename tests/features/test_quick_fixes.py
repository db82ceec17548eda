"""Quick fixes on the demo vault (examples/vault holds one problem of each kind): per problem,
the actions offered (title, kind, preferred), the diagnostic each carries, and the file after
applying one with the tests' own applier (``edit_applier``)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from tests.features.edit_applier import apply
from tests.features.fixture import Fixture

from vault_ls.features import quick_fixes
from vault_ls.features.convert import Encoder
from vault_ls.features.diagnostics import diagnostics
from vault_ls.vault.positions import Range
from vault_ls.vault.snapshot import Snapshot, in_memory

DEMO = Path(__file__).resolve().parents[2] / "examples" / "vault"
ROOT = Path("/vault")
EVERYWHERE = Range.of(0, 0, 10_000, 0)
PROBLEM = re.compile(r":\d+:\d+: (?:error|warning|information|hint) (\S+) ")
OPTIONS = quick_fixes.Options(shows_disabled=True)


def read_vault(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in relative.split("/")):
            note = relative.endswith(".md")
            files[relative] = path.read_text("utf-8", errors="replace") if note else ""
    return files


FILES = read_vault(DEMO)


def actions_for(
    code: str,
    path: str = "Problems.md",
    files: dict[str, str] = FILES,
    options: quick_fixes.Options = OPTIONS,
) -> tuple[list[types.CodeAction], types.Diagnostic]:
    """The actions for the one ``code`` diagnostic of ``path``, sent as the client got it."""
    vault = in_memory(files, ROOT)
    encoder = Encoder(vault)
    sent = [d for d in diagnostics(vault, path, encoder) if d.code == code]
    assert len(sent) == 1, sent
    where = Range.of(sent[0].range.start.line, 0, sent[0].range.start.line, 0)
    actions = quick_fixes.code_actions(
        vault, path, where, sent, encoder, {}, options, only=[quick_fixes.QUICKFIX]
    )
    for action in actions:
        assert action.kind == "quickfix"
        assert action.diagnostics == sent  # the client's own diagnostic, as it sent it
    return actions, sent[0]


def summary(actions: list[types.CodeAction]) -> list[tuple[str, bool]]:
    return [(a.title, bool(a.is_preferred)) for a in actions]


def applied(action: types.CodeAction, files: dict[str, str] = FILES) -> dict[str, str]:
    assert action.edit is not None
    return apply(files, action.edit, ROOT)


def replaced(path: str, old: str, new: str) -> str:
    assert FILES[path].count(old) == 1
    return FILES[path].replace(old, new)


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_unresolved_link_creates_the_note_or_changes_to_a_close_name() -> None:
    actions, _ = actions_for("unresolved-link")
    assert summary(actions) == [
        ('Create note "Missing note"', True),
        ('Change to "Archive/Meeting notes"', False),
    ]
    after = applied(actions[0])
    assert after["Missing note.md"] == "# Missing note\n"
    assert changed(FILES, after) == {"Missing note.md"}
    create = actions[0].edit.document_changes[0]
    assert isinstance(create, types.CreateFile)
    assert create.options == types.CreateFileOptions(overwrite=False, ignore_if_exists=True)
    after = applied(actions[1])
    assert after["Problems.md"] == replaced(
        "Problems.md", "[[Missing note]]", "[[Archive/Meeting notes]]"
    )


def test_a_note_is_created_in_the_linking_notes_folder_or_the_configured_one() -> None:
    fixture = Fixture("""
        //- Projects/Plan — 日本.md
        # Plan — 日本
        see [[Next step 😀]] and [[Ideas/Seeds]] and [x](sub/Deep%20note.md)
        //- Other.md
        # Other
        """)
    vault, encoder = fixture.snapshot, fixture.encoder

    def created(options: quick_fixes.Options) -> list[tuple[str, str, dict[str, str]]]:
        found = []
        sent = diagnostics(vault, "Projects/Plan — 日本.md", encoder)
        assert [d.code for d in sent] == ["unresolved-link"] * 3
        for diagnostic in sent:
            actions = quick_fixes.code_actions(
                vault, "Projects/Plan — 日本.md", EVERYWHERE, [diagnostic], encoder, {}, options
            )
            create = next(a for a in actions if a.title.startswith("Create"))
            after = apply(fixture.files, create.edit, ROOT)
            found.append((create.title, *[(p, after[p]) for p in changed(fixture.files, after)]))
        return found

    assert created(quick_fixes.Options()) == [
        (
            'Create note "Next step 😀" in Projects/',
            ("Projects/Next step 😀.md", "# Next step 😀\n"),
        ),
        ('Create note "Seeds" in Ideas/', ("Ideas/Seeds.md", "# Seeds\n")),
        (
            'Create note "Deep note" in Projects/sub/',
            ("Projects/sub/Deep note.md", "# Deep note\n"),
        ),
    ]
    inbox = quick_fixes.Options(new_file_location="folder", new_file_folder="Inbox")
    assert created(inbox)[0] == (
        'Create note "Next step 😀" in Inbox/',
        ("Inbox/Next step 😀.md", "# Next step 😀\n"),
    )
    assert created(quick_fixes.Options(new_file_location="root"))[0][1][0] == "Next step 😀.md"


def test_no_create_where_a_file_is_or_the_editor_cannot_create() -> None:
    fixture = Fixture("""
        //- Note.md
        see [[picture.png]] and [[Elsewhere]]
        """)
    sent = diagnostics(fixture.snapshot, "Note.md", fixture.encoder)
    titles = [
        a.title
        for a in quick_fixes.code_actions(
            fixture.snapshot, "Note.md", EVERYWHERE, sent, fixture.encoder, {}, OPTIONS
        )
    ]
    assert titles == ['Create note "Elsewhere"']  # an image is not a note to write
    cannot = quick_fixes.Options(creates_files=False)
    assert (
        quick_fixes.code_actions(
            fixture.snapshot, "Note.md", EVERYWHERE, sent, fixture.encoder, {}, cannot
        )
        == []
    )


def test_unresolved_heading_adds_it_at_the_end_or_changes_to_a_close_one() -> None:
    actions, _ = actions_for("unresolved-heading")
    assert summary(actions) == [
        ('Change to "#Notes"', False),
        ('Add heading "Flowers" to "Garden Plan"', False),
    ]
    after = applied(actions[1])
    assert after["Projects/Garden Plan.md"] == FILES["Projects/Garden Plan.md"] + "\n## Flowers\n"
    assert changed(FILES, after) == {"Projects/Garden Plan.md"}
    after = applied(actions[0])
    assert after["Problems.md"] == replaced(
        "Problems.md", "[[Garden Plan#Flowers]]", "[[Garden Plan#Notes]]"
    )


def test_unresolved_block_changes_to_the_closest_id() -> None:
    actions, _ = actions_for("unresolved-block")
    assert summary(actions) == [('Change to "#^tomatoes"', False)]
    assert applied(actions[0])["Problems.md"] == replaced(
        "Problems.md", "[[Garden Plan#^harvest]]", "[[Garden Plan#^tomatoes]]"
    )


def test_ambiguous_link_offers_each_candidate_the_closest_first() -> None:
    actions, _ = actions_for("ambiguous-link")
    assert summary(actions) == [
        ('Link to "Archive/Meeting notes"', False),
        ('Link to "Projects/Meeting notes"', False),
    ]
    assert applied(actions[1])["Problems.md"] == replaced(
        "Problems.md",
        "- ambiguous-link: [[Meeting notes]]",
        "- ambiguous-link: [[Projects/Meeting notes]]",
    )


def test_alias_link_links_the_note_and_keeps_the_alias_shown() -> None:
    actions, _ = actions_for("alias-link")
    assert summary(actions) == [("Link as [[Garden Plan|Gemüsegarten]]", True)]
    assert applied(actions[0])["Problems.md"] == replaced(
        "Problems.md", "[[Gemüsegarten]]", "[[Garden Plan|Gemüsegarten]]"
    )


def test_title_conflict_offers_both_directions() -> None:
    path = "Readwise/Articles/Zettelkasten, Part 1.md"
    actions, _ = actions_for("title-conflict", path)
    assert summary(actions) == [
        (
            'Change the title line "Zettelkasten — Part 2" to "Zettelkasten, Part 1" '
            "(as the Full Title)",
            False,
        ),
        (
            'Change the Full Title "Zettelkasten, Part 1" to "Zettelkasten — Part 2" '
            "(as the title line)",
            False,
        ),
    ]
    assert applied(actions[0])[path] == replaced(
        path, "[[Zettelkasten — Part 2]]\n", "[[Zettelkasten, Part 1]]\n"
    )
    assert applied(actions[1])[path] == replaced(
        path, "- Full Title: Zettelkasten, Part 1", "- Full Title: Zettelkasten — Part 2"
    )


def test_title_conflict_in_frontmatter_and_heading_keeps_yaml_valid() -> None:
    fixture = Fixture("""
        //- Note.md
        ---
        title: Plan — phase 1
        ---
        # Plan: phase 2
        """)
    sent = diagnostics(fixture.snapshot, "Note.md", fixture.encoder)
    assert [d.code for d in sent] == ["title-conflict"]
    actions = quick_fixes.code_actions(
        fixture.snapshot, "Note.md", EVERYWHERE, sent, fixture.encoder, {}, OPTIONS
    )
    heading, frontmatter = (apply(fixture.files, a.edit, ROOT)["Note.md"] for a in actions)
    assert heading == "---\ntitle: Plan — phase 1\n---\n# Plan — phase 1\n"
    # a colon and a space would make YAML read a mapping: the title is quoted
    assert frontmatter == '---\ntitle: "Plan: phase 2"\n---\n# Plan: phase 2\n'


def test_filename_title_renames_the_file_and_links_follow() -> None:
    files = {**FILES, "Welcome.md": FILES["Welcome.md"] + "\nSee [[Daily Habits-2]].\n"}
    actions, _ = actions_for("filename-title", "Daily Habits-2.md", files)
    assert summary(actions) == [('Rename the file "Daily Habits-2" to "Daily Habits"', True)]
    after = applied(actions[0], files)
    assert "Daily Habits-2.md" not in after
    assert after["Daily Habits.md"] == FILES["Daily Habits-2.md"]
    assert after["Welcome.md"] == FILES["Welcome.md"] + "\nSee [[Daily Habits]].\n"
    cannot = quick_fixes.Options(renames_files=False, shows_disabled=True)
    actions, _ = actions_for("filename-title", "Daily Habits-2.md", files, cannot)
    assert [a.disabled for a in actions] == [
        types.CodeActionDisabled("the editor does not accept file renames in edits")
    ]


def test_link_text_takes_the_targets_title() -> None:
    actions, _ = actions_for("link-text")
    assert summary(actions) == [('Update link text to "Garden Plan"', True)]
    assert applied(actions[0])["Problems.md"] == replaced(
        "Problems.md", "[[Garden Plan|Gardn Plan]]", "[[Garden Plan|Garden Plan]]"
    )


def test_duplicate_block_id_gets_a_fresh_id_on_the_second_block() -> None:
    actions, _ = actions_for("duplicate-block-id")
    assert summary(actions) == [("Give this block the fresh id ^same-2", True)]
    assert applied(actions[0])["Problems.md"] == replaced(
        "Problems.md", "The second one. ^same", "The second one. ^same-2"
    )


def test_frontmatter_error_says_there_is_no_fix() -> None:
    actions, _ = actions_for("frontmatter-error", "Broken frontmatter.md")
    assert summary(actions) == [("No automatic fix for invalid frontmatter", False)]
    assert actions[0].edit is None
    assert actions[0].disabled == types.CodeActionDisabled(
        "vault-ls cannot rewrite frontmatter it cannot read: correct the YAML by hand"
    )
    plain = quick_fixes.Options()  # a client that cannot show why gets nothing
    assert actions_for("frontmatter-error", "Broken frontmatter.md", FILES, plain)[0] == []


def test_fixes_follow_the_diagnostics_the_client_sent_or_the_range() -> None:
    vault = in_memory(FILES, ROOT)
    encoder = Encoder(vault)
    sent = diagnostics(vault, "Problems.md", encoder)
    line_9 = Range.of(8, 0, 8, 0)  # the alias-link line
    by_range = quick_fixes.code_actions(vault, "Problems.md", line_9, [], encoder, {}, OPTIONS)
    assert [a.title for a in by_range] == [
        "Link as [[Garden Plan|Gemüsegarten]]",
        "Fix 3 problems in this note (vault-ls)",  # asked by hand: the note's fix-all too
    ]
    automatic = quick_fixes.code_actions(
        vault, "Problems.md", line_9, [], encoder, {}, OPTIONS, invoked=False
    )
    assert [a.title for a in automatic] == ["Link as [[Garden Plan|Gemüsegarten]]"]
    # a client that sent diagnostics gets the fixes of those, wherever the range is
    link_text = [d for d in sent if d.code == "link-text"]
    titles = [
        a.title
        for a in quick_fixes.code_actions(
            vault, "Problems.md", line_9, link_text, encoder, {}, OPTIONS
        )
    ]
    assert titles == ['Update link text to "Garden Plan"', "Fix 3 problems in this note (vault-ls)"]


def test_a_diagnostic_sent_back_in_byte_columns_still_gets_its_fixes() -> None:
    # Neovim 0.7 turns its diagnostics back into LSP ones with byte columns: on this line the
    # link's target spans UTF-16 columns 22-31 but bytes 24-40 (😀 is 4 bytes, é 2, — and 日 3)
    files = {
        "Home — start.md": "# Home\nSee [[Plan 😀]] and [[Idée — 日本]] today.\n",
        "projects/Plan 😀.md": "# Plan\n",
    }
    vault = in_memory(files, ROOT)
    encoder = Encoder(vault)
    (sent,) = [
        d for d in diagnostics(vault, "Home — start.md", encoder) if d.code == "unresolved-link"
    ]
    assert (sent.range.start.character, sent.range.end.character) == (22, 31)
    as_bytes = types.Range(types.Position(1, 24), types.Position(1, 40))
    neovim = types.Diagnostic(as_bytes, sent.message, sent.severity, sent.code, source=sent.source)
    cursor = Range.of(1, 30, 1, 30)
    actions = quick_fixes.code_actions(
        vault, "Home — start.md", cursor, [neovim], encoder, {}, OPTIONS
    )
    create = next(a for a in actions if a.kind == "quickfix")
    assert create.title == 'Create note "Idée — 日本"'
    assert create.diagnostics == [neovim]  # the client's own, as it sent it
    after = apply(files, create.edit, ROOT)
    assert after["Idée — 日本.md"] == "# Idée — 日本\n"


def test_fix_all_applies_every_obvious_fix_of_the_note() -> None:
    vault = in_memory(FILES, ROOT)
    encoder = Encoder(vault)
    actions = quick_fixes.code_actions(
        vault, "Problems.md", EVERYWHERE, [], encoder, {}, OPTIONS, only=["source.fixAll"]
    )
    assert [(a.title, a.kind) for a in actions] == [
        ("Fix 3 problems in this note (vault-ls)", "source.fixAll.vault-ls")
    ]
    assert [d.code for d in actions[0].diagnostics] == [
        "alias-link",
        "link-text",
        "duplicate-block-id",
    ]
    after = applied(actions[0])
    assert changed(FILES, after) == {"Problems.md"}
    expected = replaced("Problems.md", "[[Gemüsegarten]]", "[[Garden Plan|Gemüsegarten]]")
    expected = expected.replace("[[Garden Plan|Gardn Plan]]", "[[Garden Plan|Garden Plan]]")
    assert after["Problems.md"] == expected.replace("one. ^same", "one. ^same-2")


def test_a_typo_is_the_preferred_fix_and_in_fix_all() -> None:
    fixture = Fixture("""
        //- Note.md
        [[Garden Plam]] and [[Garden Plan#Sowing date]] and [[Garden Plan#^tomatos]]
        //- Garden Plan.md
        ## Sowing dates
        Four plants. ^tomatoes
        """)
    vault, encoder = fixture.snapshot, fixture.encoder
    actions = quick_fixes.code_actions(
        vault, "Note.md", EVERYWHERE, [], encoder, {}, OPTIONS, only=["quickfix"]
    )
    assert [(a.title, bool(a.is_preferred)) for a in actions] == [
        ('Create note "Garden Plam"', False),
        ('Change to "Garden Plan"', True),
        ('Change to "#Sowing dates"', True),
        ('Add heading "Sowing date" to "Garden Plan"', False),
        ('Change to "#^tomatoes"', True),
    ]
    everything = quick_fixes.fix_all(vault, "Note.md", encoder, OPTIONS)
    assert everything is not None
    assert apply(fixture.files, everything[0], ROOT)["Note.md"] == (
        "[[Garden Plan]] and [[Garden Plan#Sowing dates]] and [[Garden Plan#^tomatoes]]\n"
    )


def test_edits_carry_the_open_documents_versions() -> None:
    vault = in_memory(FILES, ROOT)
    encoder = Encoder(vault)
    documents = {"Problems.md": quick_fixes.OpenDocument("file:///vault/Problems.md", 7)}
    actions = quick_fixes.code_actions(
        vault, "Problems.md", Range.of(8, 0, 8, 0), [], encoder, documents, OPTIONS
    )
    change = actions[0].edit.document_changes[0]
    assert change.text_document.version == 7


def snapshot_of(root: Path) -> Snapshot:
    return in_memory(read_vault(root), ROOT)


def test_after_every_preferred_fix_only_what_has_no_single_fix_is_left(tmp_path: Path) -> None:
    copy = tmp_path / "vault"
    shutil.copytree(DEMO, copy)
    done: set[str] = set()
    for _ in range(40):  # one fix at a time, each computed on the vault as it is then
        files = read_vault(copy)
        vault = in_memory(files, ROOT)
        encoder = Encoder(vault)
        found = None
        for path in sorted(vault.index.notes):
            for action in quick_fixes.code_actions(
                vault, path, EVERYWHERE, [], encoder, {}, OPTIONS, only=["quickfix"]
            ):
                if action.is_preferred and action.title not in done:
                    found = action
                    break
            if found:
                break
        if found is None:
            break
        done.add(found.title)
        after = apply(files, found.edit, ROOT)
        for path in files.keys() - after.keys():
            (copy / path).unlink()
        for path in changed(files, after) & after.keys():
            (copy / path).parent.mkdir(parents=True, exist_ok=True)
            (copy / path).write_text(after[path], encoding="utf-8")
    assert sorted(done) == [
        'Create note "Missing note"',
        "Give this block the fresh id ^same-2",
        "Link as [[Garden Plan|Gemüsegarten]]",
        'Rename the file "Daily Habits-2" to "Daily Habits"',
        'Update link text to "Garden Plan"',
    ]
    report = subprocess.run(
        [sys.executable, "-m", "vault_ls", "check", str(copy)], capture_output=True, text=True
    )
    codes = [PROBLEM.search(line)[1] for line in report.stdout.splitlines()[:-1]]
    assert codes == [
        "frontmatter-error",  # the YAML must be corrected by hand
        "encoding-error",  # which encoding was meant is the user's to say
        "unresolved-heading",  # add "Flowers" or link "Notes": the user's choice
        "unresolved-block",  # ^tomatoes is the closest id, but not plainly the one meant
        "ambiguous-link",  # which "Meeting notes" was meant
        "title-conflict",  # which title is right (Readwise's title line or its Full Title)
        "title-conflict",
    ]
    assert report.stdout.splitlines()[-1].startswith("7 problems")


@pytest.mark.parametrize("code", ["alias-link", "link-text", "duplicate-block-id"])
def test_the_obvious_fixes_are_preferred(code: str) -> None:
    actions, _ = actions_for(code)
    assert [bool(a.is_preferred) for a in actions] == [True]


def test_only_a_typo_that_leaves_the_link_working_is_preferred() -> None:
    fixture = Fixture("""
        //- Calendar/2022-W51.md
        << [[2022-W50]] | [[2022-W52]] >> by [[Hamna Aslam Kahn]] and [[Another yest#Another]]
        [intro](#getting-startd) and [[Shadow-Dragon]]
        ## Getting started
        //- Hamna Aslam Kahn’s Post.md
        //- 2022-W50.md
        //- Another Test.md
        //- Shadow-Dance.md
        """)
    vault, encoder = fixture.snapshot, fixture.encoder
    actions = quick_fixes.code_actions(
        vault, "Calendar/2022-W51.md", EVERYWHERE, [], encoder, {}, OPTIONS, only=["quickfix"]
    )
    preferred = [a.title for a in actions if a.is_preferred]
    assert preferred == [
        'Create note "2022-W52" in Calendar/',  # next week's note, not a typo of another week
        'Create note "Hamna Aslam Kahn" in Calendar/',  # an author, not their post
        # [[Another Test#Another]] would still be broken: no single right fix
        'Change to "#getting-started"',  # a GitHub slug answered with a slug
        'Create note "Shadow-Dragon" in Calendar/',
    ]
    assert 'Change to "Another Test"' in [a.title for a in actions]
