// VS Code client for vault-ls: starts the server for the Markdown files of the open folder,
// passes the `vault-ls.*` settings to it, shows indexing progress and the note count in the
// status bar, and offers "Restart Server" and "Show Server Log". When the server cannot start,
// the status bar says so and one notification names the command tried and the setting to change.
import * as cp from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  CancellationToken,
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCreateParams,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from "vscode-languageclient/node";
import { registerGraph } from "./graph";
import { registerPanels, ViewText } from "./panels";

const SECTION = "vault-ls";

let client: LanguageClient | undefined;
let status: IndexStatus | undefined;
let output: vscode.OutputChannel | undefined;
let extensionPath = "";

/** What the extension exports to other extensions (and to the end-to-end tests). */
export interface VaultLsApi {
  /** Resolves once the server has answered `initialize`. */
  ready(): Promise<void>;
  /** Notes in the vault, as last reported by the server ("Indexed N notes"), or undefined. */
  noteCount(): number | undefined;
  /** True while the server reports indexing progress. */
  indexing(): boolean;
  /** Why the server is not running (as the status bar and the notification say), or undefined. */
  failure(): string | undefined;
  /** The Vault views' rows for the active note, refreshed first (for the end-to-end tests). */
  views(): Promise<ViewText>;
}

export async function activate(context: vscode.ExtensionContext): Promise<VaultLsApi> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel("Vault LS");
  status = new IndexStatus();
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("vault-ls.restartServer", async () => {
      if (client) {
        await stopClient();
      }
      await startClient().catch(() => undefined); // reported in the status bar and a notification
    }),
    vscode.commands.registerCommand("vault-ls.showLog", () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // Settings the server reads are pushed by the client (synchronize.configurationSection);
      // only a different server command needs a restart.
      if (e.affectsConfiguration(`${SECTION}.server`)) {
        await vscode.commands.executeCommand("vault-ls.restartServer");
      }
    }),
    { dispose: () => void stopClient() },
  );

  let started: Promise<void> = Promise.resolve();
  const views = registerPanels(context, () => client, () => started);
  registerGraph(context, () => client, () => started);
  if (vscode.workspace.workspaceFolders?.length) {
    started = startClient().catch(() => undefined);
  } else {
    output.appendLine("vault-ls: no folder is open; open a vault folder to start the server.");
  }
  return {
    ready: () => started,
    noteCount: () => status?.notes,
    indexing: () => status?.busy ?? false,
    failure: () => status?.failure,
    views,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return stopClient();
}

