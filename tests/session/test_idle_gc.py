"""Full garbage collections wait for a quiet moment (``vault_ls.idle_gc``): real collector,
real event loop, real cycles of garbage."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from vault_ls.idle_gc import IDLE_SECONDS, YOUNG_COLLECTIONS_PER_FULL, IdleCollector


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle_in_the_old_generation() -> weakref.ref[Node]:
    """A cycle that young collections move to the oldest generation before it is dropped:
    only a full collection frees it."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    gc.collect(1)  # both survive into the oldest generation
    found = weakref.ref(first)
    del first, second
    return found


@pytest.fixture
def thresholds() -> Iterator[None]:
    kept = gc.get_threshold()
    yield
    gc.set_threshold(*kept)


async def test_a_full_collection_runs_once_the_messages_stop(thresholds: None) -> None:
    collector = IdleCollector()
    collector.start()
    assert gc.get_threshold()[2] == YOUNG_COLLECTIONS_PER_FULL
    garbage = cycle_in_the_old_generation()
    for _ in range(int(3 * IDLE_SECONDS / 0.25)):  # a client that keeps talking
        collector.message_seen()
        gc.collect(1)  # young collections, as allocations would run them
        await asyncio.sleep(0.25)
    assert collector.collections == 0
    assert garbage() is not None, "no full collection while messages come"
    await asyncio.sleep(IDLE_SECONDS + 0.5)
    assert collector.collections == 1
    assert garbage() is None


async def test_no_collection_when_nothing_moved_on(thresholds: None) -> None:
    collector = IdleCollector()
    gc.collect()  # nothing left for a full collection to find
    collector.message_seen()
    await asyncio.sleep(IDLE_SECONDS + 0.5)
    assert collector.collections == 0
