"""The wire: JSON-RPC framing and the LSP lifecycle rules that pygls 2.1 does not keep.

``StrictLanguageServer`` is pygls' ``LanguageServer`` with ``VaultProtocol``, reading stdin on
its event loop (``LoopStdin``); ``framed`` hardens the reader against bad headers.
``tests/safety/test_wire.py`` holds both to the spec. Position
encoding negotiation prefers UTF-8 (``_prefer_utf8``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import stat
import sys
import threading
from collections.abc import Generator
from typing import Any, BinaryIO, cast

import cattrs
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from vault_ls.idle_gc import IdleCollector

log = logging.getLogger("vault_ls")


def _prefer_utf8(
    cls: type[ServerCapabilitiesBuilder], capabilities: types.ClientCapabilities
) -> types.PositionEncodingKind | str:
    """UTF-8 when the client offers it (no conversion at all on our side), else UTF-16."""
    offered = (capabilities.general and capabilities.general.position_encodings) or []
    if types.PositionEncodingKind.Utf8 in offered:
        return types.PositionEncodingKind.Utf8
    return types.PositionEncodingKind.Utf16


# pygls picks the client's first choice; the protocol lets the server choose among those offered.
ServerCapabilitiesBuilder.choose_position_encoding = classmethod(_prefer_utf8)  # type: ignore[method-assign,assignment]


def refreshes_diagnostics(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client pulls diagnostics and can be told to pull again."""
    document = capabilities.text_document and capabilities.text_document.diagnostic
    workspace = capabilities.workspace and capabilities.workspace.diagnostics
    return bool(document and workspace and workspace.refresh_support)


MAX_CONTENT_LENGTH = 256 * 1024 * 1024  # bytes; a larger header is junk, not an allocation
_HEADER = re.compile(rb"Content-Length: (\d+)\r\n")
HEADER_ROOM = 64  # bytes: a ``Content-Length`` header and its number


def framed(line: bytes) -> bytes:
    """A header line as pygls may read it, hardened against a client's framing mistakes.

    pygls reads lines up to ``Content-Length: N`` and a blank line, then N bytes. After a wrong N,
    or a body without a usable header, it took the rest of the body for a header line; bodies hold
    no newline, so that line ran into the next header, and so on: the server never answered again.
    Here a header line with junk before it is cut to the header (the junk is the tail of a broken
    message: that message is lost, the next one is read). A length over ``MAX_CONTENT_LENGTH`` is
    ignored: pygls reads N bytes in one call, and a huge N ended the server with MemoryError."""
    start = line.rfind(b"Content-Length:")
    if start > 0:
        log.warning("skipped %d bytes of junk before a header", start)
        line = line[start:]
    match = _HEADER.fullmatch(line)
    if match and int(match.group(1)) > MAX_CONTENT_LENGTH:
        log.warning("ignored a message over %d bytes: %r", MAX_CONTENT_LENGTH, line)
        return b"X-Ignored: Content-Length over the limit\r\n"
    return line


class LoopStdin:
    """pygls' reader of stdin, reading on the event loop itself when stdin is a pipe or socket.

    pygls reads each header line and each body in a thread of its pool: the loop is told by
    that thread, which first waits for the GIL while the loop runs Python (up to the 5 ms switch
    interval), three times a message. Read here by the loop, a hover's round trip on
    obsidian-help took 0.8 ms at the median instead of 1.5 ms. Anything else (a file, a
    terminal: the loop cannot wait on a file, and a terminal left non-blocking would break the
    shell after us) is read in a thread, as pygls does."""

    def __init__(self, stream: BinaryIO, longest_line: int = MAX_CONTENT_LENGTH) -> None:
        self.stream = stream
        self.longest_line = longest_line
        self._stream_reader: asyncio.StreamReader | None = None
        self._in_a_thread = not _is_pipe(stream)

    async def _reader(self) -> asyncio.StreamReader:
        if self._stream_reader is None:
            loop = asyncio.get_running_loop()
            reader = asyncio.StreamReader(limit=self.longest_line)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), self.stream)
            self._stream_reader = reader
        return self._stream_reader

    async def readline(self) -> bytes:
        if self._in_a_thread:
            line = await asyncio.get_running_loop().run_in_executor(None, self.stream.readline)
            return framed(line)
        reader = await self._reader()
        tail = b""  # of a line longer than the reader keeps: only its end may hold a header
        while True:
            try:
                line = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as ended:  # end of input: what came before it
                line = ended.partial
            except asyncio.LimitOverrunError as over:
                tail = (tail + await reader.readexactly(over.consumed))[-HEADER_ROOM:]
                continue
            return framed(tail + line)

    async def readexactly(self, size: int) -> bytes:
        if self._in_a_thread:
            return await asyncio.get_running_loop().run_in_executor(None, self.stream.read, size)
        reader = await self._reader()
        try:
            return await reader.readexactly(size)
        except asyncio.IncompleteReadError as ended:
            return ended.partial


