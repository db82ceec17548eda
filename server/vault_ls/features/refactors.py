"""Refactors (code actions of kind ``refactor.*``): extract a selection to a new note, link an
unlinked mention, convert a link between its wikilink and markdown forms.

Each is computed from the text the editor shows, and its edit comes from ``edits`` (the open
document's version; a new note is a ``CreateFile`` that never overwrites). A converted link is
parsed again and must reach the same file, heading and block as before, else none is offered.
A mention is found by the rules of the unlinked-mentions panel (``mentions``): a note's name,
title or alias, case-insensitive, word-bounded, never in code, links, URLs, tags or frontmatter.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping, Sequence

from lsprotocol import types

from vault_ls.features import mentions
from vault_ls.features.convert import Encoder
from vault_ls.features.derived import derived
from vault_ls.features.edits import OpenDocument, Replacement, file_creation, workspace_edit
from vault_ls.features.link_forms import encode_markdown
from vault_ls.features.lookup import link_at
from vault_ls.features.rename import LINK_BREAKING, RenameRefused, checked_name
from vault_ls.features.wire import json_range
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import NOTE_SUFFIX, Heading, Link, Note
from vault_ls.vault.names import (
    FILENAME_FORBIDDEN,
    heading_key,
    heading_link_text,
    name_key,
    path_suffixes,
    shown_text,
    without_note_suffix,
)
from vault_ls.vault.parse import parse_note
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.resolve import link_heading_position
from vault_ls.vault.slugs import plain_text
from vault_ls.vault.snapshot import Snapshot

EXTRACT = types.CodeActionKind.RefactorExtract
REWRITE = types.CodeActionKind.RefactorRewrite
KINDS = [EXTRACT, REWRITE]
EXTRACT_COMMAND = "vault-ls.extractNote"  # arguments: [{uri, range, name}]
MENTION_ACTIONS = 3  # notes offered for one mention at most
LONGEST_NAME = 120  # characters of a new note's name taken from a heading or a line
BOM = "\ufeff"
LINE_BREAK = re.compile(r"\r\n|\n|\r")
SPLIT_LINES = re.compile(r"(\r\n|\n|\r)")
# an ATX heading's marks, after any indentation and block quote markers
ATX = re.compile(r"^([ \t]*(?:>[ \t]?)*[ \t]*)(#{1,6})(?=[ \t]|$)")
# a table's delimiter row (``|---|:--:|``); ``|`` is required, so ``---`` stays a break
DELIMITER_ROW = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
LIST_OR_QUOTE = re.compile(r"^[ \t]*(?:(?:[-*+>]|\d+[.)]|#{1,6})[ \t]+)*")
NOWHERE = Range.of(0, 0, 0, 0)


class RefactorRefused(Exception):
    """The refactor cannot be done as asked; the message says why, for the user."""


def actions(
    vault: Snapshot,
    path: str,
    where: Range,
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
    only: Sequence[str] | None = None,
    creates_files: bool = True,
) -> list[types.CodeAction]:
    """The refactors offered for ``where`` (the selection, code points) in note ``path``;
    ``only``: the kinds the client asks for; ``creates_files``: it accepts ``CreateFile``."""
    note = vault.index.notes.get(path)
    if note is None:
        return []
    found: list[types.CodeAction] = []
    if _wanted(REWRITE, only):
        found += _conversions(vault, path, note, where, encoder, documents)
        found += _mention_links(vault, path, note, where, encoder, documents)
    if _wanted(EXTRACT, only) and not vault.alone:
        found += _extractions(vault, path, note, where, encoder, documents, creates_files)
    return found


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    return only is None or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def _uri(encoder: Encoder, documents: Mapping[str, OpenDocument], path: str) -> str:
    document = documents.get(path)
    return document.uri if document else encoder.uri(path)


def _edit(
    encoder: Encoder,
    replacements: list[Replacement],
    documents: Mapping[str, OpenDocument],
    label: str,
) -> types.WorkspaceEdit:
    return workspace_edit(encoder, replacements, [], documents, label, label, False)


def _in_table(lines: list[str], number: int) -> bool:
    """Whether line ``number`` is a row of a table (its header or a row below the delimiter):
    a wikilink's ``|`` is written ``\\|`` there."""
    first = number
    while first > 0 and lines[first - 1].strip():
        first -= 1
    last = number
    while last + 1 < len(lines) and lines[last + 1].strip():
        last += 1
    for row in range(first + 1, last + 1):
        if "|" in lines[row] and "|" in lines[row - 1] and DELIMITER_ROW.match(lines[row]):
            return row - 1 <= number and row != number
    return False


