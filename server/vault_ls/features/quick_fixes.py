"""Quick fixes: for each problem the checker reports, the edit a user would make by hand.

The problems are computed again from the snapshot (a client may strip a diagnostic's ``data``)
and matched with the diagnostics the client sent by code and range; a client that sent none
gets the fixes of the problems on the lines of the requested range. Every edit is computed from the
texts the editor shows, touches only the span it fixes, and a new note never overwrites a file
(``edits.NewFile``). ``source.fixAll.vault-ls`` applies, in one edit of the current note, every
fix that is the one obvious choice.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher, get_close_matches

import yaml
from lsprotocol import types

from vault_ls.features import link_forms
from vault_ls.features.convert import Encoder
from vault_ls.features.diagnostics import SOURCE, shown_problems, to_diagnostic
from vault_ls.features.edits import NewFile, OpenDocument, Replacement, workspace_edit
from vault_ls.features.rename import RenameRefused, plan_note_rename
from vault_ls.features.similar_names import similar_names_for
from vault_ls.vault.checks import Problem, is_stale_copy
from vault_ls.vault.model import NOTE_SUFFIX, Link, Note, TitleClaim
from vault_ls.vault.names import (
    FILENAME_FORBIDDEN,
    heading_link_text,
    name_key,
    path_suffixes,
    title_key,
    without_note_suffix,
)
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.resolve import Resolution, has_block, link_heading_position, resolve_link
from vault_ls.vault.snapshot import Snapshot

QUICKFIX = types.CodeActionKind.QuickFix.value
FIX_ALL = "source.fixAll.vault-ls"
CLOSE_NAMES = 3  # suggestions per problem, as hover gives them
CLOSE = 0.5  # difflib ratio a suggestion needs (hover's cutoff)
OBVIOUS = 0.8  # a suggestion this close, the only one: a typo, fixed without asking
_HEADING_MARK = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")
_FRONTMATTER_TITLE = re.compile(r"(\s*title\s*:[ \t]*)(.*?)[ \t]*$", re.IGNORECASE)
_NOT_IN_A_NAME = "[]|#^"  # what a wikilink's name or display cannot hold as written
_WIKI_ANCHOR_END = re.compile(r"\\?\||\]\]")
_MARKDOWN_ANCHOR_END = re.compile(r"[)>\s]")
_ANGLE_ANCHOR_END = re.compile(r">")
_DIGITS = re.compile(r"\d+")
_SLUG = re.compile(r"[^\sA-Z%]*-[^\sA-Z%]*")
_TEMPLATE = ("<%", "{{")  # Templater, Mustache: a link a template fills in is not wrong yet


@dataclass(frozen=True)
class Options:
    severity: Mapping[str, str] | None = None
    title_sources: frozenset[str] | None = None
    new_file_location: str = "current"  # "current" (the linking note's folder), "root", "folder"
    new_file_folder: str = ""
    display_text: bool = True  # a rename updates display text that was the old name
    creates_files: bool = True  # the client applies CreateFile
    renames_files: bool = True  # the client applies RenameFile
    shows_disabled: bool = False  # the client shows an action that cannot be applied, with why


@dataclass
class Fix:
    title: str
    problem: Problem
    edits: list[Replacement] = field(default_factory=list)
    creates: list[NewFile] = field(default_factory=list)
    moves: list[tuple[str, str]] = field(default_factory=list)
    preferred: bool = False
    disabled: str | None = None  # why there is no fix to apply

    @property
    def in_note_only(self) -> bool:
        return (
            not self.creates
            and not self.moves
            and all(edit.path == self.problem.path for edit in self.edits)
        )


def code_actions(
    vault: Snapshot,
    path: str,
    where: Range,
    sent: Sequence[types.Diagnostic],
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
    options: Options,
    only: Sequence[str] | None = None,
    invoked: bool = True,
) -> list[types.CodeAction]:
    """The quick fixes of the problems the client sent (or, when it sent none of ours, of those
    under ``where``), and the note's fix-all when asked for (``only``) or invoked by hand."""
    shown = shown_problems(vault, path, options.severity, options.title_sources)
    actions: list[types.CodeAction] = []
    if _wanted(only, QUICKFIX):
        for problem, diagnostic in _matched(shown, where, sent, encoder):
            for fix in fixes(vault, problem, encoder, options):
                if fix.disabled is None or options.shows_disabled:
                    actions.append(_action(fix, [diagnostic], encoder, documents))
    if _wanted(only, FIX_ALL) and (only is not None or invoked):
        everything = fix_all(vault, path, encoder, options, shown, documents)
        if everything is not None:
            edit, diagnostics = everything
            count = len(diagnostics)
            title = f"Fix {count} problem{'s' if count != 1 else ''} in this note (vault-ls)"
            actions.append(_make(title, FIX_ALL, diagnostics, edit))
    return actions


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _matched(
    shown: list[tuple[Problem, str]],
    where: Range,
    sent: Sequence[types.Diagnostic],
    encoder: Encoder,
) -> Iterator[tuple[Problem, types.Diagnostic]]:
    mine = [d for d in sent if d.source in (None, SOURCE) and d.code]
    ours = {(str(d.code), _key(d.range)): d for d in mine}
    # Neovim 0.7 sends a diagnostic back with its columns in bytes, not UTF-16 units: a line with
    # non-ASCII before the problem matches by its code, start line and message instead.
    by_line = {(str(d.code), d.range.start.line, d.message): d for d in mine}
    for problem, level in shown:
        diagnostic = to_diagnostic(encoder, problem, level)
        key = (problem.code, _key(diagnostic.range))
        near = (problem.code, diagnostic.range.start.line, diagnostic.message)
        if key in ours:
            yield problem, ours[key]  # the client's own, as it sent it
        elif near in by_line:
            yield problem, by_line[near]
        elif not ours and _on_lines(problem.range, where):
            yield problem, diagnostic