def _is_pipe(stream: BinaryIO) -> bool:
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


class _Unreadable:
    """A message that pygls could not structure into its lsprotocol type."""

    def __init__(self, data: dict[str, Any], error: JsonRpcException) -> None:
        self.data = data
        self.error = error


# The members of pygls's message protocols (``RPCRequest`` and the others), which
# ``isinstance`` against the protocols checks one by one in Python: ~25 µs a protocol in
# Python 3.11, four of them for each message read.
REQUEST = ("id", "method", "jsonrpc", "params")
NOTIFICATION = ("method", "jsonrpc", "params")
MESSAGES = (REQUEST, NOTIFICATION, ("id", "jsonrpc", "result"), ("id", "jsonrpc", "error"))


def _has_all(message: Any, members: tuple[str, ...]) -> bool:
    return all(hasattr(message, member) for member in members)


def _message_id(message: Any) -> int | str | None:
    """The id to answer ``message`` with: ``None`` (written ``null``) when there is no valid one."""
    found = message.get("id") if isinstance(message, dict) else getattr(message, "id", None)
    return found if isinstance(found, int | str) and not isinstance(found, bool) else None


class VaultProtocol(LanguageServerProtocol):
    """pygls' protocol, answering where pygls 2.1 stays silent and following the LSP lifecycle:

    - wrongly typed parameters of a request: -32602 (pygls raised while reading, answered
      nothing, and the client waited forever);
    - valid JSON that is no JSON-RPC 2.0 message (array, scalar, no ``jsonrpc`` or ``method``):
      -32600 (pygls: nothing);
    - requests before ``initialize``: -32002, notifications dropped (pygls served them);
    - a second ``initialize``, and requests after ``shutdown``: -32600 (pygls: re-initialized,
      and dropped them unanswered);
    - ``exit`` without ``shutdown``: exit code 1 (pygls: 0), see ``run``.
    Unparseable JSON (-32700) is answered by ``VaultServer.report_server_error``."""

    def __init__(self, server: LanguageServer, converter: cattrs.Converter) -> None:
        super().__init__(server, converter)
        self.initialize_seen = False
        self.exit_code = 0  # end of input without ``exit``: not an error of ours

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """The session applies the changes to its own copy (``Session.document_edited``):
        pygls clamped a column past the end of a line to one before it, so its copy differed
        from the editor's, and raised ``KeyError`` for a document never opened."""
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        """Pull diagnostics are announced only to a client that can be asked to pull again
        (``workspace.diagnostics.refreshSupport``); the others get them pushed. Neovim 0.12
        pulls on every edit but takes no refresh: announced, it showed each problem twice
        (its pulls and the pushes it still needed are kept apart)."""
        result = yield from super().lsp_initialize(params)
        if not refreshes_diagnostics(params.capabilities):
            result.capabilities.diagnostic_provider = None
        return result

    def send_error(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        # A plain dict: the lsprotocol converter would drop ``"id": null``.
        data = {"code": error.code, "message": error.message}
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": data})

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "jsonrpc" in data and "id" in data and _message_id(data) is None:
            return _Unreadable(data, JsonRpcInvalidRequest("Invalid Request: bad id"))
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            return _Unreadable(data, error)

    def handle_message(self, message: Any) -> None:
        cast(StrictLanguageServer, self._server).idle_collector.message_seen()
        if isinstance(message, _Unreadable):
            self._answer_unreadable(message)
            return
        if (
            not any(_has_all(message, members) for members in MESSAGES)
            or message.jsonrpc != self.VERSION
        ):
            log.warning("not a JSON-RPC 2.0 message: %.200r", message)
            self.send_error(_message_id(message), JsonRpcInvalidRequest())
            return
        method = getattr(message, "method", None)
        if _has_all(message, REQUEST):
            error: JsonRpcException | None = None
            if method == types.INITIALIZE:
                if self.initialize_seen:
                    error = JsonRpcInvalidRequest("initialize may only be sent once")
                self.initialize_seen = True
            elif not self.initialize_seen:
                error = JsonRpcServerNotInitialized("the server is not initialized")
            elif self._shutdown:
                error = JsonRpcInvalidRequest("the server is shutting down")
            if error is not None:
                self.send_error(message.id, error)
                return
        elif method == types.EXIT:
            self.exit_code = 0 if self._shutdown else 1
        elif method is not None and not self.initialize_seen:
            log.warning("dropped %r: the server is not initialized", method)
            return
        super().handle_message(message)

    def _answer_unreadable(self, message: _Unreadable) -> None:
        data, error = message.data, message.error
        method = data.get("method")
        if not isinstance(method, str) and ("result" in data or "error" in data):
            log.warning("unreadable response from the client: %s", error)
            return
        if isinstance(method, str) and "id" not in data:
            log.warning("unreadable %r notification: %s", method, _reason(error))
            return
        if not isinstance(method, str):
            error = JsonRpcInvalidRequest()
        elif isinstance(error, JsonRpcInvalidParams):
            error = JsonRpcInvalidParams(f"Invalid params for {method}: {_reason(error)}")
        self.send_error(_message_id(data), error)


def _reason(error: JsonRpcException) -> str:
    """cattrs' account of what did not fit, e.g. ``invalid value for type, expected int @
    $.params.position.line``."""
    cause = error.__cause__
    if isinstance(cause, cattrs.ClassValidationError):
        return "; ".join(cattrs.transform_error(cause, path="$"))
    return str(cause or error)


class StrictLanguageServer(LanguageServer):
    """pygls' server speaking through ``VaultProtocol``."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(name, version, protocol_cls=VaultProtocol)
        self.idle_collector = IdleCollector()

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls' ``start_io``, reading through ``LoopStdin``."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = LoopStdin(stdin or sys.stdin.buffer)
        try:
            asyncio.run(
                run_async(
                    stop_event=self._stop_event,
                    reader=reader,
                    protocol=self.protocol,
                    logger=log,
                    error_handler=self.report_server_error,
                )
            )
        except BrokenPipeError:
            log.error("the connection to the client is lost: shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Unparseable JSON is answered with -32700 and ``id: null`` (JSON-RPC 2.0), not popped at
        the user as an error of the server (pygls' default)."""
        if isinstance(error, json.JSONDecodeError | UnicodeDecodeError | RecursionError):
            log.warning("unparseable message from the client: %s", error)
            cast(VaultProtocol, self.protocol).send_error(None, JsonRpcParseError())
            return
        super().report_server_error(error, source)


def exit_code(server: LanguageServer) -> int:
    return cast(VaultProtocol, server.protocol).exit_code


class AnsweredFailures(logging.Filter):
    """Drops pygls' traceback for a request that failed on purpose (RequestFailed, its reason
    already in the answer): a panel asking about a note outside every vault on each refresh
    would otherwise fill the editor's server log and push what matters out of view."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            isinstance(error, JsonRpcException)
            and error.code == int(types.LSPErrorCodes.RequestFailed)
        )
