"""Names in two Unicode normalizations: macOS writes file names decomposed (NFD: ``e`` and a
combining accent), editors and Obsidian type links composed (NFC). On b36b671 ``[[Café]]``
never reached an NFD-named ``Café.md``, and both forms were indexed as separate notes without a
word."""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

import pytest

from vault_ls.vault.parse import parse_note
from vault_ls.vault.workspace import Vault

NFC = unicodedata.normalize("NFC", "Café — 東京")
NFD = unicodedata.normalize("NFD", "Café — 東京")
assert NFC != NFD


def reaches(vault: Vault, link: str) -> str | None:
    return vault.index.resolve(parse_note("Links.md", link).links[0], "Links.md").path


def load(root: Path, files: dict[str, str], tmp_path: Path) -> Vault:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    vault = Vault(root, cache_folder=tmp_path / "cache")
    vault.load()
    return vault


def test_a_composed_link_reaches_a_decomposed_file_name(tmp_path: Path) -> None:
    vault = load(tmp_path / "vault", {f"{NFD}.md": "# x\n", f"{NFD}.png": ""}, tmp_path)
    assert reaches(vault, f"[[{NFC}]]") == f"{NFD}.md"
    assert reaches(vault, f"[[{NFC.upper()}|shown]]") == f"{NFD}.md"
    assert reaches(vault, f"[x]({NFC.replace(' ', '%20')}.md)") == f"{NFD}.md"
    assert reaches(vault, f"![[{NFC}.png]]") == f"{NFD}.png"


def test_a_decomposed_file_made_later_is_reached_by_the_composed_links(tmp_path: Path) -> None:
    vault = load(tmp_path / "vault", {"Links.md": f"[[{NFC}]]\n"}, tmp_path)
    assert reaches(vault, f"[[{NFC}]]") is None
    (vault.root / f"{NFD}.md").write_text("# x\n", encoding="utf-8")
    vault.file_changed(f"{NFD}.md")
    # the note's own link, as the index keeps it: re-resolved when the file came
    assert vault.index.linking_notes(f"{NFD}.md") == {"Links.md"}


def test_names_differing_only_in_normalization_are_warned_of_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="vault_ls"):
        vault = load(tmp_path / "vault", {f"{NFC}.md": "# c\n", f"{NFD}.md": "# d\n"}, tmp_path)
        vault.load()  # a re-index: no second warning
    warned = [r.getMessage() for r in caplog.records if "normalization" in r.getMessage()]
    assert len(warned) == 1, warned
    assert "differ only in Unicode normalization (NFC/NFD)" in warned[0]
    # each link reaches the one written exactly as it
    assert reaches(vault, f"[[{NFC}]]") == f"{NFC}.md"
    assert reaches(vault, f"[[{NFD}]]") == f"{NFD}.md"


@pytest.mark.parametrize("suffix", [".md", ".png"])
def test_a_twin_made_after_the_load_is_warned_of_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, suffix: str
) -> None:
    """Until this test only a load compared the names: a twin a sync tool wrote later was
    indexed as a second file without a word."""
    vault = load(tmp_path / "vault", {f"{NFC}{suffix}": "# c\n", "Other — é.md": ""}, tmp_path)
    with caplog.at_level(logging.WARNING, logger="vault_ls"):
        (vault.root / f"{NFD}{suffix}").write_text("# d\n", encoding="utf-8")
        vault.file_changed(f"{NFD}{suffix}")
        vault.file_changed(f"{NFD}{suffix}")  # changed again: no second warning
        vault.file_changed("Other — é.md")
    warned = [r.getMessage() for r in caplog.records]
    assert warned == [
        f"{vault.root}: {NFC + suffix!r} and {NFD + suffix!r} differ only in Unicode "
        "normalization (NFC/NFD): a link reaches the one written exactly as it, else the first "
        "in code point order"
    ]
