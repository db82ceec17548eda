"""How many processes parse a cold vault: the ``parseWorkers`` setting when given (0: the server
parses alone), else one per core the process may run on, none on a single core (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.safety.test_faults import needs_workers, worker_pids
from tests.vault.test_parallel_load import write_vault

from vault_ls.vault import loader


@needs_workers
@pytest.mark.parametrize("asked", [0, 1, 3])
def test_the_parse_workers_asked_for_parse_the_vault(tmp_path: Path, asked: int) -> None:
    root = tmp_path / "vault"
    write_vault(root, loader.PARALLEL_FROM)
    paths = sorted(str(p.relative_to(root)) for p in root.rglob("*.md"))
    parsed = loader.parse_many(root, paths, files=(paths, []), workers_asked=asked)
    first = next(parsed)
    assert len(worker_pids(os.getpid())) == asked
    rest = [first, *parsed]
    assert [path for path, *_ in rest] == paths
    # workers resolve the links of what they parse; this process leaves them unresolved
    assert all((facts is None) == (asked == 0) for *_, facts in rest)
    assert worker_pids(os.getpid()) == []


@needs_workers
def test_one_worker_per_core_this_process_may_use_and_none_on_one_core() -> None:
    def count_with_cores(cores: set[int]) -> int:
        script = (
            "import os, sys; os.sched_setaffinity(0, {cores}); "
            "from vault_ls.vault.loader import worker_count; print(worker_count(None))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script.format(cores=cores)],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout)

    every = os.sched_getaffinity(0)
    assert count_with_cores({min(every)}) == 0
    assert count_with_cores(every) == len(every)
    assert loader.worker_count(5) == 5
    assert loader.worker_count(0) == 0
