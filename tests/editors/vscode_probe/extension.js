// Test-only extension (tests/editors/test_vscode.py): runs vault-ls features through VS Code's
// command API (the same providers the editor UI uses) and writes the answers as JSON to the file
// named by the setting vaultLsProbe.out.
const vscode = require("vscode");
const fs = require("fs");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await sleep(100);
  }
}

function text(content) {
  if (typeof content === "string") return content;
  if (content && typeof content.value === "string") return content.value;
  return String(content);
}

function loc(l) {
  const uri = l.targetUri || l.uri;
  const range = l.targetSelectionRange || l.targetRange || l.range;
  return { file: uri.fsPath, line: range.start.line, character: range.start.character };
}

async function probe() {
  const cfg = vscode.workspace.getConfiguration("vaultLsProbe");
  const out = { errors: [] };
  const step = async (name, fn) => {
    try {
      out[name] = await fn();
    } catch (e) {
      out.errors.push(`${name}: ${e && e.stack ? e.stack : e}`);
    }
  };
  const ext = vscode.extensions.getExtension("vault-ls.vault-ls");
  out.extension = ext ? { id: ext.id, version: ext.packageJSON.version } : null;
  const api = await ext.activate();
  await api.ready();
  out.noteCount = await waitFor(() => api.noteCount(), 20000);

  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, cfg.get("note"));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const lines = doc.getText().split("\n");
  const at = (needle, offset) => {
    const line = lines.findIndex((l) => l.includes(needle));
    if (line < 0) throw new Error(`not found: ${needle}`);
    return new vscode.Position(line, lines[line].indexOf(needle) + offset);
  };

  await step("diagnostics", async () => {
    const diags = await waitFor(() => vscode.languages.getDiagnostics(uri).length > 0 && vscode.languages.getDiagnostics(uri), 20000);
    return (diags || []).map((d) => ({
      line: d.range.start.line,
      message: d.message,
      source: d.source,
      code: typeof d.code === "object" && d.code ? d.code.value : d.code,
      severity: d.severity,
    }));
  });
  await step("completion", async () => {
    // Inside the existing link "[[Alpha — notes#…]]", right after "[[Alph".
    const list = await vscode.commands.executeCommand("vscode.executeCompletionItemProvider", uri, at("[[Alpha", 6), "[");
    return list.items.map((i) => ({
      label: typeof i.label === "string" ? i.label : i.label.label,
      insert: i.insertText && (i.insertText.value || i.insertText),
      range: i.range && (i.range.start ? [i.range.start.character, i.range.end.character] : [i.range.replacing.start.character, i.range.replacing.end.character]),
    }));
  });
  await step("hover", async () => {
    const hovers = await vscode.commands.executeCommand("vscode.executeHoverProvider", uri, at("[[Deep Work", 4));
    return hovers.flatMap((h) => h.contents.map(text)).join("\n");
  });
  await step("definition", async () => {
    const defs = await vscode.commands.executeCommand("vscode.executeDefinitionProvider", uri, at("[[Alpha", 4));
    return defs.map(loc);
  });
  await step("references", async () => {
    const alpha = vscode.Uri.joinPath(folder, "Alpha — notes.md");
    await vscode.workspace.openTextDocument(alpha);
    const refs = await vscode.commands.executeCommand("vscode.executeReferenceProvider", alpha, new vscode.Position(0, 0));
    return refs.map(loc);
  });
  await step("symbols", async () => {
    const syms = await vscode.commands.executeCommand("vscode.executeDocumentSymbolProvider", uri);
    const names = [];
    const walk = (s) => {
      names.push(s.name);
      (s.children || []).forEach(walk);
    };
    (syms || []).forEach(walk);
    return names;
  });
  await step("edits", async () => {
    // Accepting the note's item on a line of each shape an editor may leave after auto-closing.
    const result = {};
    for (const shape of ["[[Alph", "[[Alph]]", "[[Alph]"]) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, doc.lineAt(doc.lineCount - 1).range.end, `\n${shape}`);
      await vscode.workspace.applyEdit(edit);
      const line = doc.lineCount - 2;
      const pos = new vscode.Position(line + 1, "[[Alph".length);
      const list = await vscode.commands.executeCommand("vscode.executeCompletionItemProvider", uri, pos);
      const item = list.items.find((i) => (typeof i.label === "string" ? i.label : i.label.label) === "Alpha — notes");
      if (!item) {
        result[shape] = null;
        continue;
      }
      const range = item.range ? (item.range.replacing || item.range) : doc.getWordRangeAtPosition(pos) || new vscode.Range(pos, pos);
      const insert = typeof item.insertText === "string" ? item.insertText : item.insertText.value;
      const apply = new vscode.WorkspaceEdit();
      apply.replace(uri, range, insert);
      await vscode.workspace.applyEdit(apply);
      result[shape] = doc.lineAt(line + 1).text;
    }
    return result;
  });
  await step("outside", async () => {
    // Files opened from outside the workspace folder: File > Open File… on any path.
    const result = {};
    for (const [name, file] of Object.entries(cfg.get("outside") || {})) {
      const other = vscode.Uri.file(file);
      const opened = await vscode.workspace.openTextDocument(other);
      await vscode.window.showTextDocument(opened);
      const diags = await waitFor(() => vscode.languages.getDiagnostics(other).length > 0 && vscode.languages.getDiagnostics(other), 20000);
      const otherLines = opened.getText().split("\n");
      const line = otherLines.findIndex((l) => l.includes("[["));
      const hovers = await vscode.commands.executeCommand("vscode.executeHoverProvider", other, new vscode.Position(line, otherLines[line].indexOf("[[") + 3));
      const syms = await vscode.commands.executeCommand("vscode.executeDocumentSymbolProvider", other);
      result[name] = {
        diagnostics: (diags || []).map((d) => ({ line: d.range.start.line, message: d.message, code: typeof d.code === "object" && d.code ? d.code.value : d.code })),
        hover: (hovers || []).flatMap((h) => h.contents.map(text)).join("\n"),
        symbols: (syms || []).map((s) => s.name),
      };
    }
    return result;
  });
  fs.writeFileSync(cfg.get("out"), JSON.stringify(out, null, 1));
  return out;
}

function activate(context) {
  context.subscriptions.push(vscode.commands.registerCommand("vaultLsProbe.run", probe));
}

module.exports = { activate };