def _on_lines(problem: Range, where: Range) -> bool:
    """On the lines of ``where`` (a cursor asks for the problems of its line, as Neovim does)."""
    return problem.start.line <= where.end.line and where.start.line <= problem.end.line


def _key(where: types.Range) -> tuple[int, int, int, int]:
    return (where.start.line, where.start.character, where.end.line, where.end.character)


def _action(
    fix: Fix,
    diagnostics: list[types.Diagnostic],
    encoder: Encoder,
    documents: Mapping[str, OpenDocument],
) -> types.CodeAction:
    if fix.disabled is not None:
        action = _make(fix.title, QUICKFIX, diagnostics, None)
        action.disabled = types.CodeActionDisabled(reason=fix.disabled)
        return action
    edit = workspace_edit(
        encoder, fix.edits, fix.moves, documents, fix.title, "", False, creates=fix.creates
    )
    action = _make(fix.title, QUICKFIX, diagnostics, edit)
    action.is_preferred = fix.preferred or None
    return action


def _make(
    title: str,
    kind: str,
    diagnostics: list[types.Diagnostic],
    edit: types.WorkspaceEdit | None,
) -> types.CodeAction:
    return types.CodeAction(title=title, kind=kind, diagnostics=diagnostics, edit=edit)


def fix_all(
    vault: Snapshot,
    path: str,
    encoder: Encoder,
    options: Options,
    shown: list[tuple[Problem, str]] | None = None,
    documents: Mapping[str, OpenDocument] | None = None,
) -> tuple[types.WorkspaceEdit, list[types.Diagnostic]] | None:
    """One edit of ``path`` that applies every preferred fix made in the note itself (no new
    or renamed file), and the diagnostics it fixes; None when there is none. Fixes whose spans
    would overlap one taken before are left for another round."""
    if shown is None:
        shown = shown_problems(vault, path, options.severity, options.title_sources)
    taken: list[Replacement] = []
    fixed: list[types.Diagnostic] = []
    for problem, level in shown:
        for fix in fixes(vault, problem, encoder, options):
            if not fix.preferred or fix.disabled or not fix.in_note_only:
                continue
            if any(_overlap(edit, other) for edit in fix.edits for other in taken):
                continue
            taken += fix.edits
            fixed.append(to_diagnostic(encoder, problem, level))
    if not taken:
        return None
    label = "Fix all"
    edit = workspace_edit(encoder, taken, [], documents or {}, label, "", False)
    return edit, fixed


