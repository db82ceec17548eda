"""Where vault-ls's cold index spends its time, without a server: the engine's own load path.

    python bench/profile_index.py bench/vaults/10k            # phase timings
    python bench/profile_index.py bench/vaults/10k --cprofile # plus the top functions

Phases, each on one core with the garbage collector off (as ``Vault.load`` has it): reading the
files; markdown-it tokenizing alone (the reference parser) and the fast path's tokenizing alone
(``fastparse``, with the share of notes it takes); ``parse_note`` (tokens + walk + YAML); what a
parse worker adds per note (the cache entry and the resolved links); what the server process
does with the workers' answers (note heads, the index from resolved links); and ``Vault.load``
as the server calls it, in worker processes, with no cache. ``--cprofile`` profiles
``parse_note`` over the vault in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("vault", type=Path)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    from vault_ls.vault import fastparse, fs
    from vault_ls.vault.cache import NoteCache
    from vault_ls.vault.index import VaultIndex, link_facts
    from vault_ls.vault.parse import _MD, parse_note
    from vault_ls.vault.positions import normalize_newlines
    from vault_ls.vault.resolve import BulkResolver
    from vault_ls.vault.workspace import Vault

    root = args.vault.resolve()
    timings: list[tuple[str, float]] = []

    def timed(label: str, work):  # type: ignore[no-untyped-def]
        gc.disable()
        started = time.perf_counter()
        result = work()
        timings.append((label, time.perf_counter() - started))
        gc.enable()
        return result

    found = timed("scan", lambda: fs.scan(root, [], fs.DEFAULT_MAX_FILES))
    texts = timed("read", lambda: [(rel, fs.read_note(root / rel)[0]) for rel in found.notes])
    for _, text in texts[:50]:  # warm up (regex compilation, caches)
        parse_note("warmup.md", text)
    normalized = [normalize_newlines(text) for _, text in texts]
    timed("markdown-it tokens only (reference)", lambda: [_MD.parse(t) for t in normalized])
    fast = timed(
        "fast-path tokens only",
        lambda: [fastparse.tokenize(t, t.split("\n")) for t in normalized],
    )
    notes = timed("parse_note (tokens+walk+yaml)", lambda: [parse_note(r, t) for r, t in texts])
    blobs = timed("worker: cache entries", lambda: [NoteCache.blob(note) for note in notes])
    resolver = BulkResolver(VaultIndex.of_files(found.notes, found.attachments))
    facts = timed("worker: resolved links", lambda: [link_facts(resolver, n) for n in notes])
    heads = timed(
        "server: note heads",
        lambda: [NoteCache.note(root, n.path, blob) for n, blob in zip(notes, blobs, strict=True)],
    )
    resolved = {note.path: fact for note, fact in zip(notes, facts, strict=True)}
    timed(
        "server: index from resolved links",
        lambda: VaultIndex().set_notes(heads, found.attachments, resolved=resolved),
    )
    timed(
        "server: index resolving itself", lambda: VaultIndex().set_notes(notes, found.attachments)
    )
    with tempfile.TemporaryDirectory() as cache_folder:
        vault = Vault(root, cache_folder=Path(cache_folder))
        timed("Vault.load (workers, no cache)", vault.load)
    count = len(texts)
    taken = sum(tokens is not None for tokens in fast)
    print(f"{count} notes, {sum(len(x) for _, x in texts) / 1e6:.1f} M chars, ", end="")
    print(f"{taken} ({taken * 100 // max(count, 1)}%) on the fast path")
    for label, secs in timings:
        print(f"  {label:36s} {secs:7.2f} s  {secs / count * 1000:6.3f} ms/note")
    if args.cprofile:  # the parse in this process (Vault.load may hand it to worker processes)
        prof = cProfile.Profile()
        gc.disable()
        prof.enable()
        for rel, text in texts:
            parse_note(rel, text)
        prof.disable()
        gc.enable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
