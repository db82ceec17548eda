"""Diagnostics: pushed for open notes, pulled for closed ones, kept current when targets change."""

import asyncio

from lsprotocol import types

from tests.e2e.conftest import open_note, replace_text, units, uri


async def pushed(client, address, predicate, timeout=10.0):
    """The pushed diagnostics of ``address`` once ``predicate`` holds for them."""

    async def wait():
        while True:
            found = client.diagnostics.get(address)
            if found is not None and predicate(found):
                return found
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(wait(), timeout)


def summary(diagnostics):
    return sorted(
        (d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message)
        for d in diagnostics
    )


async def test_open_note_gets_every_problem_with_exact_ranges(client, vault_root):
    address = open_note(client, vault_root, "Beta.md")
    found = await pushed(client, address, lambda d: len(d) == 2)
    missing_at = units(client, "😀 — [[Alpha — notes#Section 😀]] and [[")
    alias_at = units(client, "See [[Alpha — notes#^para-1]] and [[")
    alias_message = (
        '"First letter" is an alias of "Alpha — notes" (Alpha — notes.md), and a link to an '
        "alias does not resolve; write [[Alpha — notes|First letter]]"
    )
    assert summary(found) == [
        (2, missing_at, missing_at + 12, "unresolved-link", 'No note named "Missing note"'),
        (3, alias_at, alias_at + 12, "alias-link", alias_message),
    ]
    assert {d.source for d in found} == {"vault-ls"}
    assert {d.severity for d in found} == {types.DiagnosticSeverity.Warning}


async def test_ambiguous_link_lists_every_candidate(client, vault_root):
    address = open_note(client, vault_root, "b/Same.md")
    found = await pushed(client, address, lambda d: len(d) == 1)
    assert found[0].code == "ambiguous-link"
    related = sorted(info.location.uri for info in found[0].related_information)
    assert related == [uri(vault_root, "a/Same.md"), uri(vault_root, "b/Same.md")]


async def test_editing_the_target_updates_the_linking_note(client, vault_root):
    beta = open_note(client, vault_root, "Beta.md")
    await pushed(client, beta, lambda d: any(x.code == "unresolved-link" for x in d))
    # 1. create the missing note in the editor
    missing = open_note(client, vault_root, "Missing note.md", "# Missing note\n")
    await pushed(client, beta, lambda d: not any(x.code == "unresolved-link" for x in d))
    # 2. a heading link to it breaks, then the heading is added
    beta_text = (vault_root / "Beta.md").read_text(encoding="utf-8") + "[[Missing note#Later]]\n"
    replace_text(client, beta, beta_text, 2)
    await pushed(client, beta, lambda d: any(x.code == "unresolved-heading" for x in d))
    replace_text(client, missing, "# Missing note\n\n## Later\n", 2)
    await pushed(client, beta, lambda d: not any(x.code == "unresolved-heading" for x in d))


async def test_files_created_renamed_and_deleted_on_disk(client, vault_root):
    asked: list[str] = []

    @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def leave_links(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
        asked.append(params.message)
        return types.MessageActionItem("Leave them")  # the links stay, so Beta's breaks

    beta = open_note(client, vault_root, "Beta.md")
    await pushed(client, beta, lambda d: any(x.code == "unresolved-link" for x in d))
    created = vault_root / "Missing note.md"
    created.write_text("# Missing note\n", encoding="utf-8")
    client.workspace_did_create_files(
        types.CreateFilesParams(files=[types.FileCreate(uri=created.as_uri())])
    )
    await pushed(client, beta, lambda d: not any(x.code == "unresolved-link" for x in d))
    renamed = vault_root / "Elsewhere.md"
    created.rename(renamed)
    client.workspace_did_rename_files(
        types.RenameFilesParams(
            files=[types.FileRename(old_uri=created.as_uri(), new_uri=renamed.as_uri())]
        )
    )
    await pushed(client, beta, lambda d: any(x.code == "unresolved-link" for x in d))
    assert asked == ["Update 1 link in 1 note?"]
    renamed.rename(created)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=renamed.as_uri(), type=types.FileChangeType.Deleted),
                types.FileEvent(uri=created.as_uri(), type=types.FileChangeType.Created),
            ]
        )
    )
    await pushed(client, beta, lambda d: not any(x.code == "unresolved-link" for x in d))


async def test_pull_diagnostics_for_closed_notes(client, vault_root):
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri(vault_root, "Beta.md")))
    )
    assert sorted(d.code for d in report.items) == ["alias-link", "unresolved-link"]
    everything = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    root = vault_root.as_uri() + "/"
    codes = {
        item.uri.removeprefix(root): sorted(d.code for d in item.items) for item in everything.items
    }
    assert codes == {
        "Alpha%20%E2%80%94%20notes.md": [],
        "Beta.md": ["alias-link", "unresolved-link"],
        "people/ruikurenaii.md": ["unresolved-link"],
        "a/Same.md": [],
        "b/Same.md": ["ambiguous-link"],
    }