def _overlap(a: Replacement, b: Replacement) -> bool:
    return a.path == b.path and a.range.start < b.range.end and b.range.start < a.range.end


# --- the fixes of each problem -------------------------------------------------------------


def fixes(vault: Snapshot, problem: Problem, encoder: Encoder, options: Options) -> list[Fix]:
    """Every fix of ``problem``, the closest first; the preferred one marked."""
    note = vault.index.notes.get(problem.path)
    if note is None:
        return []
    texts = _Texts(vault, encoder)
    if problem.code in _LINK_FIXES:
        link = _link_of(note, problem)
        if link is None or not texts.single_line(link.range):
            return []
        if any(mark in link.target for mark in _TEMPLATE):
            return []
        return list(_LINK_FIXES[problem.code](vault, texts, note, link, problem, options))
    if problem.code == "title-conflict":
        return list(_title_conflict(texts, note, problem))
    if problem.code == "filename-title":
        return list(_filename_title(vault, note, problem, options))
    if problem.code == "duplicate-block-id":
        return list(_duplicate_block_id(note, problem))
    if problem.code == "frontmatter-error":
        reason = "vault-ls cannot rewrite frontmatter it cannot read: correct the YAML by hand"
        return [Fix("No automatic fix for invalid frontmatter", problem, disabled=reason)]
    return []


def _link_of(note: Note, problem: Problem) -> Link | None:
    for link in note.links:
        if link.range == problem.range or (link.target and link.target_range == problem.range):
            return link
    return None


def _unresolved_link(
    vault: Snapshot, texts: _Texts, note: Note, link: Link, problem: Problem, options: Options
) -> Iterator[Fix]:
    if vault.index.resolve(link, note.path).outside:
        return
    close = similar_names_for(vault.index).closest(link.target, CLOSE_NAMES, CLOSE)
    obvious = _obvious(link.target, close)
    create = _create_note(vault, note, link, problem, options)
    if create is not None:
        # no typo to fix: a note yet to be written, as Obsidian takes a click on the link
        create.preferred = obvious is None
        yield create
    for number, name in enumerate(close):
        path = _nearest_named(vault, note.path, name)
        if path is None:
            continue
        written = texts.target_for(vault, note.path, link, path)
        if written is None:
            continue
        edit = texts.replacement(note.path, link, link.target_range, written)
        # the typo fixed, the link must work: a heading the note lacks says another was meant
        preferred = number == obvious and _anchor_reached(vault, path, link)
        yield Fix(f'Change to "{written}"', problem, [edit], preferred=preferred)


def _anchor_reached(vault: Snapshot, path: str, link: Link) -> bool:
    target = vault.index.notes.get(path)
    if target is None:
        return not link.has_anchor
    if link.headings and link_heading_position(target, link) is None:
        return False
    return link.block is None or has_block(target.outline(), link.block)


