"""On every real vault in ``../shared/corpora``: rename its 10 most-linked notes and back, and
its 10 most-linked headings and back, one after the other, applied by the tests' own applier.
The resolved-link count (and heading-anchor count) never changes and every file is byte for
byte what it was at the end. Skipped when the corpora are absent."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from tests.features.edit_applier import apply

from vault_ls.features import rename, rename_anchors
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import workspace_edit
from vault_ls.features.rename_common import Plan, Texts, is_title_heading
from vault_ls.vault.names import heading_key, heading_link_text
from vault_ls.vault.parse import parse_note
from vault_ls.vault.resolve import heading_path, link_heading_path, link_heading_position
from vault_ls.vault.snapshot import Snapshot, in_memory

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
ROOT = Path("/vault")
NAMES = (
    sorted(p.name for p in CORPORA.iterdir() if p.is_dir() and not p.name.startswith("_"))
    if CORPORA.is_dir()
    else []
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent"),
]


def read_corpus(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        is_note = relative.lower().endswith(".md")
        files[relative] = path.read_text(encoding="utf-8", errors="replace") if is_note else ""
    return files


class Corpus:
    """Files in memory with an index kept up to date file by file, as the server keeps it."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.vault = in_memory(files, ROOT)
        self.index = self.vault.index

    def snapshot(self) -> Snapshot:
        texts = {p: t for p, t in self.files.items() if p.lower().endswith(".md")}
        return replace(self.vault, texts=texts, version=self.index.version)

    def rename(self, old: str, new_name: str) -> tuple[str, int, int, float]:
        vault = self.snapshot()
        started = time.perf_counter()
        plan = rename.plan_note_rename(vault, old, new_name)
        elapsed = self.apply(vault, plan, started)
        return plan.moves[0][1], plan.links, plan.notes, elapsed

    def apply(self, vault: Snapshot, plan: Plan, started: float) -> float:
        edit = workspace_edit(Encoder(vault), plan.edits, plan.moves, {}, plan.label, "", False)
        elapsed = time.perf_counter() - started
        after = apply(self.files, edit, ROOT)
        moved = dict(plan.moves)
        for old in moved:
            self.index.remove_note(old)
        for path in {moved.get(e.path, e.path) for e in plan.edits} | set(moved.values()):
            self.index.set_note(parse_note(path, after[path]))
        self.files = after
        return elapsed

    def rename_heading(self, path: str, position: int, text: str) -> tuple[Plan, float]:
        vault = self.snapshot()
        started = time.perf_counter()
        plan = rename_anchors.plan_heading_rename(vault, path, position, text)
        return plan, self.apply(vault, plan, started)

    def anchors(self) -> int:
        """Links whose ``#heading`` reaches a heading."""
        found = 0
        for note in self.index:
            for link in note.links:
                target = self.index.resolve(link, note.path).path if link.headings else None
                target_note = self.index.notes.get(target) if target else None
                found += (
                    target_note is not None and link_heading_position(target_note, link) is not None
                )
        return found

    def resolved(self) -> int:
        return sum(
            self.index.resolve(link, note.path).path is not None
            for note in self.index
            for link in note.links
        )


@pytest.mark.parametrize("corpus", NAMES)
def test_rename_the_most_linked_notes_and_back(corpus: str) -> None:
    """The 10 most-linked notes whose name no other note carries: with a repeated name, a link
    written ``[[Kanban]]`` (reaching the nearest of several) comes back path-qualified."""
    original = read_corpus(CORPORA / corpus)
    corpus_ = Corpus(dict(original))
    index = corpus_.index
    total = corpus_.resolved()
    counts = Counter(target for source in index.notes for target in index._outgoing[source])
    counts = Counter({t: len(index.linking_notes(t)) for t in counts})
    names = Counter(note.name.lower() for note in index)
    chosen = [
        p
        for p, _ in counts.most_common()
        if p in index.notes and names[index.notes[p].name.lower()] == 1
    ]
    renamed, refused = [], []
    links = notes = 0
    elapsed = 0.0
    for old in chosen:
        if len(renamed) == 10:
            break
        name = index.notes[old].name
        try:
            new, changed, touched, spent = corpus_.rename(old, f"{name} — renamed")
        except rename.RenameRefused as reason:
            refused.append(str(reason))
            continue
        renamed.append(old)
        assert corpus_.resolved() == total, old
        back, changed_back, _, spent_back = corpus_.rename(new, name)
        assert back == old and changed_back == changed
        assert corpus_.resolved() == total, old
        links, notes, elapsed = links + changed, notes + touched, elapsed + spent + spent_back
    assert corpus_.files == original
    assert len(renamed) == min(10, len(chosen) - len(refused))
    print(
        f"\n{corpus}: {len(renamed)} notes renamed and back, {links} links in {notes} notes"
        f" changed each way, {elapsed * 1000 / max(1, 2 * len(renamed)):.1f} ms per rename;"
        f" refused: {refused}"
    )


