"""bench/run.py on any vault: a vault with no manifest is used as it is (start figures only),
never replaced by a generated one; the smoke mode, which needs a manifest, refuses it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def load_run():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "bench"))
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse(run, argv: list[str]):  # type: ignore[no-untyped-def]
    captured = {}

    async def fake_amain(args):  # type: ignore[no-untyped-def]
        captured["args"] = args
        return 0

    run.amain = fake_amain
    run.main(argv)
    return captured["args"]


def test_a_vault_without_manifest_is_used_as_it_is(tmp_path: Path) -> None:
    run = load_run()
    vault = tmp_path / "Notes — 日本"
    vault.mkdir()
    (vault / "a.md").write_text("# A\n\n[[b]] 🙂\n", encoding="utf-8")
    args = parse(run, ["--vault", str(vault), "--index-only"])
    assert args.index_only
    path, manifest = run.ensure_vault(args)
    assert (path, manifest) == (vault.resolve(), None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Notes — 日本"]  # nothing generated
    assert run.vault_bytes(vault) == len("# A\n\n[[b]] 🙂\n".encode())
    coverage = run.fast_path_coverage(vault)
    assert (coverage["notes"], coverage["fast_path"]) == (1, 1)


def test_smoke_needs_a_manifest(tmp_path: Path) -> None:
    run = load_run()
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    args = parse(run, ["--smoke", "--vault", str(tmp_path)])
    with pytest.raises(SystemExit, match="has no manifest"):
        run.ensure_vault(args)
