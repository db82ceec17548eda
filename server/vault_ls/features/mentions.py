"""``vault/unlinkedMentions``: where other notes write a note's name, title or an alias as plain
text — case-insensitive, word-bounded, never in code, links, URLs, tags or frontmatter.

A word index (``MentionIndex``: word -> the notes whose prose holds it, and each note's words
in order) shortlists the notes holding the words of a name side by side, so a request reads
only those, never every body; it reads a note's text only (never its parsed body) and may hold
more words than mentions stand in, never fewer. It is built when first asked for (in a thread
for a large vault) and kept on the index (``VaultIndex.derived``); afterwards only the notes
whose ``Note`` object changed (an edit, a file event) are read again. Chinese and Japanese
have no spaces between words: each of their characters is a word of its own, and a name in
them matches inside a run of them.
"""

from __future__ import annotations

import functools
import gc
import re
import threading
from collections.abc import Iterable, Iterator
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
# autolinks and bare URLs, %% comments %% and HTML comments on one line; each with a text it
# cannot match without
NOT_PROSE_BRANCHES = (
    ("`", r"(`+).+?\1"),
    ("[[", r"!?\[\[.*?\]\]"),
    ("](", r"!?\[[^\]]*\]\([^)]*\)"),
    ("<", r"<[a-zA-Z][\w+.-]*:[^>\s]*>"),
    ("://", r"\b[a-zA-Z][\w+.-]*://\S+"),
    ("www.", r"\bwww\.\S+"),
    ("%%", r"%%.*?%%"),
    ("<!--", r"<!--.*?-->"),
)
NOT_PROSE = re.compile("|".join(part for _, part in NOT_PROSE_BRANCHES))


def _on_a_whole_text(part: str) -> str:
    """A branch of ``NOT_PROSE`` that never matches across a line, for a whole text."""
    return part.replace("[^\\]]*", "[^\\]\\n]*").replace("[^)]*", "[^)\\n]*")


NOT_PROSE_TEXT = re.compile(_on_a_whole_text(NOT_PROSE.pattern))
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def tokens_of(text: str) -> list[str]:
    """The words of ``text`` in order, case folded: each Chinese or Japanese character is a word
    of its own, and a run of other word characters is one word — the words a name's pattern
    (``_pattern``) sees boundaries between, so the words of any match are the name's words."""
    return TOKEN.findall(text.casefold())


def phrase_of(words: list[str]) -> str:
    return f" {' '.join(words)} "


def words_of(text: str) -> set[str]:
    return set(tokens_of(text))


def pairs_of(words: list[str]) -> list[tuple[str, str]]:
    return list(pairwise(words))


Pair = tuple[str, str]  # two words side by side


def name_pairs(notes: Iterable[Note]) -> frozenset[Pair]:
    """The pairs of words side by side in the notes' names (``names_of``)."""
    return frozenset(
        pair for note in notes for name in names_of(note) for pair in pairwise(tokens_of(name))
    )


class _Read(NamedTuple):
    """One note as the mention index read it."""

    note: Note  # the object indexed: the index holding another means the note changed
    phrase: str  # the words of its prose in order, case folded, each between spaces

    def words(self) -> set[str]:
        return set(self.phrase.split())

    def pairs(self, named: frozenset[Pair]) -> frozenset[Pair]:
        """The pairs of words side by side in it that are among ``named``."""
        if not named:
            return frozenset()
        return named.intersection(pairwise(self.phrase.split()))

    def has_phrase(self, phrase: str) -> bool:
        """Whether the words ``phrase`` (words between spaces, as ``phrase_of``) stand in it."""
        return phrase in self.phrase


NOTHING_READ = (" ",)


@functools.cache
def _not_prose(branches: tuple[bool, ...]) -> re.Pattern[str] | None:
    """``NOT_PROSE_TEXT`` with only the branches a text can meet (by their triggers): it finds
    the same spans (a branch that can match nowhere changes no match) several times faster."""
    parts = [
        _on_a_whole_text(part)
        for (_, part), wanted in zip(NOT_PROSE_BRANCHES, branches, strict=True)
        if wanted
    ]
    return re.compile("|".join(parts)) if parts else None