def _create_note(
    vault: Snapshot, note: Note, link: Link, problem: Problem, options: Options
) -> Fix | None:
    if not options.creates_files or link.in_frontmatter:
        return None
    target = link.target.replace("\\", "/").strip()
    last = target.rsplit("/", 1)[-1]
    if "." in last and not last.lower().endswith(NOTE_SUFFIX):
        return None  # a file of another kind (an image, a PDF): not a note to write
    name = without_note_suffix(last)
    if not name or name != name.strip() or name.startswith("."):
        return None
    if any(ch in FILENAME_FORBIDDEN or ch in _NOT_IN_A_NAME for ch in name):
        return None
    if link.kind == "markdown":
        folder = posixpath.dirname(posixpath.normpath(posixpath.join(note.folder, target)))
        if target.startswith("/"):
            folder = posixpath.dirname(posixpath.normpath(target.lstrip("/")))
    elif "/" in target:
        folder = posixpath.dirname(posixpath.normpath(target.lstrip("/")))
    elif options.new_file_location == "folder":
        folder = options.new_file_folder.strip("/")
    elif options.new_file_location == "root":
        folder = ""
    else:
        folder = note.folder
    if folder in (".", ""):
        folder = ""
    if folder == ".." or folder.startswith("../"):
        return None
    new = f"{folder}/{name}{NOTE_SUFFIX}" if folder else f"{name}{NOTE_SUFFIX}"
    if _file_exists(vault, new):
        return None  # never over a file: the link fails for another reason
    title = f'Create note "{name}"' + (f" in {folder}/" if folder else "")
    return Fix(title, problem, creates=[NewFile(new, f"# {name}\n")])


def _file_exists(vault: Snapshot, path: str) -> bool:
    key = name_key(path)
    if any(name_key(p) == key for p in vault.index.note_keys.get(key, ())):
        return True
    return any(p.lower() == path.lower() for p in vault.index.attachment_keys.get(path.lower(), ()))


def _nearest_named(vault: Snapshot, source: str, name: str) -> str | None:
    probe = Link("wiki", False, name, (), None, None, Range.of(0, 0, 0, 0), Range.of(0, 0, 0, 0))
    return resolve_link(vault.index, probe, source).path


def _obvious(wanted: str, choices: Sequence[str]) -> int | None:
    """The one choice that is plainly what was meant, if there is exactly one: ``wanted`` with
    one typo (a letter wrong, missing, extra, or two swapped), the same numbers. A link to the
    next week's note (``2022-W53``) or to an author (``Hamna Aslam Kahn`` beside ``Hamna Aslam
    Kahn's Post``) is no typo of a note that exists, however alike the names look."""
    close = [number for number, choice in enumerate(choices) if _one_typo(wanted, choice)]
    return close[0] if len(close) == 1 else None


def _one_typo(wanted: str, choice: str) -> bool:
    a, b = wanted.casefold(), choice.casefold()
    if a == b or _DIGITS.findall(a) != _DIGITS.findall(b) or min(len(a), len(b)) < 4:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        swapped = (
            a[start + 2 :] == b[start + 2 :] and a[start : start + 2] == b[start : start + 2][::-1]
        )
        return a[start + 1 :] == b[start + 1 :] or swapped
    return len(b) - len(a) == 1 and a[start:] == b[start + 1 :]


def _unresolved_heading(
    vault: Snapshot, texts: _Texts, note: Note, link: Link, problem: Problem, options: Options
) -> Iterator[Fix]:
    target = _target_note(vault, note, link)
    if target is None:
        return
    anchor = texts.anchor_range(note.path, link)
    wanted = link.headings[-1]
    written_anchor = texts.span(note.path, anchor)[1:] if anchor is not None else ""
    # ``[x](#key-features)``: a GitHub slug is answered with a slug, as it was written
    slugged = link.kind == "markdown" and _SLUG.fullmatch(written_anchor) is not None
    if slugged:
        choices = list(dict.fromkeys(target.slugs()))
    else:
        choices = list(dict.fromkeys(heading_link_text(h.text) for h in target.headings))
    close = get_close_matches(wanted, choices, CLOSE_NAMES, CLOSE)
    obvious = _obvious(wanted, close)
    if anchor is not None:
        for number, heading in enumerate(close):
            written = heading
            if link.kind == "markdown":
                written = link_forms.encode_markdown(written, texts.before(note.path, link) == "<")
            elif any(ch in written for ch in "|]"):
                continue
            edit = texts.replacement(note.path, link, anchor, "#" + written)
            yield Fix(f'Change to "#{written}"', problem, [edit], preferred=number == obvious)
    if len(link.headings) == 1 and wanted.strip():
        yield Fix(
            f'Add heading "{wanted}" to "{target.name}"',
            problem,
            [texts.appended(target.path, f"## {wanted.strip()}")],
        )


