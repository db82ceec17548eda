// The "Vault" view container: Backlinks, Outgoing links, Unlinked mentions and Tags, following the
// active editor, from the server's vault/* requests (docs/protocol.md); the "Open note…",
// "Open today's note" and "New note" commands; and the client side of the server's
// "N backlinks" code lenses (vault-ls.showReferences).
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

function range(r: LspRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A row of a tree: a label, what clicking does, and its children. */
class Row extends vscode.TreeItem {
  /** On an unlinked mention: the note the panel shows, and where the mention of it is. */
  mention?: Mention;

  constructor(
    label: string | vscode.TreeItemLabel,
    readonly children: Row[] = [],
    open?: { uri: string; range?: LspRange },
  ) {
    super(label, children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    if (open) {
      const uri = vscode.Uri.parse(open.uri);
      this.resourceUri = uri;
      this.command = {
        command: "vscode.open",
        title: "Open",
        arguments: [uri, open.range ? { selection: range(open.range) } : {}],
      };
    }
  }
}

interface Mention {
  note: string;
  in: string;
  range: LspRange;
}

/** A context line with the link (or mention) in it highlighted. */
function contextLabel(context: { text: string; start: number; end: number }): vscode.TreeItemLabel {
  return { label: context.text, highlights: [[context.start, context.end]] };
}

type Build = (client: LanguageClient, uri: string) => Promise<Row[]>;

/** What a view says when the server found nothing for the note. */
const EMPTY: Record<string, string> = {
  "vault-ls.backlinks": "No note links here.",
  "vault-ls.outgoing": "This note has no links.",
  "vault-ls.unlinked": "No note names this one without a link.",
  "vault-ls.tags": "No note has a tag.",
};

const VIEWS: Record<string, Build> = {
  "vault-ls.backlinks": async (client, uri) => {
    const groups: Json[] = await client.sendRequest("vault/backlinks", { uri });
    return groups.map((group) => {
      const links = group.links.map(
        (link: Json) => new Row(contextLabel(link.context), [], { uri: group.uri, range: link.range }),
      );
      const row = new Row(`${group.name} (${links.length})`, links, { uri: group.uri });
      row.description = group.path;
      return row;
    });
  },
  "vault-ls.outgoing": async (client, uri) => {
    const links: Json[] = await client.sendRequest("vault/outgoing", { uri });
    return links.map((link) => {
      const row = new Row(link.text, [], link.target ? { uri: link.target } : { uri, range: link.range });
      row.description = link.problem ? `${link.kind} · ${link.problem}` : link.path ?? link.kind;
      row.tooltip = link.target ?? "leads nowhere";
      return row;
    });
  },
  "vault-ls.unlinked": async (client, uri) => {
    const groups: Json[] = await client.sendRequest("vault/unlinkedMentions", { uri });
    return groups.map((group) => {
      const mentions = group.mentions.map((m: Json) => {
        const row = new Row(contextLabel(m.context), [], { uri: group.uri, range: m.range });
        row.contextValue = "vault-ls.mention"; // the "Link" inline action (package.json)
        row.mention = { note: uri, in: group.uri, range: m.range };
        return row;
      });
      const row = new Row(`${group.name} (${mentions.length})`, mentions, { uri: group.uri });
      row.description = group.path;
      return row;
    });
  },
  "vault-ls.tags": async (client) => {
    const tags: Json[] = await client.sendRequest("vault/tags", {});
    const toRow = (node: Json): Row => {
      const notes = node.notes.map((note: string) => new Row(decodeURIComponent(note.split("/").pop() ?? note), [], { uri: note }));
      const row = new Row(`#${node.name}`, [...node.children.map(toRow), ...notes]);
      row.description = String(node.count);
      if (row.children.length) {
        row.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
      }
      return row;
    };
    return tags.map(toRow);
  },
};

class VaultView implements vscode.TreeDataProvider<Row> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  rows: Row[] = [];
  tree?: vscode.TreeView<Row>;

  constructor(
    private readonly id: string,
    private readonly build: Build,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  async refresh(): Promise<void> {
    const client = this.client();
    const editor = vscode.window.activeTextEditor;
    if (!client || !editor || editor.document.languageId !== "markdown" || editor.document.uri.scheme !== "file") {
      return; // keep what the last note showed (a click on a row focuses another editor kind)
    }
    const uri = editor.document.uri.toString();
    // The first unlinked-mentions request reads the vault into a word index, and the server answers
    // one request at a time: a view can wait seconds, so it shows a progress bar meanwhile.
    await vscode.window.withProgress({ location: { viewId: this.id } }, async () => {
      try {
        this.rows = await this.build(client, uri);
      } catch (err) {
        this.rows = [new Row(err instanceof Error ? err.message : String(err))];
      }
    });
    if (this.tree) {
      this.tree.message = this.rows.length ? undefined : EMPTY[this.id];
    }
    this.changed.fire();
  }

  getTreeItem(row: Row): vscode.TreeItem {
    return row;
  }

  getChildren(row?: Row): Row[] {
    return row ? row.children : this.rows;
  }
}

/** What the views show, for the end-to-end tests: view id -> rows as text, nested. */
export type ViewText = Record<string, Json[]>;

export function registerPanels(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
  ready: () => Promise<void>,
): () => Promise<ViewText> {
  const views = new Map<string, VaultView>();
  for (const [id, build] of Object.entries(VIEWS)) {
    const view = new VaultView(id, build, client);
    views.set(id, view);
    view.tree = vscode.window.createTreeView(id, { treeDataProvider: view });
    context.subscriptions.push(view.tree);
  }
  let timer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void ready().then(() => Promise.all([...views.values()].map((v) => v.refresh())));
    }, 300);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(refreshSoon),
    vscode.workspace.onDidSaveTextDocument(refreshSoon),
    vscode.commands.registerCommand("vault-ls.refreshViews", refreshSoon),
    vscode.commands.registerCommand("vault-ls.linkMention", async (row: Row) => {
      if (row?.mention && (await linkMention(client(), row.mention))) {
        refreshSoon();
      }
    }),
    vscode.commands.registerCommand("vault-ls.openNote", () => openNote(client())),
    vscode.commands.registerCommand("vault-ls.openToday", () => noteCommand(client(), "vault-ls.openDailyNote", {})),
    vscode.commands.registerCommand("vault-ls.newNote", async () => {
      const name = await vscode.window.showInputBox({ prompt: "New note (folders with /)", placeHolder: "Ideas/My note" });
      if (name) {
        await noteCommand(client(), "vault-ls.createNote", { name });
      }
    }),
    vscode.commands.registerCommand("vault-ls.showReferences", (uri: string, position: Json, locations: Json[]) => {
      const c = client();
      if (!c) {
        return;
      }
      return vscode.commands.executeCommand(
        "editor.action.showReferences",
        vscode.Uri.parse(uri),
        c.protocol2CodeConverter.asPosition(position),
        locations.map((l) => c.protocol2CodeConverter.asLocation(l)),
      );
    }),
  );
  refreshSoon();
  const text = (row: Row): Json => {
    const label = typeof row.label === "string" ? row.label : row.label?.label;
    return row.children.length ? { label, children: row.children.map(text) } : label;
  };
  return async () => {
    await Promise.all([...views.values()].map((v) => v.refresh()));
    const shown: ViewText = {};
    for (const [id, view] of views) {
      shown[id] = view.rows.map(text);
    }
    return shown;
  };
}