async function startClient(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  status?.starting();
  const server = resolveServer(config);
  if ("problem" in server) {
    reportFailure(server.problem);
    throw new Error(server.problem);
  }
  const shown = [server.command, ...server.args].join(" ");
  output?.appendLine(`vault-ls: starting ${shown} (${server.origin})`);

  // Spawned here rather than by the client, to keep the end of what the server printed: it
  // goes into the failure notification.
  let stderrTail = "";
  let exit: string | undefined;
  let exited: Promise<void> = Promise.resolve();
  const serverOptions: ServerOptions = () =>
    new Promise<cp.ChildProcess>((resolve, reject) => {
      stderrTail = "";
      exit = undefined;
      const child = cp.spawn(server.command, server.args, { stdio: "pipe" });
      child.stderr?.on("data", (data: Buffer) => {
        stderrTail = (stderrTail + data.toString()).slice(-2000);
      });
      exited = new Promise<void>((done) =>
        child.on("exit", (code, signal) => {
          exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          done();
        }),
      );
      child.once("spawn", () => resolve(child));
      child.once("error", (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === "ENOENT" ? `${server.command} was not found` : err.message)),
      );
    });
  const whyStopped = () => {
    const said = lastLines(stderrTail);
    return `"${shown}" ${exit ?? "stopped"}${said ? `: ${said}` : ""}`;
  };

  let running = false;
  let reported = false;
  const fail = async (reason?: string) => {
    // The exit status arrives after the closed pipe that ended the session.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (!reported) {
      reported = true;
      reportFailure(`${reason ?? whyStopped()}.`, server.setting);
    }
  };
  const restarts: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: serverSettings(config),
    synchronize: { configurationSection: SECTION },
    outputChannel: output,
    traceOutputChannel: output,
    initializationFailedHandler: () => false, // reported below, once
    errorHandler: {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: count && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: async (): Promise<CloseHandlerResult> => {
        // A server that never answered `initialize` will not do better on a second try.
        if (!running) {
          await fail();
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        restarts.push(now);
        if (restarts.filter((t) => now - t < 3 * 60 * 1000).length <= 4) {
          output?.appendLine(`vault-ls: ${whyStopped()}; restarting`);
          return { action: CloseAction.Restart, handled: true };
        }
        running = false;
        await fail(`the server stopped 5 times in 3 minutes; the last time ${whyStopped()}`);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };
  client = new QuietStartClient(SECTION, "Vault LS", serverOptions, clientOptions);
  client.registerFeature(new IndexProgressFeature(client, status!));
  try {
    await client.start();
    running = true;
    (client as QuietStartClient).started = true;
  } catch (err) {
    await fail(exit !== undefined || stderrTail ? undefined : err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** The client's own notifications while starting ("couldn't create connection to server") would
 * repeat the one reportFailure shows, with less to go on: they go to the log only. */
class QuietStartClient extends LanguageClient {
  started = false;

  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    super.error(message, data, this.started ? showNotification : false);
  }
}

/** The server could not start or keeps stopping: say so in the status bar, once in a notification. */
function reportFailure(reason: string, setting = `${SECTION}.server.command`): void {
  const message = `vault-ls could not start: ${reason} ${advice(setting)}`;
  output?.appendLine(message);
  status?.failed(message);
  void vscode.window.showErrorMessage(message, "Show Log", "Open Settings").then((choice) => {
    if (choice === "Show Log") {
      output?.show(true);
    } else if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server`);
    }
  });
}

function advice(setting: string): string {
  if (setting === `${SECTION}.server.python`) {
    return `Set "${setting}" to a Python 3.11 or newer, or "${SECTION}.server.command" to the command that runs vault-ls.`;
  }
  return `Install vault-ls (see the extension's README), or set "${setting}" to the command that runs it.`;
}

function lastLines(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  return lines.slice(-2).join(" ");
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch {
      // already stopped or failed to start
    }
  }
}

interface ServerChoice {
  command: string;
  args: string[];
  /** Where the command came from, for the log. */
  origin: string;
  /** The setting that would change it, for the failure notification. */
  setting: string;
}

const BUNDLED_PYTHONS = ["python3", "python3.13", "python3.12", "python3.11", "python"];

/**
 * `vault-ls.server.command`, else `vault-ls` on the PATH, else the server this extension
 * carries run with a Python 3.11+ (`vault-ls.server.python`, else the first of BUNDLED_PYTHONS
 * that is new enough); else what was tried, as a sentence.
 */
export function resolveServer(config: vscode.WorkspaceConfiguration): ServerChoice | { problem: string } {
  const configured = config.get<string[] | string>("server.command");
  const setting = `${SECTION}.server.command`;
  if (Array.isArray(configured) && configured.length > 0) {
    const [command, ...args] = configured.map(expandHome);
    return { command, args, origin: `from ${setting}`, setting };
  }
  if (typeof configured === "string" && configured.trim() !== "") {
    return { command: expandHome(configured.trim()), args: [], origin: `from ${setting}`, setting };
  }
  const onPath = which("vault-ls");
  if (onPath) {
    return { command: onPath, args: [], origin: "found on the PATH", setting };
  }
  const launcher = path.join(extensionPath, "server", "launch.py");
  if (!fs.existsSync(path.join(extensionPath, "server", "lib", "vault_ls"))) {
    return { problem: '"vault-ls" is not on the PATH, and this build of the extension carries no server.' };
  }
  const chosen = config.get<string>("server.python")?.trim();
  const candidates = chosen ? [expandHome(chosen)] : BUNDLED_PYTHONS;
  const tried: string[] = [];
  for (const python of candidates) {
    const version = pythonVersion(python);
    if (version && (version[0] > 3 || (version[0] === 3 && version[1] >= 11))) {
      return {
        command: python,
        args: ["-I", launcher],
        origin: `the server bundled with the extension, with Python ${version.join(".")}`,
        setting: chosen ? `${SECTION}.server.python` : setting,
      };
    }
    tried.push(`${python}: ${version ? `Python ${version.join(".")}` : "not found"}`);
  }
  return {
    problem:
      '"vault-ls" is not on the PATH, and no Python 3.11 or newer was found to run the server ' +
      `bundled with the extension (tried ${tried.join(", ")}).`,
  };
}

/** [major, minor] of a Python interpreter, or undefined when it does not run. */
function pythonVersion(python: string): [number, number] | undefined {
  try {
    const out = cp.execFileSync(python, ["-c", "import sys; print(*sys.version_info[:2])"], {
      timeout: 10000,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const [major, minor] = out.trim().split(" ").map(Number);
    return Number.isInteger(major) && Number.isInteger(minor) ? [major, minor] : undefined;
  } catch {
    return undefined;
  }
}

/** The settings the server reads, both as initializationOptions and workspace/configuration. */
function serverSettings(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    exclude: config.get<string[]>("exclude", []),
    severity: config.get<Record<string, string>>("severity", {}),
    completion: {
      limit: config.get<number>("completion.limit", 50),
      style: config.get<string>("completion.style", "shortest"),
    },
    maxFiles: config.get<number>("maxFiles", 200000),
    codeLens: { backlinks: config.get<boolean>("codeLens.backlinks", true) },
  };
  const titleSources = config.get<string[] | null>("titleSources", null);
  if (Array.isArray(titleSources)) {
    settings.titleSources = titleSources;
  }
  return settings;
}

function expandHome(p: string): string {
  return p.startsWith("~/") ? path.join(process.env.HOME ?? "", p.slice(2)) : p;
}

function which(name: string): string | undefined {
  const exts = process.platform === "win32" ? [".exe", ".cmd", ".bat", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) {
          return candidate;
        }
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * Status bar item: "indexing 12/40…" while the server works, "40 notes" when it is done, an
 * error until the next start when the server could not start.
 */
class IndexStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("vault-ls.status", vscode.StatusBarAlignment.Left, 10);
  notes: number | undefined;
  busy = false;
  failure: string | undefined;

  constructor() {
    this.item.name = "Vault LS";
    this.item.command = "vault-ls.showLog";
  }

  starting(): void {
    this.failure = undefined;
    this.busy = false;
    this.item.backgroundColor = undefined;
    this.show("$(sync~spin) vault-ls", "vault-ls: starting the server");
  }

  progress(title: string, message?: string, percentage?: number): void {
    this.busy = true;
    const detail = message ?? (percentage !== undefined ? `${Math.round(percentage)}%` : "");
    this.show(`$(sync~spin) ${detail || title}`, `vault-ls: ${title}${detail ? ` — ${detail}` : ""}`);
  }

  done(message?: string): void {
    this.busy = false;
    // The Vault views asked before the index was in: every link looked broken.
    void vscode.commands.executeCommand("vault-ls.refreshViews");
    const n = message?.match(/(\d[\d,]*)\s+notes?\b/i);
    if (n) {
      this.notes = Number(n[1].replace(/,/g, ""));
    }
    const text = this.notes !== undefined ? `$(book) ${this.notes} ${this.notes === 1 ? "note" : "notes"}` : "$(book) vault-ls";
    this.show(text, `vault-ls: ${message ?? "ready"} — click to show the server log`);
  }

  /** The client stopped (a restart, a failure, VS Code closing): end any progress shown. */
  stopped(): void {
    this.busy = false;
    if (this.failure === undefined) {
      this.show("$(book) vault-ls", "vault-ls: the server is not running — click to show the server log");
    }
  }

  failed(reason: string): void {
    this.busy = false;
    this.failure = reason;
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
    this.show("$(error) vault-ls: not running", `${reason}\n\nClick to show the server log.`);
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/**
 * Handles the server's `window/workDoneProgress/create` + `$/progress` itself, so that indexing
 * shows in the status bar (a window progress plus the note count) instead of as a notification.
 * Registered after the built-in features, so its handler is the one installed.
 */
class IndexProgressFeature implements StaticFeature {
  constructor(
    private readonly lc: LanguageClient,
    private readonly status: IndexStatus,
  ) {}

  fillClientCapabilities(capabilities: { window?: { workDoneProgress?: boolean } }): void {
    capabilities.window = capabilities.window ?? {};
    capabilities.window.workDoneProgress = true;
  }

  getState(): { kind: "static" } {
    return { kind: "static" };
  }

  initialize(): void {
    this.lc.onRequest(WorkDoneProgressCreateRequest.type, (params: WorkDoneProgressCreateParams, _token: CancellationToken) => {
      this.track(params.token);
    });
  }

  private track(token: string | number): void {
    let finish: (() => void) | undefined;
    let title = "vault-ls";
    const sub = this.lc.onProgress(WorkDoneProgress.type, token, (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
      if (value.kind === "begin") {
        title = value.title;
        this.status.progress(title, value.message, value.percentage);
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `vault-ls: ${title}` }, (report) => {
          if (value.message) {
            report.report({ message: value.message });
          }
          return new Promise<void>((resolve) => (finish = resolve));
        });
      } else if (value.kind === "report") {
        this.status.progress(title, value.message, value.percentage);
      } else {
        this.status.done(value.message);
        finish?.();
        sub.dispose();
      }
    });
  }

  clear(): void {
    this.status.stopped();
  }
}
