"""Positions inside a note.

The engine counts columns in Unicode code points (Python ``str`` indices), 0-based, on lines split
the way LSP splits them (``\\n``, ``\\r\\n`` or a lone ``\\r``). Editors count in UTF-16 or UTF-8
code units; the helpers at the bottom convert one line's columns between the units.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple


class Position(NamedTuple):
    line: int
    character: int


class Range(tuple[int, int, int, int]):
    """From ``start`` to ``end``, stored flat as (start line, start column, end line, end
    column): one object instead of three, for the million ranges a large vault holds.

    It reads like a pair of positions: ``start``, ``end``, ``start, end = where``; ranges
    compare and sort by start, then end.
    """

    __slots__ = ()

    def __new__(cls, start: Position, end: Position) -> Range:
        return tuple.__new__(cls, (start[0], start[1], end[0], end[1]))

    @classmethod
    def of(cls, line: int, start: int, end_line: int, end: int) -> Range:
        return tuple.__new__(cls, (line, start, end_line, end))

    @property
    def start(self) -> Position:
        return Position(self[0], self[1])

    @property
    def end(self) -> Position:
        return Position(self[2], self[3])

    def __iter__(self) -> Iterator[Position]:  # type: ignore[override]
        yield self.start
        yield self.end

    def __reduce__(self) -> tuple[Any, tuple[int, int, int, int]]:
        return Range.of, (self[0], self[1], self[2], self[3])

    def __repr__(self) -> str:
        return f"Range(start={self.start!r}, end={self.end!r})"

    def contains(self, pos: Position) -> bool:
        return self.start <= pos <= self.end


def normalize_newlines(text: str) -> str:
    """Turn every line ending into ``\\n`` and NUL into U+FFFD, as markdown-it does.

    Both substitutions keep every line's column count, so positions computed on the result are
    positions in the editor's text.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return text


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units of ``text`` (astral characters count twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def to_units(line_text: str, column: int, encoding: str) -> int:
    """A code-point column of ``line_text`` in ``encoding`` units (utf-16, utf-8, utf-32)."""
    if encoding == "utf-32":
        return column
    prefix = line_text[:column]
    if encoding == "utf-8":
        return utf8_length(prefix)
    return utf16_length(prefix)


def from_units(line_text: str, units: int, encoding: str) -> int:
    """Convert a column in ``encoding`` units to a code-point column, clamped to the line."""
    if encoding == "utf-32":
        return max(0, min(units, len(line_text)))
    seen = 0
    for index, ch in enumerate(line_text):
        if seen >= units:
            return index
        code = ord(ch)
        if encoding == "utf-8":
            seen += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
        else:
            seen += 2 if code > 0xFFFF else 1
    return len(line_text)


_LINE_END = re.compile(r"\r\n|\r|\n")


def offset_at(text: str, line: int, units: int, encoding: str) -> int:
    """The index in ``text`` of a position in ``encoding`` units, as the LSP places it: a
    column past the end of its line is the line's end, a line past the last is the text's end."""
    start = 0
    for _ in range(line):
        ending = _LINE_END.search(text, start)
        if ending is None:
            return len(text)
        start = ending.end()
    ending = _LINE_END.search(text, start)
    end = ending.start() if ending else len(text)
    return start + from_units(text[start:end], units, encoding)
