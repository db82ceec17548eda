// The Graph webview: "Vault: Show graph" (the whole vault) and "Vault: Show local graph" (the
// active note and the notes one link away, following the active editor while the panel is open),
// from the server's vault/graph request (docs/protocol.md). The drawing is media/graph.js with the
// force-graph library the build copies from the server's web/ folder (scripts/copy-webview.mjs):
// everything is loaded from the extension, under a Content-Security-Policy that lets in nothing
// else. A click on a note in the graph opens it.
//
// The whole graph is of one vault: the active note's, else the one picked (when several are open);
// the root is sent as vault/status spells it. The webview keeps the panel's kind, note and vault
// (vscode.setState), and a serializer draws the panel again from them after a reload of the window.
import * as crypto from "crypto";
import * as path from "path";
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Kind = "global" | "local";
const KINDS: Kind[] = ["global", "local"];

const TITLES: Record<Kind, string> = { global: "Vault graph", local: "Local graph" };

const viewType = (kind: Kind) => `vault-ls.graph.${kind}`;

/** What the webview keeps (vscode.setState) and a reloaded window brings the panel back from. */
interface State {
  kind: Kind;
  center?: string;
  root?: string;
  title?: string;
}

/** A vault of the session, as vault/status lists it. */
interface Vault {
  root: string;
  notes: number;
  indexed: boolean;
}

async function openVaults(client: LanguageClient): Promise<Vault[]> {
  const status: Json = await client.sendRequest("vault/status", {});
  return status.vaults;
}

/** The vault holding the note `uri`: the deepest root around it, as the server picks it. The
 * roots are compared as paths, and sent back as the server spelled them. */
function vaultOf(vaults: Vault[], uri: string | undefined): Vault | undefined {
  if (!uri) {
    return undefined;
  }
  const file = vscode.Uri.parse(uri).fsPath;
  let best: Vault | undefined;
  let depth = -1;
  for (const vault of vaults) {
    const root = vscode.Uri.parse(vault.root).fsPath;
    if (file.startsWith(root.endsWith(path.sep) ? root : root + path.sep) && root.length > depth) {
      best = vault;
      depth = root.length;
    }
  }
  return best;
}

/** A vault's name: its workspace folder's, when it is one, else its folder's. */
function vaultName(root: string): string {
  const fsPath = vscode.Uri.parse(root).fsPath;
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === fsPath)?.name ?? path.basename(fsPath);
}

class GraphPanel {
  private ready = false;
  private pending: Json | undefined;
  private disposed = false;
  private waiting = false;
  /** The note the local graph is drawn around; in the whole graph, the note named larger. */
  center: string | undefined;
  /** The vault the whole graph draws (its root URI, as vault/status names it). */
  root: string | undefined;

