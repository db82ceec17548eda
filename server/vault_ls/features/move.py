"""Files and folders moved in the editor: the link edits that keep every link where it was.

A move (``workspace/willRenameFiles``, or one the editor made without asking,
``workspace/didRenameFiles``) takes notes and attachments to new paths; a folder takes everything
under it. Two kinds of links need new text: links *into* a moved file whose written form no
longer reaches it there (a path, a relative markdown destination, a name another file now
carries), and links *out of* a moved note whose form depends on where the note stands
(``../x.md``, ``./x``). Each is computed in the vault as it will be after the move
(``FilesAfter``) and keeps its own form (``link_forms``) where that still reaches its target,
else gets the shortest path that does; a link whose written form still reaches its target is
left alone. Links to other files that a moved file would capture get a path that keeps them.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable, Iterator, Mapping, Set
from urllib.parse import unquote

from lsprotocol import types

from vault_ls.features import link_forms
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import OpenDocument, Replacement, workspace_edit
from vault_ls.features.references import links_to
from vault_ls.features.rename_common import KeysAfter, Plan, RenameRefused, Texts, display_edit
from vault_ls.vault.index import VaultIndex, last_name
from vault_ls.vault.model import NOTE_SUFFIX, Link
from vault_ls.vault.names import name_key, path_suffixes, without_note_suffix
from vault_ls.vault.resolve import Resolution, resolve_link
from vault_ls.vault.snapshot import Snapshot


def file_moves(index: VaultIndex, moves: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each moved file's old vault path -> its new one: a folder stands for every note and
    attachment under it. A note that would stop being a note (``x.md`` -> ``x.txt``) and
    paths the vault does not hold are left out: their links have nothing to follow."""
    files: dict[str, str] = {}
    for old, new in moves:
        old, new = old.rstrip("/"), new.rstrip("/")
        if old == new:
            continue
        if old in index.notes or old in index.attachments:
            files[old] = new
            continue
        for path in index.paths_under(old):
            files[path] = new + path[len(old) :]
    return {
        old: new
        for old, new in files.items()
        if old not in index.notes or new.lower().endswith(NOTE_SUFFIX)
    }


def plan_moves(vault: Snapshot, moves: Mapping[str, str], display_text: bool = True) -> Plan:
    """Every link edit that moving the files ``moves`` (old path -> new path, as
    ``file_moves`` gives) takes. The edits name the notes at their paths before the move."""
    count = len(moves)
    label = f"Move {count} files" if count != 1 else f"Move {next(iter(moves), '')!r}"
    plan = Plan(label, moves=sorted(moves.items()))
    if not moves:
        return plan
    after = FilesAfter(vault.index, moves)
    texts = Texts(vault)
    for source, link in _links_to_check(vault, moves):
        edits = _edits_for(vault, after, texts, moves, source, link, display_text)
        if edits:
            plan.edits += edits
            plan.links += 1
            plan.sources.add(source)
    return plan


def move_edit(
    vault: Snapshot,
    encoder: Encoder,
    moves: Mapping[str, str],
    documents: Mapping[str, OpenDocument],
    display_text: bool = True,
    annotate: bool = False,
) -> tuple[types.WorkspaceEdit, Plan]:
    """The ``WorkspaceEdit`` of ``plan_moves``: text edits only, under the URIs the notes have
    before the move (the editor moves the files itself)."""
    plan = plan_moves(vault, moves, display_text)
    description = counted(plan.links, plan.notes)
    edit = workspace_edit(encoder, plan.edits, [], documents, plan.label, description, annotate)
    return edit, plan


def counted(links: int, notes: int) -> str:
    """``3 links in 2 notes``."""
    return f"{_count(links, 'link')} in {_count(notes, 'note')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# --- which links ----------------------------------------------------------------------------


