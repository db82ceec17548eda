"""Latency of the plugin backend's heavy methods, in process, on a generated vault: no server.

    python bench/backend.py bench/vaults/10k [--samples 50] [--warm]

Loads the vault as the command line does, takes a snapshot as the session does, then times
``vault/unlinkedMentions`` (building its phrase index first, then the hub note, a note whose
alias is made of common words, and a sample of notes), ``vault/graph`` of the whole vault and
the local graph of the hub and of a sample of notes, and the references of the hub. Prints
p50/p99/max in milliseconds and the load average, since the figures mean little without it.
``--warm`` loads the vault twice, the second time from the cache the first one saved (in a
temporary folder), as a server's warm start does, and prints how many bodies the first whole
graph decoded.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def p99(values: list[float]) -> float:
    """The 99th percentile of sorted ``values`` (their maximum below 100 values)."""
    return values[min(len(values) - 1, round(len(values) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("vault", type=Path)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["mentions", "graph", "references"])
    parser.add_argument("--warm", action="store_true", help="load from the cache (see above)")
    args = parser.parse_args()

    from vault_ls.idle_gc import IdleCollector
    from vault_ls.vault import fs

    IdleCollector().start()  # the server's collector thresholds (it has no idle moments here)
    from vault_ls.vault.snapshot import Snapshot
    from vault_ls.vault.workspace import Vault

    with tempfile.TemporaryDirectory() as cache:
        if args.warm:
            cold = Vault(args.vault, cache_folder=Path(cache))
            cold.load()
            cold.save_cache()
            del cold
            gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        vault = Vault(args.vault, use_cache=args.warm, cache_folder=Path(cache))
        vault.load()
    root = vault.root
    print(
        f"indexed {len(vault.index)} notes {'from the cache ' if args.warm else ''}in "
        f"{time.perf_counter() - started:.2f} s, cpu {time.process_time() - started_cpu:.2f} s"
        f" ({load()})"
    )

    def snapshot() -> Snapshot:  # as the session makes it
        read_inside = fs.reader_inside(root)
        return Snapshot(
            root,
            vault.index,
            {},
            lambda path: read_inside(path)[0],
            loaded=True,
            alone=False,
            version=vault.index.version,
        )

    def timed(label: str, work: Callable[[], Any], times: int = 1) -> list[float]:
        spent, cpu = [], []
        for _ in range(times):
            begun, begun_cpu = time.perf_counter(), time.process_time()
            work()
            spent.append((time.perf_counter() - begun) * 1000)
            cpu.append((time.process_time() - begun_cpu) * 1000)
        spent.sort()
        cpu.sort()
        print(
            f"{label:44} n={len(spent):3} p50 {statistics.median(spent):8.1f} ms"
            f"  p99 {p99(spent):8.1f} ms  max {spent[-1]:8.1f} ms"
            f"  cpu p50 {statistics.median(cpu):8.1f} p99 {p99(cpu):8.1f} ms  ({load()})"
        )
        return spent

    picker = random.Random(args.seed)
    sample = picker.sample(sorted(vault.index.notes), args.samples)
    common = next(
        (n.path for n in vault.index if any(a == "Global Apple" for a in n.aliases)), "Hub.md"
    )

    if args.only in (None, "mentions"):
        measure_mentions(args, sample, common, snapshot, timed)
    if args.only in (None, "graph"):
        measure_graph(sample, snapshot, timed)
    if args.only in (None, "references"):
        measure_references(snapshot, timed)
    return 0


def measure_mentions(args: Any, sample: list[str], common: str, snapshot: Any, timed: Any) -> None:
    from vault_ls.features import mentions
    from vault_ls.features.convert import Encoder

    def mentions_of(path: str) -> Any:
        current = snapshot()
        return mentions.unlinked_mentions(current, path, Encoder(current))

    begun, begun_cpu = time.perf_counter(), time.process_time()
    timed(
        "unlinkedMentions: word index, on the loop", lambda: mentions.mention_index_for(snapshot())
    )
    thread = getattr(mentions.mention_index_for(snapshot()), "_building", None)
    if thread is not None:  # read in a thread (the request answers "still reading" meanwhile)
        thread.join()
        print(
            f"{'unlinkedMentions: word index, in its thread':44} "
            f"{time.perf_counter() - begun:.1f} s, cpu {time.process_time() - begun_cpu:.1f} s"
            f" ({load()})"
        )
        timed(
            "unlinkedMentions: taking it in, on the loop",
            lambda: mentions.mention_index_for(snapshot()),
        )
    timed("unlinkedMentions: Hub (Hub, Piano Ivory)", lambda: mentions_of("Hub.md"), 5)
    timed(f"unlinkedMentions: {Path(common).stem[:20]}", lambda: mentions_of(common), 5)
    paths = iter(sample * 2)
    timed("unlinkedMentions: sample of notes", lambda: mentions_of(next(paths)), len(sample))


def measure_graph(sample: list[str], snapshot: Any, timed: Any) -> None:
    from vault_ls.features import graph
    from vault_ls.features.convert import Encoder

    def graph_of(path: str | None) -> Any:
        current = snapshot()
        return graph.graph(current, Encoder(current), path)

    from vault_ls.vault import lazy_notes

    decode, decoded = lazy_notes._decode, 0

    def counted(*args: Any) -> Any:  # the bodies the first graph decodes, counted
        nonlocal decoded
        decoded += 1
        return decode(*args)

    lazy_notes._decode = counted  # type: ignore[assignment]
    timed("graph: whole vault, first request", lambda: graph_of(None))
    lazy_notes._decode = decode
    print(f"{'  bodies it decoded':44} {decoded}")
    timed("graph: whole vault", lambda: graph_of(None), 5)
    timed(
        "graph: whole vault, attachments + missing",
        lambda: graph.graph(snapshot(), Encoder(snapshot()), None, 1, True, True),
        3,
    )
    timed("graph: local, Hub (5,000 backlinks)", lambda: graph_of("Hub.md"), 10)
    timed("graph: local, Hub, + json.dumps", lambda: json.dumps(graph_of("Hub.md")), 10)
    paths = iter(sample * 2)
    timed("graph: local, sample of notes", lambda: graph_of(next(paths)), len(sample))
    paths = iter(sample * 2)
    timed(
        "graph: local, sample of notes, + json.dumps",
        lambda: json.dumps(graph_of(next(paths))),
        len(sample),
    )


def measure_references(snapshot: Any, timed: Any) -> None:
    """``textDocument/references`` on the hub's title (its 5,000 backlinks), and the answer
    turned into JSON-ready data as pygls does."""
    from pygls.protocol import default_converter

    from vault_ls.features import references
    from vault_ls.features.convert import Encoder
    from vault_ls.vault.positions import Position

    converter = default_converter()

    def hub() -> Any:
        current = snapshot()
        found = references.references(current, "Hub.md", Position(0, 0), Encoder(current))
        return converter.unstructure(found)

    timed("references: Hub, first", hub)
    timed("references: Hub, repeat", hub, 5)


if __name__ == "__main__":
    sys.exit(main())
