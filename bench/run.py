"""Benchmark vault-ls against a generated vault, and the peer vscode-markdown-languageserver.

    python bench/run.py --notes 10000                 # generates bench/vaults/10k when missing
    python bench/run.py --vault bench/vaults/10k --no-peer
    python bench/run.py --vault ../shared/corpora/obsidian-help   # any vault: start figures only
    python bench/run.py --smoke          # 1k notes, correctness only, exit 1 on failure

Both servers are started over stdio exactly as an editor starts them and every figure is the
wall-clock time of JSON-RPC traffic on their pipes. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import (
    LspClient,
    LspError,
    RawJSON,
    TreeSampler,
    proc_cpu_seconds,
    proc_memory,
)

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEER_DIR = BENCH / ".peer"
PEER_MAIN = PEER_DIR / "node_modules/vscode-markdown-languageserver/dist/node/workerMain.js"
UNSUPPORTED = "unsupported"
INDEX_TITLE = "Indexing vault"
MAX_OPEN = 10  # documents kept open at once; the oldest is closed first
SYMBOL_QUERY = "summary"  # every generated note has a "## Summary" heading


# ---- small helpers ---------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[k], 2)


def stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": pct(values, 50),
        "p99_ms": pct(values, 99),
        "max_ms": round(max(values), 2) if values else None,
    }


def uri_to_path(uri: str) -> str:
    return os.path.normpath(unquote(urlparse(uri).path))


def same_uri(params: dict[str, Any], uri: str) -> bool:
    """Does a notification's ``uri`` name the same file as ``uri`` (however it is encoded)?"""
    got = params.get("uri")
    return got == uri or (isinstance(got, str) and uri_to_path(got) == uri_to_path(uri))


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


def utf16_to_index(line: str, character: int) -> int:
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def locations(result: Any) -> list[tuple[str, dict[str, Any]]]:
    """Normalise a definition answer to [(path, range)]."""
    if not result:
        return []
    items = result if isinstance(result, list) else [result]
    out = []
    for item in items:
        if "targetUri" in item:
            out.append(
                (
                    uri_to_path(item["targetUri"]),
                    item.get("targetSelectionRange") or item["targetRange"],
                )
            )
        elif "uri" in item:
            out.append((uri_to_path(item["uri"]), item["range"]))
    return out


def completion_items(result: Any) -> tuple[list[dict[str, Any]], bool]:
    if result is None:
        return [], False
    if isinstance(result, list):
        return result, False
    return result.get("items", []), bool(result.get("isIncomplete"))


def item_texts(item: dict[str, Any]) -> list[str]:
    texts = [item.get("label", ""), item.get("filterText") or "", item.get("insertText") or ""]
    edit = item.get("textEdit")
    if edit:
        texts.append(edit.get("newText", ""))
    return texts


class Doc:
    """An open document as the client holds it, with LSP-style edits (UTF-16 columns)."""

    def __init__(self, path: Path):
        self.path = path
        self.uri = path_to_uri(path)
        self.text = path.read_text(encoding="utf-8")
        self.version = 1

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def offset(self, line: int, character: int) -> int:
        lines = self.lines
        return sum(len(x) + 1 for x in lines[:line]) + utf16_to_index(lines[line], character)

    def end(self) -> tuple[int, int]:
        lines = self.lines
        return len(lines) - 1, utf16_len(lines[-1])

    def edit(self, start: tuple[int, int], end: tuple[int, int], new: str) -> dict[str, Any]:
        a, b = self.offset(*start), self.offset(*end)
        self.text = self.text[:a] + new + self.text[b:]
        self.version += 1
        return {
            "range": {
                "start": {"line": start[0], "character": start[1]},
                "end": {"line": end[0], "character": end[1]},
            },
            "text": new,
        }


class Session:
    """One running server plus what the bench needs to drive documents in it."""

    def __init__(self, client: LspClient, vault: Path, incremental: bool = True):
        self.client = client
        self.vault = vault
        self.docs: dict[str, Doc] = {}
        self.capabilities: dict[str, Any] = {}
        self.incremental = incremental
        self.max_open = MAX_OPEN
        self.sampler: TreeSampler | None = None

    async def open(self, rel: str) -> Doc:
        if rel in self.docs:
            return self.docs[rel]
        while len(self.docs) >= self.max_open:  # an editor with a handful of tabs, not hundreds
            await self.close(next(iter(self.docs)))
        doc = Doc(self.vault / rel)
        self.docs[rel] = doc
        await self.client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": doc.uri,
                    "languageId": "markdown",
                    "version": doc.version,
                    "text": doc.text,
                }
            },
        )
        return doc

    async def change(
        self, doc: Doc, start: tuple[int, int], end: tuple[int, int], new: str
    ) -> None:
        change = doc.edit(start, end, new)
        if not self.incremental:
            change = {"text": doc.text}
        await self.client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc.uri, "version": doc.version}, "contentChanges": [change]},
        )

    async def close(self, rel: str) -> None:
        doc = self.docs.pop(rel, None)
        if doc:
            await self.client.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})


def client_capabilities() -> dict[str, Any]:
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": True, "showMessage": {}},
        "workspace": {
            "workspaceFolders": True,
            "configuration": True,
            "symbol": {"dynamicRegistration": False},
            "diagnostics": {"refreshSupport": False},
            "didChangeWatchedFiles": {"dynamicRegistration": True},
        },
        "textDocument": {
            "synchronization": {"didSave": True},
            "completion": {
                "completionItem": {"snippetSupport": True, "labelDetailsSupport": True},
                "contextSupport": True,
            },
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "definition": {"linkSupport": True},
            "references": {},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": True,
                "codeDescriptionSupport": True,
                "dataSupport": True,
            },
            "diagnostic": {"dynamicRegistration": False, "relatedDocumentSupport": False},
        },
    }


def default_handlers(client: LspClient, vault: Path) -> None:
    async def null(_params: Any) -> None:
        return None

    async def configuration(params: Any) -> list[Any]:
        return [None for _ in params.get("items", [])]

    async def folders(_params: Any) -> list[dict[str, str]]:
        return [{"uri": path_to_uri(vault), "name": vault.name}]

    for method in (
        "window/workDoneProgress/create",
        "client/registerCapability",
        "client/unregisterCapability",
        "window/showMessageRequest",
        "workspace/diagnostic/refresh",
        "workspace/semanticTokens/refresh",
        "workspace/inlayHint/refresh",
        "workspace/codeLens/refresh",
    ):
        client.handlers[method] = null

    async def register(params: Any) -> None:
        for registration in (params or {}).get("registrations", []):
            client.registrations[registration.get("method", "")] = registration
        return None

    client.handlers["client/registerCapability"] = register
    client.handlers["workspace/configuration"] = configuration
    client.handlers["workspace/workspaceFolders"] = folders


# ---- vault-ls --------------------------------------------------------------------------------


