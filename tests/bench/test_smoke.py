"""The benchmark's smoke mode: a generated 1k-note vault, correctness checks only (no timings).

Runs ``bench/run.py --smoke`` as a subprocess, the way a person runs it; it starts the real server
over stdio, so it is marked slow-ish but stays under a minute.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("vault_ls.server") is None,
    reason="vault_ls.server does not exist yet: nothing to drive over stdio",
)


def test_bench_smoke(tmp_path: Path) -> None:
    vault = tmp_path / "smoke-1k"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--smoke",
            "--vault",
            str(vault),
            "--results",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "FAIL" not in proc.stdout
