"""How the command line shows a vault's file: as compilers print it."""

from __future__ import annotations

from pathlib import Path


def shown(root: Path, path: str) -> str:
    """A file as compilers print it: relative to the current folder when inside it, else
    absolute, so a terminal or a quickfix list opens it from where the command ran."""
    absolute = root / path
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(absolute)
