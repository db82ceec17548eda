"""The server's own watch (``watch.Watcher``) on real files with inotify: paths are handed over
after a pause, and a writer that never pauses is not held back forever."""

from __future__ import annotations

import asyncio
from pathlib import Path

from vault_ls.watch import LONGEST_WAIT_SECONDS, QUIET_SECONDS, Watcher


async def test_a_writer_that_never_pauses_is_handed_over_within_the_longest_wait(
    tmp_path: Path,
) -> None:
    """Until this test the quiet window restarted on every event: a sync writing every 50 ms
    held every change back until it stopped (here 3 s)."""
    loop = asyncio.get_running_loop()
    handed: list[tuple[float, list[str]]] = []
    watcher = Watcher(loop, lambda paths: handed.append((loop.time(), paths)), lambda _: None)
    try:
        watcher.watch(tmp_path)
        await asyncio.sleep(0.2)
        began = loop.time()
        note = tmp_path / "Sync — 同期.md"
        while loop.time() - began < 3 * LONGEST_WAIT_SECONDS:
            note.write_text(f"# {loop.time()}\n", encoding="utf-8")
            await asyncio.sleep(QUIET_SECONDS / 2)
        await asyncio.sleep(2 * QUIET_SECONDS)
    finally:
        watcher.stop()
    assert handed, "nothing was handed over"
    assert handed[0][0] - began < LONGEST_WAIT_SECONDS + 0.5  # the first, not after the writer
    assert len(handed) >= 3
    assert all(paths == [str(note)] for _, paths in handed)
