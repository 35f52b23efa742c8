#!/usr/bin/env node
// Compiles generators/ to dist/ with tsc (which also type-checks the tests), compiles the templates
// into dist/templates/ (scripts/precompile-templates.mjs), then writes answers.schema.json from the
// compiled answers model.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { precompileTemplates } from './precompile-templates.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
function tscRun(...args) {
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error(`build: tsc ${args.join(' ')} failed`);
    process.exit(1);
  }
}
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
tscRun('-p', 'tsconfig.json', '--noEmit');
tscRun('-p', 'tsconfig.build.json');
await precompileTemplates();
const { answersSchema } = await import(new URL('../dist/generators/core/answers/options.js', import.meta.url).href);
writeFileSync(new URL('../answers.schema.json', import.meta.url), `${JSON.stringify(answersSchema(), null, 2)}\n`);
