"""Each vault's settings in one session (issue 15 items 9 and 11): its own files, the editor's
over them; two vaults can differ."""

from __future__ import annotations

from pathlib import Path

from vault_ls.session import Session
from vault_ls.vault import fs


class LoggingClient:
    def __init__(self) -> None:
        self.logged: list[tuple[str, bool]] = []

    def diagnostics_changed(self) -> None:
        pass

    def warn(self, message: str) -> None:
        pass

    def log(self, message: str, warning: bool = False) -> None:
        self.logged.append((message, warning))

    def vault_added(self, vault: object) -> None:
        pass


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


async def test_two_vaults_keep_their_own_settings(tmp_path: Path) -> None:
    work = write(
        tmp_path / "work",
        {
            "Templates/Daily — 😀.md": "[[{{date}}]]\n",
            "A.md": "[[B]]\n",
            ".obsidian/app.json": '{"userIgnoreFilters": ["Templates/"]}',
            ".vault-ls.toml": '[severity]\nfilename-title = "off"\n[completion]\nstyle = "path"\n',
        },
    )
    home = write(tmp_path / "home", {"Templates/T.md": "t\n", ".vault-ls.toml": "maxFiles = 0\n"})
    client = LoggingClient()
    session = Session(client)
    session.apply_settings({"severity": {"unresolved-link": "error"}}, base=True)
    session.open_folders([work, home])
    for vault in session.vaults:
        await session.index(vault)
    first, second = session.vaults
    assert first.exclude == ["Templates/*"]
    assert sorted(first.index.notes) == ["A.md"]
    assert sorted(second.index.notes) == ["Templates/T.md"]
    mine, theirs = session.settings_for(first.root), session.settings_for(second.root)
    assert mine.severity == {"filename-title": "off", "unresolved-link": "error"}
    assert (mine.completion_style, theirs.completion_style) == ("path", "shortest")
    assert theirs.severity == {"unresolved-link": "error"}
    assert client.logged == [
        (
            f"vault-ls settings: {second.root}/.vault-ls.toml: maxFiles must be a positive integer",
            True,
        )
    ]
    assert theirs.max_files == fs.DEFAULT_MAX_FILES  # fell back
    # the editor's settings change (its answer replaces its severity whole): every vault's
    # are layered again
    session.apply_settings({"severity": {"filename-title": "warning"}})
    assert session.settings_for(first.root).severity == {"filename-title": "warning"}
