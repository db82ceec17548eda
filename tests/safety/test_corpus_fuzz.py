"""Fuzzing with real notes as seeds: pieces of every note in ``../shared/corpora``, cut at random
places and mutated (syntax fragments and hostile Unicode inserted, spans deleted or doubled,
line endings swapped, two notes' pieces joined), must parse without raising, with every range
inside its text (``test_safety_parse``'s check), and give the same ``Note`` on the fast path as
markdown-it alone (``test_fastparse_fuzz``'s check).

The mutations are drawn by ``random.Random`` from a fixed seed, not by hypothesis: a real note is
far larger than what hypothesis shrinks well, and the failing input is printed whole with the
seed and the input's number, so it replays exactly. Quick mode (CI): 400 inputs. Long mode
(``VAULT_LS_LONG=1``): ``VAULT_LS_FUZZ_INPUTS`` inputs, 70,000 unless set; with the hypothesis
long variants of the other two fuzz modules (20,000 + 10,000 inputs) that is 100,000 in all.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from safety_support import LONG
from test_fastparse_fuzz import assert_same_note
from test_safety_parse import SYNTAX, UNICODE, parse_and_check

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
SEED = int(os.environ.get("VAULT_LS_FUZZ_SEED", "20261202"))
INPUTS = int(os.environ.get("VAULT_LS_FUZZ_INPUTS", "70000")) if LONG else 400
LONGEST_PIECE = 1500  # characters: long enough for a table or a nested list, short to parse


def corpus_notes() -> list[str]:
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA}")
    texts = []
    for path in sorted(CORPORA.rglob("*.md")):
        if ".obsidian" in path.parts:
            continue
        texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return texts


def piece_of(text: str, chooser: random.Random) -> str:
    """A window of the note, most often from a line start (where blocks open)."""
    if len(text) <= LONGEST_PIECE:
        return text
    start = chooser.randrange(len(text) - LONGEST_PIECE // 4)
    if chooser.random() < 0.7:
        start = text.rfind("\n", 0, start) + 1
    return text[start : start + chooser.randint(LONGEST_PIECE // 4, LONGEST_PIECE)]


def mutate(text: str, other: str, chooser: random.Random) -> str:
    for _ in range(chooser.randint(0, 4)):
        at = chooser.randint(0, len(text))
        end = min(len(text), at + chooser.randint(0, 40))
        kind = chooser.randrange(7)
        if kind == 0:
            text = text[:at] + chooser.choice(SYNTAX) + text[at:]
        elif kind == 1:
            text = text[:at] + chooser.choice(UNICODE) + text[at:]
        elif kind == 2:
            text = text[:at] + text[end:]
        elif kind == 3:
            text = text[:end] + text[at:end] + text[end:]
        elif kind == 4:
            text = text.replace("\n", chooser.choice(["\r\n", "\r", "\n\n", "\n\t", "\n> "]))
        elif kind == 5:
            text = text[:at] + other[: chooser.randint(0, 300)]
        else:
            text = text[:at] + "\n" + text[at:]
    return text


def test_corpus_pieces_parse_inside_their_text_and_equal_markdown_it() -> None:
    notes = corpus_notes()
    chooser = random.Random(SEED)
    for number in range(INPUTS):
        text = mutate(
            piece_of(chooser.choice(notes), chooser),
            piece_of(chooser.choice(notes), chooser),
            chooser,
        )
        try:
            parse_and_check(text)
            assert_same_note(text)
        except Exception as error:
            raise AssertionError(f"seed {SEED}, input {number} of {INPUTS}: {text!r}") from error
    print(f"{INPUTS} corpus-seeded inputs from {len(notes)} notes, seed {SEED}: all held")
