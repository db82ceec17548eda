"""The cache's flat form of notes and its lazy notes: a round trip changes nothing."""

import copy
import dataclasses
import marshal
import pickle
import sqlite3
import threading
from pathlib import Path

import pytest

from vault_ls.vault import disk_note, lazy_notes
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.checks import check_note
from vault_ls.vault.lazy_notes import LazyNote
from vault_ls.vault.model import (
    Block,
    Field,
    FrontmatterError,
    Heading,
    Link,
    Note,
    Tag,
    TitleClaim,
    flat_body,
    flat_head,
    from_flat,
)
from vault_ls.vault.positions import Position, Range
from vault_ls.vault.workspace import Vault

NOTES = {
    "Café — 😀.md": (
        "---\naliases: [Kaffee, カフェ]\ntags: [drink]\ncreated: 2024-05-01\n---\n"
        "# Café 😀\n\n## Größe\n\n"
        "A paragraph with [[B#Part|the part]] and ![[pic.png|100]]. ^blk-1\n"
        "\n- Full Title: Café, the long way\n\nrating:: 5 ⭐\n\n#tag/deep and `[[Fake]]`\n"
        "[md](sub/C%20D.md#Top) ![alt](pic.png)\n"
    ),
    "B.md": "---\naliases: Bee\n---\n# B\n\n## Part\n\n> quote line ^quote\n\n| a |\n| - |\n",
    "Broken front.md": "---\ntitle: [unclosed\n---\n# Broken\n\n[[Café — 😀#^blk-1]]\n",
    "sub/C D.md": "# Top\n\n[[B]] [[Nowhere]] ![[B#^quote]]\n\n```\n[[not a link]]\n```\n",
    "Latin-1.md": b"# Caf\xe9\n\n[[B]] in latin-1 ^old\n",
    "Empty.md": "",
}


def write(root: Path) -> Path:
    for relative, text in NOTES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    (root / "pic.png").write_bytes(b"\x89PNG\r\n")
    return root


def warm_vault(tmp_path: Path) -> tuple[Path, Vault]:
    root = write(tmp_path / "vault")
    cold = Vault(root, cache_folder=tmp_path / "cache")
    cold.load()
    cold.save_cache()
    warm = Vault(root, cache_folder=tmp_path / "cache")
    warm.load()
    return root, warm


def test_a_round_trip_through_the_cache_gives_the_notes_parsed_afresh(tmp_path):
    root, warm = warm_vault(tmp_path)
    notes = warm.index.notes
    assert sorted(notes) == sorted(NOTES)
    assert all(type(note) is LazyNote for note in notes.values())  # from the cache, unread
    fresh = {path: disk_note.parse_from_disk(root, path) for path in NOTES}
    # the vault has what the test is about
    assert fresh["Latin-1.md"].decode_error and fresh["Broken front.md"].frontmatter_error
    assert fresh["Café — 😀.md"].aliases == ["Kaffee", "カフェ"] and fresh["B.md"].blocks
    assert fresh["Café — 😀.md"].wide_lines
    assert any(field.source == "frontmatter" for field in fresh["Café — 😀.md"].fields)
    for path, note in notes.items():
        assert note == fresh[path]
        assert type(note) is Note  # read once: a plain note from then on
        for name in (f.name for f in dataclasses.fields(Note)):
            assert getattr(note, name) == getattr(fresh[path], name), (path, name)
    assert all(lazy_notes._decoded[id(note)] is note for note in notes.values())