def _links_to_check(vault: Snapshot, moves: Mapping[str, str]) -> Iterator[tuple[str, Link]]:
    """Links into moved files, links out of moved notes, and links that name a moved file's
    old or new name (a file of that name comes or goes there): each once, in path order."""
    index = vault.index
    seen: set[tuple[str, int]] = set()
    found: list[tuple[str, Link]] = []

    def add(source: str, link: Link) -> None:
        if link.target and (source, id(link)) not in seen:
            seen.add((source, id(link)))
            found.append((source, link))

    for old in moves:
        for source, link in links_to(vault, old):
            add(source, link)
        note = index.notes.get(old)
        for link in note.links if note else ():
            add(old, link)
    names = {last_name(path) for pair in moves.items() for path in pair}
    for name in sorted(names):
        for source in sorted(index.notes_naming(name)):
            note = index.notes.get(source)
            for link in note.links if note else ():
                if link.target and last_name(link.target) == name:
                    add(source, link)
    found.sort(key=lambda item: (item[0], item[1].target_range))
    return iter(found)


# --- one link ---------------------------------------------------------------------------------


def _edits_for(
    vault: Snapshot,
    after: FilesAfter,
    texts: Texts,
    moves: Mapping[str, str],
    source: str,
    link: Link,
    display_text: bool,
) -> list[Replacement]:
    before = vault.index.resolve(link, source)
    moved_source = moves.get(source, source)
    if before.path is None:
        return _broken_relative(texts, moves, source, link)
    target = moves.get(before.path, before.path)
    now = resolve_link(after, link, moved_source)
    if now.path == target and (not now.ambiguous or before.ambiguous):
        return []
    written = _written(texts, source, link)
    rewritten = _rewrite(after, link, written, texts, source, moved_source, before.path, target)
    edits = [Replacement(source, link.target_range, texts.quoted(source, link, rewritten))]
    old_name, name = _name_of(before.path), _name_of(target)
    if display_text and old_name != name:
        display = display_edit(texts, source, link, old_name, name)
        if display is not None:
            edits.append(display)
    return edits


def _written(texts: Texts, source: str, link: Link) -> str:
    written = texts.span(source, link.target_range)
    if _as_read(link, written).replace("\\", "/") != link.target.replace("\\", "/"):
        # the parser placed the link elsewhere than it stands: editing there would lose text
        raise RenameRefused(
            f"{source}:{link.target_range[0] + 1}: the link to {link.target!r} is not where "
            "vault-ls reads it (please report this note); nothing was changed"
        )
    return written


def _rewrite(
    after: FilesAfter,
    link: Link,
    written: str,
    texts: Texts,
    source: str,
    moved_source: str,
    old_target: str,
    target: str,
) -> str:
    """The target text for ``link`` in its own form, reaching ``target`` from ``moved_source``
    in the vault after the move: unambiguously where any form does."""
    candidates = list(_candidates(link, written, texts, source, moved_source, old_target, target))
    reached = [(c, _reaches(after, link, moved_source, c)) for c in candidates]
    for candidate, resolution in reached:
        if resolution.path == target and not resolution.ambiguous:
            return candidate
    for candidate, resolution in reached:
        if resolution.path == target:
            return candidate
    raise RenameRefused(f"no link from {moved_source} would reach {target}")  # a path always does


def _candidates(
    link: Link,
    written: str,
    texts: Texts,
    source: str,
    moved_source: str,
    old_target: str,
    target: str,
) -> Iterator[str]:
    """The forms to try, closest to what is written first."""
    old_name, name = _name_of(old_target), _name_of(target)
    relative = written.startswith(("./", "../"))
    if link.kind == "markdown":
        angle = texts.before(source, link.target_range) == "<"
        yield link_forms.renamed_markdown(written, old_name, name, angle)
        from_here = relative or _is_relative_to(link, source, old_target)
        rooted = _rooted_markdown(written, target, angle)
        from_elsewhere = link_forms.relative_markdown(moved_source, target, written, angle)
        yield from (from_elsewhere, rooted) if from_here else (rooted, from_elsewhere)
        return
    yield link_forms.renamed_wiki(written, old_name, name)
    if relative:
        yield _relative_wiki(moved_source, target, written)
    suffixes = list(_wiki_paths(written, target))
    qualified = "/" in written.replace("\\", "/").strip("/")
    if qualified and name_key(written) == name_key(old_target):  # a full path stays one
        suffixes = suffixes[-1:] + suffixes[:-1]
    elif qualified:  # a path stays a path where one is long enough to be one
        suffixes = suffixes[1:] + suffixes[:1]
    yield from suffixes


def _is_relative_to(link: Link, source: str, target: str) -> bool:
    """Whether the markdown ``link`` reached ``target`` as a path from ``source``'s folder."""
    written = link.target.replace("\\", "/")
    if written.startswith("/"):
        return False
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), written))
    return name_key(path) == name_key(target) or path.lower() == target.lower()


