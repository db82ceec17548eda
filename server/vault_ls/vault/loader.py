"""Reading and parsing many notes at once: in worker processes when there are enough of them.

markdown-it-py is pure Python, so threads would not help: processes do, one per usable core by
default (``worker_count``; the ``parseWorkers`` setting caps it). Workers (``worker.py``) send
back notes as cache entries (``NoteCache.blob``), which the cache stores as they are, with their
links already resolved: the caller then decodes only each note's head and resolves nothing.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from vault_ls.vault import fs
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.disk_note import parse_from_disk
from vault_ls.vault.index import LinkEnds, LinkFacts, SentFacts
from vault_ls.vault.model import Note

log = logging.getLogger("vault_ls")
PARALLEL_FROM = 400  # notes; below this, starting workers costs more than it saves
CHUNK = 100


class Stopped(Exception):
    """The load was ended by its ``Stop``: the session is over, the index is not needed."""


class Stop:
    """Ends the loads it is given to, from any thread, within moments: their workers are
    killed at once (a read of their answer ends with them) and ``parse_many`` raises
    ``Stopped`` at its next note. For good: a stopped session does not index again."""

    def __init__(self) -> None:
        self.requested = False
        self._workers: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.requested = True
            for worker in self._workers:
                worker.kill()

    def check(self) -> None:
        if self.requested:
            raise Stopped

    def watch(self, workers: list[subprocess.Popen[bytes]]) -> None:
        with self._lock:
            self._workers.update(workers)
            if self.requested:
                for worker in workers:
                    worker.kill()

    def forget(self, workers: list[subprocess.Popen[bytes]]) -> None:
        with self._lock:
            self._workers.difference_update(workers)


Files = tuple[list[str], list[str]]  # (notes, attachments) of a scan
Parsed = tuple[str, Note, bytes, LinkFacts | None]


def parse_many(
    root: Path,
    paths: list[str],
    done: Callable[[int], None] | None = None,
    files: Files | None = None,
    stop: Stop | None = None,
    workers_asked: int | None = None,
) -> Iterator[Parsed]:
    """(path, note, cache entry, its links resolved or None) for every path; ``done`` is told
    each chunk's size. Worker processes (``worker_count(workers_asked)`` of them) resolve the
    links of what they parse against ``files`` (every file of the vault), sparing the caller;
    parsed here, notes come unresolved."""
    stop = stop or Stop()
    chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)]
    count = worker_count(workers_asked)
    workers = _start_workers(count) if len(paths) >= PARALLEL_FROM and count else []
    if not workers:
        read = fs.reader_inside(root)
        for chunk in chunks:
            for relative in chunk:
                stop.check()
                note = parse_from_disk(root, relative, read=read)
                yield relative, note, NoteCache.blob(note), None
            if done:
                done(len(chunk))
        return
    stop.watch(workers)
    try:
        yield from _parse_in(workers, root, chunks, done, files, stop)
    finally:
        stop.forget(workers)
        for worker in workers:
            worker.kill()
            worker.wait()


def worker_count(asked: int | None) -> int:
    """How many parse workers: ``asked`` (0: parse in this process), else one per core this
    process may run on (``taskset`` and cgroup cpusets count), and none on a single core, where
    a worker would only add its start to the same core's work."""
    if asked is not None:
        return max(0, asked)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return usable if usable and usable >= 2 else 0


def _start_workers(count: int) -> list[subprocess.Popen[bytes]]:
    """Separate interpreters (not multiprocessing): nothing of the caller is re-imported or
    forked, so a threaded server or a script without a ``__main__`` guard is safe."""
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([package_parent, os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "vault_ls.vault.worker"]
    try:
        return [
            subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
            for _ in range(count)
        ]
    except OSError:
        return []


def _parse_in(
    workers: list[subprocess.Popen[bytes]],
    root: Path,
    chunks: list[list[str]],
    done: Callable[[int], None] | None,
    files: Files | None,
    stop: Stop,
) -> Iterator[Parsed]:
    """One chunk in flight per worker; answers are read in the order chunks were sent. A
    worker that dies (a crash, the OOM killer) is dropped: its chunk is parsed here, the rest
    goes to the workers left, or is parsed here when none is."""
    pending: deque[tuple[subprocess.Popen[bytes], list[str]]] = deque()
    queue = deque(chunks)
    told: set[int] = set()  # workers that were sent ``files`` (with their first job)

    def send(worker: subprocess.Popen[bytes]) -> None:
        assert worker.stdin is not None
        chunk = queue.popleft() if queue else None
        job = None if chunk is None else (str(root), chunk, None if worker.pid in told else files)
        try:
            pickle.dump(job, worker.stdin, pickle.HIGHEST_PROTOCOL)
            worker.stdin.flush()
        except OSError:  # BrokenPipeError: it died before reading
            if chunk is not None:
                queue.appendleft(chunk)
                _lost(worker, stop)
            return
        if chunk is not None:
            told.add(worker.pid)
            pending.append((worker, chunk))

    for worker in workers:
        send(worker)
    while pending or queue:
        stop.check()
        answer: list[tuple[str, bytes, SentFacts | None]] = []
        if pending:
            worker, chunk = pending.popleft()
            assert worker.stdout is not None
            try:
                answer = pickle.load(worker.stdout)
            except Exception:  # EOFError, or an answer cut short: it died while parsing
                _lost(worker, stop)
            else:
                send(worker)
        else:  # every worker died
            chunk = queue.popleft()
        parsed = {relative: (blob, sent) for relative, blob, sent in answer}
        for relative in chunk:
            stop.check()
            blob, sent = parsed.get(relative, (None, None))
            facts = None if sent is None or files is None else named(sent, files)
            note = NoteCache.note(root, relative, blob) if blob is not None else None
            if note is None or blob is None:
                note = parse_from_disk(root, relative)
                blob, facts = NoteCache.blob(note), None
            yield relative, note, blob, facts
        if done:
            done(len(chunk))


def named(sent: SentFacts, files: Files) -> LinkFacts:
    """A worker's ``sent`` facts (``worker.numbered``), each file named by the string ``files``
    holds for it."""
    names, notes, others, missing, tags = sent
    notes_count = len(files[0])

    def path(file: int | str) -> str:
        if isinstance(file, str):
            return file
        return files[0][file] if file < notes_count else files[1][file - notes_count]

    return names, LinkEnds(
        {path(file): links for file, links in notes.items()},
        {path(file): links for file, links in others.items()},
        missing,
        tags,
    )


def _lost(worker: subprocess.Popen[bytes], stop: Stop) -> None:
    stop.check()  # killed by the stop: not lost, and nothing is to be parsed again
    worker.kill()  # it may only have closed its pipes
    code = worker.wait()
    log.warning(
        "a parse worker (pid %d) ended unexpectedly (exit code %d); its notes are parsed "
        "again without it",
        worker.pid,
        code,
    )
