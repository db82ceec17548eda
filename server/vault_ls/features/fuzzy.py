"""Fuzzy matching for completion and workspace symbols: cheap, predictable ranking."""

from __future__ import annotations


def score(query: str, candidate: str) -> float | None:
    """Higher is better; None when ``candidate`` does not contain ``query``'s letters in order.

    Exact > prefix > word prefix > substring > scattered letters; shorter candidates win ties.
    """
    if not query:
        return 1.0 - len(candidate) / 1000
    return score_folded(query.casefold(), candidate.casefold())


def score_folded(wanted: str, text: str) -> float | None:
    """``score`` for a query and a candidate already case-folded (the hot loop of completion)."""
    if not wanted:
        return 1.0 - len(text) / 1000
    if wanted[0] not in text:
        return None
    if text == wanted:
        return 1000.0
    if text.startswith(wanted):
        return 900.0 - len(text) / 100
    found = text.find(wanted)
    if found > 0:
        at_word = not text[found - 1].isalnum()
        return (700.0 if at_word else 500.0) - found / 10 - len(text) / 100
    position, gaps, last = 0, 0, -1
    for ch in wanted:
        position = text.find(ch, position)
        if position < 0:
            return None
        if last >= 0 and position != last + 1:
            gaps += 1
        last = position
        position += 1
    return 300.0 - gaps * 10 - len(text) / 100
