"""Bulk link resolution (``VaultIndex.set_notes``) works out each shared answer once; it must
give exactly what resolving every link of every note on its own gives.

The vault mixes what makes an answer depend on the linking note: names several files carry (the
nearest wins, so the same ``[[Topic]]`` reaches different notes from different folders), paths
relative to the note, links that climb out of the vault; and what does not: unique names, paths
from the vault root, attachments, aliases (which links do not resolve through).
"""

from __future__ import annotations

import random

import pytest

from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note

LINKS = "\n".join(
    [
        # Topic.md is in four folders and not at the root: the nearest one wins
        "[[Topic]] [[topic]] [[TOPIC.md]] [[Topic#Part]] [[Topic|shown]] [md](Topic.md)",
        "[[./Topic]] [[../Topic]] [[../../Topic]] [md](../Topic.md) [md](a/../Topic.md)",
        "[md](../../Topic.md) [md](%54opic.md)",
        # Local.md: relative paths, then the nearest by name
        "[[./Local]] [md](Local.md) [md](../sub/Local.md) [md](./sub/../Local.md)",
        # one file only, named by name, path suffix, path from the root, any case
        "[[Unique]] [[unique.md]] [md](/Unique.md) [md](Unique.md) [[Alias of unique]]",
        "[[Path/Thing]] [[/Deep/Path/Thing]] [[deep\\path\\THING]] [md](Path/Thing.md)",
        "[md](/Deep/Path/Thing.md) [md](Deep/Path/Thing.md#Part)",
        # attachments: pic.png is in two folders, img.png at the root and in y/
        "![[pic.png]] [md](pic.png) [md](../p/pic.png) ![[img.png]] [md](img.png) [[doc.pdf]]",
        # the note itself, nothing, and out of the vault
        "[[#Own heading]] [[Nowhere]] [md](Missing.md) [md](y/z/../Topic.md)",
        "[[../../../../outside]] [[a/../../x]] [md](../../../etc/passwd)",
    ]
)

NOTES = {
    "x/Topic.md": LINKS,
    "y/Topic.md": LINKS,
    "y/z/Topic.md": LINKS,
    "w/v/Topic.md": "# Part\n",
    "Unique.md": "---\naliases: [Alias of unique, Topic]\n---\n" + LINKS,
    "Root source.md": LINKS,
    "x/Source.md": LINKS,
    "y/Source.md": LINKS,
    "y/z/Source.md": LINKS,
    "y/z/deep/Source.md": LINKS,
    "w/v/Source.md": LINKS,
    "q/Source.md": LINKS,
    "x/Local.md": "local\n",
    "y/Local.md": "",
    "y/sub/Local.md": LINKS,
    "Deep/Path/Thing.md": "# Part\n",
}
SOURCES = {path for path, text in NOTES.items() if LINKS in text}
ATTACHMENTS = ["p/pic.png", "q/pic.png", "img.png", "y/img.png", "w/doc.pdf"]


def bulk(order: list[str]) -> VaultIndex:
    index = VaultIndex()
    index.set_notes([parse_note(path, NOTES[path]) for path in order], ATTACHMENTS)
    return index


def one_by_one(order: list[str]) -> VaultIndex:
    """Each note added on its own (``set_note`` re-resolves the notes a new file concerns)."""
    index = VaultIndex()
    for path in ATTACHMENTS:
        index.add_attachment(path)
    for path in order:
        index.set_note(parse_note(path, NOTES[path]))
    return index


def graph(index: VaultIndex) -> dict[str, dict[str, set[str]]]:
    saved = index.link_graph()
    outgoing, linkers = saved.outgoing, saved.linkers
    return {
        "outgoing": {source: set(targets) for source, targets in outgoing.items()},
        "linkers": {name: set(notes) for name, notes in linkers.items() if notes},
        "backlinks": {target: set(notes) for target, notes in index.backlinks.items() if notes},
    }


