"""The persistent note cache and the parallel loader: fast, and never wrong."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vault_ls.vault import loader
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.checks import check_note
from vault_ls.vault.workspace import Vault

CACHE_VARIABLES = ("XDG_CACHE_HOME", "VAULT_LS_CACHE_DIR", "HOME")
CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def snapshot(vault: Vault):
    index = vault.index
    return (
        {path: note for path, note in index.notes.items()},
        {target: set(sources) for target, sources in index.backlinks.items() if sources},
        {path: check_note(index, note) for path, note in index.notes.items()},
    )


@pytest.fixture
def vault_files(tmp_path):
    return write(
        tmp_path / "vault",
        {
            "A — 😀.md": "# A\n\n[[B#Part]] and [[Nowhere]] ^blk\n",
            "B.md": "---\naliases: [Bee]\n---\n# B\n\n## Part\n",
            "sub/C.md": "[[A — 😀#^blk]]\n",
        },
    )


def test_warm_load_reads_the_cache_and_gives_the_same_index(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    cold = Vault(vault_files, cache_folder=cache_dir)
    cold.load()
    cold.save_cache()
    warm = Vault(vault_files, cache_folder=cache_dir)
    parsed = []
    original = loader.parse_from_disk
    loader.parse_from_disk = lambda root, rel: parsed.append(rel) or original(root, rel)
    try:
        warm.load()
    finally:
        loader.parse_from_disk = original
    assert parsed == []
    assert snapshot(warm) == snapshot(cold)


def test_a_changed_file_is_parsed_again(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    first = Vault(vault_files, cache_folder=cache_dir)
    first.load()
    first.save_cache()
    target = vault_files / "B.md"
    target.write_text("# B\n\n## Other\n", encoding="utf-8")
    os.utime(target, ns=(1, 1))  # a different mtime even on coarse clocks
    second = Vault(vault_files, cache_folder=cache_dir)
    second.load()
    codes = [p.code for p in check_note(second.index, second.index.notes["A — 😀.md"])]
    assert codes == ["unresolved-heading", "unresolved-link"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a database at all"),
        lambda path: _set_meta(path, "fingerprint", "from another version"),
        lambda path: _set_meta(path, "root", "/another/vault"),
        lambda path: _corrupt_rows(path),
    ],
    ids=["garbage", "other-version", "other-vault", "bad-rows"],
)
def test_a_bad_cache_is_rebuilt_silently(vault_files, tmp_path, damage):
    cache_dir = tmp_path / "cache"
    reference = Vault(vault_files, cache_folder=cache_dir)
    reference.load()
    reference.save_cache()
    damage(NoteCache(reference.root, cache_dir).path)
    again = Vault(vault_files, cache_folder=cache_dir)
    again.load()
    assert snapshot(again) == snapshot(reference)


def _set_meta(path: Path, key: str, value: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    db.close()


def _corrupt_rows(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE notes SET note = ?", (b"\x80garbage",))
    db.close()


@pytest.mark.corpus
def test_parallel_parse_equals_serial_parse(tmp_path):
    vault_root = CORPORA / "ttrpg-13th-age-srd"
    if not vault_root.is_dir():
        pytest.skip("../shared/corpora is absent")
    parallel = Vault(vault_root, use_cache=False)
    parallel.load()  # 1,000 notes: above PARALLEL_FROM, so worker processes parse
    assert len(parallel.index) > loader.PARALLEL_FROM
    serial_notes = {
        path: loader.parse_from_disk(parallel.root, path) for path in parallel.index.notes
    }
    assert serial_notes == parallel.index.notes


def test_a_new_file_invalidates_the_saved_link_graph(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    first = Vault(vault_files, cache_folder=cache_dir)
    first.load()
    first.save_cache()
    (vault_files / "Nowhere.md").write_text("# Nowhere\n", encoding="utf-8")
    second = Vault(vault_files, cache_folder=cache_dir)
    second.load()
    assert second.index.linking_notes("Nowhere.md") == {"A — 😀.md"}
    fresh = Vault(vault_files, use_cache=False)
    fresh.load()
    assert snapshot(second) == snapshot(fresh)


def test_check_writes_the_cache_unless_told_not_to(vault_files, tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "VAULT_LS_CACHE_DIR": str(tmp_path / "cli-cache")}
    command = [sys.executable, "-m", "vault_ls", "check", str(vault_files)]
    subprocess.run([*command, "--no-cache"], env=env, capture_output=True, check=False)
    assert not (tmp_path / "cli-cache").exists()
    subprocess.run(command, env=env, capture_output=True, check=False)
    assert NoteCache(vault_files.resolve(), tmp_path / "cli-cache").path.exists()


def test_opening_a_note_as_indexed_parses_nothing(vault_files, tmp_path):
    vault = Vault(vault_files, use_cache=False)
    vault.load()
    indexed = vault.index.notes["B.md"]
    text = (vault_files / "B.md").read_text(encoding="utf-8")
    assert vault.set_text("B.md", text) is indexed  # the editor opened what is on disk
    assert vault.keep_if_indexed("B.md", text + "more\n") is None  # nothing recorded
    assert vault.open_texts == {"B.md": text}
    assert vault.keep_if_indexed("B.md", text) is indexed
    changed = vault.set_text("B.md", text + "[[A — 😀]]\n")
    assert changed is not indexed
    assert vault.index.linking_notes("A — 😀.md") == {"B.md", "sub/C.md"}


def test_an_edit_before_the_save_keeps_its_links_out_of_the_saved_graph(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    first = Vault(vault_files, cache_folder=cache_dir)
    first.load()
    first.set_text("sub/C.md", "[[Nowhere]] [[B]]\n")  # in the editor only, not on disk
    first.save_cache()
    second = Vault(vault_files, cache_folder=cache_dir)
    second.load()
    fresh = Vault(vault_files, use_cache=False)
    fresh.load()
    assert snapshot(second) == snapshot(fresh)
    assert "sub/C.md" not in second.index.linking_notes("B.md")


def test_an_edit_before_the_save_still_saves_the_disks_link_graph(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    first = Vault(vault_files, cache_folder=cache_dir)
    first.load()
    first.set_text("sub/C.md", "[[Nowhere]] [[B]]\n")  # typed right after the start
    first.save_cache()
    second = Vault(vault_files, cache_folder=cache_dir)
    second.load()
    assert second._pending_save is None  # everything, graph included, came from the cache
    fresh = Vault(vault_files, use_cache=False)
    fresh.load()
    assert snapshot(second) == snapshot(fresh)


def test_a_save_stopped_half_way_leaves_the_last_cache_and_no_litter(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    first = Vault(vault_files, cache_folder=cache_dir)
    first.load()
    first.save_cache()
    saved = sorted(cache_dir.iterdir())
    before = [path.read_bytes() for path in saved]
    (vault_files / "D.md").write_text("[[B]]\n", encoding="utf-8")
    second = Vault(vault_files, cache_folder=cache_dir)
    second.load()
    steps = second.save_cache_steps()
    while len(list(cache_dir.iterdir())) < 2:
        next(steps)  # until the temporary database exists
    steps.close()  # the server stopped in the middle of the save
    assert sorted(cache_dir.iterdir()) == saved
    assert [path.read_bytes() for path in saved] == before


def test_a_killed_saves_temporary_file_is_removed_by_a_later_save(vault_files, tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    vault = Vault(vault_files, cache_folder=cache_dir)
    left = NoteCache(vault.root, cache_dir).path
    left = left.with_name(NoteCache(vault.root, cache_dir).path.stem + ".123.456.tmp")
    left.write_bytes(b"half a database")
    # this test's own process stands for another server saving right now
    recent = left.with_name(left.name.replace("123", str(os.getpid())))
    recent.write_bytes(b"another server saving right now")
    an_hour_ago = os.stat(left).st_mtime - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    vault.load()
    vault.save_cache()
    assert not left.exists()
    assert recent.exists()


def test_a_save_killed_with_sigkill_leaves_no_temporary_file_after_the_next_start(
    vault_files, tmp_path
):
    """On b36b671 a ``kill -9`` during a save left the temporary database (4 MB for a large
    vault) for ten minutes; its process is gone, so the next start removes it."""
    cache_dir = tmp_path / "cache"
    saver = subprocess.Popen(
        [sys.executable, "-c", KILLED_SAVER, str(vault_files), str(cache_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert saver.stdout is not None
        assert saver.stdout.readline() == "saving\n"
        temporary = [path for path in cache_dir.iterdir() if path.suffix == ".tmp"]
        assert len(temporary) == 1
    finally:
        saver.kill()  # SIGKILL: nothing of the save's own cleanup runs
        saver.wait()
    assert temporary[0].exists()
    Vault(vault_files, cache_folder=cache_dir).load()  # the next start
    assert [path.name for path in cache_dir.iterdir() if path.suffix == ".tmp"] == []


KILLED_SAVER = """
import sys, time
from pathlib import Path
from vault_ls.vault.workspace import Vault
vault = Vault(Path(sys.argv[1]), cache_folder=Path(sys.argv[2]))
vault.load()
steps = vault.save_cache_steps()
while not any(path.suffix == ".tmp" for path in Path(sys.argv[2]).glob("*")):
    next(steps)
