#!/usr/bin/env node
// Regenerates the golden snapshots under test/golden/ on purpose: `npm run golden:update`
// (or `node scripts/update-golden.mjs [case...]` for some cases). Review the diff before committing:
// it is exactly what changed in the generated repositories.
// Imports the TypeScript sources directly (Node's type stripping), so no build is needed.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const { GOLDEN_CASES, GOLDEN_ROOT, diffGolden, readGolden, renderGolden, writeGolden } = await import('../test/helpers/golden.ts');

const wanted = process.argv.slice(2);
const unknown = wanted.filter((id) => !GOLDEN_CASES.some((c) => c.id === id));
if (unknown.length > 0) {
  console.error(`update-golden: unknown case ${unknown.join(', ')} (cases: ${GOLDEN_CASES.map((c) => c.id).join(', ')})`);
  process.exit(2);
}

for (const c of GOLDEN_CASES.filter((c) => wanted.length === 0 || wanted.includes(c.id))) {
  const tree = await renderGolden(c);
  const diff = diffGolden(tree, readGolden(c.id));
  writeGolden(c.id, tree);
  const parts = [
    diff.changed.length && `${diff.changed.length} changed`,
    diff.missing.length && `${diff.missing.length} added`,
    diff.extra.length && `${diff.extra.length} removed`,
    diff.modes.length && `${diff.modes.length} mode changes`,
  ].filter(Boolean);
  console.log(`test/golden/${c.id}: ${tree.size} files${parts.length ? `; ${parts.join(', ')}` : '; unchanged'}`);
  for (const [label, paths] of [['changed', diff.changed], ['added', diff.missing], ['removed', diff.extra], ['mode', diff.modes]]) {
    for (const path of paths) console.log(`  ${label.padEnd(8)} ${path}`);
  }
}

// Snapshots of cases that no longer exist go too (only when regenerating every case).
if (wanted.length === 0) {
  for (const entry of readdirSync(GOLDEN_ROOT, { withFileTypes: true })) {
    if (entry.isDirectory() && !GOLDEN_CASES.some((c) => c.id === entry.name)) {
      rmSync(join(GOLDEN_ROOT, entry.name), { recursive: true, force: true });
      console.log(`test/golden/${entry.name}: removed (no such case)`);
    }
  }
}
