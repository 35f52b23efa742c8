#!/usr/bin/env node
// Regenerates the golden snapshots under test/golden/ on purpose: `npm run golden:update`
// (or `node scripts/update-golden.mjs [case...]` for some cases), and the default case's `bicep
// snapshot` in test/golden/snapshots/. Review the diff before committing: it is exactly what changed
// in the generated repositories, and in what the default one asks Azure to create.
// Imports the TypeScript sources directly (Node's type stripping), so no build is needed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const { GOLDEN_CASES, GOLDEN_ROOT, GOLDEN_SNAPSHOTS_DIR, diffGolden, readGolden, renderGolden, writeGolden } = await import('../test/helpers/golden.ts');

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

// The reviewed `bicep snapshot` of the default case (test/golden/snapshots/): what its infra/ asks
// Azure to create. It needs the Bicep CLI (BICEP_PATH, PATH or .tools/bicep); without it, say so.
const { GOLDEN_SNAPSHOT_CASE, GOLDEN_SNAPSHOT_FILE, goldenSnapshot } = await import('../test/helpers/golden-snapshot.ts');
const { closeBicep } = await import('../test/helpers/bicep.ts');
const { findTool } = await import('../test/helpers/tools.ts');
if (wanted.length === 0 || wanted.includes(GOLDEN_SNAPSHOT_CASE)) {
  const shown = relative(process.cwd(), GOLDEN_SNAPSHOT_FILE) || GOLDEN_SNAPSHOT_FILE;
  if (!findTool('bicep')) {
    console.error(`update-golden: ${shown} NOT updated: the Bicep CLI is not installed (scripts/install-bicep.sh, or set BICEP_PATH)`);
    process.exitCode = 1;
  } else {
    const text = await goldenSnapshot();
    closeBicep();
    const before = existsSync(GOLDEN_SNAPSHOT_FILE) ? readFileSync(GOLDEN_SNAPSHOT_FILE, 'utf8') : undefined;
    mkdirSync(dirname(GOLDEN_SNAPSHOT_FILE), { recursive: true });
    writeFileSync(GOLDEN_SNAPSHOT_FILE, text);
    const resources = JSON.parse(text).predictedResources.length;
    console.log(`${shown}: ${resources} resources; ${before === undefined ? 'added' : before === text ? 'unchanged' : 'changed'}`);
  }
}

// Snapshots of cases that no longer exist go too (only when regenerating every case).
if (wanted.length === 0) {
  for (const entry of readdirSync(GOLDEN_ROOT, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== GOLDEN_SNAPSHOTS_DIR && !GOLDEN_CASES.some((c) => c.id === entry.name)) {
      rmSync(join(GOLDEN_ROOT, entry.name), { recursive: true, force: true });
      console.log(`test/golden/${entry.name}: removed (no such case)`);
    }
  }
}