def linked_headings(corpus: Corpus) -> Counter[tuple[str, int]]:
    """(note, heading position) -> the links reaching that heading."""
    counts: Counter[tuple[str, int]] = Counter()
    for note in corpus.index:
        for link in note.links:
            if not link.headings:
                continue
            target = corpus.index.resolve(link, note.path).path
            target_note = corpus.index.notes.get(target) if target else None
            position = link_heading_position(target_note, link) if target_note else None
            if target and position is not None:
                counts[(target, position)] += 1
    return counts


def written_as_obsidian_writes(corpus: Corpus, path: str, position: int) -> bool:
    """Every link part naming the heading writes its text, Obsidian's link text for it (either
    in its case or lower case) or its GitHub slug: the forms a rename gives back. A looser
    ``#how large can each remote vault be`` for ``...be?`` comes back as Obsidian writes it."""
    vault = corpus.snapshot()
    texts = Texts(vault)
    note = corpus.index.notes[path]
    text = note.headings[position].text
    forms = {text, heading_link_text(text), text.lower(), heading_link_text(text).lower()}
    for source, link in rename.links_to(vault, path):
        matched = link_heading_path(note, link) if link.headings else None
        if matched is None or position not in matched:
            continue
        if link.kind == "markdown" and heading_path(note.outline(), link.headings) is None:
            continue  # a slug
        try:
            parts = rename_anchors.link_parts(texts, source, link)
        except rename.RenameRefused:
            return True  # refused by the rename itself: counted there
        for span, named in zip(parts.headings, matched, strict=True):
            read = unquote(span.written) if link.kind == "markdown" else span.written
            if named == position and read not in forms:
                return False
    return True


@pytest.mark.parametrize("corpus", NAMES)
def test_rename_the_most_linked_headings_and_back(corpus: str) -> None:
    original = read_corpus(CORPORA / corpus)
    corpus_ = Corpus(dict(original))
    total, anchors = corpus_.resolved(), corpus_.anchors()
    renamed, refused, loose = 0, [], 0
    links = elapsed = 0.0
    sources: set[str] = set()
    for (path, position), _ in linked_headings(corpus_).most_common():
        if renamed == 10:
            break
        note = corpus_.index.notes[path]
        heading = note.headings[position]
        keys = [heading_key(h.text) for h in note.headings]
        if is_title_heading(note, heading) or keys.count(heading_key(heading.text)) > 1:
            continue
        if not written_as_obsidian_writes(corpus_, path, position):
            loose += 1
            continue
        old = heading.text
        try:
            plan, spent = corpus_.rename_heading(path, position, f"{old} — renamed 改")
        except rename.RenameRefused as reason:
            refused.append(str(reason))
            continue
        renamed += 1
        assert (corpus_.resolved(), corpus_.anchors()) == (total, anchors), (path, old)
        back, spent_back = corpus_.rename_heading(path, position, old)
        assert back.links == plan.links
        assert (corpus_.resolved(), corpus_.anchors()) == (total, anchors), (path, old)
        links += plan.links
        sources |= plan.sources
        elapsed += spent + spent_back
    assert corpus_.files == original
    print(
        f"\n{corpus}: {renamed} headings renamed and back, {links:.0f} links in {len(sources)}"
        f" notes changed each way, {elapsed * 1000 / max(1, 2 * renamed):.1f} ms per rename;"
        f" skipped for loose link forms: {loose}; refused: {refused}"
    )
