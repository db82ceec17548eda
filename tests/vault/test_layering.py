"""Architecture invariant: the engine (``vault_ls.vault``) knows nothing about LSP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vault_ls.vault

ENGINE = Path(vault_ls.vault.__file__).parent
FORBIDDEN = ("pygls", "lsprotocol")


def lsp_imports(source: str) -> list[str]:
    """Every module ``source`` imports whose top-level package is forbidden."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in FORBIDDEN]
    return found


def engine_files() -> list[Path]:
    return sorted(ENGINE.rglob("*.py"))


def test_the_engine_has_modules() -> None:
    names = {path.name for path in engine_files()}
    assert {"parse.py", "index.py", "resolve.py", "checks.py"} <= names


@pytest.mark.parametrize("path", engine_files(), ids=lambda path: path.name)
def test_engine_module_does_not_import_lsp(path: Path) -> None:
    assert lsp_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import pygls",
        "import lsprotocol.types as t",
        "from pygls.server import LanguageServer",
        "from lsprotocol import types",
        "def f():\n    import pygls.workspace",
        "try:\n    from lsprotocol.types import Range\nexcept ImportError:\n    pass",
        "import importlib\nimportlib.import_module('pygls')",
        "__import__('lsprotocol.types')",
    ],
)
def test_the_scan_catches_every_import_form(source: str) -> None:
    assert lsp_imports(source) != []


def test_the_scan_ignores_look_alikes() -> None:
    assert lsp_imports("import pyglsx\nfrom .pygls import x\n# import pygls\ns = 'pygls'") == []
