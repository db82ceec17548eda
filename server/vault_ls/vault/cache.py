"""A persistent cache of parsed notes: one SQLite file per vault in the user's cache folder.

Entries are keyed by the note's path, size and modification time; the whole file is keyed by
a fingerprint of the engine's source, so a new parser never reads an old parse. A stale,
foreign or corrupt cache is discarded and rebuilt without a word: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from pathlib import Path

from vault_ls.vault.index import LinkGraph
from vault_ls.vault.model import Note

SCHEMA = 2


def cache_folder() -> Path:
    base = os.environ.get("VAULT_LS_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) if base else Path.home() / ".cache" / "vault-ls"


def _engine_fingerprint() -> str:
    """Changes whenever any engine module changes (or the cache schema does)."""
    digest = hashlib.sha1(str(SCHEMA).encode())
    folder = Path(__file__).parent
    for source in sorted(folder.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


FINGERPRINT = _engine_fingerprint()

Stamp = tuple[int, int]  # (size, mtime in ns)


def files_key(notes: list[str], attachments: list[str]) -> str:
    """Names the exact set of files a link graph was resolved against."""
    digest = hashlib.sha1("\n".join(sorted(notes)).encode())
    digest.update(b"\0" + "\n".join(sorted(attachments)).encode())
    return digest.hexdigest()


class NoteCache:
    def __init__(self, root: Path, folder: Path | None = None):
        name = hashlib.sha1(str(root).encode()).hexdigest()[:20] + ".sqlite"
        self.path = (folder or cache_folder()) / name
        self.root = str(root)

    def load_graph(self, files: str) -> LinkGraph | None:
        """The link graph saved with exactly the files named by ``files`` (``files_key``)."""
        if not self.path.exists():
            return None
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT blob FROM graph WHERE files = ?", (files,)).fetchone()
            finally:
                db.close()
            graph = pickle.loads(row[0]) if row else None
        except Exception:  # unreadable: resolving again is always correct
            return None
        return graph if isinstance(graph, tuple) and len(graph) == 2 else None

    def load(self) -> dict[str, tuple[Stamp, bytes]]:
        """Every cached entry (path -> (stamp, pickled note)); empty when unusable."""
        if not self.path.exists():
            return {}
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                meta = dict(db.execute("SELECT key, value FROM meta"))
                if meta.get("fingerprint") != FINGERPRINT or meta.get("root") != self.root:
                    return {}
                rows = db.execute("SELECT path, size, mtime, note FROM notes")
                return {path: ((size, mtime), blob) for path, size, mtime, blob in rows}
            finally:
                db.close()
        except (sqlite3.Error, OSError, ValueError):
            self.discard()
            return {}

    @staticmethod
    def note(blob: bytes) -> Note | None:
        try:
            note = pickle.loads(blob)
        except Exception:  # a corrupt entry is re-parsed, never fatal
            return None
        return note if isinstance(note, Note) else None

    @staticmethod
    def blob(note: Note) -> bytes:
        return pickle.dumps(note, pickle.HIGHEST_PROTOCOL)

    def save(
        self, entries: dict[str, tuple[Stamp, bytes]], graph: tuple[str, bytes] | None = None
    ) -> None:
        """Replace the cache with ``entries``; failures are ignored (the cache is optional)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.unlink(missing_ok=True)
            db = sqlite3.connect(temporary)
            with db:
                db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE notes (path TEXT PRIMARY KEY, size INT, mtime INT, note BLOB)"
                )
                db.execute("CREATE TABLE graph (files TEXT, blob BLOB)")
                if graph is not None:
                    db.execute("INSERT INTO graph VALUES (?, ?)", graph)
                db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("fingerprint", FINGERPRINT), ("root", self.root)],
                )
                db.executemany(
                    "INSERT INTO notes VALUES (?, ?, ?, ?)",
                    ((path, size, mtime, blob) for path, ((size, mtime), blob) in entries.items()),
                )
            db.close()
            os.replace(temporary, self.path)
        except (sqlite3.Error, OSError, pickle.PicklingError):
            pass

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
