// The client side of vscode-markdown-languageserver, done in node as VS Code does it.
//
// That server asks its client to read files (markdown/fs/readFile, bytes as a number array) and
// to tokenize Markdown (markdown/parse, markdown-it tokens). VS Code answers both from its node
// extension host with markdown-it; bench/run.py forwards them here so the peer is not slowed down
// by a Python tokenizer. Protocol: one JSON object a line on stdin
//   {"id": 1, "op": "parse" | "read", "path": "/abs/file.md", "text": "optional text"}
// answered by one line on stdout: `<id> <JSON result>` (the result is passed on verbatim).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const here = new URL(".", import.meta.url).pathname;
const MarkdownIt = require(require.resolve("markdown-it", { paths: [here + ".peer"] }));
const frontMatter = require(require.resolve("markdown-it-front-matter", { paths: [here + ".peer"] }));

const md = MarkdownIt({ html: true }).use(frontMatter, () => {});

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", async (line) => {
  if (!line) return;
  const req = JSON.parse(line);
  let out;
  try {
    if (req.op === "read") {
      out = JSON.stringify(Array.from(await readFile(req.path)));
    } else {
      const text = req.text ?? (await readFile(req.path, "utf8"));
      out = JSON.stringify(md.parse(text, {}));
    }
  } catch (e) {
    out = req.op === "read" ? "null" : "[]";
  }
  process.stdout.write(`${req.id} ${out}\n`);
});
