"""Checks: pure functions from the index and one note to the problems a user should see.

Each problem has a stable ``code``, a default severity (configurable by the front ends) and a
message that says what is wrong in the user's words; ``related`` points at the other places
involved (every candidate of an ambiguous link, where each conflicting title stands).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Link, Note, TitleClaim
from vault_ls.vault.names import title_key
from vault_ls.vault.positions import Range
from vault_ls.vault.resolve import Resolution, has_block, link_heading_position

SEVERITIES = ("error", "warning", "information", "hint")

DEFAULT_SEVERITY = {
    "unresolved-link": "warning",
    "unresolved-heading": "error",
    "unresolved-block": "error",
    "ambiguous-link": "warning",
    "alias-link": "warning",
    "title-conflict": "warning",
    "filename-title": "information",
    "link-text": "information",
    "duplicate-block-id": "error",
    "frontmatter-error": "error",
    "encoding-error": "warning",
}

INFLECTIONS = {
    "",
    "s",
    "es",
    "e",
    "ed",
    "d",
    "ing",
    "ly",
    "al",
    "ion",
    "ions",
    "er",
    "ers",
    "y",
    "ies",
}


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    range: Range
    message: str


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    range: Range
    code: str
    message: str
    related: tuple[Related, ...] = field(default=())

    @property
    def severity(self) -> str:
        return DEFAULT_SEVERITY[self.code]


# What a user names in the ``titleSources`` setting -> the ``TitleClaim.source`` it stands for.
TITLE_SOURCES = {
    "frontmatter": "frontmatter title",
    "heading": "first heading",
    "metadata": "Full Title",
    "titleLine": "title line",
}


def check_note(
    index: VaultIndex, note: Note, title_sources: frozenset[str] | None = None
) -> list[Problem]:
    """Every problem of ``note``, in source order. ``title_sources`` limits which declared
    titles (``TitleClaim.source`` values) the title checks compare; None means all."""
    problems = [
        *check_frontmatter(note),
        *check_links(index, note),
        *check_block_ids(note),
        *check_titles(note, title_sources),
    ]
    problems.sort(key=lambda p: (p.range.start, p.code))
    return problems


def check_frontmatter(note: Note) -> Iterator[Problem]:
    if note.decode_error:
        start = Range.of(0, 0, 0, 0)
        yield Problem(note.path, start, "encoding-error", note.decode_error)
    if note.frontmatter_error:
        error = note.frontmatter_error
        yield Problem(
            note.path,
            error.range,
            "frontmatter-error",
            f"Frontmatter could not be read ({error.message}); its properties are ignored",
        )


def check_links(index: VaultIndex, note: Note) -> Iterator[Problem]:
    for link in note.links:
        yield from link_problems(index, note, link)


def link_problems(index: VaultIndex, note: Note, link: Link) -> Iterator[Problem]:
    """The problems of one of ``note``'s links."""
    return _link_problems(index, note, link, index.resolve(link, note.path))


def _link_problems(
    index: VaultIndex, note: Note, link: Link, resolution: Resolution
) -> Iterator[Problem]:
    where = link.target_range if link.target else link.range
    if resolution.outside:
        yield Problem(
            note.path,
            where,
            "unresolved-link",
            f'"{link.target}" points outside the vault; it is not followed',
        )
        return
    if resolution.path is None:
        yield _unresolved(index, note, link, where)
        return
    if resolution.ambiguous:
        others = [c for c in resolution.candidates if c != resolution.path]
        yield Problem(
            note.path,
            where,
            "ambiguous-link",
            f'"{link.target}" matches {len(resolution.candidates)} notes; it opens '
            f'"{resolution.path}", the closest (also: {", ".join(others)})',
            tuple(
                Related(candidate, Range.of(0, 0, 0, 0), f'candidate "{candidate}"')
                for candidate in resolution.candidates
            ),
        )
    target = index.notes.get(resolution.path)
    if target is None:
        return  # an attachment: a PDF's ``#page=3`` or an image size is not a heading
    yield from _anchor_problems(note, link, target)
    if link.display and not link.embed and not link.has_anchor:
        yield from _link_text(note, link, target)


def _unresolved(index: VaultIndex, note: Note, link: Link, where: Range) -> Problem:
    owners = sorted(index.notes_with_alias(link.target)) if "/" not in link.target else []
    if owners and link.kind == "wiki":
        owner = index.notes[owners[0]]
        return Problem(
            note.path,
            where,
            "alias-link",
            f'"{link.target}" is an alias of "{owner.name}" ({owner.path}), and a link to an '
            f"alias does not resolve; write [[{owner.name}|{link.target}]]",
            (Related(owner.path, Range.of(0, 0, 0, 0), f'"{owner.name}" has the alias'),),
        )
    what = "file" if _has_extension(link.target) else "note"
    if link.kind == "markdown" or "/" in link.target:
        message = f'No {what} at "{link.target}"'
    else:
        message = f'No {what} named "{link.target}"'
    return Problem(note.path, where, "unresolved-link", message)