def _unresolved_block(
    vault: Snapshot, texts: _Texts, note: Note, link: Link, problem: Problem, options: Options
) -> Iterator[Fix]:
    target = _target_note(vault, note, link)
    anchor = texts.anchor_range(note.path, link)
    if target is None or anchor is None or link.block is None or not target.blocks:
        return
    wanted = link.block.casefold()
    ids = list(dict.fromkeys(block.id for block in target.blocks))
    closest = max(ids, key=lambda i: SequenceMatcher(None, wanted, i.casefold()).ratio())
    edit = texts.replacement(note.path, link, anchor, f"#^{closest}")
    preferred = _obvious(link.block, ids) == ids.index(closest)
    yield Fix(f'Change to "#^{closest}"', problem, [edit], preferred=preferred)


def _target_note(vault: Snapshot, note: Note, link: Link) -> Note | None:
    path = vault.index.resolve(link, note.path).path
    return None if path is None else vault.index.notes.get(path)


def _ambiguous_link(
    vault: Snapshot, texts: _Texts, note: Note, link: Link, problem: Problem, options: Options
) -> Iterator[Fix]:
    resolution = vault.index.resolve(link, note.path)
    for candidate in resolution.candidates:  # the closest first
        written = texts.target_for(vault, note.path, link, candidate)
        if written is None:
            continue
        edit = texts.replacement(note.path, link, link.target_range, written)
        yield Fix(f'Link to "{written}"', problem, [edit])


def _alias_link(
    vault: Snapshot, texts: _Texts, note: Note, link: Link, problem: Problem, options: Options
) -> Iterator[Fix]:
    owners = sorted(vault.index.notes_with_alias(link.target))
    alias = texts.span(note.path, link.target_range)
    for owner in owners:
        written = texts.target_for(vault, note.path, link, owner)
        if written is None:
            continue
        if link.display is None and not link.embed:
            # the alias stays what the reader sees: after the anchor, before ``]]``
            end = link.range.end
            where = Range(link.target_range.start, Position(end.line, end.character - 2))
            anchor = texts.span(note.path, Range(link.target_range.end, where.end))
            pipe = "\\|" if texts.in_table(note.path, link) else "|"
            edit = texts.replacement(note.path, link, where, f"{written}{anchor}{pipe}{alias}")
            shown = f"[[{written}{anchor}|{alias}]]"
        else:
            edit = texts.replacement(note.path, link, link.target_range, written)
            shown = f'"{written}"'
        yield Fix(f"Link as {shown}", problem, [edit], preferred=len(owners) == 1)


def _link_text(
    vault: Snapshot, texts: _Texts, note: Note, link: Link, problem: Problem, options: Options
) -> Iterator[Fix]:
    target = _target_note(vault, note, link)
    where = texts.display_range(note.path, link)
    if target is None or where is None or link.display is None:
        return
    shown = title_key(link.display)
    names = [target.title, *(c.text for c in target.titles), target.name, *target.aliases]
    title = next((n for n in names if is_stale_copy(shown, title_key(n))), None)
    if title is None or (link.kind == "wiki" and any(ch in title for ch in "|]")):
        return
    edit = texts.replacement(note.path, link, where, title)
    yield Fix(f'Update link text to "{title}"', problem, [edit], preferred=True)


_LINK_FIXES = {
    "unresolved-link": _unresolved_link,
    "unresolved-heading": _unresolved_heading,
    "unresolved-block": _unresolved_block,
    "ambiguous-link": _ambiguous_link,
    "alias-link": _alias_link,
    "link-text": _link_text,
}