def _rooted_markdown(written: str, target: str, angle: bool) -> str:
    """``target`` as a markdown path from the vault root, ``/`` and ``.md`` as written."""
    _, last = link_forms.split_written(written)
    path = target
    if target.lower().endswith(NOTE_SUFFIX) and not unquote(last).lower().endswith(NOTE_SUFFIX):
        path = without_note_suffix(target)
    return ("/" if written.startswith("/") else "") + link_forms.encode_markdown(path, angle)


def _relative_wiki(moved_source: str, target: str, written: str) -> str:
    folder = posixpath.dirname(moved_source)
    path = posixpath.relpath(target, folder or ".")
    if written.startswith("./") and not path.startswith("../"):
        path = "./" + path
    _, last = link_forms.split_written(written)
    if target.lower().endswith(NOTE_SUFFIX) and not last.lower().endswith(NOTE_SUFFIX):
        path = without_note_suffix(path)
    return path


def _wiki_paths(written: str, target: str) -> Iterator[str]:
    """Path-qualified wikilink targets for ``target``, shortest first, ``.md`` as written."""
    _, last = link_forms.split_written(written)
    for suffix in path_suffixes(without_note_suffix(target)):
        if target.lower().endswith(NOTE_SUFFIX):
            yield link_forms.with_suffix_of(last, suffix)
        else:
            yield suffix


def _broken_relative(
    texts: Texts, moves: Mapping[str, str], source: str, link: Link
) -> list[Replacement]:
    """A broken ``./`` or ``../`` link in a moved note keeps naming the same vault path (the
    note it names may be written later); other broken links name no place to keep."""
    moved_source = moves.get(source)
    target = link.target.replace("\\", "/")
    if moved_source is None or not target.startswith(("./", "../")):
        return []
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    if path == ".." or path.startswith("../"):
        return []
    written = _written(texts, source, link)
    if link.kind == "markdown":
        angle = texts.before(source, link.target_range) == "<"
        rewritten = link_forms.relative_markdown(moved_source, path, written, angle)
    else:
        rewritten = _relative_wiki(moved_source, path, written)
    if rewritten == written:
        return []
    return [Replacement(source, link.target_range, texts.quoted(source, link, rewritten))]


def _as_read(link: Link, written: str) -> str:
    return unquote(written) if link.kind == "markdown" else written.strip()


def _reaches(after: FilesAfter, link: Link, source: str, written: str) -> Resolution:
    return resolve_link(after, dataclasses.replace(link, target=_as_read(link, written)), source)


def _name_of(path: str) -> str:
    """The name a link gives a file: a note's without ``.md``, an attachment's with its
    extension."""
    return without_note_suffix(path.rsplit("/", 1)[-1])


# --- the vault after the move ------------------------------------------------------------------


class FilesAfter:
    """The file names resolution reads (``resolve.FileNames``), as they will be after
    ``moves`` (old path -> new path) of notes and attachments."""

    def __init__(self, index: VaultIndex, moves: Mapping[str, str]) -> None:
        notes = {old: new for old, new in moves.items() if old in index.notes}
        files = {old: new for old, new in moves.items() if old in index.attachments}
        self.note_keys: Mapping[str, Set[str]] = KeysAfter(index.note_keys, notes, name_key)
        self.attachment_keys: Mapping[str, Set[str]] = KeysAfter(
            index.attachment_keys, files, str.lower
        )


def read_at_new_paths(vault: Snapshot, moves: Mapping[str, str]) -> Snapshot:
    """``vault`` as it was before files the editor has moved already: each moved note's text
    read at its new path."""
    texts = dict(vault.texts)
    texts.update({old: vault.texts[new] for old, new in moves.items() if new in vault.texts})
    read = vault.read
    return dataclasses.replace(vault, texts=texts, read=lambda path: read(moves.get(path, path)))


def at_new_uris(edit: types.WorkspaceEdit, uris: Mapping[str, str]) -> types.WorkspaceEdit:
    """``edit`` for files the editor has moved already: each edit of a moved note under the
    note's new URI (``uris``: old -> new)."""
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            document = change.text_document
            document.uri = uris.get(document.uri, document.uri)
    return edit
