"""A session that ends while the cache is being saved still leaves the next start a cache."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.safety.test_wire import Wire
from vault_ls.generated_code import GeneratedCode
from vault_ls.vault.cache import NoteCache

NOTES = 1500  # enough for a save of several steps (and worker processes for the parse)


def write_notes(root: Path) -> Path:
    for number in range(NOTES):
        folder = root / f"Folder {number % 7} — ü"
        folder.mkdir(parents=True, exist_ok=True)
        text = f"# Note {number}\n\n[[Note {(number * 7) % NOTES}#Note {(number * 7) % NOTES}]]\n"
        (folder / f"Note {number}.md").write_text(text, encoding="utf-8")
    return root


async def test_exit_right_after_indexing_still_saves_the_cache(tmp_path: Path) -> None:
    root = write_notes(tmp_path / "vault")
    cache_dir = tmp_path / "cache"
    env = {**os.environ, "VAULT_LS_CACHE_DIR": str(cache_dir)}
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "vault_ls"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
        wire = Wire(process, root, stderr_path)
        try:
            await wire.initialize()  # returns on "Indexed ... notes": the save starts then
            await wire.call("shutdown")
            await wire.notify("exit")
            assert await wire.exit_code() == 0
        finally:
            await wire.close()
    saved = NoteCache(root.resolve(), cache_dir)
    assert len(saved.load()) == NOTES
    # no temporary file left behind: the notes, and the code generated for the protocol's types
    assert sorted(cache_dir.iterdir()) == sorted([saved.path, GeneratedCode(cache_dir).path])
