"""A small asyncio LSP client over stdio: Content-Length framing, requests, notifications,
server-to-client requests and waiting for notifications that match a predicate.

Written for the benchmark so that nothing between the editor's pipe and the server is hidden:
the timings are wall-clock times of JSON-RPC round trips as an editor sees them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any


class RawJSON(str):
    """A result that is already serialized JSON: sent verbatim (no decode/encode round trip)."""


class LspError(Exception):
    def __init__(self, method: str, error: dict[str, Any]):
        super().__init__(f"{method}: {error.get('code')} {error.get('message')}")
        self.error = error


RequestHandler = Callable[[Any], Awaitable[Any]]


class LspClient:
    def __init__(
        self,
        name: str,
        cmd: list[str],
        cwd: Path,
        env: dict[str, str] | None = None,
        stderr_path: Path | None = None,
    ):
        self.name = name
        self.cmd = cmd
        self.cwd = cwd
        self.env = env
        self.stderr_path = stderr_path
        self.proc: asyncio.subprocess.Process | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, asyncio.Future[Any]]] = {}
        self._waiters: list[
            tuple[Callable[[str, Any], bool], asyncio.Future[tuple[float, Any]]]
        ] = []
        self.handlers: dict[str, RequestHandler] = {}
        self.registrations: dict[str, Any] = {}  # client/registerCapability, by method
        self.notifications: list[tuple[float, str, Any]] = []
        self.keep_notifications = True
        self.server_requests: list[tuple[float, str]] = []
        self._reader_task: asyncio.Task[None] | None = None
        self._stderr_file: Any = None
        self.started_at = 0.0
        self.closed = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    async def start(self) -> None:
        if self.stderr_path:
            self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
            self._stderr_file = open(self.stderr_path, "wb")  # noqa: SIM115
        self.started_at = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            *self.cmd,
            cwd=str(self.cwd),
            env=self.env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._stderr_file or asyncio.subprocess.DEVNULL,
            limit=1 << 30,
        )
        self._reader_task = asyncio.create_task(self._reader())

    # ---- wire ------------------------------------------------------------------------------

    def _send(self, payload: dict[str, Any] | str) -> None:
        assert self.proc and self.proc.stdin
        body = (
            payload.encode()
            if isinstance(payload, str)
            else json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        )
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _drain(self) -> None:
        assert self.proc and self.proc.stdin
        with contextlib.suppress(ConnectionError):
            await self.proc.stdin.drain()

    async def _reader(self) -> None:
        assert self.proc and self.proc.stdout
        out = self.proc.stdout
        try:
            while True:
                length = -1
                while True:
                    line = await out.readline()
                    if not line:
                        raise EOFError
                    line = line.strip()
                    if not line:
                        break
                    key, _, value = line.partition(b":")
                    if key.lower() == b"content-length":
                        length = int(value)
                body = await out.readexactly(length)
                now = time.perf_counter()
                msg = json.loads(body)
                if "method" in msg:
                    if "id" in msg:
                        task = asyncio.create_task(self._answer(msg))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
                    else:
                        self._dispatch(now, msg["method"], msg.get("params"))
                else:
                    entry = self._pending.pop(msg.get("id"), None)
                    if entry and not entry[1].done():
                        if "error" in msg and msg["error"] is not None:
                            entry[1].set_exception(LspError(entry[0], msg["error"]))
                        else:
                            entry[1].set_result(msg.get("result"))
        except (EOFError, asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.closed.set()
            for method, fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError(f"{self.name} exited during {method}"))
            for _, fut in self._waiters:
                if not fut.done():
                    fut.set_exception(ConnectionError(f"{self.name} exited"))
                    fut.exception()  # mark retrieved: most waiters are never awaited after exit

    async def _answer(self, msg: dict[str, Any]) -> None:
        method = msg["method"]
        self.server_requests.append((time.perf_counter(), method))
        handler = self.handlers.get(method)
        try:
            result = await handler(msg.get("params")) if handler else None
        except Exception as exc:  # answer with an error rather than hanging the server
            self._send(
                {"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32603, "message": repr(exc)}}
            )
        else:
            if isinstance(result, RawJSON):
                self._send(f'{{"jsonrpc":"2.0","id":{json.dumps(msg["id"])},"result":{result}}}')
            else:
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
        await self._drain()

    def _dispatch(self, now: float, method: str, params: Any) -> None:
        if self.keep_notifications or method == "$/progress":
            self.notifications.append((now, method, params))
        if self._waiters:
            keep = []
            for pred, fut in self._waiters:
                if fut.done():
                    continue
                try:
                    hit = pred(method, params)
                except Exception:
                    hit = False
                if hit:
                    fut.set_result((now, params))
                else:
                    keep.append((pred, fut))
            self._waiters = keep

    # ---- API -------------------------------------------------------------------------------

    async def request(self, method: str, params: Any, timeout: float = 60.0) -> Any:
        req_id = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = (method, fut)
        self._send({"jsonrpc": "2.0", "id": req_id, "method": method, "params": params})
        await self._drain()
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            self._pending.pop(req_id, None)
            self._send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": req_id}})
            raise

    async def timed(self, method: str, params: Any, timeout: float = 60.0) -> tuple[float, Any]:
        """(milliseconds, result) of one request."""
        t0 = time.perf_counter()
        result = await self.request(method, params, timeout)
        return (time.perf_counter() - t0) * 1000, result

    async def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})
        await self._drain()

    def waiter(self, pred: Callable[[str, Any], bool]) -> asyncio.Future[tuple[float, Any]]:
        """A future for the next notification matching ``pred``: (perf_counter time, params).

        Create it *before* sending what triggers the notification."""
        fut: asyncio.Future[tuple[float, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((pred, fut))
        return fut

    async def stop(self, timeout: float = 10.0) -> None:
        if not self.proc:
            return
        if self.proc.returncode is None and not self.closed.is_set():
            with contextlib.suppress(Exception):
                await self.request("shutdown", None, timeout=timeout)
                await self.notify("exit", None)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        if self._reader_task:
            self._reader_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader_task
        if self._stderr_file:
            self._stderr_file.close()


def proc_memory(pid: int | None) -> dict[str, float | None]:
    """Current and peak resident set size (MiB) of a live process, from /proc/<pid>/status."""
    out: dict[str, float | None] = {"rss_mib": None, "peak_rss_mib": None}
    if pid is None:
        return out
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            out["rss_mib"] = round(int(line.split()[1]) / 1024, 1)
        elif line.startswith("VmHWM:"):
            out["peak_rss_mib"] = round(int(line.split()[1]) / 1024, 1)
    return out


def proc_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds used so far by a live process (from /proc/<pid>/stat)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return round((int(fields[11]) + int(fields[12])) / ticks, 2)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    children = _children_map()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


class TreeSampler:
    """Samples a process and its descendants (e.g. parse workers) every ``interval`` seconds:
    the peak of their summed RSS, the peak process count, and CPU seconds per pid (the last value
    seen, so workers that exit are still counted)."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid = pid
        self.interval = interval
        self.peak_rss_mib = 0.0
        self.peak_processes = 0
        self.cpu: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        pids = process_tree(self.pid)
        total = 0.0
        for pid in pids:
            mem = proc_memory(pid)
            total += mem["rss_mib"] or 0.0
            cpu = proc_cpu_seconds(pid)
            if cpu is not None:
                self.cpu[pid] = cpu
        self.peak_rss_mib = max(self.peak_rss_mib, round(total, 1))
        self.peak_processes = max(self.peak_processes, len(pids))

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.sample()
        if self._task:
            self._task.cancel()

    def summary(self) -> dict[str, Any]:
        return {
            "peak_tree_rss_mib": self.peak_rss_mib,
            "peak_processes": self.peak_processes,
            "tree_cpu_seconds": round(sum(self.cpu.values()), 2),
        }
