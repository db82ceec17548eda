"""The markdown-it-py parser the engine uses, with Obsidian's additions as inline and block rules.

CommonMark + GFM tables and strikethrough + front matter + ``$math$`` and ``$$math$$`` come from
markdown-it-py and mdit-py-plugins. Our rules add wikilinks/embeds, ``#tags`` and
``%%comments%%``, and record where each markdown link or image starts and ends (markdown-it keeps
no inline positions). Because every one of these is a token, nothing inside code, math, HTML
comments or ``%%`` is a link or tag.
Offsets recorded in ``token.meta`` index the inline token's ``content``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt, rules_inline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.front_matter.index import _front_matter_rule

from vault_ls.vault.wikilink import WIKILINK, split_wikilink

InlineRule = Callable[[StateInline, bool], bool]


def match_wikilink(src: str, start: int) -> dict[str, Any] | None:
    """The wikilink or embed starting at ``start``, as ``wikilink`` token meta; None if none."""
    found = WIKILINK.match(src, start)
    return None if found is None else wikilink_meta(found)


def wikilink_meta(found: re.Match[str]) -> dict[str, Any] | None:
    """``wikilink`` token meta for a ``WIKILINK`` match; None when its inside is no link."""
    inside = found.group(2)
    parts = split_wikilink(inside)
    if parts is None:
        return None
    inner_start = found.start(2)
    return {
        "start": found.start(),
        "end": found.end(),
        "target_start": inner_start + _leading_space(inside),
        "target_end": inner_start + parts.target_length,
        "embed": found.group(1) == "!",
        "parts": parts,
    }


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    meta = match_wikilink(state.src, state.pos)
    if meta is None:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = state.src[meta["start"] : meta["end"]]
        token.meta = meta
    state.pos = meta["end"]
    return True


def _leading_space(text: str) -> int:
    return len(text) - len(text.lstrip())


def is_tag_char(ch: str) -> bool:
    if ch.isalnum() or ch in "_-/":
        return True
    return ord(ch) > 0x7F and unicodedata.category(ch)[0] in "LMNS"


def tag_end(text: str, start: int) -> int:
    """End of the tag whose ``#`` is at ``start``, or ``start`` when none begins there."""
    end = start + 1
    while end < len(text) and is_tag_char(text[end]):
        end += 1
    name = text[start + 1 : end]
    if not name or all(ch.isdigit() or ch == "/" for ch in name):
        return start
    return end


def tag_rule(state: StateInline, silent: bool) -> bool:
    """``#tag`` after whitespace or at the start; ``#1984`` is not a tag."""
    src, start = state.src, state.pos
    if src[start] != "#" or (start > 0 and not src[start - 1].isspace()):
        return False
    end = tag_end(src, start)
    if end == start:
        return False
    if not silent:
        token = state.push("tag", "", 0)
        token.content = src[start + 1 : end]
        token.meta = {"start": start, "end": end}
    state.pos = end
    return True


def comment_inline_rule(state: StateInline, silent: bool) -> bool:
    """``%%hidden%%`` inside a paragraph (it may span the paragraph's lines)."""
    src, start = state.src, state.pos
    if not src.startswith("%%", start):
        return False
    close = src.find("%%", start + 2)
    if close < 0:
        return False
    if not silent:
        token = state.push("obsidian_comment", "", 0)
        token.content = src[start + 2 : close]
    state.pos = close + 2
    return True


def comment_block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A ``%%`` comment that starts a line and runs to a line holding the closing ``%%``.

    An unclosed ``%%`` hides the rest of the note, as in Obsidian.
    """
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first = state.src[begin : state.eMarks[start_line]]
    if not first.startswith("%%"):
        return False
    close = first.find("%%", 2)
    if close >= 0 and first[close + 2 :].strip():
        return False  # text follows on the same line: the inline rule handles it
    line = start_line
    if close < 0:
        line += 1
        while line < end_line:
            text = state.src[state.bMarks[line] : state.eMarks[line]]
            if "%%" in text:
                break
            line += 1
    if silent:
        return True
    last = min(line, end_line - 1)
    token = state.push("obsidian_comment", "", 0)
    token.map = [start_line, last + 1]
    state.line = last + 1
    return True


def track_position(rule: InlineRule) -> InlineRule:
    """Wrap markdown-it's ``link``/``image`` rule to record where the link, its label and its
    destination stand (``dest_start`` is None for a reference-style link)."""

    def tracked(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if silent:
            return True
        # Pending text may be flushed as a token first: take the first link/image token.
        token = next((t for t in state.tokens[count:] if t.type in ("link_open", "image")), None)
        if token is not None:
            token.meta = {**(token.meta or {}), "start": start, "end": state.pos}
            token.meta.update(_destination(state, start + (1 if token.type == "image" else 0)))
        return True

    return tracked


def _destination(state: StateInline, label_start: int) -> dict[str, int | None]:
    end = state.pos
    label_end = state.md.helpers.parseLinkLabel(state, label_start, False)
    state.pos = end
    found: dict[str, int | None] = {"label_end": label_end, "dest_start": None, "dest_end": None}
    src, pos = state.src, label_end + 1
    if label_end < 0 or pos >= len(src) or src[pos] != "(":
        return found
    pos += 1
    while pos < end and src[pos] in " \t\n":
        pos += 1
    result = state.md.helpers.parseLinkDestination(src, pos, state.posMax)
    if result.ok:
        found["dest_start"], found["dest_end"] = pos, result.pos
    return found


# Inline content holding none of these yields no link, tag or comment, and a `` ^id`` at its end
# is plain text: its inline pass (the costly half of parsing) is skipped.
NEEDS_INLINE = re.compile(r"[\[#`$%<]")


def selective_inline(state: StateCore) -> None:
    """markdown-it's ``inline`` core rule, run only where it can find something we keep."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = []
            if NEEDS_INLINE.search(token.content):
                state.md.inline.parse(token.content, state.md, state.env, token.children)


def front_matter_at_the_top(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """mdit-py-plugins' front matter rule, for the note's own first lines only: it also fired in
    a list item on the first line (it checks the note's first character, then counts dashes from
    the item's second one: ``- `--`` opened front matter, and the item's text was lost)."""
    return state.parentType == "root" and _front_matter_rule(state, start, end, silent)


def build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.block.ruler.at(
        "front_matter",
        front_matter_at_the_top,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    # ``double_inline``: Obsidian reads ``$$...$$`` as display math also inside a paragraph
    # (right after a text line, mid-line, in a quote), pairing the delimiters in order. The block
    # rule alone would leave such math to be read as text, and letting a line-start ``$$``
    # interrupt a paragraph would let an unpaired one swallow the blocks after it.
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
    )
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.inline.ruler.before("link", "tag", tag_rule)
    md.inline.ruler.before("link", "obsidian_comment", comment_inline_rule)
    md.inline.add_terminator_char("%")
    md.block.ruler.before(
        "table",
        "obsidian_comment",
        comment_block_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.at("inline", selective_inline)
    md.inline.ruler.at("link", track_position(rules_inline.link))
    md.inline.ruler.at("image", track_position(rules_inline.image))
    return md
