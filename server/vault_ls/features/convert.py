"""The one boundary between engine positions (code points) and LSP positions (client units)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from lsprotocol import types

from vault_ls.vault.positions import Position, Range, from_units, normalize_newlines, to_units
from vault_ls.vault.snapshot import Snapshot

# what ``quote`` leaves as it is, and the space it quotes: most vault paths hold nothing else
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/ -]*")


class Encoder:
    """Converts positions for one request; caches the lines of every note it reads."""

    def __init__(self, vault: Snapshot, encoding: object = "utf-16"):
        self.vault = vault
        # lsprotocol's PositionEncodingKind is a str enum: take its value, not its name
        self.encoding = str(getattr(encoding, "value", encoding))
        self._lines: dict[str, list[str]] = {}
        self._root_uri: str | None = None

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            self._lines[path] = normalize_newlines(self.vault.text(path)).split("\n")
        return self._lines[path]

    def _column(self, path: str, line: int, character: int) -> int:
        if self.encoding == "utf-32":
            return character
        note = self.vault.index.notes.get(path)
        if note is not None and line not in note.wide_lines and path not in self._lines:
            return character  # an ASCII line: every unit is one character, no need to read it
        lines = self.lines(path)
        text = lines[line] if 0 <= line < len(lines) else ""
        return character if text.isascii() else to_units(text, character, self.encoding)

    def position(self, path: str, pos: Position) -> types.Position:
        return types.Position(pos.line, self._column(path, pos.line, pos.character))

    def range(self, path: str, where: Range) -> types.Range:
        return types.Range(self.position(path, where.start), self.position(path, where.end))

    def from_client(self, path: str, pos: types.Position) -> Position:
        lines = self.lines(path)
        text = lines[pos.line] if 0 <= pos.line < len(lines) else ""
        if self.encoding == "utf-32" or text.isascii():
            return Position(pos.line, min(pos.character, len(text)))
        return Position(pos.line, from_units(text, pos.character, self.encoding))

    def uri(self, path: str) -> str:
        """``uri_of`` the note's absolute path, made without pathlib (a graph sends 10,000):
        the root's URI and the path quoted as ``Path.as_uri`` quotes it (UTF-8, ``/`` kept)."""
        if self._root_uri is None:
            self._root_uri = uri_of(self.vault.root).removesuffix("/")
        parts = path.split("/")
        if "" not in parts and "." not in parts:  # else pathlib drops them: let it
            if _PLAIN_PATH.fullmatch(path):
                return f"{self._root_uri}/{path.replace(' ', '%20')}"
            try:
                return f"{self._root_uri}/{quote(path)}"
            except UnicodeEncodeError:  # a name that is not UTF-8 on disk (surrogate escapes)
                pass
        return uri_of(self.vault.absolute(path))

    def units(self, text: str, column: int) -> int:
        """A code-point offset into ``text`` (a context line sent to the client) in client units."""
        return column if text.isascii() else to_units(text, column, self.encoding)

    def location(self, path: str, where: Range) -> types.Location:
        return types.Location(self.uri(path), self.range(path, where))


def uri_of(path: Path) -> str:
    return path.as_uri()


def whole_line(line: int) -> Range:
    return Range(Position(line, 0), Position(line, 0))
