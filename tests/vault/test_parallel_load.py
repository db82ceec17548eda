"""A cold load of a large vault: worker processes parse the notes and resolve their links
against the scanned files, so the server decodes only each note's head. The result must be
the index a serial load builds, link for link."""

from __future__ import annotations

from pathlib import Path

from vault_ls.vault import disk_note, loader
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.lazy_notes import LazyNote
from vault_ls.vault.workspace import Vault


def write_vault(root: Path, count: int) -> None:
    """``count`` notes in three folders that reuse names (ambiguous links resolve to the
    nearest), with attachments, markdown paths, ``../`` links, links out of the vault,
    aliases, same-note anchors and broken links."""
    (root / "img").mkdir(parents=True)
    (root / "img" / "pic.png").write_bytes(b"png")
    (root / "a" / "pic.png").parent.mkdir(parents=True)
    (root / "a" / "pic.png").write_bytes(b"png")
    for number in range(count):
        folder = ("a", "b/c", "")[number % 3]
        name = f"Note {number % (count // 2)} — ü"  # each name twice, in different folders
        path = root / folder / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        other = (number * 7) % (count // 2)
        path.write_text(
            f"---\naliases: [Alias {number}]\n---\n# {name}\n\n"
            f"[[Note {other} — ü]] [[Note {other} — ü#Part]] ![[pic.png]] [[Alias {other}]]\n"
            f"[p](../a/Note%20{other}%20—%20ü.md) [q](/b/c/Note%20{other}%20—%20ü.md) "
            f"[r](../../../../etc/passwd) [[#Local]] [[Missing {number}]] [[img/pic.png]]\n",
            encoding="utf-8",
        )


def graph(index: VaultIndex):
    saved = index.link_graph()
    outgoing, linkers, ends = saved.outgoing, saved.linkers, saved.ends
    backlinks = {target: set(sources) for target, sources in index.backlinks.items() if sources}
    return outgoing, {name: set(paths) for name, paths in linkers.items() if paths}, backlinks, ends


def test_workers_resolve_links_as_the_server_would(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_vault(root, 2 * loader.PARALLEL_FROM)
    parallel = Vault(root, use_cache=False)
    parallel.load()
    notes = parallel.index.notes
    assert len(notes) == 2 * loader.PARALLEL_FROM
    # the links came resolved: no note's body was decoded to read them
    assert all(type(note) is LazyNote for note in notes.values())
    serial = VaultIndex()
    parsed = [disk_note.parse_from_disk(parallel.root, path) for path in notes]
    serial.set_notes(parsed, sorted(parallel.index.attachments))
    assert graph(parallel.index) == graph(serial)
    # ambiguous names reach the note nearest the linking one; both folders are reached
    assert parallel.index.linking_notes("a/Note 0 — ü.md")
    assert parallel.index.linking_notes("b/c/Note 0 — ü.md")
    assert parallel.index.linking_notes("img/pic.png")
    assert notes == {note.path: note for note in parsed}
