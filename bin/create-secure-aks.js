#!/usr/bin/env node
// Entry point of `create-secure-aks` / `npx -p generator-secure-aks create-secure-aks`.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`create-secure-aks: Node.js >= 22.18 is required (this is ${process.version}).\n`);
  process.exit(1);
}
const { main } = await import('../dist/generators/core/cli.js');
process.exitCode = await main(process.argv.slice(2));
