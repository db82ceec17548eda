"""Full garbage collections while the server is idle, not in the middle of a request.

CPython runs a full collection after every ten young ones, whatever the process is doing. A
full collection walks every object not frozen (decoded note bodies, completion tables, open
documents): 60-590 ms at 10,000 notes, and the requests queued behind one were the slowest of
a benchmark run (hover p99 21 ms against a median of 5 ms). Here full collections wait for a
quiet moment: one runs once no message has come for ``IDLE_SECONDS``, when young collections
have moved objects on since the last; the automatic ones come ten times more rarely, so that a
client that never pauses still has its garbage collected.
"""

from __future__ import annotations

import asyncio
import gc
import time

IDLE_SECONDS = 1.0
YOUNG_COLLECTIONS_PER_FULL = 100  # CPython's default: 10


class IdleCollector:
    def __init__(self) -> None:
        self._last_message = time.monotonic()
        self._timer: asyncio.TimerHandle | None = None
        self.collections = 0  # full collections run here, for the tests

    def start(self) -> None:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, YOUNG_COLLECTIONS_PER_FULL)

    def message_seen(self) -> None:
        """Called for every message: the idle collection waits for the next quiet moment."""
        self._last_message = time.monotonic()
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._when_idle)

    def _when_idle(self) -> None:
        quiet = time.monotonic() - self._last_message
        if quiet < IDLE_SECONDS:  # a message came meanwhile: wait from that one on
            self._timer = asyncio.get_running_loop().call_later(
                IDLE_SECONDS - quiet, self._when_idle
            )
            return
        self._timer = None
        if gc.isenabled() and gc.get_count()[2] > 0:  # young collections since the last full
            gc.collect()
            self.collections += 1