def _after_frontmatter(text: str) -> str:
    """``text`` without its front matter when it certainly has one: ``---`` on the first line to
    the next line starting ``---`` or ``...``, which is exactly ``---`` (what the fast parser
    reads; any other shape keeps the text whole: the index may hold more words, never fewer)."""
    if not text.startswith("---\n"):
        return text
    closing = _FRONTMATTER_END.search(text, 4)
    if closing is None or closing.group() != "---":
        return text
    return text[closing.end() :]


_FRONTMATTER_END = re.compile(r"^[ \t]*(?:---|\.\.\.).*$", re.MULTILINE)


def read_note(note: Note, text: str) -> _Read:
    """What the index keeps of a note: the words of its text in order, with front matter, links,
    code spans, URLs and comments left out. It may hold words no mention stands in (a tag's, a
    fence's): it only shortlists the notes a request reads, and ``_mentions`` decides. Read
    from the text alone, so a cached note's body is never decoded for it."""
    prose = _after_frontmatter(normalize_newlines(text) if "\r" in text else text)
    blanking = _not_prose(tuple(trigger in prose for trigger, _ in NOT_PROSE_BRANCHES))
    if blanking is not None:
        prose = blanking.sub(" ", prose)
    folded = prose.casefold()
    found = (TOKEN if HAS_CJK.search(folded) else WORD).findall(folded)
    return _Read(note, phrase_of(found))


class MentionIndex:
    """word -> the notes whose prose holds it, and per note its words in order: a name of
    several words shortlists the notes holding all its words, then keeps those holding them as
    a phrase (a phrase of common words is in few notes though its words are in most). The
    pairs of words side by side in the vault's names when it was first read have postings of
    their own: a name made of such pairs shortlists only the notes holding them side by side
    (a name of two common words was checked in ~2,000 notes holding both). A name that came
    later is shortlisted by its words.

    A vault of more than ``BUILD_INLINE`` notes is read the first time in a thread (reading and
    splitting every note takes seconds): until it is in, ``ready`` is False."""

    def __init__(self) -> None:
        self.version = -1  # of the index last brought up to date with
        self._read: dict[str, _Read] = {}
        self.postings: dict[str, set[str]] = {}  # word -> the notes whose prose holds it
        self.named_pairs: frozenset[Pair] = frozenset()  # ``name_pairs`` when first read
        self.pairs: dict[Pair, set[str]] = {}  # named pair -> the notes holding it side by side
        self._building: threading.Thread | None = None
        self._built: MentionIndex | None = None  # the thread's answer, until taken in
        self.ready = False

    def update(self, vault: Snapshot) -> None:
        index = vault.index
        if not self.ready:
            if self._built is None:
                if len(index.notes) > BUILD_INLINE:
                    self._start(vault)
                    return
                self.named_pairs = name_pairs(index.notes.values())
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
        """The notes whose prose may hold ``name``: all its words, in order, side by side."""
        words = tokens_of(name)
        pairs = set(pairwise(words))
        by_pairs = bool(pairs) and pairs <= self.named_pairs
        if by_pairs:
            postings = sorted((self.pairs.get(pair, set()) for pair in pairs), key=len)
        else:
            postings = sorted((self.postings.get(word, set()) for word in set(words)), key=len)
        if not postings:
            return set()
        found = set(postings[0]).intersection(*postings[1:])
        if len(words) == 1 or (by_pairs and len(words) == 2):
            return found
        phrase, read = phrase_of(words), self._read
        return {path for path in found if phrase in read[path].phrase}

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
            built.named_pairs = name_pairs(note for _, note, _ in work)
            for path, note, text in work:
                try:
                    built._add(path, read_note(note, read(path) if text is None else text))
                except OSError:
                    built._add(path, _Read(note, *NOTHING_READ))
            self._built = built

        self._building = threading.Thread(target=build, name="mention-index", daemon=True)
        self._building.start()

    def wait_read(self) -> None:
        """Until the thread reading the vault is done (blocks: call it in another thread)."""
        building = self._building
        if building is not None:
            building.join()

    def _take_in(self, built: MentionIndex | None) -> None:
        if built is not None:
            self._read, self.postings = built._read, built.postings
            self.named_pairs, self.pairs = built.named_pairs, built.pairs
            # millions of postings, kept as long as the vault: out of the collector's sight
            # (as the index after a load), a full collection no longer takes ~300 ms of some
            # later request to walk them
            gc.freeze()
        self._built, self._building, self.ready = None, None, True

    def _add(self, path: str, read: _Read) -> None:
        self._read[path] = read
        postings = self.postings
        for word in read.words():
            notes = postings.get(word)
            if notes is None:
                postings[word] = {path}
            else:
                notes.add(path)
        for pair in read.pairs(self.named_pairs):
            self.pairs.setdefault(pair, set()).add(path)

    def _forget(self, path: str) -> None:
        read = self._read.pop(path)
        for word in read.words():
            notes = self.postings[word]
            notes.discard(path)
            if not notes:
                del self.postings[word]
        for pair in read.pairs(self.named_pairs):
            notes = self.pairs[pair]
            notes.discard(path)
            if not notes:
                del self.pairs[pair]


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


