"""A parse worker: ``python -m vault_ls.vault.worker`` reads jobs on stdin and answers on stdout.

Each job is a pickled ``(root, [vault paths], files)``: ``files``, the vault's (notes,
attachments), comes with the first job only (else None). Each answer is a pickled list of
``(path, NoteCache.blob(note), link facts)``, the facts (``index.link_facts``) resolved against
``files``, or None without them. ``None`` ends the worker. Used by ``loader.parse_many``.
"""

from __future__ import annotations

import gc
import pickle
import sys
from pathlib import Path

from vault_ls.vault.cache import NoteCache
from vault_ls.vault.disk_note import parse_from_disk
from vault_ls.vault.index import VaultIndex, link_facts
from vault_ls.vault.resolve import BulkResolver


def serve() -> None:
    gc.disable()  # a short-lived process that only allocates: collections would find nothing
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    resolver: BulkResolver | None = None
    while True:
        job = pickle.load(source)
        if job is None:
            return
        root, paths, files = Path(job[0]), job[1], job[2]
        if files is not None:
            resolver = BulkResolver(VaultIndex.of_files(*files))
        answer = []
        for relative in paths:
            note = parse_from_disk(root, relative)
            facts = link_facts(resolver, note) if resolver is not None else None
            answer.append((relative, NoteCache.blob(note), facts))
        pickle.dump(answer, sink, pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    serve()
