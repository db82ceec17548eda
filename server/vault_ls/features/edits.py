"""Workspace edits: a plan's replacements and file moves as one ``WorkspaceEdit``.

Text edits come first, under the URIs the files have before any move (a client applies
``documentChanges`` in order); each open document's edit carries the version of the text the
plan was computed from, so a client that has moved on refuses it instead of misplacing it.
A move is a ``RenameFile`` that never overwrites; a new file is a ``CreateFile`` that never
overwrites either (``ignoreIfExists``), then an insert of its first text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from lsprotocol import types

from vault_ls.features.convert import Encoder
from vault_ls.vault.positions import Range

ANNOTATION = "vault-ls.rename"
BOM = "\ufeff"


@dataclass(frozen=True)
class OpenDocument:
    uri: str  # as the client spelled it
    version: int | None


@dataclass(frozen=True)
class Replacement:
    path: str
    range: Range  # code points, in the text the snapshot shows
    text: str


@dataclass(frozen=True)
class NewFile:
    path: str  # a vault path where no file is
    text: str  # what it starts with


def workspace_edit(
    encoder: Encoder,
    replacements: Sequence[Replacement],
    moves: Sequence[tuple[str, str]],
    documents: Mapping[str, OpenDocument],
    label: str,
    description: str,
    annotate: bool,
    creates: Sequence[NewFile] = (),
) -> types.WorkspaceEdit:
    """``annotate``: the client supports change annotations (a preview with ``label``).
    ``creates`` come first: a file that exists by then is left as it is."""
    annotation = ANNOTATION if annotate else None
    changes: list[types.TextDocumentEdit | types.RenameFile | types.CreateFile] = []
    for new_file in creates:
        address = encoder.uri(new_file.path)
        changes.append(
            types.CreateFile(
                uri=address,
                options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True),
                annotation_id=annotation,
            )
        )
        start = types.Position(0, 0)
        insert = types.TextEdit(range=types.Range(start, start), new_text=new_file.text)
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=address, version=None)
        changes.append(types.TextDocumentEdit(text_document=identifier, edits=[insert]))
    ordered = sorted(replacements, key=lambda edit: (edit.path, edit.range))
    for path, group in groupby(ordered, key=lambda edit: edit.path):
        document = documents.get(path)
        uri = document.uri if document else encoder.uri(path)
        edits: list[types.TextEdit | types.AnnotatedTextEdit] = []
        for edit in group:
            where = _client_range(encoder, path, edit.range, document is None)
            if annotation is None:
                edits.append(types.TextEdit(range=where, new_text=edit.text))
            else:
                edits.append(
                    types.AnnotatedTextEdit(
                        range=where, new_text=edit.text, annotation_id=annotation
                    )
                )
        version = document.version if document else None
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        changes.append(types.TextDocumentEdit(text_document=identifier, edits=edits))
    for old, new in moves:
        document = documents.get(old)
        changes.append(
            types.RenameFile(
                old_uri=document.uri if document else encoder.uri(old),
                new_uri=encoder.uri(new),
                options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False),
                annotation_id=annotation,
            )
        )
    annotations = None
    if annotation is not None:
        annotations = {
            annotation: types.ChangeAnnotation(
                label=label, needs_confirmation=False, description=description
            )
        }
    return types.WorkspaceEdit(document_changes=changes, change_annotations=annotations)


def file_creation(
    encoder: Encoder, path: str, text: str
) -> list[types.CreateFile | types.TextDocumentEdit]:
    """A new file holding ``text``: a ``CreateFile`` that neither overwrites nor passes over a
    file that exists (the client fails the edit), then ``text`` inserted into it."""
    uri = encoder.uri(path)
    start = types.Position(0, 0)
    return [
        types.CreateFile(
            uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
        ),
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
            edits=[types.TextEdit(range=types.Range(start, start), new_text=text)],
        ),
    ]


def _client_range(encoder: Encoder, path: str, where: Range, from_disk: bool) -> types.Range:
    """A closed note read from disk may begin with a byte order mark; editors open it without
    one (VS Code, Neovim keep it aside), so first-line columns count one less there."""
    converted = encoder.range(path, where)
    if from_disk and encoder.lines(path)[0].startswith(BOM):
        for position in (converted.start, converted.end):
            if position.line == 0 and position.character > 0:
                position.character -= 1
    return converted
