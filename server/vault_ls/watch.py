"""The server's own watch of its vaults, for clients that cannot watch files for it (Neovim 0.7
and Linux builds of later ones register no watchers, so notes made outside the editor were
missed until a restart).

watchdog (inotify on Linux) reports into its own threads; those threads only post the path to
the event loop, which waits for a quiet ``QUIET_SECONDS`` (at most ``LONGEST_WAIT_SECONDS``
after the first path of a burst), then hands each path once to the
session as the editor's ``didChangeWatchedFiles`` would (the session looks at the disk: a path
that is gone is deleted, a folder is rescanned). The index is never touched off the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("vault_ls")
QUIET_SECONDS = 0.1  # a burst (a git checkout, a sync) is handed over once it pauses this long
LONGEST_WAIT_SECONDS = 1.0  # ...or this long after it began, for a writer that never pauses
# files editors write beside a note while saving it (Vim's swap files and its write probe "4913",
# backups, temporary copies): never notes, and many per save
TEMPORARY_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp")
TEMPORARY_NAMES = {"4913"}


def ignored(path: str, root: str, skip: tuple[str, ...] = ()) -> bool:
    """Whether an event for ``path`` (under ``root``) can be dropped in the watcher's thread:
    hidden folders and files (``.obsidian/``, ``.git/``, ``.trash/``: the vault never holds
    them), editors' temporary files, and anything under ``skip`` (the cache folder)."""
    if any(path == folder or path.startswith(folder + os.sep) for folder in skip):
        return True
    parts = os.path.relpath(path, root).split(os.sep)
    name = parts[-1]
    if name in TEMPORARY_NAMES or name.endswith(TEMPORARY_SUFFIXES):
        return True
    return any(part.startswith(".") for part in parts if part)


class Watcher:
    """Watches folders, handing each changed path to ``changed`` on ``loop`` after a quiet
    time; ``root_changed`` gets a watched root that was deleted or made again."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        changed: Callable[[list[str]], None],
        root_changed: Callable[[Path], None],
        skip: tuple[str, ...] = (),
    ) -> None:
        from watchdog.observers import Observer  # a kept library, imported only when needed

        self.loop = loop
        self.changed = changed
        self.root_changed = root_changed
        self.skip = skip
        self.pending: dict[str, None] = {}  # paths in arrival order, each once
        self.burst_began = 0.0  # loop time of the first pending path
        self.timer: asyncio.TimerHandle | None = None
        self.watches: dict[Path, list[Any]] = {}  # root -> its watchdog watches
        self.observer = Observer()
        self.observer.daemon = True  # never keeps the process alive
        self.observer.start()

    def watch(self, root: Path) -> None:
        """Blocking (inotify adds one watch per folder): call it in a thread. The root's parent
        is watched too, without its contents, to see the root itself go and come back."""
        from watchdog.events import FileSystemEvent, FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def __init__(self, only: str | None = None) -> None:
                self.only = only  # the parent's watch reports the root only
                self.root = str(root)

            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed", "closed_no_write"):
                    return  # reads, not changes
                for path in (event.src_path, getattr(event, "dest_path", "")):
                    text = os.fsdecode(path)
                    if not text or (self.only is not None and text != self.only):
                        continue
                    if self.only is not None:
                        watcher._post(watcher._root_changed, text)
                    elif not ignored(text, self.root, watcher.skip):
                        watcher._post(watcher._arrived, text)

        if root in self.watches:
            return
        watches = []
        try:
            if root.parent != root:
                watches.append(self.observer.schedule(Handler(str(root)), str(root.parent)))
            watches.append(self.observer.schedule(Handler(), str(root), recursive=True))
        except OSError as error:  # no inotify watches left, the root gone meanwhile…
            log.warning("vault-ls cannot watch %s: %s", root, error)
        self.watches[root] = watches

    def unwatch(self, root: Path) -> None:
        for watch in self.watches.pop(root, []):
            with contextlib.suppress(KeyError, OSError):
                self.observer.unschedule(watch)

    def stop(self) -> None:
        """Stops reporting at once (the threads are daemons: the process need not wait)."""
        if self.timer is not None:
            self.timer.cancel()
        self.pending.clear()
        self.observer.stop()

    # --- on the event loop -----------------------------------------------------------------

    def _post(self, action: Callable[[str], None], path: str) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the session has ended
            self.loop.call_soon_threadsafe(action, path)

    def _arrived(self, path: str) -> None:
        now = self.loop.time()
        if not self.pending:
            self.burst_began = now
        self.pending[path] = None
        if self.timer is not None:
            self.timer.cancel()
        wait = min(QUIET_SECONDS, self.burst_began + LONGEST_WAIT_SECONDS - now)
        self.timer = self.loop.call_later(max(wait, 0.0), self._flush)

    def _flush(self) -> None:
        self.timer = None
        paths, self.pending = list(self.pending), {}
        self.changed(paths)

    def _root_changed(self, path: str) -> None:
        root = Path(path)
        if root in self.watches:
            self.root_changed(root)
