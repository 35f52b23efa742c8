// The reviewed snapshot of the default case: what `bicep snapshot` predicts Azure will be asked to
// create for test/golden/default/infra, normalised (test/helpers/snapshot.ts), stored as
// test/golden/snapshots/default.snapshot.json. test/infra.snapshot.test.ts fails when it differs;
// `npm run golden:update` (scripts/update-golden.mjs) rewrites it on purpose. Needs the Bicep CLI.
import { join } from 'node:path';
import { buildContext } from '../../generators/core/plan/context.ts';
import { templateRoot } from '../../generators/core/support/paths.ts';
import { formatProblem } from '../../generators/core/support/problems.ts';
import { renderTree } from '../../generators/core/output/render.ts';
import { resolveAnswers } from '../../generators/core/answers/resolve.ts';
import { GOLDEN_CASES, GOLDEN_FOLDER, GOLDEN_ROOT, GOLDEN_SNAPSHOTS_DIR, GOLDEN_VERSION } from './golden.ts';
import { normalizeSnapshot, snapshotInfra } from './snapshot.ts';

/** The golden case whose snapshot is kept. */
export const GOLDEN_SNAPSHOT_CASE = 'default';
export const GOLDEN_SNAPSHOT_FILE = join(GOLDEN_ROOT, GOLDEN_SNAPSHOTS_DIR, `${GOLDEN_SNAPSHOT_CASE}.snapshot.json`);

/** The normalised snapshot of the golden default case's tree, as the reviewed file should hold it. */
export async function goldenSnapshot(): Promise<string> {
  const c = GOLDEN_CASES.find((g) => g.id === GOLDEN_SNAPSHOT_CASE)!;
  const resolution = resolveAnswers({ file: c.answers as Record<string, unknown>, folderName: GOLDEN_FOLDER });
  if (!resolution.ok) throw new Error(`golden case ${c.id}: ${resolution.problems.map(formatProblem).join('; ')}`);
  const ctx = buildContext(resolution.answers, GOLDEN_VERSION);
  const files = await renderTree(templateRoot('app'), ctx);
  const snapshot = await snapshotInfra({ answers: resolution.answers, ctx, files });
  if (snapshot.diagnostics.length > 0) throw new Error(`bicep snapshot of the golden ${c.id} case reported diagnostics: ${JSON.stringify(snapshot.diagnostics)}`);
  return normalizeSnapshot(snapshot);
}
