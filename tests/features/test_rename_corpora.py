"""On every real vault in ``../shared/corpora``: rename its 10 most-linked notes and back, one
after the other, applied by the tests' own applier. The resolved-link count never changes and
every file is byte for byte what it was at the end. Skipped when the corpora are absent."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from tests.features.edit_applier import apply

from vault_ls.features import rename
from vault_ls.features.convert import Encoder
from vault_ls.features.edits import workspace_edit
from vault_ls.vault.parse import parse_note
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
        edit = workspace_edit(Encoder(vault), plan.edits, plan.moves, {}, plan.label, "", False)
        elapsed = time.perf_counter() - started
        after = apply(self.files, edit, ROOT)
        new = plan.moves[0][1]
        self.index.remove_note(old)
        for path in {edit.path for edit in plan.edits} - {old} | {new}:
            self.index.set_note(parse_note(path, after[path]))
        self.files = after
        return new, plan.links, plan.notes, elapsed

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