def vault_ls_env(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Keep the server's on-disk cache inside the bench, so "cold" really is cold.
    env["XDG_CACHE_HOME"] = str(cache_dir)
    env["VAULT_LS_CACHE_DIR"] = str(cache_dir / "vault-ls")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


# Run once before any timed start: what an installed vault-ls has after its first start.
FIRST_START = """
from vault_ls.generated_code import GeneratedCode
from vault_ls.vault.cache import cache_folder
generated = GeneratedCode(cache_folder())
generated.install()
import vault_ls.server
generated.save()
"""


def ready_installation(cache_dir: Path) -> None:
    """Bytecode for vault-ls's modules (pip compiles a wheel's at install; an editable checkout
    run with PYTHONDONTWRITEBYTECODE=1, as here, compiled ~65 modules, 0.1-0.2 s, at every
    start) and the generated code of lsprotocol's classes (``vault_ls.generated_code``, kept
    by the first start), so that "cold" means a vault never indexed, not a fresh install."""
    import vault_ls

    compileall.compile_dir(Path(vault_ls.__file__).parent, quiet=1)
    empty_note_cache(cache_dir)
    subprocess.run(
        [sys.executable, "-c", FIRST_START], env=vault_ls_env(cache_dir), check=True, timeout=120
    )


def empty_note_cache(cache_dir: Path) -> None:
    """Remove the cached notes of every vault; keep the generated code, which belongs to the
    installation, as bytecode does."""
    kept = {p: p.read_bytes() for p in (cache_dir / "vault-ls").glob("generated-code-*.marshal")}
    shutil.rmtree(cache_dir, ignore_errors=True)
    for path, code in kept.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(code)
    cache_dir.mkdir(parents=True, exist_ok=True)


async def start_vault_ls(
    args: argparse.Namespace,
    vault: Path,
    label: str,
    results_dir: Path,
    probe_during_index: bool = False,
) -> tuple[Session, dict[str, Any]]:
    """Start the server, initialize, and wait until it has indexed the vault."""
    cmd = args.server_cmd.split() if args.server_cmd else [sys.executable, "-m", "vault_ls"]
    client = LspClient(
        "vault-ls",
        cmd,
        cwd=vault,
        env=vault_ls_env(args.cache_dir),
        stderr_path=results_dir / f"vault-ls-{label}.stderr.log",
    )
    default_handlers(client, vault)
    session = Session(client, vault)
    figures: dict[str, Any] = {}
    progress_tokens: set[Any] = set()

    def index_begin(method: str, params: Any) -> bool:
        value = params.get("value", {}) if method == "$/progress" else {}
        if (
            value.get("kind") == "begin"
            and INDEX_TITLE.lower() in str(value.get("title", "")).lower()
        ):
            progress_tokens.add(params.get("token"))
            return True
        return False

    def index_end(method: str, params: Any) -> bool:
        if method != "$/progress":
            return False
        index_begin(method, params)
        value = params.get("value", {})
        return value.get("kind") == "end" and params.get("token") in progress_tokens

    began = client.waiter(index_begin)
    ended = client.waiter(index_end)
    await client.start()
    t0 = client.started_at
    assert client.pid is not None
    session.sampler = TreeSampler(client.pid)
    session.sampler.start()
    init = await client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "clientInfo": {"name": "vault-ls-bench", "version": "1"},
            "rootUri": path_to_uri(vault),
            "rootPath": str(vault),
            "workspaceFolders": [{"uri": path_to_uri(vault), "name": vault.name}],
            "capabilities": client_capabilities(),
            "trace": "off",
        },
        timeout=args.timeout,
    )
    figures["initialize_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    session.capabilities = init.get("capabilities", {}) if init else {}
    sync = session.capabilities.get("textDocumentSync")
    change_kind = sync.get("change") if isinstance(sync, dict) else sync
    session.incremental = change_kind == 2
    figures["server_info"] = init.get("serverInfo") if init else None
    await client.notify("initialized", {})
    await client.notify("workspace/didChangeConfiguration", {"settings": {}})

    stop_probe = asyncio.Event()
    probe = (
        asyncio.create_task(completion_while_indexing(session, "Hub.md", stop_probe))
        if probe_during_index and (vault / "Hub.md").exists()
        else None
    )
    index_source = "progress"
    try:
        await asyncio.wait_for(asyncio.shield(began), args.progress_wait)
        done_at = await wait_index_end(client, ended, session.sampler, args)
    except TimeoutError:
        index_source = "workspace/symbol"
        done_at = await symbol_until_complete(client, args, vault)
    except ConnectionError as exc:
        raise RuntimeError(f"vault-ls exited while indexing: {exc}") from exc
    stop_probe.set()
    if probe is not None:
        try:
            figures["completion_while_indexing"] = await probe
        except Exception as exc:
            figures["completion_while_indexing"] = {"status": f"error: {exc!r}"[:300]}
    figures["index_ms"] = round((done_at - t0) * 1000, 1) if done_at else None
    figures["index_signal"] = index_source
    figures["memory_after_index"] = proc_memory(client.pid)
    figures["cpu_seconds_to_index"] = proc_cpu_seconds(client.pid)
    session.sampler.sample()
    figures["with_workers_to_index"] = session.sampler.summary()
    return session, figures


async def wait_index_end(
    client: LspClient, ended: asyncio.Future[Any], sampler: TreeSampler, args: argparse.Namespace
) -> float:
    """The time of the progress ``end``; gives up (RuntimeError) when the server and its
    workers neither report progress nor use CPU for ``--stall`` seconds, or after ``--timeout``."""
    started = time.perf_counter()
    last_cpu, last_activity, last_progress = -1.0, started, 0.0
    while True:
        try:
            done_at, _ = await asyncio.wait_for(asyncio.shield(ended), 5)
            return float(done_at)
        except TimeoutError:
            pass
        now = time.perf_counter()
        cpu = sum(sampler.cpu.values())
        progress = max((t for t, m, _ in client.notifications if m == "$/progress"), default=0.0)
        if cpu - last_cpu > 0.5 or progress > last_progress:
            last_cpu, last_activity, last_progress = cpu, now, progress
        if now - last_activity > args.stall:
            raise RuntimeError(
                f"indexing stalled: no $/progress and no CPU for {args.stall:.0f} s "
                f"(processes: {sampler.peak_processes})"
            )
        if now - started > args.timeout:
            raise RuntimeError(f"indexing did not finish within {args.timeout:.0f} s")


async def completion_while_indexing(
    session: Session, rel: str, stop: asyncio.Event
) -> dict[str, Any]:
    """Is the server responsive while it indexes? ``[[ab`` completions every 0.25 s until done."""
    doc = await session.open(rel)
    line, _ = doc.end()
    await session.change(doc, (line, 0), (line, 0), "[[ab")
    times: list[float] = []
    while not stop.is_set():
        ms, _ = await session.client.timed(
            "textDocument/completion",
            {"textDocument": {"uri": doc.uri}, "position": {"line": line, "character": 4}},
            timeout=600,
        )
        times.append(ms)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)
    await session.change(doc, (line, 0), (line, 4), "")
    await session.close(rel)
    return stats(times)


