// Copies the force-graph library the server vendors for `vault-ls graph` (server/vault_ls/web/,
// with its licence) into media/, where the graph webview loads it from: one copy of the library
// in the repository, and the .vsix needs no network. Run by `npm run build`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const web = path.resolve(ext, "..", "..", "server", "vault_ls", "web");
for (const file of ["force-graph.min.js", "force-graph.LICENSE"]) {
  fs.copyFileSync(path.join(web, file), path.join(ext, "media", file));
}
