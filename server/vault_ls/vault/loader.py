"""Reading and parsing many notes at once: in worker processes when there are enough of them.

markdown-it-py is pure Python, so threads would not help; two processes parse a large vault
about 1.8x faster. Workers send back pickled notes, which the cache stores as they are.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from vault_ls.vault import fs
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.model import Note
from vault_ls.vault.parse import parse_note

PARALLEL_FROM = 400  # notes; below this, starting workers costs more than it saves
CHUNK = 100


def stamp(path: Path) -> tuple[int, int]:
    """(size, modification time in ns): what the cache compares; (-1, -1) when unreadable."""
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_size, status.st_mtime_ns)


def parse_from_disk(root: Path, relative: str) -> Note:
    text, problem = fs.read_note(root / relative)
    note = parse_note(relative, text)
    note.decode_error = problem
    return note


def _parse_chunk(job: tuple[str, list[str]]) -> list[tuple[str, bytes]]:
    root, paths = Path(job[0]), job[1]
    return [(relative, NoteCache.blob(parse_from_disk(root, relative))) for relative in paths]


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where it exists: workers fork from a small clean process that has the parser
    imported, so they start fast, and never from the server itself, whose threads (the event
    loop, the indexing thread) could hold a lock at the moment of a plain fork."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["vault_ls.vault.loader"])
        return context
    return multiprocessing.get_context("spawn")


def parse_many(
    root: Path, paths: list[str], done: Callable[[int], None] | None = None
) -> Iterator[tuple[str, Note, bytes]]:
    """(path, note, pickled note) for every path, in order; ``done`` is told each chunk's size."""
    workers = min(2, os.cpu_count() or 1)
    if len(paths) < PARALLEL_FROM or workers < 2:
        for start in range(0, len(paths), CHUNK):
            for relative in paths[start : start + CHUNK]:
                note = parse_from_disk(root, relative)
                yield relative, note, NoteCache.blob(note)
            if done:
                done(len(paths[start : start + CHUNK]))
        return
    context = _context()
    jobs = [(str(root), paths[start : start + CHUNK]) for start in range(0, len(paths), CHUNK)]
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for results in pool.map(_parse_chunk, jobs):
            for relative, blob in results:
                parsed = NoteCache.note(blob)
                if parsed is not None:
                    yield relative, parsed, blob
            if done:
                done(len(results))
