// Opens a page written by `vault-ls graph` in Debian's chromium (headless, through
// playwright-core, no network) and prints, as JSON, the ids of the nodes in the page's data and
// in the drawing library's own graph, once the layout has settled; then takes a screenshot.
// node graph_page.mjs PARAMS_JSON  (params: modules, chromium, page, screenshot)
import { createRequire } from "node:module";

const params = JSON.parse(process.argv[2]);
const require = createRequire(params.modules + "/");
const { chromium } = require("playwright-core");

const browser = await chromium.launch({
  executablePath: params.chromium,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const requests = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) requests.push(request.url());
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto("file://" + params.page);
  await page.waitForSelector("body[data-settled=yes]", { timeout: 60000 });
  const found = await page.evaluate(() => ({
    data: window.vaultGraph.data.nodes.map((node) => [node.id, node.kind]),
    drawn: window.vaultGraph.graph.graphData().nodes.map((node) => node.id),
    placed: window.vaultGraph.graph.graphData().nodes.filter((node) => Number.isFinite(node.x)).length,
    links: window.vaultGraph.graph.graphData().links.length,
  }));
  await page.waitForTimeout(500); // zoomToFit animates for 300 ms
  await page.screenshot({ path: params.screenshot });
  console.log(JSON.stringify({ ...found, requests, errors }));
} finally {
  await browser.close();
}
