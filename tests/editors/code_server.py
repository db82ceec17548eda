"""Driving code-server the way the Vault views' tests do: the packaged extension installed in a
scratch profile, code-server serving one vault, a node script (playwright-core on the bundled
Chromium) run against it, and what the script saw."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from editor_support import artifacts_dir, server_command
from test_vscode import CODE_SERVER, EDITOR_SETTINGS, HERE, NODE_MODULES, _free_port, _run


def drive(
    tmp: Path,
    env: dict[str, str],
    vault: Path,
    packaged: dict[str, Any],
    script: str,
    params: dict[str, Any],
    timeout: float,
) -> dict[str, Any]:
    """Run ``script`` (in this folder) against code-server on ``vault`` with ``params`` and the
    common ones (url, vault, chromium, node_modules, out, artifacts, timeout_ms); its results,
    once it exited 0."""
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
        common = {
            "url": url,
            "vault": str(vault),
            "chromium": packaged["chromium"],
            "node_modules": str(NODE_MODULES),
            "out": str(out),
            "artifacts": str(artifacts_dir()),
            "timeout_ms": 40000,
        }
        (tmp / "params.json").write_text(json.dumps({**common, **params}), encoding="utf-8")
        proc = subprocess.run(
            [packaged["node"], str(HERE / script), str(tmp / "params.json")],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
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
