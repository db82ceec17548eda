"""VS Code 1.100 (code-server 4.100.3 in Debian's chromium, driven by playwright-core) with the
packaged editors/vscode extension, against the real server.

The extension is packaged with ``npm run package`` and installed from its ``.vsix``; a tiny
test-only probe extension (tests/editors/vscode_probe, zipped here into a .vsix) asks VS Code's
API for completion, hover, definition, references and diagnostics. tests/editors/vscode_test.mjs
drives the page like a person: status bar, Problems panel, hover, suggest widget, F12.
Screenshots go to .artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from editor_support import (
    ALPHA,
    BETA_TEXT,
    EDITORS,
    TOOLS,
    artifacts_dir,
    need_binary,
    scratch_env,
    server_command,
    write_vault,
)

pytestmark = pytest.mark.editor

HERE = Path(__file__).resolve().parent
EXT_DIR = EDITORS / "vscode"
NODE_MODULES = TOOLS / "node" / "node_modules"
CODE_SERVER = NODE_MODULES / ".bin" / "code-server"


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)
    assert proc.returncode == 0, f"{cmd}: {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _probe_vsix(dest: Path) -> Path:
    """Zip tests/editors/vscode_probe as a .vsix (what vsce would write, minus the checks)."""
    manifest = json.loads((HERE / "vscode_probe" / "package.json").read_text(encoding="utf-8"))
    ident = f"{manifest['publisher']}.{manifest['name']}"
    vsix = dest / "vault-ls-probe.vsix"
    with zipfile.ZipFile(vsix, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension=".json" '
            'ContentType="application/json"/><Default Extension=".js" '
            'ContentType="application/javascript"/><Default Extension=".vsixmanifest" '
            'ContentType="text/xml"/></Types>',
        )
        z.writestr(
            "extension.vsixmanifest",
            '<?xml version="1.0" encoding="utf-8"?><PackageManifest Version="2.0.0" xmlns='
            '"http://schemas.microsoft.com/developer/vsx-schema/2011"><Metadata><Identity '
            f'Language="en-US" Id="{manifest["name"]}" Version="{manifest["version"]}" '
            f'Publisher="{manifest["publisher"]}"/><DisplayName>{ident}</DisplayName></Metadata>'
            '<Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation>'
            '<Dependencies/><Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" '
            'Path="extension/package.json" Addressable="true"/></Assets></PackageManifest>',
        )
        for name in ("package.json", "extension.js"):
            z.write(HERE / "vscode_probe" / name, f"extension/{name}")
    return vsix


LOOSE_TEXT = "# Loose — note\n\n## Part 😀\nSee [[Elsewhere]] and [[#Nowhere]].\n"
OTHER_VAULT_TEXT = "# Other — note\n\n[[Friend 😀]] and [[Missing]].\n"


def outside_notes(tmp: Path) -> dict[str, str]:
    """Notes outside the opened folder: one alone in a folder of other things, one in another
    vault (a folder holding .obsidian/)."""
    loose = tmp / "Downloads" / "Loose — note.md"
    loose.parent.mkdir()
    loose.write_text(LOOSE_TEXT, encoding="utf-8")
    (loose.parent / "Elsewhere.md").write_text("# Elsewhere\n", encoding="utf-8")
    other = tmp / "Other vault" / "Other — note.md"
    (other.parent / ".obsidian").mkdir(parents=True)
    other.write_text(OTHER_VAULT_TEXT, encoding="utf-8")
    (other.parent / "Friend 😀.md").write_text("# Friend 😀\n\nA friend.\n", encoding="utf-8")
    return {"loose": str(loose), "vault": str(other)}


EDITOR_SETTINGS = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "update.mode": "none",
    "chat.commandCenter.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "editor.minimap.enabled": False,
    "editor.hover.delay": 100,
    "workbench.hover.delay": 100,
    "git.enabled": False,
    "window.commandCenter": False,
    "workbench.colorTheme": "Default Light Modern",
    # Whether the first "[" auto-closes depends on when the Markdown language configuration
    # has loaded, which varies from run to run; the probe checks the auto-closed shapes.
    "[markdown]": {"editor.autoClosingBrackets": "never"},
}


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The extension packaged as a user gets it (``npm run package``, which also bundles the
    server), and the probe extension."""
    node = need_binary("node")
    chromium = need_binary("chromium")
    if not CODE_SERVER.exists() or not (NODE_MODULES / "playwright-core").is_dir():
        pytest.skip(
            "code-server/playwright-core are not in .editors/ (run scripts/install-editors)"
        )
    if not (EXT_DIR / "node_modules" / ".bin" / "vsce").exists():
        pytest.skip("editors/vscode has no node_modules (run scripts/install-editors)")
    tmp = tmp_path_factory.mktemp("vsix")
    env = scratch_env(tmp)
    env["npm_config_cache"] = str(TOOLS / "npm-cache")
    env["npm_config_update_notifier"] = "false"
    t0 = time.monotonic()
    vsix = EXT_DIR / "vault-ls.vsix"
    vsix.unlink(missing_ok=True)
    _run(["npm", "run", "--silent", "package"], cwd=EXT_DIR, env=env, timeout=300)
    assert vsix.exists()
    return {
        "node": node,
        "chromium": chromium,
        "vsix": vsix,
        "probe": _probe_vsix(tmp),
        "seconds": round(time.monotonic() - t0, 2),
    }