async function openNote(client: LanguageClient | undefined): Promise<void> {
  if (!client) {
    return;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { uri: string }>();
  pick.placeholder = "Open note: type a name, title or alias";
  pick.matchOnDescription = true;
  let asked = 0;
  const search = async (query: string) => {
    const mine = ++asked;
    pick.busy = true;
    const found: Json[] = await client.sendRequest("vault/search", { query, limit: 50 });
    if (mine === asked) {
      pick.items = found.map((item) => ({
        label: item.title && item.title !== item.name ? `${item.name} — ${item.title}` : item.name,
        description: item.path,
        alwaysShow: true,
        uri: item.uri,
      }));
      pick.busy = false;
    }
  };
  pick.onDidChangeValue((value) => void search(value));
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0];
    pick.hide();
    if (chosen) {
      void vscode.window.showTextDocument(vscode.Uri.parse(chosen.uri));
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  await search("");
}

/** Run a server command that names a note ({uri, created?}); open it, saved when just created
 * (its content arrives as an unsaved edit). */
async function noteCommand(client: LanguageClient | undefined, command: string, args: Json): Promise<void> {
  if (!client) {
    return;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === "file") {
    args.uri = active.toString();
  }
  try {
    const result: Json = await client.sendRequest("workspace/executeCommand", { command, arguments: [args] });
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(result.uri));
    if (result.created !== false && editor.document.isDirty) {
      await editor.document.save();
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`vault-ls: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Turn an unlinked mention into a link with the server's own code action ("Link "…" to
 * [[Note]]", refactors.py): asked for the mention's range in the mentioning note, the one whose
 * link reaches the panel's note is applied, and the note saved if it had no unsaved changes. */
async function linkMention(client: LanguageClient | undefined, mention: Mention): Promise<boolean> {
  if (!client) {
    return false;
  }
  const actions: Json[] | null = await client.sendRequest("textDocument/codeAction", {
    textDocument: { uri: mention.in },
    range: mention.range,
    context: { diagnostics: [], only: ["refactor.rewrite"] },
  });
  // the link names the note by the shortest unambiguous path from the vault's root, no ".md"
  const notePath = vscode.Uri.parse(mention.note).path.toLowerCase();
  const chosen = (actions ?? []).find((action) => {
    const target = /^Link ".*" to \[\[(.+)\]\]$/s.exec(action.title ?? "")?.[1];
    return target !== undefined && action.edit && notePath.endsWith(`/${target}.md`.toLowerCase());
  });
  if (!chosen) {
    void vscode.window.showWarningMessage(`vault-ls offers no link to ${notePath.split("/").pop()} here.`);
    return false;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(chosen.edit);
  const target = vscode.Uri.parse(mention.in);
  const wasDirty = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString())?.isDirty ?? false;
  if (!edit || !(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showWarningMessage("vault-ls: the link could not be written (the note changed?).");
    return false;
  }
  if (!wasDirty) {
    await vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString())?.save();
  }
  return true;
}
