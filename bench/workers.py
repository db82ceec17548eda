"""How a cold index scales with parse workers and cores: ``Vault.load`` (no cache) in a fresh
process pinned to the first C cores (``os.sched_setaffinity``, as ``taskset`` does), with W
workers (the ``parseWorkers`` setting), for each (C, W) asked.

    python bench/workers.py bench/vaults/10k --cores 1 2 --workers 0 1 2 [--repeat 2]

Per run: wall seconds of the load, CPU seconds of the loading process (the scan, the answers
taken in, the index) and of its workers (their parse), and the load average. The model the
README states is fitted from these: wall = serial + parallel / min(W, C), where serial is the
loading process's CPU and parallel the workers' CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, os, resource, sys, tempfile, time
from pathlib import Path
os.sched_setaffinity(0, set(json.loads(sys.argv[2])))
from vault_ls.vault.workspace import Vault
root, workers = Path(sys.argv[1]), json.loads(sys.argv[3])
vault = Vault(root, use_cache=False, parse_workers=workers)
started, cpu = time.perf_counter(), time.process_time()
vault.load()
wall, own = time.perf_counter() - started, time.process_time() - cpu
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"notes": len(vault.index.notes), "wall": wall, "server_cpu": own,
                  "workers_cpu": children.ru_utime + children.ru_stime}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("vault", type=Path)
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    available = sorted(os.sched_getaffinity(0))
    rows = []
    print("| cores | workers | wall s | loading process CPU s | workers CPU s | load (1 min) |")
    print("|---|---|---|---|---|---|")
    for _ in range(args.repeat):
        for cores in args.cores:
            if cores > len(available):
                continue
            for workers in args.workers:
                load = os.getloadavg()[0]
                done = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        CHILD,
                        str(args.vault.resolve()),
                        json.dumps(available[:cores]),
                        json.dumps(workers),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                row = {"cores": cores, "workers": workers, "load": load}
                row.update(json.loads(done.stdout))
                rows.append(row)
                print(
                    f"| {cores} | {workers} | {row['wall']:.2f} | {row['server_cpu']:.2f} "
                    f"| {row['workers_cpu']:.2f} | {load:.1f} |",
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
