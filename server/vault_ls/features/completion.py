"""Completion after ``[[``/``![[`` (notes, headings, blocks, attachments), ``](`` (paths),
``#`` (tags) and in a frontmatter ``tags:`` list.

Ranking happens here (fuzzy, capped, ``isIncomplete``) so huge vaults stay fast; ``sortText``
keeps our order, and ``filterText`` holds what the query matched so that the editor's own
filtering, while the user types on, keeps the items we ranked.
"""

from __future__ import annotations

import heapq
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from lsprotocol import types

from vault_ls.features import fuzzy
from vault_ls.features.convert import Encoder
from vault_ls.features.likely_notes import likely_notes
from vault_ls.features.note_search import NoteEntry, entries_of, file_table_for, table_for
from vault_ls.features.preview import note_body, note_summary, notes_count
from vault_ls.vault.model import Link, Note
from vault_ls.vault.names import heading_link_text, path_suffixes, without_note_suffix
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.snapshot import Snapshot

DEFAULT_LIMIT = 50
MARKDOWN_DESTINATION = re.compile(r"\]\(([^()\s]*)$")
TAG_BEFORE = re.compile(r"(?:^|\s)#([^\s#]*)$")


@dataclass
class Candidate:
    label: str
    insert: str | Callable[[], str]  # replaces the typed text (a function: computed if shown)
    score: float
    detail: str
    kind: types.CompletionItemKind
    path: str | None = None  # the note, for the resolve step
    # What the editor filters on while the user keeps typing (default: the label). It must
    # hold what the query matched, or the editor hides items the server ranked.
    searched: str | None = None
    where: str | None = None  # shown beside every row (``labelDetails``): the note's file


@dataclass
class Context:
    """Where the typed text stands and what may follow it."""

    start: int  # column where the replaced text starts
    end: int  # column where it ends (the cursor, or up to a ``|``/``#``/``]]`` after it)
    query: str
    close: str  # what to append after the insertion (``]]`` when the link is not closed yet)


def complete(
    vault: Snapshot,
    path: str,
    pos: Position,
    encoder: Encoder,
    limit: int = DEFAULT_LIMIT,
    style: str = "shortest",
    label_details: bool = True,
) -> types.CompletionList | None:
    """``label_details``: the client shows ``labelDetails`` (LSP 3.17)."""
    lines = encoder.lines(path)
    if pos.line >= len(lines):
        return None
    line = lines[pos.line]
    before, after = line[: pos.character], line[pos.character :]
    note = vault.index.notes.get(path)
    found = _wiki(vault, note, path, before, after, style, limit)
    if found is None:
        found = _markdown_destination(vault, path, before, after, limit)
    if found is None:
        found = _tags(vault, note, pos, before)
    if found is None:
        return None
    context, candidates = found
    return _as_list(encoder, path, pos.line, context, candidates, limit, label_details)


def _as_list(
    encoder: Encoder,
    path: str,
    line: int,
    context: Context,
    candidates: Iterable[Candidate],
    limit: int,
    label_details: bool,
) -> types.CompletionList:
    found = list(candidates)
    ranked = heapq.nsmallest(
        limit, found, key=lambda c: (-c.score, len(c.label), c.label.casefold())
    )
    root = encoder.vault.root.as_uri()
    edit_range = encoder.range(
        path, Range(Position(line, context.start), Position(line, context.end))
    )
    items = [
        types.CompletionItem(
            label=candidate.label,
            label_details=(
                types.CompletionItemLabelDetails(description=candidate.where)
                if label_details and candidate.where
                else None
            ),
            kind=candidate.kind,
            detail=candidate.detail,
            sort_text=f"{rank:05d}",
            filter_text=candidate.searched or candidate.label,
            text_edit=types.TextEdit(edit_range, _text(candidate.insert) + context.close),
            # the vault by its root: resolve never guesses which vault's note this is
            data={"vault": root, "path": candidate.path} if candidate.path else None,
        )
        for rank, candidate in enumerate(ranked)
    ]
    return types.CompletionList(is_incomplete=len(found) > limit, items=items)