def resolved_one_link_at_a_time(index: VaultIndex) -> dict[str, set[str]]:
    """What ``resolve_link`` gives for each link on its own, per note."""
    outgoing: dict[str, set[str]] = {}
    for note in index:
        found = {index.resolve(link, note.path).path for link in note.links}
        outgoing[note.path] = {path for path in found if path is not None}
    return outgoing


ORDERS = {
    "as listed": list(NOTES),
    "reversed": list(reversed(NOTES)),
    "shuffled": random.Random(7).sample(list(NOTES), len(NOTES)),
}


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_bulk_load_equals_notes_added_one_by_one(order: list[str]) -> None:
    index = bulk(order)
    assert graph(index) == graph(one_by_one(order))
    assert graph(index)["outgoing"] == resolved_one_link_at_a_time(index)


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_exact_backlinks(order: list[str]) -> None:
    index = bulk(order)
    backlinks = {target: set(notes) for target, notes in index.backlinks.items() if notes}
    # ``[[Topic]]`` and ``[md](Topic.md)`` reach the nearest Topic.md (most folders shared, then
    # fewest folders, then path order); ``./``, ``../`` and ``a/..`` paths go from the folder
    assert backlinks["x/Topic.md"] == {
        "Root source.md",
        "Unique.md",  # its alias "Topic" is not a name links resolve through
        "q/Source.md",
        "x/Source.md",
        "x/Topic.md",
    }
    assert backlinks["y/Topic.md"] == {
        "Root source.md",  # [md](y/z/../Topic.md) from the root
        "Unique.md",
        "y/Source.md",
        "y/Topic.md",
        "y/sub/Local.md",
        "y/z/Source.md",  # [[../Topic]]
        "y/z/Topic.md",
        "y/z/deep/Source.md",  # [md](../../Topic.md)
    }
    assert backlinks["y/z/Topic.md"] == {"y/z/Source.md", "y/z/Topic.md", "y/z/deep/Source.md"}
    assert backlinks["w/v/Topic.md"] == {"w/v/Source.md"}
    # ``[md](Local.md)``: the folder's own, else the nearest of x/, y/ and y/sub/
    assert backlinks["x/Local.md"] == {
        "Root source.md",
        "Unique.md",
        "q/Source.md",
        "w/v/Source.md",
        "x/Source.md",
        "x/Topic.md",
    }
    assert backlinks["y/Local.md"] == {
        "y/Source.md",
        "y/Topic.md",
        "y/z/Source.md",
        "y/z/Topic.md",
        "y/z/deep/Source.md",
    }
    assert backlinks["y/sub/Local.md"] == {"y/sub/Local.md", "y/z/Source.md", "y/z/Topic.md"}
    # attachments: pic.png twice (q/ has its own), img.png at the root wins over y/'s by name
    assert backlinks["q/pic.png"] == {"q/Source.md"}
    assert backlinks["p/pic.png"] == SOURCES
    assert backlinks["img.png"] == SOURCES
    assert backlinks["y/img.png"] == {"y/Source.md", "y/Topic.md"}  # [md](img.png)
    assert backlinks["w/doc.pdf"] == SOURCES
    # one file with the name, from everywhere
    assert backlinks["Unique.md"] == SOURCES
    assert backlinks["Deep/Path/Thing.md"] == SOURCES
    # ``[[#Own heading]]``: each note with links links itself, and nothing else links there
    for source in SOURCES - {"x/Topic.md", "y/Topic.md", "y/z/Topic.md", "Unique.md"}:
        if source != "y/sub/Local.md":
            assert backlinks[source] == {source}
    # nothing else is reached: unresolved links and links out of the vault lead nowhere
    assert set(backlinks) == {
        *SOURCES,
        "w/v/Topic.md",
        "x/Local.md",
        "y/Local.md",
        "Deep/Path/Thing.md",
        *ATTACHMENTS,
    }
