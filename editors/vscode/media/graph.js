// The graph webview's script (src/graph.ts builds the page): draws the vault/graph answer the
// extension posts, with force-graph (pan and zoom on a canvas), as the page `vault-ls graph` writes
// does (server/vault_ls/graph_page.py): notes sized by their backlinks, missing notes grey, a
// note's first tag gives its colour. A click on a note asks the extension to open it. Once the
// layout settles, the body says how many nodes were laid out (data-placed) and the extension is told.
// The panel's state (vscode.setState: its kind, note, vault and title) is what VS Code keeps over a
// reload of the window, for the extension to draw the panel again (src/graph.ts).
(function () {
  const vscode = acquireVsCodeApi();
  // graph_page.py's colours: a colour per tag, most used tags first
  const PALETTE = [
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#bfef45", "#469990", "#9a6324", "#800000", "#808000", "#000075", "#fabed4",
  ];
  const UNTAGGED = "#7f8c9a";
  const MISSING = "#d0d0d0";

  /** The first tag of each note, most used first (ties by name), each with a colour. */
  function tagColours(nodes) {
    const counts = new Map();
    for (const node of nodes) {
      if (node.tags.length) counts.set(node.tags[0], (counts.get(node.tags[0]) || 0) + 1);
    }
    const ranked = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : a > b ? 1 : 0));
    return new Map(ranked.map((tag, rank) => [tag, PALETTE[Math.min(rank, PALETTE.length - 1)]]));
  }

  const body = document.body;
  const element = document.getElementById("graph");
  const summary = document.getElementById("summary");
  const legend = document.getElementById("legend");
  const title = document.getElementById("title");
  const foreground = getComputedStyle(body).color;
  let colours = new Map();
  let center;
  let refit = true; // a redraw after a save keeps the view; a new note or a first draw fits it
  const size = (node) => 1 + Math.sqrt(node.backlinks);
  const colour = (node) => (node.kind === "missing" ? MISSING : colours.get(node.tags[0]) || UNTAGGED);

  const graph = ForceGraph()(element)
    .width(innerWidth)
    .height(innerHeight)
    .nodeId("id")
    .nodeLabel((node) => `${node.name}${node.kind === "missing" ? " (missing)" : ""} — ${node.backlinks} backlinks`)
    .nodeVal((node) => size(node) * size(node))
    .nodeRelSize(3)
    .nodeColor(colour)
    .linkColor(() => "rgba(128, 128, 128, 0.35)")
    .linkWidth((edge) => Math.min(4, 0.5 + 0.5 * edge.count))
    // the names after every node, so that no node covers another's name
    .onRenderFramePost((context, scale) => {
      context.textAlign = "center";
      context.textBaseline = "top";
      for (const node of graph.graphData().nodes) {
        const small = body.dataset.kind === "global" && node.backlinks < 8 && node.uri !== center;
        if (!Number.isFinite(node.x) || (scale < 1.6 && small)) continue;
        context.font = `${(node.uri === center ? 13 : 11) / scale}px system-ui, sans-serif`;
        context.fillStyle = node.kind === "missing" ? "#999" : foreground;
        context.fillText(node.name, node.x, node.y + 3 * size(node) + 1 / scale);
      }
    })
    .onNodeClick((node) => {
      if (node.uri) vscode.postMessage({ type: "open", uri: node.uri });
    })
    .cooldownTime(4000)
    .onEngineStop(() => {
      if (body.dataset.settled === "yes") return;
      if (refit) fit(300);
      const nodes = graph.graphData().nodes;
      const placed = nodes.filter((node) => Number.isFinite(node.x) && Number.isFinite(node.y)).length;
      body.dataset.placed = String(placed);
      body.dataset.settled = "yes";
      vscode.postMessage({ type: "drawn", nodes: nodes.length, placed });
    });

  // a note with no links is pushed only so far (the fitted view is not mostly empty space), and
  // big notes keep some room between them
  graph.d3Force("charge").distanceMax(250);
  graph.d3Force("link").distance((edge) => 20 + 3 * (size(edge.source) + size(edge.target)));

  /** Show every node whole, with its label, zoomed in no further than twice (a small local
   * graph would fill the panel with a few discs). */
  function fit(ms) {
    const nodes = graph.graphData().nodes.filter((node) => Number.isFinite(node.x));
    if (!nodes.length) return;
    const radius = (node) => 3 * size(node);
    const left = Math.min(...nodes.map((node) => node.x - radius(node)));
    const right = Math.max(...nodes.map((node) => node.x + radius(node)));
    const top = Math.min(...nodes.map((node) => node.y - radius(node)));
    const bottom = Math.max(...nodes.map((node) => node.y + radius(node)));
    const pad = 60; // pixels: the labels under the nodes and beside the edge ones
    const zoom = Math.min(2, (graph.width() - 2 * pad) / Math.max(1, right - left), (graph.height() - 2 * pad) / Math.max(1, bottom - top));
    graph.centerAt((left + right) / 2, (top + bottom) / 2, ms);
    graph.zoom(Math.max(zoom, 0.05), ms);
  }

  function draw(message) {
    const data = message.graph;
    refit = message.center !== center || graph.graphData().nodes.length === 0;
    center = message.center;
    colours = tagColours(data.nodes);
    // a note drawn before keeps its place: a redraw after a save does not shuffle the graph
    const before = new Map(graph.graphData().nodes.map((node) => [node.id, node]));
    const nodes = data.nodes.map((node) => {
      const old = before.get(node.id);
      return old ? Object.assign({}, node, { x: old.x, y: old.y }) : Object.assign({}, node);
    });
    delete body.dataset.settled;
    body.dataset.center = center || "";
    graph.graphData({ nodes, links: data.edges.map((edge) => Object.assign({}, edge)) });
    const notes = data.nodes.filter((node) => node.kind === "note").length;
    const missing = data.nodes.filter((node) => node.kind === "missing").length;
    const named = data.nodes.find((node) => node.uri === center);
    title.textContent = message.kind === "local" && named ? named.name : message.state.title;
    summary.className = "";
    summary.textContent = `${notes} notes, ${missing} missing, ${data.edges.length} links${message.indexed ? "" : " (still indexing)"}`;
    body.dataset.indexed = message.indexed ? "yes" : "no";
    legend.replaceChildren();
    const item = (background, text) => {
      const li = document.createElement("li");
      const dot = document.createElement("span");
      dot.style.background = background;
      li.append(dot, text);
      legend.append(li);
    };
    for (const [tag, background] of [...colours].slice(0, PALETTE.length - 1)) item(background, `#${tag}`);
    item(UNTAGGED, "no tag");
    item(MISSING, "missing note");
  }

  window.addEventListener("message", (event) => {
    const message = event.data;
    vscode.setState(message.state); // what a reloaded window draws this panel from again
    if (message.type === "graph") {
      draw(message);
    } else if (message.type === "error") {
      summary.textContent = message.text;
      summary.className = "error";
    }
  });
  window.addEventListener("resize", () => graph.width(innerWidth).height(innerHeight));
  const saved = vscode.getState(); // after a reload of the window, until the server answers
  if (saved && saved.title) title.textContent = saved.title;
  window.vaultGraph = graph; // for the end-to-end test (tests/editors/vscode_graph_test.mjs)
  vscode.postMessage({ type: "ready" });
})();