async def symbol_until_complete(
    client: LspClient, args: argparse.Namespace, vault: Path
) -> float | None:
    """Fallback index signal: poll workspace/symbol until the answer covers every note (or stops
    growing for a few polls). Returns the perf_counter time of the first complete answer."""
    expected = sum(1 for _ in vault.rglob("*.md"))
    deadline = time.perf_counter() + args.timeout
    previous, stable = -1, 0
    while time.perf_counter() < deadline:
        try:
            result = await client.request("workspace/symbol", {"query": ""}, timeout=args.timeout)
        except (LspError, TimeoutError):
            result = None
        now = time.perf_counter()
        uris = {(s.get("location") or {}).get("uri") for s in result or []}
        if len(uris) >= expected:
            return now
        stable = stable + 1 if len(uris) == previous and uris else 0
        if stable >= 5:
            return now
        previous = len(uris)
        await asyncio.sleep(0.2)
    return None


def probe_position(probe: dict[str, Any]) -> dict[str, int]:
    """A cursor position on the target part of a link."""
    text = probe["text"]
    opener = "](" if probe["kind"] == "markdown" else "[["
    offset = text.index(opener) + 3
    return {"line": probe["line"], "character": probe["start"] + utf16_len(text[:offset])}


def has_capability(session: Session, name: str) -> bool:
    return bool(session.capabilities.get(name))


async def measure_completion(
    session: Session, manifest: dict[str, Any], rng: random.Random, samples: int
) -> dict[str, Any]:
    if not has_capability(session, "completionProvider"):
        return {"status": UNSUPPORTED}
    notes = manifest["notes_meta"]
    by_k: dict[int, list[float]] = {k: [] for k in range(4)}
    counts: dict[int, list[int]] = {k: [] for k in range(4)}
    hits = 0
    for _ in range(samples):
        source = rng.choice(notes[2:])["path"]
        target = rng.choice(notes[2:])["name"]
        doc = await session.open(source)
        for k in range(4):
            typed = "[[" + target[:k]
            line, _ = doc.end()
            await session.change(doc, (line, 0), (line, 0), typed)
            cursor = {"line": line, "character": utf16_len(typed)}
            context = {"triggerKind": 2, "triggerCharacter": "["} if k == 0 else {"triggerKind": 1}
            ms, result = await session.client.timed(
                "textDocument/completion",
                {"textDocument": {"uri": doc.uri}, "position": cursor, "context": context},
            )
            items, _ = completion_items(result)
            by_k[k].append(ms)
            counts[k].append(len(items))
            if k == 3 and any(target in t for it in items for t in item_texts(it)):
                hits += 1
            await session.change(doc, (line, 0), (line, utf16_len(typed)), "")
    all_ms = [v for k in by_k for v in by_k[k]]
    out: dict[str, Any] = {"all": stats(all_ms), "first_ms": round(by_k[0][0], 1)}
    for k in range(4):
        out[f"typed_{k}"] = stats(by_k[k]) | {"mean_items": round(sum(counts[k]) / len(counts[k]))}
    out["target_in_items_after_3_chars"] = f"{hits}/{samples}"
    return out


async def measure_md_path_completion(
    session: Session, manifest: dict[str, Any], rng: random.Random, samples: int
) -> dict[str, Any]:
    """``[x](`` appended on a note's last line, completion at the cursor (both servers)."""
    if not has_capability(session, "completionProvider"):
        return {"status": UNSUPPORTED}
    notes = manifest["notes_meta"][2:]
    times: list[float] = []
    sizes: list[int] = []
    for _ in range(samples):
        doc = await session.open(rng.choice(notes)["path"])
        line, _ = doc.end()
        typed = "[x]("
        await session.change(doc, (line, 0), (line, 0), typed)
        ms, res = await session.client.timed(
            "textDocument/completion",
            {
                "textDocument": {"uri": doc.uri},
                "position": {"line": line, "character": utf16_len(typed)},
                "context": {"triggerKind": 1},
            },
        )
        times.append(ms)
        sizes.append(len(completion_items(res)[0]))
        await session.change(doc, (line, 0), (line, utf16_len(typed)), "")
    return stats(times) | {"mean_items": round(sum(sizes) / len(sizes))}


async def measure_hover_definition(
    session: Session, manifest: dict[str, Any], rng: random.Random, samples: int
) -> dict[str, Any]:
    probes = [p for p in manifest["probes"] if not p["broken"] and p["kind"] != "embed-image"]
    chosen = rng.sample(probes, min(samples, len(probes)))
    out: dict[str, Any] = {}
    for method, cap in (
        ("textDocument/hover", "hoverProvider"),
        ("textDocument/definition", "definitionProvider"),
    ):
        if not has_capability(session, cap):
            out[method.split("/")[1]] = {"status": UNSUPPORTED}
            continue
        times: list[float] = []
        correct = 0
        for probe in chosen:
            doc = await session.open(probe["source"])
            ms, result = await session.client.timed(
                method, {"textDocument": {"uri": doc.uri}, "position": probe_position(probe)}
            )
            times.append(ms)
            if method.endswith("definition"):
                want = os.path.normpath(str((session.vault / probe["target_path"]).resolve()))
                correct += any(path == want for path, _ in locations(result))
            else:
                correct += bool(result and result.get("contents"))
        key = method.split("/")[1]
        out[key] = stats(times) | {"answered": f"{correct}/{len(chosen)}"}
    return out


def find_wikilink(doc: Doc, names: set[str]) -> tuple[int, int, str] | None:
    """(line, utf16 column of the name, name) of the first plain ``[[Name]]`` to a real note,
    outside fenced code."""
    fence = False
    for i, line in enumerate(doc.lines):
        if line.startswith("```"):
            fence = not fence
        if fence:
            continue
        for m in re.finditer(r"(?<![!`])\[\[([^\]|#^`]+)\]\]", line):
            if m.group(1) in names:
                return i, utf16_len(line[: m.start(1)]), m.group(1)
    return None


