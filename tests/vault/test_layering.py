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


# --- the package's import graph ----------------------------------------------------------------

PACKAGE = ENGINE.parent
# Modules that read or write the disk or start processes: features must reach none of them.
TOUCHES_DISK = {
    "vault_ls.vault.fs",
    "vault_ls.vault.cache",
    "vault_ls.vault.loader",
    "vault_ls.vault.worker",
    "vault_ls.vault.workspace",
}
DISK_LIBRARIES = {"os", "io", "shutil", "sqlite3", "subprocess", "tempfile", "glob"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (relative imports made absolute)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # ``from vault_ls.vault import fs`` imports the module ``vault_ls.vault.fs``
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: {other for other in imports_of(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def reached_from(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in edges[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


FEATURES = sorted(name for name in graph() if name.startswith("vault_ls.features."))


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_reaches_nothing_that_touches_the_disk(feature: str) -> None:
    edges = graph()
    reached = reached_from(feature, edges) | {feature}
    assert reached & TOUCHES_DISK == set()
    assert not any(name.startswith(("vault_ls.server", "vault_ls.session")) for name in reached)
    for name in reached:
        path = PACKAGE.parent / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = PACKAGE.parent / name.replace(".", "/") / "__init__.py"
        libraries = {module.split(".")[0] for module in imports_of(path)}
        assert libraries & DISK_LIBRARIES == set(), name
        assert "pygls" not in libraries, name


def test_the_session_knows_no_pygls() -> None:
    source = (PACKAGE / "session.py").read_text(encoding="utf-8")
    assert lsp_imports(source) == []


def test_the_package_has_no_import_cycles() -> None:
    edges = graph()
    cycles = sorted(name for name in edges if name in reached_from(name, edges))
    assert cycles == []


def test_the_cycle_check_sees_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert sorted(name for name in edges if name in reached_from(name, edges)) == ["a", "b", "c"]