# --- convert between [[wikilink]] and [markdown](link.md) ------------------------------------


def _conversions(
    vault: Snapshot,
    path: str,
    note: Note,
    where: Range,
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
) -> list[types.CodeAction]:
    link = link_at(note, where.start)
    if link is None or link.in_frontmatter or link.range[0] != link.range[2]:
        return []
    in_table = _in_table(encoder.lines(path), link.range[0])
    if link.kind == "wiki":
        candidates = as_markdown(vault, path, link, in_table)
        title = "Convert to a markdown link"
    else:
        candidates = as_wikilink(vault, path, link, in_table)
        title = "Convert to a wikilink"
    text = next(
        (text for text in candidates if reaches_alike(vault, path, link, text, in_table)), None
    )
    if text is None:
        return []
    edit = _edit(encoder, [Replacement(path, link.range, text)], documents, title)
    return [types.CodeAction(title=f"{title}: {text}", kind=REWRITE, edit=edit)]


def as_markdown(vault: Snapshot, path: str, link: Link, in_table: bool) -> list[str]:
    """A wikilink written as markdown links, the best first: the path relative to the note
    (spaces as ``%20``), a heading as its GitHub slug (else its text), ``|display`` as the
    link text, an embed as an image."""
    reached = vault.index.resolve(link, path).path
    if not link.target:
        destination = ""
    elif reached is not None:
        destination = posixpath.relpath(reached, posixpath.dirname(path) or ".")
    else:
        destination = link.target if _has_suffix(link.target) else link.target + NOTE_SUFFIX
    destination = encode_markdown(destination, angle=False)
    if link.display is not None:
        label = link.display
    elif link.embed:
        label = ""
    else:
        label = _shown(link.target, link.headings, link.block)
    label = re.sub(r"([\[\]])", r"\\\1", label)
    if in_table:
        label = label.replace("|", "\\|")
    opener = "![" if link.embed else "["
    return [
        f"{opener}{label}]({destination}{anchor})"
        for anchor in _markdown_anchors(vault, reached, link)
    ]


def _has_suffix(target: str) -> bool:
    """Whether the last name carries a file suffix (``doc.pdf``, ``Note.md``; not ``v2.0``)."""
    last = target.rsplit("/", 1)[-1]
    found = re.search(r"\.([A-Za-z0-9]{1,5})$", last)
    return found is not None and not found.group(1).isdigit()


def _markdown_anchors(vault: Snapshot, reached: str | None, link: Link) -> list[str]:
    if link.block is not None:
        return [f"#^{link.block}"]
    if not link.headings:
        return [""]
    forms = []
    target = vault.index.notes.get(reached) if reached else None
    if target is not None:
        position = link_heading_position(target, link)
        if position is not None and target.slugs()[position]:
            forms.append("#" + encode_markdown(target.slugs()[position], angle=False))
    forms.append("".join("#" + encode_markdown(part, angle=False) for part in link.headings))
    return forms


