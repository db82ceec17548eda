"""Feature tests in rust-analyzer's ``check(fixture)`` style: a small vault written as one text,
each file opened by a ``//- path`` line, the cursor marked ``$0``; built in memory, no disk.

    //- Alpha.md
    # Alpha
    see [[Be$0
    //- Beta.md
    # Beta
"""

from __future__ import annotations

import textwrap

from vault_ls.features.convert import Encoder
from vault_ls.vault.positions import Position
from vault_ls.vault.snapshot import Snapshot, in_memory

CURSOR = "$0"
HEADER = "//- "


class Fixture:
    def __init__(self, text: str, encoding: str = "utf-16", recent: tuple[str, ...] = ()) -> None:
        files: dict[str, str] = {}
        self.path = ""
        self.position = Position(0, 0)
        path: str | None = None
        lines: list[str] = []
        for line in [*textwrap.dedent(text).strip("\n").split("\n"), HEADER]:
            if line.startswith(HEADER):
                if path is not None:
                    files[path] = self._take_cursor(path, "\n".join(lines) + "\n")
                path, lines = line[len(HEADER) :].strip(), []
            else:
                lines.append(line)
        self.files = files
        self.snapshot: Snapshot = in_memory(files, recent=recent)  # ``recent``: latest first
        self.encoder = Encoder(self.snapshot, encoding)

    def _take_cursor(self, path: str, text: str) -> str:
        at = text.find(CURSOR)
        if at < 0:
            return text
        before = text[:at]
        self.path = path
        self.position = Position(before.count("\n"), at - (before.rfind("\n") + 1))
        return before + text[at + len(CURSOR) :]
