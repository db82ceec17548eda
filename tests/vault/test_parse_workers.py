"""How many processes parse a cold vault: the ``parseWorkers`` setting when given (0: the server
parses alone), else one per core the process may run on, none on a single core (issue 14)."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from tests.safety.test_faults import needs_workers, worker_pids
from tests.vault.test_parallel_load import write_vault

from vault_ls.vault import loader, worker
from vault_ls.vault.cache import NoteCache
from vault_ls.vault.names import heading_key, title_key
from vault_ls.vault.slugs import github_slug


@needs_workers
@pytest.mark.parametrize("asked", [0, 1, 3])
def test_the_parse_workers_asked_for_parse_the_vault(tmp_path: Path, asked: int) -> None:
    root = tmp_path / "vault"
    write_vault(root, loader.PARALLEL_FROM)
    paths = sorted(str(p.relative_to(root)) for p in root.rglob("*.md"))
    parsed = loader.parse_many(root, paths, files=(paths, []), workers_asked=asked)
    first = next(parsed)
    assert len(worker_pids(os.getpid())) == asked
    rest = [first, *parsed]
    assert [path for path, *_ in rest] == paths
    # workers resolve the links of what they parse; this process leaves them unresolved
    assert all((facts is None) == (asked == 0) for *_, facts in rest)
    # a file reached is named by the caller's own string for it, not by a copy per link
    given = {id(path) for path in paths}
    reached = [path for *_, facts in rest if facts for path in facts[1].notes]
    assert len(reached) >= loader.PARALLEL_FROM - 1 or asked == 0
    assert all(id(path) in given for path in reached)
    assert worker_pids(os.getpid()) == []


@needs_workers
def test_one_worker_per_core_this_process_may_use_and_none_on_one_core() -> None:
    def count_with_cores(cores: set[int]) -> int:
        script = (
            "import os, sys; os.sched_setaffinity(0, {cores}); "
            "from vault_ls.vault.loader import worker_count; print(worker_count(None))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script.format(cores=cores)],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout)

    every = os.sched_getaffinity(0)
    assert count_with_cores({min(every)}) == 0
    assert count_with_cores(every) == len(every)
    assert loader.worker_count(5) == 5
    assert loader.worker_count(0) == 0


def test_a_worker_answers_each_job_and_then_forgets_the_keys_it_met(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / "Café").mkdir(parents=True)
    (root / "Café" / "Menu — 菜单.md").write_text(
        "# Thé 🍵\n\n## Prix\n\nSee [[Carte#Vins]] and [[Nowhere]].\n", encoding="utf-8"
    )
    (root / "Carte.md").write_text("# Carte\n\n## Vins\n", encoding="utf-8")
    paths = ["Café/Menu — 菜单.md", "Carte.md"]
    jobs = io.BytesIO()
    pickle.dump((str(root), paths, (paths, [])), jobs)
    pickle.dump((str(root), paths[1:], None), jobs)
    pickle.dump(None, jobs)
    jobs.seek(0)
    answers = io.BytesIO()
    worker.serve(jobs, answers)
    answers.seek(0)
    first, second = pickle.load(answers), pickle.load(answers)
    assert [path for path, _, _ in first] == paths
    assert [path for path, _, _ in second] == ["Carte.md"]
    note = NoteCache.note(root, paths[0], first[0][1])
    assert note is not None
    assert [heading.text for heading in note.headings] == ["Thé 🍵", "Prix"]
    # resolved against the files of the first job, each file sent as its place among them
    assert first[0][2] == (["carte", "nowhere"], {1: 1}, {}, {"nowhere": ("Nowhere", 1)}, [])
    assert heading_key.cache_info().currsize == 0
    assert title_key.cache_info().currsize == 0
    assert github_slug.cache_info().currsize == 0
