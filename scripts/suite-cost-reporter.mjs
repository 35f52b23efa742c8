// A vitest reporter for the `suite` case of `npm run bench` (scripts/bench-suite.mjs): what each test file
// cost its worker, from vitest's own diagnostics: preparing the file, importing it (collect), its setup
// files, and its tests and hooks. The JSON report's file span leaves out a `beforeAll` that runs before
// the first test, which is where files that generate or compile once do most of their work. Writes
// { "<absolute path of the test file>": ms } to the file named by SECURE_AKS_FILE_COSTS.
import { writeFileSync } from 'node:fs';

export default class SuiteCostReporter {
  onTestRunEnd(modules) {
    const out = process.env.SECURE_AKS_FILE_COSTS;
    if (!out) return;
    const costs = {};
    for (const module of modules) {
      const d = module.diagnostic();
      costs[module.moduleId] = d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
    }
    writeFileSync(out, `${JSON.stringify(costs, null, 1)}\n`);
  }
}