def as_wikilink(vault: Snapshot, path: str, link: Link, in_table: bool) -> list[str]:
    """A markdown link written as wikilinks, the best first: the shortest name that reaches
    the same file, a heading as Obsidian writes it, the link text as ``|display`` unless it is
    what the wikilink shows anyway (table cells: ``\\|``)."""
    reached = vault.index.resolve(link, path).path
    if not link.target:
        inside = ""
    elif reached is not None:
        inside = wiki_target(vault.index, path, reached)
    else:
        inside = without_note_suffix(link.target)
    label = re.sub(r"\\([\[\]])", r"\1", link.display or "")
    if any(ch in inside for ch in "|#^[]") or "[[" in label or "]]" in label or "\n" in label:
        return []
    if in_table and "|" in label:
        return []
    separator = "\\|" if in_table else "|"
    found = []
    for headings, block in _wiki_anchors(vault, reached, link):
        anchor = "".join(f"#{part}" for part in headings) + (f"#^{block}" if block else "")
        shown = "" if link.embed else _shown(inside, headings, block)
        display = f"{separator}{label}" if label and label != shown else ""
        found.append(f"{'!' if link.embed else ''}[[{inside}{anchor}{display}]]")
    return found


def _wiki_anchors(
    vault: Snapshot, reached: str | None, link: Link
) -> list[tuple[tuple[str, ...], str | None]]:
    if link.block is not None:
        return [((), link.block)]
    if not link.headings:
        return [((), None)]
    forms: list[tuple[tuple[str, ...], str | None]] = []
    target = vault.index.notes.get(reached) if reached else None
    if target is not None:
        position = link_heading_position(target, link)
        text = heading_link_text(target.headings[position].text) if position is not None else ""
        if text:
            forms.append(((text,), None))
    forms.append((link.headings, None))
    return forms


def _shown(target: str, headings: Sequence[str], block: str | None) -> str:
    """What Obsidian shows for a wikilink without display text: ``Note > Heading``."""
    parts = ([target] if target else []) + list(headings) + ([f"^{block}"] if block else [])
    return " > ".join(parts)


def wiki_target(index: VaultIndex, source: str, reached: str) -> str:
    """The shortest wikilink target that reaches ``reached`` from ``source`` unambiguously: its
    name, else a longer path (a note without ``.md``, an attachment with its suffix)."""
    base = without_note_suffix(reached) if reached in index.notes else reached
    for suffix in path_suffixes(base):
        probe = Link("wiki", False, suffix, (), None, None, NOWHERE, NOWHERE)
        found = index.resolve(probe, source)
        if found.path == reached and not found.ambiguous:
            return suffix
    return base


def reaches_alike(vault: Snapshot, path: str, link: Link, text: str, in_table: bool) -> bool:
    """Whether ``text``, parsed where ``link`` stands, is one link of the other kind reaching
    the same file, heading and block from ``path``."""
    shell = f"| x |\n| - |\n| {text} |\n" if in_table else f"{text}\n"
    parsed = parse_note(path, shell).links
    if len(parsed) != 1:
        return False
    new = parsed[0]
    if new.kind == link.kind or new.embed != link.embed:
        return False
    before, after = vault.index.resolve(link, path).path, vault.index.resolve(new, path).path
    if before != after or (link.block or "").lower() != (new.block or "").lower():
        return False
    if (link.block is None) != (new.block is None):
        return False
    target = vault.index.notes.get(before) if before else None
    if target is not None and link.headings:
        position = link_heading_position(target, link)
        if position is not None:
            return link_heading_position(target, new) == position
    return [heading_key(h) for h in link.headings] == [heading_key(h) for h in new.headings]


# --- link an unlinked mention ---------------------------------------------------------------


class NameTable:
    """The notes by the first word of each of their names (``mentions.names_of``): the names a
    word at the cursor may begin. Follows the index path by path (``derived``)."""

    def __init__(self, index: VaultIndex) -> None:
        self.by_word: dict[str, list[tuple[str, str]]] = {}  # word -> (name, note path)
        self._words: dict[str, list[str]] = {}  # note path -> the words it is filed under
        for path in index.notes:
            self.set(index, path)

    def set(self, index: VaultIndex, path: str) -> None:
        self._forget(path)
        note = index.notes.get(path)
        if note is None:
            return
        for name in mentions.names_of(note):
            words = mentions.tokens_of(name)
            if words:
                self.by_word.setdefault(words[0], []).append((name, path))
                self._words.setdefault(path, []).append(words[0])

    def _forget(self, path: str) -> None:
        for word in self._words.pop(path, []):
            kept = [entry for entry in self.by_word.get(word, []) if entry[1] != path]
            if kept:
                self.by_word[word] = kept
            else:
                self.by_word.pop(word, None)