async def measure_diagnostic_latency(
    session: Session, rel: str, names: set[str], rounds: int, timeout: float
) -> dict[str, Any]:
    """didChange that breaks (then mends) one link -> the publishDiagnostics that reflects it."""
    client = session.client
    doc = await session.open(rel)
    found = find_wikilink(doc, names)
    if not found:
        return {"status": "no link found"}
    line, col, name = found
    times: list[float] = []
    current = name
    for j in range(rounds):
        broken = j % 2 == 0
        new = f"Missing Bench Target {j}" if broken else name

        def matches(
            method: str, params: Any, want_broken: bool = broken, version: int = doc.version + 1
        ) -> bool:
            if method != "textDocument/publishDiagnostics" or not same_uri(params, doc.uri):
                return False
            if params.get("version") is not None and params["version"] < version:
                return False
            on_line = [
                d
                for d in params.get("diagnostics", [])
                if d["range"]["start"]["line"] == line and d.get("code") == "unresolved-link"
            ]
            return bool(on_line) == want_broken

        fut = client.waiter(matches)
        t0 = time.perf_counter()
        await session.change(doc, (line, col), (line, col + utf16_len(current)), new)
        current = new
        try:
            at, _ = await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            last = [
                (params.get("version"), len(params.get("diagnostics", [])))
                for _, method, params in client.notifications
                if method == "textDocument/publishDiagnostics" and same_uri(params, doc.uri)
            ]
            return {
                "status": f"no matching publishDiagnostics within {timeout}s",
                "sent_version": doc.version,
                "publishes_seen (version, count)": last[-5:],
                "done": len(times),
            } | (stats(times) if times else {})
        times.append((at - t0) * 1000)
    return stats(times)


async def measure_references(session: Session, manifest: dict[str, Any]) -> dict[str, Any]:
    if not has_capability(session, "referencesProvider"):
        return {"status": UNSUPPORTED}
    probe = next((p for p in manifest["probes"] if p["kind"] == "hub"), None)
    if probe is None:
        return {"status": "no hub link in probes"}
    doc = await session.open(probe["source"])
    params = {
        "textDocument": {"uri": doc.uri},
        "position": probe_position(probe),
        "context": {"includeDeclaration": False},
    }
    times, count = [], 0
    for _ in range(5):
        ms, result = await session.client.timed("textDocument/references", params, timeout=120)
        times.append(ms)
        count = len(result or [])
    return {
        "first_ms": round(times[0], 2),
        "repeat": stats(times[1:]),
        "count": count,
        "expected": manifest["hub"]["backlinks"],
    }


async def measure_workspace_diagnostic(session: Session, timeout: float) -> dict[str, Any]:
    provider = session.capabilities.get("diagnosticProvider")
    if not (isinstance(provider, dict) and provider.get("workspaceDiagnostics")):
        return {"status": UNSUPPORTED}
    params: dict[str, Any] = {"previousResultIds": []}
    if provider.get("identifier"):
        params["identifier"] = provider["identifier"]
    ms, result = await session.client.timed("workspace/diagnostic", params, timeout=timeout)
    items = (result or {}).get("items", [])
    diags = [d for item in items for d in item.get("items", [])]
    codes: dict[str, int] = {}
    for d in diags:
        codes[str(d.get("code"))] = codes.get(str(d.get("code")), 0) + 1
    return {"ms": round(ms, 1), "reports": len(items), "diagnostics": len(diags), "by_code": codes}


