"""``vault/status`` counts links from the ends the index keeps (``note_info.link_counts``):
equal to resolving every link of every note, on every shared corpus, after a warm start (where
it decodes no body) and after edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.vault.test_warm_link_ends import FILES, undecoded, warm_start, write

from vault_ls.features import note_info
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note
from vault_ls.vault.workspace import Vault

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
NAMES = (
    sorted(p.name for p in CORPORA.iterdir() if p.is_dir() and not p.name.startswith("_"))
    if CORPORA.is_dir()
    else []
)  # ``_logs`` holds no vault


def resolving_every_link(index: VaultIndex) -> tuple[int, int]:
    links = [(link, note.path) for note in index for link in note.links]
    missing = sum(index.resolve(link, source).path is None for link, source in links)
    return len(links), missing


@pytest.mark.skipif(not NAMES, reason="../shared/corpora is absent")
@pytest.mark.parametrize("corpus", NAMES)
def test_the_counts_equal_resolving_every_link(corpus: str) -> None:
    vault = Vault(CORPORA / corpus, use_cache=False)
    vault.load()
    assert note_info.link_counts(vault.index) == resolving_every_link(vault.index)


def test_after_a_warm_start_no_body_is_decoded_and_edits_count(tmp_path: Path) -> None:
    root = write(tmp_path / "vault — 金庫", FILES)
    warm = warm_start(root, tmp_path / "cache")
    before = undecoded(warm)
    # 14 links; 5 reach nothing: two spellings of Missing, Nowhere, Missing again, and an
    # alias (Obsidian resolves links by file name only)
    assert note_info.link_counts(warm.index) == (14, 5)
    assert undecoded(warm) == before == set(warm.index.notes)
    assert resolving_every_link(warm.index) == (14, 5)  # decodes them: the reference
    edited = parse_note("Edited.md", "# Edited\n\n[[Café — 😀]] [[Nowhere — 🚫]]\n")
    warm.index.set_note(edited)
    assert note_info.link_counts(warm.index) == (16, 6) == resolving_every_link(warm.index)
    warm.index.remove_note("中文 ノート.md")  # its 2 links gone; 3 to it now reach nothing
    assert note_info.link_counts(warm.index) == (14, 8) == resolving_every_link(warm.index)
