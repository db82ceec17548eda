// VS Code client for vault-ls: starts the server for the Markdown files of the open folder,
// passes the `vault-ls.*` settings to it, shows indexing progress and the note count in the
// status bar, and offers "Restart Server" and "Show Server Log".
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  CancellationToken,
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

const SECTION = "vault-ls";

let client: LanguageClient | undefined;
let status: IndexStatus | undefined;
let output: vscode.OutputChannel | undefined;

/** What the extension exports to other extensions (and to the end-to-end tests). */
export interface VaultLsApi {
  /** Resolves once the server has answered `initialize`. */
  ready(): Promise<void>;
  /** Notes in the vault, as last reported by the server ("Indexed N notes"), or undefined. */
  noteCount(): number | undefined;
  /** True while the server reports indexing progress. */
  indexing(): boolean;
}

export async function activate(context: vscode.ExtensionContext): Promise<VaultLsApi> {
  output = vscode.window.createOutputChannel("Vault LS");
  status = new IndexStatus();
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("vault-ls.restartServer", async () => {
      if (client) {
        await stopClient();
      }
      await startClient();
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
  if (vscode.workspace.workspaceFolders?.length) {
    started = startClient();
  } else {
    output.appendLine("vault-ls: no folder is open; open a vault folder to start the server.");
  }
  return {
    ready: () => started,
    noteCount: () => status?.notes,
    indexing: () => status?.busy ?? false,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return stopClient();
}

async function startClient(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const [command, ...args] = serverCommand(config);
  output?.appendLine(`vault-ls: starting ${[command, ...args].join(" ")}`);

  const serverOptions: ServerOptions = { command, args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: serverSettings(config),
    synchronize: { configurationSection: SECTION },
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient(SECTION, "Vault LS", serverOptions, clientOptions);
  client.registerFeature(new IndexProgressFeature(client, status!));
  status?.starting();
  try {
    await client.start();
  } catch (err) {
    status?.failed(String(err));
    void vscode.window
      .showErrorMessage(`vault-ls could not start (${command}): ${err}`, "Show Log")
      .then((choice) => choice && output?.show(true));
    throw err;
  }
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

/** `vault-ls.server.command`, else `vault-ls` on the PATH, else `<python> -m vault_ls`. */
export function serverCommand(config: vscode.WorkspaceConfiguration): string[] {
  const configured = config.get<string[] | string>("server.command");
  if (Array.isArray(configured) && configured.length > 0) {
    return configured.map(expandHome);
  }
  if (typeof configured === "string" && configured.trim() !== "") {
    return [expandHome(configured.trim())];
  }
  const onPath = which("vault-ls");
  if (onPath) {
    return [onPath];
  }
  const python = config.get<string>("server.python") || "python3";
  return [expandHome(python), "-m", "vault_ls"];
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

/** Status bar item: "indexing 12/40…" while the server works, "40 notes" when it is done. */
class IndexStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("vault-ls.status", vscode.StatusBarAlignment.Left, 10);
  notes: number | undefined;
  busy = false;

  constructor() {
    this.item.name = "Vault LS";
    this.item.command = "vault-ls.showLog";
  }

  starting(): void {
    this.show("$(sync~spin) vault-ls", "vault-ls: starting the server");
  }

  progress(title: string, message?: string, percentage?: number): void {
    this.busy = true;
    const detail = message ?? (percentage !== undefined ? `${Math.round(percentage)}%` : "");
    this.show(`$(sync~spin) ${detail || title}`, `vault-ls: ${title}${detail ? ` — ${detail}` : ""}`);
  }

  done(message?: string): void {
    this.busy = false;
    const n = message?.match(/(\d[\d,]*)\s+notes?\b/i);
    if (n) {
      this.notes = Number(n[1].replace(/,/g, ""));
    }
    const text = this.notes !== undefined ? `$(book) ${this.notes} ${this.notes === 1 ? "note" : "notes"}` : "$(book) vault-ls";
    this.show(text, `vault-ls: ${message ?? "ready"} — click to show the server log`);
  }

  failed(reason: string): void {
    this.busy = false;
    this.show("$(error) vault-ls", `vault-ls failed: ${reason}`);
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
    this.status.done();
  }
}
