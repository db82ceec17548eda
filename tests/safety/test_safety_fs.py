"""The disk, confinement to the vault, and hostile YAML.

Real files under ``tmp_path``, read through ``fs.scan``/``fs.read_note`` and ``Vault``: nothing
on disk makes indexing raise, hang or read outside the vault root.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from safety_support import quick

from vault_ls.vault import fs
from vault_ls.vault.checks import check_note
from vault_ls.vault.index import VaultIndex
from vault_ls.vault.model import Link
from vault_ls.vault.parse import parse_note
from vault_ls.vault.positions import Range
from vault_ls.vault.workspace import Vault

SECRET = "TOP-SECRET-OUTSIDE-THE-VAULT"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A vault folder and, next to it, a folder outside the vault holding a secret note."""
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    vault.mkdir()
    outside.mkdir()
    (outside / "secret.md").write_text(f"# {SECRET}\n[[Inside]]\n")
    (vault / "Inside.md").write_text("# Inside\n")
    return vault, outside


def problems_of(vault: Vault, relative: str) -> list[tuple[str, str]]:
    note = vault.index.notes[relative]
    return [(p.code, p.message) for p in check_note(vault.index, note)]


def everything_indexed(vault: Vault) -> str:
    """Every heading, link and field the index holds, as one string to search."""
    parts = []
    for note in vault.index:
        parts += [note.path, *(h.text for h in note.headings), *(lk.target for lk in note.links)]
    return "\n".join(parts)


# --- 3. the filesystem --------------------------------------------------------------------


def test_unreadable_file(layout: tuple[Path, Path]) -> None:
    vault_root, _ = layout
    locked = vault_root / "locked.md"
    locked.write_text("# Locked\n")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: permission bits do not stop reads")
        vault = Vault(vault_root, use_cache=False)
        vault.load()
        (code, message), *_ = problems_of(vault, "locked.md")
        assert code == "encoding-error"
        assert message.startswith("The file could not be read")
    finally:
        locked.chmod(0o644)


def test_invalid_utf8_is_decoded_with_replacement_and_reported(layout: tuple[Path, Path]) -> None:
    vault_root, _ = layout
    (vault_root / "latin1.md").write_bytes(b"# Caf\xe9\n[[Inside]] and \xff\xfe more\n")
    vault = Vault(vault_root, use_cache=False)
    vault.load()
    note = vault.index.notes["latin1.md"]
    assert note.headings[0].text == "Caf\ufffd"
    assert [link.target for link in note.links] == ["Inside"]
    assert problems_of(vault, "latin1.md") == [
        (
            "encoding-error",
            "The file is not valid UTF-8 (byte 0xe9 at offset 5); undecodable bytes are shown "
            "as \ufffd",
        )
    ]


def test_binary_file_named_md(layout: tuple[Path, Path]) -> None:
    vault_root, _ = layout
    (vault_root / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + os.urandom(4096))
    vault = Vault(vault_root, use_cache=False)
    vault.load()
    note = vault.index.notes["image.md"]
    assert note.links == [] and note.headings == []
    assert problems_of(vault, "image.md") == [
        ("encoding-error", "This looks like a binary file, not a Markdown note; it is not indexed")
    ]


