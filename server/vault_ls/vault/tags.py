"""The vault's tags, one per key (``names.tag_key``): the notes that carry each, and how each
is spelled, so that every feature counts and shows a tag the same way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from vault_ls.vault.names import tag_key


class TagTable:
    def __init__(self) -> None:
        self._notes: dict[str, set[str]] = {}  # tag key -> notes carrying the tag
        self._spellings: dict[str, Counter[str]] = {}  # tag key -> spelling -> notes writing it
        self._written: dict[str, set[str]] = {}  # note -> the spellings it writes
        # tag key -> the spelling shown (see ``spellings``), kept for the keys an edit touches:
        # completion asks it of every tag on every keystroke
        self._shown: dict[str, str] = {}

    def __iter__(self) -> Iterator[str]:
        return iter(self._notes)

    def items(self) -> Iterator[tuple[str, int]]:
        """Every tag once: its most used spelling and the number of notes carrying it."""
        shown = self._shown
        return ((shown[key], len(notes)) for key, notes in self._notes.items())

    def notes_with(self, name: str) -> set[str]:
        """The notes carrying the tag ``name`` in any spelling."""
        return self._notes.get(tag_key(name), set())

    def spellings(self, name: str) -> list[tuple[str, int]]:
        """How the tag ``name`` is written, with the number of notes writing each spelling:
        the most used first, ties in code point order (``Project`` before ``project``), which
        no load order, path or edit history can change."""
        counts = self._spellings.get(tag_key(name), Counter())
        return sorted(counts.items(), key=_rank)

    def spelling(self, name: str) -> str:
        """The tag's most used spelling (``name`` itself when no note carries it)."""
        return self._shown.get(tag_key(name), name)

    def set_note(self, path: str, names: Iterable[str]) -> None:
        """``path`` now carries the tags ``names`` (as written), and no others."""
        self.remove_note(path)
        written = set(names)
        if not written:
            return
        self._written[path] = written
        for name in written:
            key = tag_key(name)
            self._notes.setdefault(key, set()).add(path)
            self._spellings.setdefault(key, Counter())[name] += 1
        self._choose({tag_key(name) for name in written})

    def remove_note(self, path: str) -> None:
        written = self._written.pop(path, set())
        for name in written:
            key = tag_key(name)
            counts = self._spellings[key]
            counts[name] -= 1
            if not counts[name]:
                del counts[name]
            if not counts:
                del self._spellings[key]
                del self._notes[key]
            else:
                self._notes[key].discard(path)
        self._choose({tag_key(name) for name in written})

    def _choose(self, keys: set[str]) -> None:
        for key in keys:
            counts = self._spellings.get(key)
            if counts:
                self._shown[key] = min(counts.items(), key=_rank)[0]
            else:
                self._shown.pop(key, None)


def _rank(spelling: tuple[str, int]) -> tuple[int, str]:
    """Most notes first, then code point order."""
    return -spelling[1], spelling[0]
