"""How names, headings and titles are compared: one normalisation per kind of text."""

from __future__ import annotations

import functools
import re
import unicodedata

from vault_ls.vault.wikilink import WIKILINK

NOTE_SUFFIX = ".md"
# Obsidian's own cleaning of headings before it compares them: ASCII punctuation except
# ``-``, ``_`` and ``'`` becomes a space. The help vault relies on it: ``[[FAQ#How large can each
# remote vault be]]`` reaches ``### How large can each remote vault be?``.
HEADING_DROPPED = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\]")
# What Obsidian writes for a heading in a link it generates: the characters that would end or
# split the link (brackets, ``|``, ``#``, ``^``, ``:``, ``%%``, ``\\``) become spaces.
# ``## [[Python Sets]] and slicing`` is linked as ``[[Note#Python Sets and slicing]]``.
HEADING_LINK_UNSAFE = re.compile(r"%%|[\[\]|#^:\\\r\n]")
FILENAME_FORBIDDEN = ':/\\?*"<>|'
# in ASCII, what ``title_key`` turns to spaces: all but letters and digits (punctuation,
# symbols, spaces and controls; the forbidden characters are among them)
ASCII_UNKEPT = {code: " " for code in range(128) if not chr(code).isalnum()}


def fold(name: str) -> str:
    """A file name as links match it: lower case, and composed (NFC): macOS writes names
    decomposed (NFD), editors and Obsidian type them composed, and ``[[Café]]`` reaches
    ``Café.md`` either way."""
    folded = name.lower()
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def name_key(target: str) -> str:
    """Lookup key of a link target or a path: ``fold``-ed, ``/``, no ``.md``, no ``./``."""
    key = fold(target.strip().replace("\\", "/"))
    while key.startswith("./"):
        key = key[2:]
    key = key.lstrip("/")
    return without_note_suffix(key)


def without_note_suffix(path: str) -> str:
    """``a/Note.md`` -> ``a/Note`` (any case of ``.md``); other paths as they are."""
    return path[: -len(NOTE_SUFFIX)] if path[-len(NOTE_SUFFIX) :].lower() == NOTE_SUFFIX else path


def shown_text(text: str) -> str:
    """``text`` with each wikilink as a reader sees it: its display text, else its inside."""
    return WIKILINK.sub(_shown, text) if "[[" in text else text


def _shown(link: re.Match[str]) -> str:
    target, bar, display = link.group(2).partition("|")
    return display if bar and display else target


def path_suffixes(path: str) -> list[str]:
    """``a/b/c`` -> ``c``, ``b/c``, ``a/b/c`` (the keys a link may use for this file)."""
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts) - 1, -1, -1)]


# Both keys are asked of the same few texts again and again (every link to a note compares its
# title and headings): remembered, a workspace diagnostic of 10,000 notes takes ~25% less time.
KEYS_REMEMBERED = 1 << 16


@functools.lru_cache(maxsize=KEYS_REMEMBERED)
def heading_key(text: str) -> str:
    """Headings compare after Obsidian-like cleaning (``HEADING_DROPPED``), spaces collapsed, case
    ignored: ``### `hasTag()` `` matches ``[[Functions#hasTag]]``. A link in a heading is
    compared as written, its brackets and ``|`` as spaces (Obsidian keeps the target too):
    ``## [[Sets|Python sets]] today`` is reached by ``[[#Sets Python sets today]]``."""
    return " ".join(HEADING_DROPPED.sub(" ", text).split()).casefold()


def heading_link_text(text: str) -> str:
    """The text Obsidian writes after ``#`` when it links to the heading ``text``."""
    return " ".join(HEADING_LINK_UNSAFE.sub(" ", text).split())


@functools.lru_cache(maxsize=KEYS_REMEMBERED)
def title_key(text: str) -> str:
    """Titles compare ignoring case, whitespace, punctuation, symbols and link brackets, so a
    file name that lost ``:`` or ``?`` still matches its title, while ``Part 2`` != ``Part 1``."""
    text = shown_text(text)
    if text.isascii():  # the same, in C: a title's characters one by one took ~10 µs
        return " ".join(text.lower().translate(ASCII_UNKEPT).split())
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = [
        " " if ch in FILENAME_FORBIDDEN or unicodedata.category(ch)[0] in "PSZC" else ch
        for ch in text
    ]
    return " ".join("".join(kept).split())


def tag_key(name: str) -> str:
    """Tags compare ignoring case, as Obsidian documents: ``#Project`` is ``#project`` and
    ``#Area/Sub`` is ``#area/sub`` (every level folds). ``lower()`` is the mapping JavaScript's
    ``toLowerCase`` applies, which Obsidian and its plugins compare tags with; ``casefold()``
    would also join ``#Straße`` with ``#STRASSE``, two tags in Obsidian."""
    return name.lower()