@pytest.mark.parametrize("unit", ["a", "é", "中", "😀"])
def test_huge_note_is_indexed_up_to_the_cap(layout: tuple[Path, Path], unit: str) -> None:
    """20 MB in one note: only the first 5 MB are read, and the note says so — even when the
    cut falls inside a multi-byte character (3-byte CJK: 5 MiB is not a multiple of 3)."""
    vault_root, _ = layout
    line = f"[[Inside]] {unit * 40} #tag\n"
    data = (line * (20 * 1024 * 1024 // len(line.encode()) + 1)).encode()
    (vault_root / "huge.md").write_bytes(data)
    started = time.perf_counter()
    text, problem = fs.read_note(vault_root / "huge.md")
    read_time = time.perf_counter() - started
    assert len(text.encode()) <= fs.MAX_NOTE_BYTES
    assert "\ufffd" not in text, "a character cut in two at the cap"
    assert problem == "The note is larger than 5 MB; only the start is indexed"
    assert read_time < 2


def test_huge_note_loads_in_bounded_time(layout: tuple[Path, Path]) -> None:
    vault_root, _ = layout
    line = "Some prose with a [[Inside]] link, a #tag and **emphasis**.\n"
    (vault_root / "huge.md").write_text(line * (20 * 1024 * 1024 // len(line)))
    vault = Vault(vault_root, use_cache=False)
    started = time.perf_counter()
    vault.load()
    elapsed = time.perf_counter() - started
    note = vault.index.notes["huge.md"]
    assert len(note.links) >= fs.MAX_NOTE_BYTES // len(line) - 1
    assert problems_of(vault, "huge.md")[0][0] == "encoding-error"
    assert elapsed < 60, f"{elapsed:.1f} s"


def test_symlink_loops(layout: tuple[Path, Path]) -> None:
    vault_root, _ = layout
    (vault_root / "sub").mkdir()
    (vault_root / "sub" / "up").symlink_to(vault_root, target_is_directory=True)
    (vault_root / "sub" / "self").symlink_to(vault_root / "sub", target_is_directory=True)
    (vault_root / "a.md").symlink_to(vault_root / "b.md")
    (vault_root / "b.md").symlink_to(vault_root / "a.md")
    vault = Vault(vault_root, use_cache=False)
    started = time.perf_counter()
    vault.load()
    assert time.perf_counter() - started < 5
    assert "Inside.md" in vault.index.notes
    assert not any(path.startswith("sub/") for path in vault.index.notes)
    for looped in ("a.md", "b.md"):
        if looped in vault.index.notes:  # listed, but reading it fails: reported, not raised
            assert problems_of(vault, looped)[0][0] == "encoding-error"


def test_symlink_out_of_the_vault_is_never_read(layout: tuple[Path, Path]) -> None:
    vault_root, outside = layout
    (vault_root / "leak.md").symlink_to(outside / "secret.md")
    (vault_root / "leakdir").symlink_to(outside, target_is_directory=True)
    vault = Vault(vault_root, use_cache=False)
    vault.load()
    assert "leak.md" not in vault.index.notes
    assert not any(path.startswith("leakdir") for path in vault.index.notes)
    assert vault.relative(vault_root / "leak.md") is None
    assert vault.relative(vault_root / "leakdir" / "secret.md") is None
    # Events naming the link directly (a watcher, a rename) do not read through it either.
    vault.file_changed("leak.md")
    vault.file_renamed("Inside.md", "leak.md")
    assert SECRET not in everything_indexed(vault)
    assert SECRET not in vault.text("leak.md")


def test_file_replaced_by_symlink_out_after_indexing(layout: tuple[Path, Path]) -> None:
    vault_root, outside = layout
    vault = Vault(vault_root, use_cache=False)
    vault.load()
    (vault_root / "Inside.md").unlink()
    (vault_root / "Inside.md").symlink_to(outside / "secret.md")
    vault.file_changed("Inside.md")
    assert SECRET not in everything_indexed(vault)
    assert SECRET not in vault.text("Inside.md")


def test_file_deleted_while_indexing(layout: tuple[Path, Path], monkeypatch) -> None:
    vault_root, _ = layout
    for number in range(5):
        (vault_root / f"n{number}.md").write_text(f"[[Inside]] {number}\n")
    real_scan = fs.scan

    def scan_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_scan(*args, **kwargs)
        (vault_root / "n2.md").unlink()  # gone between the listing and the read
        (vault_root / "Inside.md").unlink()
        return found

    monkeypatch.setattr(fs, "scan", scan_then_delete)
    vault = Vault(vault_root, use_cache=False)
    vault.load()
    assert "n2.md" not in vault.index.notes, "a deleted file left a ghost note"
    assert "Inside.md" not in vault.index.notes
    assert set(vault.index.notes) == {"n0.md", "n1.md", "n3.md", "n4.md"}
    # A change event for a file that is gone by the time it is read removes it.
    (vault_root / "n3.md").unlink()
    vault.file_changed("n3.md")
    assert "n3.md" not in vault.index.notes


def test_scan_order_and_stamps(layout: tuple[Path, Path]) -> None:
    """Each folder's files in name order before its folders', depth first; dot-folders, links
    to folders and links out skipped; each note's stamp is what ``os.stat`` says of it then (a
    link's, its target's; a dangling link's, -1s)."""
    vault, outside = layout
    for name in ("b.md", "Z.md", "m/d — ✎.md", "m/n/e.md", "m/f.png", "z/c.md", ".hidden/x.md"):
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(f"# {name}\n")
    (vault / "link.md").symlink_to(vault / "b.md")
    (vault / "dangling.md").symlink_to(vault / "nowhere.md")
    (vault / "out.md").symlink_to(outside / "secret.md")
    (vault / "folder-link").symlink_to(vault / "m", target_is_directory=True)

    found = fs.scan(vault)

    notes = ["Inside.md", "Z.md", "b.md", "dangling.md", "link.md", "m/d — ✎.md", "m/n/e.md"]
    assert found.notes == [*notes, "z/c.md"]
    assert found.attachments == ["m/f.png"]
    for note in found.notes:
        if note == "dangling.md":
            assert found.stamps[note] == (-1, -1, -1, -1)
            continue
        status = os.stat(vault / note)
        assert found.stamps[note] == (
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
            status.st_ino,
        )
    assert found.stamps["link.md"] == found.stamps["b.md"]
    assert fs.scan(vault, under="m").notes == ["m/d — ✎.md", "m/n/e.md"]


def test_many_files_beyond_the_cap(layout: tuple[Path, Path]) -> None:
    vault_root, _ = layout
    for folder in range(20):
        sub = vault_root / f"f{folder}"
        sub.mkdir()
        for number in range(150):
            (sub / f"n{number}.md").write_text("x\n")
    vault = Vault(vault_root, use_cache=False)
    started = time.perf_counter()
    vault.load(max_files=1000)
    assert time.perf_counter() - started < 10
    assert vault.truncated
    assert len(vault.index.notes) == 1000
    vault.load()
    assert not vault.truncated
    assert len(vault.index.notes) == 3001


# --- 4. confinement -----------------------------------------------------------------------

ESCAPES = [
    "[[../../etc/passwd]]",
    "[[../outside/secret]]",
    "[[/../../etc/passwd]]",
    "[[a/../../../etc/passwd]]",
    "[[..\\..\\etc\\passwd]]",
    "![[../../etc/passwd]]",
    "[x](/etc/passwd)",
    "[x](file:///etc/passwd)",
    "[x](../../../../etc/passwd)",
    "[x](%2e%2e/%2e%2e/etc/passwd)",
    "[x](..%2F..%2Fetc%2Fpasswd)",
    "[x](<../../outside/secret.md>)",
    "![x](../../../etc/passwd)",
    "[x](~/secret.md)",
    "[x](//etc/passwd)",
    "[[~/.ssh/id_rsa]]",
    "[[leak]]",
    "[[outside/secret]]",
]


def index_of(vault_root: Path) -> Vault:
    vault = Vault(vault_root, use_cache=False)
    vault.load()
    return vault


def assert_confined(vault: Vault, source: str, link: Link) -> None:
    resolution = vault.index.resolve(link, source)
    if resolution.path is None:
        return
    assert resolution.path in vault.index.notes or resolution.path in vault.index.attachments
    assert fs.is_inside(str(vault.root), os.path.realpath(vault.absolute(resolution.path)))


@pytest.mark.parametrize("written", ESCAPES)
def test_links_never_resolve_outside_the_vault(layout: tuple[Path, Path], written: str) -> None:
    vault_root, outside = layout
    (vault_root / "leak.md").symlink_to(outside / "secret.md")
    (vault_root / "deep" / "er").mkdir(parents=True)
    (vault_root / "deep" / "er" / "Source.md").write_text(f"{written}\n")
    vault = index_of(vault_root)
    note = vault.index.notes["deep/er/Source.md"]
    for link in note.links:
        resolution = vault.index.resolve(link, note.path)
        assert resolution.path is None, (written, resolution)
        assert_confined(vault, note.path, link)
    if note.links and ".." in note.links[0].target:
        problems = check_note(vault.index, note)
        assert [p.code for p in problems] == ["unresolved-link"]


@quick
@given(
    st.lists(
        st.sampled_from(["..", ".", "", "etc", "passwd", "~", "Inside", "Inside.md", "%2e%2e"]),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["/", "\\"]),
    st.sampled_from(["", "/", "./", "../"]),
    st.booleans(),
)
def test_random_paths_stay_confined(
    parts: list[str], separator: str, prefix: str, markdown: bool
) -> None:
    index = VaultIndex()
    index.set_notes([parse_note("Inside.md", ""), parse_note("a/b/Source.md", "")], ["a/x.png"])
    target = prefix + separator.join(parts)
    text = f"[x]({target})" if markdown else f"[[{target}]]"
    note = parse_note("a/b/Source.md", text)
    for link in note.links:
        resolution = index.resolve(link, note.path)
        assert resolution.path in (None, *index.notes, *index.attachments), (text, resolution)
        assert resolution.path is None or not resolution.path.startswith(("../", "/"))


def test_relative_refuses_outside_paths(layout: tuple[Path, Path]) -> None:
    vault_root, outside = layout
    (vault_root / "leak.md").symlink_to(outside / "secret.md")
    vault = Vault(vault_root, use_cache=False)
    assert vault.relative(vault_root / "Inside.md") == "Inside.md"
    for path in [
        outside / "secret.md",
        vault_root / ".." / "outside" / "secret.md",
        vault_root / "leak.md",
        Path("/etc/passwd"),
        vault_root,
        vault_root.parent,
        str(vault_root) + "-sibling/x.md",  # a sibling whose name starts like the vault's
    ]:
        assert vault.relative(path) is None, path


# --- 5. YAML ------------------------------------------------------------------------------


def frontmatter_error(yaml: str) -> str:
    note = parse_note("Note.md", f"---\n{yaml}\n---\nbody\n")
    assert note.frontmatter_error is not None, yaml
    index = VaultIndex()
    index.set_notes([note])
    assert "frontmatter-error" in [p.code for p in check_note(index, note)]
    return note.frontmatter_error.message


def test_python_tags_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for yaml in [
        f"x: !!python/object/apply:os.system ['touch {marker}']",
        f"x: !!python/object/new:os.system ['touch {marker}']",
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"y: !!python/object/apply:subprocess.call [['touch', '{marker}']]",
        "x: !!python/name:os.system",
    ]:
        assert "could not determine a constructor" in frontmatter_error(yaml)
    assert not marker.exists()


def billion_laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "yaml",
    [
        billion_laughs(9),
        billion_laughs(6).replace("a5:", "aliases:"),
        billion_laughs(30),
        "a: &a [*a]",
        "aliases: &a [x, *a]",
        "tags: &t {k: *t}",
        "a: &a x\n" + "\n".join(f"k{i}: [{', '.join(['*a'] * 20)}]" for i in range(20)),
    ],
    ids=["9 levels", "aliases key", "30 levels", "self", "self in aliases", "self in map", "wide"],
)
def test_alias_bombs_are_bounded(yaml: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    message = frontmatter_error(yaml)
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert "alias" in message
    assert elapsed < 1
    assert grown_mb < 50


@pytest.mark.parametrize("depth", [50, 500, 5000, 50_000])
@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deeply_nested_yaml(depth: int, opener: str) -> None:
    if opener == "- ":
        yaml = "x:\n" + "- " * depth + "1"  # compact nested block sequences
    else:
        yaml = "x: " + opener * depth + "1" + ("]" if opener == "[" else "}") * depth
    started = time.perf_counter()
    note = parse_note("Note.md", f"---\n{yaml}\n---\n# Body\n")
    assert time.perf_counter() - started < 10
    assert [h.text for h in note.headings] == ["Body"]
    error = note.frontmatter_error
    if error is not None:
        assert Range(error.range.start, error.range.end).start.line >= 1