def _text(insert: str | Callable[[], str]) -> str:
    return insert() if callable(insert) else insert


# --- wikilinks -------------------------------------------------------------------------------


def _wiki(
    vault: Snapshot,
    note: Note | None,
    path: str,
    before: str,
    after: str,
    style: str,
    limit: int = DEFAULT_LIMIT,
) -> tuple[Context, list[Candidate]] | None:
    opening = before.rfind("[[")
    if opening < 0 or "]]" in before[opening:]:
        return None
    typed = before[opening + 2 :]
    if "|" in typed:
        return None  # display text: nothing to complete
    embed = opening > 0 and before[opening - 1] == "!"
    start = opening + 2
    closing = after.find("]]")
    tail = after[:closing] if closing >= 0 and "[[" not in after[:closing] else None

    def context(from_column: int, query: str, stops: str) -> Context:
        if tail is None:
            # A lone ``]`` (an editor's auto-closed bracket) is replaced, not left dangling.
            lone = 1 if after.startswith("]") else 0
            return Context(from_column, len(before) + lone, query, "]]")
        cut = min((tail.find(ch) for ch in stops if ch in tail), default=len(tail))
        return Context(from_column, len(before) + cut, query, "")

    if typed.startswith("##"):
        return context(start, typed, "|"), _vault_headings(vault, typed[2:])
    if typed.startswith("^^"):
        return context(start, typed, "|"), _vault_blocks(vault, typed[2:])
    if "#" in typed:
        target_text, anchor = typed.split("#", 1)
        target = note if not target_text else _note_named(vault, target_text, path)
        if target is None:
            return None
        anchor_start = start + len(target_text) + 1
        if anchor.startswith("^"):
            return context(anchor_start + 1, anchor[1:], "|"), _blocks(target, anchor[1:])
        query = anchor.rsplit("#", 1)[-1]
        return context(anchor_start, anchor, "|"), _headings(target, query)
    if typed:
        candidates = _notes(vault, typed, style, limit)
    else:
        candidates = _likely_notes(vault, path, style, limit)
    if embed:
        candidates += _attachments(vault, typed)
    return context(start, typed, "|#"), candidates


def _note_named(vault: Snapshot, target: str, source: str) -> Note | None:
    probe = Link("wiki", False, target, (), None, None, Range.of(0, 0, 0, 0), Range.of(0, 0, 0, 0))
    resolved = vault.index.resolve(probe, source).path
    return vault.index.notes.get(resolved) if resolved else None


def shortest_reference(vault: Snapshot, path: str, is_note: bool = True) -> str:
    """The shortest path suffix that names ``path`` alone: ``Name``, else ``folder/Name``."""
    stem = without_note_suffix(path) if is_note else path
    for suffix in path_suffixes(stem):
        key = suffix.lower()
        owners = vault.index.notes_named(key) if is_note else vault.index.attachments_named(key)
        if len(owners) <= 1:
            return suffix
    return stem


def link_reference(vault: Snapshot, note: Note, style: str) -> str:
    if style == "path":
        return without_note_suffix(note.path)
    if style == "name":
        return note.name
    return shortest_reference(vault, note.path)


def _notes(
    vault: Snapshot, query: str, style: str = "shortest", limit: int = DEFAULT_LIMIT
) -> list[Candidate]:
    """One item per note, labelled with its title, and one per matching alias (as Obsidian's
    suggester does). Only the best ``limit + 1`` become items (one more than shown tells
    the caller the list is incomplete); their link texts are worked out last."""
    ranked, _ = table_for(vault.index).best(query, limit + 1)
    return [
        _note_candidate(vault, entry, points, style)
        for points, entry in ranked
        if entry.path in vault.index.notes
    ]


