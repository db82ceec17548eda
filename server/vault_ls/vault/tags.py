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

    def __iter__(self) -> Iterator[str]:
        return iter(self._notes)

    def notes_with(self, name: str) -> set[str]:
        """The notes carrying the tag ``name`` in any spelling."""
        return self._notes.get(tag_key(name), set())

    def spellings(self, name: str) -> list[tuple[str, int]]:
        """How the tag ``name`` is written, with the number of notes writing each spelling:
        the most used first, ties in code point order (``Project`` before ``project``), which
        no load order, path or edit history can change."""
        counts = self._spellings.get(tag_key(name), Counter())
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def spelling(self, name: str) -> str:
        """The tag's most used spelling (``name`` itself when no note carries it)."""
        found = self.spellings(name)
        return found[0][0] if found else name

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

    def remove_note(self, path: str) -> None:
        for name in self._written.pop(path, ()):
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
