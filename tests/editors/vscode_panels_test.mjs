// Driven by tests/editors/test_vscode_panels.py: node vscode_panels_test.mjs PARAMS.json
// Opens code-server's workbench on a vault, quick-opens params.note, opens the Vault view container
// from the activity bar and reads the rows of its Backlinks, Unlinked mentions and Tags views
// (each once its rows came: the first unlinked-mentions request builds the server's word index);
// screenshot in params.artifacts.
import fs from "node:fs";
import path from "node:path";
import { clean, workbench } from "./workbench.mjs";

const params = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = { steps: {}, errors: [] };
const { browser, page, save, step } = await workbench(params, out, "vscode-panels");

try {
  await step("workbench", async () => {
    await page.goto(`${params.url}/?folder=${encodeURIComponent(params.vault)}`);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor();
  });
  await step("open", async () => {
    await page.keyboard.press("Control+P");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type(params.note_name);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: params.note_name }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".tab.active", { hasText: params.note_name }).waitFor();
    await page.locator(".statusbar-item", { hasText: /\d+ notes?/ }).first().waitFor();
  });
  await step("backlinks", async () => {
    await page.locator(".activitybar .action-item a[aria-label^='Vault']").first().click();
    const view = page.locator(".pane", { has: page.locator(".pane-header", { hasText: "Backlinks" }) });
    const rows = view.locator(".monaco-list-row");
    await rows.filter({ hasText: params.expect_row }).first().waitFor();
    await page.waitForTimeout(500);
    out.backlinks = (await rows.allInnerTexts()).map(clean);
    out.headers = (await page.locator(".pane-header").allInnerTexts()).map(clean);
  });
  // the other views of the container, each read once its rows have come
  for (const [name, header, expect] of [["unlinked", "Unlinked mentions", params.expect_unlinked],
    ["tags", "Tags", params.expect_tag]]) {
    await step(name, async () => {
      const view = page.locator(".pane", { has: page.locator(".pane-header", { hasText: header }) });
      const rows = view.locator(".monaco-list-row");
      const t0 = Date.now();
      await rows.filter({ hasText: expect }).first().waitFor();
      out[`${name}_waited_ms`] = Date.now() - t0;
      await page.waitForTimeout(300);
      out[name] = (await rows.allInnerTexts()).map(clean);
    });
  }
  await page.screenshot({ path: path.join(params.artifacts, "vscode-vault-backlinks.png") });
} finally {
  save();
  await browser.close();
}