def code_server_session(
    packaged: dict,
    tmp: Path,
    scenario: str,
    settings: dict,
    path: str | None = None,
    extra: dict | None = None,
) -> dict:
    """Install both extensions into a fresh code-server, open the vault in Chromium and run
    ``scenario`` of vscode_test.mjs; ``path`` replaces the PATH code-server (and so the
    extension, and the server it starts) sees."""
    timings: dict[str, float] = {"package": packaged["seconds"]}
    env = scratch_env(tmp)
    vault = write_vault(tmp / "My vault")
    data = tmp / "code"
    user = data / "user" / "User"
    user.mkdir(parents=True)
    probe_out = tmp / "probe.json"
    all_settings = {
        **EDITOR_SETTINGS,
        "vaultLsProbe.out": str(probe_out),
        "vaultLsProbe.outside": outside_notes(tmp),
        **settings,
    }
    (user / "settings.json").write_text(json.dumps(all_settings, indent=1), encoding="utf-8")
    base = [
        str(CODE_SERVER),
        "--user-data-dir",
        str(data / "user"),
        "--extensions-dir",
        str(data / "ext"),
    ]

    t0 = time.monotonic()
    for package in (packaged["vsix"], packaged["probe"]):
        _run([*base, "--install-extension", str(package)], env=env, timeout=120)
    timings["install"] = time.monotonic() - t0

    server_env = dict(env)
    if path is not None:
        # VS Code's server replaces its PATH by the one a login shell prints (/etc/profile's),
        # unless VSCODE_CLI is set.
        server_env.update(PATH=path, VSCODE_CLI="1")
    port = _free_port()
    log = (tmp / "code-server.log").open("w")
    server = subprocess.Popen(
        [
            *base,
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--auth",
            "none",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            str(vault.root),
        ],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        t0 = time.monotonic()
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None, (tmp / "code-server.log").read_text()
                assert time.monotonic() - t0 < 60, "code-server did not come up"
                time.sleep(0.2)
        timings["code-server up"] = time.monotonic() - t0

        out = tmp / "result.json"
        params = {
            "scenario": scenario,
            "url": url,
            "vault": str(vault.root),
            "chromium": packaged["chromium"],
            "node_modules": str(NODE_MODULES),
            "out": str(out),
            "probe_out": str(probe_out),
            "artifacts": str(artifacts_dir()),
            "timeout_ms": 30000,
            "typed": "[[Alph",
            "expect_label": ALPHA,
            "expect_on_brackets": "Deep Work",
            **(extra or {}),
        }
        (tmp / "params.json").write_text(json.dumps(params), encoding="utf-8")
        t0 = time.monotonic()
        proc = subprocess.run(
            [packaged["node"], str(HERE / "vscode_test.mjs"), str(tmp / "params.json")],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            stdin=subprocess.DEVNULL,
        )
        timings["browser session"] = time.monotonic() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results["probe"] = (
        json.loads(probe_out.read_text(encoding="utf-8")) if probe_out.exists() else {}
    )
    results["timings"] = {k: round(v, 2) for k, v in timings.items()}
    print(json.dumps(results, indent=1, ensure_ascii=False))
    print(proc.stdout[-2000:], proc.stderr[-3000:])
    shutil.copy(tmp / "code-server.log", artifacts_dir() / f"vscode-{scenario}-code-server.log")
    assert proc.returncode == 0, proc.stderr[-3000:]
    results["_vault"] = vault
    return results


@pytest.fixture(scope="module")
def vscode_results(packaged: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    settings = {
        "vault-ls.server.command": server_command(),
        "vault-ls.severity": {"unresolved-link": "error"},  # must reach the server
    }
    return code_server_session(packaged, tmp_path_factory.mktemp("vscode"), "full", settings)


def _ok(results: dict, step: str) -> None:
    assert results["steps"].get(step, {}).get("ok"), results["errors"]


# --- through the page ---------------------------------------------------------------------------


def test_status_bar_shows_the_note_count(vscode_results: dict) -> None:
    _ok(vscode_results, "open")
    _ok(vscode_results, "statusbar")
    assert "3 notes" in vscode_results["statusbar"]


def test_problems_panel_lists_the_broken_link(vscode_results: dict) -> None:
    _ok(vscode_results, "problems")
    assert any("Missing note" in row for row in vscode_results["problems"])


def test_hover_widget_shows_the_metadata(vscode_results: dict) -> None:
    _ok(vscode_results, "hover")
    for text in ("Deep Work", "Someone", "Deep Work: Rules for Focused Success", "example.com"):
        assert text in vscode_results["hover"]


def test_suggest_widget_opens_on_brackets(vscode_results: dict) -> None:
    _ok(vscode_results, "completion")
    rows = " ".join(vscode_results["suggest_after_brackets"])
    assert "Deep Work" in rows
    assert "Beta" not in rows  # the note being written (Beta) is not offered on a bare [[
    assert ALPHA in rows or "First letter" in rows  # the Alpha note, by title or alias


def test_suggest_widget_keeps_the_note_while_typing(vscode_results: dict) -> None:
    _ok(vscode_results, "completion")
    assert any(ALPHA in row for row in vscode_results["suggest_after_typing"])


def test_accepting_the_suggestion_writes_the_link(vscode_results: dict) -> None:
    _ok(vscode_results, "completion")
    assert vscode_results["lines_after_accept"][-1] == f"[[{ALPHA}]]"


def test_f12_opens_the_heading(vscode_results: dict) -> None:
    _ok(vscode_results, "definition")
    vault = vscode_results["_vault"]
    assert f"{ALPHA}.md" in vscode_results["definition"]["tab"]
    assert vscode_results["definition"]["selection"].startswith(f"Ln {vault.section_line + 1},")


def test_commands_are_in_the_palette(vscode_results: dict) -> None:
    _ok(vscode_results, "commands")
    rows = " ".join(vscode_results["commands"])
    assert "Restart Server" in rows
    assert "Show Server Log" in rows


# --- through VS Code's API (the probe extension) ------------------------------------------------


def test_api_completion(vscode_results: dict) -> None:
    _ok(vscode_results, "probe")
    probe = vscode_results["probe"]
    assert not probe["errors"], probe["errors"]
    assert probe["noteCount"] == 3
    labels = [item["label"] for item in probe["completion"]]
    assert ALPHA in labels, labels


def test_api_hover_definition_references_symbols(vscode_results: dict) -> None:
    _ok(vscode_results, "probe")
    probe = vscode_results["probe"]
    vault = vscode_results["_vault"]
    assert "Full Title" in probe["hover"]
    assert "https://example.com/deep-work" in probe["hover"]
    assert [(Path(d["file"]), d["line"]) for d in probe["definition"]] == [
        (vault.alpha, vault.section_line)
    ]
    assert (vault.beta, 2) in [(Path(r["file"]), r["line"]) for r in probe["references"]]
    assert "Beta" in probe["symbols"]


@pytest.mark.parametrize(
    "typed",
    [
        "[[Alph",
        "[[Alph]]",
        "[[Alph]",
    ],
)
def test_api_completion_edit_gives_a_well_formed_link(vscode_results: dict, typed: str) -> None:
    """The completion item's edit applied by VS Code to a line ``typed`` (cursor after Alph)."""
    _ok(vscode_results, "probe")
    assert vscode_results["probe"]["edits"][typed] == f"[[{ALPHA}]]"


def test_api_diagnostics(vscode_results: dict) -> None:
    _ok(vscode_results, "probe")
    diags = vscode_results["probe"]["diagnostics"]
    broken = [d for d in diags if "Missing note" in d["message"]]
    assert broken, diags
    assert {(d["code"], d["source"], d["line"]) for d in broken} == {
        ("unresolved-link", "vault-ls", 3)
    }
    # vault-ls.severity set it to "error" (vscode.DiagnosticSeverity.Error == 0).
    assert {d["severity"] for d in broken} == {0}


def test_api_diagnostics_are_not_duplicated(vscode_results: dict) -> None:
    _ok(vscode_results, "probe")
    diags = vscode_results["probe"]["diagnostics"]
    assert len([d for d in diags if "Missing note" in d["message"]]) == 1, diags


# --- files opened from outside the workspace folder ----------------------------------------------


def test_api_a_loose_note_outside_the_folder_is_served_alone(vscode_results: dict) -> None:
    _ok(vscode_results, "probe")
    loose = vscode_results["probe"]["outside"]["loose"]
    assert [(d["line"], d["code"], d["message"]) for d in loose["diagnostics"]] == [
        (3, "unresolved-heading", 'This note has no heading "Nowhere"')
    ]
    assert loose["hover"].startswith("`Elsewhere`: this note is outside every vault")
    # VS Code's own Markdown extension adds "# Loose — note"; vault-ls gives the title
    assert "Loose — note" in loose["symbols"]


def test_api_a_note_in_another_vault_adds_that_vault(vscode_results: dict) -> None:
    _ok(vscode_results, "probe")
    other = vscode_results["probe"]["outside"]["vault"]
    assert [(d["line"], d["code"], d["message"]) for d in other["diagnostics"]] == [
        (2, "unresolved-link", 'No note named "Missing"')
    ]
    assert "A friend." in other["hover"]


def test_server_log_says_why_a_loose_note_is_served_alone(vscode_results: dict) -> None:
    _ok(vscode_results, "server_log")
    log = " ".join(vscode_results["server_log"].split())
    assert "Loose — note.md is outside every workspace folder" in log
    assert "links to other notes are not checked, completed or followed" in log
    assert "Other — note.md is outside the workspace folders; indexing the vault" in log


# --- no `vault-ls` on the PATH (issue 15 items 1 and 2) ------------------------------------------


def python_without_vault_ls() -> str:
    """A Python 3.11+ that cannot import vault_ls, as on a machine where nobody installed it."""
    # Not Debian 12's own 3.11.2 first: its re module finds no [[link]] with the server's
    # pattern (a server defect, reported separately), which is not what this test is about.
    candidates = [Path(sys.base_prefix) / "bin" / "python3", Path("/usr/bin/python3")]
    for python in candidates:
        if not python.exists():
            continue
        probe = subprocess.run(
            [
                str(python),
                "-I",
                "-c",
                "import sys, importlib.util as u; "
                "print(sys.version_info >= (3, 11), u.find_spec('vault_ls') is None)",
            ],
            capture_output=True,
            text=True,
        )
        if probe.stdout.split() == ["True", "True"]:
            return str(python)
    pytest.skip("no Python 3.11+ without vault_ls to stand for a fresh machine")


def bin_dir(tmp: Path, **tools: str) -> str:
    """A folder holding only the named programs (name=path), to be the whole PATH."""
    folder = tmp / "bin"
    folder.mkdir()
    for name, target in tools.items():
        (folder / name).symlink_to(target)
    return str(folder)


def test_without_vault_ls_on_path_the_bundled_server_runs(
    packaged: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No setting, no vault-ls installed, only the user's python3: the .vsix runs the server
    it carries, and everything works."""
    tmp_path = tmp_path_factory.mktemp("vsbundled")  # short: Chromium's socket path has a limit
    python = python_without_vault_ls()
    path = bin_dir(tmp_path, node=packaged["node"], python3=python)
    results = code_server_session(packaged, tmp_path, "bundled", {}, path=path)
    _ok(results, "statusbar")
    assert results["statusbar"].strip() == "3 notes"
    _ok(results, "hover")
    assert "Deep Work: Rules for Focused Success" in results["hover"]
    _ok(results, "server_log")
    log = " ".join(results["server_log"].split())
    assert "vault-ls: starting python3 -I " in log
    assert "server/launch.py (the server bundled with the extension, with Python 3.1" in log


def _failure_shown(results: dict) -> None:
    for step in ("failed_status", "notification", "show_log"):
        _ok(results, step)
    assert results["status_text"].strip() == "vault-ls: not running"
    # The error background, not the status bar's own colour.
    assert results["status_background"] != results["status_bar_background"]


def _one_notification(results: dict, message: str) -> None:
    (toast,) = [n for n in results["notifications"] if "vault-ls" in n]
    assert toast.splitlines() == [
        "Source: Vault LS — Obsidian-style Markdown vaults",
        "Show Log",
        "Open Settings",
        message,
    ]


def test_no_server_at_all_says_exactly_what_to_set(
    packaged: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No vault-ls and no Python on the PATH: an error in the status bar (not "ready"), one
    notification naming what was tried and the setting, and Show Log opens the log."""
    tmp_path = tmp_path_factory.mktemp("vsnone")  # short: Chromium's socket path has a limit
    path = bin_dir(tmp_path, node=packaged["node"])
    results = code_server_session(packaged, tmp_path, "no_server", {}, path=path)
    _failure_shown(results)
    message = (
        'vault-ls could not start: "vault-ls" is not on the PATH, and no Python 3.11 or newer '
        "was found to run the server bundled with the extension (tried python3: not found, "
        "python3.13: not found, python3.12: not found, python3.11: not found, python: not "
        'found). Install vault-ls (see the extension\'s README), or set "vault-ls.server.command"'
        " to the command that runs it."
    )
    _one_notification(results, message)
    assert message in results["status_tooltip"]
    assert message in " ".join(results["log"].split())


def test_a_server_command_that_crashes_is_reported_once(
    packaged: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The old fallback: `python3 -m vault_ls` with a Python that lacks it crashed five times
    under a status bar reading "ready"."""
    tmp_path = tmp_path_factory.mktemp("vscrash")  # short: Chromium's socket path has a limit
    python = python_without_vault_ls()
    settings = {"vault-ls.server.command": [python, "-m", "vault_ls"]}
    results = code_server_session(packaged, tmp_path, "crash", settings)
    _failure_shown(results)
    message = (
        f'vault-ls could not start: "{python} -m vault_ls" exited with code 1: {python}: No '
        "module named vault_ls. Install vault-ls (see the extension's README), or set "
        '"vault-ls.server.command" to the command that runs it.'
    )
    _one_notification(results, message)
    assert message in results["status_tooltip"]
    # Started once, not restarted four more times.
    assert results["log"].count("vault-ls: starting ") == 1, results["log"]


# --- the lightbulb's "Create note" on a broken link (issue 17) ---------------------------------


def test_lightbulb_quick_fix_creates_the_missing_note(
    packaged: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("vscode-fix")  # a short path: chromium's socket lives in it
    extra = {
        "fix_line": "Broken: [[Missing note]] here.",
        "fix_at": [4, 14],
        "fix_title": 'Create note "Missing note"',
        "fix_file": "Missing note.md",
        "fix_gone": 'No note named "Missing note"',
    }
    settings = {"vault-ls.server.command": server_command()}
    results = code_server_session(packaged, tmp, "quickfix", settings, extra=extra)
    _ok(results, "lightbulb")
    assert results["via"] == "lightbulb"
    assert 'Create note "Missing note"' in results["offered"]
    _ok(results, "fixed")
    vault = tmp / "My vault"
    assert (vault / "Missing note.md").read_bytes() == b"# Missing note\n"
    assert results["created"] == "# Missing note\n"
    assert results["note_after"] == BETA_TEXT  # the linking note is left as it was
    assert not [row for row in results["problems_after"] if "Missing note" in row]


# --- F2 on a link, and a rename in the explorer (issue 16) --------------------------------------


def test_f2_and_explorer_renames_update_the_links(
    packaged: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("vscode-ren")  # a short path: chromium's socket lives in it
    extra = {
        "f2_line": "Reading: [[Deep Work]] now.",
        "f2_at": [5, 14],
        "f2_new": "Deep Work — 2026 😀",
        "f2_file": "Readwise/Books/Deep Work — 2026 😀.md",
        "f2_old": "Readwise/Books/Deep Work.md",
        "beta_before": BETA_TEXT,
        "move_from": "Alpha — notes.md",
        "move_to": "Alpha — moved.md",
    }
    settings = {"vault-ls.server.command": server_command()}
    results = code_server_session(packaged, tmp, "rename", settings, extra=extra)
    _ok(results, "f2")
    assert results["f2_offered"] == "Deep Work"
    assert results["f2_old_gone"] is True
    after_f2 = BETA_TEXT.replace("[[Deep Work]]", "[[Deep Work — 2026 😀]]")
    assert results["f2_beta"] == after_f2
    _ok(results, "explorer")
    assert (
        "Extension 'Vault LS — Obsidian-style Markdown vaults' wants to make refactoring changes "
        "with this file move"
    ) in results["explorer_dialog"]
    assert results["explorer_beta"] == after_f2.replace(
        "[[Alpha — notes#Section 😀]]", "[[Alpha — moved#Section 😀]]"
    )
