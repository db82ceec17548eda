"""Stalls at scale (issue 13, item 7): the real server over stdio on a vault of many tiny notes.

    python bench/scale.py                          # 100,000 notes in bench/vaults/scale-100k
    python bench/scale.py --notes 30000 --json bench/results/scale-30k.json

Each note is ten bytes (``ten bytes\\n``) under a name of two words and a number, in 100 folders,
so the figures are the index's and the name tables' costs, not the parser's. Measured:

* cold start (cache wiped) and warm start (cache kept): spawn to the end of the indexing
  progress, and the server's resident memory after it;
* ``[[a`` (one letter) and ``[[ala`` completion in an open note;
* completion right after an edit of the open note's H1 (its title changes);
* 1,000 files deleted on disk and reported in one ``didChangeWatchedFiles``: the time until the
  next ``documentSymbol`` answers (the server is blocked meanwhile), and per delete;
* requests while events arrive: a file created or deleted every 20 ms while completions and
  document symbols are asked every 50 ms; the slowest answer.

The machine's load average is recorded with the figures: on a shared machine quote it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import proc_memory
from run import Session, path_to_uri, start_vault_ls, stats

BENCH = Path(__file__).resolve().parent
FOLDERS = 100
BODY = "ten bytes\n"
WORDS = tuple(
    [
        "alpha",
        "amber",
        "anchor",
        "basic",
        "beacon",
        "binary",
        "cedar",
        "cobalt",
        "delta",
        "drift",
        "ember",
        "falcon",
        "garden",
        "harbor",
        "indigo",
        "island",
        "jasper",
        "kernel",
        "lantern",
        "meadow",
        "nectar",
        "orbit",
        "pepper",
        "quartz",
        "river",
        "saddle",
        "timber",
        "umber",
        "velvet",
        "willow",
        "yonder",
        "zephyr",
    ]
)
SCRATCH = "Scratch.md"  # the note kept open; its H1 is what the edits change
DELETES = 1000


def note_path(number: int) -> str:
    word = WORDS[number % len(WORDS)]
    other = WORDS[(number // len(WORDS)) % len(WORDS)]
    return f"f{number % FOLDERS:02d}/{word} {other} {number}.md"


def generate(vault: Path, notes: int) -> None:
    """The vault, written again only when it does not hold exactly these notes."""
    stamp = vault / ".obsidian" / f"scale-{notes}"
    if stamp.exists():  # written before: put back what a run cut short left deleted
        for number in range(notes):
            path = vault / note_path(number)
            if not path.exists():
                path.write_text(BODY, encoding="utf-8")
        return
    shutil.rmtree(vault, ignore_errors=True)
    for folder in range(FOLDERS):
        (vault / f"f{folder:02d}").mkdir(parents=True)
    for number in range(notes):
        (vault / note_path(number)).write_text(BODY, encoding="utf-8")
    (vault / SCRATCH).write_text("# Scratch\n\n\n", encoding="utf-8")
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text("")


TIMEOUT = 600.0  # seconds a request may take: the old server blocked for minutes on a busy machine


async def completion_ms(session: Session, uri: str, line: int, character: int) -> float:
    ms, _ = await session.client.timed(
        "textDocument/completion",
        {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
            "context": {"triggerKind": 1},
        },
        TIMEOUT,
    )
    return ms


async def symbols_ms(session: Session, uri: str) -> float:
    ms, _ = await session.client.timed(
        "textDocument/documentSymbol", {"textDocument": {"uri": uri}}, TIMEOUT
    )
    return ms


async def type_query(session: Session, query: str) -> tuple[str, int, int]:
    """The scratch note's third line becomes ``[[query``; the cursor at its end."""
    doc = session.docs[SCRATCH]
    line = 2
    await session.change(doc, (line, 0), (line, len(doc.lines[line])), f"[[{query}")
    return doc.uri, line, 2 + len(query)