async def run_vault_ls(
    args: argparse.Namespace, vault: Path, manifest: dict[str, Any] | None, results_dir: Path
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    empty_note_cache(args.cache_dir)
    rng = random.Random(7)
    session, cold = await start_vault_ls(args, vault, "cold", results_dir)
    out["cold"] = cold
    out["capabilities"] = sorted(k for k, v in session.capabilities.items() if v)
    if manifest is None or args.index_only:
        # the start figures need no manifest: cold, RSS, warm (the latency probes do)
        if session.sampler:
            session.sampler.stop()
        await session.client.stop()
        out["warm"] = await start_only(args, vault, "warm", results_dir)
        return out
    names = {n["name"] for n in manifest["notes_meta"]}
    steps = [
        ("completion", lambda: measure_completion(session, manifest, rng, args.samples)),
        (
            "completion_md_path",
            lambda: measure_md_path_completion(session, manifest, rng, args.samples),
        ),
        (
            "hover_definition",
            lambda: measure_hover_definition(session, manifest, rng, args.samples * 2),
        ),
        (
            "diagnostics_link_edit",
            lambda: measure_diagnostic_latency(
                session, pick_note_with_link(manifest), names, args.rounds, 30
            ),
        ),
        (
            "diagnostics_big_note",
            lambda: measure_diagnostic_latency(
                session, manifest["big"]["path"], names, args.rounds, 60
            ),
        ),
        ("references_hub", lambda: measure_references(session, manifest)),
        ("workspace_diagnostic", lambda: measure_workspace_diagnostic(session, args.timeout)),
    ]
    out["memory_after_step"] = {}  # where memory grows: current and peak RSS after each step
    for key, step in steps:
        try:
            out[key] = await step()
        except (LspError, TimeoutError, ConnectionError, RuntimeError) as exc:
            out[key] = {"status": f"error: {exc!r}"[:300]}
        if session.client.closed.is_set():
            out[key] = {"status": "server exited"}
            break
        out["memory_after_step"][key] = proc_memory(session.client.pid)
    out["memory_end"] = proc_memory(session.client.pid)
    out["cpu_seconds_total"] = proc_cpu_seconds(session.client.pid)
    if session.sampler:
        session.sampler.stop()
        out["with_workers_total"] = session.sampler.summary()
    await session.client.stop()
    # second start: whatever the first one left in its cache is there now
    out["warm"] = await start_only(args, vault, "warm", results_dir)
    cache_files = [
        p
        for p in args.cache_dir.rglob("*")
        if p.is_file() and not p.name.startswith("generated-code-")
    ]
    out["cache"] = {
        "dir": str(args.cache_dir),
        "files": len(cache_files),
        "bytes": sum(p.stat().st_size for p in cache_files),
    }
    # third start, cold again, with completions every 0.25 s while it indexes: is it usable
    # during a whole cold index? (kept apart: the requests slow the index that "cold" times)
    empty_note_cache(args.cache_dir)
    out["cold_busy"] = await start_only(args, vault, "cold-busy", results_dir)
    return out


async def start_only(
    args: argparse.Namespace, vault: Path, label: str, results_dir: Path
) -> dict[str, Any]:
    """The figures of a start (with completions while it indexes), then stop."""
    try:
        session, figures = await start_vault_ls(
            args, vault, label, results_dir, probe_during_index=True
        )
        if session.sampler:
            session.sampler.stop()
        await session.client.stop()
        return figures
    except Exception as exc:
        return {"status": f"error: {exc!r}"[:300]}


def pick_note_with_link(manifest: dict[str, Any]) -> str:
    for probe in manifest["probes"]:
        if probe["kind"] == "wiki" and probe["source"] != manifest["big"]["path"]:
            return probe["source"]
    return manifest["notes_meta"][2]["path"]


# ---- the peer: vscode-markdown-languageserver --------------------------------------------------


class NodeHelper:
    """bench/peer_helper.mjs: reads files and tokenizes with markdown-it for the peer."""

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.pending: dict[int, asyncio.Future[str]] = {}
        self.seq = 0
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            "node",
            str(BENCH / "peer_helper.mjs"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 30,
        )
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc and self.proc.stdout
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                break
            seq, _, body = line.decode().rstrip("\n").partition(" ")
            fut = self.pending.pop(int(seq), None)
            if fut and not fut.done():
                fut.set_result(body)
        for fut in self.pending.values():  # the helper died: fail its requests, do not hang
            if not fut.done():
                fut.set_exception(ConnectionError("peer_helper.mjs exited"))

    async def call(self, op: str, path: str, text: str | None = None) -> RawJSON:
        assert self.proc and self.proc.stdin
        self.seq += 1
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.pending[self.seq] = fut
        req = {"id": self.seq, "op": op, "path": path}
        if text is not None:
            req["text"] = text
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        await self.proc.stdin.drain()
        return RawJSON(await fut)

    async def stop(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self.task:
            self.task.cancel()


PEER_SETTINGS = {
    "markdown": {
        "suggest": {"paths": {"enabled": True, "includeWorkspaceHeaderCompletions": "never"}},
        "occurrencesHighlight": {"enabled": False},
        "preferredMdPathExtensionStyle": "auto",
        "validate": {
            "enabled": True,
            "referenceLinks": {"enabled": "warning"},
            "fragmentLinks": {"enabled": "warning"},
            "fileLinks": {"enabled": "warning", "markdownFragmentLinks": "inherit"},
            "ignoredLinks": [],
            "unusedLinkDefinitions": {"enabled": "hint"},
            "duplicateLinkDefinitions": {"enabled": "warning"},
        },
        "server": {"log": "off"},
    }
}


async def run_peer(
    args: argparse.Namespace, vault: Path, manifest: dict[str, Any] | None, results_dir: Path
) -> dict[str, Any]:
    if not PEER_MAIN.exists():
        return {"status": "not installed (run bench/install-peer.sh)"}
    helper = NodeHelper()
    await helper.start()
    client = LspClient(
        "peer",
        ["node", str(PEER_MAIN), "--stdio"],
        cwd=vault,
        stderr_path=results_dir / "peer.stderr.log",
    )
    client.keep_notifications = False
    default_handlers(client, vault)
    md_files = sorted(str(p) for p in vault.rglob("*.md"))

    async def find_files(_params: Any) -> list[str]:
        return [Path(p).as_uri() for p in md_files]

    async def read_file(params: Any) -> RawJSON:
        return await helper.call("read", uri_to_path(params["uri"]))

    async def parse(params: Any) -> RawJSON:
        return await helper.call("parse", uri_to_path(params["uri"]), params.get("text"))

    async def stat(params: Any) -> dict[str, bool] | None:
        p = Path(uri_to_path(params["uri"]))
        return {"isDirectory": p.is_dir()} if p.exists() else None

    async def read_dir(params: Any) -> list[Any]:
        p = Path(uri_to_path(params["uri"]))
        return (
            [[c.name, {"isDirectory": c.is_dir()}] for c in sorted(p.iterdir())]
            if p.is_dir()
            else []
        )

    async def null(_params: Any) -> None:
        return None

    client.handlers.update(
        {
            "markdown/findMarkdownFilesInWorkspace": find_files,
            "markdown/fs/readFile": read_file,
            "markdown/parse": parse,
            "markdown/fs/stat": stat,
            "markdown/fs/readDirectory": read_dir,
            "markdown/fs/watcher/create": null,
            "markdown/fs/watcher/delete": null,
        }
    )
    bench_cpu0 = time.process_time()
    out: dict[str, Any] = {}
    try:
        await client.start()
        t0 = client.started_at
        init = await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": path_to_uri(vault),
                "workspaceFolders": [{"uri": path_to_uri(vault), "name": vault.name}],
                "capabilities": client_capabilities(),
                "initializationOptions": {"markdownFileExtensions": ["md"]},
            },
            timeout=args.timeout,
        )
        out["initialize_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        caps = init.get("capabilities", {})
        await client.notify("initialized", {})
        await client.notify("workspace/didChangeConfiguration", {"settings": PEER_SETTINGS})
        result = await client.request(
            "workspace/symbol", {"query": SYMBOL_QUERY}, timeout=args.timeout
        )
        done = time.perf_counter()
        covered = len({s["location"]["uri"] for s in result or []})
        out["index_ms"] = round((done - t0) * 1000, 1)
        out["index_signal"] = f"first workspace/symbol '{SYMBOL_QUERY}'"
        out["symbols_cover_notes"] = f"{covered}/{len(md_files)}"
        out["memory_after_index"] = proc_memory(client.pid)
        out["cpu_seconds_to_index"] = proc_cpu_seconds(client.pid)
        out["client_cpu_seconds_to_index"] = {
            "tokenizer_helper": proc_cpu_seconds(helper.proc.pid if helper.proc else None),
            "bench_process": round(time.process_time() - bench_cpu0, 2),
        }
        ms, _ = await client.timed("workspace/symbol", {"query": SYMBOL_QUERY}, args.timeout)
        out["workspace_symbol_repeat_ms"] = round(ms, 1)
        session = Session(client, vault, incremental=True)
        session.capabilities = dict(caps)
        if "textDocument/completion" in client.registrations:  # registered dynamically
            session.capabilities["completionProvider"] = client.registrations[
                "textDocument/completion"
            ].get("registerOptions", True)
        if manifest is not None and not args.index_only:
            out["completion_md_path"] = await measure_md_path_completion(
                session, manifest, random.Random(11), args.samples
            )
        out["memory_end"] = proc_memory(client.pid)
        out["cpu_seconds_total"] = proc_cpu_seconds(client.pid)
        out["tokenizer_helper_memory"] = proc_memory(helper.proc.pid if helper.proc else None)
        out["version"] = json.loads((PEER_MAIN.parents[2] / "package.json").read_text())["version"]
    except (LspError, TimeoutError, ConnectionError) as exc:
        out["status"] = f"error: {exc!r}"[:300]
    finally:
        await client.stop()
        await helper.stop()
    return out


# ---- smoke -----------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []
        self.warnings: list[tuple[str, str]] = []

    def warn(self, name: str, detail: str) -> None:
        self.warnings.append((name, detail))
        print(f"  WARN  {name}: {detail}", flush=True)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.results.append((name, ok, detail))
        print(f"  {'PASS' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)

    @property
    def failed(self) -> int:
        return sum(1 for _, ok, _ in self.results if not ok)


async def run_smoke(
    args: argparse.Namespace, vault: Path, manifest: dict[str, Any], results_dir: Path
) -> int:
    checks = Checks()
    empty_note_cache(args.cache_dir)
    try:
        session, figures = await start_vault_ls(args, vault, "smoke", results_dir)
    except Exception as exc:
        checks.add("server starts and indexes", False, repr(exc)[:300])
        return 1
    checks.add(
        "server starts and indexes",
        figures["index_ms"] is not None,
        f"signal: {figures['index_signal']}",
    )
    try:
        await smoke_checks(session, manifest, checks)
    except Exception:
        checks.add("smoke run finished", False, traceback.format_exc(limit=3)[-600:])
    finally:
        if session.sampler:
            session.sampler.stop()
        await session.client.stop()
    print(f"smoke: {len(checks.results) - checks.failed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


async def smoke_checks(session: Session, manifest: dict[str, Any], checks: Checks) -> None:
    client = session.client
    caps = session.capabilities
    vault = session.vault
    notes = manifest["notes_meta"]

    # completion after [[ with most of a real name typed
    if caps.get("completionProvider"):
        target = next(n for n in notes[2:] if n["name"].isascii())
        doc = await session.open(notes[3]["path"])
        line, _ = doc.end()
        typed = "[[" + target["name"][:-2]
        await session.change(doc, (line, 0), (line, 0), typed)
        result = await client.request(
            "textDocument/completion",
            {
                "textDocument": {"uri": doc.uri},
                "position": {"line": line, "character": utf16_len(typed)},
                "context": {"triggerKind": 1},
            },
        )
        items, _ = completion_items(result)
        ok = any(target["name"] in t for it in items for t in item_texts(it))
        checks.add(
            "completion offers the typed note", ok, f"{target['name']!r} among {len(items)} items"
        )
        await session.change(doc, (line, 0), (line, utf16_len(typed)), "")
    else:
        checks.add("completion offers the typed note", False, "no completionProvider")

    # definition lands on the right file (and line, for heading/block links)
    if caps.get("definitionProvider"):
        kinds = [
            "wiki",
            "wiki-display",
            "wiki-heading",
            "wiki-block",
            "wiki-path",
            "embed",
            "markdown",
            "hub",
        ]
        for kind in kinds:
            probe = next(
                (p for p in manifest["probes"] if p["kind"] == kind and not p["broken"]), None
            )
            if probe is None:
                continue
            doc = await session.open(probe["source"])
            result = await client.request(
                "textDocument/definition",
                {"textDocument": {"uri": doc.uri}, "position": probe_position(probe)},
            )
            locs = locations(result)
            want = os.path.normpath(str((vault / probe["target_path"]).resolve()))
            hit = [r for path, r in locs if path == want]
            ok = bool(hit)
            detail = f"{probe['text']} in {probe['source']}"
            if ok and probe.get("target_line") is not None:
                ok = any(r["start"]["line"] == probe["target_line"] for r in hit)
                detail += f" -> line {probe['target_line']}"
            if not ok:
                detail += f"; got {[(Path(p).name, r['start']['line']) for p, r in locs][:3]}"
            checks.add(f"definition of a {kind} link", ok, detail)
        # a link on a line with non-ASCII text before it (UTF-16 columns)
        probe = next(
            (
                p
                for p in manifest["probes"]
                if not p["broken"]
                and p["kind"] in ("wiki", "wiki-display")
                and not p["target"].isascii()
            ),
            None,
        )
        if probe:
            doc = await session.open(probe["source"])
            result = await client.request(
                "textDocument/definition",
                {"textDocument": {"uri": doc.uri}, "position": probe_position(probe)},
            )
            want = os.path.normpath(str((vault / probe["target_path"]).resolve()))
            checks.add(
                "definition of a link to a non-ASCII name",
                any(p == want for p, _ in locations(result)),
                probe["text"],
            )
    else:
        checks.add("definition", False, "no definitionProvider")

    # hover answers on a link
    if caps.get("hoverProvider"):
        probe = next(p for p in manifest["probes"] if p["kind"] == "wiki" and not p["broken"])
        doc = await session.open(probe["source"])
        result = await client.request(
            "textDocument/hover",
            {"textDocument": {"uri": doc.uri}, "position": probe_position(probe)},
        )
        checks.add(
            "hover on a link has contents", bool(result and result.get("contents")), probe["text"]
        )
    else:
        checks.add("hover", False, "no hoverProvider")

    # a broken link yields unresolved-link; links in code spans/fences do not
    broken = next(p for p in manifest["probes"] if p["broken"] and p["kind"] == "wiki")
    diags = await diagnostics_for(session, broken["source"])
    if diags is None:
        checks.add(
            "broken link -> unresolved-link diagnostic",
            False,
            "no publishDiagnostics and no textDocument/diagnostic answer",
        )
    else:
        hit = [
            d
            for d in diags
            if d.get("code") == "unresolved-link"
            and d["range"]["start"]["line"] == broken["line"]
            and d["range"]["start"]["character"] <= broken["end"]
            and d["range"]["end"]["character"] >= broken["start"]
        ]
        checks.add(
            "broken link -> unresolved-link diagnostic",
            bool(hit),
            f"{broken['text']} at {broken['source']}:{broken['line'] + 1}",
        )
        await asyncio.sleep(0.6)  # let the debounced publish arrive
        spelled = [
            p["uri"]
            for _, m, p in session.client.notifications
            if m == "textDocument/publishDiagnostics"
            and same_uri(p, path_to_uri(session.vault / broken["source"]))
        ]
        opened = path_to_uri(session.vault / broken["source"])
        if any(u != opened for u in spelled):
            checks.warn(
                "publishDiagnostics names the document by another URI spelling",
                f"opened {opened!r}, published {spelled[-1]!r}",
            )
        sources = {d.get("source") for d in diags}
        checks.add("diagnostics carry source 'vault-ls'", sources <= {"vault-ls"}, str(sources))
    fake = manifest["fake_probes"][:3]
    false_hits = []
    for probe in fake:
        diags = await diagnostics_for(session, probe["source"]) or []
        false_hits += [
            d
            for d in diags
            if d.get("code") == "unresolved-link" and d["range"]["start"]["line"] == probe["line"]
        ]
    checks.add(
        "links inside code are not links",
        not false_hits,
        f"{len(false_hits)} unresolved-link diagnostics on code lines",
    )

    # references to the hub
    if caps.get("referencesProvider"):
        probe = next(p for p in manifest["probes"] if p["kind"] == "hub")
        doc = await session.open(probe["source"])
        result = await client.request(
            "textDocument/references",
            {
                "textDocument": {"uri": doc.uri},
                "position": probe_position(probe),
                "context": {"includeDeclaration": False},
            },
            timeout=120,
        )
        count = len(result or [])
        expected = manifest["hub"]["backlinks"]
        checks.add(
            "references to the hub note", count == expected, f"{count} found, {expected} generated"
        )
    else:
        checks.add("references", False, "no referencesProvider")


async def diagnostics_for(session: Session, rel: str) -> list[dict[str, Any]] | None:
    """Diagnostics of one note: pulled when the server offers pull, else the published ones."""
    client = session.client
    already = rel in session.docs
    doc_uri = path_to_uri(session.vault / rel)
    fut = client.waiter(
        lambda m, p: m == "textDocument/publishDiagnostics" and same_uri(p, doc_uri)
    )
    doc = await session.open(rel)
    if session.capabilities.get("diagnosticProvider"):
        with contextlib.suppress(LspError, TimeoutError):
            result = await client.request(
                "textDocument/diagnostic", {"textDocument": {"uri": doc.uri}}
            )
            if result and result.get("kind") == "full":
                return result.get("items", [])
    if already:
        for _, method, params in reversed(client.notifications):
            if method == "textDocument/publishDiagnostics" and same_uri(params, doc.uri):
                return params.get("diagnostics", [])
    try:
        _, params = await asyncio.wait_for(fut, 10)
        return params.get("diagnostics", [])
    except TimeoutError:
        return None


# ---- report ----------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(Exception):
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    with contextlib.suppress(Exception):
        info["node"] = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    with contextlib.suppress(Exception):
        mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        info["mem_gib"] = round(int(mem) / 1024 / 1024, 1)
    with contextlib.suppress(Exception):
        info["loadavg_at_start"] = os.getloadavg()
    with contextlib.suppress(Exception):
        info["vault_ls_commit"] = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    return info


def get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return str(value)


def cell(section: Any, *keys: str, unit: str = " ms") -> str:
    if isinstance(section, dict) and "status" in section and len(keys) and keys[0] not in section:
        return str(section["status"])
    return fmt(get(section, *keys), unit)


def report(result: dict[str, Any]) -> str:
    v = result.get("vault_ls", {})
    p = result.get("peer", {})
    rows: list[tuple[str, str, str]] = []

    def row(label: str, ours: str, peer: str = "") -> None:
        rows.append((label, ours, peer))

    row("cold start -> indexed", cell(v.get("cold"), "index_ms"), cell(p, "index_ms"))
    row("  index signal", fmt(get(v, "cold", "index_signal")), fmt(p.get("index_signal")))
    row("  initialize answered", cell(v.get("cold"), "initialize_ms"), cell(p, "initialize_ms"))
    row(
        "  CPU seconds to index",
        fmt(get(v, "cold", "cpu_seconds_to_index"), " s"),
        fmt(p.get("cpu_seconds_to_index"), " s"),
    )
    row(
        "  CPU s to index incl. workers",
        fmt(get(v, "cold", "with_workers_to_index", "tree_cpu_seconds"), " s"),
        "",
    )
    row("warm restart -> indexed", cell(v.get("warm"), "index_ms"), "")
    cwi = get(v, "warm", "completion_while_indexing")
    row(
        "  completion while indexing p50 / max",
        f"{cell(cwi, 'p50_ms')} / {cell(cwi, 'max_ms')} (n={fmt(get(cwi, 'n'))})",
    )
    cwi = get(v, "cold_busy", "completion_while_indexing")
    row("cold start with requests -> indexed", cell(v.get("cold_busy"), "index_ms"), "")
    row(
        "  completion while indexing p50 / max",
        f"{cell(cwi, 'p50_ms')} / {cell(cwi, 'max_ms')} (n={fmt(get(cwi, 'n'))})",
    )
    comp = v.get("completion", {})
    vmd, pmd = v.get("completion_md_path"), p.get("completion_md_path")
    row(
        "completion [x]( path p50 / p99 (items)",
        f"{cell(vmd, 'p50_ms')} / {cell(vmd, 'p99_ms')} ({fmt(get(vmd, 'mean_items'))})",
        f"{cell(pmd, 'p50_ms')} / {cell(pmd, 'p99_ms')} ({fmt(get(pmd, 'mean_items'))})",
    )
    row(
        "completion [[ p50 / p99",
        f"{cell(comp, 'all', 'p50_ms')} / {cell(comp, 'all', 'p99_ms')}",
        "no wikilinks",
    )
    for k in range(4):
        row(
            f"  {k} chars typed p50 / p99 (items)",
            f"{cell(comp, f'typed_{k}', 'p50_ms')} / {cell(comp, f'typed_{k}', 'p99_ms')} "
            f"({fmt(get(comp, f'typed_{k}', 'mean_items'))})",
        )
    hd = v.get("hover_definition", {})
    for key in ("hover", "definition"):
        sec = hd.get(key, {})
        row(
            f"{key} p50 / p99 (answered)",
            f"{cell(sec, 'p50_ms')} / {cell(sec, 'p99_ms')} ({fmt(sec.get('answered'))})",
        )
    for key, label in (
        ("diagnostics_link_edit", "didChange -> diagnostics, link edit"),
        ("diagnostics_big_note", "didChange -> diagnostics, 200 KB note"),
    ):
        sec = v.get(key, {})
        row(f"{label} p50 / p99", f"{cell(sec, 'p50_ms')} / {cell(sec, 'p99_ms')}")
    ref = v.get("references_hub", {})
    row(
        "references on hub: first / repeat p50",
        f"{cell(ref, 'first_ms')} / {cell(ref, 'repeat', 'p50_ms')} "
        f"({fmt(ref.get('count'))} of {fmt(ref.get('expected'))})",
    )
    wd = v.get("workspace_diagnostic", {})
    row("workspace/diagnostic (full)", f"{cell(wd, 'ms')} ({fmt(wd.get('diagnostics'))} diags)")
    row(
        "peak RSS",
        fmt(get(v, "memory_end", "peak_rss_mib"), " MiB"),
        fmt(get(p, "memory_end", "peak_rss_mib"), " MiB"),
    )
    row(
        "  peak RSS incl. workers (sampled)",
        fmt(get(v, "with_workers_total", "peak_tree_rss_mib"), " MiB"),
        "",
    )
    row(
        "  RSS after index",
        fmt(get(v, "cold", "memory_after_index", "rss_mib"), " MiB"),
        fmt(get(p, "memory_after_index", "rss_mib"), " MiB"),
    )
    row(
        "  peak RSS to index, server tree / peer",
        fmt(get(v, "cold", "with_workers_to_index", "peak_tree_rss_mib"), " MiB"),
        fmt(get(p, "memory_after_index", "peak_rss_mib"), " MiB"),
    )
    width = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    cov = result.get("fast_path_coverage", {})
    machine = result.get("machine", {})
    lines = [
        f"vault: {result.get('vault')} ({fmt(result.get('notes'))} notes)",
        f"fast path: {fmt(cov.get('fast_path'))} of {fmt(cov.get('notes'))} notes "
        f"({cov.get('share', 0):.0%}); declined for {cov.get('declined_for')}",
        f"load average at start / end: {machine.get('loadavg_at_start')} / "
        f"{machine.get('loadavg_at_end')}",
        f"{'':{width}}  {'vault-ls':{w2}}  peer (vscode-markdown-languageserver)",
    ]
    lines += [f"{a:{width}}  {b:{w2}}  {c}" for a, b, c in rows]
    ratios = result.get("ratios", {})
    if ratios:
        lines.append(
            "ratios vault-ls / peer: "
            + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items() if v is not None)
        )
    return "\n".join(lines)


def ratios(result: dict[str, Any]) -> dict[str, float | None]:
    v, p = result.get("vault_ls", {}), result.get("peer", {})

    def ratio(a: Any, b: Any) -> float | None:
        return (
            round(a / b, 3)
            if isinstance(a, int | float) and isinstance(b, int | float) and b
            else None
        )

    return {
        "index_time": ratio(get(v, "cold", "index_ms"), p.get("index_ms")),
        "md_path_completion_p50": ratio(
            get(v, "completion_md_path", "p50_ms"), get(p, "completion_md_path", "p50_ms")
        ),
        "md_path_completion_p99": ratio(
            get(v, "completion_md_path", "p99_ms"), get(p, "completion_md_path", "p99_ms")
        ),
        "wiki_vs_path_completion_p50": ratio(
            get(v, "completion", "all", "p50_ms"), get(p, "completion_md_path", "p50_ms")
        ),
        "peak_rss": ratio(
            get(v, "memory_end", "peak_rss_mib"), get(p, "memory_end", "peak_rss_mib")
        ),
    }


# ---- main ------------------------------------------------------------------------------------


def ensure_vault(args: argparse.Namespace) -> tuple[Path, dict[str, Any] | None]:
    """The vault and its manifest: a generated one is made when missing; an existing vault
    without a manifest (any real vault) is used as it is, with no manifest (None)."""
    vault = args.vault or BENCH / "vaults" / label_for(args.notes)
    manifest_file = vault.parent / (vault.name + ".manifest.json")
    if args.vault is not None and vault.is_dir() and not manifest_file.exists():
        if args.smoke:
            raise SystemExit(f"--smoke needs a generated vault; {vault} has no manifest")
        return vault.resolve(), None
    if not vault.exists() or not manifest_file.exists():
        notes = args.notes
        print(f"generating {notes} notes into {vault} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "generate.py"),
                "--notes",
                str(notes),
                "--out",
                str(vault),
            ],
            check=True,
        )
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    return vault.resolve(), manifest


def fast_path_coverage(vault: Path) -> dict[str, Any]:
    """How many of the vault's notes ``fastparse`` reads (the rest go to markdown-it), and the
    commonest reasons it declines the others (``fastparse.decline_reason``)."""
    from collections import Counter

    from vault_ls.vault import fastparse, fs
    from vault_ls.vault.positions import normalize_newlines

    found = fs.scan(vault, [], fs.DEFAULT_MAX_FILES)
    reasons: Counter[str] = Counter()
    for rel in found.notes:
        raw = fs.read_note(vault / rel)[0]
        if raw is not None:
            text = normalize_newlines(raw)
            reasons[fastparse.decline_reason(text, text.split("\n")) or "fast path"] += 1
    notes = sum(reasons.values())
    fast = reasons.pop("fast path", 0)
    return {
        "notes": notes,
        "fast_path": fast,
        "share": round(fast / max(notes, 1), 3),
        "declined_for": dict(reasons.most_common(5)),
    }


def vault_bytes(vault: Path) -> int:
    return sum(p.stat().st_size for p in vault.rglob("*.md") if p.is_file())


def label_for(notes: int) -> str:
    return f"{notes // 1000}k" if notes % 1000 == 0 else str(notes)


def server_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("vault_ls.server") is not None


async def amain(args: argparse.Namespace) -> int:
    vault, manifest = ensure_vault(args)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    # absolute: the servers run in the vault, where a relative cache folder would land
    results_dir = (args.results or BENCH / "results").resolve()
    results_dir.mkdir(parents=True, exist_ok=True)
    if args.cache_dir is None:
        args.cache_dir = results_dir / f"cache-{vault.name}"
    args.cache_dir = args.cache_dir.resolve()
    if not args.peer_only:
        ready_installation(args.cache_dir)
    coverage = fast_path_coverage(vault)
    print(
        f"fast path: {coverage['fast_path']} of {coverage['notes']} notes "
        f"({coverage['share']:.0%}); declined for {coverage['declined_for']}",
        flush=True,
    )
    if args.smoke:
        assert manifest is not None
        print(f"smoke run on {vault} ({manifest['notes']} notes)", flush=True)
        return await run_smoke(args, vault, manifest, results_dir)
    if manifest is None:
        print("no manifest: start figures only (cold, warm, RSS, peer cold)", flush=True)
    result: dict[str, Any] = {
        "vault": str(vault),
        "notes": manifest["notes"] if manifest else coverage["notes"],
        "vault_bytes": manifest["bytes"] if manifest else vault_bytes(vault),
        "links": manifest["links"] if manifest else None,
        "machine": machine_info(),
        "started": stamp,
        "fast_path_coverage": coverage,
    }
    if not args.peer_only:
        if server_available() or args.server_cmd:
            print("vault-ls ...", flush=True)
            try:
                result["vault_ls"] = await run_vault_ls(args, vault, manifest, results_dir)
            except Exception as exc:
                result["vault_ls"] = {"status": f"error: {exc!r}"[:500]}
        else:
            result["vault_ls"] = {"status": "vault_ls.server not importable"}
    out = args.json or results_dir / f"{stamp}-{vault.name}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")  # partial
    if not args.no_peer:
        print("peer ...", flush=True)
        result["peer"] = await run_peer(args, vault, manifest, results_dir)
    result["ratios"] = ratios(result)
    with contextlib.suppress(OSError):
        result["machine"]["loadavg_at_end"] = os.getloadavg()
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(report(result))
    print(f"\nJSON: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10000, help="vault size to generate/use")
    parser.add_argument(
        "--vault",
        type=Path,
        help="a vault: generated (with its manifest) or any other (start figures only)",
    )
    parser.add_argument(
        "--index-only",
        action="store_true",
        help="only the start figures (cold, warm, RSS, peer cold), no latency probes",
    )
    parser.add_argument("--smoke", action="store_true", help="1k notes, correctness checks only")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer-only", action="store_true")
    parser.add_argument("--samples", type=int, default=50, help="requests per latency figure")
    parser.add_argument("--rounds", type=int, default=20, help="edits per diagnostics figure")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for indexing/big asks")
    parser.add_argument(
        "--progress-wait",
        type=float,
        default=5,
        help="seconds to wait for 'Indexing vault' progress before falling back "
        "to polling workspace/symbol",
    )
    parser.add_argument(
        "--stall",
        type=float,
        default=120,
        help="give up indexing after this many seconds without progress or CPU",
    )
    parser.add_argument("--server-cmd", help="command for vault-ls (default: python -m vault_ls)")
    parser.add_argument("--cache-dir", type=Path, help="cache dir given to vault-ls (wiped first)")
    parser.add_argument("--results", type=Path, help="directory for JSON and logs")
    parser.add_argument("--json", type=Path, help="where to write the JSON result")
    args = parser.parse_args(argv)
    if args.smoke:
        args.notes = 1000
        if args.vault is None:
            args.vault = BENCH / "vaults" / "smoke-1k"
    return asyncio.run(amain(args))


if __name__ == "__main__":
    sys.exit(main())
