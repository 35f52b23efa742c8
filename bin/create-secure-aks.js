#!/usr/bin/env node
// Entry point of `create-secure-aks` / `npx -p generator-secure-aks create-secure-aks`, and what the thin
// create-secure-aks package (`npm create secure-aks`) runs: it finds this file through the `bin` entry of
// package.json, so moving it means changing that entry, nothing else.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`create-secure-aks: Node.js >= 22.18 is required (this is ${process.version}).\n`);
  process.exit(1);
}
// Most of a run's time is compiling the ~2,000 modules yeoman-environment loads; Node's on-disk compile
// cache (in the OS temp folder, keyed by content, NODE_DISABLE_COMPILE_CACHE=1 turns it off) makes
// every run after the first skip that work. Only modules loaded after this line are cached.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../dist/generators/core/run/cli.js');
process.exitCode = await main(process.argv.slice(2));
