"""The fast path (``fastparse``) is only an optimisation: for every note it either declines or
yields exactly the ``Note`` markdown-it gives. Checked on every note of the real corpora, on a
generated benchmark vault, and on notes chosen to sit on each edge of what it reads.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from vault_ls.vault import fs
from vault_ls.vault.fastparse import borrowed_rules, tokenize
from vault_ls.vault.parse import parse_note, parse_note_markdown_it
from vault_ls.vault.positions import normalize_newlines
from vault_ls.vault.syntax import match_wikilink

REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "corpora"
CORPUS_NAMES = [
    "obsidian-help",
    "readwise-export",
    "ttrpg-13th-age-srd",
    "markdown-oxide-testfiles",
    "foam-docs",
    "opinionated-vault",
]


def takes_fast_path(text: str) -> bool:
    text = normalize_newlines(text)
    return tokenize(text, text.split("\n")) is not None


def assert_same_note(path: str, text: str) -> None:
    fast, reference = parse_note(path, text), parse_note_markdown_it(path, text)
    for field in reference.__slots__:
        assert getattr(fast, field) == getattr(reference, field), (path, field)


def vault_texts(root: Path) -> list[tuple[str, str]]:
    found = fs.scan(root, [], fs.DEFAULT_MAX_FILES)
    texts = []
    for rel in found.notes:
        text = fs.read_note(root / rel)[0]
        if text is not None:
            texts.append((rel, text))
    return texts


@pytest.mark.corpus
@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")
@pytest.mark.parametrize("corpus", CORPUS_NAMES)
def test_every_corpus_note_parses_the_same_both_ways(corpus: str) -> None:
    texts = vault_texts(CORPORA / corpus)
    assert texts
    for path, text in texts:
        assert_same_note(path, text)


@pytest.mark.corpus
@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is absent")
@pytest.mark.parametrize("corpus", CORPUS_NAMES)
def test_the_fast_path_reads_95_percent_of_every_corpus(corpus: str) -> None:
    # If the fast path stopped reading real notes, the equality above would still hold while
    # the speed was gone (issue 14's target: 95% of every shared corpus).
    texts = vault_texts(CORPORA / corpus)
    fast = sum(takes_fast_path(text) for _, text in texts)
    assert fast >= 0.95 * len(texts)


def load_generator():  # bench/generate.py is a script, not a package
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


def test_generated_vault_parses_the_same_and_fast(tmp_path: Path) -> None:
    load_generator().generate(300, tmp_path / "vault", seed=7, shape="plain")
    texts = vault_texts(tmp_path / "vault")
    assert len(texts) >= 300
    for path, text in texts:
        assert takes_fast_path(text), path
        assert_same_note(path, text)


def test_real_shaped_vault_parses_the_same_both_ways(tmp_path: Path) -> None:
    load_generator().generate(300, tmp_path / "vault", seed=7, shape="real")
    texts = vault_texts(tmp_path / "vault")
    for path, text in texts:
        assert_same_note(path, text)
    # tables, HTML, math, definitions... are handed to markdown-it part by part: the notes stay
    assert sum(takes_fast_path(text) for _, text in texts) >= 0.95 * len(texts)


# Each note here is read by the fast path; the test proves it reads it as markdown-it does.
FAST = {
    "headings": "# Title — ü 日本\n\n## Two ##\n### Three #not-closing\n#### \n#tag line\n",
    "front matter": "---\ntitle: T\ntags: [a, b]\naliases:\n  - Al\n---\n# Title\nbody [[A]]\n",
    "empty front matter": "---\n---\ntext #tag\n",
    "front matter links": (
        '---\nup: "[[Café — 😀]]"\nrel:\n  - \'[[漢字|x]]\'\nflow: ["[[A]]", "[[A]]"]\n'
        '# [[comment]]\nbare: [[B]]\nesc: "[[\\u00e9]]"\n---\nbody [[A]]\n'
    ),
    "front matter links, crlf": '---\r\nup: "[[A — 😀]]"\r\nl:\r\n  - "[[B]]"\r\n---\r\n[[C]]\r\n',
    "broken front matter links": '---\nweek: "[[ <% tp.date("YYYY") %>]]"\n# [[X]]\n---\n',
    "lists": "- one [[A]]\n- two ^b1\n\n- three\n* star\n+ plus #t\ntext\n- lazy\nline [[B]]\n",
    "list wide marker": "-    four spaces [[A]]\n- x\n",
    "ordered lists": "1. one [[A]]\n2. two ^b\n\n3) other\n10. ten\ntext\n2. no list\n1. a list\n",
    "non-ASCII digits": "- *a*\n1١. *a* ^id \n\n٣. not a list\n",
    "ordered in items": "- item\n2. interrupts here\n- b\n3.14 is pi\n1.5 x\n",
    "paragraph ends": "para [[A]]\n# heading\npara\n- item\npara\n```\n[[not]]\n```\nafter\n",
    "fences": "~~~py\n[[no]]\n~~~~\n```` \n```\n[[still code]]\n````\n```unclosed\n[[no]]",
    "code spans": "a `[[no]]` b ``x ` [[no]]`` c `open [[yes]] ```x``` #t\n",
    "tags": "#a x#b (#c) #1984 #d/e #ü_1 [[X#notatag]] #end\n",
    "embeds and links": "![[p.png|100]] ![alt #t](i.png) [x](a%20b.md#H) [w]()\n",
    "failed links": "[a] b](c) [x] [y] (z.md) ![nope] [[Y]]\n",
    "not wikilinks": "[[]] [[|x]] [[[A]] [[B]]] [x] [[C\nD]]\n",
    "lone brackets in wikilinks": "[[Sq]uare]] [[Nested [[Inner]] x]] [[a]]] ![[b] c]] [[a][b]]\n",
    "image alt tags": "![#a b #c](i.png) [#no #yes](n.md)\n",
    "block ids": "para ^id1\n\n[[A]]^id2\n\n- item `code` ^id3\n\n*em* ^id4\n",
    "title line": "[[Note Name]]\n\nbody\n",
    "title line under a cover": "![c](https://x.org/c.jpg)  \n![d](d.png)\n[[Note — 2]]\n## M\n",
    "cover, then a title line": "![c](https://x.org/c.jpg)\n\n[[Note — 2]]\n",
    "not title lines": "![c](c.png) [[Note]]\n![c](c.png)\n[[Note]] x\n\n![c](c.png)\nx\n[[N]]\n",
    "emoji": "x 😀 [[A|b 😀]] #😀 [y](b.md) #t😀\n",
    "crlf": "# T\r\n\r\n[[A]] ^x\r\n- [[B]]\r\n",
    "no final newline": "text [[A]]",
    "nested lists": (
        "- Highlight — 日本 [[A]]\n    - Note: see [[B|b]] ^n1\n    - Tags: #t\n- next\n"
        "  lazy [[C]]\n  - deeper\n      - deepest [[D]] 😀\n   1. three in\n"
    ),
    "indented continuation": (
        "- tweet — 😀\n  more [[A]]\n  ![](https://x.org/y.jpg) ([View](https://x.com/1))\n"
    ),
    "lazy line under a nested item": "- a\n  - b\nc [[A]] ^id\n",
    "indented blocks": "  para [[A]]\n   ## Head [[B]] ##\n ```\n [[no]]\n ```\n   - item\n",
    "second paragraph in an item": "- a\n\n  b [[A]] ^id\n- c\n\n   d [[B]]\n",
    "item content at five columns": "1.   x\n     - y [[A]]\n    z [[B]]\n",
    "fence in an item": (
        "- a\n  ```\n  [[no]]\n  ```\n  after [[A]]\n- b\n  ```\nunclosed, ends at [[C]]\n"
    ),
    "heading in an item": "- a\n  # H — [[A]]\n  text\n",
    "ordered in a nested item": "- a\n  - b\n  2. interrupts [[A]]\n",
    "thematic breaks": "a\n\n***\n\n- - -\n___\n# h\n---\n- x [[A]]\n\n* * *\n[[B]]\n",
    "comment lines": (
        "%% footer — 日本 %%\ntext [[A]]\n%%\n[[hidden]]\n%%\n- item\n%% c %%\n"
        "  %% indented %%\n%d percent [[B]]\n%%unclosed\n[[hidden]]\n"
    ),
    "quote": "> [[A]] — 日本 ^q1\n",
    "callouts": (
        "> [!note] Title [[A]]\n> body #t\nlazy [[B]]\n\n> [!tip]- Folded\n>\n> - item [[C]]\n"
        ">   - nested ^n\n> ```\n> [[no]]\n> ```\n>> deeper [[D]]\n"
    ),
    "quote ends": "> a\n# H [[A]]\n> b\n- item\n> c\n>\nnot lazy [[B]]\n> d\n---\n",
    "quote in an item": "- a\n  > q [[A]]\n  > r\n  lazy\n- b\n  > [!info] x\n> out [[B]]\n",
    "quote holding a fence, then a lazy line": "> ```\n> [[no]]\nlazy [[A]]\n",
    "nested quote, lazy line": "> > a\nlazy [[A]]\n> b [[B]]\n",
    "wikilink before a colon": (
        "[[Note — é]]: a definition of sorts [[B]]\n- [[C]]: x\n[^1]: weird note\n"
    ),
}

# Each note here holds something only markdown-it reads right: the fast path must decline.
DECLINED = {
    "tab after a quote marker": ">\t[[A]]\n",
    "tab-indented line in a quote": "> a\n>\t- [[b]]\n",
    "empty ordered item": "1.\n[[A]]\n",
    "front matter, long marker": "----\na: 1\n----\n",
    "unclosed front matter": "---\na: 1\n",
    "definition with a setext underline": "[x]: a.md\n---\n[x] [[A]]\n",
    "colon line under a paragraph": "a [[A]]\n:--\n",
}

# Each note here takes the fast path, which hands one part of it to markdown-it's own rule (a
# block on just its lines, a paragraph's inline content alone); the value names that part.
BORROWED = {
    "inline comment opening a line": ("%% c %% [[B]] — é\n", "comment"),
    "footnote-style definition": ("x [^1] [[A]]\n\n[^1]: a.md\n", "reference definition"),
    "html": ("<div>\n[[A]]\n</div>\n\n[[B]] 😀\n", "HTML block"),
    "html comment over blank lines": ("<!-- a\n\n[[no]]\n-->\n[[A]] — x\n", "HTML block"),
    "html interrupting a paragraph": ("a [[A]]\n<div>\n[[B]]\n\nc [[C]]\n", "HTML block"),
    "lone tag does not interrupt": ("a [[A]]\n<span>\n[[B]] ^id\n", "inline HTML"),
    "html in an item": ("- a\n  <!--\n\n  [[no]] -->\n- [[B]]\n", "HTML block"),
    "table": ("| a | b |\n|---|---|\n| [[A]] — é | c #t |\n", "table"),
    "table interrupting a paragraph": ("p [[P]]\na | b\n--|--\n[[A]] | 日本\n# h\n", "table"),
    "table in an item": ("- x\n\n  | a | b |\n  |:-|-:|\n  | [[A]] |\n- [[B]]\n", "table"),
    "table opening an item": ("- a | [[A]]\n  --|--\n  c | d\n", "table"),
    "table in a callout": ("> [!note] T\n> | a | b |\n> |---|---|\n> | [[A]] | 😀 |\n", "table"),
    "table ends at a lazy line": ("> | a |\n> |---|\n[[A]] b\n", "table"),
    "escaped pipe in a cell": ("| a | b |\n|---|---|\n| [[A\\|x]] | c |\n", "table"),
    "setext": ("Title [[A]] — é\n===\n\nbody [[B]]\n", "setext heading"),
    "setext in an item": ("- Title [[A]]\n  ---\n  after [[B]]\n", "setext heading"),
    "indented code": ("    [[no]]\n\n\n      [[no]]\n[[A]]\n", "indented code"),
    "indented code in an item": ("- a\n\n      [[code]]\n  [[A]]\n", "indented code"),
    "escape": ("\\[[A]] [[B]] \\#t #u\n", "escape"),
    "entity": ("&#91;[A]] &amp; [[B]]\n", "entity"),
    "math": ("$x$ [[A]] $[[no]]$\n", "math"),
    "display math block": ("$$\n[[no]]\n$$\n[[A]] — é\n", "math block"),
    "unclosed display math": ("$$\n[[A]]\n\n[[B]]\n", "math"),
    "display math after text": ("text\n$$\n[[no]]\n$$\n### Then [[A]]\n", "math"),
    "display math mid-line": ("a $$ [[no]] $$ b $$ [[A]]\n", "math"),
    "display math in a quote": ("> q\n> $$\n> [[no]]\n> $$\n", "math"),
    "comment": ("%%[[A]]%% [[B]]\n", "comment"),
    "reference": ("[x]: a.md\n\n[x] [[A]]\n", "reference definition"),
    "reference used above it": ("[x] #t [[A]]\n\n[x]: <b c.md> 't'\n", "reference definition"),
    "reference, then a paragraph": ("[x]: a.md\n[[A]] ^id\n", "reference definition"),
    "reference in an item": ("- [x]: a.md\n- [x][] [[A]]\n", "reference definition"),
    "nested label": ("[a [b]](c.md)\n", "link label with brackets or code"),
    "code in label": ("[a `]`](c.md)\n", "link label with brackets or code"),
    "title in link": ('[a](b.md "t")\n', "link destination"),
    "javascript link": ("[a](javascript:alert)\n", "unsafe link"),
    "broken wikilink and a link": ("[[bad\nx]] [a](b.md)\n", "link label with brackets or code"),
    "wikilink in image label": ("![nope [[Y]]](i.png)\n", "link label with brackets or code"),
    "angle destination": ("[y](<z w.md>)\n", "inline HTML"),
}

# Each note here takes the fast path with nothing handed to markdown-it.
FAST_MORE = {
    "tab-indented item": "- a\n\t- [[b]] — é\n\t\t- [[c]] ^id\n",
    "tab-indented ordered items": "1. a\n\t1. [[b]]\n\t2. c\n2. d\n",
    "tab continuation": "- a [[A]]\n\tlazy [[B]]\n  \tmore ^x\n",
    "tab past the content column": "1. a\n\t\tb [[A]]\n",
    "tab-indented fence": "- a\n\t```\n\t[[no]]\n\t```\n\t[[A]]\n",
    "item opening a heading": "- # H [[A]]\n- ## I\n  body\n",
    "item opening a list": "- 5. [[A]]\n  6. b\n- - c\n",
    "item opening a fence": "- ```\n  [[no]]\n  ```\n  [[A]]\n",
    "break under a paragraph in an item": "- a\n  - - -\n  b [[A]]\n",
    "dash line less indented than the item": "1. Definitions\n--------------\n[[A]]\n",
    "dash line under an item": "a [[A]]\n\n- b\n---\n[[B]]\n",
}


@pytest.mark.parametrize("name", list(FAST))
def test_fast_path_reads_plain_notes_as_markdown_it_does(name: str) -> None:
    text = FAST[name]
    assert takes_fast_path(text)
    assert_same_note("note.md", text)


@pytest.mark.parametrize("name", list(DECLINED))
def test_fast_path_declines_what_it_does_not_mirror(name: str) -> None:
    text = DECLINED[name]
    assert not takes_fast_path(text)
    assert_same_note("note.md", text)


@pytest.mark.parametrize("name", list(BORROWED))
def test_fast_path_hands_a_part_to_markdown_it(name: str) -> None:
    text, part = BORROWED[name]
    assert part in (borrowed_rules(text, text.split("\n")) or ())
    assert_same_note("note.md", text)


@pytest.mark.parametrize("name", list(FAST_MORE))
def test_fast_path_reads_tabs_and_items_opening_blocks(name: str) -> None:
    text = FAST_MORE[name]
    assert borrowed_rules(text, text.split("\n")) == set()
    assert_same_note("note.md", text)


def test_fast_path_keeps_exact_positions_on_a_plain_note() -> None:
    note = parse_note("n.md", "# T\n\n- a — [[Ünï|x]] and [y](P%C3%BC.md) #tag ^blk\n")
    wiki, md = note.links
    assert (wiki.target, wiki.display, tuple(wiki.range), tuple(wiki.target_range)) == (
        "Ünï",
        "x",
        ((2, 6), (2, 15)),
        ((2, 8), (2, 11)),
    )
    assert (md.target, tuple(md.range)) == ("Pü.md", ((2, 20), (2, 35)))
    assert [(t.name, tuple(t.range)) for t in note.tags] == [("tag", ((2, 36), (2, 40)))]
    assert [(b.id, tuple(b.block_range)) for b in note.blocks] == [("blk", ((2, 0), (2, 45)))]


def test_both_paths_find_the_title_line_under_a_cover() -> None:
    # A line break is a ``softbreak`` token in markdown-it and a newline inside text in the
    # fast path: both must end the cover's line the same way.
    for text in (
        "![c](https://x.org/c.jpg)\n[[Note — 2]]\n## M\n",
        "![c](https://x.org/c.jpg)  \n![d](d.png)\n[[Note — 2]]\n",
        "---\na: 1\n---\n![c](c.png)\n\n[[Note — 2]]\n",
    ):
        assert takes_fast_path(text)
        for note in (parse_note("Note.md", text), parse_note_markdown_it("Note.md", text)):
            assert [(t.source, t.text) for t in note.titles] == [("title line", "Note — 2")]


def test_tags_in_an_image_label_stand_where_they_are_written() -> None:
    # markdown-it parses the label on its own; both paths count from the line, not the label
    text = "x ![#a b #c](i.png)\n"
    for note in (parse_note("n.md", text), parse_note_markdown_it("n.md", text)):
        assert [(t.name, tuple(t.range)) for t in note.tags] == [
            ("a", ((0, 4), (0, 6))),
            ("c", ((0, 9), (0, 11))),
        ]


def test_a_block_id_is_read_after_other_carets() -> None:
    # Both paths search for an id from the content's last ``^`` only; carets before it (in a
    # link, in text) and an id written against a word must not change what is found.
    text = "see [[a#^x]] and ^y ^real\n\nx^no\n\n![[i.png]]^img\n\n[[b#^z]] ^last\n"
    for note in (parse_note("n.md", text), parse_note_markdown_it("n.md", text)):
        assert [(b.id, tuple(b.range)) for b in note.blocks] == [
            ("real", ((0, 20), (0, 25))),
            ("img", ((4, 10), (4, 14))),
            ("last", ((6, 9), (6, 14))),
        ]


@pytest.mark.parametrize(
    ("src", "start", "expected"),
    [
        ("[[a[b]]", 0, (0, 7, 2, 5, False)),  # a lone ``[`` inside
        ("[[a[[b]]", 0, None),  # the inside may not open another ``[[``
        ("[[a[[b]]", 3, (3, 8, 5, 6, False)),
        ("![[x]]", 0, (0, 6, 3, 4, True)),
        ("[[a]b]]", 0, (0, 7, 2, 5, False)),  # a lone ``]`` inside
        ("[[a]]]", 0, (0, 5, 2, 3, False)),  # the first ``]]`` ends it
        ("[[a]\n]]", 0, None),
        ("[[a\nb]]", 0, None),
        ("!x[[a]]", 0, None),
        ("[[ t #H|d]]", 0, (0, 11, 3, 4, False)),
    ],
)
def test_wikilink_match_edges(src: str, start: int, expected: tuple[object, ...] | None) -> None:
    # Shared by both paths, so the equality tests above cannot see a change here.
    meta = match_wikilink(src, start)
    keys = ("start", "end", "target_start", "target_end", "embed")
    assert (meta and tuple(meta[key] for key in keys)) == expected
