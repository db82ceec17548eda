"""Latency of ``textDocument/codeAction`` (quick fixes and the note's fix-all), in process, on a
generated vault: no server.

    python bench/code_actions.py bench/vaults/10k [--samples 200]

Loads the vault as the command line does, takes a snapshot as the session does, then times,
for a sample of notes that have problems: the actions for the line of each problem (what an
editor asks when the cursor rests there) and the whole note's actions with its fix-all (what
"Fix all" asks). Prints p50/p99/max in milliseconds of wall time and of this process's CPU time
(on a shared machine the wall time also counts waiting for a core), and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("vault", type=Path)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from vault_ls.features import quick_fixes
    from vault_ls.features.convert import Encoder
    from vault_ls.features.diagnostics import shown_problems
    from vault_ls.vault import fs
    from vault_ls.vault.positions import Range
    from vault_ls.vault.snapshot import Snapshot
    from vault_ls.vault.workspace import Vault

    started = time.perf_counter()
    vault = Vault(args.vault, use_cache=False)
    vault.load()
    root = vault.root
    print(f"indexed {len(vault.index)} notes in {time.perf_counter() - started:.1f} s ({load()})")

    def snapshot() -> Snapshot:
        return Snapshot(
            root,
            vault.index,
            {},
            lambda path: fs.read_inside(root, path)[0],
            loaded=True,
            alone=False,
            version=vault.index.version,
        )

    options = quick_fixes.Options()
    picker = random.Random(args.seed)
    with_problems = [p for p in sorted(vault.index.notes) if shown_problems(snapshot(), p)]
    sample = picker.sample(with_problems, min(args.samples, len(with_problems)))
    line_times: list[float] = []
    note_times: list[float] = []
    line_cpu: list[float] = []
    note_cpu: list[float] = []
    for path in sample:
        view = snapshot()
        for problem, _ in shown_problems(view, path):
            line = problem.range.start.line
            begun, cpu = time.perf_counter(), time.process_time()
            quick_fixes.code_actions(
                view,
                path,
                Range.of(line, 0, line, 0),
                [],
                Encoder(view),
                {},
                options,
                invoked=False,
            )
            line_times.append((time.perf_counter() - begun) * 1000)
            line_cpu.append((time.process_time() - cpu) * 1000)
        begun, cpu = time.perf_counter(), time.process_time()
        quick_fixes.code_actions(
            view, path, Range.of(0, 0, 1 << 30, 0), [], Encoder(view), {}, options
        )
        note_times.append((time.perf_counter() - begun) * 1000)
        note_cpu.append((time.process_time() - cpu) * 1000)
    print(f"first call {line_times[0]:.1f} ms (CPU {line_cpu[0]:.1f} ms)")
    for label, spent in (
        ("a problem's line", line_times),
        ("  (CPU)", line_cpu),
        ("a whole note + fix-all", note_times),
        ("  (CPU)", note_cpu),
    ):
        spent.sort()
        p99 = spent[min(len(spent) - 1, round(len(spent) * 0.99))]
        print(
            f"{label:28} n={len(spent):4} p50 {statistics.median(spent):7.1f} ms"
            f"  p99 {p99:7.1f} ms  max {spent[-1]:7.1f} ms  ({load()})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
