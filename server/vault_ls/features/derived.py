"""Tables features derive from an index (completion's name tables, hover's trigram shortlist),
kept on that index until a name changes: each vault keeps its own, and they go with the index."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from vault_ls.vault.index import VaultIndex

T = TypeVar("T")


def derived(index: VaultIndex, build: Callable[[VaultIndex], T]) -> T:
    """``build(index)``, remembered by ``build`` until ``index.names_version`` changes."""
    kept = index.derived.get(build)
    if kept is not None and kept[0] == index.names_version:
        return cast(T, kept[1])
    value = build(index)
    index.derived[build] = (index.names_version, value)
    return value


def derived_at_version(index: VaultIndex, build: Callable[[VaultIndex], T]) -> T:
    """``derived`` for tables that any edit changes: remembered until ``index.version`` moves."""
    kept = index.derived.get(build)
    if kept is not None and kept[0] == index.version:
        return cast(T, kept[1])
    value = build(index)
    index.derived[build] = (index.version, value)
    return value
