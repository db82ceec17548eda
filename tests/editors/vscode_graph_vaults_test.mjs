// Driven by tests/editors/test_vscode_graph_vaults.py: node vscode_graph_vaults_test.mjs PARAMS.json
// In code-server's workbench on a workspace of two folders, each a vault: opens a note of the
// second, runs "Vault: Show graph" and reads the nodes the webview drew and the panel's title;
// adds a link to the note and saves it, and reads the graph drawn again; runs "Vault: Show local graph" there too; reloads the window ("Developer: Reload Window") and
// reads both panels again once VS Code brought them back; last, with no editor open, runs
// "Vault: Show graph", reads the quick pick of vaults and picks the second vault; then saves a
// note of the first and reads the graphs the webview is sent.
import fs from "node:fs";
import path from "node:path";
import { clean, workbench } from "./workbench.mjs";

const params = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = { steps: {}, errors: [] };
const { browser, page, save, step, palette, quickOpen } = await workbench(params, out, "vscode-graph-vaults");

async function workbenchShown() {
  await page.locator(".monaco-workbench").waitFor();
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor();
}

/** The webview frame drawing the `kind` graph, settled, not from a vault still indexing (around `center`). */
async function graphFrame(kind, center) {
  const end = Date.now() + params.timeout_ms;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate(([kind, center]) => {
        const body = document.body;
        return !!(window.vaultGraph && body.dataset.kind === kind && body.dataset.settled === "yes"
          && body.dataset.indexed !== "no" && (center === undefined || body.dataset.center === center));
      }, [kind, center]).catch(() => false);
      if (found) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no settled ${kind} graph${center ? ` around ${center}` : ""}`);
}

const drawn = (frame) => frame.evaluate(() => ({
  names: window.vaultGraph.graphData().nodes.map((node) => node.name).sort(),
  placed: Number(document.body.dataset.placed),
  links: window.vaultGraph.graphData().links.length,
  title: document.getElementById("title").textContent,
  center: document.body.dataset.center,
}));

const tabs = async () => (await page.locator(".tabs-container .tab").allInnerTexts()).map((t) => clean(t).trim());

try {
  await step("workbench", async () => {
    await page.goto(`${params.url}/?workspace=${encodeURIComponent(params.workspace)}`);
    await workbenchShown();
    await quickOpen(params.note_name);
    await page.locator(".statusbar-item", { hasText: /\d+ notes?/ }).first().waitFor();
  });

  await step("global", async () => {
    await palette("Vault: Show graph");
    out.global = await drawn(await graphFrame("global", params.note_uri));
    out.global_tabs = await tabs();
    await page.waitForTimeout(800); // the fit animates for 300 ms
    await page.screenshot({ path: path.join(params.artifacts, "vscode-vault-graph-two-vaults.png") });
  });

  await step("save", async () => {
    const global = await graphFrame("global", params.note_uri);
    await page.locator(".tab", { hasText: params.note_name }).first().click();
    await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.insertText(params.added_text);
    await page.keyboard.press("Escape"); // no completion accepted
    await page.keyboard.press("Control+S");
    await page.locator(".tab.dirty").first().waitFor({ state: "detached" });
    await global.waitForFunction((name) => document.body.dataset.settled === "yes"
      && window.vaultGraph.graphData().nodes.some((node) => node.name === name), params.added_name);
    out.saved = await drawn(global);
  });

  await step("local", async () => {
    await page.locator(".tab", { hasText: params.note_name }).first().click();
    await palette("Vault: Show local graph");
    out.local = await drawn(await graphFrame("local", params.note_uri));
  });

  await step("reload", async () => {
    const reloaded = page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame() });
    await palette("Developer: Reload Window");
    await reloaded;
    await workbenchShown();
    // the local graph was the panel in front: VS Code brings it back first
    out.local_restored = await drawn(await graphFrame("local", params.note_uri));
    await page.locator(".tab", { hasText: params.global_title }).first().click();
    out.global_restored = await drawn(await graphFrame("global", params.note_uri));
    out.restored_tabs = await tabs();
    await page.screenshot({ path: path.join(params.artifacts, "vscode-vault-graph-reloaded.png") });
  });

  await step("pick", async () => {
    await palette("View: Close All Editors");
    await page.locator(".tabs-container .tab").first().waitFor({ state: "detached" });
    await palette("Vault: Show graph");
    const rows = page.locator(".quick-input-list .monaco-list-row");
    await rows.first().waitFor();
    out.picks = (await rows.allInnerTexts()).map((t) => clean(t).split("\n").map((s) => s.trim()).filter(Boolean));
    await rows.filter({ hasText: params.pick_name }).first().click();
    out.picked = await drawn(await graphFrame("global", ""));
    out.picked_tabs = await tabs();
  });

  await step("keep", async () => {
    // a save in the other vault draws the panel's vault again: the graphs the webview receives
    const global = await graphFrame("global", "");
    await global.evaluate(() => {
      window.received = [];
      window.addEventListener("message", (event) => {
        if (event.data.type === "graph") window.received.push(event.data.graph.nodes.map((node) => node.name).sort());
      });
    });
    await quickOpen(params.other_note_name);
    await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.insertText(params.other_added_text);
    await page.keyboard.press("Control+S");
    await page.locator(".tab.dirty").first().waitFor({ state: "detached" });
    await global.waitForFunction(() => window.received.length > 0);
    await page.waitForTimeout(1000); // and no other graph after it
    out.kept = await global.evaluate(() => window.received);
    out.kept_tabs = await tabs();
  });
} finally {
  save();
  await browser.close();
}