async def test_severity_setting_applies_live(client, vault_root):
    beta = open_note(client, vault_root, "Beta.md")
    await pushed(client, beta, lambda d: len(d) == 2)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"vault-ls": {"severity": {"unresolved-link": "off", "alias-link": "error"}}}
        )
    )
    # Clients that pull configuration answer with their own (empty) settings; the others
    # push them with the notification, so only they see the change.
    if not client.capabilities.workspace or not client.capabilities.workspace.configuration:
        found = await pushed(client, beta, lambda d: len(d) == 1)
        assert (found[0].code, found[0].severity) == ("alias-link", types.DiagnosticSeverity.Error)


async def test_pushed_diagnostics_use_the_uri_the_client_opened(client, vault_root):
    # The file name has spaces and an em-dash: its URI is percent-encoded, and a client matches
    # diagnostics to documents by comparing URIs as strings.
    text = (vault_root / "Alpha — notes.md").read_text(encoding="utf-8") + "[[Nowhere]]\n"
    address = open_note(client, vault_root, "Alpha — notes.md", text)
    assert "%20" in address
    found = await pushed(client, address, lambda d: len(d) == 1)
    assert found[0].message == 'No note named "Nowhere"'


async def test_a_large_note_parsed_off_the_loop_gets_its_diagnostics(client, vault_root):
    # Over 50,000 characters the server parses in a thread; the diagnostics must still follow
    # each edit, the last one winning, and requests must be answered meanwhile.
    filler = "Plain words — café 日本 😀 without links.\n\n" * 1500
    text = filler + "End: [[Alpha — notes]]\n"
    address = open_note(client, vault_root, "Large.md", text)
    await pushed(client, address, lambda d: len(d) == 0)
    replace_text(client, address, filler + "End: [[Nowhere one]]\n", 2)
    replace_text(client, address, filler + "End: [[Nowhere two]]\n", 3)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=address))
    )
    assert symbols is not None
    found = await pushed(client, address, lambda d: len(d) == 1)
    line = filler.count("\n")
    assert summary(found) == [
        (line, 7, 18, "unresolved-link", 'No note named "Nowhere two"'),
    ]


async def test_a_large_note_edited_and_undone_keeps_its_own_diagnostics(client, vault_root):
    # Back to the text the index holds, nothing is parsed again; the parse the undone edit
    # started must not land after it.
    filler = "Plain words — café 日本 😀 without links.\n\n" * 1500
    original = filler + "End: [[Nowhere]]\n"
    address = open_note(client, vault_root, "Large.md", original)
    await pushed(client, address, lambda d: len(d) == 1)
    replace_text(client, address, filler + "End: [[Alpha — notes]]\n", 2)
    replace_text(client, address, original, 3)
    await asyncio.sleep(1.5)  # several debounces and parses of a note this size
    line = filler.count("\n")
    assert summary(client.diagnostics[address]) == [
        (line, 7, 14, "unresolved-link", 'No note named "Nowhere"'),
    ]


async def test_title_line_under_the_cover_image_conflicts_with_the_full_title(client, vault_root):
    # The note exactly: Readwise writes the cover and the title line in one paragraph.
    title_line = "[[What You Need to Know When Clients Dissociate — Part 2]]"
    full_title = "What You Need to Know When Clients Dissociate, Part 1"
    text = (
        "![rw-book-cover](https://example.org/cover.jpg)\n"
        f"{title_line}\n"
        "## Metadata\n"
        "- Author: [[Psychology Today]]\n"
        f"- Full Title: {full_title}\n"
        "- Category: #articles\n"
    )
    address = open_note(client, vault_root, f"Readwise/{full_title}.md", text)
    found = await pushed(client, address, lambda d: any(x.code == "title-conflict" for x in d))
    conflict = next(d for d in found if d.code == "title-conflict")
    assert conflict.range == types.Range(
        start=types.Position(line=1, character=0),
        end=types.Position(line=1, character=units(client, title_line)),
    )
    assert conflict.message == (
        'Title "What You Need to Know When Clients Dissociate — Part 2" (title line, line 2) '
        f'disagrees with "{full_title}" (Full Title, line 5)'
    )
    assert conflict.severity == types.DiagnosticSeverity.Warning
    assert [
        (info.location.uri, info.location.range, info.message)
        for info in conflict.related_information or []
    ] == [
        (
            address,
            types.Range(
                start=types.Position(line=4, character=units(client, "- Full Title: ")),
                end=types.Position(line=4, character=units(client, f"- Full Title: {full_title}")),
            ),
            f"Full Title: {full_title}",
        )
    ]
