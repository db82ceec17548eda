"""A document outside every workspace folder: the vault above it (a folder holding
``.obsidian/``) is added and indexed, else the note is served alone — never silence."""

import asyncio
from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import open_note, replace_text, units, write_vault

LOOSE = "Reading list — 2024.md"
LINKS = "- 中文 [[#Books 📚]] [[#Films]] [[#Songs]] [[#^first]] [[#^nope]] ![[cover.png]]"
LOOSE_TEXT = (
    "# Reading list — 😀\n"
    "\n"
    "## Books 📚\n"
    "- [[Deep Work]] by Cal ^first\n"
    f"{LINKS}\n"
    "\n"
    "## Films\n"
    "#to-read\n"
)
ALONE_WARNING = (
    "vault-ls: {path} is outside every workspace folder and no folder above it holds "
    ".obsidian/, so it is served alone: its headings, block ids, tags and links within the "
    "note work; links to other notes are not checked, completed or followed. Open the folder "
    "of its vault (or add .obsidian/ to it) for those."
)


def downloads(tmp_path: Path) -> Path:
    """A folder that is no vault: the loose note, a note it names and an image it embeds
    (neither may be found: the folder is never scanned)."""
    return write_vault(
        tmp_path / "Downloads",
        {LOOSE: LOOSE_TEXT, "Deep Work.md": "# Deep Work\n", "cover.png": "", "x/y.md": "# y\n"},
    )


async def pushed(client, address, predicate, timeout=10.0):
    async def wait():
        while True:
            found = client.diagnostics.get(address)
            if found is not None and predicate(found):
                return found
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(wait(), timeout)


def alone_warnings(client) -> list[str]:
    return [m.message for m in client.log_messages if "served alone" in m.message]


async def test_a_loose_note_gets_its_own_anchors_checked_and_no_broken_links(client, tmp_path):
    folder = downloads(tmp_path)
    address = open_note(client, folder, LOOSE)
    found = await pushed(client, address, lambda d: len(d) > 0)
    line = LINKS
    songs = units(client, line[: line.index("[[#Songs")])
    nope = units(client, line[: line.index("[[#^nope")])
    assert sorted(
        (d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message)
        for d in found
    ) == [
        (4, songs, songs + 10, "unresolved-heading", 'This note has no heading "Songs"'),
        (4, nope, nope + 10, "unresolved-block", "This note has no block ^nope"),
    ]
    assert alone_warnings(client) == [ALONE_WARNING.format(path=folder / LOOSE)]
    warning = next(m for m in client.log_messages if "served alone" in m.message)
    assert warning.type == types.MessageType.Warning


async def test_a_loose_note_answers_hover_symbols_and_completion_from_itself(client, tmp_path):
    folder = downloads(tmp_path)
    address = open_note(client, folder, LOOSE)
    document = types.TextDocumentIdentifier(address)

    hover = await client.text_document_hover_async(
        types.HoverParams(document, types.Position(3, units(client, "- [[Deep")))
    )
    assert hover is not None
    assert hover.contents.value == (
        "`Deep Work`: this note is outside every vault, so links to other notes are not "
        "followed. Open the folder of its vault (or add `.obsidian/` to it) to follow them."
    )
    tag = await client.text_document_hover_async(types.HoverParams(document, types.Position(7, 3)))
    assert tag is not None and tag.contents.value == "**#to-read**\n\nused in 1 note"

    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(document))
    assert [s.name for s in symbols] == ["Reading list — 😀"]
    assert [c.name for c in symbols[0].children] == ["Books 📚", "Films"]

    films = units(client, LINKS[: LINKS.index("[[#Films") + 4])
    definition = await client.text_document_definition_async(
        types.DefinitionParams(document, types.Position(4, films))
    )
    targets = definition if isinstance(definition, list) else [definition]
    starts = [getattr(t, "target_range", None) or t.range for t in targets]
    assert [(r.start.line, r.start.character) for r in starts] == [(6, 0)]

    # typed: a bare ``[[`` offers other notes only, and a note served alone has none
    replace_text(client, address, LOOSE_TEXT + "[[Read", 2)
    completion = await client.text_document_completion_async(
        types.CompletionParams(document, types.Position(8, 6))
    )
    labels = [item.label for item in (completion.items if completion else [])]
    assert "Deep Work" not in labels  # the folder was never scanned
    assert labels == ["Reading list — 😀"]  # itself, by its title
    assert len(alone_warnings(client)) == 1  # once, not per request or edit


async def test_a_note_under_an_obsidian_folder_adds_that_vault(client, tmp_path):
    other = write_vault(
        tmp_path / "Other vault",
        {
            ".obsidian/app.json": "{}",
            "Note — ü.md": "# Note — ü\n\n[[Friend 😀]] and [[Missing]].\n",
            "sub/Friend 😀.md": "# Friend 😀\n",
        },
    )
    address = open_note(client, other, "Note — ü.md")
    found = await pushed(client, address, lambda d: len(d) > 0)
    assert [(d.range.start.line, d.code, d.message) for d in found] == [
        (2, "unresolved-link", 'No note named "Missing"')
    ]
    added = [m.message for m in client.log_messages if "outside the workspace" in m.message]
    assert added == [
        f"vault-ls: {other / 'Note — ü.md'} is outside the workspace folders; indexing the "
        f"vault that holds it, {other} (it has .obsidian/)"
    ]
    assert alone_warnings(client) == []
    # indexed with progress like the workspace's: a second begin … end, counting both vaults
    ends = [v.message for vs in client.progress_reports.values() for v in vs if v.kind == "end"]
    assert ends == ["Indexed 5 notes", "Indexed 7 notes"]
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(address), types.Position(2, 3))
    )
    assert hover is not None and "Friend 😀" in hover.contents.value
