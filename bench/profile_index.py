"""Where vault-ls's cold index spends its time, without a server: the engine's own load path.

    python bench/profile_index.py bench/vaults/10k            # phase timings
    python bench/profile_index.py bench/vaults/10k --cprofile # plus the top functions

Phases: reading files, markdown-it tokenizing alone, ``parse_note`` (tokenize + walk + YAML, with
the garbage collector off as ``Vault.load`` has it), building the index (``VaultIndex.set_notes``)
and ``Vault.load`` as the server calls it (which may parse in worker processes). ``--cprofile``
profiles ``parse_note`` over the vault in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("vault", type=Path)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    from vault_ls.vault import fs
    from vault_ls.vault.index import VaultIndex
    from vault_ls.vault.parse import _MD, parse_note
    from vault_ls.vault.workspace import Vault

    root = args.vault.resolve()
    t = time.perf_counter()
    found = fs.scan(root, [], fs.DEFAULT_MAX_FILES)
    scan_s = time.perf_counter() - t
    t = time.perf_counter()
    texts = [(rel, fs.read_note(root / rel)[0]) for rel in found.notes]
    read_s = time.perf_counter() - t
    for _, text in texts[:50]:  # warm up (regex compilation, caches)
        parse_note("warmup.md", text)
    gc.collect()
    gc.disable()  # as Vault.load does: the parsed notes are long-lived, collections find nothing
    t = time.perf_counter()
    for _, text in texts:
        _MD.parse(text)
    tokenize_s = time.perf_counter() - t
    t = time.perf_counter()
    notes = [parse_note(rel, text) for rel, text in texts]
    parse_s = time.perf_counter() - t
    gc.enable()
    t = time.perf_counter()
    VaultIndex().set_notes(notes, found.attachments)
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    Vault(root).load()
    load_s = time.perf_counter() - t
    n = len(texts)
    print(f"{n} notes, {sum(len(x) for _, x in texts) / 1e6:.1f} M chars")
    for label, secs in (
        ("scan", scan_s),
        ("read", read_s),
        ("markdown-it parse only", tokenize_s),
        ("parse_note (tokenize+walk+yaml)", parse_s),
        ("  of which walk+yaml (difference)", parse_s - tokenize_s),
        ("VaultIndex.set_notes", index_s),
        ("Vault.load total", load_s),
    ):
        print(f"  {label:36s} {secs:7.2f} s  {secs / n * 1000:6.2f} ms/note")
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
