"""The JSON shapes of the plugin backend (``docs/protocol.md``): plain dicts, ranges and context
lines in the client's position units."""

from __future__ import annotations

from typing import Any

from vault_ls.features.convert import Encoder
from vault_ls.vault.positions import Range

CONTEXT_LIMIT = 300  # characters of a context line sent around a link or mention

Json = dict[str, Any]


class RequestError(ValueError):
    """A request that cannot be answered, with the reason for the user (``RequestFailed``)."""


def json_range(encoder: Encoder, path: str, where: Range) -> Json:
    found = encoder.range(path, where)
    return {
        "start": {"line": found.start.line, "character": found.start.character},
        "end": {"line": found.end.line, "character": found.end.character},
    }


def context(encoder: Encoder, path: str, where: Range) -> Json:
    """The line ``where`` starts on, trimmed (to ``CONTEXT_LIMIT`` characters around ``where``
    when longer), with ``where``'s span in it as ``start``/``end`` offsets in client units."""
    lines = encoder.lines(path)
    line = lines[where[0]] if where[0] < len(lines) else ""
    start = where[1]
    end = where[3] if where[2] == where[0] else len(line)
    first = len(line) - len(line.lstrip())
    last = len(line.rstrip())
    if last - first > CONTEXT_LIMIT:
        room = max(0, CONTEXT_LIMIT - (end - start))
        first = max(first, start - room // 2)
        last = min(last, first + CONTEXT_LIMIT)
        first = max(0, min(first, last - CONTEXT_LIMIT))
    text = line[first:last]
    begin = max(0, min(start, last) - first)
    finish = max(begin, min(end, last) - first)
    return {"text": text, "start": encoder.units(text, begin), "end": encoder.units(text, finish)}