def _has_extension(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return extension != "md" and 0 < len(extension) <= 5 and extension.isalpha()


def _anchor_problems(note: Note, link: Link, target: Note) -> Iterator[Problem]:
    label = "This note" if target is note else f'"{target.name}"'
    if not link.has_anchor:
        return
    if link.headings and link_heading_position(target, link) is None:
        shown = "#".join(link.headings)
        yield Problem(
            note.path, link.range, "unresolved-heading", f'{label} has no heading "{shown}"'
        )
    # a cached target's outline: its body need not be decoded
    if link.block is not None and not has_block(target.outline(), link.block):
        yield Problem(
            note.path, link.range, "unresolved-block", f"{label} has no block ^{link.block}"
        )


def _link_text(note: Note, link: Link, target: Note) -> Iterator[Problem]:
    assert link.display is not None
    shown = title_key(link.display)
    names = [target.name, *target.aliases, *(claim.text for claim in target.titles)]
    keys = {title_key(name) for name in names}
    if not shown or shown in keys:
        return
    title = target.title
    if any(is_stale_copy(shown, key) for key in keys):
        yield Problem(
            note.path,
            link.range,
            "link-text",
            f'Link text "{link.display}" resembles but does not match the title "{title}" '
            f'of "{target.path}"',
        )


def is_stale_copy(shown: str, title: str) -> bool:
    """Display text that copies a title but no longer matches it: the same words except for
    numbers (``Part 1`` for ``Part 2``) or one misspelt word. Prose that inflects or trims a
    title (``template`` for ``Templates``, ``Markdown files`` for ``Import Markdown files``)
    is ordinary writing and is not flagged."""
    words, wanted = shown.split(), title.split()
    if len(words) != len(wanted) or words == wanted:
        return False
    differing = [(a, b) for a, b in zip(words, wanted, strict=True) if a != b]
    if all(a.isdigit() and b.isdigit() for a, b in differing):
        return True
    if len(differing) != 1 or len(words) < 2:
        return False
    word, other = differing[0]
    if min(len(word), len(other)) < 4 or _inflected(word, other):
        return False
    return SequenceMatcher(None, word, other).ratio() >= 0.75


def _inflected(word: str, other: str) -> bool:
    common = 0
    while common < min(len(word), len(other)) and word[common] == other[common]:
        common += 1
    return common >= 4 and word[common:] in INFLECTIONS and other[common:] in INFLECTIONS


def check_block_ids(note: Note) -> Iterator[Problem]:
    first_seen: dict[str, Range] = {}
    for block in note.blocks:
        key = block.id.lower()
        if key in first_seen:
            line = first_seen[key].start.line + 1
            yield Problem(
                note.path,
                block.range,
                "duplicate-block-id",
                f"Block id ^{block.id} is already used on line {line}; links reach only the first",
                (Related(note.path, first_seen[key], f"first ^{block.id}"),),
            )
        else:
            first_seen[key] = block.range


def check_titles(note: Note, sources: frozenset[str] | None = None) -> Iterator[Problem]:
    claims = [c for c in note.titles if sources is None or c.source in sources]
    if not claims:
        return
    primary = claims[0]
    for claim in claims[1:]:
        if title_key(claim.text) != title_key(primary.text):
            yield Problem(
                note.path,
                claim.range,
                "title-conflict",
                f'Title "{claim.text}" ({_where(claim)}) disagrees with '
                f'"{primary.text}" ({_where(primary)})',
                (Related(note.path, primary.range, f"{primary.source}: {primary.text}"),),
            )
    if is_near_miss(note.name, primary.text):
        yield Problem(
            note.path,
            primary.range,
            "filename-title",
            f'File name "{note.name}" nearly matches the title "{primary.text}" '
            f"({_where(primary)}) but differs",
        )


def _where(claim: TitleClaim) -> str:
    return f"{claim.source}, line {claim.range.start.line + 1}"


def is_near_miss(file_name: str, title: str) -> bool:
    """A file name that is nearly its title: a typo, a ``-2``/`` 1`` copy suffix, a dropped word.

    Names unlike their titles (ids such as ``ruikurenaii`` for ``Louie Kurenai``, Zettelkasten
    numbers) are a naming convention, not a mistake, and are not near misses.
    """
    name, wanted = title_key(file_name), title_key(title)
    if not name or not wanted or name == wanted:
        return False
    if name.replace(" ", "") == wanted.replace(" ", ""):
        return False  # only spacing differs, e.g. punctuation turned into nothing
    shorter, longer = sorted((name, wanted), key=len)
    if longer.startswith(shorter) and len(longer) - len(shorter) <= 4:
        return True
    return SequenceMatcher(None, name, wanted).ratio() >= 0.9
