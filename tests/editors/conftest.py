"""The real-editor layer can be switched off: with VAULT_LS_SKIP_EDITORS=1 (the switch
scripts/test and scripts/install-editors read) every test marked ``editor`` is skipped before
any editor starts, with that reason, and the run ends with one line saying so."""

from __future__ import annotations

import os

import pytest

SKIP_EDITORS = os.environ.get("VAULT_LS_SKIP_EDITORS") == "1"
SKIP_REASON = "VAULT_LS_SKIP_EDITORS=1: the real-editor tests are switched off"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SKIP_EDITORS:
        return
    for item in items:
        if item.get_closest_marker("editor"):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not SKIP_EDITORS:
        return
    skipped = [
        r for r in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(r.longrepr)
    ]
    terminalreporter.write_line(
        f"{len(skipped)} editor tests skipped ({SKIP_REASON}; unset it, or run "
        "scripts/install-editors, to drive Neovim, Emacs and VS Code)"
    )
