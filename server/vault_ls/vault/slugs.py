"""GitHub's heading anchors: ``## Key Features`` is ``#key-features``.

READMEs, Foam workspaces and docs sites link headings this way, and GitHub, VS Code's Markdown
server and Marksman resolve such links. The rule is github-slugger's: the heading's text as
rendered (no markup), lower-cased, without punctuation, symbols (emoji included), controls and
separators, except ``-``, ``_`` and letters of any script; each space becomes ``-``. A slug seen
before in the note gets ``-1``, ``-2``... in document order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from markdown_it import MarkdownIt

from vault_ls.vault.names import KEYS_REMEMBERED

# The Unicode general categories github-slugger drops (``-`` and `` `` excepted): other numbers,
# every punctuation but the connector (``_``), symbols, controls, format, private use,
# unassigned, separators.
DROPPED_CATEGORIES = frozenset(
    {"No", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
    | {"Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp"}
)
# Symbols that are letters all the same (Unicode's Alphabetic property), which github-slugger
# keeps: circled and squared Latin letters (Ⓐ, 🄰, 🅐, 🅰).
ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
# Source that renders differently in a way the slug sees: emphasis with ``_``, code spans, links
# and images (their destination is no text), HTML tags, entities. Other markup (``*``, ``\``)
# is punctuation the slug drops anyway.
MARKUP = re.compile(r"[_`\[<&]")
_inline = MarkdownIt("commonmark")


class _SlugTable(dict[int, int | None]):
    """``str.translate``'s table for a lower-cased heading: each character kept, dropped (None)
    or, for a space, turned into ``-``; decided the first time the character is seen."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        if ch == " ":
            kept: int | None = ord("-")
        elif ch == "-" or unicodedata.category(ch) not in DROPPED_CATEGORIES:
            kept = code
        else:
            alphabetic = any(low <= code <= high for low, high in ALPHABETIC_SYMBOLS)
            kept = code if alphabetic else None
        self[code] = kept
        return kept


_SLUG_TABLE = _SlugTable()


@functools.lru_cache(maxsize=KEYS_REMEMBERED)
def github_slug(heading: str) -> str:
    """The slug of a heading's inline source (``Heading.text``), before repeats are numbered."""
    text = plain_text(heading) if MARKUP.search(heading) else heading
    return text.lower().translate(_SLUG_TABLE)


def github_slugs(headings: Iterable[str]) -> tuple[str, ...]:
    """The anchors of a note's headings, in order: the second ``Notes`` is ``notes-1``."""
    seen: dict[str, int] = {}
    slugs = []
    for heading in headings:
        base = slug = github_slug(heading)
        while slug in seen:
            seen[base] += 1
            slug = f"{base}-{seen[base]}"
        seen[slug] = 0
        slugs.append(slug)
    return tuple(slugs)


def plain_text(source: str) -> str:
    """A heading's text as GitHub reads it: its text and code, without markup, HTML tags or
    images (an image's alt text is no text of the heading)."""
    tokens = _inline.parseInline(source)[0].children or ()
    return "".join(token.content for token in tokens if token.type in ("text", "code_inline"))
