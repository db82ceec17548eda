"""Where new notes and daily notes go (``features/new_notes.py``) and the moment.js tokens of
daily-note formats (``features/moment.py``), on in-memory vaults."""

from __future__ import annotations

from datetime import datetime

import pytest

from vault_ls.features.moment import format_moment
from vault_ls.features.new_notes import daily_content, daily_path, new_folder, note_path
from vault_ls.features.wire import RequestError
from vault_ls.vault.snapshot import in_memory

TUESDAY = datetime(2026, 12, 1, 9, 5, 7)


@pytest.mark.parametrize(
    ("when", "pattern", "expected"),
    [
        (TUESDAY, "YYYY-MM-DD", "2026-12-01"),
        (TUESDAY, "dddd, MMMM Do YYYY", "Tuesday, December 1st 2026"),
        (TUESDAY, "ddd D MMM YY [at] HH:mm:ss A", "Tue 1 Dec 26 at 09:05:07 AM"),
        (TUESDAY, "YYYY/[W]ww/E d DDDD Q", "2026/W49/2 2 335 4"),
        # Sunday 28 Dec 2025: English weeks start on Sunday and week 1 holds 1 January, so this
        # is week 1 of 2026 by ``ww``/``gggg`` but ISO week 52 of 2025 by ``WW``/``GGGG``
        (datetime(2025, 12, 28), "gggg-[w]ww GGGG-[W]WW d", "2026-w01 2025-W52 0"),
        (datetime(2026, 1, 11, 13), "Do Mo h a", "11th 1st 1 pm"),
        (datetime(2026, 3, 22), "Do [Do]", "22nd Do"),
    ],
)
def test_moment_tokens(when: datetime, pattern: str, expected: str) -> None:
    assert format_moment(when, pattern) == expected


def test_daily_note_paths() -> None:
    assert daily_path("", "", TUESDAY) == "2026-12-01.md"
    assert daily_path("/Journal/", "YYYY/MM/YYYY-MM-DD", TUESDAY) == "Journal/2026/12/2026-12-01.md"


def test_daily_template_fields() -> None:
    vault = in_memory({"Templates/Day.md": "# {{title}}\n{{DATE:YYYY}} {{time}} {{ date }} 😀\n"})
    found = daily_content(vault, "Templates/Day", "2026-12-01", TUESDAY)
    assert found == "# 2026-12-01\n2026 09:05 2026-12-01 😀\n"
    with pytest.raises(RequestError, match=r"the daily notes template Nope\.md is not a note"):
        daily_content(vault, "Nope", "x", TUESDAY)


def test_note_paths_and_folders() -> None:
    vault = in_memory({"Beta.md": "", "img/a.png": ""})
    assert note_path(vault, " Idea — 日本.md ", "/ideas/") == "ideas/Idea — 日本.md"
    assert note_path(vault, "sub/Name", "") == "sub/Name.md"
    with pytest.raises(RequestError, match=r"Beta\.md already exists"):
        note_path(vault, "Beta", "")
    with pytest.raises(RequestError, match=r"cannot hold \[ \]"):
        note_path(vault, "a [b]", "")
    assert new_folder("folder", "Inbox", "x/y.md") == "Inbox"
    assert new_folder("current", "Inbox", "x/y.md") == "x"
    assert new_folder("current", "Inbox", None) == ""
    assert new_folder("root", "Inbox", "x/y.md") == ""
