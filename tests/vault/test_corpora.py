"""The real CLI on real vaults (``../shared/corpora``, see its README): every problem it reports
is pinned with the reason it is right, and the link figures are pinned too.

Skipped when the corpora are absent (a user's clone has no ``../shared``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from vault_ls.vault.checks import check_titles
from vault_ls.vault.names import FILENAME_FORBIDDEN
from vault_ls.vault.parse import parse_note
from vault_ls.vault.workspace import Vault

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent"),
]

Pinned = tuple[str, int, int, str, str]  # path, line, column (1-based), code, message


@cache
def run(corpus: str, output_format: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vault_ls",
            "check",
            str(CORPORA / corpus),
            "--format",
            output_format,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def problems(corpus: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads(run(corpus, "json").stdout)
    return result


def pinned(corpus: str) -> list[Pinned]:
    return [(p["path"], p["line"], p["column"], p["code"], p["message"]) for p in problems(corpus)]


def summary(corpus: str) -> str:
    return run(corpus, "text").stdout.rstrip("\n").rsplit("\n", 1)[-1]


def codes(corpus: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for problem in problems(corpus):
        counts[problem["code"]] = counts.get(problem["code"], 0) + 1
    return counts


SYNC_MSG = (
    '"Security and privacy" matches 2 notes; it opens "Obsidian Sync/Security and privacy.md", '
    "the closest (also: Obsidian Publish/Security and privacy.md)"
)
PUBLISH_MSG = (
    '"Security and privacy" matches 2 notes; it opens "Obsidian Publish/Security and privacy.md", '
    "the closest (also: Obsidian Sync/Security and privacy.md)"
)
INTERNAL = "Linking notes and files/Internal links.md"

OBSIDIAN_HELP: list[Pinned] = [
    # "[[Example]] displays as [[Example]]": the help shows a live link to a note it never wrote.
    (INTERNAL, 154, 31, "unresolved-link", 'No note named "Example"'),
    # "[[Example#Details]] displays as ...": the same missing note, with a heading.
    (INTERNAL, 155, 39, "unresolved-link", 'No note named "Example"'),
    # "[[Example|Custom name]] appears as ...": display text does not make it exist.
    (INTERNAL, 162, 42, "unresolved-link", 'No note named "Example"'),
    # "[[Example#Details|Section name]]": the same.
    (INTERNAL, 163, 51, "unresolved-link", 'No note named "Example"'),
    # "[Custom name](Example.md)": the markdown form of the same demonstration.
    (INTERNAL, 168, 56, "unresolved-link", 'No note at "Example.md"'),
    # "[Section name](Example.md#Details)": likewise.
    (INTERNAL, 169, 66, "unresolved-link", 'No note at "Example.md"'),
    # Publish's intro links the Publish page of that name, which sits beside it: closest wins.
    ("Obsidian Publish/Introduction to Obsidian Publish.md", 34, 5, "ambiguous-link", PUBLISH_MSG),
    # The four Sync pages link the Sync page of that name, beside them.
    ("Obsidian Sync/Headless Sync.md", 9, 198, "ambiguous-link", SYNC_MSG),
    ("Obsidian Sync/Introduction to Obsidian Sync.md", 31, 5, "ambiguous-link", SYNC_MSG),
    ("Obsidian Sync/Set up Obsidian Sync.md", 52, 247, "ambiguous-link", SYNC_MSG),
    ("Obsidian Sync/Upgrade Sync encryption.md", 43, 247, "ambiguous-link", SYNC_MSG),
]


def test_obsidian_help_problems() -> None:
    assert pinned("obsidian-help") == OBSIDIAN_HELP
    assert summary("obsidian-help") == (
        "11 problems (0 errors, 11 warnings, 0 information, 0 hints) in 6 of 173 notes; "
        "1811 links, 1805 resolved"
    )
    assert run("obsidian-help", "json").returncode == 0  # warnings only


def test_obsidian_help_security_and_privacy_from_inside_sync() -> None:
    vault = Vault(CORPORA / "obsidian-help")
    vault.load()
    source = "Obsidian Sync/Introduction to Obsidian Sync.md"
    (link,) = [
        link for link in vault.index.notes[source].links if link.target == "Security and privacy"
    ]
    resolution = vault.index.resolve(link, source)
    assert resolution.path == "Obsidian Sync/Security and privacy.md"
    assert resolution.ambiguous
    assert resolution.candidates == (
        "Obsidian Sync/Security and privacy.md",
        "Obsidian Publish/Security and privacy.md",
    )
    (problem,) = [p for p in problems("obsidian-help") if p["path"] == source]
    assert (problem["code"], problem["line"]) == ("ambiguous-link", link.range.start.line + 1)


# --- readwise-export ------------------------------------------------------------------------

READWISE = CORPORA / "readwise-export"
AUTHOR = re.compile(r"^- Author: (.*)$")
WIKILINK = re.compile(r"\[\[([^\[\]|#]+)[^\[\]]*\]\]")


def readwise_notes() -> dict[str, str]:
    return {
        path.relative_to(READWISE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(READWISE.rglob("*.md"))
    }


def test_readwise_figures() -> None:
    assert codes("readwise-export") == {
        "unresolved-link": 528,
        "filename-title": 6,
        "unresolved-heading": 1,
    }
    assert summary("readwise-export") == (
        "535 problems (1 error, 528 warnings, 6 information, 0 hints) in 467 of 469 notes; "
        "551 links, 23 resolved"
    )
    # The one error: an HTML footnote anchor copied from Substack has no heading to reach.
    (heading,) = [p for p in problems("readwise-export") if p["code"] == "unresolved-heading"]
    assert (heading["path"], heading["line"], heading["message"]) == (
        "Readwise/Full Document Contents/Articles/Three Years From GPT-3 to Gemini 3.md",
        73,
        'This note has no heading "footnote-anchor-1-178246604"',
    )
    assert run("readwise-export", "json").returncode == 1


def test_readwise_every_author_link_without_a_note_is_unresolved() -> None:
    notes = readwise_notes()
    names = {path.rsplit("/", 1)[-1][:-3].casefold() for path in notes}
    expected = set()
    for path, text in notes.items():
        for number, line in enumerate(text.split("\n"), 1):
            found = AUTHOR.match(line)
            if not found:
                continue
            for link in WIKILINK.finditer(found.group(1)):
                if link.group(1).strip().casefold() not in names:
                    column = len("- Author: ") + link.start(1) + 1
                    expected.add((path, number, column, link.group(1).strip()))
    reported = {
        (p["path"], p["line"], p["column"]): p["message"]
        for p in problems("readwise-export")
        if p["code"] == "unresolved-link"
    }
    assert len(expected) == 467
    for path, number, column, name in expected:
        # ``[[readwise.io]]`` reads as a file name with an extension: "No file named".
        assert reported.get((path, number, column)) in (
            f'No note named "{name}"',
            f'No file named "{name}"',
        ), (path, number, name)
    # The other 61 are genuine too: ``- Tags: [[orange]]`` highlight tags, Wikipedia's
    # ``[[1]](url)`` footnote markers, which Obsidian also reads as links to missing notes, and
    # one link to a full-document note the export left out, whose name holds ``[...]``.
    rest = set(reported) - {found[:3] for found in expected}
    others = sorted({reported[place] for place in rest})
    assert len(rest) == 61
    trends = "[Current Trends] a Spicy Take on the 'TikTok Refugee' Migration.md"
    assert reported[(f"Readwise/Articles/{trends}", 13, 3)] == (
        f'No note at "Full Document Contents/Articles/{trends}"'
    )
    assert others[1:4] == ['No note named "1"', 'No note named "10"', 'No note named "11"']
    assert {'No note named "orange"', 'No note named "blue"', 'No note named "cop"'} <= set(others)


def stripped(title: str) -> str:
    kept = "".join(" " if ch in FILENAME_FORBIDDEN else ch for ch in title)
    return " ".join(kept.split())


def test_readwise_titles_that_only_lost_forbidden_characters_are_not_flagged() -> None:
    lost = set()
    for path, text in readwise_notes().items():
        stem = path.rsplit("/", 1)[-1][:-3]
        for title in re.findall(r"^(?:# |- Full Title: )(.+)$", text, re.M):
            title = title.strip()
            if title != stem and stripped(title) == " ".join(stem.split()):
                lost.add(path)
    # ``2025: The State…``, ``…Do?``, ``Nick Cave … | the New Yorker``, ``Dave "…" Birch``…
    assert len(lost) == 20
    flagged = {
        p["path"]
        for p in problems("readwise-export")
        if p["code"] in ("title-conflict", "filename-title")
    }
    assert not lost & flagged


def test_readwise_filename_title_only_for_numbered_duplicates() -> None:
    expected = set()
    for path, text in readwise_notes().items():
        stem = path.rsplit("/", 1)[-1][:-3]
        copy = re.fullmatch(r"(.+?)(?:-| )2", stem)
        heading = re.search(r"^# (.+)$", text, re.M)
        if copy and heading and heading.group(1).strip() == copy.group(1):
            expected.add(path)
    flagged = {p["path"] for p in problems("readwise-export") if p["code"] == "filename-title"}
    assert (
        flagged
        == expected
        == {
            "Readwise/Books/How Your Brain Is Wired-2.md",
            "Readwise/Tweets/Tweets From Aakash Gupta 2.md",
            "Readwise/Tweets/Tweets From Abhishek-2.md",
            "Readwise/Tweets/Tweets From Adam Ghowiba 2.md",
            "Readwise/Tweets/Tweets From Hayes-2.md",
            "Readwise/Tweets/Tweets From JMoon 2.md",
        }
    )
    assert not [p for p in problems("readwise-export") if p["code"] == "title-conflict"]


def test_readwise_notes_rewritten_with_the_cover_and_title_line_in_one_paragraph() -> None:
    # This export writes ``# Title`` and the cover as paragraphs of their own; other Readwise
    # templates write the cover and a ``[[Title]]`` line as one paragraph. Rewritten so, every
    # real note must read its title line, and none may disagree with its Full Title.
    head = re.compile(r"# ([^#|\[\]^&\n]+)\n\n(!\[rw-book-cover\]\([^)\n]*\))\n\n")
    rewritten = 0
    for path, text in readwise_notes().items():
        found = head.match(text)
        if found is None:
            continue  # a title a wikilink cannot hold as written: ``|``, ``#``, ``&#39;``
        title, cover = found.groups()
        note = parse_note(path, f"{cover}\n[[{title}]]\n{text[found.end() :]}")
        assert ("title line", title) in [(t.source, t.text) for t in note.titles], path
        assert not [p for p in check_titles(note) if p.code == "title-conflict"], path
        rewritten += 1
    assert rewritten == 453  # of 469: the others hold `|`, `#` or `&#39;`


# --- ttrpg-13th-age-srd ---------------------------------------------------------------------

INDEX_13A = "Compendium/13A/13th-Age-Index.md"
BESTIARY = "Compendium/13A/Bestiary/Bestiary.md"
COMBAT = "Compendium/13A/Combat-Rules/Combat-Rules.md"
HALO = "Compendium/13A/Races/Racial-Feats/Halo.md"
HOLY_FEAT = "Compendium/13A/Races/Racial-Feats/Holy-One-Aasimar-Championship-Feat.md"
BRIAR = (
    '"Briar-Elves" matches 3 notes; it opens '
    '"Compendium/13A/Bestiary/Humanoid/Briar-Elves/Briar-Elves.md", the closest (also: '
    "Compendium/13A/Bestiary/Plant/Briar-Elves/Briar-Elves.md, "
    "Compendium/13A/Bestiary/Undead/Briar-Elves/Briar-Elves.md)"
)
DAMAGE = (
    '"Damage" matches 2 notes; it opens "Compendium/13A/Combat-Rules/Combat-Stats/Damage.md", '
    "the closest (also: Compendium/13A/Combat-Rules/Damage-and-Healing/Damage.md)"
)

TTRPG: list[Pinned] = [
    # ``[www.13thAgeSrd.com](www.13thagesrd.com)``: no scheme, so Obsidian reads a vault path.
    ("CONTRIBUTING.md", 7, 110, "unresolved-link", 'No file at "www.13thagesrd.com"'),
    # A folder from the author's larger vault that is not in this repository.
    (INDEX_13A, 18, 6, "unresolved-link", 'No note at "../..//13thAgeShare/Map-of-Contents.md"'),
    # The file is ``Holy-One-Aasimar.md`` (a dash, not a space); twice on the line.
    (INDEX_13A, 46, 17, "unresolved-link", 'No note at "Races/Holy One-Aasimar.md"'),
    (INDEX_13A, 46, 56, "unresolved-link", 'No note at "Races/Holy One-Aasimar.md"'),
    # ``[[Chaos Mage]]`` is only an alias of ``Chaos-Mage.md``: Obsidian does not follow it.
    (
        INDEX_13A,
        53,
        7,
        "alias-link",
        '"Chaos Mage" is an alias of "Chaos-Mage" (Compendium/13A/Classes/Chaos-Mage.md), and a '
        "link to an alias does not resolve; write [[Chaos-Mage|Chaos Mage]]",
    ),
    # The folder is ``Combat-Rules``, not ``Combat Rules``.
    (INDEX_13A, 84, 19, "unresolved-link", 'No note at "Combat Rules/Combat-Rules.md"'),
    # ``:`` cannot stand in a file name; no note has this name.
    (INDEX_13A, 102, 7, "unresolved-link", 'No note named "Loot: Treasure Rewards"'),
    # Another alias-only link, to ``Monster-Rules.md``.
    (
        INDEX_13A,
        105,
        7,
        "alias-link",
        '"Monster Rules" is an alias of "Monster-Rules" '
        "(Compendium/13A/Monsters/Monster-Rules/Monster-Rules.md), and a link to an alias does "
        "not resolve; write [[Monster-Rules|Monster Rules]]",
    ),
    # ``Fire-Bat.md`` is in ``Beast/Animal-Critter/``, not ``Bestiary/Bat/``.
    (
        "Compendium/13A/Bestiary/Beast/Azer-Fire-Bat.md",
        12,
        16,
        "unresolved-link",
        'No note at "../Bat/Fire-Bat.md"',
    ),
    # A typo in the display text of a link to ``Giant-Scorpion``.
    (
        BESTIARY,
        74,
        6,
        "link-text",
        'Link text "Giant Scorpian" resembles but does not match the title "Giant-Scorpion" of '
        '"Compendium/13A/Bestiary/Beast/Animal-Critter/Giant-Scorpion.md"',
    ),
    # Listed in the bestiary index but never written.
    (BESTIARY, 338, 8, "unresolved-link", 'No note named "Shadow-Dragon"'),
    (BESTIARY, 339, 8, "unresolved-link", 'No note named "Shadow-Thief"'),
    # Three ``Briar-Elves.md``; under **Humanoid** the closest is right, but line 624 sits
    # under **Plant** and still opens the Humanoid one: exactly why the link is flagged.
    (BESTIARY, 432, 9, "ambiguous-link", BRIAR),
    (BESTIARY, 624, 9, "ambiguous-link", BRIAR),
    (
        BESTIARY,
        633,
        9,
        "ambiguous-link",
        '"Flowers-of-Unlife" matches 2 notes; it opens '
        '"Compendium/13A/Bestiary/Plant/Flowers-of-Unlife/Flowers-of-Unlife.md", the closest '
        "(also: Compendium/13A/Bestiary/Undead/Flowers-of-Unlife/Flowers-of-Unlife.md)",
    ),
    # No ``06_Classes`` folder exists (classes live in ``Classes/``).
    (
        "Compendium/13A/Character-Rules/Class.md",
        14,
        46,
        "unresolved-link",
        'No note at "../06_Classes/06_Classes.md"',
    ),
    # Two ``Intercepting.md`` under Combat-Actions; neither is nearer.
    (
        COMBAT,
        36,
        8,
        "ambiguous-link",
        '"Intercepting" matches 2 notes; it opens '
        '"Compendium/13A/Combat-Rules/Combat-Actions/Movement-and-Melee/Intercepting.md", the '
        "closest (also: Compendium/13A/Combat-Rules/Combat-Actions/Position/Intercepting.md)",
    ),
    # The Combat-Rules copy is nearer than the Character-Rules one.
    (
        COMBAT,
        56,
        8,
        "ambiguous-link",
        '"Combat-Stats" matches 2 notes; it opens '
        '"Compendium/13A/Combat-Rules/Combat-Stats/Combat-Stats.md", the closest (also: '
        "Compendium/13A/Character-Rules/Combat-Stats.md)",
    ),
    # Two ``Damage.md`` inside Combat-Rules; path order breaks the tie.
    (COMBAT, 58, 7, "ambiguous-link", DAMAGE),
    # Combat weapons, not magic-item weapons: the nearer one.
    (
        COMBAT,
        68,
        7,
        "ambiguous-link",
        '"Weapons" matches 2 notes; it opens "Compendium/13A/Combat-Rules/Combat-Stats/'
        'Weapons.md", the closest (also: '
        "Compendium/13A/Magic-Items/Magic-Item-Descriptions/Weapons.md)",
    ),
    (COMBAT, 70, 7, "ambiguous-link", DAMAGE),
    # ``Monster-Rules/`` is inside ``Monsters/``, so ``../Monster-Rules/`` climbs one too many.
    (
        "Compendium/13A/Monsters/Monster-Key.md",
        122,
        9,
        "unresolved-link",
        'No note at "../Monster-Rules/Mooks.md"',
    ),
    (
        "Compendium/13A/Monsters/Monster-Key.md",
        160,
        26,
        "unresolved-link",
        'No note at "../Monster-Rules/Monster-Abilities.md"',
    ),
    # ``Holy-One-Aasimar.md`` again, written with a space, from two feats (twice each).
    (HALO, 12, 33, "unresolved-link", 'No note at "../Holy One-Aasimar.md"'),
    (HALO, 12, 76, "unresolved-link", 'No note at "../Holy One-Aasimar.md"'),
    (HOLY_FEAT, 12, 33, "unresolved-link", 'No note at "../Holy One-Aasimar.md"'),
    (HOLY_FEAT, 12, 76, "unresolved-link", 'No note at "../Holy One-Aasimar.md"'),
    # The GM's levelling page sits beside this note; the monster one is elsewhere.
    (
        "Compendium/13A/Running-the-Game/Running-the-Game.md",
        20,
        6,
        "ambiguous-link",
        '"Leveling-Up" matches 2 notes; it opens "Compendium/13A/Running-the-Game/Leveling-Up.md", '
        "the closest (also: Compendium/13A/Monsters/Monster-Rules/Leveling-Up.md)",
    ),
]


def test_ttrpg_problems() -> None:
    assert pinned("ttrpg-13th-age-srd") == TTRPG
    assert summary("ttrpg-13th-age-srd") == (
        "28 problems (0 errors, 27 warnings, 1 information, 0 hints) in 10 of 1001 notes; "
        "1705 links, 1687 resolved"
    )


# --- markdown-oxide-testfiles ---------------------------------------------------------------

APRIL = "TestFiles/2024-04-17.md"

OXIDE: list[Pinned] = [
    # ``![](./img/…md)``: the fixture has no ``img/`` folder at all.
    (APRIL, 3, 5, "unresolved-link", 'No note at "./img/2024-04-17-15-14-12.md"'),
    (APRIL, 5, 5, "unresolved-link", 'No file at "img/2024-04-17-15-14-12.png"'),
    (APRIL, 7, 5, "unresolved-link", 'No file at "./img/2024-04-17-15-14-12.png"'),
    # ``[First Heading](<Test File#First Headin.png>)``: a deliberately misspelt heading.
    (APRIL, 9, 1, "unresolved-heading", '"Test File" has no heading "First Headin.png"'),
    # The deliberately broken ``[[Another yest#Another]]``, twice.
    ("TestFiles/Resolved File.md", 6, 3, "unresolved-link", 'No note named "Another yest"'),
    ("TestFiles/Resolved File.md", 10, 3, "unresolved-link", 'No note named "Another yest"'),
    # ``[next Tuesday](2024-04-02)``: a daily note that was never created.
    ("TestFiles/Test.md", 12, 16, "unresolved-link", 'No note at "2024-04-02"'),
    # ``[Another](<Another yest#Another>)``: its markdown-link friends.
    ("TestFiles/folder/Fiile.md", 3, 50, "unresolved-link", 'No note at "Another yest"'),
    ("TestFiles/folder/renamed.md", 3, 50, "unresolved-link", 'No note at "Another yest"'),
    # ``![[rug/Documentation Notes#^docEmbeds]]``: the docs export left out the ``rug`` folder.
    (
        "docs-vault/Setup Instructions.md",
        53,
        10,
        "unresolved-link",
        'No note at "rug/Documentation Notes"',
    ),
    ("docs-vault/index.md", 118, 10, "unresolved-link", 'No note at "rug/Documentation Notes"'),
]


def test_oxide_problems() -> None:
    assert pinned("markdown-oxide-testfiles") == OXIDE
    assert summary("markdown-oxide-testfiles") == (
        "11 problems (1 error, 10 warnings, 0 information, 0 hints) in 7 of 33 notes; "
        "90 links, 80 resolved"
    )
    assert run("markdown-oxide-testfiles", "json").returncode == 1


def test_oxide_deliberately_broken_links_are_reported() -> None:
    text = (CORPORA / "markdown-oxide-testfiles/TestFiles/Resolved File.md").read_text()
    broken_lines = [n for n, line in enumerate(text.split("\n"), 1) if "[[Another yest#" in line]
    reported = [
        p["line"]
        for p in problems("markdown-oxide-testfiles")
        if p["path"] == "TestFiles/Resolved File.md" and p["code"] == "unresolved-link"
    ]
    assert reported == broken_lines == [6, 10]
    # while the working link beside them, ``[[Resolved File#Resolved Heading]]``, is not
    assert not [p for p in problems("markdown-oxide-testfiles") if p["line"] == 8]


def test_oxide_github_slug_reaches_its_heading() -> None:
    """``**[Quick Start](#quick-start)**`` in the docs' README is GitHub's anchor of its own
    ``# Quick Start``: not a problem."""
    text = (CORPORA / "markdown-oxide-testfiles/docs-vault/README.md").read_text()
    assert "[Quick Start](#quick-start)" in text and "\n# Quick Start\n" in text
    assert not [
        p for p in problems("markdown-oxide-testfiles") if p["path"] == "docs-vault/README.md"
    ]


# --- foam-docs ------------------------------------------------------------------------------
# Foam's own docs (VS Code users): every heading link is a GitHub slug, ``[x](#key-features)``.

MKDOCS = "user/recipes/generate-material-for-mkdocs-site.md"

FOAM: list[Pinned] = [
    # ``[CONTRIBUTING](../../CONTRIBUTING.md)``: the repository's root, outside the docs folder.
    (
        "dev/contribution-guide.md",
        3,
        55,
        "unresolved-link",
        '"../../CONTRIBUTING.md" points outside the vault; it is not followed',
    ),
    # ``user/publishing/`` has no ``publishing.md`` (the page is gone; its folder stayed).
    (
        "dev/design/static-site-publishing-research.md",
        11,
        22,
        "unresolved-link",
        'No note at "../../user/publishing/publishing.md"',
    ),
    # ``[[publishing]]``: the same missing page; a folder is no note.
    ("user/index.md", 69, 7, "unresolved-link", 'No note named "publishing"'),
    # A table of contents written before two headings were renamed: ``### Further customise your
    # site`` and ``### Building and publishing your site`` (the later links use the new slugs).
    (
        MKDOCS,
        35,
        4,
        "unresolved-heading",
        'This note has no heading "further-customise-material-for-mkdocs"',
    ),
    (MKDOCS, 39, 4, "unresolved-heading", 'This note has no heading "publish-your-site"'),
    # The file name says "from mobile phone", the title "on mobile phones".
    (
        "user/recipes/take-notes-from-mobile-phone.md",
        1,
        1,
        "filename-title",
        'File name "take-notes-from-mobile-phone" nearly matches the title "Take notes on mobile '
        'phones" (first heading, line 1) but differs',
    ),
    # ``[[cli-grep|foam grep]]``: the page is ``user/tools/cli/grep.md``, named ``grep``.
    ("user/tools/cli/search.md", 11, 37, "unresolved-link", 'No note named "cli-grep"'),
]


def test_foam_docs_problems() -> None:
    assert pinned("foam-docs") == FOAM
    assert summary("foam-docs") == (
        "7 problems (2 errors, 4 warnings, 1 information, 0 hints) in 6 of 86 notes; "
        "290 links, 286 resolved"
    )


def test_foam_docs_github_slugs_reach_their_headings() -> None:
    """The table of contents of ``index.md`` (``[Key Features](#key-features)`` for ``## Key
    Features``, ``#whats-in-a-foam`` for ``## What's in a Foam?``) is all resolved."""
    text = (CORPORA / "foam-docs/index.md").read_text()
    assert "(#key-features)" in text and "(#whats-in-a-foam)" in text
    assert not [p for p in problems("foam-docs") if p["path"] == "index.md"]


# --- opinionated-vault ----------------------------------------------------------------------
# A template vault: its README links its own headings GitHub's way (``#deep-work``) and
# Obsidian's (``#deep%20work``); its templates hold Templater code that runs when a note is made.

SCRATCHPAD = "_PARA/Projects/Test Project/Scratchpad.md"
SCRATCHPAD_2 = "_PARA/Projects/Test Project 2/Scratchpad.md"
PROJECT = "_PARA/Projects/Test Project/Test Project.md"
PROJECT_2 = "_PARA/Projects/Test Project 2/Test Project 2.md"
ARCHIVE = "_PARA/Archive/Archived Project"
KANBANS = ("_PARA/Projects/Test Project 2/Kanban.md", "_PARA/Projects/Test Project/Kanban.md")
SCRATCHPADS = (SCRATCHPAD_2, SCRATCHPAD, "Inbox/Scratchpad.md")


def matches(name: str, opened: str, *others: str) -> str:
    count = len(others) + 1
    return (
        f'"{name}" matches {count} notes; it opens "{opened}", the closest '
        f"(also: {', '.join(others)})"
    )


def templater(code: str) -> str:
    return f'No note named "<% {code} %>"'


def title_prompt(question: str, heading: int, title: str, line: int) -> str:
    return (
        f'Title "<% tp.system.prompt("{question}") %>" (first heading, line {heading}) '
        f'disagrees with "{title}" (frontmatter title, line {line})'
    )


OPINIONATED: list[Pinned] = [
    # Daily and weekly notes link the days around them; the template vault holds only some.
    ("Calendar/Daily/2022-12-11.md", 16, 6, "unresolved-link", 'No note named "2022-12-10"'),
    # Several projects hold a ``Kanban``, ``Scratchpad``, ``Resources``: the closest opens.
    (
        "Calendar/Daily/2022-12-11.md",
        35,
        9,
        "ambiguous-link",
        matches("Kanban", f"{ARCHIVE}/Kanban.md", *KANBANS),
    ),
    ("Calendar/Daily/2022-12-12.md", 14, 23, "unresolved-link", 'No note named "2022-12-13"'),
    (
        "Calendar/Daily/2022-12-12.md",
        36,
        9,
        "ambiguous-link",
        matches("Scratchpad", "Inbox/Scratchpad.md", f"{ARCHIVE}/Scratchpad.md", *SCRATCHPADS[:2]),
    ),
    ("Calendar/Daily/2022-12-14.md", 13, 6, "unresolved-link", 'No note named "2022-12-13"'),
    ("Calendar/Daily/2022-12-14.md", 13, 23, "unresolved-link", 'No note named "2022-12-15"'),
    # ``[[_tutorial]]``: a folder (holding ``Hotkeys.md``), not a note.
    ("Calendar/Daily/2022-12-14.md", 30, 9, "unresolved-link", 'No note named "_tutorial"'),
    # The quarterly note kept its template's ``# Quarterly`` under ``title: 2022-Q4``.
    (
        "Calendar/Quarterly/2022-Q4.md",
        10,
        1,
        "title-conflict",
        'Title "Quarterly" (first heading, line 10) disagrees with "2022-Q4" (frontmatter title, '
        "line 4)",
    ),
    ("Calendar/Weekly/2022-W51.md", 12, 21, "unresolved-link", 'No note named "2022-W53"'),
    (
        "Computed/Computed.md",
        12,
        5,
        "ambiguous-link",
        matches("CRM", "Computed/CRM.md", "Databases/CRM/CRM.md"),
    ),
    (
        "Computed/Computed.md",
        16,
        5,
        "ambiguous-link",
        matches("Workouts", "Computed/Workouts.md", "Databases/Workouts/Workouts.md"),
    ),
    (
        "Inbox/Inbox.md",
        10,
        5,
        "ambiguous-link",
        matches("Scratchpad", "Inbox/Scratchpad.md", f"{ARCHIVE}/Scratchpad.md", *SCRATCHPADS[:2]),
    ),
    # The README's own links (17 GitHub slugs resolve): ``## Digital Gardening`` is linked as
    # ``#digital-garden`` and ``#digital%20garden``; ``## Someday/Maybe Tasks (GTD)``'s slug is
    # ``somedaymaybe-tasks-gtd``; two typos (``## Version Control Systems``, "summariztion").
    ("README.md", 45, 3, "unresolved-heading", 'This note has no heading "digital-garden"'),
    ("README.md", 45, 37, "unresolved-heading", 'This note has no heading "digital garden"'),
    (
        "README.md",
        345,
        192,
        "unresolved-heading",
        'This note has no heading "someday/maybe-tasks-(GTD)"',
    ),
    (
        "README.md",
        582,
        314,
        "unresolved-heading",
        'This note has no heading "version-control-system"',
    ),
    (
        "README.md",
        734,
        64,
        "unresolved-heading",
        'This note has no heading "progressive-summariztion"',
    ),
    # Templater code, run when a daily note is made from the template: as written, no note.
    ("Templates/Daily.md", 13, 6, "unresolved-link", templater('tp.date.now("YYYY-MM-DD", -1)')),
    ("Templates/Daily.md", 13, 48, "unresolved-link", templater('tp.date.now("YYYY-MM-DD", 1)')),
    # ``Weekly.md``'s alias is that same Templater code.
    (
        "Templates/Daily.md",
        15,
        9,
        "alias-link",
        "\"<% tp.date.now('yyyy') %>-W<% tp.date.now('ww') %>\" is an alias of \"Weekly\" "
        "(Templates/Weekly.md), and a link to an alias does not resolve; write "
        "[[Weekly|<% tp.date.now('yyyy') %>-W<% tp.date.now('ww') %>]]",
    ),
    ("Templates/Daily.md", 29, 9, "unresolved-link", templater("randomNote.basename")),
    ("Templates/Daily.md", 30, 9, "unresolved-link", templater("randomNote2.basename")),
    ("Templates/Daily.md", 31, 9, "unresolved-link", templater("randomNote3.basename")),
    # A template's heading is a Templater prompt, its frontmatter title the template's name.
    (
        "Templates/People.md",
        19,
        1,
        "title-conflict",
        title_prompt("What Is the Full Name of This person?", 19, "People", 13),
    ),
    (
        "Templates/Recipes.md",
        8,
        1,
        "title-conflict",
        title_prompt("What is the name of this recipe?", 8, "Recipes", 3),
    ),
    (
        "Templates/Templates.md",
        12,
        5,
        "ambiguous-link",
        matches("Recipes", "Templates/Recipes.md", "Databases/Recipes/Recipes.md"),
    ),
    (
        "Templates/Weekly.md",
        12,
        6,
        "unresolved-link",
        'No note named "<% tp.date.now("YYYY") %>-W<% tp.date.now("WW") - -1%>"',
    ),
    (
        "Templates/Weekly.md",
        12,
        67,
        "unresolved-link",
        'No note named "<% tp.date.now("YYYY") %>-W<% tp.date.now("WW") - -3 %>"',
    ),
    (
        "Templates/Weekly.md",
        14,
        15,
        "unresolved-link",
        "No note at \"<% tp.date.now('yyyy') %>-Q<% Math.floor(tp.date.now('MM') / 4) + 1 %>\"",
    ),
    (
        "Templates/Workout.md",
        12,
        1,
        "title-conflict",
        title_prompt("What Is the Full Name of This Workout?", 12, "Workout", 4),
    ),
    (
        "Templates/Zettelkasten Note.md",
        11,
        1,
        "title-conflict",
        title_prompt("What is the title of this Zettel?", 11, "Lorem Ipsum", 5),
    ),
    (
        "_PARA/Archive/Archive.md",
        10,
        6,
        "ambiguous-link",
        matches("Kanban", f"{ARCHIVE}/Kanban.md", *KANBANS),
    ),
    (
        "_PARA/Archive/Archive.md",
        11,
        6,
        "ambiguous-link",
        matches("Scratchpad", f"{ARCHIVE}/Scratchpad.md", *SCRATCHPADS),
    ),
    (SCRATCHPAD_2, 8, 33, "unresolved-link", 'No note named "2022-12-15"'),
    (
        PROJECT_2,
        12,
        5,
        "ambiguous-link",
        matches("Kanban", KANBANS[0], KANBANS[1], f"{ARCHIVE}/Kanban.md"),
    ),
    (
        PROJECT_2,
        13,
        5,
        "ambiguous-link",
        matches(
            "Resources",
            "_PARA/Projects/Test Project 2/Resources.md",
            "_PARA/Projects/Test Project/Resources.md",
        ),
    ),
    (
        PROJECT_2,
        14,
        5,
        "ambiguous-link",
        matches(
            "Scratchpad",
            SCRATCHPAD_2,
            SCRATCHPAD,
            f"{ARCHIVE}/Scratchpad.md",
            "Inbox/Scratchpad.md",
        ),
    ),
    (SCRATCHPAD, 8, 40, "unresolved-link", 'No note named "2022-12-15"'),
    (SCRATCHPAD, 9, 42, "unresolved-link", 'No note named "2022-12-15"'),
    (
        PROJECT,
        12,
        5,
        "ambiguous-link",
        matches("Kanban", KANBANS[1], KANBANS[0], f"{ARCHIVE}/Kanban.md"),
    ),
    (
        PROJECT,
        13,
        5,
        "ambiguous-link",
        matches(
            "Resources",
            "_PARA/Projects/Test Project/Resources.md",
            "_PARA/Projects/Test Project 2/Resources.md",
        ),
    ),
    (
        PROJECT,
        14,
        5,
        "ambiguous-link",
        matches(
            "Scratchpad",
            SCRATCHPAD,
            SCRATCHPAD_2,
            f"{ARCHIVE}/Scratchpad.md",
            "Inbox/Scratchpad.md",
        ),
    ),
]


def test_opinionated_vault_problems() -> None:
    assert pinned("opinionated-vault") == OPINIONATED
    assert summary("opinionated-vault") == (
        "42 problems (5 errors, 37 warnings, 0 information, 0 hints) in 20 of 67 notes; "
        "158 links, 140 resolved"
    )


def test_opinionated_readme_links_its_headings_both_ways() -> None:
    """``[Deep Work](#deep-work) [(o)](#deep%20work)``: GitHub's slug and Obsidian's text both
    reach ``### Deep Work``, as does ``#Causa-Sui`` (case ignored)."""
    text = (CORPORA / "opinionated-vault/README.md").read_text()
    assert "[Deep Work](#deep-work) [(o)](#deep%20work)" in text and "(#Causa-Sui)" in text
    readme = [p["line"] for p in problems("opinionated-vault") if p["path"] == "README.md"]
    assert readme == [45, 45, 345, 582, 734]