def _pattern(names: list[str], cjk: bool = True) -> _Finder:
    """One expression for every name, longest first, each a named group: ``n0``, ``n1``…
    Without ``cjk``, for a text holding no Chinese or Japanese character (or one where
    ``_without_cjk`` put a stand-in for each): its boundaries are then plain ``\\w`` ones (the
    same there), which compile in a fraction of the time."""
    return _Finder(_compiled(tuple(names), cjk), names)


class _Finder:
    """``pattern.finditer``, quicker when the names' first words are ASCII: a match starts where
    a name's first word does, case ignored, so the expression is tried only there, not at
    every position (an alternation of names that ignore case is tried position by position:
    ~0.4 ms a note of 5 KB). Where the first words are is found in the text lower-cased, when
    that keeps every character's place and nothing matches an ASCII letter but its own cases
    and the Kelvin sign, which ``lower`` makes ``k`` (the dotless ı and the long ſ match i and
    s: such a text is searched position by position)."""

    def __init__(self, pattern: re.Pattern[str], names: list[str]) -> None:
        self.pattern = pattern
        firsts = {name.split()[0].lower() for name in names}
        self._firsts = firsts if all(first.isascii() for first in firsts) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        lowered = text.lower()
        if self._firsts is None or len(lowered) != len(text) or "ı" in text or "ſ" in text:
            yield from self.pattern.finditer(text)
            return
        starts: set[int] = set()
        for first in self._firsts:
            at = lowered.find(first)
            while at >= 0:
                starts.add(at)
                at = lowered.find(first, at + 1)
        end = 0
        for start in sorted(starts):
            if start < end:
                continue
            match = self.pattern.match(text, start)
            if match is not None:
                end = max(match.end(), start + 1)  # finditer goes on past an empty match
                yield match


CJK_STAND_IN = "\x02"  # neither a word character nor a space, as a CJK character is no space


def _without_cjk(names: list[str], lines: list[str]) -> list[str] | None:
    """``lines`` with each Chinese or Japanese character replaced by ``CJK_STAND_IN``, in which
    the names match as the full pattern finds them in ``lines``: a CJK character only ever
    stands beside a name (a boundary), unless a name holds one. None when one does."""
    if any(HAS_CJK.search(name) or CJK_STAND_IN in name for name in names):
        return None
    if HAS_CJK.search("\n".join(lines)) is None:  # one search, not one a line
        return lines
    return [HAS_CJK.sub(CJK_STAND_IN, line) for line in lines]


