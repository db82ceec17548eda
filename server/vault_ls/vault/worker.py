"""A parse worker: ``python -m vault_ls.vault.worker`` reads jobs on stdin and answers on stdout.

Each job is a pickled ``(root, [vault paths])``; each answer a pickled list of
``(path, NoteCache.blob(note))``. ``None`` ends the worker. Used by ``loader.parse_many``.
"""

from __future__ import annotations

import gc
import pickle
import sys
from pathlib import Path

from vault_ls.vault.cache import NoteCache
from vault_ls.vault.loader import parse_from_disk


def serve() -> None:
    gc.disable()  # a short-lived process that only allocates: collections would find nothing
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        job = pickle.load(source)
        if job is None:
            return
        root, paths = Path(job[0]), job[1]
        answer = [(relative, NoteCache.blob(parse_from_disk(root, relative))) for relative in paths]
        pickle.dump(answer, sink, pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    serve()