def _name_table(index: VaultIndex) -> NameTable:
    return NameTable(index)


def _follow_names(table: NameTable, index: VaultIndex, changed: Sequence[str]) -> None:
    for path in changed:
        table.set(index, path)


BOUNDED = re.compile(mentions.BOUNDED_WORD)  # a character a name may not run on into


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as the mentions panel matches it: its words with any spaces between, case
    ignored (the boundaries are ``_bounded``'s: compiled into each name, with case ignored,
    the character class costs ~25 ms a name)."""
    return re.compile(r"\s+".join(re.escape(word) for word in name.split()), re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _words_of(name: str) -> list[str]:
    return [token.casefold() for token in mentions.TOKEN.findall(name)]


def _bounded(name: str, line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]``, a match of ``name``, is not inside a longer word."""
    if start > 0 and BOUNDED.match(name) and BOUNDED.match(line, start - 1):
        return False
    return not (end < len(line) and BOUNDED.match(name[-1]) and BOUNDED.match(line, end))


def _mention_links(
    vault: Snapshot,
    path: str,
    note: Note,
    where: Range,
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
) -> list[types.CodeAction]:
    number = where[0]
    lines = encoder.lines(path)
    if where[2] != number or number >= len(lines) or not _in_prose(note, lines, number):
        return []
    line = lines[number]
    found = _mentions_at(vault.index, path, note, line, number, where[1], where[3])
    in_table = _in_table(lines, number)
    separator = "\\|" if in_table else "|"
    offered = []
    for start, end, target in found[:MENTION_ACTIONS]:
        written = line[start:end]
        name = wiki_target(vault.index, path, target)
        text = f"[[{name}]]" if written == name else f"[[{name}{separator}{written}]]"
        title = f'Link "{written}" to [[{name}]]'
        edit = _edit(
            encoder,
            [Replacement(path, Range.of(number, start, number, end), text)],
            documents,
            title,
        )
        offered.append(types.CodeAction(title=title, kind=REWRITE, edit=edit))
    return offered


def _mentions_at(
    index: VaultIndex, path: str, note: Note, line: str, number: int, start: int, end: int
) -> list[tuple[int, int, str]]:
    """The mentions of other notes on ``line`` that hold the columns ``start``..``end``,
    (start, end, note path), the longest first and one per note."""
    hidden = [match.span() for match in mentions.NOT_PROSE.finditer(line)]
    hidden += [(tag.range[1], tag.range[3]) for tag in note.tags if tag.range[0] == number]
    for link in note.links:
        if link.range[0] <= number <= link.range[2]:
            begin = link.range[1] if link.range[0] == number else 0
            hidden.append((begin, link.range[3] if link.range[2] == number else len(line)))
    table = derived(index, _name_table, _follow_names)
    found: list[tuple[int, int, str, str]] = []
    tokens = list(mentions.TOKEN.finditer(line))
    words = [token.group().casefold() for token in tokens]
    for number, token in enumerate(tokens):
        if token.start() > end:
            break
        for name, target in table.by_word.get(words[number], ()):
            wanted = _words_of(name)
            if target == path or words[number : number + len(wanted)] != wanted:
                continue  # the words differ: no need to compile the name's pattern
            lead = mentions.TOKEN.search(name)
            at = token.start() - (lead.start() if lead else 0)
            matched = _name_pattern(name).match(line, at) if at >= 0 else None
            if matched is None:
                continue
            begin, stop = matched.span()
            if not begin <= start <= end <= stop or not _bounded(name, line, begin, stop):
                continue
            written = matched.group()
            if "|" in written or "[[" in written or "]]" in written:
                continue
            if any(begin < over and under < stop for under, over in hidden):
                continue
            found.append((begin, stop, target, index.notes[target].name))
    found.sort(key=lambda m: (m[0] - m[1], line[m[0] : m[1]] != m[3], m[2]))
    seen: set[str] = set()
    kept = []
    for begin, stop, target, _ in found:
        if target not in seen:
            seen.add(target)
            kept.append((begin, stop, target))
    return kept


