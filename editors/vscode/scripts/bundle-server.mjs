// Fills server/lib with vault-ls (from this repository) and its pure-Python dependencies, so the
// packaged extension can run the server with the user's own Python 3.11+ when `vault-ls` is not
// on the PATH. Run by `npm run package` (vscode:prepublish). Python: $VAULT_LS_BUNDLE_PYTHON, else
// python3. Compiled extension modules (PyYAML's optional libyaml binding) are removed: the bundle
// is the same on every platform, and PyYAML falls back to its pure-Python loader.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repo = path.resolve(ext, "..", "..");
const lib = path.join(ext, "server", "lib");
const python = process.env.VAULT_LS_BUNDLE_PYTHON || "python3";

fs.rmSync(lib, { recursive: true, force: true });
execFileSync(
  python,
  ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--target", lib, repo],
  { stdio: "inherit" },
);
let removed = 0;
const prune = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "__pycache__" || entry.name === "bin") fs.rmSync(p, { recursive: true, force: true });
      else prune(p);
    } else if (/\.(so|pyd|dylib)$/.test(entry.name)) {
      fs.rmSync(p);
      removed++;
    }
  }
};
prune(lib);
if (!fs.existsSync(path.join(lib, "vault_ls", "__main__.py"))) {
  throw new Error(`bundle-server: ${lib} holds no vault_ls package`);
}
const packages = fs.readdirSync(lib).filter((n) => n.endsWith(".dist-info")).map((n) => n.replace(/\.dist-info$/, ""));
console.log(`bundle-server: ${packages.join(", ")} in server/lib (${removed} compiled modules left out)`);