@functools.lru_cache(maxsize=256)
def _compiled(names: tuple[str, ...], cjk: bool) -> re.Pattern[str]:
    # Each name begins with its first character and looks behind it for the boundary, so the
    # search skips to where a name's first letter stands instead of trying every position. The
    # boundaries match case-sensitively: the same characters either way, and folding the case
    # of a class of all CJK characters took ~30 ms a request.
    after = f"(?-i:(?!{BOUNDED_WORD}))" if cjk else r"(?!\w)"
    before = f"(?-i:(?<!{BOUNDED_WORD}.))" if cjk else r"(?<!\w.)"
    parts = []
    for number, name in sorted(enumerate(names), key=lambda item: -len(item[1])):
        first, *others = name.split()
        body = re.escape(first[1:]) + "".join(r"\s+" + re.escape(word) for word in others)
        bounded = re.match(BOUNDED_WORD, name)
        ending = after if re.match(BOUNDED_WORD, name[-1]) else ""
        parts.append(
            f"(?P<n{number}>{re.escape(first[0])}{before if bounded else ''}{body}{ending})"
        )
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
    found = []
    left = limit
    for source in sorted(candidates, key=lambda p: (index.notes[p].name.casefold(), p)):
        mentions = []
        lines = encoder.lines(source)
        searched = _without_cjk(names, lines)
        pattern = _pattern(names, searched is None)
        for where, matched in _mentions(index, source, lines, pattern, names, searched):
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
    index: VaultIndex,
    path: str,
    lines: list[str],
    pattern: _Finder,
    names: list[str],
    searched: list[str] | None = None,
) -> Iterator[tuple[Range, str]]:
    """The names ``pattern`` finds in the note's prose; in ``searched`` when given (``lines``
    as ``_without_cjk`` gives them: what is not prose is still found in ``lines``)."""
    searched = lines if searched is None else searched
    for number, _, hidden in _prose_lines(index.notes[path], lines, pattern, searched):
        for match in pattern.finditer(searched[number]):
            start, end = match.span()
            if any(start < stop and begin < end for begin, stop in hidden):
                continue
            group = match.lastgroup or "n0"
            yield Range.of(number, start, number, end), names[int(group[1:])]


def _prose_lines(
    note: Note,
    lines: list[str],
    wanted: _Finder | None = None,
    searched: list[str] | None = None,
) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """The lines a mention may stand in (after the frontmatter, outside fences; only those
    ``wanted`` finds something in, in ``searched`` when given), each with the spans in it no
    mention stands in."""
    touched = None if wanted is None else _lines_touched(searched or lines, wanted)
    if touched is not None and not touched:
        return  # before reading the note's tags: a cached note's body stays undecoded
    frontmatter_range, note_tags = note.prose_marks()
    after_frontmatter = frontmatter_range[2] + 1 if frontmatter_range else 0
    tags: dict[int, list[tuple[int, int]]] = {}
    for tag in note_tags:
        tags.setdefault(tag.range[0], []).append((tag.range[1], tag.range[3]))
    fence: str | None = None
    last = max(touched) if touched else len(lines)
    for number, line in enumerate(lines):
        if number < after_frontmatter:
            continue
        if number > last:
            break  # no line after it is wanted
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if touched is not None and number not in touched:
            continue
        hidden = [match.span() for match in NOT_PROSE.finditer(line)] + tags.get(number, [])
        yield number, line, hidden


def _lines_touched(lines: list[str], wanted: _Finder) -> set[int]:
    """The lines that a match of ``wanted`` in the whole text starts on, ends on or crosses: a
    match within one line is a match in the whole text (a line's ends are word boundaries
    either way) unless one found before it takes its place, and that one reaches its line. One
    search of the text instead of one a line."""
    text = "\n".join(lines)
    touched: set[int] = set()
    line, at = 0, 0
    for match in wanted.finditer(text):
        start, end = match.span()
        line += text.count("\n", at, start)
        last = line + text.count("\n", start, end)
        touched.update(range(line, last + 1))
        line, at = last, end
    return touched
