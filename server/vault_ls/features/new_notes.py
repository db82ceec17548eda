"""New notes (``vault-ls.createNote``, ``vault-ls.openDailyNote``): where a note goes, what it
starts with, and the workspace edit that makes it — a ``CreateFile`` that never overwrites, then
the content inserted into the empty file. The editor applies it; the server writes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.features.moment import format_moment
from vault_ls.features.wire import RequestError
from vault_ls.vault.snapshot import Snapshot

# Obsidian refuses these in file names; ``# ^ [ ] |`` it allows, but links cannot name them.
FORBIDDEN = '*"\\<>:|?#^[]'
TEMPLATE_FIELD = re.compile(r"\{\{\s*(date|time|title)\s*(?::(.*?))?\s*\}\}", re.I)


@dataclass(frozen=True)
class NewNote:
    path: str  # vault path, ``.md`` included
    content: str


def note_path(snapshot: Snapshot, name: str, folder: str) -> str:
    """The vault path of a note called ``name`` (which may hold folders, ``a/b``) in ``folder``,
    or RequestError saying what is wrong with it: empty parts, ``..``, hidden folders, characters
    a file name cannot hold, or a file that is already there."""
    name = name.strip()
    if name.lower().endswith(".md"):
        name = name[:-3]
    parts = [part.strip() for part in f"{folder.strip().strip('/')}/{name}".split("/")]
    parts = parts[1:] if parts[0] == "" else parts  # no folder
    if not name or any(part == "" for part in parts):
        raise RequestError(f"cannot create a note named {name!r}: a name is needed")
    for part in parts:
        if part in (".", "..") or part.startswith("."):
            raise RequestError(
                f"cannot create {'/'.join(parts)}.md: {part!r} would leave the vault or hide "
                "the note (names starting with a dot are not notes)"
            )
        bad = sorted({char for char in part if char in FORBIDDEN or ord(char) < 32})
        if bad:
            shown = " ".join(repr(char)[1:-1] for char in bad)
            raise RequestError(
                f"cannot create {'/'.join(parts)}.md: a note's name cannot hold {shown}"
            )
    path = "/".join(parts) + ".md"
    if path in snapshot.index.notes or path in snapshot.index.attachments:
        raise RequestError(f"{path} already exists in the vault at {snapshot.root}")
    return path


def new_folder(location: str, folder_setting: str, current: str | None) -> str:
    """Where a note goes when no folder is asked for: Obsidian's "default location for new
    notes" (``root``, ``folder``, or ``current``: the folder of the note being edited)."""
    if location == "folder":
        return folder_setting
    if location == "current" and current:
        return current.rsplit("/", 1)[0] if "/" in current else ""
    return ""


def daily_path(folder: str, pattern: str, when: datetime) -> str:
    """The daily note of ``when``'s day, as Obsidian names it (the format may hold folders)."""
    name = format_moment(when, pattern or "YYYY-MM-DD")
    return "/".join(part for part in (folder.strip("/"), name) if part) + ".md"


def daily_content(snapshot: Snapshot, template: str, title: str, when: datetime) -> str:
    """The daily note's template with ``{{date}}``, ``{{time}}``, ``{{title}}`` and
    ``{{date:FORMAT}}`` filled in, as Obsidian's daily notes fill them ("" without a template)."""
    if not template:
        return ""
    path = template if template.lower().endswith(".md") else f"{template}.md"
    path = path.strip("/")
    if path not in snapshot.index.notes:
        raise RequestError(
            f"the daily notes template {path} is not a note of the vault at {snapshot.root}"
        )

    def field(match: re.Match[str]) -> str:
        kind, pattern = match.group(1).lower(), match.group(2)
        if kind == "title":
            return title
        if pattern:
            return format_moment(when, pattern.strip())
        return format_moment(when, "HH:mm") if kind == "time" else title

    return TEMPLATE_FIELD.sub(field, snapshot.text(path))


def create_edit(encoder: Encoder, note: NewNote) -> types.WorkspaceEdit:
    """Create the file, failing if it exists (``overwrite`` and ``ignoreIfExists`` both false:
    the whole edit is refused), then insert the content."""
    uri = encoder.uri(note.path)
    changes: list[types.CreateFile | types.TextDocumentEdit] = [
        types.CreateFile(
            uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
        )
    ]
    if note.content:
        start = types.Position(line=0, character=0)
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[
                    types.TextEdit(range=types.Range(start=start, end=start), new_text=note.content)
                ],
            )
        )
    return types.WorkspaceEdit(document_changes=changes)
