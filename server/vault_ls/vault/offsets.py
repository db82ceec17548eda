"""Map offsets in an inline token's ``content`` back to source positions.

markdown-it gives block tokens a line span (``map``) but inline text no positions, and the
content it hands to inline rules has block syntax removed (``> ``, list markers, indentation,
``\\|`` unescaped in table cells). Each content line is the tail of its source line, except in
ATX headings (closing ``#``s) and table cells, which are located explicitly.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache

from vault_ls.vault.positions import Position, Range


class InlineMap:
    """Content offset -> source ``Position`` for one inline token."""

    def __init__(
        self,
        line_starts: list[tuple[int, int, int]] | Callable[[], list[tuple[int, int, int]]],
        columns: tuple[int, ...] | None = None,
    ):
        # (content offset where a content line starts, source line, source column of that start),
        # or a function computing them on first use: most inline tokens never need a position.
        self._pending = line_starts if callable(line_starts) else None
        self._starts: list[tuple[int, int, int]] = [] if callable(line_starts) else line_starts
        self._offsets = [start[0] for start in self._starts]
        self._columns = columns  # per-character columns for a table cell (one source line)
        self._shift = 0

    def shifted(self, by: int) -> InlineMap:
        """The map for text parsed on its own from offset ``by`` (an image's label)."""
        inner = copy.copy(self)
        inner._shift += by
        return inner

    def range(self, start: int, end: int) -> Range:
        """The source range of content offsets ``start`` to ``end``."""
        return Range.of(*self._where(start), *self._where(end))

    def position(self, offset: int) -> Position:
        return Position(*self._where(offset))

    def _where(self, offset: int) -> tuple[int, int]:
        """(line, column) of ``offset``: plain tuples, as a note has hundreds of thousands."""
        offset += self._shift
        if self._pending is not None:
            self._starts, self._pending = self._pending(), None
            self._offsets = [start[0] for start in self._starts]
        if self._columns is not None:
            # Just after the previous character, so a range ending before a ``\|`` stops
            # before its backslash.
            columns, line = self._columns, self._starts[0][1]
            offset = min(offset, len(columns) - 1)
            return line, columns[offset - 1] + 1 if offset > 0 else columns[0]
        starts = self._starts
        index = max(0, bisect_right(self._offsets, offset) - 1) if len(starts) > 1 else 0
        content_start, line, column = starts[index]
        return line, column + offset - content_start


class LineMap:
    """Content offset -> source ``Position`` for content that is one stretch of one source
    line, as most inline content is: a position is one addition."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int):
        self.line = line
        self.column = column  # the source column of content offset 0

    def shifted(self, by: int) -> LineMap:
        return LineMap(self.line, self.column + by)

    def range(self, start: int, end: int) -> Range:
        return Range.of(self.line, self.column + start, self.line, self.column + end)

    def position(self, offset: int) -> Position:
        return Position(self.line, self.column + offset)


PositionMap = InlineMap | LineMap


def _column_of(source_line: str, content_line: str) -> int:
    """Source column where ``content_line`` (a tail of the source line) begins."""
    if source_line.endswith(content_line):
        return len(source_line) - len(content_line)
    trimmed = source_line.rstrip()
    if trimmed.endswith(content_line):
        return len(trimmed) - len(content_line)
    core = content_line.lstrip()
    found = source_line.find(core) if core else -1
    if found < 0:
        return 0
    # Below zero when markdown-it wrote spaces for the part of a tab left of the container's
    # indent (``\t\t\t- x`` in a list item reads ``  \t\t- x``): its text still lands on its
    # characters, and no element starts in that whitespace.
    return found - (len(content_line) - len(core))


def block_map(content: str, first_line: int, lines: list[str]) -> PositionMap:
    # A first line of whitespace only (U+2028 alone, say, after ``- `` or ``> ``) is not in the
    # content: markdown-it strips a paragraph's content whole, with Python's (and JavaScript's)
    # idea of whitespace, which is wider than Markdown's.
    head = content.split("\n", 1)[0].strip()
    while (
        head
        and first_line + 1 < len(lines)
        and head not in lines[first_line]
        and _ONLY_MARKERS.fullmatch(lines[first_line].strip())
    ):
        first_line += 1
    if "\n" not in content:  # one line: its start costs as little as deferring it would
        source = lines[first_line] if first_line < len(lines) else ""
        return LineMap(first_line, _column_of(source, content))

    def starts() -> list[tuple[int, int, int]]:
        found = []
        offset = 0
        for index, part in enumerate(content.split("\n")):
            line = first_line + index
            source = lines[line] if line < len(lines) else ""
            found.append((offset, line, _column_of(source, part)))
            offset += len(part) + 1
        return found

    return InlineMap(starts)


def heading_map(content: str, line: int, lines: list[str]) -> LineMap:
    """ATX heading: the content follows the ``#`` marker; closing ``#``s may trail it."""
    source = lines[line] if line < len(lines) else ""
    marker_end = len(source) - len(source.lstrip(" \t"))
    marker_end += len(source[marker_end:]) - len(source[marker_end:].lstrip("#"))
    found = source.find(content, marker_end) if content else -1
    return LineMap(line, found if found >= 0 else marker_end)


def table_cell_map(content: str, line: int, cell_index: int, lines: list[str]) -> PositionMap:
    """A table cell, split the way markdown-it splits rows (``\\|`` is not a separator)."""
    source = lines[line] if line < len(lines) else ""
    markers = _QUOTE_MARKERS.match(source)  # matches every line (maybe empty)
    cells = _split_row(source, markers.end() if markers else 0)
    if 0 <= cell_index < len(cells):
        columns = cells[cell_index]
        text = "".join(source[c] for c in columns[:-1])
        if text == content:
            return InlineMap([(0, line, columns[0])], columns)
    return block_map(content, line, lines)


# what a line holds when a container's markers are all there is on it
_ONLY_MARKERS = re.compile(r"(?:[>*+-]|\d{1,9}[.)]|\s)*")
# the ``>`` markers of the block quotes a table row stands in: not part of its first cell
_QUOTE_MARKERS = re.compile(r"(?:[ ]{0,3}>[ \t]?)*")


@lru_cache(maxsize=4)
def _split_row(source: str, start: int) -> tuple[tuple[int, ...], ...]:
    """Per cell of the row from column ``start``: the source column of each kept character,
    plus one past the last.

    Cached: every cell of a row asks for the same split, and splitting once per cell made a long
    row quadratic.
    """
    cells: list[list[int]] = [[]]
    escaped = False
    for column in range(start, len(source)):
        ch = source[column]
        if ch == "|" and not escaped:
            cells.append([])
        elif ch == "|" and escaped:
            cells[-1][-1] = column  # ``\\|`` keeps the pipe, drops the backslash
        else:
            cells[-1].append(column)
        escaped = ch == "\\"
    if cells and not "".join(source[c] for c in cells[0]).strip():
        cells.pop(0)
    if cells and not "".join(source[c] for c in cells[-1]).strip():
        cells.pop()
    trimmed: list[tuple[int, ...]] = []
    for columns in cells:
        while columns and source[columns[0]] in " \t":
            columns.pop(0)
        end = columns[-1] + 1 if columns else 0
        while columns and source[columns[-1]] in " \t":
            end = columns.pop()
        trimmed.append((*columns, end))
    return tuple(trimmed)
