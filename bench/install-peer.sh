#!/usr/bin/env bash
# Install the peer server (vscode-markdown-languageserver, the language server behind VS Code's
# built-in Markdown support) into bench/.peer/, pinned so figures stay comparable.
set -euo pipefail
cd "$(dirname "$0")"
VERSION="${PEER_VERSION:-0.5.0}"
mkdir -p .peer
cd .peer
[ -f package.json ] || echo '{"name": "vault-ls-bench-peer", "private": true}' > package.json
# The server asks its client to tokenize (custom request markdown/parse); VS Code answers with
# markdown-it plus the front-matter plugin, so the bench's tokenizer helper uses the same pair.
npm install --no-audit --no-fund --silent "vscode-markdown-languageserver@${VERSION}" \
  markdown-it@14.1.0 markdown-it-front-matter@0.2.4
node -e "console.log('peer installed:', require('vscode-markdown-languageserver/package.json').version)"
