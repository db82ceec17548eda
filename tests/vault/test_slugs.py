"""GitHub's heading slugs: headings from real READMEs and docs, with the anchor GitHub gives them.

The plain-text cases are github-slugger's own test cases (the library GitHub-style sites use);
the markup cases are what GitHub renders, whose text the slug is made from.
"""

from __future__ import annotations

import pytest

from vault_ls.vault.slugs import github_slug, github_slugs


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        # Foam's docs (foam-docs) and a README (opinionated-vault) link these
        ("Key Features", "key-features"),
        ("What's in a Foam?", "whats-in-a-foam"),
        ("Draw.io", "drawio"),
        (
            "Links/Graphs/BackLinks don't work. How do I enable them?",
            "linksgraphsbacklinks-dont-work-how-do-i-enable-them",
        ),
        ("Metcalfe's Law", "metcalfes-law"),
        ("Someday/Maybe Tasks (GTD)", "somedaymaybe-tasks-gtd"),
        # github-slugger's cases: ``-`` and ``_`` stay, other punctuation goes, spaces count
        ("heading with a - dash", "heading-with-a---dash"),
        ("heading with an _ underscore", "heading-with-an-_-underscore"),
        ("heading with a period.txt", "heading-with-a-periodtxt"),
        (
            "exchange.bind_headers(exchange, routing [, bindCallback])",
            "exchangebind_headersexchange-routing--bindcallback",
        ),
        ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
        (":ok_hand: Single", "ok_hand-single"),
        # non-ASCII: dashes and symbols go, letters of every script stay, lower-cased
        ("I ♥ unicode", "i--unicode"),
        ("en–dash", "endash"),
        ("Attacks — 😀", "attacks--"),
        ("😄 unicode emoji", "-unicode-emoji"),
        ("Привет non-latin 你好", "привет-non-latin-你好"),
        ("你好，世界。", "你好世界"),
        ("Größe ÆØÅ", "größe-æøå"),
        ("Ⓐ team", "ⓐ-team"),  # a circled letter is a letter (Unicode's Alphabetic)
        ("² squared", "-squared"),  # an "other number" is not
        # markup: the slug is made from the text GitHub renders
        ("`hasTag()`", "hastag"),
        ("`__init__` method", "__init__-method"),
        ("__init__ method", "init-method"),  # bold "init"
        ("**Bold** and _em_", "bold-and-em"),
        ("[Link text](https://example.com/page_one)", "link-text"),
        ("<kbd>Ctrl</kbd> + C", "ctrl--c"),
        ("Fish &amp; Chips", "fish--chips"),
        ("![logo](img/logo_1.png) Foam", "-foam"),  # an image's alt is no text of the heading
        ("snake_case_name", "snake_case_name"),
    ],
)
def test_github_slug(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_repeated_slugs_are_numbered_in_order() -> None:
    # github-slugger's repetition cases: a numbered slug taken already is skipped
    headings = ["echo", "echo", "echo 1", "echo-1", "echo", "Notes", "notes"]
    assert github_slugs(headings) == (
        "echo",
        "echo-1",
        "echo-1-1",
        "echo-1-2",
        "echo-2",
        "notes",
        "notes-1",
    )
