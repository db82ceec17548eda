"""The one wikilink grammar on every Python the README allows: Debian 12's Python 3.11.2 compiled
the possessive form (``*+``) but matched nothing with it, so a pipx install found no links."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vault_ls.vault.wikilink import WIKILINK

SERVER = Path(__file__).resolve().parents[2] / "server"
CASES = {
    "see [[Beta — β]] x": "Beta — β",
    "[[Sq]uare]]": "Sq]uare",
    "[[Nested [[Inner]] x]]": "Inner",
    "![[b] c.png]]": "b] c.png",
    "[[a|b]]]": "a|b",
}
PROBE = (
    "import json, sys\n"
    "from vault_ls.vault.wikilink import WIKILINK\n"
    "texts = json.load(sys.stdin)\n"
    "found = {t: (m.group(2) if (m := WIKILINK.search(t)) else None) for t in texts}\n"
    "print(json.dumps(found, ensure_ascii=False))\n"
)


def test_the_grammar_finds_each_link() -> None:
    assert {text: m.group(2) if (m := WIKILINK.search(text)) else None for text in CASES} == CASES


SYSTEM_PYTHONS = [p for p in ("/usr/bin/python3",) if os.path.exists(p)]


@pytest.mark.skipif(not SYSTEM_PYTHONS, reason="no system Python 3 to compare with")
@pytest.mark.parametrize("python", SYSTEM_PYTHONS)
def test_the_system_python_finds_the_same_links(python: str) -> None:
    result = subprocess.run(
        [python, "-c", PROBE],
        input=json.dumps(list(CASES)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(SERVER)},
        timeout=60,
        check=False,
    )
    if result.returncode != 0 and "SyntaxError" in result.stderr:
        pytest.skip(f"{python} is older than the package allows")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == CASES, sys.version