print("saving", flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize(
    ("variables", "folder"),
    [
        ({"XDG_CACHE_HOME": "xdg"}, "xdg/vault-ls"),
        ({"XDG_CACHE_HOME": "xdg", "VAULT_LS_CACHE_DIR": "own"}, "own"),
        ({}, "home/.cache/vault-ls"),
        ({"XDG_CACHE_HOME": "relative/ignored"}, "home/.cache/vault-ls"),  # the XDG spec
    ],
    ids=["xdg", "own folder", "default", "relative xdg"],
)
def test_the_cache_is_where_the_readme_says(
    tmp_path: Path, vault_files: Path, variables: dict[str, str], folder: str
) -> None:
    """README: ``$XDG_CACHE_HOME/vault-ls/`` (``~/.cache/vault-ls/``; ``VAULT_LS_CACHE_DIR``
    overrides). ``XDG_CACHE_HOME=/x`` used to put it at ``/x/<hash>.sqlite``."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in CACHE_VARIABLES}
    env["HOME"] = str(scratch / "home")
    for key, value in variables.items():
        env[key] = value if value.startswith("relative") else str(scratch / value)
    command = [sys.executable, "-m", "vault_ls", "check", str(vault_files)]
    subprocess.run(command, env=env, cwd=scratch, capture_output=True, timeout=60, check=False)
    expected = scratch / folder / NoteCache(vault_files.resolve()).path.name
    written = sorted(path for path in scratch.rglob("*") if path.is_file())
    assert written == [expected]


def test_a_same_size_rewrite_with_its_mtime_put_back_is_parsed_again(vault_files, tmp_path):
    """``cp -p``, ``rsync -t``: same size, same mtime, new content; it was served from the
    cache for ever on b36b671. The ctime (and here the inode) moved."""
    cache_dir = tmp_path / "cache"
    first = Vault(vault_files, cache_folder=cache_dir)
    first.load()
    first.save_cache()
    target = vault_files / "B.md"
    before = target.stat()
    replacement = tmp_path / "B — copy.md"
    replacement.write_bytes(target.read_bytes().replace(b"Part", b"Trap"))
    assert replacement.stat().st_size == before.st_size
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    subprocess.run(["cp", "-p", str(replacement), str(target)], check=True)
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    )
    second = Vault(vault_files, cache_folder=cache_dir)
    second.load()
    assert [h.text for h in second.index.notes["B.md"].headings][1:] == ["Trap"]
