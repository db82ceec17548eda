"""The wire: the real server on stdio, driven by a raw client that frames every message by hand.

No pygls or pytest-lsp client here: a library client would refuse to send the hostile input
these tests are about (malformed JSON, wrong ``Content-Length`` headers, wrongly typed
parameters, requests out of lifecycle order). After each hostile input the server must answer a
following valid request correctly. Every byte the server writes to stdout is checked to be a
``Content-Length`` frame around a JSON-RPC 2.0 message, up to end of file (logging belongs on
stderr).

Error codes are the ones the JSON-RPC 2.0 and LSP 3.17 specifications name. pygls 2.1 deviates in
several places; ``vault_ls.server`` (``VaultProtocol``, ``framed``) brings it back to the
specification. What still deviates is said at the test concerned.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.conftest import write_vault

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002
REQUEST_CANCELLED = -32800

ANSWER_SECONDS = 5.0  # every answer here comes well within this; a timeout means "no answer"
EXIT_SECONDS = 5.0
# Before its first message the server may still be importing (several seconds on a loaded
# machine): waits for it get this much more, so that a slow start is not read as "no answer".
START_SECONDS = 30.0

VAULT = {
    ".obsidian/app.json": "{}",
    "Alpha.md": "# Alpha\n\nSee [[Beta]] and [[Nowhere]].\n",
    "Beta.md": "# Beta\n\nBack to [[Alpha]].\n",
}


def frame(message: Any) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def raw_frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Wire:
    """A raw LSP client on the server's stdio. Reading is strict: anything on stdout that is not
    a frame with ``Content-Length`` (and optionally ``Content-Type``) around a JSON-RPC 2.0
    object fails the test."""

    def __init__(self, process: asyncio.subprocess.Process, root: Path, stderr: Path) -> None:
        self.process = process
        self.root = root
        self.stderr = stderr
        self.next_id = 100  # the hand-written messages of the tests use ids below
        self.responses: dict[Any, list[dict[str, Any]]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.heard = False  # a message came from the server: it has started

    def allowing_the_start(self, seconds: float) -> float:
        return seconds if self.heard else seconds + START_SECONDS

    # --- writing ---------------------------------------------------------------------------

    async def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def send(self, message: dict[str, Any]) -> None:
        await self.write(frame(message))

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    async def request(self, method: str, params: Any = None, msg_id: Any = None) -> Any:
        msg_id = self.new_id() if msg_id is None else msg_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        await self.send(message)
        return msg_id

    async def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self.send(message)

    # --- reading ---------------------------------------------------------------------------

    async def read_message(self) -> dict[str, Any] | None:
        """One frame off stdout (``None`` at end of file), checked strictly."""
        stdout = self.process.stdout
        assert stdout is not None
        length = None
        while True:
            try:
                line = await stdout.readuntil(b"\r\n")
            except asyncio.IncompleteReadError as error:
                assert not error.partial, f"stray bytes on stdout: {error.partial!r}"
                return None
            if line == b"\r\n":
                break
            name, colon, value = line[:-2].partition(b": ")
            assert colon, f"not a header line on stdout: {line!r}"
            if name == b"Content-Length":
                length = int(value)
            else:
                assert name == b"Content-Type", f"unexpected header on stdout: {line!r}"
        assert length is not None, "a frame on stdout without Content-Length"
        body = await stdout.readexactly(length)
        message = json.loads(body)
        assert isinstance(message, dict) and message.get("jsonrpc") == "2.0", message
        self.heard = True
        return message

    async def pump(self, deadline: float) -> None:
        """Read one message before ``deadline`` and file it."""
        message = await asyncio.wait_for(self.read_message(), max(deadline - time.monotonic(), 0))
        assert message is not None, "the server closed stdout"
        if "method" not in message:
            self.responses.setdefault(message.get("id"), []).append(message)
        elif "id" in message:  # a request of the server's: answer as a minimal client would
            await self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        else:
            self.notifications.append(message)

    async def response(self, msg_id: Any, timeout: float = ANSWER_SECONDS) -> dict[str, Any]:
        deadline = time.monotonic() + self.allowing_the_start(timeout)
        while msg_id not in self.responses:
            await self.pump(deadline)
        return self.responses[msg_id][0]

    async def call(self, method: str, params: Any = None) -> dict[str, Any]:
        return await self.response(await self.request(method, params))

    async def notification(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float = ANSWER_SECONDS
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.notifications:
                if wanted(message):
                    return message
            await self.pump(deadline)

    # --- session ---------------------------------------------------------------------------

    async def initialize(self) -> dict[str, Any]:
        answer = await self.call(
            "initialize",
            {
                "processId": None,
                "rootUri": self.root.as_uri(),
                "workspaceFolders": [{"uri": self.root.as_uri(), "name": "vault"}],
                "capabilities": {},
            },
        )
        assert "capabilities" in answer["result"], answer
        await self.notify("initialized", {})
        await self.notification(
            lambda m: m["method"] == "window/logMessage" and "Indexed" in m["params"]["message"],
            timeout=20,
        )
        return answer

    async def assert_serving(self) -> None:
        """A valid request gets the right answer. The server handles messages in order and
        answers synchronously, so any answer to an earlier message has arrived by now."""
        answer = await self.call("workspace/symbol", {"query": "Beta"})
        names = {(symbol["name"], symbol["location"]["uri"]) for symbol in answer["result"]}
        assert ("Beta", self.uri("Beta.md")) in names, answer
        hover = await self.call(
            "textDocument/hover",
            {
                "textDocument": {"uri": self.uri("Alpha.md")},
                "position": {"line": 2, "character": 7},
            },
        )
        assert "Beta" in hover["result"]["contents"]["value"], hover

    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    def forget(self) -> None:
        """Start a new case on the same server: forget the messages read so far."""
        self.responses.clear()
        self.notifications.clear()

    def errors(self) -> list[tuple[Any, int]]:
        """(id, code) of every error response so far."""
        return [
            (msg_id, answer["error"]["code"])
            for msg_id, answers in self.responses.items()
            for answer in answers
            if "error" in answer
        ]

    def error_popups(self) -> list[dict[str, Any]]:
        return [
            m
            for m in self.notifications
            if m["method"] == "window/showMessage" and m["params"]["type"] == 1
        ]

    async def exit_code(self) -> int:
        return await asyncio.wait_for(self.process.wait(), self.allowing_the_start(EXIT_SECONDS))

    async def close(self) -> None:
        """Close stdin, check what is left on stdout up to end of file, reap the process; kill
        it when it does not end by itself."""
        try:
            if self.process.returncode is None:
                assert self.process.stdin is not None
                self.process.stdin.close()
                deadline = time.monotonic() + EXIT_SECONDS

                async def rest() -> None:
                    while await self.read_message() is not None:
                        pass

                await asyncio.wait_for(rest(), max(deadline - time.monotonic(), 0.1))
                await asyncio.wait_for(self.process.wait(), max(deadline - time.monotonic(), 0.1))
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()


@pytest.fixture
async def fresh(tmp_path: Path) -> AsyncIterator[Wire]:
    """A server that has not been initialized."""
    root = write_vault(tmp_path / "vault", VAULT)
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "vault_ls",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        wire = Wire(process, root, stderr_path)
        try:
            yield wire
        finally:
            await wire.close()


@pytest.fixture
async def wire(fresh: Wire) -> Wire:
    """An initialized server with its vault indexed."""
    await fresh.initialize()
    return fresh


# --- malformed JSON and invalid messages ------------------------------------------------------

MALFORMED = {
    "not-json": b"{abc}",
    "truncated": b'{"jsonrpc": "2.0", "id": 1, "method": "workspace/symbol", "par',
    "invalid-utf8": b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}',
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
    "empty-object-garbage": b"{}}",
}


async def test_malformed_json_is_a_parse_error(wire: Wire) -> None:
    """JSON-RPC 2.0: unparseable JSON is answered with -32700 and ``id: null``. (pygls alone sends
    no response and pops an "Error in server" message at the user.) One server takes them all."""
    for case, body in MALFORMED.items():
        wire.forget()
        await wire.write(raw_frame(body))
        answer = await wire.response(None)
        assert answer["error"]["code"] == PARSE_ERROR, (case, answer)
        await wire.assert_serving()
        assert wire.errors() == [(None, PARSE_ERROR)], case
        assert not wire.error_popups(), case


INVALID = {
    "batch-array": (b'[{"jsonrpc": "2.0", "id": 5, "method": "shutdown"}]', None),
    "string": (b'"hello"', None),
    "number": (b"42", None),
    "no-jsonrpc-member": (b'{"id": 5, "method": "workspace/symbol", "params": {"query": ""}}', 5),
    "jsonrpc-1.0": (
        b'{"jsonrpc": "1.0", "id": 5, "method": "workspace/symbol", "params": {"query": ""}}',
        5,
    ),
    "no-method": (b'{"jsonrpc": "2.0"}', None),
    "method-not-a-string": (b'{"jsonrpc": "2.0", "id": 5, "method": 5}', 5),
    "id-an-object": (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}', None),
}


async def test_invalid_request(wire: Wire) -> None:
    """JSON-RPC 2.0: valid JSON that is not a request object is answered with -32600 (``id``
    null when it cannot be read). LSP has no batches: an array is invalid too. (pygls alone
    answers none of these.)"""
    for case, (body, msg_id) in INVALID.items():
        wire.forget()
        await wire.write(raw_frame(body))
        answer = await wire.response(msg_id)
        assert answer["error"]["code"] == INVALID_REQUEST, (case, answer)
        await wire.assert_serving()
        assert wire.errors() == [(msg_id, INVALID_REQUEST)], case


# --- framing -------------------------------------------------------------------------------------


async def test_content_length_too_short(wire: Wire) -> None:
    """The body is cut short: a parse error; the rest of the body is junk before the next header,
    and the next message is still read. (pygls alone took the junk plus the next header for one
    header line, and every later body plus header after it: it never answered again.)"""
    body = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "workspace/symbol"}).encode()
    await wire.write(b"Content-Length: %d\r\n\r\n" % (len(body) - 10) + body)
    following = await wire.request("workspace/symbol", {"query": "Beta"})
    assert (await wire.response(None))["error"]["code"] == PARSE_ERROR
    assert (await wire.response(following))["result"]
    await wire.assert_serving()
    assert wire.errors() == [(None, PARSE_ERROR)]


async def test_content_length_too_long(wire: Wire) -> None:
    """The server waits for the missing bytes and takes them from the next message: a parse
    error, the next message is lost (its header was eaten), the one after is read again. No
    server can do better: the bytes are ambiguous."""
    body = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "workspace/symbol"}).encode()
    await wire.write(b"Content-Length: %d\r\n\r\n" % (len(body) + 10) + body)
    lost = await wire.request("workspace/symbol", {"query": "Beta"})
    following = await wire.request("workspace/symbol", {"query": "Beta"})
    assert (await wire.response(following))["result"]
    await wire.assert_serving()
    assert lost not in wire.responses
    assert wire.errors() == [(None, PARSE_ERROR)]


HEADERLESS = {
    "non-numeric": b"Content-Length: abc\r\n\r\n",
    "negative": b"Content-Length: -5\r\n\r\n",
    "no-content-length": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
    "zero": b"Content-Length: 0\r\n\r\n",
    "absurdly-large": b"Content-Length: 99999999999999\r\n\r\n",
    "beyond-the-cap": b"Content-Length: 2000000000\r\n\r\n",
}


async def test_unusable_content_length(wire: Wire) -> None:
    """Without a usable length the message cannot be delimited: it is skipped without an answer
    (there is no id to answer), and the next header is found again. (pygls alone never answered
    again after any of these, and allocated the declared length up front: ``99999999999999``
    killed it with MemoryError.)"""
    body = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "workspace/symbol"}).encode()
    for case, header in HEADERLESS.items():
        wire.forget()
        await wire.write(header + body)
        following = await wire.request("workspace/symbol", {"query": "Beta"})
        assert (await wire.response(following))["result"], case
        await wire.assert_serving()
        assert 5 not in wire.responses, case
        assert wire.errors() == [], case


async def test_headers_in_any_order_and_split_writes(wire: Wire) -> None:
    """Content-Type before Content-Length, and a frame delivered in small pieces, are fine."""
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 5, "method": "workspace/symbol", "params": {"query": "Beta"}}
    ).encode()
    data = (
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )
    for start in range(0, len(data), 7):
        await wire.write(data[start : start + 7])
    assert (await wire.response(5))["result"]
    await wire.assert_serving()


# --- methods -------------------------------------------------------------------------------------


async def test_unknown_methods(wire: Wire) -> None:
    """An unknown request: -32601 (``$/`` ones too, as the LSP asks); an unknown notification
    is ignored."""
    for method in ["vault/noSuchMethod", "$/noSuchMethod", "textDocument/fly"]:
        msg_id = await wire.request(method, {"anything": [1, 2]})
        answer = await wire.response(msg_id)
        assert answer["error"]["code"] == METHOD_NOT_FOUND, (method, answer)
        await wire.assert_serving()
    wire.forget()
    for method in ["vault/noSuchNotification", "$/noSuchNotification"]:
        await wire.notify(method, {"anything": [1, 2]})
        await wire.assert_serving()
    assert wire.errors() == []
    assert not wire.error_popups()


# --- lifecycle -----------------------------------------------------------------------------------


async def test_requests_before_initialize(fresh: Wire) -> None:
    """LSP: before ``initialize``, requests are answered with -32002 and notifications dropped
    (``exit`` excepted). (pygls alone answers them as if initialized, and a ``didOpen`` then
    fails inside pygls with an "Error in server" message.)"""
    symbols = await fresh.request("workspace/symbol", {"query": ""})
    hover = await fresh.request(
        "textDocument/hover",
        {"textDocument": {"uri": fresh.uri("Alpha.md")}, "position": {"line": 0, "character": 0}},
    )
    shutdown = await fresh.request("shutdown")
    await fresh.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": fresh.uri("Alpha.md"),
                "languageId": "markdown",
                "version": 1,
                "text": "# Not Alpha\n",
            }
        },
    )
    for msg_id in (symbols, hover, shutdown):
        answer = await fresh.response(msg_id)
        assert answer["error"]["code"] == SERVER_NOT_INITIALIZED, answer
    await fresh.initialize()
    await fresh.assert_serving()  # the dropped didOpen did not replace Alpha's text
    assert not fresh.error_popups()


async def test_initialize_twice(wire: Wire) -> None:
    """LSP: "the initialize request may only be sent once"; the second one is an invalid request
    and leaves the session as it was."""
    msg_id = await wire.request("initialize", {"processId": None, "capabilities": {}})
    answer = await wire.response(msg_id)
    assert answer["error"]["code"] == INVALID_REQUEST, answer
    await wire.assert_serving()


async def test_exit_before_initialize(fresh: Wire) -> None:
    await fresh.notify("exit")
    assert await fresh.exit_code() == 1


async def test_exit_without_shutdown(wire: Wire) -> None:
    """LSP: exit code 1 when ``exit`` comes without ``shutdown`` before it. (pygls alone: 0.)"""
    await wire.notify("exit")
    assert await wire.exit_code() == 1


async def test_shutdown_then_exit(wire: Wire) -> None:
    """LSP: after ``shutdown`` requests fail with -32600 (pygls alone drops them, so the client
    waits forever) and ``exit`` ends the process with code 0."""
    answer = await wire.call("shutdown")
    assert answer["result"] is None and "error" not in answer, answer
    late = await wire.request("workspace/symbol", {"query": "Beta"})
    assert (await wire.response(late))["error"]["code"] == INVALID_REQUEST
    await wire.notify("exit")
    assert await wire.exit_code() == 0


async def test_end_of_input_ends_the_server(wire: Wire) -> None:
    """The editor went away without a word: the server must not linger."""
    assert wire.process.stdin is not None
    wire.process.stdin.close()
    while await asyncio.wait_for(wire.read_message(), ANSWER_SECONDS) is not None:
        pass
    await wire.exit_code()


# --- parameters ----------------------------------------------------------------------------------

WRONG_PARAMS = {
    "position-a-string": ("textDocument/hover", {"textDocument": {"uri": "x"}, "position": "x"}),
    "position-missing": ("textDocument/hover", {"textDocument": {"uri": "x"}}),
    "params-missing": ("textDocument/hover", None),
    "params-an-array": ("textDocument/definition", [1, 2]),
    "line-negative": (
        "textDocument/completion",
        {"textDocument": {"uri": "x"}, "position": {"line": -1, "character": 0}},
    ),
    "line-a-word": (
        "textDocument/references",
        {
            "textDocument": {"uri": "x"},
            "position": {"line": "three", "character": 0},
            "context": {"includeDeclaration": True},
        },
    ),
}


async def test_wrongly_typed_params_are_invalid_params(wire: Wire) -> None:
    """JSON-RPC 2.0: -32602. (pygls alone raises while reading the message, answers nothing, so
    the client waits forever, and pops "Error in server: Invalid Params".)"""
    for case, (method, params) in WRONG_PARAMS.items():
        msg_id = await wire.request(method, params)
        answer = await wire.response(msg_id)
        assert answer["error"]["code"] == INVALID_PARAMS, (case, answer)
        await wire.assert_serving()
    assert not wire.error_popups()


WELL_TYPED_NONSENSE = {
    "position-past-the-end": (
        "textDocument/hover",
        {"textDocument": {"uri": "Alpha.md"}, "position": {"line": 10**9, "character": 10**9}},
    ),
    "uri-not-a-uri": (
        "textDocument/hover",
        {"textDocument": {"uri": "not a uri"}, "position": {"line": 0, "character": 0}},
    ),
    "uri-outside-the-vault": (
        "textDocument/definition",
        {"textDocument": {"uri": "file:///etc/passwd"}, "position": {"line": 0, "character": 0}},
    ),
    "unopened-document": (
        "textDocument/documentLink",
        {"textDocument": {"uri": "Nowhere.md"}},
    ),
}


# Deviation left: the lsprotocol converter turns any scalar or list into a string where a string
# is expected (``str(value)``), so these are answered as ordinary requests, not with -32602.
COERCED = {
    "uri-a-number": ("textDocument/documentSymbol", {"textDocument": {"uri": 5}}),
    "query-a-list": ("workspace/symbol", {"query": ["Beta"]}),
    "line-a-numeric-string": (
        "textDocument/hover",
        {"textDocument": {"uri": "Alpha.md"}, "position": {"line": "2", "character": 7}},
    ),
}


async def test_well_typed_nonsense_gets_an_ordinary_answer(wire: Wire) -> None:
    for case, (method, params) in {**WELL_TYPED_NONSENSE, **COERCED}.items():
        uri = params.get("textDocument", {}).get("uri")
        if isinstance(uri, str) and uri.endswith(".md") and ":" not in uri:
            params["textDocument"]["uri"] = wire.uri(uri)
        answer = await wire.call(method, params)
        assert "error" not in answer, (case, answer)
        if case in WELL_TYPED_NONSENSE:
            assert answer["result"] in (None, []), (case, answer)
        await wire.assert_serving()


BAD_NOTIFICATIONS = {
    "didOpen-text-a-number": (
        "textDocument/didOpen",
        {"textDocument": {"uri": "Gamma.md", "languageId": "markdown", "version": 1, "text": 5}},
    ),
    "didOpen-no-params": ("textDocument/didOpen", None),
    "didChange-unopened": (
        "textDocument/didChange",
        {
            "textDocument": {"uri": "Nowhere.md", "version": 2},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": 5, "character": 0},
                        "end": {"line": 6, "character": 0},
                    },
                    "text": "x",
                }
            ],
        },
    ),
    "didClose-unopened": ("textDocument/didClose", {"textDocument": {"uri": "Nowhere.md"}}),
    "cancel-without-id": ("$/cancelRequest", {}),
}


async def test_bad_notifications_are_survived(wire: Wire) -> None:
    """A notification cannot be answered: it is dropped (logged on stderr)."""
    for case, (method, params) in BAD_NOTIFICATIONS.items():
        if isinstance(params, dict) and "textDocument" in params:
            params["textDocument"]["uri"] = wire.uri(params["textDocument"]["uri"])
        await wire.notify(method, params)
        await wire.assert_serving()
        assert wire.errors() == [], case


# --- cancellation --------------------------------------------------------------------------------


async def test_cancel_a_pending_request(wire: Wire) -> None:
    """The request and its cancellation arrive together. Every request handler of vault-ls is
    synchronous, so the request is answered before the cancellation is read; either way it gets
    exactly one response (a result or -32800)."""
    request = {
        "jsonrpc": "2.0",
        "id": 77,
        "method": "workspace/symbol",
        "params": {"query": "Beta"},
    }
    cancel = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 77}}
    await wire.write(frame(request) + frame(cancel))
    answer = await wire.response(77)
    assert answer.get("result") or answer["error"]["code"] == REQUEST_CANCELLED, answer
    await wire.assert_serving()
    assert len(wire.responses[77]) == 1


async def test_cancel_an_unknown_request(wire: Wire) -> None:
    for msg_id in [123456, "no-such-request"]:
        await wire.notify("$/cancelRequest", {"id": msg_id})
        await wire.assert_serving()
    assert wire.errors() == []


# --- size ----------------------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


async def test_ten_megabyte_message(wire: Wire) -> None:
    """A 10 MB frame is read and decoded, and the next request is answered within seconds. The
    document lies outside the vault, so this measures the wire, not the Markdown parser."""
    text = "plain words in a line of text\n" * (TEN_MB // 30)
    started = time.monotonic()
    await wire.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": "file:///outside/Big.md",
                "languageId": "markdown",
                "version": 1,
                "text": text,
            }
        },
    )
    await wire.assert_serving()
    assert time.monotonic() - started < 3


async def test_ten_megabyte_note(wire: Wire) -> None:
    """A 10 MB note opened in the vault: it is parsed off the event loop (up to the 5 MB cap),
    and the server keeps answering meanwhile, from what it has indexed so far."""
    paragraph = "A paragraph of prose that links to [[Beta]] and #tags it.\n\n"
    text = "See [[Beta]].\n\n" + paragraph * (TEN_MB // len(paragraph))
    await wire.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": wire.uri("Big.md"),
                "languageId": "markdown",
                "version": 1,
                "text": text,
            }
        },
    )
    started = time.monotonic()
    hover = await wire.request(
        "textDocument/hover",
        {"textDocument": {"uri": wire.uri("Big.md")}, "position": {"line": 0, "character": 6}},
    )
    try:
        answer = await wire.response(hover, timeout=5)
        assert answer["result"] is None  # not indexed yet: no answer rather than a wait
        await wire.assert_serving()
        assert time.monotonic() - started < 5
    finally:
        wire.process.kill()  # do not wait for the parse to end


# --- stdout --------------------------------------------------------------------------------------


async def test_stdout_carries_only_json_rpc(fresh: Wire) -> None:
    """A whole session, hostile input included, read byte for byte off stdout to end of file:
    only frames (``Wire.read_message`` asserts it). Logging and tracebacks go to stderr."""
    await fresh.request("workspace/symbol", {"query": ""})
    await fresh.initialize()
    await fresh.write(raw_frame(b"{abc}"))
    await fresh.request("textDocument/hover", {"position": "x"})
    await fresh.request("vault/noSuchMethod")
    await fresh.assert_serving()
    await fresh.call("shutdown")
    await fresh.notify("exit")
    while await asyncio.wait_for(fresh.read_message(), ANSWER_SECONDS) is not None:
        pass
    assert await fresh.exit_code() == 0
    assert fresh.stderr.read_bytes(), "the hostile input above was logged on stderr"


async def test_a_request_failed_on_purpose_logs_no_traceback(wire: Wire, tmp_path: Path) -> None:
    """The VS Code panels ask about every note shown, loose ones too: each RequestFailed is
    answered with its reason, and the server log (stderr) gets no traceback for it."""
    loose = (tmp_path / "Loose — note.md").as_uri()
    for _ in range(3):
        answer = await wire.call("vault/backlinks", {"uri": loose})
        assert answer["error"]["code"] == -32803
        assert "is not in any vault" in answer["error"]["message"]
    await wire.assert_serving()
    assert b"Traceback" not in wire.stderr.read_bytes()


# --- where stdin comes from ----------------------------------------------------------------------


def test_messages_read_from_a_file(tmp_path: Path) -> None:
    """stdin a file, not a pipe (``vault-ls < session.lsp``): the event loop cannot wait on a
    file, so it is read in a thread; every request is answered and the exit code is 0."""
    root = write_vault(tmp_path / "vault — 金庫", VAULT)
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": root.as_uri(), "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "vault/status", "params": {}},
        {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]  # fmt: skip
    session = tmp_path / "session.lsp"
    session.write_bytes(b"".join(frame(message) for message in messages))
    with session.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "vault_ls"], stdin=stdin, capture_output=True, timeout=60
        )
    answers = {}
    rest = done.stdout
    while rest:
        header, _, rest = rest.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        message, rest = json.loads(rest[:length]), rest[length:]
        if "id" in message and "method" not in message:
            answers[message["id"]] = message
    assert sorted(answers) == [1, 2, 3]
    assert [vault["root"] for vault in answers[2]["result"]["vaults"]] == [root.as_uri()]
    assert answers[3]["result"] is None
    assert done.returncode == 0


async def test_an_endless_line_is_skipped_to_the_next_header() -> None:
    """Junk without a newline longer than the reader keeps: dropped, and the header after it
    is still read (a huge line must not end the server)."""
    from vault_ls.protocol import LoopStdin

    read_end, write_end = os.pipe()
    with open(read_end, "rb", buffering=0) as stream:
        reader = LoopStdin(stream, longest_line=64)  # type: ignore[arg-type]
        os.write(write_end, b"x" * 200 + b"Content-Length: 2\r\n\r\n{}")
        os.close(write_end)
        assert await reader.readline() == b"Content-Length: 2\r\n"
        assert await reader.readline() == b"\r\n"
        assert await reader.readexactly(2) == b"{}"
        assert await reader.readline() == b""  # end of input