def _likely_notes(
    vault: Snapshot, path: str, style: str = "shortest", limit: int = DEFAULT_LIMIT
) -> list[Candidate]:
    """A bare ``[[``: one item per note (not the note being written), the ones the user most
    likely wants first (``likely_notes``)."""
    index = vault.index
    chosen = [index.notes[each] for each in likely_notes(index, path, vault.recent, limit + 1)]
    shared = table_for(index).shared
    return [
        _note_candidate(vault, entries_of(note, shared)[0], float(limit + 1 - rank), style)
        for rank, note in enumerate(chosen)
    ]


def _note_candidate(vault: Snapshot, entry: NoteEntry, points: float, style: str) -> Candidate:
    note = vault.index.notes[entry.path]
    insert = _link_text(vault, note, style, entry.display)
    kind = types.CompletionItemKind.File
    where = without_note_suffix(entry.path)
    return Candidate(
        entry.label, insert, points, entry.detail, kind, entry.path, entry.searched, where
    )


def _link_text(vault: Snapshot, note: Note, style: str, display: str | None) -> Callable[[], str]:
    def text() -> str:
        reference = link_reference(vault, note, style)
        return f"{reference}|{display}" if display else reference

    return text


def _attachments(vault: Snapshot, query: str) -> list[Candidate]:
    found = []
    for path in vault.index.attachments:
        name = path.rsplit("/", 1)[-1]
        points = fuzzy.score(query, name)
        if points is not None:
            folder = path.rsplit("/", 1)[0] if "/" in path else "(vault root)"
            reference = shortest_reference(vault, path, is_note=False)
            kind = types.CompletionItemKind.File
            found.append(Candidate(name, reference, points - 1, folder, kind))
    return found


def _headings(note: Note, query: str) -> list[Candidate]:
    """The note's headings as Obsidian writes them in a link (``heading_link_text``)."""
    found = []
    texts = [heading_link_text(heading.text) for heading in note.headings]
    for heading, text in zip(note.headings, texts, strict=True):
        points = fuzzy.score(query, text)
        if points is None:
            continue
        insert = text
        if texts.count(text) > 1 and heading.parent is not None:
            insert = f"{texts[heading.parent]}#{text}"
        detail = f"H{heading.level} in {note.name}"
        kind = types.CompletionItemKind.Reference
        found.append(Candidate(text, insert, points, detail, kind))
    return found


def _blocks(note: Note, query: str) -> list[Candidate]:
    found = []
    for block in note.blocks:
        points = fuzzy.score(query, block.id + " " + block.text)
        if points is not None:
            kind = types.CompletionItemKind.Reference
            searched = f"{block.id} {block.text}"
            found.append(
                Candidate(f"^{block.id}", block.id, points, block.text[:80], kind, None, searched)
            )
    return found


def _vault_headings(vault: Snapshot, query: str) -> list[Candidate]:
    found = []
    for note in vault.index:
        reference = None
        for heading in note.headings:
            text = heading_link_text(heading.text)
            points = fuzzy.score(query, text)
            if points is None:
                continue
            reference = reference or shortest_reference(vault, note.path)
            found.append(
                Candidate(
                    text,
                    f"{reference}#{text}",
                    points,
                    note.path,
                    types.CompletionItemKind.Reference,
                    note.path,
                    f"##{text}",  # the replaced text starts with the typed ``##``
                )
            )
    return found


def _vault_blocks(vault: Snapshot, query: str) -> list[Candidate]:
    found = []
    for note in vault.index:
        for block in note.blocks:
            points = fuzzy.score(query, block.text or block.id)
            if points is None:
                continue
            reference = shortest_reference(vault, note.path)
            found.append(
                Candidate(
                    block.text[:80] or f"^{block.id}",
                    f"{reference}#^{block.id}",
                    points,
                    f"{note.path} ^{block.id}",
                    types.CompletionItemKind.Reference,
                    note.path,
                    f"^^{block.text or block.id}",
                )
            )
    return found


