"""workspace/symbol: the same vault gives the same list, whatever order its notes were seen in
(the index's order follows the file events of the session: on b36b671 notes of equal score and
name came in that order, so a list differed between two sessions on the same disk)."""

from __future__ import annotations

from urllib.parse import unquote

from vault_ls.features.convert import Encoder
from vault_ls.features.symbols import workspace_symbols
from vault_ls.vault.snapshot import in_memory

FILES = {
    "b/Same — 😀.md": "# Same — 😀\n\n## Part\n",
    "a/Same — 😀.md": "# Same — 😀\n\n## Part\n\n## Part\n",
    "c/Other.md": "---\naliases: [Same — 😀]\n---\n# Other\n",
    "Top.md": "# Top\n",
}


def listed(files: dict[str, str], query: str) -> list[tuple[str, str, int, str | None]]:
    snapshot = in_memory(files)
    found = workspace_symbols(snapshot, query, Encoder(snapshot, "utf-16"))
    return [
        (
            symbol.name,
            unquote(symbol.location.uri).removeprefix("file:///vault/"),
            symbol.location.range.start.line,
            symbol.container_name,
        )
        for symbol in found
    ]


def test_ties_are_listed_by_path_then_line_in_any_order_of_the_notes() -> None:
    forward = listed(FILES, "Same")
    backward = listed(dict(reversed(FILES.items())), "Same")
    assert forward == backward
    assert forward == [
        ("Same — 😀", "a/Same — 😀.md", 0, "a"),
        ("Same — 😀", "a/Same — 😀.md", 0, "Same — 😀"),
        ("Same — 😀", "b/Same — 😀.md", 0, "b"),
        ("Same — 😀", "b/Same — 😀.md", 0, "Same — 😀"),
        ("Same — 😀", "c/Other.md", 0, "Other"),
    ]
    assert listed(FILES, "Part") == listed(dict(reversed(FILES.items())), "Part")
    assert [(path, line) for _, path, line, _ in listed(FILES, "Part")] == [
        ("a/Same — 😀.md", 2),
        ("a/Same — 😀.md", 4),
        ("b/Same — 😀.md", 2),
    ]
