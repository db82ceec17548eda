"""Title keys: the ASCII shortcut gives what the rule gives, character by character."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_ls.vault.names import FILENAME_FORBIDDEN, shown_text, title_key


def _title_key_by_the_rule(text: str) -> str:
    """``title_key`` as its docstring states it: case, whitespace, punctuation, symbols and
    link brackets ignored, compatibility forms folded (NFKC)."""
    folded = unicodedata.normalize("NFKC", shown_text(text)).casefold()
    kept = (
        " " if ch in FILENAME_FORBIDDEN or unicodedata.category(ch)[0] in "PSZC" else ch
        for ch in folded
    )
    return " ".join("".join(kept).split())


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_an_ascii_title_keys_as_by_the_rule(text: str) -> None:
    assert title_key(text) == _title_key_by_the_rule(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Part 2: [[Sets|Python sets]] today?", "part 2 python sets today"),
        ("Part 2 — Ｐａｒｔ ２ 🙂", "part 2 part 2"),
        ("Café/東京", "café 東京"),
    ],
)
def test_titles_key_by_the_rule(text: str, key: str) -> None:
    assert title_key(text) == _title_key_by_the_rule(text) == key
