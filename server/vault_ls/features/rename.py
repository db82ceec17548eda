"""Rename a note: its file, and the target of every link that resolves to it, nothing else.

A plan is computed from the texts the editor shows (``Snapshot.text``) and the vault *as it will
be after* the rename (``AfterMove``): each link keeps its own form (``link_forms``) when that
form still reaches the renamed note there, else it gets the shortest path that does; a link to
another note that the new name would capture gets a path that keeps it where it was. Only the
target span of a link changes, and its display text when that was the old name.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from urllib.parse import unquote

from lsprotocol import types

from vault_ls.features import link_forms, rename_anchors
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import OpenDocument, Replacement, workspace_edit
from vault_ls.features.lookup import heading_at, link_at
from vault_ls.features.references import links_to
from vault_ls.features.rename_common import (
    KeysAfter,
    Plan,
    RenameRefused,
    Texts,
    display_edit,
    heading_text_range,
    is_title_heading,
)
from vault_ls.vault.index import VaultIndex, last_name
from vault_ls.vault.model import NOTE_SUFFIX, Link, Note
from vault_ls.vault.names import FILENAME_FORBIDDEN, name_key, path_suffixes, without_note_suffix
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.resolve import Resolution, resolve_link
from vault_ls.vault.snapshot import Snapshot

__all__ = ["Plan", "RenameRefused", "plan_note_rename", "prepare_rename", "rename"]

# Characters a file name may hold but a link cannot name (Obsidian refuses them too).
LINK_BREAKING = "#^[]|"


@dataclass(frozen=True)
class NoteUnderCursor:
    path: str  # the note to rename
    where: Range  # what the cursor is on, to highlight


# --- what is under the cursor ---------------------------------------------------------------


def note_under_cursor(vault: Snapshot, path: str, pos: Position) -> NoteUnderCursor:
    note = vault.index.notes.get(path)
    if note is None:
        raise RenameRefused("this document is not a note of the vault")
    link = link_at(note, pos)
    if link is not None:
        if not link.target:
            raise RenameRefused("this link points into the same note: rename its heading instead")
        target = vault.index.resolve(link, path).path
        if target is None:
            raise RenameRefused(f"[[{link.target}]] reaches no note: there is nothing to rename")
        if target not in vault.index.notes:
            raise RenameRefused(f"{target} is an attachment: vault-ls renames notes only")
        return NoteUnderCursor(target, link.target_range)
    heading = heading_at(note, pos)
    if heading is not None and is_title_heading(note, heading):
        where = heading_text_range(vault.text(path), heading)
        if where is not None:
            return NoteUnderCursor(path, where)
    raise RenameRefused(
        "nothing to rename here: put the cursor on a link, a heading, a block id or a tag"
    )


def prepare_rename(
    vault: Snapshot, path: str, pos: Position, encoder: Encoder
) -> types.PrepareRenamePlaceholder:
    """What F2 would rename: the range to highlight and the current name to edit."""
    anchor = rename_anchors.anchor_at(vault, path, pos)
    if anchor is not None:
        where = encoder.range(path, anchor.where)
        return types.PrepareRenamePlaceholder(range=where, placeholder=anchor.current)
    found = note_under_cursor(vault, path, pos)
    name = vault.index.notes[found.path].name
    return types.PrepareRenamePlaceholder(range=encoder.range(path, found.where), placeholder=name)


def rename(
    vault: Snapshot,
    path: str,
    pos: Position,
    encoder: Encoder,
    new_name: str,
    documents: Mapping[str, OpenDocument],
    display_text: bool = True,
    annotate: bool = False,
    renames_files: bool = True,
) -> types.WorkspaceEdit:
    """``renames_files``: the client takes file renames in a workspace edit (a note rename
    needs one; a heading, block or tag rename does not)."""
    anchor = rename_anchors.anchor_at(vault, path, pos)
    if anchor is not None:
        plan = anchor.plan(vault, new_name, display_text)
    else:
        found = note_under_cursor(vault, path, pos)
        if not renames_files:
            raise RenameRefused("the editor does not accept file renames in workspace edits")
        plan = plan_note_rename(vault, found.path, new_name, display_text)
    return workspace_edit(
        encoder, plan.edits, plan.moves, documents, plan.label, plan.description(), annotate
    )


# --- the new name ------------------------------------------------------------------------------


def checked_name(vault: Snapshot, old: str, new_name: str) -> str:
    """The new note path for ``new_name``; refused with the reason when it cannot be."""
    name = without_note_suffix(new_name)
    if not name.strip():
        raise RenameRefused("the new name is empty")
    if name != name.strip():
        raise RenameRefused(f"{new_name!r} begins or ends with a space")
    if name.startswith("."):
        raise RenameRefused(f"{new_name!r} begins with '.': the file would be hidden")
    bad = sorted(
        {ch for ch in name if ch in FILENAME_FORBIDDEN or unicodedata.category(ch) == "Cc"}
    )
    if bad:
        shown = " ".join(repr(ch)[1:-1] for ch in bad)
        raise RenameRefused(f"{new_name!r} holds {shown}, which a file name cannot hold")
    breaking = sorted({ch for ch in name if ch in LINK_BREAKING})
    if breaking:
        raise RenameRefused(f"{new_name!r} holds {' '.join(breaking)}, which a link cannot name")
    folder = old.rsplit("/", 1)[0] + "/" if "/" in old else ""
    new = folder + name + NOTE_SUFFIX
    if new == old:
        raise RenameRefused(f"the note is already named {name!r}")
    key = name_key(new)
    taken = [p for p in vault.index.notes_named(key) if name_key(p) == key and p != old]
    taken += [p for p in vault.index.attachments if p.lower() == new.lower()]
    if taken:
        raise RenameRefused(f"{taken[0]} exists already: vault-ls never overwrites a file")
    return new


# --- the plan ----------------------------------------------------------------------------------


def plan_note_rename(vault: Snapshot, old: str, new_name: str, display_text: bool = True) -> Plan:
    """Every edit that renaming note ``old`` to ``new_name`` (same folder) takes."""
    new = checked_name(vault, old, new_name)
    note = vault.index.notes[old]
    old_name, name = note.name, without_note_suffix(new.rsplit("/", 1)[-1])
    plan = Plan(f"Rename {old_name!r} to {name!r}", moves=[(old, new)])
    after = AfterMove(vault.index, {old: new})
    texts = Texts(vault)
    for source, link in links_to(vault, old):
        if not link.target:
            continue  # ``[[#H]]``: the same note wherever it is
        rewritten = _rewrite(after, texts, source, link, old_name, new)
        plan.edits.append(
            Replacement(source, link.target_range, texts.quoted(source, link, rewritten))
        )
        plan.links += 1
        plan.sources.add(source)
        if display_text:
            display = display_edit(texts, source, link, old_name, name)
            if display is not None:
                plan.edits.append(display)
    plan.edits += _kept_in_place(vault, after, texts, old, name)
    title = _title_edit(vault, note, name)
    if title is not None:
        plan.edits.append(title)
    return plan


def _rewrite(
    after: AfterMove, texts: Texts, source: str, link: Link, old_name: str, new: str
) -> str:
    """The target text for ``link`` in its own form, reaching ``new`` in the vault after."""
    written = texts.span(source, link.target_range)
    as_read = unquote(written) if link.kind == "markdown" else written.strip()
    if as_read.replace("\\", "/") != link.target.replace("\\", "/"):
        # the parser placed the link elsewhere than it stands: editing there would lose text
        raise RenameRefused(
            f"{source}:{link.target_range[0] + 1}: the link to {link.target!r} is not where "
            "vault-ls reads it (please report this note); nothing was changed"
        )
    name = _name_of(new)
    if link.kind == "markdown":
        angle = texts.before(source, link.target_range) == "<"
        candidates = [
            link_forms.renamed_markdown(written, old_name, name, angle),
            link_forms.relative_markdown(source, new, written, angle),
        ]
    else:
        candidates = [link_forms.renamed_wiki(written, old_name, name), *_wiki_paths(written, new)]
    reached = [(c, _reaches(after, link, source, c)) for c in candidates]
    for candidate, resolution in reached:  # unambiguous first: a clash gets a path
        if resolution.path == new and not resolution.ambiguous:
            return candidate
    for candidate, resolution in reached:
        if resolution.path == new:
            return candidate
    raise RenameRefused(f"no link from {source} would reach {new}")  # a path always does


def _wiki_paths(written: str, target: str) -> Iterator[str]:
    """Path-qualified wikilink targets for ``target``, shortest first, ``.md`` as written."""
    for suffix in path_suffixes(without_note_suffix(target)):
        yield link_forms.with_suffix_of(link_forms.split_written(written)[1], suffix)


def _reaches(after: AfterMove, link: Link, source: str, written: str) -> Resolution:
    target = unquote(written) if link.kind == "markdown" else written.strip()
    return resolve_link(after, dataclasses.replace(link, target=target), source)


def _kept_in_place(
    vault: Snapshot, after: AfterMove, texts: Texts, old: str, name: str
) -> list[Replacement]:
    """Links to other notes that the new name would capture: each gets a path that keeps it
    where it was (a note ``other/New`` linked as ``[[New]]`` stays reached)."""
    edits = []
    for source in sorted(vault.index.notes_naming(name.lower())):
        note = vault.index.notes.get(source)
        if note is None:
            continue
        for link in note.links:
            if not link.target or last_name(link.target) != name.lower():
                continue
            before = vault.index.resolve(link, source).path
            if before is None or before == old or _reaches_link(after, link, source) == before:
                continue
            rewritten = _rewrite(after, texts, source, link, _name_of(before), before)
            edits.append(
                Replacement(source, link.target_range, texts.quoted(source, link, rewritten))
            )
    return edits


def _name_of(path: str) -> str:
    return without_note_suffix(path.rsplit("/", 1)[-1])


def _reaches_link(after: AfterMove, link: Link, source: str) -> str | None:
    return resolve_link(after, link, source).path


def _title_edit(vault: Snapshot, note: Note, name: str) -> Replacement | None:
    first = next((h for h in note.headings if h.level == 1), None)
    if first is None or not is_title_heading(note, first):
        return None
    where = heading_text_range(vault.text(note.path), first)
    return None if where is None else Replacement(note.path, where, name)


# --- the vault after the move ----------------------------------------------------------------


class AfterMove:
    """The file names resolution reads (``resolve.FileNames``), as they will be after
    ``moves`` (old path -> new path) of notes."""

    def __init__(self, index: VaultIndex, moves: Mapping[str, str]) -> None:
        self.note_keys: Mapping[str, Set[str]] = KeysAfter(index.note_keys, moves, name_key)
        self.attachment_keys: Mapping[str, Set[str]] = index.attachment_keys
