"""The editor layer is explicit: VAULT_LS_SKIP_EDITORS=1 skips every real-editor test cleanly
(no editor starts, the run passes) and says so in one line. Not itself an editor test."""

from __future__ import annotations

import os
import subprocess
import sys

from editor_support import REPO


def test_skip_editors_switch_skips_the_editor_tests_and_says_so() -> None:
    env = dict(os.environ, VAULT_LS_SKIP_EDITORS="1")
    files = ["tests/editors/test_neovim.py", "tests/editors/test_emacs.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *files],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    lines = proc.stdout.splitlines()
    summary = lines[-1]
    assert " skipped" in summary and "passed" not in summary and "failed" not in summary, summary
    count = int(summary.split()[0])
    assert count > 20, summary  # every test of both files, not a few
    assert (
        f"{count} editor tests skipped (VAULT_LS_SKIP_EDITORS=1: the real-editor tests are "
        "switched off; unset it, or run scripts/install-editors, to drive Neovim, Emacs and "
        "VS Code)"
    ) in lines
