// The Graph webview: "Vault: Show graph" (the whole vault) and "Vault: Show local graph" (the
// active note and the notes one link away, following the active editor while the panel is open),
// from the server's vault/graph request (docs/protocol.md). The drawing is media/graph.js with the
// force-graph library the build copies from the server's web/ folder (scripts/copy-webview.mjs):
// everything is loaded from the extension, under a Content-Security-Policy that lets in nothing
// else. A click on a note in the graph opens it.
import * as crypto from "crypto";
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Kind = "global" | "local";

const TITLES: Record<Kind, string> = { global: "Vault graph", local: "Local graph" };

class GraphPanel {
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private pending: Json | undefined;
  /** The note the local graph is drawn around; in the whole graph, the note named larger. */
  center: string | undefined;

  constructor(
    private readonly kind: Kind,
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private readonly started: () => Promise<void>,
    onDispose: () => void,
  ) {
    const media = vscode.Uri.joinPath(extensionUri, "media");
    this.panel = vscode.window.createWebviewPanel(
      `vault-ls.graph.${kind}`,
      TITLES[kind],
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: kind === "local" },
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, "images", "vault.svg");
    this.panel.webview.html = this.html(media);
    this.panel.webview.onDidReceiveMessage((message: Json) => this.received(message));
    this.panel.onDidDispose(onDispose);
  }

  reveal(): void {
    this.panel.reveal(undefined, this.kind === "local");
  }

  /** Ask the server for the graph and hand it to the webview. */
  async draw(uri?: string): Promise<void> {
    await this.started();
    const client = this.client();
    if (!client) {
      void vscode.window.showErrorMessage("vault-ls: the server is not running, so there is no graph to show.");
      return;
    }
    const params: Json = { includeMissing: true };
    this.center = uri;
    if (this.kind === "local") {
      params.uri = uri;
      params.depth = 1;
    }
    let message: Json;
    try {
      const graph: Json = await client.sendRequest("vault/graph", params);
      const name = graph.nodes.find((node: Json) => node.uri === uri)?.name;
      this.panel.title = this.kind === "local" && name ? `${TITLES.local}: ${name}` : TITLES[this.kind];
      message = { type: "graph", kind: this.kind, center: uri, graph };
    } catch (err) {
      message = { type: "error", text: err instanceof Error ? err.message : String(err) };
    }
    if (this.ready) {
      void this.panel.webview.postMessage(message);
    } else {
      this.pending = message;
    }
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
      panel = panels[kind] = new GraphPanel(kind, context.extensionUri, client, started, () => delete panels[kind]);
    }
    return panel;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand("vault-ls.showGraph", () => open("global").draw(activeNote())),
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
      void panels.global?.draw(panels.global.center);
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
