"""Files and folders moved in the editor: the exact bytes of every file after the edits, applied
by the tests' own applier (``edit_applier``) and the files then moved as the editor moves them."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from tests.features.edit_applier import apply

from vault_ls.features import move
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import OpenDocument
from vault_ls.vault.snapshot import in_memory

ROOT = Path("/vault")


def moved(
    files: dict[str, str], *moves: tuple[str, str], open_versions: dict[str, int] | None = None
) -> dict[str, str]:
    vault = in_memory(files, ROOT)
    versions = open_versions or {}
    documents = {path: OpenDocument((ROOT / path).as_uri(), v) for path, v in versions.items()}
    file_moves = move.file_moves(vault.index, moves)
    edit, _ = move.move_edit(vault, Encoder(vault), file_moves, documents)
    assert all(isinstance(c, types.TextDocumentEdit) for c in edit.document_changes or [])
    edited = apply(files, edit, ROOT, versions)
    out = {path: text for path, text in edited.items() if path not in file_moves}
    for old, new in file_moves.items():
        out[new] = edited[old]
    return out


def test_a_folder_moved_takes_links_into_it_and_relative_links_out_of_it() -> None:
    after = moved(
        {
            "projects/Plan — 2026.md": (
                "# Plan\r\n[up](../Home.md) [[./Tasks]] ![chart](img/chart%201.png) [[Home]]\r\n"
            ),
            "projects/Tasks.md": "\ufeffsee [[Plan — 2026|Plan]] and [x](<../Home.md>)",
            "projects/img/chart 1.png": "",
            "Home.md": (
                "[[Plan — 2026]] [[projects/Plan — 2026#Goals|goals]] "
                "[p](projects/Plan%20—%202026.md) [t](<projects/Tasks.md>) "
                "![[chart 1.png]] ![c](projects/img/chart%201.png)\n"
                "`[[projects/Tasks]]` %%[[projects/Tasks]]%%\n"
            ),
        },
        ("projects", "archive/2026 — done"),
    )
    assert after == {
        "archive/2026 — done/Plan — 2026.md": (
            "# Plan\r\n[up](../../Home.md) [[./Tasks]] ![chart](img/chart%201.png) [[Home]]\r\n"
        ),
        "archive/2026 — done/Tasks.md": "\ufeffsee [[Plan — 2026|Plan]] and [x](<../../Home.md>)",
        "archive/2026 — done/img/chart 1.png": "",
        "Home.md": (
            "[[Plan — 2026]] [[archive/2026 — done/Plan — 2026#Goals|goals]] "
            "[p](archive/2026%20—%20done/Plan%20—%202026.md) "
            "[t](<archive/2026 — done/Tasks.md>) "
            "![[chart 1.png]] ![c](archive/2026%20—%20done/img/chart%201.png)\n"
            "`[[projects/Tasks]]` %%[[projects/Tasks]]%%\n"
        ),
    }


def test_a_name_that_collides_after_the_move_gets_a_path_and_nothing_re_points() -> None:
    after = moved(
        {
            "inbox/Idea.md": "# Idea\n",
            "work/Idea 😀.md": "x\n",
            "Uses.md": "[[Idea]] [[Idea 😀]] [i](inbox/Idea.md) [[Idea|Idea]]\n",
        },
        ("inbox/Idea.md", "work/Idea 😀.md".replace("work/", "later/")),
    )
    assert after["Uses.md"] == (
        "[[later/Idea 😀]] [[work/Idea 😀]] [i](later/Idea%20😀.md) [[later/Idea 😀|Idea 😀]]\n"
    )


def test_a_rename_in_the_explorer_changes_links_not_the_heading() -> None:
    after = moved(
        {"Old.md": "# Old\n[[Old#x]]\n", "Uses.md": "[[Old]] [[old]] ![[Old|Old]]\n"},
        ("Old.md", "New — 名.md"),
    )
    assert after == {
        "New — 名.md": "# Old\n[[New — 名#x]]\n",
        "Uses.md": "[[New — 名]] [[new — 名]] ![[New — 名|New — 名]]\n",
    }


def test_links_left_alone_when_their_form_still_reaches_the_file() -> None:
    files = {
        "a/Note.md": "[[Other]] [[Note]] ![[pic.png]] [o](Other.md)\n",
        "Other.md": "[[Note]] [n](a/Note.md)\n",
        "pic.png": "",
    }
    after = moved(files, ("a/Note.md", "b/Note.md"))
    assert after["b/Note.md"] == files["a/Note.md"]
    assert after["Other.md"] == "[[Note]] [n](b/Note.md)\n"


def test_an_open_note_is_edited_at_its_version_and_a_moved_attachment_followed() -> None:
    after = moved(
        {"Note.md": "![](img/a%20b.png) ![[img/a b.png]]\n", "img/a b.png": ""},
        ("img/a b.png", "media/a b.png"),
        open_versions={"Note.md": 7},
    )
    assert after["Note.md"] == "![](media/a%20b.png) ![[media/a b.png]]\n"


def test_a_broken_relative_link_in_a_moved_note_keeps_naming_its_place() -> None:
    after = moved(
        {"a/Note.md": "[later](../Later.md) [[./Soon]] [[Never]]\n"},
        ("a/Note.md", "a/b/Note.md"),
    )
    assert after["a/b/Note.md"] == "[later](../../Later.md) [[../Soon]] [[Never]]\n"


def test_a_note_moved_to_a_file_that_is_no_note_takes_no_edits() -> None:
    vault = in_memory({"a.md": "x\n", "b.md": "[[a]]\n"}, ROOT)
    assert move.file_moves(vault.index, [("a.md", "a.txt"), ("gone", "x")]) == {}
