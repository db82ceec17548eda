"""``vault/unlinkedMentions``: where other notes write a note's name, title or an alias as plain
text — case-insensitive, word-bounded, never in code, links, URLs, tags or frontmatter.

A word index (``MentionIndex``: word -> the notes whose prose holds it, and each note's adjacent
word pairs) shortlists the notes holding every word of a name side by side, so a request reads
only those, never every body. It is built when first asked for (in a thread for a large vault)
and kept on the index (``VaultIndex.derived``); afterwards only the notes whose ``Note`` object
changed (an edit, a file event) are read again. Chinese and Japanese have no spaces between
words: each of their characters is a word of its own, and a name in them matches inside a run
of them.
"""

from __future__ import annotations

import re
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from itertools import pairwise
from typing import NamedTuple

from vault_ls.features.convert import Encoder
from vault_ls.features.wire import Json, RequestError, context, json_range
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Note
from vault_ls.vault.positions import Range, normalize_newlines
from vault_ls.vault.snapshot import Snapshot

DEFAULT_LIMIT = 100  # mentions in all
SHORTEST_NAME = 2  # characters: a one-letter name would be mentioned everywhere
BUILD_INLINE = 2000  # notes: a vault this small has its word index read at once (< 1 s)

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(r"\w+")
HAS_CJK = re.compile(f"[{CJK}]")
TOKEN = re.compile(f"[{CJK}]|[^\\W{CJK}]+")
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
# the same on a whole text, never across a line (as ``NOT_PROSE`` on each line)
NOT_PROSE_TEXT = re.compile(
    NOT_PROSE.pattern.replace("[^\\]]*", "[^\\]\\n]*").replace("[^)]*", "[^)\\n]*")
)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def tokens_of(text: str) -> list[str]:
    """The words of ``text`` in order, case folded: each Chinese or Japanese character is a word
    of its own, and a run of other word characters is one word — the words a name's pattern
    (``_pattern``) sees boundaries between, so the words of any match are the name's words."""
    return TOKEN.findall(text.casefold())


def words_of(text: str) -> set[str]:
    return set(tokens_of(text))


def pairs_of(words: list[str]) -> list[tuple[str, str]]:
    return list(pairwise(words))


class _Read(NamedTuple):
    """One note as the mention index read it."""

    note: Note  # the object indexed: the index holding another means the note changed
    words: tuple[str, ...]  # interned: the postings' keys, not copies of them
    pairs: array[int]  # sorted hashes of the adjacent word pairs of its prose lines

    def has_pairs(self, pairs: set[int]) -> bool:
        held = self.pairs
        for pair in pairs:
            at = bisect_left(held, pair)
            if at == len(held) or held[at] != pair:
                return False
        return True


NOTHING_READ = (), array("q")


def read_note(note: Note, text: str) -> _Read:
    """What the index keeps of a note: the words and adjacent word pairs of the prose that
    ``_mentions`` looks in (code, links, URLs, tags, frontmatter and fences left out). Done on
    the whole text at once, not line by line: it is what reading a vault spends its time on."""
    lines = normalize_newlines(text).split("\n")
    after_frontmatter = note.frontmatter_range[2] + 1 if note.frontmatter_range else 0
    lines[:after_frontmatter] = [""] * min(after_frontmatter, len(lines))
    if "```" in text or "~~~" in text:
        kept = {number for number, _, _ in _prose_lines(note, lines)}
        lines = [line if number in kept else "" for number, line in enumerate(lines)]
    if note.tags:  # blanked after the rest, as ``_prose_lines`` finds the rest with them in
        lines = NOT_PROSE_TEXT.sub(_spaces, "\n".join(lines)).split("\n")
        for tag in note.tags:
            number, begin, stop = tag.range[0], tag.range[1], tag.range[3]
            if number < len(lines):
                line = lines[number]
                lines[number] = line[:begin] + " " * (stop - begin) + line[stop:]
        prose = "\n".join(lines)
    else:
        prose = NOT_PROSE_TEXT.sub(" ", "\n".join(lines))
    found = tokens_of(prose)
    words = tuple(sys.intern(word) for word in set(found))
    return _Read(note, words, array("q", sorted(set(map(hash, pairwise(found))))))