def _title_conflict(texts: _Texts, note: Note, problem: Problem) -> Iterator[Fix]:
    claim = next((c for c in note.titles if c.range == problem.range), None)
    primary_range = problem.related[0].range if problem.related else None
    primary = next((c for c in note.titles if c.range == primary_range), None)
    if claim is None or primary is None:
        return
    for changed, other in ((claim, primary), (primary, claim)):
        edit = _claim_edit(texts, note, changed, other.text)
        if edit is not None:
            title = (
                f'Change the {changed.source} "{changed.text}" to "{other.text}" '
                f"(as the {other.source})"
            )
            yield Fix(title, problem, [edit])


def _claim_edit(texts: _Texts, note: Note, claim: TitleClaim, text: str) -> Replacement | None:
    """The edit that makes ``claim`` read ``text``; None when it cannot be written there."""
    path, where = note.path, claim.range
    if "\n" in text or not texts.single_line(where):
        return None
    line = texts.line(path, where.start.line)
    if claim.source == "Full Title":
        return Replacement(path, where, text) if texts.span(path, where) == claim.text else None
    if claim.source == "first heading":
        mark = _HEADING_MARK.match(line)
        start = mark.end() if mark else len(line) - len(line.lstrip())
        if line[start : start + len(claim.text)] != claim.text:
            return None
        at = where.start.line
        return Replacement(path, Range.of(at, start, at, start + len(claim.text)), text)
    if claim.source == "title line":
        link = next((k for k in note.links if k.range == where), None)
        if link is None or any(ch in text for ch in _NOT_IN_A_NAME):
            return None
        span = texts.display_range(path, link) if link.display else link.target_range
        return None if span is None else Replacement(path, span, text)
    if claim.source == "frontmatter title":
        found = _FRONTMATTER_TITLE.match(line)
        if found is None or _yaml_value(found[2]) != claim.text:
            return None
        at = where.start.line
        span = Range.of(at, found.start(2), at, found.end(2))
        return Replacement(path, span, _yaml_scalar(text))
    return None


def _yaml_value(written: str) -> object:
    try:
        loaded = yaml.safe_load(f"v: {written}")
    except yaml.YAMLError:
        return None
    return str(loaded["v"]).strip() if isinstance(loaded, dict) else None


def _yaml_scalar(text: str) -> str:
    """``text`` as a YAML value: plain when it reads back as itself, else double-quoted."""
    return (
        text
        if _yaml_value(text) == text and text == text.strip()
        else json.dumps(text, ensure_ascii=False)
    )


def _filename_title(
    vault: Snapshot, note: Note, problem: Problem, options: Options
) -> Iterator[Fix]:
    claims = [
        c for c in note.titles if options.title_sources is None or c.source in options.title_sources
    ]
    if not claims:
        return
    title = claims[0].text
    label = f'Rename the file "{note.name}" to "{title}"'
    if not options.renames_files:
        yield Fix(label, problem, disabled="the editor does not accept file renames in edits")
        return
    try:
        plan = plan_note_rename(vault, note.path, title, options.display_text)
    except RenameRefused as refused:
        yield Fix(label, problem, disabled=f"vault-ls cannot rename: {refused}")
        return
    yield Fix(label, problem, plan.edits, moves=plan.moves, preferred=True)


def _duplicate_block_id(note: Note, problem: Problem) -> Iterator[Fix]:
    block = next((b for b in note.blocks if b.range == problem.range), None)
    if block is None:
        return
    taken = {b.id.lower() for b in note.blocks}
    number = 2
    while f"{block.id}-{number}".lower() in taken:
        number += 1
    fresh = f"{block.id}-{number}"
    yield Fix(
        f"Give this block the fresh id ^{fresh}",
        problem,
        [Replacement(note.path, block.range, f"^{fresh}")],
        preferred=True,
    )


# --- texts ---------------------------------------------------------------------------------


