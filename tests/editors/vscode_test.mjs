// Driven by tests/editors/test_vscode.py: node vscode_test.mjs PARAMS.json
// Opens code-server's workbench (VS Code 1.100) in Debian's chromium through playwright-core and
// uses vault-ls like a person: quick-open a note, read the status bar, the Problems panel, a hover,
// the suggest widget after typing "[[Alph", F12; then runs the probe extension's command.
// Writes what it saw to params.out and screenshots to params.artifacts.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const params = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const require = createRequire(path.join(params.node_modules, "noop.js"));
const { chromium } = require("playwright-core");

const out = { steps: {}, errors: [] };
const save = () => fs.writeFileSync(params.out, JSON.stringify(out, null, 1));
const T = params.timeout_ms;

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    out.steps[name] = { ok: true, ms: Date.now() - t0 };
  } catch (e) {
    out.steps[name] = { ok: false, ms: Date.now() - t0 };
    out.errors.push(`${name}: ${e && e.stack ? e.stack.split("\n").slice(0, 4).join(" | ") : e}`);
    try {
      await page.screenshot({ path: path.join(params.artifacts, `vscode-failed-${name}.png`) });
    } catch {}
  }
  save();
}

const clean = (s) => (s || "").replace(/\u00a0/g, " ");

const browser = await chromium.launch({
  executablePath: params.chromium,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
page.setDefaultTimeout(T);

async function lineTexts() {
  return (await page.locator(".editor-instance .monaco-editor .view-lines .view-line").allInnerTexts()).map(clean);
}

async function goTo(line, col) {
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
}

async function selection() {
  return clean(await page.locator("#status\\.editor\\.selection").innerText());
}

async function openWorkbench() {
  await step("workbench", async () => {
    await page.goto(`${params.url}/?folder=${encodeURIComponent(params.vault)}`);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor();
  });
}

async function openBeta() {
  await step("open", async () => {
    await page.keyboard.press("Control+P");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type("Beta.md");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Beta.md" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".tab.active", { hasText: "Beta.md" }).waitFor();
    await page.locator(".editor-instance .view-line", { hasText: "Missing note" }).waitFor();
  });

}

async function statusAndProblems() {
  await step("statusbar", async () => {
    const item = page.locator(".statusbar-item", { hasText: /\d+ notes?/ });
    await item.first().waitFor();
    out.statusbar = clean(await item.first().innerText());
  });

  await step("problems", async () => {
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "Missing note" });
    await row.first().waitFor();
    out.problems = (await page.locator(".markers-panel .monaco-list-row").allInnerTexts()).map(clean);
    await page.screenshot({ path: path.join(params.artifacts, "vscode-problems.png") });
    await page.keyboard.press("Control+J"); // hide the panel again
  });

}

async function hover() {
  await step("hover", async () => {
    await page.locator(".editor-instance .view-line", { hasText: "Deep Work" }).first().click();
    const lines = await lineTexts();
    const line = lines.findIndex((l) => l.includes("[[Deep Work"));
    await goTo(line + 1, lines[line].indexOf("[[Deep Work") + 5);
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    const hover = page.locator(".monaco-hover:visible", { hasText: "Full Title" });
    await hover.first().waitFor();
    out.hover = clean(await hover.first().innerText());
    await page.screenshot({ path: path.join(params.artifacts, "vscode-hover.png") });
    await page.keyboard.press("Escape");
  });

}