def _spaces(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


class MentionIndex:
    """word -> the notes whose prose holds it, and per note its adjacent word pairs: a name of
    several words shortlists the notes holding all its words, then keeps those holding each of
    its pairs (a phrase of common words is in few notes though its words are in most).

    A vault of more than ``BUILD_INLINE`` notes is read the first time in a thread (reading and
    splitting every note takes seconds): until it is in, ``ready`` is False."""

    def __init__(self) -> None:
        self.version = -1  # of the index last brought up to date with
        self._read: dict[str, _Read] = {}
        self.postings: dict[str, set[str]] = {}  # word -> the notes whose prose holds it
        self._building: threading.Thread | None = None
        self._built: MentionIndex | None = None  # the thread's answer, until taken in
        self.ready = False

    def update(self, vault: Snapshot) -> None:
        index = vault.index
        if not self.ready:
            if self._built is None and len(index.notes) > BUILD_INLINE:
                self._start(vault)
                return
            self._take_in(self._built)
        if self.version == index.version:
            return
        for path in [path for path in self._read if path not in index.notes]:
            self._forget(path)
        for path, note in index.notes.items():
            kept = self._read.get(path)
            if kept is not None and kept.note is note:
                continue
            if kept is not None:
                self._forget(path)
            try:
                read = read_note(note, vault.text(path))
            except OSError:
                read = _Read(note, *NOTHING_READ)  # gone: the file event follows
            self._add(path, read)
        self.version = index.version

    def holding(self, name: str) -> set[str]:
        """The notes whose prose may hold ``name``: all its words, each pair side by side."""
        words = tokens_of(name)
        postings = sorted((self.postings.get(word, set()) for word in set(words)), key=len)
        if not postings:
            return set()
        found = set(postings[0]).intersection(*postings[1:])
        pairs = {hash(pair) for pair in pairs_of(words)}
        return {path for path in found if self._read[path].has_pairs(pairs)}

    def _start(self, vault: Snapshot) -> None:
        """Read every note in a thread: the open texts and the notes as of now go with it,
        closed notes are read from the disk there. ``update`` takes the answer in and reads
        again the notes changed meanwhile."""
        if self._building is not None:
            return
        work = [(path, note, vault.texts.get(path)) for path, note in vault.index.notes.items()]
        read = vault.read

        def build() -> None:
            built = MentionIndex()  # postings too are made here: ``_take_in`` only swaps them in
            for path, note, text in work:
                try:
                    built._add(path, read_note(note, read(path) if text is None else text))
                except OSError:
                    built._add(path, _Read(note, *NOTHING_READ))
            self._built = built

        self._building = threading.Thread(target=build, name="mention-index", daemon=True)
        self._building.start()

    def _take_in(self, built: MentionIndex | None) -> None:
        if built is not None:
            self._read, self.postings = built._read, built.postings
        self._built, self._building, self.ready = None, None, True

    def _add(self, path: str, read: _Read) -> None:
        self._read[path] = read
        for word in read.words:
            self.postings.setdefault(word, set()).add(path)

    def _forget(self, path: str) -> None:
        read = self._read.pop(path)
        for word in read.words:
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
    if not table.ready:
        raise RequestError(
            f"unlinked mentions: still reading the vault's {len(index.notes)} notes"
            " into the word index; ask again in a few seconds"
        )
    candidates: set[str] = set()
    for name in names:
        candidates |= table.holding(name)
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
    for number, line, hidden in _prose_lines(index.notes[path], lines, pattern):
        for match in pattern.finditer(line):
            start, end = match.span()
            if any(start < stop and begin < end for begin, stop in hidden):
                continue
            group = match.lastgroup or "n0"
            yield Range.of(number, start, number, end), names[int(group[1:])]


def _prose_lines(
    note: Note, lines: list[str], wanted: re.Pattern[str] | None = None
) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """The lines a mention may stand in (after the frontmatter, outside fences; only those
    ``wanted`` finds something in), each with the spans in it no mention stands in."""
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
        if wanted is not None and not wanted.search(line):
            continue
        hidden = [match.span() for match in NOT_PROSE.finditer(line)] + tags.get(number, [])
        yield number, line, hidden
