"""The index: backlinks and resolutions kept right by incremental changes, equal to a full build."""

from __future__ import annotations

from vault_ls.vault.index import VaultIndex
from vault_ls.vault.parse import parse_note

Files = dict[str, str]


def build(files: Files, attachments: tuple[str, ...] = ()) -> VaultIndex:
    index = VaultIndex()
    index.set_notes([parse_note(path, text) for path, text in files.items()], attachments)
    return index


def state(index: VaultIndex) -> dict[str, object]:
    """Everything a feature reads: each link's resolution, backlinks and name lookups."""
    resolutions = {
        (note.path, link.range): (
            (r := index.resolve(link, note.path)).path,
            r.candidates,
        )
        for note in index
        for link in note.links
    }
    backlinks = {target: set(sources) for target, sources in index.backlinks.items() if sources}
    return {
        "resolutions": resolutions,
        "backlinks": backlinks,
        "notes": set(index.notes),
        "attachments": set(index.attachments),
        "note_keys": {k: set(v) for k, v in index.note_keys.items() if v},
        "alias_keys": {k: set(v) for k, v in index.alias_keys.items() if v},
        "tags": tag_state(index),
    }


def tag_state(index: VaultIndex) -> dict[str, object]:
    """Each tag key: its spellings with their note counts, and the notes carrying it."""
    tags = index.tags()
    return {key: (tags.spellings(key), tags.notes_with(key)) for key in tags}


def check(index: VaultIndex, files: Files, attachments: tuple[str, ...] = ()) -> None:
    """The incrementally changed ``index`` equals a fresh build of ``files``."""
    assert state(index) == state(build(files, attachments))


def target_of(index: VaultIndex, path: str, position: int = 0) -> str | None:
    note = index.notes[path]
    return index.resolve(note.links[position], path).path


START: Files = {
    "A.md": "[[B]] [[C]] [[Later]] ![[pic.png]]\n",
    "B.md": "---\naliases: [Bee]\n---\n[[A]]\n",
    "sub/C.md": "[x](../B.md) [[A#H]]\n",
}


def test_full_build_backlinks() -> None:
    index = build(START)
    assert index.linking_notes("B.md") == {"A.md", "sub/C.md"}
    assert index.linking_notes("A.md") == {"B.md", "sub/C.md"}
    assert index.linking_notes("sub/C.md") == {"A.md"}
    assert index.notes_with_alias("bee") == {"B.md"}


def test_unresolved_link_resolves_after_the_target_is_added() -> None:
    index = build(START)
    assert target_of(index, "A.md", 2) is None
    files = {**START, "notes/Later.md": "later\n"}
    index.set_note(parse_note("notes/Later.md", files["notes/Later.md"]))
    assert target_of(index, "A.md", 2) == "notes/Later.md"
    assert index.linking_notes("notes/Later.md") == {"A.md"}
    check(index, files)


def test_a_second_same_named_note_makes_the_link_ambiguous() -> None:
    files: Files = {"A.md": "[[B]]\n", "x/B.md": "one B\n"}
    index = build(files)
    assert index.resolve(index.notes["A.md"].links[0], "A.md").ambiguous is False
    files["y/B.md"] = "another B\n"
    index.set_note(parse_note("y/B.md", files["y/B.md"]))
    resolution = index.resolve(index.notes["A.md"].links[0], "A.md")
    assert resolution.path == "x/B.md"
    assert resolution.candidates == ("x/B.md", "y/B.md")
    assert index.linking_notes("x/B.md") == {"A.md"}
    check(index, files)


def test_a_root_note_is_named_by_its_full_path_and_stays_unambiguous() -> None:
    # Judgement call: ``[[B]]`` is also the full vault path of ``B.md``, just as ``[[other/B]]``
    # is of ``other/B.md``, so a same-named note in a folder does not make it ambiguous.
    index = build(START)
    files = {**START, "other/B.md": "another B\n"}
    index.set_note(parse_note("other/B.md", files["other/B.md"]))
    resolution = index.resolve(index.notes["A.md"].links[0], "A.md")
    assert (resolution.path, resolution.ambiguous) == ("B.md", False)
    check(index, files)


def test_changing_a_note_updates_its_outgoing_links_and_aliases() -> None:
    index = build(START)
    files = {**START, "B.md": "---\naliases: [Buzz]\n---\nno links now\n"}
    index.set_note(parse_note("B.md", files["B.md"]))
    assert index.linking_notes("A.md") == {"sub/C.md"}
    assert index.notes_with_alias("bee") == set()
    assert index.notes_with_alias("BUZZ") == {"B.md"}
    check(index, files)


def test_removing_a_note_unresolves_links_to_it() -> None:
    index = build(START)
    files = {k: v for k, v in START.items() if k != "B.md"}
    index.remove_note("B.md")
    assert target_of(index, "A.md", 0) is None
    assert target_of(index, "sub/C.md", 0) is None
    assert index.linking_notes("B.md") == set()
    assert index.linking_notes("A.md") == {"sub/C.md"}
    check(index, files)


