"""A parse worker: ``python -m vault_ls.vault.worker`` reads jobs on stdin and answers on stdout.

Each job is a pickled ``(root, [vault paths], files)``: ``files``, the vault's (notes,
attachments), comes with the first job only (else None). Each answer is a pickled list of
``(path, NoteCache.blob(note), link facts)``, the facts (``index.link_facts``) resolved against
``files`` and sent with each file as its place in them (``numbered``, ``index.SentFacts``), or
None without them. ``None`` ends the worker. Used by ``loader.parse_many``.
"""

from __future__ import annotations

import gc
import itertools
import pickle
import sys
from pathlib import Path
from typing import BinaryIO

from vault_ls.vault import fs
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.disk_note import parse_from_disk
from vault_ls.vault.index import LinkFacts, SentFacts, VaultIndex, link_facts
from vault_ls.vault.names import heading_key, title_key
from vault_ls.vault.resolve import BulkResolver
from vault_ls.vault.slugs import github_slug


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    resolver: BulkResolver | None = None
    number: dict[str, int] = {}
    while True:
        job = pickle.load(source)
        if job is None:
            return
        root, paths, files = Path(job[0]), job[1], job[2]
        if files is not None:
            resolver = BulkResolver(VaultIndex.of_files(*files))
            number = {path: n for n, path in enumerate(itertools.chain(*files))}
        answer = []
        read = fs.reader_inside(root)  # the root's real path once a job, not once a note
        for relative in paths:
            note = parse_from_disk(root, relative, read=read)
            facts = link_facts(resolver, note) if resolver is not None else None
            sent = None if facts is None else numbered(facts, number)
            answer.append((relative, NoteCache.blob(note), sent))
        pickle.dump(answer, sink, pickle.HIGHEST_PROTOCOL)
        sink.flush()
        forget_remembered_keys()


def numbered(facts: LinkFacts, number: dict[str, int]) -> SentFacts:
    """``facts`` with each file reached given by its place in the job's files: smaller to send
    and to read, and the server takes its own strings for the paths instead of a copy of each
    path per link (~45 MiB held for a while at 10,000 notes, in fragments it kept)."""
    names, ends = facts
    return (
        names,
        {number.get(path, path): links for path, links in ends.notes.items()},
        {number.get(path, path): links for path, links in ends.others.items()},
        ends.missing,
        ends.tags,
    )


def forget_remembered_keys() -> None:
    """The keys the server remembers for its many comparisons, a worker meets once per
    heading: kept, they held ~6 MiB more per worker by the end of a 10,000-note parse."""
    heading_key.cache_clear()
    title_key.cache_clear()
    github_slug.cache_clear()


if __name__ == "__main__":
    gc.disable()  # a short-lived process that only allocates: collections would find nothing
    serve(sys.stdin.buffer, sys.stdout.buffer)