def test_anchor_checks_read_a_cached_targets_outline_not_its_body(tmp_path):
    root = write(tmp_path / "vault")
    anchors = "[[B#Part]] [[B#Nope]] [[B#^QUOTE]] [[B#^nope]] [[B#B#Part]] [[B#Part#B]]\n"
    (root / "Anchors.md").write_text(anchors, encoding="utf-8")
    for _ in range(2):  # the second load is warm
        vault = Vault(root, cache_folder=tmp_path / "cache")
        vault.load()
        vault.save_cache()
    target = vault.index.notes["B.md"]
    problems = check_note(vault.index, vault.index.notes["Anchors.md"])
    assert type(target) is LazyNote  # checked through its outline only
    assert [(p.code, p.message) for p in problems] == [
        ("unresolved-heading", '"B" has no heading "Nope"'),
        ("unresolved-block", '"B" has no block ^nope'),
        ("unresolved-heading", '"B" has no heading "Part#B"'),
    ]
    assert target.outline() == disk_note.parse_from_disk(root, "B.md").outline()
    assert target.outline() == (("b", "part"), (None, 0), ("quote",))


def test_slug_checks_read_a_cached_targets_slugs_not_its_body(tmp_path):
    root = write(tmp_path / "vault")
    # ``# Café 😀`` and ``## Größe``: their GitHub anchors are ``café-`` and ``größe``
    anchors = "[a](<Café — 😀.md#café->) [b](<Café — 😀.md#gr%C3%B6%C3%9Fe>)\n[c](<B.md#nope>)\n"
    (root / "Anchors.md").write_text(anchors, encoding="utf-8")
    for _ in range(2):  # the second load is warm
        vault = Vault(root, cache_folder=tmp_path / "cache")
        vault.load()
        vault.save_cache()
    target = vault.index.notes["Café — 😀.md"]
    problems = check_note(vault.index, vault.index.notes["Anchors.md"])
    assert type(target) is LazyNote  # checked through its slugs only
    assert [(p.code, p.message) for p in problems] == [
        ("unresolved-heading", '"B" has no heading "nope"'),
    ]
    assert target.slugs() == disk_note.parse_from_disk(root, "Café — 😀.md").slugs()
    assert target.slugs() == ("café-", "größe")


def test_a_cached_notes_links_and_wide_lines_are_read_without_decoding_its_body(tmp_path):
    # references read the links of a hub's thousands of linking notes, and the wide lines of
    # each to give columns in UTF-16: reading them pushed every other decoded body out
    root, warm = warm_vault(tmp_path)
    for path, note in warm.index.notes.items():
        parsed = disk_note.parse_from_disk(root, path)
        assert note.links_alone() == parsed.links and type(note) is LazyNote, path
        assert note.wide_lines == parsed.wide_lines and type(note) is LazyNote, path
        kept = note.links_alone(lambda target: target.startswith("B"))
        assert kept == [link for link in parsed.links if link.target.startswith("B")], path
    assert warm.index.notes["Café — 😀.md"].wide_lines  # it has some to read
    assert all(type(note) is LazyNote for note in warm.index.notes.values())


def test_a_cached_notes_front_matter_and_tags_are_read_without_decoding_its_body(tmp_path):
    # an unlinked-mentions request reads where ~70 notes' front matter and tags stand
    root, warm = warm_vault(tmp_path)
    for path, note in warm.index.notes.items():
        parsed = disk_note.parse_from_disk(root, path)
        marks = (parsed.frontmatter_range, parsed.tags)
        assert note.prose_marks() == marks and type(note) is LazyNote, path
        assert note.prose_marks() == parsed.prose_marks()
    notes = warm.index.notes
    assert notes["Café — 😀.md"].prose_marks()[0] is not None  # the vault has what it is about
    assert any(note.prose_marks()[1] for note in notes.values())
    assert all(type(note) is LazyNote for note in notes.values())


def test_only_the_most_recently_read_bodies_stay_decoded(tmp_path, monkeypatch):
    monkeypatch.setattr(lazy_notes, "KEEP_DECODED", 2)
    root, warm = warm_vault(tmp_path)
    notes = warm.index.notes
    first, second, third = (notes[path] for path in ("B.md", "Café — 😀.md", "sub/C D.md"))
    for note in (first, second, third):
        assert note.links is not None
    assert type(first) is LazyNote  # the oldest went back to its encoded form
    assert type(second) is Note and type(third) is Note
    assert first.aliases == ["Bee"] and type(first) is LazyNote  # the head stays
    assert first == disk_note.parse_from_disk(root, "B.md") and type(first) is Note
    assert type(second) is LazyNote
    for path, note in notes.items():  # every note, read in turn, is whole and right
        assert note.links == disk_note.parse_from_disk(root, path).links, path
    assert sum(type(note) is Note for note in notes.values()) == 2


