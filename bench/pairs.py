"""Start figures of vault-ls and the peer side by side, in alternating pairs, as a Markdown table.

    python bench/pairs.py ../shared/corpora/* bench/vaults/10k --pairs 3

Each pair is one ``run.py --index-only`` run on one vault: vault-ls cold and warm, then the peer
cold, so the two servers alternate and meet the same load. Vaults are taken in turn within a pair
round (round 1 of every vault, then round 2, ...). The table holds medians over the pairs, the
fast-path coverage and the 1-minute load average seen at the start and end of the runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

HEADER = (
    "| vault | notes | MB | fast path | vault-ls cold | vault-ls warm | peer cold "
    "| peer / vault-ls | CPU s tree / peer + helper | peak RSS tree / peer "
    "| load (1 min) | pairs |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def get(d: Any, *keys: str) -> Any:
    for k in keys:
        d = d.get(k) if isinstance(d, dict) else None
    return d


def median(values: list[Any]) -> float | None:
    numbers = [v for v in values if isinstance(v, int | float)]
    return statistics.median(numbers) if numbers else None


def seconds(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.2f} s"


def row(runs: list[dict[str, Any]]) -> str:
    first = runs[0]
    cold = median([get(r, "vault_ls", "cold", "index_ms") for r in runs])
    warm = median([get(r, "vault_ls", "warm", "index_ms") for r in runs])
    peer = median([get(r, "peer", "index_ms") for r in runs])
    tree = median(
        [get(r, "vault_ls", "cold", "with_workers_to_index", "peak_tree_rss_mib") for r in runs]
    )
    cpu = median(
        [get(r, "vault_ls", "cold", "with_workers_to_index", "tree_cpu_seconds") for r in runs]
    )
    peer_cpu = median(
        [
            (get(r, "peer", "cpu_seconds_to_index") or 0)
            + (get(r, "peer", "client_cpu_seconds_to_index", "tokenizer_helper") or 0)
            for r in runs
        ]
    )
    peer_rss = median([get(r, "peer", "memory_after_index", "peak_rss_mib") for r in runs])
    loads = [
        load[0]
        for r in runs
        for load in (get(r, "machine", "loadavg_at_start"), get(r, "machine", "loadavg_at_end"))
        if load
    ]
    cov = first.get("fast_path_coverage", {})
    ratio = f"{peer / cold:.2f}×" if cold and peer else "-"
    rss = f"{tree:.0f} / {peer_rss:.0f} MiB" if tree and peer_rss else "-"
    load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "-"
    return (
        f"| {Path(first['vault']).name} | {first['notes']} | {first['vault_bytes'] / 1e6:.1f} "
        f"| {cov.get('share', 0):.0%} | {seconds(cold)} | {seconds(warm)} | {seconds(peer)} "
        f"| {ratio} | {cpu or 0:.1f} / {peer_cpu or 0:.1f} | {rss} | {load} | {len(runs)} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vaults", nargs="+", type=Path)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--results", type=Path, default=BENCH / "results" / "pairs")
    parser.add_argument(
        "--table-only", action="store_true", help="tabulate the JSON of earlier pairs, run nothing"
    )
    args = parser.parse_args(argv)
    vaults = [v for v in args.vaults if v.is_dir()]
    runs: dict[Path, list[dict[str, Any]]] = {v: [] for v in vaults}
    for n in range(1, args.pairs + 1):
        for vault in vaults:
            out = args.results / f"{vault.name}-{n}.json"
            if args.table_only:
                if out.exists():
                    runs[vault].append(json.loads(out.read_text(encoding="utf-8")))
                continue
            print(f"pair {n}: {vault}", flush=True)
            run = [sys.executable, str(BENCH / "run.py"), "--vault", str(vault), "--index-only"]
            subprocess.run([*run, "--results", str(args.results), "--json", str(out)], check=True)
            runs[vault].append(json.loads(out.read_text(encoding="utf-8")))
            print(HEADER, row(runs[vault]), sep="\n", flush=True)
    print("\n" + HEADER)
    for vault in vaults:
        if runs[vault]:
            print(row(runs[vault]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