// The whole walk with a working server.
async function full() {
  await hover();
  await step("completion", async () => {
    // Type "[[": the trigger character opens the suggest widget with the vault's notes.
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    // One bracket at a time at a person's pace, so auto-closing happens the same way each run.
    out.bracket_trace = [];
    for (const ch of "[[") {
      await page.keyboard.type(ch);
      await page.waitForTimeout(250);
      out.bracket_trace.push((await lineTexts()).at(-1));
    }
    const rows = page.locator(".suggest-widget .monaco-list-row");
    const wanted = rows.filter({ hasText: params.expect_label });
    await rows.filter({ hasText: params.expect_on_brackets }).first().waitFor();
    out.suggest_after_brackets = (await rows.allInnerTexts()).map(clean);
    await page.screenshot({ path: path.join(params.artifacts, "vscode-suggest-brackets.png") });
    // Keep typing part of the title: the widget should keep (and narrow to) the note.
    out.typing_trace = [(await lineTexts()).at(-1)];
    for (const ch of params.typed.replace(/^\[\[/, "")) {
      await page.keyboard.type(ch);
      await page.waitForTimeout(150);
      out.typing_trace.push((await lineTexts()).at(-1));
    }
    try {
      await wanted.first().waitFor({ timeout: 3000 });
      out.suggest_after_typing = (await rows.allInnerTexts()).map(clean);
    } catch {
      out.suggest_after_typing = [];
      out.lines_before_retrigger = await lineTexts();
      await page.screenshot({ path: path.join(params.artifacts, "vscode-suggest-after-typing.png") });
      await page.keyboard.press("Control+Space");
      await wanted.first().waitFor();
      out.suggest_after_ctrl_space = (await rows.allInnerTexts()).map(clean);
    }
    await page.screenshot({ path: path.join(params.artifacts, "vscode-suggest.png") });
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    out.lines_after_accept = await lineTexts();
  });

  await step("definition", async () => {
    const lines = await lineTexts();
    const line = lines.findIndex((l) => l.includes("[[Alpha — notes#"));
    await goTo(line + 1, lines[line].indexOf("[[Alpha") + 5);
    await page.keyboard.press("F12");
    await page.locator(".tab.active", { hasText: "Alpha — notes.md" }).waitFor();
    await page.waitForFunction(() => /Ln \d+/.test(document.querySelector("#status\\.editor\\.selection")?.textContent || ""));
    await page.waitForTimeout(300);
    out.definition = { tab: clean(await page.locator(".tab.active").innerText()), selection: await selection() };
  });

  await step("probe", async () => {
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type("Vault LS Probe: Run");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Vault LS Probe: Run" }).first().waitFor();
    await page.keyboard.press("Enter");
    const end = Date.now() + T;
    while (!fs.existsSync(params.probe_out) && Date.now() < end) await page.waitForTimeout(100);
    if (!fs.existsSync(params.probe_out)) throw new Error("probe wrote nothing");
  });

  await step("server_log", async () => {
    // What a person sees of the notes opened from outside the folder: the server's log.
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type("Vault LS: Show Server Log");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Show Server Log" }).first().waitFor();
    await page.keyboard.press("Enter");
    const log = page.locator(".part.panel .monaco-editor .view-lines");
    await log.filter({ hasText: "served alone" }).first().waitFor();
    out.server_log = clean(await log.first().innerText());
    await page.screenshot({ path: path.join(params.artifacts, "vscode-server-log.png") });
  });

  await step("commands", async () => {
    // The extension's own commands are in the palette.
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type("Vault LS:");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Restart Server" }).first().waitFor();
    out.commands = (await page.locator(".quick-input-list .monaco-list-row").allInnerTexts()).map(clean);
    await page.keyboard.press("Escape");
  });
}

// No server can start: what the status bar, the notifications and the log say.
async function failure() {
  await step("failed_status", async () => {
    const item = page.locator(".statusbar-item", { hasText: "not running" }).first();
    await item.waitFor();
    out.status_text = clean(await item.innerText());
    out.status_background = await item.evaluate((el) => getComputedStyle(el).backgroundColor);
    out.status_bar_background = await page.locator(".part.statusbar").evaluate((el) => getComputedStyle(el).backgroundColor);
    await item.hover();
    const tip = page.locator(".monaco-hover:visible, .workbench-hover:visible", { hasText: "could not start" });
    await tip.first().waitFor();
    out.status_tooltip = clean(await tip.first().innerText());
    await page.mouse.move(640, 300);
  });
  await step("notification", async () => {
    const toasts = page.locator(".notifications-toasts .notification-toast");
    await toasts.filter({ hasText: "vault-ls" }).first().waitFor();
    await page.waitForTimeout(3000); // a restarting client would add more by now
    out.notifications = (await toasts.allInnerTexts()).map(clean);
    await page.screenshot({ path: path.join(params.artifacts, `vscode-${params.scenario}.png`) });
  });
  await step("show_log", async () => {
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "vault-ls could not start" }).first();
    await toast.locator(".monaco-button", { hasText: "Show Log" }).click();
    const log = page.locator(".part.panel .monaco-editor .view-lines");
    await log.filter({ hasText: "could not start" }).first().waitFor();
    out.log = clean(await log.first().innerText());
  });
}

