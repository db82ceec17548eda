"""What every rename shares: the refusal, the plan, the texts it reads, and the edits of a
display text and a heading line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass, field

from vault_ls.features import link_forms
from vault_ls.features.edits import Replacement
from vault_ls.vault.model import Heading, Link, Note
from vault_ls.vault.names import path_suffixes
from vault_ls.vault.positions import Range, normalize_newlines
from vault_ls.vault.snapshot import Snapshot

_HEADING_MARK = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")


class RenameRefused(Exception):
    """The rename cannot be done as asked; the message says why, for the user."""


@dataclass
class Plan:
    label: str  # what the user asked: ``Rename "Old" to "New"``
    edits: list[Replacement] = field(default_factory=list)
    moves: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)
    links: int = 0  # links (or tags) whose text changes
    sources: set[str] = field(default_factory=set)  # the notes holding them
    noun: str = "link"  # what ``links`` counts

    @property
    def notes(self) -> int:
        return len(self.sources)

    def description(self) -> str:
        return f"{count(self.links, self.noun)} in {count(self.notes, 'note')}"


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class Texts:
    """The snapshot's texts split in lines, each read once."""

    def __init__(self, vault: Snapshot) -> None:
        self._vault = vault
        self._lines: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            self._lines[path] = lines_of(self._vault.text(path))
        return self._lines[path]

    def span(self, path: str, where: Range) -> str:
        line, start, end_line, end = where[0], where[1], where[2], where[3]
        if end_line != line:
            raise RenameRefused(f"{path}:{line + 1}: a link written over several lines")
        return self.lines(path)[line][start:end]

    def before(self, path: str, where: Range) -> str:
        """The character just before ``where`` on its line ('' at the line's start)."""
        line, start = where[0], where[1]
        return self.lines(path)[line][start - 1 : start] if start else ""

    def quoted(self, path: str, link: Link, text: str) -> str:
        """``text`` as a frontmatter link's YAML string needs it (quotes doubled or escaped)."""
        if not link.in_frontmatter:
            return text
        line = link.range[0]
        if link.range == link.target_range:
            raise RenameRefused(
                f"{path}:{line + 1}: a property link written with YAML escapes; "
                "write it plainly first"
            )
        return link_forms.yaml_quoted(text, self.before(path, link.range))


def lines_of(text: str) -> list[str]:
    return normalize_newlines(text).split("\n")


def display_edit(texts: Texts, source: str, link: Link, old: str, new: str) -> Replacement | None:
    """Display text that was the old name becomes the new one (as Obsidian does)."""
    if link.display is None or link.display.strip() != old:
        return None
    lead = len(link.display) - len(link.display.lstrip())
    line, start, end_line, end = link.range[0], link.range[1], link.range[2], link.range[3]
    if link.kind == "wiki":
        if end_line != line and not link.in_frontmatter:
            return None
        first = end - 2 - len(link.display) + lead  # the display ends just before ``]]``
        line = end_line
    else:
        first = start + (2 if link.embed else 1) + lead  # after ``[`` or ``![``
    where = Range.of(line, first, line, first + len(old))
    if texts.span(source, where) != old:
        return None
    return Replacement(source, where, texts.quoted(source, link, new))


def heading_text_range(text: str, heading: Heading) -> Range | None:
    """Where a heading's text stands on its line (None when it is not written there as one
    piece: a setext heading over several lines)."""
    line_number = heading.range.start.line
    line = lines_of(text)[line_number]
    mark = _HEADING_MARK.match(line)
    start = mark.end() if mark else len(line) - len(line.lstrip())
    if line[start : start + len(heading.text)] != heading.text:
        return None
    return Range.of(line_number, start, line_number, start + len(heading.text))


def is_title_heading(note: Note, heading: Heading) -> bool:
    """The note's first level-1 heading, when it is the file name: it stands for the note."""
    first = next((h for h in note.headings if h.level == 1), None)
    return first is heading and heading.text == note.name


class KeysAfter(Mapping[str, Set[str]]):
    """A file-name lookup of the index with the moved paths gone and their new paths added,
    never copied."""

    def __init__(
        self, base: Mapping[str, Set[str]], moves: Mapping[str, str], key: Callable[[str], str]
    ) -> None:
        self._base = base
        self._gone = set(moves)
        self._added: dict[str, set[str]] = {}
        for new in moves.values():
            for suffix in path_suffixes(key(new)):
                self._added.setdefault(suffix, set()).add(new)

    def __getitem__(self, key: str) -> Set[str]:
        paths = (set(self._base.get(key, ())) - self._gone) | self._added.get(key, set())
        if not paths:
            raise KeyError(key)
        return paths

    def __iter__(self) -> Iterator[str]:
        return iter({*self._base, *self._added})

    def __len__(self) -> int:
        return len({*self._base, *self._added})
