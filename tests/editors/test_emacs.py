"""Emacs 28 + Eglot 1.9 (Debian, batch mode) with editors/emacs/vault-ls.el, real server.

emacs runs tests/editors/emacs_test.el: opens a note, starts eglot the way ``M-x eglot`` guesses
it from ``eglot-server-programs``, and checks flymake diagnostics, hover, ``xref-find-definitions``
and ``completion-at-point``.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from editor_support import (
    ALPHA,
    EDITORS,
    need_binary,
    scratch_env,
    server_command,
    write_vault,
)

pytestmark = pytest.mark.editor

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def emacs_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    emacs = need_binary("emacs")
    if not Path("/usr/share/emacs/site-lisp/elpa").is_dir() or not list(
        Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")
    ):
        pytest.skip("eglot (Debian elpa-eglot) is not installed (run scripts/install-editors)")
    tmp = tmp_path_factory.mktemp("emacs")
    vault = write_vault(tmp / "My vault")
    env = scratch_env(tmp)
    out = tmp / "result.json"
    params = {
        "vault": str(vault.root),
        "vault_ls_el": str(EDITORS / "emacs" / "vault-ls.el"),
        "cmd": server_command(),
        "out": str(out),
        "timeout": 20,
        "hover_needle": "[[Deep Work",
        "definition_needle": f"[[{ALPHA}#",
        "typed": "[[Alph",
    }
    (tmp / "params.json").write_text(json.dumps(params), encoding="utf-8")
    env["VAULT_LS_EMACS_TEST"] = str(tmp / "params.json")
    t0 = time.monotonic()
    proc = subprocess.run(
        [emacs, "-Q", "--batch", "-l", str(HERE / "emacs_test.el")],
        env=env,
        cwd=vault.root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results["_seconds"] = round(time.monotonic() - t0, 2)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    print(proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    results["_vault"] = vault
    return results


def _ok(results: dict, step: str) -> None:
    assert results.get(f"{step}_ok") is True, results.get("errors")


def test_eglot_starts_vault_ls_for_the_vault(emacs_results: dict) -> None:
    _ok(emacs_results, "setup")
    _ok(emacs_results, "attach")
    assert emacs_results["server_class"] == "vault-ls-server"
    assert Path(emacs_results["root"]) == emacs_results["_vault"].root


def test_flymake_shows_the_broken_link(emacs_results: dict) -> None:
    _ok(emacs_results, "diagnostics")
    diags = emacs_results["diagnostics"]
    broken = [d for d in diags if "Missing note" in d["text"]]
    assert broken, diags
    assert broken[0]["line"] == 4
    assert broken[0]["type"] == "eglot-error"  # vault-ls-settings reached the server
    assert not [d for d in diags if d["line"] in (3, 5)], diags


def test_hover_shows_the_metadata(emacs_results: dict) -> None:
    _ok(emacs_results, "hover")
    hover = emacs_results["hover"]
    for text in ("Deep Work", "Someone", "Deep Work: Rules for Focused Success", "example.com"):
        assert text in hover, hover


def test_xref_definition_jumps_to_the_heading(emacs_results: dict) -> None:
    _ok(emacs_results, "definition")
    vault = emacs_results["_vault"]
    assert Path(emacs_results["definition"]["file"]) == vault.alpha
    assert emacs_results["definition"]["line"] == vault.section_line + 1
    assert any("Nowhere to be found" in d for d in emacs_results["definition_diagnostics"])


def test_completion_at_point_inserts_the_link(emacs_results: dict) -> None:
    _ok(emacs_results, "completion")
    assert ALPHA in emacs_results["candidates"], emacs_results["candidates"]
    assert emacs_results["completion_line"] == f"[[{ALPHA}]]"
