#!/usr/bin/env node
// The floor of `npm run bench`: the same startup as bin/create-secure-aks.js and the same
// yeoman-environment calls as generators/core/run/cli.ts (import on demand, createEnv, register, run with
// the destination as an argument), nothing else.
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

// As bin/create-secure-aks.js does: the floor starts exactly like our bin, so the ratio measures what
// our generator adds, not a difference in how Node was asked to start.
enableCompileCache?.();
const { createEnv } = await import('yeoman-environment');
const env = createEnv({ cwd: process.cwd(), skipInstall: true });
env.register(fileURLToPath(new URL('../generators/app/index.js', import.meta.url)), { namespace: 'bench-floor:app' });
try {
  await env.run(['bench-floor:app', ...process.argv.slice(2).filter((arg) => !arg.startsWith('-'))], { yes: true });
} catch (error) {
  process.stderr.write(`bench-floor: ${error.message}\n`);
  process.exitCode = 1;
}