def _in_prose(note: Note, lines: list[str], number: int) -> bool:
    """Whether line ``number`` is one the mentions panel looks in: after the frontmatter,
    outside fenced code."""
    after = note.frontmatter_range[2] + 1 if note.frontmatter_range else 0
    if number < after:
        return False
    fence: str | None = None
    for line in lines[after:number]:
        opened = mentions.FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
    return fence is None and not mentions.FENCE.match(lines[number])


# --- extract a selection to a new note --------------------------------------------------------


def _extractions(
    vault: Snapshot,
    path: str,
    note: Note,
    where: Range,
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
    creates_files: bool,
) -> list[types.CodeAction]:
    if where.start == where.end:
        return []
    lines = encoder.lines(path)
    selection = _trimmed(lines, where)
    text = _selected_text(vault.text(path), selection)
    if not text.strip() or _cut_link(note, selection) is not None:
        return []
    headings = _selected_headings(note, lines, selection)
    name = _clean_name(headings[0][0].text) if headings else ""
    if not creates_files:
        title = (
            f'Extract selection to new note "{name}"' if name else "Extract selection to a new note"
        )
        reason = "the editor does not accept new files in workspace edits"
        return [
            types.CodeAction(title=title, kind=EXTRACT, disabled=types.CodeActionDisabled(reason))
        ]
    found = []
    if name:
        title = f'Extract selection to new note "{name}"'
        try:
            edit = extract_edit(vault, path, selection, encoder, documents, name)
            return [types.CodeAction(title=title, kind=EXTRACT, edit=edit)]
        except RefactorRefused as refused:
            disabled = types.CodeActionDisabled(reason=str(refused))
            found.append(types.CodeAction(title=title, kind=EXTRACT, disabled=disabled))
    title = "Extract selection to a new note…"
    arguments = {
        "uri": _uri(encoder, documents, path),
        "range": json_range(encoder, path, selection),
        "name": _suggested_name(vault, path, text),
    }
    command = types.Command(title=title, command=EXTRACT_COMMAND, arguments=[arguments])
    found.append(types.CodeAction(title=title, kind=EXTRACT, command=command))
    return found


def extract_edit(
    vault: Snapshot,
    path: str,
    where: Range,
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
    name: str,
) -> types.WorkspaceEdit:
    """The selection ``where`` moved to a new note ``name`` beside ``path``, a link to it left
    in its place; headings keep their levels relative to the new note (the shallowest is
    ``#``). Refused when the name is no file name or a file of that name exists."""
    note = vault.index.notes.get(path)
    if note is None:
        raise RefactorRefused(f"{path} is not a note of the vault")
    try:
        new_path = checked_name(vault, path, name)
    except RenameRefused as refused:
        raise RefactorRefused(str(refused)) from None
    lines = encoder.lines(path)
    selection = _trimmed(lines, where)
    raw = vault.text(path)
    text = _selected_text(raw, selection)
    if not text.strip():
        raise RefactorRefused("the selection holds no text")
    cut = _cut_link(note, selection)
    if cut is not None:
        raise RefactorRefused(f"the selection cuts the link on line {cut.range[0] + 1} in two")
    body = _relevelled(text, selection, _selected_headings(note, lines, selection))
    if not body.endswith(("\n", "\r")):
        body += _line_break(raw)
    new_name = without_note_suffix(new_path.rsplit("/", 1)[-1])
    shared = vault.index.notes_named(name_key(new_name))  # another folder's note of that name
    target = without_note_suffix(new_path) if shared else new_name
    label = f'Extract selection to new note "{new_name}"'
    edit = _edit(encoder, [Replacement(path, selection, f"[[{target}]]")], documents, label)
    changes = [*file_creation(encoder, new_path, body), *(edit.document_changes or [])]
    return types.WorkspaceEdit(document_changes=changes)


