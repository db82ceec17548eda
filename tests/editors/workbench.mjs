// What the code-server drivers share (vscode_graph_test, vscode_graph_vaults_test,
// vscode_panels_test): headless Chromium on one page, named steps that record their outcome
// in `out` (a screenshot on failure), the command palette and quick open.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

export const clean = (s) => (s || "").replace(/\u00a0/g, " ");

/** Chromium started, its page, and the helpers working on it; `name` names failure screenshots. */
export async function workbench(params, out, name) {
  const require = createRequire(path.join(params.node_modules, "noop.js"));
  const { chromium } = require("playwright-core");
  const save = () => fs.writeFileSync(params.out, JSON.stringify(out, null, 1));
  const browser = await chromium.launch({
    executablePath: params.chromium,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.setDefaultTimeout(params.timeout_ms);

  async function step(stepName, fn) {
    try {
      await fn();
      out.steps[stepName] = { ok: true };
    } catch (e) {
      out.steps[stepName] = { ok: false };
      out.errors.push(`${stepName}: ${e && e.stack ? e.stack.split("\n").slice(0, 4).join(" | ") : e}`);
      await page.screenshot({ path: path.join(params.artifacts, `${name}-failed-${stepName}.png`) }).catch(() => {});
    }
    save();
  }

  async function palette(command) {
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type(command);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: command }).first().click();
  }

  async function quickOpen(noteName) {
    await page.keyboard.press("Control+P");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type(noteName);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: noteName }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".editor-group-container.active .tab.active", { hasText: noteName }).waitFor();
  }

  return { browser, page, save, step, palette, quickOpen };
}
