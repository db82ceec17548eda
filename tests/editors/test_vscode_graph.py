"""The Graph webview and the "Link" action of the Unlinked mentions view in real VS Code
(code-server 4.100 in headless Chromium) on a copy of ../shared/corpora/obsidian-help.

"Vault: Show graph" draws as many nodes as the server's own ``vault/graph`` answer holds (asked
here over a separate stdio session); a mouse click on a note in the canvas opens it; "Vault: Show
local graph" on Plugins/Random note.md shows it and the notes one link away, and follows the
active editor; "Link" on one mention rewrites exactly that span of the mentioning note on disk.
Screenshots: .artifacts/vscode-vault-graph.png, .artifacts/vscode-vault-local-graph.png."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import code_server
import pytest
from editor_support import artifacts_dir, scratch_env, server_command
from test_vscode import HERE, packaged

pytestmark = [pytest.mark.editor, pytest.mark.corpus]
CORPUS = HERE.parents[1] / ".." / "shared" / "corpora" / "obsidian-help"
__all__ = ["packaged"]  # the fixture, shared with test_vscode.py

NOTE = "Plugins/Random note.md"
FOLLOWED = "Plugins/Core plugins.md"  # clicked in the graph, then focused with the local one open
MENTIONING = "Extending Obsidian/Obsidian CLI.md"
MENTION_LINE = "Open a random note.\n"
LINKED_LINE = "Open a [[Random note|random note]].\n"
GRAPH_PARAMS = {"includeMissing": True}  # what "Vault: Show graph" asks (src/graph.ts)


class Rpc:
    """A bare JSON-RPC session with the server over stdio, as an editor opens one."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.next_id = 0
        self.log: list[str] = []
        folder = {"uri": root.as_uri(), "name": root.name}
        self.request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "workspaceFolders": [folder]}
            | {"capabilities": {}},
        )
        self.send({"method": "initialized", "params": {}})

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while (line := self.proc.stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        assert length, "the server closed its output"
        message: dict[str, Any] = json.loads(self.proc.stdout.read(length))
        if message.get("method") == "window/logMessage":
            self.log.append(message["params"]["message"])
        elif "method" in message and "id" in message:  # a request of the server's: no answer
            items = message.get("params", {}).get("items")
            self.send({"id": message["id"], "result": [None] * len(items) if items else None})
        return message

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                assert "error" not in message, message
                return message["result"]

    def wait_indexed(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while not any("Indexed" in line for line in self.log):
            assert time.monotonic() < end, self.log
            self.receive()

    def close(self) -> None:
        self.request("shutdown", None)
        self.send({"method": "exit"})
        self.proc.wait(timeout=10)


def server_graphs(vault: Path, env: dict[str, str]) -> tuple[Any, Any]:
    """The server's whole graph, and the local graph of Core plugins, as the webview asks."""
    rpc = Rpc(vault, env)
    try:
        rpc.wait_indexed()
        local = {**GRAPH_PARAMS, "uri": (vault / FOLLOWED).as_uri(), "depth": 1}
        return rpc.request("vault/graph", GRAPH_PARAMS), rpc.request("vault/graph", local)
    finally:
        rpc.close()


@pytest.fixture(scope="module")
def seen(packaged: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/obsidian-help is absent")
    tmp = tmp_path_factory.mktemp("vscode-graph")
    env = scratch_env(tmp)
    vault = tmp / "obsidian-help"
    shutil.copytree(CORPUS, vault)
    (vault / ".obsidian").mkdir()
    before = (vault / MENTIONING).read_bytes()
    graph, followed = server_graphs(vault, env)
    params = {
        "note_name": "Random note.md",
        "note_uri": (vault / NOTE).as_uri(),
        "click_id": "Plugins/Core plugins.md",
        "click_name": "Core plugins.md",
        "follow_uri": (vault / FOLLOWED).as_uri(),
        "link_row": MENTION_LINE.strip(),
    }
    results = code_server.drive(tmp, env, vault, packaged, "vscode_graph_test.mjs", params, 300)
    results["server_graph"] = graph
    results["server_followed"] = followed
    results["params"] = params
    results["before"] = before
    results["after"] = (vault / MENTIONING).read_bytes()
    return results


def test_the_graph_draws_every_node_of_the_servers_graph(seen: dict) -> None:
    assert seen["steps"]["global"]["ok"], seen["errors"]
    served = seen["server_graph"]["nodes"]
    notes = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.md"))
    assert sorted(n["id"] for n in served if n["kind"] == "note") == notes  # 173 notes
    drawn = seen["global"]
    # every node of the answer laid out (a finite position once the layout settled), no other
    assert drawn["placed"] == len(served) == len(drawn["nodes"])
    assert sorted(n["id"] for n in drawn["nodes"]) == sorted(n["id"] for n in served)
    assert drawn["links"] == len(seen["server_graph"]["edges"])
    missing = sum(1 for n in served if n["kind"] == "missing")
    assert drawn["summary"] == f"{len(notes)} notes, {missing} missing, {drawn['links']} links"
    assert seen["requests"] == []  # nothing loaded from the network
    assert (artifacts_dir() / "vscode-vault-graph.png").stat().st_size > 10_000


def test_a_click_on_a_note_in_the_graph_opens_it(seen: dict) -> None:
    assert seen["steps"]["click"]["ok"], seen["errors"]
    assert seen["clicked"]["tab"] == "Core plugins.md"
    assert seen["clicked"]["breadcrumbs"].startswith("Plugins")


def test_the_local_graph_shows_the_note_and_its_neighbours(seen: dict) -> None:
    assert seen["steps"]["local"]["ok"], seen["errors"]
    local = seen["local"]
    assert local["center"] == seen["params"]["note_uri"]
    assert sorted(n["name"] for n in local["nodes"]) == [
        "Core plugins",
        "Obsidian CLI",
        "Random note",
        "Ribbon",
    ]
    assert local["placed"] == 4


def test_the_local_graph_follows_the_active_editor(seen: dict) -> None:
    assert seen["steps"]["follow"]["ok"], seen["errors"]
    followed = seen["followed"]
    assert followed["center"] == seen["params"]["follow_uri"]
    served = seen["server_followed"]["nodes"]
    assert sorted(n["id"] for n in followed["nodes"]) == sorted(n["id"] for n in served)
    assert followed["placed"] == len(served) == 41  # Core plugins links every core plugin's note


def test_link_turns_exactly_that_mention_into_a_link(seen: dict) -> None:
    assert seen["steps"]["link"]["ok"], seen["errors"]
    before, after = seen["before"], seen["after"]
    assert before.count(MENTION_LINE.encode()) == 1
    assert after == before.replace(MENTION_LINE.encode(), LINKED_LINE.encode())
    assert seen["dirty_tabs"] == []  # written to disk, nothing left unsaved
    # the other mention of the same note stays, as a mention
    assert "Read a random note (includes path)." in seen["unlinked_after"]
    assert "Open a random note." not in seen["unlinked_after"]