def _cut_link(note: Note, where: Range) -> Link | None:
    """A link that only part of the selection holds: moving half of it would break both."""
    for link in note.links:
        start, end = link.range.start, link.range.end
        if start < where.start < end or start < where.end < end:
            return link
    return None


def _trimmed(lines: list[str], where: Range) -> Range:
    """``where`` inside the text, without a line break at either end (a selection of whole
    lines keeps the break after it in place) nor a byte order mark at the start."""
    last = max(len(lines) - 1, 0)
    start = Position(min(where[0], last), 0)
    start = Position(start.line, min(where[1], len(lines[start.line]) if lines else 0))
    end_line = min(where[2], last)
    end = Position(end_line, min(where[3], len(lines[end_line]) if lines else 0))
    if end.character == 0 and end.line > start.line:
        end = Position(end.line - 1, len(lines[end.line - 1]))
    if start.character == len(lines[start.line]) and start.line < end.line:
        start = Position(start.line + 1, 0)
    if start == Position(0, 0) and lines and lines[0].startswith(BOM):
        start = Position(0, 1)
    return Range(start, max(start, end))


def _selected_text(raw: str, where: Range) -> str:
    """The selection from the text as it is (its own line breaks, NUL kept)."""
    starts = [0] + [match.end() for match in LINE_BREAK.finditer(raw)]
    return raw[starts[where[0]] + where[1] : starts[where[2]] + where[3]]


def _line_break(raw: str) -> str:
    found = LINE_BREAK.search(raw)
    return found.group() if found else "\n"


def _selected_headings(
    note: Note, lines: list[str], where: Range
) -> list[tuple[Heading, int | None]]:
    """The headings wholly in the selection, marks included, each with the column of its ATX
    marks (None for a setext heading)."""
    found: list[tuple[Heading, int | None]] = []
    for heading in note.headings:
        number = heading.range[0]
        if number < where[0] or heading.range[2] > where[2]:
            continue
        line = lines[number]
        marks = ATX.match(line)
        if marks is not None:
            column: int | None = marks.start(2)
            first = marks.start(2)
        elif heading.range[2] > number:
            column, first = None, len(line) - len(line.lstrip())
        else:
            continue
        if Position(number, first) >= where.start and heading.range.end <= where.end:
            found.append((heading, column))
    return found


def _relevelled(text: str, where: Range, headings: list[tuple[Heading, int | None]]) -> str:
    if not headings:
        return text
    shift = min(heading.level for heading, _ in headings) - 1
    if shift == 0:
        return text
    parts = SPLIT_LINES.split(text)  # lines at even places, their breaks between
    for heading, column in headings:
        level = heading.level - shift
        if column is None:  # setext: ``---`` (level 2) becomes ``===`` (level 1)
            at = (heading.range[2] - where[0]) * 2
            parts[at] = parts[at].replace("-", "=") if level == 1 else parts[at]
            continue
        at = (heading.range[0] - where[0]) * 2
        column -= where[1] if heading.range[0] == where[0] else 0
        line = parts[at]
        parts[at] = line[:column] + "#" * level + line[column + heading.level :]
    return "".join(parts)


def _clean_name(text: str) -> str:
    """A file name from a heading or a line: its text as read (no markup, a link as shown),
    without the characters a file name or a link cannot hold."""
    text = plain_text(shown_text(text))
    kept = "".join(" " if ch in FILENAME_FORBIDDEN or ch in LINK_BREAKING else ch for ch in text)
    name = " ".join(kept.split()).lstrip(".").strip()
    if len(name) > LONGEST_NAME:
        name = name[:LONGEST_NAME].rsplit(" ", 1)[0].strip()
    return name


def _suggested_name(vault: Snapshot, path: str, text: str) -> str:
    """A free name for a selection without a heading: its first line's words, else Untitled."""
    first = next((line for line in LINE_BREAK.split(text) if line.strip()), "")
    base = _clean_name(LIST_OR_QUOTE.sub("", first)) or "Untitled"
    for number in range(100):
        candidate = base if number == 0 else f"{base} {number + 1}"
        try:
            checked_name(vault, path, candidate)
            return candidate
        except RenameRefused:
            continue
    return base
