"""The code attrs and cattrs generate is compiled once and read back by later starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vault_ls.generated_code import GeneratedCode

# In a fresh interpreter: route the generators through the cache in ``folder``, import the
# protocol types and build the converter's hooks for an initialize request, as a server does.
START = """
import json, sys
from pathlib import Path
from vault_ls.generated_code import GeneratedCode
generated = GeneratedCode(Path(sys.argv[1]))
held = len(generated.code)
generated.install()
import lsprotocol.types as types
from pygls.protocol import default_converter
params = default_converter().structure(
    {"processId": 1, "rootUri": "file:///v", "capabilities": {"textDocument": {"hover": {}}}},
    types.InitializeParams,
)
compiled = generated.compiled
generated.save()
print(json.dumps({"held": held, "compiled": compiled, "pid": params.process_id}))
"""


def start(folder: Path) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", START, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_a_second_start_compiles_none_of_the_generated_code(tmp_path: Path) -> None:
    first = start(tmp_path)
    assert first["held"] == 0
    assert first["compiled"] > 500  # lsprotocol's classes and the converter's hooks
    assert first["pid"] == 1
    second = start(tmp_path)
    assert second["held"] == first["compiled"]
    # a frozen class's __hash__ holds a salted string hash: its source changes at every start
    assert second["compiled"] < 5
    assert second["pid"] == 1


def test_code_no_longer_used_does_not_pile_up(tmp_path: Path) -> None:
    old = GeneratedCode(tmp_path)
    for n in range(10):
        old.compile(f"x = {n}\n", "<old>", "exec")
    old.save()
    new = GeneratedCode(tmp_path)
    assert len(new.code) == 10
    new.compile("x = 1\n", "<old>", "exec")  # still used
    new.compile("y = 'é'\n", "<new>", "exec")
    new.save()
    kept = GeneratedCode(tmp_path)
    assert len(kept.code) == 2
    kept.compile("x = 1\n", "<old>", "exec")
    kept.compile("y = 'é'\n", "<new>", "exec")
    assert kept.compiled == 0


def test_kept_code_is_the_code_compile_gives(tmp_path: Path) -> None:
    source = "def greet(name):\n    return f'héllo — {name} 🙂'\n"
    first = GeneratedCode(tmp_path)
    made = first.compile(source, "<generated greet>", "exec")
    first.save()
    second = GeneratedCode(tmp_path)
    kept = second.compile(source, "<generated greet>", "exec")
    assert second.compiled == 0
    assert kept.co_filename == "<generated greet>"
    assert kept.co_consts == made.co_consts
    names: dict[str, object] = {}
    exec(kept, names)
    assert names["greet"]("世界") == "héllo — 世界 🙂"  # type: ignore[operator]
    other = second.compile(source, "<generated other>", "exec")  # same source, another name
    assert other.co_filename == "<generated other>"
    assert second.compiled == 1


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xfb\x01\x02", b"{}"])
def test_a_damaged_file_is_compiled_again(tmp_path: Path, content: bytes) -> None:
    first = GeneratedCode(tmp_path)
    first.path.write_bytes(content)
    again = GeneratedCode(tmp_path)
    assert again.code == {}
    again.compile("x = 1\n", "<x>", "exec")
    again.save()
    assert GeneratedCode(tmp_path).code.keys() == again.code.keys()


def test_an_unwritable_folder_only_loses_the_saving(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    generated = GeneratedCode(blocker / "vault-ls")
    code = generated.compile("y = 2\n", "<y>", "exec")
    generated.save()
    names: dict[str, object] = {}
    exec(code, names)
    assert names["y"] == 2
    assert blocker.read_text() == "a file where the cache folder should be"


def test_the_file_is_named_by_the_installed_versions(tmp_path: Path) -> None:
    """The versions read from ``.dist-info`` folder names are those ``importlib.metadata``
    gives: a new release of any of the four starts a new file."""
    import importlib.metadata
    import importlib.util

    versions = [importlib.metadata.version(name) for name in ("attrs", "cattrs", "lsprotocol")]
    versions.append(importlib.metadata.version("pygls"))
    tag = "-".join([importlib.util.MAGIC_NUMBER.hex(), *versions])
    assert GeneratedCode(tmp_path).path == tmp_path / f"generated-code-{tag}.marshal"


def test_a_distribution_without_a_dist_info_folder_is_asked_of_importlib() -> None:
    """In a fresh interpreter, where nothing has imported ``importlib.metadata`` yet."""
    asked = "from vault_ls.generated_code import _installed_version as v; print(v('no-such', {}))"
    run = subprocess.run([sys.executable, "-c", asked], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (0, "none\n", "")