class _Texts:
    """The snapshot's texts as the encoder reads them (lines, code points)."""

    def __init__(self, vault: Snapshot, encoder: Encoder) -> None:
        self._vault = vault
        self._encoder = encoder

    def line(self, path: str, number: int) -> str:
        lines = self._encoder.lines(path)
        return lines[number] if 0 <= number < len(lines) else ""

    def single_line(self, where: Range) -> bool:
        return where.start.line == where.end.line

    def span(self, path: str, where: Range) -> str:
        return self.line(path, where.start.line)[where.start.character : where.end.character]

    def before(self, path: str, link: Link) -> str:
        start = link.target_range.start
        return (
            self.line(path, start.line)[start.character - 1 : start.character]
            if start.character
            else ""
        )

    def in_table(self, path: str, link: Link) -> bool:
        return self.line(path, link.range.start.line).lstrip().startswith("|")

    def anchor_range(self, path: str, link: Link) -> Range | None:
        """``#Heading`` or ``#^id`` as written: from the end of the target to ``|``, ``]]``
        (a wikilink) or ``)``, ``>``, a space (a markdown link); None where it is not there."""
        start = link.target_range.end
        if start.line != link.range.start.line:
            return None
        line = self.line(path, start.line)[: link.range.end.character]
        ends = _WIKI_ANCHOR_END
        if link.kind == "markdown":
            ends = _ANGLE_ANCHOR_END if self.before(path, link) == "<" else _MARKDOWN_ANCHOR_END
        found = ends.search(line, start.character)
        end = found.start() if found else len(line)
        if not line.startswith("#", start.character) or end <= start.character + 1:
            return None
        return Range(start, Position(start.line, end))

    def replacement(self, path: str, link: Link, where: Range, text: str) -> Replacement:
        if link.in_frontmatter:
            quote = (
                self.line(path, link.range.start.line)[
                    link.range.start.character - 1 : link.range.start.character
                ]
                if link.range.start.character
                else ""
            )
            text = link_forms.yaml_quoted(text, quote)
        return Replacement(path, where, text)

    def target_for(self, vault: Snapshot, source: str, link: Link, path: str) -> str | None:
        """How ``link`` writes a target that reaches ``path`` unambiguously (the shortest)."""
        written = self.span(source, link.target_range)
        if link.kind == "markdown":
            return link_forms.relative_markdown(
                source, path, written, self.before(source, link) == "<"
            )
        last = link_forms.split_written(written)[1]
        candidate = None
        for suffix in path_suffixes(without_note_suffix(path)):
            candidate = link_forms.with_suffix_of(last, suffix)
            reached = _reach(vault, source, link, candidate)
            if reached.path == path and not reached.ambiguous:
                return candidate
        return candidate

    def display_range(self, path: str, link: Link) -> Range | None:
        """The display text without the spaces around it; None where it is not as parsed."""
        if link.display is None or not self.single_line(link.range):
            return None
        strip = link.display.strip()
        if not strip:
            return None
        lead = len(link.display) - len(link.display.lstrip())
        line, start, end = (
            link.range.start.line,
            link.range.start.character,
            link.range.end.character,
        )
        if link.kind == "wiki":
            first = end - 2 - len(link.display) + lead
        else:
            first = start + (2 if link.embed else 1) + lead
        where = Range.of(line, first, line, first + len(strip))
        return where if self.span(path, where) == strip else None

    def appended(self, path: str, line_text: str) -> Replacement:
        """``line_text`` as a new paragraph at the end of the note: a blank line before it, its
        line ending the note's own, the final newline kept as it was (there or not)."""
        raw = self._vault.text(path)
        newline = "\r\n" if "\r\n" in raw else ("\r" if "\r" in raw and "\n" not in raw else "\n")
        lines = self._encoder.lines(path)
        last = len(lines) - 1
        end = Range.of(last, len(lines[last]), last, len(lines[last]))
        if lines[last] == "":  # the note ends with a line break (or is empty)
            blank_before = last == 0 or lines[last - 1].strip() == ""
            text = ("" if blank_before else newline) + line_text + newline
        else:
            text = newline + ("" if lines[last].strip() == "" else newline) + line_text
        return Replacement(path, end, text)


def _reach(vault: Snapshot, source: str, link: Link, written: str) -> Resolution:
    return resolve_link(vault.index, dataclasses.replace(link, target=written.strip()), source)