def test_a_dropped_vault_leaves_no_encoded_bodies_behind(tmp_path, monkeypatch):
    import gc

    monkeypatch.setattr(lazy_notes, "KEEP_DECODED", 1)
    _, warm = warm_vault(tmp_path)
    ids = {id(note) for note in warm.index.notes.values()}
    assert ids <= set(lazy_notes._bodies)
    for note in list(warm.index.notes.values())[:3]:
        assert note.headings is not None
    (kept,) = (id(note) for note in warm.index.notes.values() if type(note) is Note)
    del warm, note
    gc.collect()
    # the one decoded note is held (and its body with it) until later reads push it out
    assert ids & set(lazy_notes._bodies) == {kept} and kept in lazy_notes._decoded
    lazy_notes._forget_body(lazy_notes._decoded.pop(kept))  # pushed out
    gc.collect()
    assert not ids & set(lazy_notes._bodies)


def test_a_lazy_note_compares_prints_copies_and_pickles_like_a_note(tmp_path):
    root, warm = warm_vault(tmp_path)
    fresh = disk_note.parse_from_disk(root, "B.md")
    notes = warm.index.notes
    assert fresh == notes["B.md"] and type(notes["B.md"]) is Note  # lazy on the right
    unequal = disk_note.parse_from_disk(root, "sub/C D.md") != notes["sub/C D.md"]  # lazy right
    assert unequal is False
    assert notes["Empty.md"] != fresh
    assert repr(notes["Latin-1.md"]).startswith("Note(path='Latin-1.md'")
    assert copy.copy(notes["Empty.md"]) == disk_note.parse_from_disk(root, "Empty.md")
    again = pickle.loads(pickle.dumps(notes["Café — 😀.md"]))
    assert type(again) is Note and again == disk_note.parse_from_disk(root, "Café — 😀.md")
    assert dataclasses.replace(notes["Broken front.md"], line_count=99).line_count == 99
    with pytest.raises(AttributeError):
        _ = warm.index.notes["B.md"].no_such_field


def test_threads_reading_one_lazy_note_all_see_it_whole(tmp_path):
    root, warm = warm_vault(tmp_path)
    note = warm.index.notes["Café — 😀.md"]
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(note.links)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(links == seen[0] for links in seen) and seen[0]
    assert note == disk_note.parse_from_disk(root, "Café — 😀.md")


