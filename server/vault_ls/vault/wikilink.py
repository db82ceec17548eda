"""The inside of ``[[...]]``: target, heading path, block id and display text.

Shared by the markdown-it rule (body) and the frontmatter scanner, so both read a link alike.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# ``[[inside]]`` or ``![[inside]]``, on one line; the inside may not open another ``[[``, and ends
# at the first ``]]`` (a lone ``]`` is part of it, as in Obsidian: ``[[Sq]uare]]``), newline or
# ``[[``. Written as runs of plain characters between lone brackets: four times quicker than one
# character a step, and linear on a line of many ``[[`` (each character matches one way only).
# No possessive quantifiers: Debian 12's Python 3.11.2 compiles them but matches nothing.
WIKILINK = re.compile(r"(!?)\[\[([^\]\n\[]*(?:(?:\[(?!\[)|\](?!\]))[^\]\n\[]*)*)\]\]")


class WikiParts(NamedTuple):
    target: str
    headings: tuple[str, ...]
    block: str | None
    display: str | None
    target_length: int  # code points of the target as written, from the start of the inside


def split_wikilink(inside: str) -> WikiParts | None:
    """Split the text between ``[[`` and ``]]``; None when it is not a link.

    ``t|text`` and ``t\\|text`` (the table form) both carry display text; ``t#H1#H2`` a heading
    path; ``t#^id`` a block; ``#H`` and ``#^id`` point into the same note.
    """
    pipe = inside.find("|")
    if pipe >= 0:
        head, display = inside[:pipe], inside[pipe + 1 :]
        if head.endswith("\\"):
            head = head[:-1]
    else:
        head, display = inside, None
    hash_at = head.find("#")
    if hash_at >= 0:
        written_target, anchor = head[:hash_at], head[hash_at + 1 :]
    else:
        written_target, anchor = head, ""
    target = written_target.strip()
    if not target and not anchor.strip():
        return None
    block: str | None = None
    headings: tuple[str, ...] = ()
    if anchor.startswith("^"):
        block = anchor[1:].strip()
    elif anchor:
        parts = [part.strip() for part in anchor.split("#")]
        if parts and parts[-1].startswith("^"):
            block = parts.pop()[1:]
        headings = tuple(part for part in parts if part)
    if not target and not headings and not block:
        return None
    return WikiParts(target, headings, block, display, len(written_target.rstrip()))