async def measure_session(session: Session, vault: Path, notes: int, samples: int) -> dict:
    figures: dict[str, Any] = {}
    await session.open(SCRATCH)
    doc = session.docs[SCRATCH]
    await symbols_ms(session, doc.uri)  # settled: the open has been handled

    for query in ("a", "ala"):
        uri, line, character = await type_query(session, query)
        await completion_ms(session, uri, line, character)  # tables built
        timings = [await completion_ms(session, uri, line, character) for _ in range(samples)]
        figures[f"completion_{query}_ms"] = stats(timings)

    after_title = []
    for round_ in range(samples):
        await session.change(doc, (0, 0), (0, len(doc.lines[0])), f"# Scratch {round_}")
        uri, line, character = await type_query(session, "ala")
        after_title.append(await completion_ms(session, uri, line, character))
    figures["completion_after_h1_edit_ms"] = stats(after_title)

    # 1,000 deletes in one notification, then the first answer after them
    gone = [note_path(number) for number in range(0, notes, max(1, notes // DELETES))][:DELETES]
    for relative in gone:
        (vault / relative).unlink()
    changes = [{"uri": path_to_uri(vault / relative), "type": 3} for relative in gone]
    started = time.perf_counter()
    await session.client.notify("workspace/didChangeWatchedFiles", {"changes": changes})
    await symbols_ms(session, doc.uri)
    blocked = (time.perf_counter() - started) * 1000
    figures["deletes"] = len(gone)
    figures["deletes_blocked_ms"] = round(blocked, 1)
    figures["per_delete_ms"] = round(blocked / len(gone), 3)
    uri, line, character = await type_query(session, "ala")
    figures["completion_after_deletes_ms"] = round(
        await completion_ms(session, uri, line, character), 1
    )

    # requests while events arrive: the deleted files come back one by one, then go again
    stop = asyncio.Event()

    async def events() -> None:
        rng = random.Random(7)
        sent = 0
        while not stop.is_set():
            relative = rng.choice(gone)
            path = vault / relative
            if path.exists():
                path.unlink()
                kind = 3
            else:
                path.write_text(BODY, encoding="utf-8")
                kind = 1
            change = {"uri": path_to_uri(path), "type": kind}
            await session.client.notify("workspace/didChangeWatchedFiles", {"changes": [change]})
            sent += 1
            await asyncio.sleep(0.02)
        figures["events_sent"] = sent

    flood = asyncio.create_task(events())
    completions, symbols = [], []
    for round_ in range(samples * 2):
        uri, line, character = await type_query(session, "ala" if round_ % 2 else "a")
        completions.append(await completion_ms(session, uri, line, character))
        symbols.append(await symbols_ms(session, doc.uri))
        await asyncio.sleep(0.05)
    stop.set()
    await flood
    figures["while_events_completion_ms"] = stats(completions)
    figures["while_events_symbols_ms"] = stats(symbols)
    for relative in gone:  # the vault as generated, for the next run
        (vault / relative).write_text(BODY, encoding="utf-8")
    return figures


async def start(args: argparse.Namespace, vault: Path, label: str) -> tuple[Session, dict]:
    session, figures = await start_vault_ls(args, vault, label, args.results)
    await asyncio.sleep(0)
    figures["memory_after_index"] = proc_memory(session.client.pid)
    return session, figures


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    vault = args.vault.resolve()
    t0 = time.perf_counter()
    generate(vault, args.notes)
    result: dict[str, Any] = {
        "notes": args.notes,
        "generate_s": round(time.perf_counter() - t0, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": os.getloadavg(),
        },
    }
    shutil.rmtree(args.cache_dir, ignore_errors=True)
    session, cold = await start(args, vault, "scale-cold")
    # the cache is written after indexing; ``exit`` finishes a save cut short
    await session.client.stop(timeout=args.timeout)
    result["cold"] = {key: cold[key] for key in ("index_ms", "memory_after_index")}
    session, warm = await start(args, vault, "scale-warm")
    result["warm"] = {key: warm[key] for key in ("index_ms", "memory_after_index")}
    try:
        result["requests"] = await measure_session(session, vault, args.notes, args.samples)
    finally:
        await session.client.stop(timeout=args.timeout)
    result["machine"]["load_average_after"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--server-cmd", default=None)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    label = f"{args.notes // 1000}k" if args.notes >= 1000 else str(args.notes)
    args.vault = args.vault or BENCH / "vaults" / f"scale-{label}"
    args.results = BENCH / "results"
    args.cache_dir = args.results / f"cache-scale-{label}"
    args.progress_wait = 60.0
    args.stall = 120.0
    result = asyncio.run(main_async(args))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
