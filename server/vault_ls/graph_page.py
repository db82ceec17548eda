"""The page `vault-ls graph` writes: one self-contained HTML file drawing a vault's graph.

The graph is ``vault/graph``'s answer (``features/graph.py``), embedded as JSON; the drawing is
force-graph (a force layout with pan and zoom on a canvas, vendored in ``web/`` with its
licence) inlined into the page, so it opens from disk with no network. Notes are sized by their
backlinks, missing notes are grey, a note's first tag gives its colour.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

FORCE_GRAPH = "force-graph.min.js"  # force-graph 1.52.0 (web/README.md)
# a colour per tag, most used tags first; notes with no tag, and missing notes, have their own
PALETTE = [
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#bfef45", "#469990", "#9a6324", "#800000", "#808000", "#000075", "#fabed4",
]  # fmt: skip
UNTAGGED = "#7f8c9a"
MISSING = "#d0d0d0"


def tag_colours(graph: dict[str, Any]) -> dict[str, str]:
    """The first tag of each note, most used first (ties by name), each with a colour; the
    tags past the palette share the last."""
    counts: dict[str, int] = {}
    for node in graph["nodes"]:
        if node["tags"]:
            counts[node["tags"][0]] = counts.get(node["tags"][0], 0) + 1
    ranked = sorted(counts, key=lambda tag: (-counts[tag], tag))
    return {tag: PALETTE[min(rank, len(PALETTE) - 1)] for rank, tag in enumerate(ranked)}


def _script_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element: no ``</`` can end it early."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render(graph: dict[str, Any], title: str) -> str:
    library = resources.files("vault_ls").joinpath("web", FORCE_GRAPH).read_text("utf-8")
    colours = tag_colours(graph)
    notes = sum(1 for node in graph["nodes"] if node["kind"] == "note")
    missing = sum(1 for node in graph["nodes"] if node["kind"] == "missing")
    legend = "".join(
        f'<li><span style="background:{colour}"></span>#{html.escape(tag)}</li>'
        for tag, colour in list(colours.items())[: len(PALETTE) - 1]
    )
    summary = f"{notes} notes, {missing} missing, {len(graph['edges'])} links"
    return PAGE.format(
        title=html.escape(title),
        summary=summary,
        legend=legend,
        untagged=UNTAGGED,
        missing=MISSING,
        data=_script_json(graph),
        colours=_script_json({**colours, "": UNTAGGED, "missing:": MISSING}),
        library=library.replace("</script", "<\\/script"),
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — vault graph</title>
<style>
  html, body {{ margin: 0; height: 100%; font: 13px system-ui, sans-serif; background: #fafafa; }}
  #graph {{ position: absolute; inset: 0; }}
  #panel {{ position: absolute; top: 8px; left: 8px; background: rgba(255,255,255,.9);
           border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; max-width: 260px; }}
  #panel h1 {{ font-size: 14px; margin: 0 0 4px; }}
  #panel ul {{ list-style: none; margin: 4px 0 0; padding: 0; }}
  #panel li span {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%;
                    margin-right: 6px; }}
</style>
</head>
<body>
<div id="graph"></div>
<div id="panel">
  <h1>{title}</h1>
  <div id="summary">{summary}</div>
  <ul>{legend}<li><span style="background:{untagged}"></span>no tag</li>
  <li><span style="background:{missing}"></span>missing note</li></ul>
</div>
<script id="graph-data" type="application/json">{data}</script>
<script id="tag-colours" type="application/json">{colours}</script>
<script>{library}</script>
<script>
(function () {{
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const colours = JSON.parse(document.getElementById("tag-colours").textContent);
  const colour = (node) => node.kind === "missing" ? colours["missing:"]
    : colours[node.tags[0] || ""] || colours[""];
  const size = (node) => 1 + Math.sqrt(node.backlinks);
  const element = document.getElementById("graph");
  const graph = ForceGraph()(element)
    .graphData({{
      nodes: data.nodes.map((node) => Object.assign({{}}, node)),
      links: data.edges.map((edge) => Object.assign({{}}, edge)),
    }})
    .nodeId("id")
    .nodeLabel((node) => node.name + (node.kind === "missing" ? " (missing)" : "")
      + " — " + node.backlinks + " backlinks")
    .nodeVal((node) => size(node) * size(node))
    .nodeRelSize(3)
    .nodeColor(colour)
    .linkColor(() => "rgba(90, 90, 90, 0.25)")
    .linkWidth((edge) => Math.min(4, 0.5 + 0.5 * edge.count))
    .nodeCanvasObjectMode(() => "after")
    .nodeCanvasObject((node, context, scale) => {{
      if (scale < 1.6 && node.backlinks < 8) return;
      context.font = (11 / scale) + "px system-ui, sans-serif";
      context.textAlign = "center";
      context.textBaseline = "top";
      context.fillStyle = node.kind === "missing" ? "#999" : "#333";
      context.fillText(node.name, node.x, node.y + 3 * size(node) + 1 / scale);
    }})
    .onNodeClick((node) => {{ if (node.uri) window.location.href = node.uri; }})
    .cooldownTime(4000)
    .onEngineStop(() => {{
      if (!document.body.dataset.settled) graph.zoomToFit(300, 40);
      document.body.dataset.settled = "yes";
    }});
  window.addEventListener("resize", () => graph.width(innerWidth).height(innerHeight));
  window.vaultGraph = {{ data: data, graph: graph }};
}})();
</script>
</body>
</html>
"""
