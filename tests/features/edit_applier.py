"""An editor's way of applying a ``WorkspaceEdit``, written for the tests, sharing no code with the
server: UTF-16 columns, LSP line breaks (``\\n``, ``\\r\\n``, ``\\r``), edits of one document
applied together (they must not overlap), ``RenameFile`` and ``CreateFile`` refused over an
existing file, and a closed file's byte order mark kept aside as editors keep it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

BREAK = re.compile(r"\r\n|\n|\r")


class Refused(Exception):
    pass


def vault_path(uri: str, root: Path) -> str:
    return Path(unquote(urlparse(uri).path)).relative_to(root).as_posix()


def offset(text: str, position: types.Position) -> int:
    starts = [0] + [m.end() for m in BREAK.finditer(text)]
    if position.line >= len(starts):
        raise Refused(f"line {position.line} is past the end")
    start = starts[position.line]
    end = len(text) if position.line + 1 >= len(starts) else starts[position.line + 1]
    line = BREAK.sub("", text[start:end])
    units = 0
    for index, ch in enumerate(line):
        if units == position.character:
            return start + index
        units += 2 if ord(ch) > 0xFFFF else 1
    if units == position.character:
        return start + len(line)
    raise Refused(f"column {position.character} is not on a character boundary of {line!r}")


def apply(
    files: Mapping[str, str],
    edit: types.WorkspaceEdit,
    root: Path,
    versions: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """``files`` after ``edit``; ``versions``: the open documents' versions."""
    out = dict(files)
    versions = versions or {}
    assert edit.changes is None  # every change goes through documentChanges
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            new = vault_path(change.uri, root)
            assert change.options is not None and change.options.overwrite is False
            if any(path.lower() == new.lower() for path in out):
                if change.options.ignore_if_exists:
                    continue
                raise Refused(f"{new} exists")
            out[new] = ""
            continue
        if isinstance(change, types.RenameFile):
            old, new = vault_path(change.old_uri, root), vault_path(change.new_uri, root)
            assert change.options is not None and change.options.overwrite is False
            assert change.options.ignore_if_exists is False
            if any(path.lower() == new.lower() and path != old for path in out):
                raise Refused(f"{new} exists")
            out[new] = out.pop(old)
            continue
        assert isinstance(change, types.TextDocumentEdit)
        path = vault_path(change.text_document.uri, root)
        if change.text_document.version != versions.get(path):
            raise Refused(f"{path}: version {change.text_document.version}")
        text = out[path]
        bom = "\ufeff" if path not in versions and text.startswith("\ufeff") else ""
        text = text[len(bom) :]
        spans = sorted(
            (offset(text, e.range.start), offset(text, e.range.end), e.new_text)
            for e in change.edits
        )
        for (_, end, _), (start, _, _) in itertools.pairwise(spans):
            if start < end:
                raise Refused(f"{path}: overlapping edits")
        for start, end, new_text in reversed(spans):
            text = text[:start] + new_text + text[end:]
        out[path] = bom + text
    return out