# --- markdown link destinations --------------------------------------------------------------


def _relative_link(target: str, folder: str) -> str:
    return quote(posixpath.relpath(target, folder or "."), safe="/")


def _markdown_destination(
    vault: Snapshot, path: str, before: str, after: str, limit: int = DEFAULT_LIMIT
) -> tuple[Context, list[Candidate]] | None:
    found = MARKDOWN_DESTINATION.search(before)
    if found is None:
        return None
    typed = found.group(1)
    folder = posixpath.dirname(path)
    end = len(before) + next((i for i, ch in enumerate(after) if ch in ")# \t"), len(after))
    # Typed text without a folder is matched against file names (a table kept between
    # requests), and relative paths are worked out only for the best.
    if "/" not in typed:
        ranked = file_table_for(vault.index).best(typed, limit + 1, skip=path)
    else:
        wanted = typed.casefold()
        scored = []
        for target in [*(note.path for note in vault.index), *vault.index.attachments]:
            key = _relative_link(target, folder).casefold()
            points = fuzzy.score_folded(wanted, key)
            if points is not None and target != path:
                scored.append((-points, len(target), target))
        ranked = [(-negative, target) for negative, _, target in heapq.nsmallest(limit + 1, scored)]
    candidates = []
    for points, target in ranked:
        relative = _relative_link(target, folder)
        kind = types.CompletionItemKind.File
        candidates.append(Candidate(relative, relative, points, target, kind))
    return Context(found.start(1), end, typed, ""), candidates


# --- tags ------------------------------------------------------------------------------------


def _tags(
    vault: Snapshot, note: Note | None, pos: Position, before: str
) -> tuple[Context, list[Candidate]] | None:
    in_frontmatter = bool(note and note.frontmatter_range and note.frontmatter_range.contains(pos))
    if in_frontmatter:
        found = re.search(r"([^\s,\[\]'\"#-][^\s,\[\]'\"]*|)$", before)
        if found is None or not _in_tags_property(note, pos, before):
            return None
        query, start = found.group(1), found.start(1)
    else:
        match = TAG_BEFORE.search(before)  # ``# Heading`` has a space after ``#``: no match
        if match is None:
            return None
        query, start = match.group(1), match.start(1)
    candidates = []
    for name, count in vault.index.tags().items():
        points = fuzzy.score(query, name)
        if points is not None and name != query:
            detail = notes_count(count)
            candidates.append(
                Candidate(name, name, points, detail, types.CompletionItemKind.Keyword)
            )
    return Context(start, len(before), query, ""), candidates


def _in_tags_property(note: Note | None, pos: Position, before: str) -> bool:
    if note is None:
        return False
    if re.match(r"^tags?\s*:", before):
        return True
    # a ``  - name`` item: the nearest key above must be ``tags``
    return bool(re.match(r"^\s*-\s", before)) and _key_above(note, pos) in ("tags", "tag")


def _key_above(note: Note, pos: Position) -> str | None:
    for item in reversed(note.fields):
        if item.source == "frontmatter" and item.range and item.range.start.line <= pos.line:
            return item.key.casefold()
    return None


# --- resolve ---------------------------------------------------------------------------------


def resolve_item(
    vault: Snapshot, item: types.CompletionItem, markdown: bool = True
) -> types.CompletionItem:
    """Add a preview of the note: its metadata and first lines (Markdown, or the same text as
    plain text for a client that cannot render Markdown there)."""
    data = item.data if isinstance(item.data, dict) else {}
    note = vault.index.notes.get(str(data.get("path", "")))
    if note is not None:
        text = note_summary(vault, note)
        body = note_body(vault, note)
        if body:
            text += "\n\n---\n\n" + body
        kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
        item.documentation = types.MarkupContent(kind, text)
    return item
