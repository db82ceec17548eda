"""The Vault view container in real VS Code (code-server 4.100 in headless Chromium) on a copy of
../shared/corpora/obsidian-help: with a note open, the Backlinks view lists the notes linking to
it, each with its context lines; Unlinked mentions the notes naming it without a link; Tags the
vault's tags with their counts. Screenshot: .artifacts/vscode-vault-backlinks.png."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest
from editor_support import artifacts_dir, scratch_env, server_command
from test_vscode import CODE_SERVER, EDITOR_SETTINGS, HERE, NODE_MODULES, _free_port, _run, packaged

pytestmark = [pytest.mark.editor, pytest.mark.corpus]
CORPUS = HERE.parents[1] / ".." / "shared" / "corpora" / "obsidian-help"
__all__ = ["packaged"]  # the fixture, shared with test_vscode.py


@pytest.fixture(scope="module")
def seen(packaged: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/obsidian-help is absent")
    tmp = tmp_path_factory.mktemp("vscode-panels")
    env = scratch_env(tmp)
    vault = tmp / "obsidian-help"
    shutil.copytree(CORPUS, vault)
    (vault / ".obsidian").mkdir()
    user = tmp / "code" / "user" / "User"
    user.mkdir(parents=True)
    settings = {**EDITOR_SETTINGS, "vault-ls.server.command": server_command()}
    (user / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    base = [str(CODE_SERVER), "--user-data-dir", str(tmp / "code" / "user")]
    base += ["--extensions-dir", str(tmp / "code" / "ext")]
    _run([*base, "--install-extension", str(packaged["vsix"])], env=env, timeout=120)
    port = _free_port()
    log = (tmp / "code-server.log").open("w")
    server = subprocess.Popen(
        [
            *base,
            *("--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry"),
            *("--disable-update-check", "--disable-workspace-trust", str(vault)),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    out = tmp / "result.json"
    try:
        url = f"http://127.0.0.1:{port}"
        t0 = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() - t0 < 60, "code-server did not come up"
                time.sleep(0.2)
        params = {
            "url": url,
            "vault": str(vault),
            "chromium": packaged["chromium"],
            "node_modules": str(NODE_MODULES),
            "out": str(out),
            "artifacts": str(artifacts_dir()),
            "timeout_ms": 40000,
            "note_name": "Random note.md",
            "expect_row": "Commands for [[Random note]].",
            "expect_unlinked": "Read a random note (includes path).",
            "expect_tag": "#y1984",
        }
        (tmp / "params.json").write_text(json.dumps(params), encoding="utf-8")
        proc = subprocess.run(
            [packaged["node"], str(HERE / "vscode_panels_test.mjs"), str(tmp / "params.json")],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            stdin=subprocess.DEVNULL,
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        log.close()
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    print(json.dumps(results, indent=1, ensure_ascii=False), proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return results


def test_backlinks_view_lists_the_linking_notes_with_their_lines(seen: dict) -> None:
    assert seen["steps"]["backlinks"]["ok"], seen["errors"]
    assert seen["headers"] == ["BACKLINKS", "OUTGOING LINKS", "UNLINKED MENTIONS", "TAGS"]
    # a row per linking note (name, count, path), then its context lines
    assert seen["backlinks"] == [
        "Core plugins (1)Plugins/Core plugins.md",
        "- [[Random note]]",
        "Obsidian CLI (1)Extending Obsidian/Obsidian CLI.md",
        "Commands for [[Random note]].",
    ]


def test_unlinked_mentions_view_lists_the_notes_naming_it(seen: dict) -> None:
    assert seen["steps"]["unlinked"]["ok"], seen["errors"]
    # the server's order (notes by name), each with its count, path and mention lines
    assert seen["unlinked"] == [
        "Core plugins (1)Plugins/Core plugins.md",
        "- Opens a random note in your vault.",
        "Obsidian CLI (2)Extending Obsidian/Obsidian CLI.md",
        "Open a random note.",
        "Read a random note (includes path).",
    ]


def test_tags_view_lists_the_vaults_tags_with_their_counts(seen: dict) -> None:
    assert seen["steps"]["tags"]["ok"], seen["errors"]
    # collapsed rows: the tag, then (as description) the notes carrying it
    assert seen["tags"] == [
        "#camelCase1",
        "#kebab-case1",
        "#PascalCase1",
        "#snake_case1",
        "#TAG1",
        "#y19841",
    ]


def test_the_screenshot_is_written(seen: dict) -> None:
    assert (artifacts_dir() / "vscode-vault-backlinks.png").stat().st_size > 10_000
