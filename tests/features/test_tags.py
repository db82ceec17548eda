"""Tags are one tag whatever their case (``#Project`` is ``#project``, ``#ÉTÉ`` is ``#été``):
completion, hover, references and workspace symbols count them together and show the spelling
most notes use (ties: code point order, so ``Project`` before ``project``)."""

from pathlib import Path

import pytest
from lsprotocol import types

from vault_ls.features.completion import complete
from vault_ls.features.convert import Encoder
from vault_ls.features.hover import hover
from vault_ls.features.preview import note_summary
from vault_ls.features.references import references
from vault_ls.features.symbols import workspace_symbols
from vault_ls.vault.positions import Position
from vault_ls.vault.workspace import Vault

NOTES = {
    "a.md": "# A — tags\n\nWork 😀 on #Project and #Café\n",
    "b.md": "Also 😀 #project here.\n#ÉTÉ — #café\n",
    "c.md": "---\ntags: [été]\n---\nSummer\n",
    "d.md": "#été again\n",
}


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    for relative, text in NOTES.items():
        (tmp_path / relative).write_text(text, encoding="utf-8")
    loaded = Vault(tmp_path, use_cache=False)
    loaded.load()
    return loaded


def completions(vault: Vault, line: str) -> list[tuple[str, str | None, int, int, str]]:
    vault.set_text("Scratch.md", line)
    result = complete(vault, "Scratch.md", Position(0, len(line)), Encoder(vault))
    assert result is not None
    return [
        (
            item.label,
            item.detail,
            item.text_edit.range.start.character,
            item.text_edit.range.end.character,
            item.text_edit.new_text,
        )
        for item in result.items
        if isinstance(item.text_edit, types.TextEdit)
    ]


def hover_text(vault: Vault, path: str, line: int, character: int) -> str:
    found = hover(vault, path, Position(line, character), Encoder(vault))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    return found.contents.value


def test_completion_offers_one_tag_with_every_note_counted(vault: Vault) -> None:
    assert completions(vault, "x #pro") == [("Project", "2 notes", 3, 6, "Project")]
    assert completions(vault, "😀 #caf") == [
        ("Café", "2 notes", 4, 7, "Café")
    ]  # 😀 is 2 UTF-16 units


def test_completion_shows_the_spelling_most_notes_use(vault: Vault) -> None:
    # ``#ÉTÉ`` in b.md, ``été`` in c.md's frontmatter and in d.md
    assert completions(vault, "#ét") == [("été", "3 notes", 1, 3, "été")]


def test_hover_counts_every_spelling_and_names_them(vault: Vault) -> None:
    text = hover_text(vault, "b.md", 0, len("Also 😀 #pro"))
    assert text == (
        "**#Project**\n\nused in 2 notes\n\nwritten #Project in 1 note, #project in 1 note"
    )
    frontmatter = hover_text(vault, "c.md", 1, len("tags: [ét"))
    assert frontmatter == "**#été**\n\nused in 3 notes\n\nwritten #été in 2 notes, #ÉTÉ in 1 note"
    assert hover_text(vault, "b.md", 1, 1) == frontmatter


def test_references_list_every_spelling_with_exact_ranges(vault: Vault) -> None:
    found = references(vault, "b.md", Position(0, len("Also 😀 #pr")), Encoder(vault))
    assert found is not None
    # UTF-16 columns: 😀 counts 2
    assert [
        (
            where.uri.rsplit("/", 1)[-1],
            where.range.start.line,
            where.range.start.character,
            where.range.end.character,
        )
        for where in found
    ] == [("a.md", 2, 11, 19), ("b.md", 0, 8, 16)]
    summer = references(vault, "d.md", Position(0, 2), Encoder(vault, "utf-8"))
    assert summer is not None
    assert [
        (
            where.uri.rsplit("/", 1)[-1],
            where.range.start.line,
            where.range.start.character,
            where.range.end.character,
        )
        for where in summer
    ] == [("b.md", 1, 0, 6), ("c.md", 1, 7, 12), ("d.md", 0, 0, 6)]


def test_workspace_symbols_hold_one_symbol_per_tag(vault: Vault) -> None:
    found = workspace_symbols(vault, "#ét", Encoder(vault))
    assert [
        (s.name, s.location.uri.rsplit("/", 1)[-1], s.location.range.start.line)
        for s in found
        if s.kind == types.SymbolKind.Key
    ] == [("#été", "b.md", 1)]


def test_a_note_preview_lists_a_tag_once(vault: Vault) -> None:
    note = vault.set_text("both.md", "#Project, then #project\n")
    assert "Tags: #Project\n" in note_summary(vault, note)