def test_removing_one_of_two_same_named_notes_ends_the_ambiguity() -> None:
    files = {**START, "other/B.md": "another B\n"}
    index = build(files)
    index.remove_note("B.md")
    del files["B.md"]
    resolution = index.resolve(index.notes["A.md"].links[0], "A.md")
    assert (resolution.path, resolution.ambiguous) == ("other/B.md", False)
    check(index, files)


def test_rename_moves_backlinks_and_resolutions() -> None:
    index = build(START)
    files = {k: v for k, v in START.items() if k != "B.md"}
    files["archive/Later.md"] = START["B.md"]
    index.rename_note("B.md", "archive/Later.md", parse_note("archive/Later.md", START["B.md"]))
    assert target_of(index, "A.md", 0) is None  # [[B]] no longer names anything
    assert target_of(index, "A.md", 2) == "archive/Later.md"  # [[Later]] now does
    assert index.linking_notes("archive/Later.md") == {"A.md"}
    assert index.linking_notes("A.md") == {"archive/Later.md", "sub/C.md"}
    check(index, files)


def test_attachments_come_and_go() -> None:
    index = build(START)
    assert target_of(index, "A.md", 3) is None
    index.add_attachment("img/pic.png")
    assert target_of(index, "A.md", 3) == "img/pic.png"
    assert index.linking_notes("img/pic.png") == {"A.md"}
    check(index, START, ("img/pic.png",))
    index.remove_attachment("img/pic.png")
    assert target_of(index, "A.md", 3) is None
    check(index, START)


def test_a_sequence_of_changes_equals_a_full_build() -> None:
    files: Files = dict(START)
    index = build(files)
    steps: list[tuple[str, str, str | None]] = [
        ("set", "Later.md", "# Later\n[[sub/C]] [[B#^x]]\n"),
        ("set", "deep/B.md", "[[Later]]\n"),
        ("set", "B.md", "rewritten ^x [[deep/B]]\n"),
        ("remove", "sub/C.md", None),
        ("set", "sub/C.md", "[[B]] back again\n"),
        ("remove", "Later.md", None),
        ("set", "Later.md", "[[A]]\n"),
    ]
    for action, path, text in steps:
        if action == "set":
            assert text is not None
            files[path] = text
            index.set_note(parse_note(path, text))
        else:
            del files[path]
            index.remove_note(path)
        check(index, files)


def test_tag_counts_and_spellings_follow_edits_in_any_case() -> None:
    files: Files = {
        "a.md": "#Project and #Café\n",
        "b.md": "#project #ÉTÉ\n",
        "c.md": "---\ntags: [PROJECT, été]\n---\n#Area/Sub\n",
    }
    index = build(files)
    tags = index.tags()  # asked for before the edits: from now on kept, not rebuilt
    assert tags.spellings("project") == [("PROJECT", 1), ("Project", 1), ("project", 1)]
    assert tags.notes_with("PrOjEcT") == {"a.md", "b.md", "c.md"}
    assert tags.spellings("été") == [("ÉTÉ", 1), ("été", 1)]
    steps: list[tuple[str, str, str | None]] = [
        ("set", "d.md", "#project again, #AREA/sub\n"),  # project: 2 of 4 notes now
        ("set", "a.md", "#Café only, #project twice: #project\n"),
        ("remove", "b.md", None),
        ("set", "b.md", "#ÉTÉ #été #Été in one note\n"),
        ("set", "c.md", "no tags left\n"),
    ]
    for action, path, text in steps:
        if action == "set":
            assert text is not None
            files[path] = text
            index.set_note(parse_note(path, text))
        else:
            del files[path]
            index.remove_note(path)
        check(index, files)
    assert index.tags() is tags
    assert tags.spellings("PROJECT") == [("project", 2)]
    assert tags.notes_with("project") == {"a.md", "d.md"}
    assert tags.spellings("été") == [("ÉTÉ", 1), ("Été", 1), ("été", 1)]
    assert tags.spelling("area/sub") == "AREA/sub"
    assert tags.notes_with("area") == set()  # a parent level is a tag of its own
    assert tags.spelling("Straße") == "Straße"  # no note carries it: as asked


def test_paths_under_a_folder_follow_every_add_and_remove() -> None:
    """``paths_under`` (what a folder's deletion removes) equals a scan of every path for the
    folder's prefix, after random adds and removes of notes and attachments."""
    import random

    chooser = random.Random(13)
    folders = ["a", "a/b", "a/b/c — ü", "ab", "日本", "a/b2"]
    index = VaultIndex()
    for step in range(400):
        folder = chooser.choice(folders)
        path = f"{folder}/{chooser.choice(['n', 'm', 'a'])}{chooser.randrange(6)}"
        if chooser.random() < 0.5:
            path += ".md"
            if chooser.random() < 0.6:
                index.set_note(parse_note(path, f"# {step}\n"))
            else:
                index.remove_note(path)
        elif chooser.random() < 0.6:
            index.add_attachment(path)
        else:
            index.remove_attachment(path)
        for wanted in [*folders, "a/b/c", "zz"]:
            every = sorted(
                p for p in [*index.notes, *index.attachments] if p.startswith(wanted + "/")
            )
            assert index.paths_under(wanted) == every, (step, wanted)