  static create(
    kind: Kind,
    extensionUri: vscode.Uri,
    client: () => LanguageClient | undefined,
    started: () => Promise<void>,
    onDispose: () => void,
  ): GraphPanel {
    const panel = vscode.window.createWebviewPanel(
      viewType(kind),
      TITLES[kind],
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: kind === "local" },
      { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, "media")], retainContextWhenHidden: true },
    );
    return new GraphPanel(kind, panel, extensionUri, client, started, onDispose);
  }

  /** Fills `panel`: a new one, or one VS Code brings back after a reload of the window. */
  constructor(
    private readonly kind: Kind,
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private readonly started: () => Promise<void>,
    onDispose: () => void,
  ) {
    const media = vscode.Uri.joinPath(extensionUri, "media");
    this.panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, "images", "vault.svg");
    this.panel.webview.html = this.html(media);
    this.panel.webview.onDidReceiveMessage((message: Json) => this.received(message));
    this.panel.onDidDispose(() => {
      this.disposed = true;
      onDispose();
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, this.kind === "local");
  }

  /** Ask the server for the graph (around the note `center`; the whole graph of the vault at
   * `root`, else of the vault holding `center`, else of the first) and hand it to the webview. */
  async draw(center?: string, root?: string): Promise<void> {
    await this.started();
    const client = this.client();
    if (!client) {
      void vscode.window.showErrorMessage("vault-ls: the server is not running, so there is no graph to show.");
      return;
    }
    this.center = center;
    let message: Json;
    try {
      // the vaults first: a vault indexed then is indexed when its graph is worked out
      const vaults = await openVaults(client);
      const vault =
        this.kind === "local" ? vaultOf(vaults, center) : vaults.find((v) => v.root === root) ?? vaultOf(vaults, center) ?? vaults[0];
      this.root = this.kind === "global" ? vault?.root : undefined;
      if (this.kind === "local" && !center) {
        throw new Error("Open a note to see its local graph.");
      }
      const params: Json = { includeMissing: true };
      if (this.kind === "local") {
        params.uri = center;
        params.depth = 1;
      } else if (this.root) {
        params.root = this.root;
      }
      const graph: Json = await client.sendRequest("vault/graph", params);
      const indexed = vault?.indexed ?? true;
      if (!indexed) {
        this.redrawWhenIndexed();
      }
      const title = this.title(graph, vaults.length > 1 ? vault?.root : undefined);
      this.panel.title = title;
      message = { type: "graph", kind: this.kind, center, graph, indexed, state: this.state(title) };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      message = { type: "error", text, state: this.state(this.panel.title) };
    }
    if (this.ready) {
      void this.panel.webview.postMessage(message);
    } else {
      this.pending = message;
    }
  }

  /** "Local graph: Note"; "Vault graph", with the vault's name when several are open. */
  private title(graph: Json, root: string | undefined): string {
    if (this.kind === "local") {
      const name = graph.nodes.find((node: Json) => node.uri === this.center)?.name;
      return name ? `${TITLES.local}: ${name}` : TITLES.local;
    }
    return root ? `${TITLES.global}: ${vaultName(root)}` : TITLES.global;
  }

  private state(title: string): State {
    return { kind: this.kind, center: this.center, root: this.root, title };
  }

  /** Drawn before the vault's first index was in: drawn again once it is. */
  private redrawWhenIndexed(): void {
    if (this.waiting) {
      return;
    }
    this.waiting = true;
    const check = async () => {
      const client = this.client();
      if (this.disposed || !client) {
        this.waiting = false;
        return;
      }
      const vaults = await openVaults(client).catch(() => [] as Vault[]);
      const vault = this.kind === "local" ? vaultOf(vaults, this.center) : vaults.find((v) => v.root === this.root);
      if (vault && !vault.indexed) {
        setTimeout(check, 500);
        return;
      }
      this.waiting = false;
      void this.draw(this.center, this.root);
    };
    setTimeout(check, 500);
  }

  private received(message: Json): void {
    if (message?.type === "ready") {
      this.ready = true;
      if (this.pending) {
        void this.panel.webview.postMessage(this.pending);
        this.pending = undefined;
      }
    } else if (message?.type === "open" && typeof message.uri === "string") {
      // into the editor column the notes are in, not over the graph
      const column = vscode.window.visibleTextEditors.find((e) => e.viewColumn !== this.panel.viewColumn)?.viewColumn;
      void vscode.window.showTextDocument(vscode.Uri.parse(message.uri), {
        viewColumn: column ?? vscode.ViewColumn.One,
      });
    }
  }

  private html(media: vscode.Uri): string {
    const webview = this.panel.webview;
    const nonce = crypto.randomBytes(16).toString("base64");
    const src = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, file)).toString();
    const policy = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      `img-src ${webview.cspSource} data:`,
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${src("graph.css")}">
<title>${TITLES[this.kind]}</title>
</head>
<body data-kind="${this.kind}">
<div id="graph"></div>
<div id="panel"><h1 id="title">${TITLES[this.kind]}</h1><div id="summary">Asking the server…</div><ul id="legend"></ul></div>
<script nonce="${nonce}" src="${src("force-graph.min.js")}"></script>
<script nonce="${nonce}" src="${src("graph.js")}"></script>
</body>
</html>`;
  }
}

/** The active editor's note, when it is a Markdown file. */
function activeNote(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && document.languageId === "markdown" && document.uri.scheme === "file"
    ? document.uri.toString()
    : undefined;
}

/** The vault "Vault: Show graph" draws: the active note's, else the only one, else the one the
 * user picks (undefined when they pick none). */
async function chooseVault(client: LanguageClient, note: string | undefined): Promise<Vault | undefined> {
  const vaults = await openVaults(client);
  const found = vaultOf(vaults, note);
  if (found || vaults.length <= 1) {
    return found ?? vaults[0];
  }
  const items = vaults.map((vault) => ({
    label: vaultName(vault.root),
    description: vscode.Uri.parse(vault.root).fsPath,
    detail: `${vault.notes} ${vault.notes === 1 ? "note" : "notes"}`,
    vault,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: "The graph of which vault?" });
  return picked?.vault;
}

export function registerGraph(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
  started: () => Promise<void>,
): void {
  const panels: Partial<Record<Kind, GraphPanel>> = {};
  const open = (kind: Kind): GraphPanel => {
    let panel = panels[kind];
    if (panel) {
      panel.reveal();
    } else {
      panel = panels[kind] = GraphPanel.create(kind, context.extensionUri, client, started, () => delete panels[kind]);
    }
    return panel;
  };
  const showGraph = async () => {
    await started();
    const running = client();
    if (!running) {
      return open("global").draw();
    }
    const note = activeNote();
    const vault = await chooseVault(running, note);
    if (vault) {
      await open("global").draw(vaultOf([vault], note) ? note : undefined, vault.root);
    }
  };
  for (const kind of KINDS) {
    // after "Developer: Reload Window" (or a restart), the panel is drawn again from its state
    const serializer: vscode.WebviewPanelSerializer<State> = {
      deserializeWebviewPanel: async (webviewPanel, state) => {
        if (panels[kind]) {
          webviewPanel.dispose();
          return;
        }
        const panel = (panels[kind] = new GraphPanel(kind, webviewPanel, context.extensionUri, client, started, () => delete panels[kind]));
        await panel.draw(state?.center ?? (kind === "local" ? activeNote() : undefined), state?.root);
      },
    };
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType(kind), serializer));
  }
  context.subscriptions.push(
    vscode.commands.registerCommand("vault-ls.showGraph", showGraph),
    vscode.commands.registerCommand("vault-ls.showLocalGraph", () => {
      const note = activeNote();
      if (!note) {
        void vscode.window.showInformationMessage("vault-ls: open a note to see its local graph.");
        return;
      }
      return open("local").draw(note);
    }),
    // a saved note may link elsewhere now
    vscode.workspace.onDidSaveTextDocument(() => {
      void panels.global?.draw(panels.global.center, panels.global.root);
      void panels.local?.draw(panels.local.center);
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      const note = activeNote();
      const local = panels.local;
      if (local && note && note !== local.center) {
        void local.draw(note);
      }
    }),
  );
}