def _damage_bodies(path: Path) -> None:
    """Damage every entry in its body, which is checked when read: flip its last byte, or
    change a letter, which still decodes (only the CRC tells)."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT path, note FROM notes").fetchall()
        for relative, blob in rows:
            damaged = blob.replace(b"quote line", b"QUOTE line")
            if damaged == blob:
                damaged = blob[:-1] + bytes([blob[-1] ^ 0xFF])
            db.execute("UPDATE notes SET note = ? WHERE path = ?", (damaged, relative))
    db.close()


def test_a_damaged_body_is_parsed_again_when_read(tmp_path):
    root = write(tmp_path / "vault")
    first = Vault(root, cache_folder=tmp_path / "cache")
    first.load()
    first.save_cache()
    _damage_bodies(NoteCache(first.root, tmp_path / "cache").path)
    again = Vault(root, cache_folder=tmp_path / "cache")
    again.load()
    for path, note in again.index.notes.items():
        assert note == disk_note.parse_from_disk(root, path)


def test_a_damaged_link_graph_is_resolved_again(tmp_path):
    root = write(tmp_path / "vault")
    first = Vault(root, cache_folder=tmp_path / "cache")
    first.load()
    first.save_cache()
    with sqlite3.connect(NoteCache(first.root, tmp_path / "cache").path) as db:
        (blob,) = db.execute("SELECT blob FROM graph").fetchone()
        db.execute("UPDATE graph SET blob = ?", (blob[:-1] + bytes([blob[-1] ^ 0xFF]),))
    db.close()
    again = Vault(root, cache_folder=tmp_path / "cache")
    again.load()
    assert again.index.backlinks == first.index.backlinks


def every_field_set() -> Note:
    """A note whose every field (and every field of what it holds) differs from the default."""
    r = Range(Position(1, 2), Position(3, 4))
    s = Range(Position(5, 6), Position(5, 9))
    return Note(
        path="a/b — ü.md",
        headings=[Heading(2, "H ü", r, 0), Heading(1, "top", s, None)],
        blocks=[Block("id-1", r, s, "text 😀")],
        links=[
            Link("wiki", True, "T", ("H1", "H2"), "blk", "100x145", r, s, True),
            Link("markdown", False, "", (), None, None, s, r),
        ],
        tags=[Tag("t/ü", r)],
        aliases=["Al", "アル"],
        fields=[Field("k", "v", r, "inline"), Field("f", "1", None, "frontmatter")],
        titles=[TitleClaim("frontmatter title", "Tï", r)],
        frontmatter_error=FrontmatterError("bad", s),
        frontmatter_range=r,
        line_count=7,
        wide_lines=frozenset({0, 3}),
        digest=123456789,
        decode_error="not UTF-8",
    )


@pytest.mark.parametrize("kind", [Note, Heading, Block, Link, Tag, Field, TitleClaim])
def test_the_sample_sets_every_field_so_the_codec_is_checked_on_all(kind):
    note = every_field_set()
    samples = {
        Note: [note],
        Heading: note.headings,
        Block: note.blocks,
        Link: note.links,
        Tag: note.tags,
        Field: note.fields,
        TitleClaim: note.titles,
    }[kind]
    for field in dataclasses.fields(kind):
        default = field.default_factory() if callable(field.default_factory) else field.default
        values = [getattr(sample, field.name) for sample in samples]
        assert any(value != default and value is not None for value in values), field.name


def test_the_flat_form_keeps_every_field():
    note = every_field_set()
    head = marshal.loads(marshal.dumps(flat_head(note)))
    body = marshal.loads(marshal.dumps(flat_body(note)))
    back = from_flat(note.path, head, body)
    assert back == note
    assert type(back.links[0].range.start) is Position and type(back.links[0].range) is Range
    lazy = NoteCache.note(Path("/nowhere"), note.path, NoteCache.blob(note))
    assert lazy is not None and lazy == note and type(lazy) is Note


def test_a_damaged_head_is_refused():
    blob = NoteCache.blob(every_field_set())
    assert NoteCache.note(Path("/"), "x.md", blob[:3]) is None
    assert NoteCache.note(Path("/"), "x.md", b"\x80garbage") is None
    assert NoteCache.note(Path("/"), "x.md", blob[:9] + bytes([blob[9] ^ 1]) + blob[10:]) is None


CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["obsidian-help", "readwise-export", "ttrpg-13th-age-srd", "markdown-oxide-testfiles"]
)
def test_every_corpus_note_comes_back_from_the_cache_as_parsed(tmp_path, name):
    root = CORPORA / name
    if not root.is_dir():
        pytest.skip("../shared/corpora is absent")
    cold = Vault(root, cache_folder=tmp_path)
    cold.load()
    cold.save_cache()
    warm = Vault(root, cache_folder=tmp_path)
    warm.load()
    assert all(type(note) is LazyNote for note in warm.index.notes.values())
    for path, note in warm.index.notes.items():
        assert note == disk_note.parse_from_disk(warm.root, path), path
    assert warm.index.backlinks == cold.index.backlinks
