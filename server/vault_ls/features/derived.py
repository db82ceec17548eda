"""Tables features derive from an index (completion's name tables, hover's trigram shortlist),
kept on that index until a name changes: each vault keeps its own, and they go with the index.
A table that can follow changes (``update``) is brought up to date path by path instead of
being built again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar, cast

from vault_ls.vault.index import VaultIndex

T = TypeVar("T")
# (the table, the index, the paths whose names changed since it was last up to date)
Update = Callable[[T, VaultIndex, Sequence[str]], None]


def derived(
    index: VaultIndex, build: Callable[[VaultIndex], T], update: Update[T] | None = None
) -> T:
    """``build(index)``, remembered by ``build`` until ``index.names_version`` changes; then
    brought up to date by ``update`` when given and the index still knows what changed, else
    built again."""
    kept = index.derived.get(build)
    if kept is not None:
        version, value = kept
        if version == index.names_version:
            return cast(T, value)
        changed = index.names_changed_since(version) if update is not None else None
        if update is not None and changed is not None:
            update(cast(T, value), index, list(dict.fromkeys(changed)))
            index.derived[build] = (index.names_version, value)
            return cast(T, value)
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
