"""``vault/backlinks`` and ``vault/outgoing``: Obsidian's backlinks and outgoing-links panes."""

from __future__ import annotations

from collections.abc import Mapping

from vault_ls.features.convert import Encoder
from vault_ls.features.references import links_to
from vault_ls.features.wire import Json, context, json_range
from vault_ls.vault.checks import link_problems
from vault_ls.vault.model import Link
from vault_ls.vault.snapshot import Snapshot

EXTENSION_LIMIT = 5  # ``x.pdf``, ``x.jpeg``: a target with such a suffix names a file, not a note


def anchor_of(link: Link) -> str | None:
    """How the link names a part of its note: ``Heading#Sub`` or ``^block`` (None: the note)."""
    if link.block is not None:
        return f"^{link.block}"
    return "#".join(link.headings) if link.headings else None


def backlinks(
    vault: Snapshot, path: str, encoder: Encoder, anchor: str | None = None
) -> list[Json]:
    """The notes linking to ``path`` (a note or attachment), by name, each with its links in
    source order and the line around each; links from the note to itself are left out, as
    Obsidian leaves them out. ``anchor`` (``Heading``, ``#Heading`` or ``^block``) keeps the
    links to that heading or block only."""
    heading = block = None
    if anchor:
        if anchor.startswith("^"):
            block = anchor[1:]
        else:
            heading = anchor.lstrip("#").rsplit("#", 1)[-1]
    grouped: dict[str, list[Json]] = {}  # linking note -> its links
    for source, link in links_to(vault, path, heading, block):
        if source == path:
            continue
        grouped.setdefault(source, []).append(
            {
                "range": json_range(encoder, source, link.range),
                "anchor": anchor_of(link),
                "embed": link.embed,
                "context": context(encoder, source, link.range),
            }
        )
    found = []
    for source, links in sorted(grouped.items(), key=lambda item: _by_name(vault, item[0])):
        note = vault.index.notes[source]
        found.append(
            {
                "uri": encoder.uri(source),
                "name": note.name,
                "path": source,
                "title": note.title,
                "links": links,
            }
        )
    return found


def _by_name(vault: Snapshot, path: str) -> tuple[str, str]:
    return vault.index.notes[path].name.casefold(), path


def outgoing(
    vault: Snapshot, path: str, encoder: Encoder, severity: Mapping[str, str] | None = None
) -> list[Json]:
    """Every link of the note in source order: where it leads and its first problem's code
    (problems whose severity is ``off`` left out)."""
    note = vault.index.notes[path]
    lines = encoder.lines(path)
    found = []
    for link in note.links:
        resolution = vault.index.resolve(link, path)
        target = resolution.path
        codes = [
            problem.code
            for problem in link_problems(vault.index, note, link)
            if (severity or {}).get(problem.code) != "off"
        ]
        found.append(
            {
                "range": json_range(encoder, path, link.range),
                "text": _text_of(lines, link),
                "target": encoder.uri(target) if target is not None else None,
                "path": target,
                "kind": _kind(vault, link, target),
                "anchor": anchor_of(link),
                "embed": link.embed,
                "problem": codes[0] if codes else None,
            }
        )
    return found


def _kind(vault: Snapshot, link: Link, target: str | None) -> str:
    if target is not None and target in vault.index.attachments:
        return "attachment"
    if target is None and _names_a_file(link.target):
        return "attachment"
    if link.block is not None:
        return "block"
    return "heading" if link.headings else "note"


def _names_a_file(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return extension != "md" and 0 < len(extension) <= EXTENSION_LIMIT and extension.isalpha()


def _text_of(lines: list[str], link: Link) -> str:
    first, start, last, end = link.range[0], link.range[1], link.range[2], link.range[3]
    if first == last:
        return lines[first][start:end] if first < len(lines) else ""
    return "\n".join([lines[first][start:], *lines[first + 1 : last], lines[last][:end]])
