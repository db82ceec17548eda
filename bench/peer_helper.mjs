// The client side of vscode-markdown-languageserver, done in node as VS Code does it.
//
// That server asks its client to read files (markdown/fs/readFile, bytes as a number array) and
// to tokenize Markdown (markdown/parse, markdown-it tokens). VS Code answers both from its node
// extension host with markdown-it; bench/run.py forwards them here so the peer is not slowed down
// by a Python tokenizer. Protocol: one JSON object a line on stdin
//   {"id": 1, "op": "parse" | "read", "path": "/abs/file.md", "text": "optional text"}
// answered by one line on stdout: `<id> <JSON result>` (the result is passed on verbatim).
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const here = new URL(".", import.meta.url).pathname;
const MarkdownIt = require(require.resolve("markdown-it", { paths: [here + ".peer"] }));
const frontMatter = require(require.resolve("markdown-it-front-matter", { paths: [here + ".peer"] }));

const md = MarkdownIt({ html: true }).use(frontMatter, () => {});

// One request at a time, and never faster than the pipe drains: at 50k notes an unthrottled
// writer queues gigabytes in process.stdout and dies with ENOBUFS.
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line) continue;
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
  if (!process.stdout.write(`${req.id} ${out}\n`)) {
    await once(process.stdout, "drain");
  }
}
