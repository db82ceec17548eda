// Driven by tests/editors/test_vscode_graph.py: node vscode_graph_test.mjs PARAMS.json
// In code-server's workbench on a vault: runs "Vault: Show graph" and reads, from inside the
// webview, the nodes force-graph laid out once it settled (screenshot); clicks one note in the
// canvas with the mouse and reads which editor became active; opens params.note, runs
// "Vault: Show local graph" and reads its nodes, then opens another note and reads them again
// (the local graph follows the active editor); last, in the Unlinked mentions view, clicks the
// "Link" inline action of one mention row and waits for the row to go.
import fs from "node:fs";
import path from "node:path";
import { clean, workbench } from "./workbench.mjs";

const params = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = { steps: {}, errors: [], requests: [] };
const { browser, page, save, step, palette, quickOpen } = await workbench(params, out, "vscode-graph");

// anything the page asks for beyond code-server itself (the webview must load nothing else)
page.context().on("request", (request) => {
  const url = request.url();
  if (!url.startsWith(params.url) && !url.startsWith("data:") && !url.startsWith("blob:") && !url.includes("vscode-resource")
    && !url.includes("vscode-cdn.net")) out.requests.push(url);
});

/** The webview frame drawing the `kind` graph, once settled (around `center`, for a local one). */
async function graphFrame(kind, center) {
  const end = Date.now() + params.timeout_ms;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate(([kind, center]) => {
        const body = document.body;
        return !!(window.vaultGraph && body.dataset.kind === kind && body.dataset.settled === "yes"
          && (!center || body.dataset.center === center));
      }, [kind, center]).catch(() => false);
      if (found) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no settled ${kind} graph${center ? ` around ${center}` : ""}`);
}

const drawn = (frame) => frame.evaluate(() => ({
  placed: Number(document.body.dataset.placed),
  nodes: window.vaultGraph.graphData().nodes.map((node) => ({ id: node.id, name: node.name, kind: node.kind })),
  links: window.vaultGraph.graphData().links.length,
  summary: document.getElementById("summary").textContent,
  center: document.body.dataset.center,
}));

const activeEditor = async () => ({
  tab: clean(await page.locator(".editor-group-container.active .tab.active").first().innerText()),
  breadcrumbs: clean(await page.locator(".editor-group-container.active .breadcrumbs-control").first().innerText()),
});

try {
  await step("workbench", async () => {
    await page.goto(`${params.url}/?folder=${encodeURIComponent(params.vault)}`);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor();
    await quickOpen(params.note_name);
    await page.locator(".statusbar-item", { hasText: /\d+ notes?/ }).first().waitFor();
  });

  let global;
  await step("global", async () => {
    await palette("Vault: Show graph");
    global = await graphFrame("global");
    out.global = await drawn(global);
    await page.waitForTimeout(800); // the fit animates for 300 ms
    await page.screenshot({ path: path.join(params.artifacts, "vscode-vault-graph.png") });
  });

  await step("click", async () => {
    // zoom in on the note (as a person would with the wheel), then click it with the mouse
    const at = await global.evaluate((id) => {
      const graph = window.vaultGraph;
      const node = graph.graphData().nodes.find((n) => n.id === id);
      const open = graph.onNodeClick(); // note what the library saw, for a failure's message
      graph.onNodeClick((clicked, event) => {
        window.clickedNode = clicked.id;
        open(clicked, event);
      });
      graph.centerAt(node.x, node.y, 0);
      graph.zoom(6, 0);
      return graph.graph2ScreenCoords(node.x, node.y);
    }, params.click_id);
    const box = await global.locator("canvas").first().boundingBox();
    await page.mouse.move(box.x + at.x, box.y + at.y);
    // the library says which node is under the pointer: its tooltip
    await global.locator(".float-tooltip-kap", { hasText: `${params.click_name.replace(/\.md$/, "")} — ` }).waitFor();
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForTimeout(300);
    out.click_seen = await global.evaluate(() => window.clickedNode ?? null);
    await page.locator(".editor-group-container.active .tab.active", { hasText: params.click_name }).waitFor();
    await page.waitForTimeout(300);
    out.clicked = await activeEditor();
  });

  await step("local", async () => {
    await page.locator(".tab", { hasText: params.note_name }).first().click();
    await palette("Vault: Show local graph");
    const local = await graphFrame("local", params.note_uri);
    out.local = await drawn(local);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(params.artifacts, "vscode-vault-local-graph.png") });
  });

  await step("follow", async () => {
    await page.locator(".tab", { hasText: params.click_name }).first().click();
    const local = await graphFrame("local", params.follow_uri);
    out.followed = await drawn(local);
  });

  await step("link", async () => {
    await page.locator(".tab", { hasText: params.note_name }).first().click();
    await page.locator(".activitybar .action-item a[aria-label^='Vault']").first().click();
    const view = page.locator(".pane", { has: page.locator(".pane-header", { hasText: "Unlinked mentions" }) });
    const row = view.locator(".monaco-list-row", { hasText: params.link_row });
    await row.first().waitFor();
    out.unlinked_before = (await view.locator(".monaco-list-row").allInnerTexts()).map(clean);
    await row.first().hover();
    await row.first().locator(".action-label[aria-label='Link']").click();
    await row.first().waitFor({ state: "detached" });
    await page.waitForTimeout(500);
    out.unlinked_after = (await view.locator(".monaco-list-row").allInnerTexts()).map(clean);
    out.dirty_tabs = (await page.locator(".tab.dirty").allInnerTexts()).map(clean);
  });
} finally {
  save();
  await browser.close();
}
