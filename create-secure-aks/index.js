#!/usr/bin/env node
// `npm create secure-aks` runs this file. It holds no generator code: it finds the generator-secure-aks
// package it depends on (same version, exact) and runs that package's own `create-secure-aks` bin, which
// sees the same process.argv. Nothing here reaches into the generator's internals, so the generator's
// bin stays the one entry point (and checks the Node.js version first thing).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GENERATOR = 'generator-secure-aks';
const BIN = 'create-secure-aks';
const require = createRequire(import.meta.url);
const self = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const wanted = self.dependencies?.[GENERATOR] ?? self.version;

let manifestPath;
try {
  manifestPath = require.resolve(`${GENERATOR}/package.json`);
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND') throw error;
  process.stderr.write(
    `create-secure-aks: cannot find the ${GENERATOR} package this command runs (it is a dependency of ` +
      `create-secure-aks@${self.version}; the installation looks incomplete).\n` +
      `Run it again with \`npm create secure-aks@${self.version}\`, or install it with \`npm install ${GENERATOR}@${wanted}\`.\n`,
  );
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[BIN];
if (typeof bin !== 'string') {
  process.stderr.write(`create-secure-aks: ${GENERATOR}@${manifest.version} (${dirname(manifestPath)}) has no \`${BIN}\` bin.\n`);
  process.exit(1);
}
await import(pathToFileURL(join(dirname(manifestPath), bin)).href);
