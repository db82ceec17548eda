"""``vault/search``: the quick switcher — notes by name, title or alias, ranked as completion
ranks them (``note_search``); a query with ``/`` is also matched against paths."""

from __future__ import annotations

from vault_ls.features import fuzzy
from vault_ls.features.convert import Encoder
from vault_ls.features.note_search import NoteEntry, table_for
from vault_ls.features.wire import Json
from vault_ls.vault.names import without_note_suffix
from vault_ls.vault.snapshot import Snapshot

DEFAULT_LIMIT = 50


def search(vault: Snapshot, query: str, encoder: Encoder, limit: int = DEFAULT_LIMIT) -> list[Json]:
    index = vault.index
    wanted = query.strip().casefold()
    best: dict[str, tuple[float, str]] = {}  # note -> (score, what matched)
    # an entry per title and alias: ask for more, so that ``limit`` notes remain once merged
    ranked, _ = table_for(index).best(wanted, limit * 4)
    for score, entry in ranked:
        _keep(best, entry.path, score, _matched(entry, wanted))
    if "/" in wanted:
        for path in index.notes:
            points = fuzzy.score_folded(wanted, without_note_suffix(path).casefold())
            if points is not None:
                _keep(best, path, points, "path")
    order = sorted(best.items(), key=lambda item: (-item[1][0], len(item[0]), item[0]))
    found = []
    for path, (score, matched) in order[:limit]:
        note = index.notes[path]
        found.append(
            {
                "uri": encoder.uri(path),
                "name": note.name,
                "title": note.title,
                "path": path,
                "matched": matched,
                "score": round(score, 3),
            }
        )
    return found


def _keep(best: dict[str, tuple[float, str]], path: str, score: float, matched: str) -> None:
    if path not in best or score > best[path][0]:
        best[path] = (score, matched)


def _matched(entry: NoteEntry, wanted: str) -> str:
    if entry.penalty:
        return "alias"
    if len(entry.keys) == 1:
        return "name"
    title, name = (fuzzy.score_folded(wanted, key) for key in entry.keys)
    return "title" if (title or -1.0) >= (name or -1.0) else "name"
