"""What real notes are made of, and why the fast path declines them: a census of vaults.

    python bench/census.py                       # every vault in ../shared/corpora
    python bench/census.py VAULT ...             # these vaults
    python bench/census.py --write               # also bench/census.json and bench/README.md

For every note it records the constructs markdown-it (the reference parser) finds in it — nested
lists, block quotes and callouts, tables, math, HTML, ``%%`` comments, ``---`` breaks, reference
definitions… — and the reason ``fastparse`` declines it (the first thing it met that it does not
read), or that the fast path reads it, and which parts of the notes it reads it hands to
markdown-it's own rules (``fastparse.borrowed_rules``). ``--write`` stores the shares in
``bench/census.json`` (``generate.py --shape real`` draws its mix from it) and the tables in
``bench/README.md`` between the census markers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
CORPORA = BENCH.parent.parent / "shared" / "corpora"
CENSUS_JSON = BENCH / "census.json"
README = BENCH / "README.md"
BEGIN, END = "<!-- census:begin -->", "<!-- census:end -->"

ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# markdown-it's list markers after indentation: an item that does not start a line.
INDENTED_ITEM = re.compile(r"^[ \t]+(?:[-*+]|[0-9]{1,9}[.)])[ \t]")

# Constructs in the order the tables show them, with what each means.
CONSTRUCTS = {
    "front matter": "YAML front matter",
    "fenced code": "a fenced code block",
    "flat list": "a list at column 0",
    "nested list": "a list inside a list item",
    "indented item": "a list item line indented (nested or not)",
    "multi-block item": "a list item holding more than one block (long highlight notes)",
    "block quote": "a `>` quote that is not a callout",
    "callout": "a `> [!type]` callout",
    "table": "a GFM table",
    "math": "`$...$` or `$$...$$` math",
    "HTML": "an HTML block or inline HTML (comments, tags, autolinks)",
    "comment": "an Obsidian `%%` comment",
    "thematic break": "`---`, `***` or `___` alone",
    "setext heading": "a heading underlined with `===` or `---`",
    "indented code": "a code block indented four spaces",
    "reference definition": "a `[label]: url` definition",
    "`]:` without definition": "`]:` in the text (as in `[[Note]]:`) but no definition",
    "escape": "a backslash escape",
    "entity": "an HTML entity (`&amp;`)",
}


ITEM_BLOCKS = {
    "paragraph_open",
    "bullet_list_open",
    "ordered_list_open",
    "fence",
    "code_block",
    "blockquote_open",
    "heading_open",
    "table_open",
    "html_block",
    "math_block",
    "hr",
}


def note_constructs(md: Any, text: str) -> set[str]:
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    found: set[str] = set()
    open_items: list[list[int]] = []  # each open list item: [level inside it, blocks seen]
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "front_matter":
            found.add("front matter")
        elif kind == "fence":
            found.add("fenced code")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            found.add("nested list" if open_items else "flat list")
        elif kind == "list_item_open":
            open_items.append([token.level + 1, 0])
        elif kind == "list_item_close":
            if open_items.pop()[1] > 1:
                found.add("multi-block item")
        elif kind == "blockquote_open":
            inline = next((t for t in tokens[index:] if t.type == "inline"), None)
            callout = inline is not None and inline.content.lstrip().startswith("[!")
            found.add("callout" if callout else "block quote")
        elif kind == "table_open":
            found.add("table")
        elif kind.startswith("math"):
            found.add("math")
        elif kind == "html_block":
            found.add("HTML")
        elif kind == "obsidian_comment":
            found.add("comment")
        elif kind == "hr":
            found.add("thematic break")
        elif kind == "heading_open" and token.markup in ("=", "-"):
            found.add("setext heading")
        elif kind == "code_block":
            found.add("indented code")
        elif kind == "inline" and token.children:
            for child in token.children:
                if child.type in ("html_inline", "autolink_open") or child.markup == "autolink":
                    found.add("HTML")
                elif child.type.startswith("math"):
                    found.add("math")
                elif child.type == "obsidian_comment":
                    found.add("comment")
        if open_items and kind in ITEM_BLOCKS and token.level == open_items[-1][0]:
            open_items[-1][1] += 1
    if env.get("references"):
        found.add("reference definition")
    elif "]:" in text:
        found.add("`]:` without definition")
    body = text.split("\n")[
        tokens[0].map[1] if tokens and tokens[0].type == "front_matter" else 0 :
    ]
    if any(INDENTED_ITEM.match(line) for line in body):
        found.add("indented item")
    if ESCAPE.search(text):
        found.add("escape")
    if ENTITY.search(text):
        found.add("entity")
    return found


def census(root: Path) -> dict[str, Any]:
    from vault_ls.vault import fastparse, fs
    from vault_ls.vault.parse import _MD
    from vault_ls.vault.positions import normalize_newlines

    found = fs.scan(root, [], fs.DEFAULT_MAX_FILES)
    constructs: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    borrowed: Counter[str] = Counter()
    notes = 0
    for rel in found.notes:
        raw = fs.read_note(root / rel)[0]
        if raw is None:
            continue
        text = normalize_newlines(raw)
        notes += 1
        constructs.update(note_constructs(_MD, text))
        lines = text.split("\n")
        reasons[fastparse.decline_reason(text, lines) or "fast path"] += 1
        borrowed.update(fastparse.borrowed_rules(text, lines) or ())
    return {
        "notes": notes,
        "constructs": dict(constructs),
        "reasons": dict(reasons),
        "borrowed": dict(borrowed),
    }


def share(count: int, total: int) -> str:
    return f"{count * 100 / total:.0f}%" if count else "-"


def tables(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    head = "| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    out = ["Share of notes holding each construct (markdown-it's reading):\n\n", head]
    out.append("| notes | " + " | ".join(str(results[n]["notes"]) for n in names) + " |\n")
    for construct in CONSTRUCTS:
        cells = [
            share(results[n]["constructs"].get(construct, 0), results[n]["notes"]) for n in names
        ]
        out.append(f"| {construct} | " + " | ".join(cells) + " |\n")
    out.append(
        "\nWhy the fast path declines a note (the first thing it meets that it does not read):\n\n"
    )
    out.append(head)
    every_reason = Counter[str]()
    for result in results.values():
        every_reason.update(result["reasons"])
    ordered = ["fast path"] + [r for r, _ in every_reason.most_common() if r != "fast path"]
    for reason in ordered:
        cells = [share(results[n]["reasons"].get(reason, 0), results[n]["notes"]) for n in names]
        label = f"**{reason}**" if reason == "fast path" else reason
        out.append(f"| {label} | " + " | ".join(cells) + " |\n")
    out.append(
        "\nNotes on the fast path that hand a part to markdown-it's own rule (a block on just its"
        " lines, a paragraph's inline content alone):\n\n"
    )
    out.append(head)
    every_part = Counter[str]()
    for result in results.values():
        every_part.update(result.get("borrowed", {}))
    for part, _ in every_part.most_common():
        cells = [
            share(results[n].get("borrowed", {}).get(part, 0), results[n]["notes"]) for n in names
        ]
        out.append(f"| {part} | " + " | ".join(cells) + " |\n")
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("vaults", nargs="*", type=Path)
    parser.add_argument("--write", action="store_true", help="update census.json and README.md")
    args = parser.parse_args()
    vaults = args.vaults or sorted(p for p in CORPORA.iterdir() if p.is_dir() and p.name[0] != "_")
    results = {vault.name: census(vault) for vault in vaults}
    table = tables(results)
    print(table)
    if args.write:
        CENSUS_JSON.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        readme = README.read_text()
        begin, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
        README.write_text(readme[:begin] + "\n" + table + readme[end:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