// The lightbulb on a broken link: its quick fix "Create note" writes the note (saved, as
// files.refactoring.autoSave does for an edit to a file not open) and the problem goes away.
async function quickFix() {
  const created = path.join(params.vault, params.fix_file);
  await step("lightbulb", async () => {
    await page.locator(".statusbar-item", { hasText: /\d+ notes?/ }).first().waitFor();
    await page.locator(".editor-instance .view-line", { hasText: params.fix_line }).first().click();
    await goTo(params.fix_at[0], params.fix_at[1]);
    // VS Code 1.100 draws the lightbulb in the glyph margin of the cursor's line
    const bulb = page.locator(".editor-instance .monaco-editor [class*='lightbulb'], .editor-instance .lightBulbWidget");
    try {
      await bulb.first().waitFor({ state: "visible", timeout: 10000 });
      out.bulb_class = await bulb.first().getAttribute("class");
      await bulb.first().click();
      out.via = "lightbulb";
    } catch {
      await page.keyboard.press("Control+.");
      out.via = "Ctrl+.";
    }
    const rows = page.locator(".action-widget .monaco-list-row.action");
    await rows.filter({ hasText: params.fix_title }).first().waitFor();
    out.offered = (await rows.allInnerTexts()).map(clean);
    await page.screenshot({ path: path.join(params.artifacts, "vscode-quickfix-menu.png") });
  });
  await step("fixed", async () => {
    // the fix is the first action, focused: Enter applies it, as a user does
    await page.locator(".action-widget .monaco-list-row.action.focused", { hasText: params.fix_title }).waitFor();
    await page.keyboard.press("Enter");
    const t0 = Date.now();
    while (!(fs.existsSync(created) && fs.readFileSync(created, "utf8"))) {
      if (Date.now() - t0 > T) throw new Error(`no note written at ${created}`);
      await page.waitForTimeout(100);
    }
    out.created = fs.readFileSync(created, "utf8");
    await page.keyboard.press("Control+Shift+M");
    await page.locator(".markers-panel").first().waitFor();
    const gone = Date.now();
    while ((await page.locator(".markers-panel .monaco-list-row", { hasText: params.fix_gone }).count()) > 0) {
      if (Date.now() - gone > T) throw new Error("the problem is still listed");
      await page.waitForTimeout(100);
    }
    out.problems_after = (await page.locator(".markers-panel .monaco-list-row").allInnerTexts()).map(clean);
    out.note_after = fs.readFileSync(path.join(params.vault, "Beta.md"), "utf8");
    await page.screenshot({ path: path.join(params.artifacts, "vscode-quickfix-applied.png") });
  });
}

// F2 on a link renames the note it leads to (and the links to it); a file renamed in the
// explorer has its links updated through workspace/willRenameFiles.
async function renames() {
  const read = (relative) => {
    const file = path.join(params.vault, relative);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  };
  const until = async (what, test) => {
    const t0 = Date.now();
    while (!test()) {
      if (Date.now() - t0 > T) throw new Error(`timed out: ${what}`);
      await page.waitForTimeout(100);
    }
  };
  await step("f2", async () => {
    await page.locator(".statusbar-item", { hasText: /\d+ notes?/ }).first().waitFor();
    await page.locator(".editor-instance .view-line", { hasText: params.f2_line }).first().click();
    await goTo(params.f2_at[0], params.f2_at[1]);
    await page.keyboard.press("F2");
    const input = page.locator(".rename-box input");
    await input.waitFor({ state: "visible" });
    await page.locator(".rename-box input:focus").waitFor();
    out.f2_offered = await input.inputValue();
    await input.fill(params.f2_new);
    await input.press("Enter");
    await until("the renamed note", () => read(params.f2_file) !== null);
    await until("Beta.md saved", () => read("Beta.md") !== params.beta_before);
    out.f2_beta = read("Beta.md");
    out.f2_old_gone = read(params.f2_old) === null;
    await page.screenshot({ path: path.join(params.artifacts, "vscode-rename-f2.png") });
  });
  await step("explorer", async () => {
    await page.keyboard.press("Control+Shift+E");
    const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: params.move_from });
    await row.first().click();
    await page.keyboard.press("F2");
    const input = page.locator(".explorer-folders-view .monaco-inputbox input");
    await page.locator(".explorer-folders-view .monaco-inputbox input:focus").waitFor();
    await input.fill(params.move_to);
    await input.press("Enter");
    // VS Code asks before applying an extension's edits for a file move; the user says OK
    const dialog = page.locator(".monaco-dialog-box");
    await dialog.waitFor();
    out.explorer_dialog = clean(await dialog.innerText());
    await page.screenshot({ path: path.join(params.artifacts, "vscode-rename-explorer-ask.png") });
    await dialog.locator(".monaco-button", { hasText: "OK" }).click();
    await until("the moved file", () => read(params.move_to) !== null);
    const before = out.f2_beta;
    await until("Beta.md saved after the move", () => read("Beta.md") !== before);
    out.explorer_beta = read("Beta.md");
    out.explorer_lines = await lineTexts();
    await page.screenshot({ path: path.join(params.artifacts, "vscode-rename-explorer.png") });
  });
}

try {
  await openWorkbench();
  await openBeta();
  if (params.scenario === "full") {
    await statusAndProblems();
    await full();
  } else if (params.scenario === "rename") {
    await renames();
  } else if (params.scenario === "quickfix") {
    await quickFix();
  } else if (params.scenario === "bundled") {
    await step("statusbar", async () => {
      const item = page.locator(".statusbar-item", { hasText: /\d+ notes?/ });
      await item.first().waitFor();
      out.statusbar = clean(await item.first().innerText());
    });
    await hover();
    await step("server_log", async () => {
      // A click on the note count shows the log, which says which server runs.
      await page.locator(".statusbar-item", { hasText: /\d+ notes?/ }).first().click();
      const log = page.locator(".part.panel .monaco-editor .view-lines");
      await log.filter({ hasText: "vault-ls: starting" }).first().waitFor();
      out.server_log = clean(await log.first().innerText());
    });
  } else {
    await failure();
  }
} finally {
  save();
  await browser.close();
}
