"""``vault/unlinkedMentions``: where other notes write a note's name, title or an alias as plain
text — case-insensitive, word-bounded, never in code, links, URLs, tags or frontmatter.

A word index (``MentionIndex``: word -> the notes whose text holds it) shortlists the notes
holding every word of a name, so a request reads only those, never every body. It is built when
first asked for and kept on the index (``VaultIndex.derived``); afterwards only the notes whose
``Note`` object changed (an edit, a file event) are read again. Chinese and Japanese have no
spaces between words: each of their characters is a word of its own, and a name in them matches
inside a run of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json, context, json_range
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Note
from vault_ls.vault.positions import Range
from vault_ls.vault.snapshot import Snapshot

DEFAULT_LIMIT = 100  # mentions in all
SHORTEST_NAME = 2  # characters: a one-letter name would be mentioned everywhere

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(r"\w+")
HAS_CJK = re.compile(f"[{CJK}]")
BOUNDED_WORD = f"[^\\W{CJK}]"  # a word character that needs a boundary: not CJK
# what a mention never stands in: code spans, wikilinks and embeds, markdown links and images,
# autolinks and bare URLs, %% comments %% and HTML comments on one line
NOT_PROSE = re.compile(
    r"(`+).+?\1"
    r"|!?\[\[.*?\]\]"
    r"|!?\[[^\]]*\]\([^)]*\)"
    r"|<[a-zA-Z][\w+.-]*:[^>\s]*>"
    r"|\b[a-zA-Z][\w+.-]*://\S+|\bwww\.\S+"
    r"|%%.*?%%|<!--.*?-->"
)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def words_of(text: str) -> set[str]:
    found: set[str] = set()
    for word in WORD.findall(text.casefold()):
        if HAS_CJK.search(word):
            found.update(word)
        else:
            found.add(word)
    return found


class MentionIndex:
    def __init__(self) -> None:
        self.version = -1  # of the index last brought up to date with
        self._read: dict[str, tuple[Note, frozenset[str]]] = {}  # note -> (as read, its words)
        self.postings: dict[str, set[str]] = {}  # word -> the notes whose text holds it

    def update(self, vault: Snapshot) -> None:
        index = vault.index
        if self.version == index.version:
            return
        for path in [path for path in self._read if path not in index.notes]:
            self._forget(path)
        for path, note in index.notes.items():
            kept = self._read.get(path)
            if kept is not None and kept[0] is note:
                continue
            if kept is not None:
                self._forget(path)
            try:
                words = frozenset(words_of(vault.text(path)))
            except OSError:
                words = frozenset()  # gone from the disk: the file event follows
            self._read[path] = (note, words)
            for word in words:
                self.postings.setdefault(word, set()).add(path)
        self.version = index.version

    def holding(self, words: set[str]) -> set[str]:
        """The notes whose text holds every one of ``words``."""
        postings = sorted((self.postings.get(word, set()) for word in words), key=len)
        return set(postings[0]).intersection(*postings[1:]) if postings else set()

    def _forget(self, path: str) -> None:
        _, words = self._read.pop(path)
        for word in words:
            notes = self.postings[word]
            notes.discard(path)
            if not notes:
                del self.postings[word]


def mention_index_for(vault: Snapshot) -> MentionIndex:
    kept = vault.index.derived.get(MentionIndex)
    if kept is None:
        table = MentionIndex()
        vault.index.derived[MentionIndex] = (0, table)
    else:
        table = kept[1]  # type: ignore[assignment]
    table.update(vault)
    return table


def names_of(note: Note) -> list[str]:
    """What the note is called, each once (case ignored): file name, titles, aliases."""
    found: dict[str, str] = {}
    for name in [note.name, *(claim.text for claim in note.titles), *note.aliases]:
        name = " ".join(name.split())
        if len(name) >= SHORTEST_NAME and words_of(name):
            found.setdefault(name.casefold(), name)
    return list(found.values())


def _pattern(names: list[str]) -> re.Pattern[str]:
    """One expression for every name, longest first, each a named group: ``n0``, ``n1``…"""
    parts = []
    for number, name in sorted(enumerate(names), key=lambda item: -len(item[1])):
        body = r"\s+".join(re.escape(word) for word in name.split())
        before = f"(?<!{BOUNDED_WORD})" if re.match(BOUNDED_WORD, name) else ""
        after = f"(?!{BOUNDED_WORD})" if re.match(BOUNDED_WORD, name[-1]) else ""
        parts.append(f"(?P<n{number}>{before}{body}{after})")
    return re.compile("|".join(parts), re.IGNORECASE)


def unlinked_mentions(
    vault: Snapshot, path: str, encoder: Encoder, limit: int = DEFAULT_LIMIT
) -> list[Json]:
    index = vault.index
    note = index.notes[path]
    names = names_of(note)
    if not names or limit <= 0:
        return []
    table = mention_index_for(vault)
    candidates: set[str] = set()
    for name in names:
        candidates |= table.holding(words_of(name))
    candidates.discard(path)
    pattern = _pattern(names)
    found = []
    left = limit
    for source in sorted(candidates, key=lambda p: (index.notes[p].name.casefold(), p)):
        mentions = []
        for where, matched in _mentions(index, source, encoder.lines(source), pattern, names):
            mentions.append(
                {
                    "range": json_range(encoder, source, where),
                    "context": context(encoder, source, where),
                    "matched": matched,
                }
            )
            left -= 1
            if not left:
                break
        if mentions:
            other = index.notes[source]
            found.append(
                {
                    "uri": encoder.uri(source),
                    "name": other.name,
                    "path": source,
                    "mentions": mentions,
                }
            )
        if not left:
            break
    return found


def _mentions(
    index: VaultIndex, path: str, lines: list[str], pattern: re.Pattern[str], names: list[str]
) -> Iterator[tuple[Range, str]]:
    note = index.notes[path]
    after_frontmatter = note.frontmatter_range[2] + 1 if note.frontmatter_range else 0
    tags: dict[int, list[tuple[int, int]]] = {}
    for tag in note.tags:
        tags.setdefault(tag.range[0], []).append((tag.range[1], tag.range[3]))
    fence: str | None = None
    for number, line in enumerate(lines):
        if number < after_frontmatter:
            continue
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if not pattern.search(line):
            continue
        hidden = [match.span() for match in NOT_PROSE.finditer(line)] + tags.get(number, [])
        for match in pattern.finditer(line):
            start, end = match.span()
            if any(start < stop and begin < end for begin, stop in hidden):
                continue
            group = match.lastgroup or "n0"
            yield Range.of(number, start, number, end), names[int(group[1:])]
