"""Code that attrs and cattrs generate, compiled once and kept between starts like a ``.pyc``.

lsprotocol declares ~560 attrs classes; at every import attrs writes their methods out as
source and compiles each (~0.15 s of a ~0.6 s start), and pygls's converter (cattrs) does the
same for each message type it first meets. The same source, file name and mode always compile to
the same code, so the code is kept in one marshal file, by a hash of the three, beside the note
cache. Both libraries call the builtin ``compile`` by its global name; a module global of that
name in theirs is found first. Should a release stop calling it so, nothing is cached and
nothing else changes.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
import time
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

# the modules whose generated source goes through ``compile``
GENERATORS = ("attr._make", "cattrs.gen", "cattrs.gen.typeddicts")
# a new version of one of these (or of Python's bytecode) starts a new file
VERSIONED = ("attrs", "cattrs", "lsprotocol", "pygls")
PREFIX = "generated-code-"
STALE_DAYS = 30  # another set's file untouched this long is removed (two venvs may share one)


class GeneratedCode:
    """The kept code of one Python and one set of library versions, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / f"{PREFIX}{_versions_tag()}.marshal"
        self.code: dict[bytes, CodeType] = _read(self.path)
        self.compiled = 0  # code this process compiled, not found in the file
        self._used: set[bytes] = set()

    def compile(self, source: Any, filename: Any, mode: str, *rest: Any, **options: Any) -> Any:
        """``builtins.compile``, answered from the kept code for plain source."""
        if rest or options or not isinstance(source, str) or not isinstance(filename, str):
            return builtins.compile(source, filename, mode, *rest, **options)
        key = hashlib.blake2b(f"{mode}\0{filename}\0{source}".encode(), digest_size=16).digest()
        self._used.add(key)
        code = self.code.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode)
            self.code[key] = code
            self.compiled += 1
        return code

    def install(self) -> None:
        """Route the generators' ``compile`` through this cache (imports them)."""
        for name in GENERATORS:
            module = _module(name)
            if module is not None:
                module.compile = self.compile  # type: ignore[attr-defined]

    def save(self) -> None:
        """Write the file when this process compiled code it did not hold (atomically: two
        servers starting at once each write a whole file); a failure only loses the saving.
        Some source differs at every start (attrs writes a string's hash, which Python salts
        per process, into a frozen class's ``__hash__``), so once the file holds twice what this
        process used, only what it used is kept."""
        if not self.compiled:
            return
        if len(self.code) > 2 * len(self._used):
            self.code = {key: self.code[key] for key in self._used}
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".generated-code-")
            try:
                with os.fdopen(handle, "wb") as out:
                    marshal.dump(self.code, out)
                os.replace(temporary, self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
            for other in self.folder.glob(f"{PREFIX}*.marshal"):
                if time.time() - other.stat().st_mtime > STALE_DAYS * 86400:
                    other.unlink(missing_ok=True)
            self.compiled = 0


def _versions_tag() -> str:
    versions = [importlib.util.MAGIC_NUMBER.hex()]
    listings: dict[str, list[str]] = {}
    versions += [_installed_version(distribution, listings) for distribution in VERSIONED]
    return "-".join(versions)


def _installed_version(distribution: str, listings: dict[str, list[str]]) -> str:
    """The version of ``distribution`` named by its ``<name>-<version>.dist-info`` folder in
    the first ``sys.path`` folder holding one, as ``importlib.metadata`` finds it; importing
    that module took ~70 ms of every start (it imports ``email`` and ``zipfile``), nothing
    else of the server's needs it. ``importlib.metadata`` itself when no folder is found (an
    egg, a zip)."""
    prefix = distribution.replace("-", "_") + "-"
    for folder in sys.path:
        if folder not in listings:
            try:
                listings[folder] = os.listdir(folder or ".")
            except OSError:
                listings[folder] = []
        for name in listings[folder]:
            if name.startswith(prefix) and name.endswith(".dist-info"):
                version = name[len(prefix) : -len(".dist-info")]
                if version and "-" not in version:
                    return version
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _read(path: Path) -> dict[bytes, CodeType]:
    """The kept code; empty when the file is missing, cut short or not ours."""
    try:
        with path.open("rb") as kept:
            loaded = marshal.load(kept)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        key: code
        for key, code in loaded.items()
        if isinstance(key, bytes) and isinstance(code, CodeType)
    }


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
