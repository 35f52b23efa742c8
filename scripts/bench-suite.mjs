// The `suite` case of `npm run bench` (scripts/bench.mjs): how long the test suite takes, as `npm test`
// runs it after its build (`vitest run`, with the environment bench was given: REQUIRE_BICEP=1 makes
// every external tool required), so its wall time is printed beside the generator's own figures. One run
// (a suite run takes minutes; compare runs made on an equally busy machine, or their CPU times), its
// wall and CPU time (the suite's processes and everything they started and waited for) and its slowest
// files. It measures the compiled dist/ as it is and refuses a stale one (npm run build first): it writes
// nothing into the repository.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The reporter that gives each file's cost with its hooks (the JSON report's span leaves out a leading beforeAll). */
const COST_REPORTER = fileURLToPath(new URL('./suite-cost-reporter.mjs', import.meta.url));

/** How many of the slowest test files the figures name. */
export const SLOWEST = 5;

/** Why dist/ does not reflect generators/ (undefined when it does): the bin tests and `--use-dist` run dist/. */
export function distStaleness(root) {
  const dist = join(root, 'dist', 'generators');
  if (!existsSync(join(dist, 'core', 'run', 'cli.js'))) return 'dist/ is missing; run npm run build';
  for (const e of readdirSync(join(root, 'generators'), { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const source = join(e.parentPath, e.name);
    const compiled = join(dist, relative(join(root, 'generators'), source)).replace(/\.ts$/, '.js');
    if (!existsSync(compiled)) return `dist/ has no ${relative(root, compiled)}; run npm run build`;
    if (statSync(compiled).mtimeMs < statSync(source).mtimeMs) return `${relative(root, source)} is newer than dist/; run npm run build`;
  }
  // The templates compiled ahead of time (scripts/precompile-templates.mjs): a run would compile an edited one itself.
  const templates = join(root, 'templates');
  for (const generator of existsSync(templates) ? readdirSync(templates, { withFileTypes: true }).filter((e) => e.isDirectory()) : []) {
    const compiled = join(root, 'dist', 'templates', `${generator.name}.js`);
    if (!existsSync(compiled)) return `dist/ has no ${relative(root, compiled)}; run npm run build`;
    const built = statSync(compiled).mtimeMs;
    for (const e of readdirSync(join(templates, generator.name), { recursive: true, withFileTypes: true })) {
      const template = join(e.parentPath, e.name);
      if (e.isFile() && built < statSync(template).mtimeMs) return `${relative(root, template)} is newer than dist/; run npm run build`;
    }
  }
  return undefined;
}

/** CPU time (user + system, ms) of this process's waited-for descendants (Linux), else undefined. */
export function childrenCpuMs() {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 per second).
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * The figures of a vitest JSON report: files, tests, failures, the slowest files and every file's time
 * (slowest first). A file's time is its cost from scripts/suite-cost-reporter.mjs when `costs` has it
 * (hooks and import included), else the report's span of its tests.
 */
export function summarizeReport(report, root, costs = {}) {
  const files = (report.testResults ?? []).map((f) => ({ file: relative(root, f.name), ms: costs[f.name] ?? f.endTime - f.startTime, tests: f.assertionResults?.length ?? 0 }));
  files.sort((a, b) => b.ms - a.ms);
  return {
    files: files.length,
    tests: report.numTotalTests ?? 0,
    failed: report.numFailedTests ?? 0,
    passed: report.success === true,
    slowest: files.slice(0, SLOWEST),
    fileMsSum: files.reduce((sum, f) => sum + f.ms, 0),
    byFile: files,
  };
}

/** Runs `vitest run` once in `root` and measures it. */
export async function measureSuite({ root, log = () => {} }) {
  const stale = distStaleness(root);
  if (stale) throw new Error(`suite: ${stale}`);
  const work = mkdtempSync(join(tmpdir(), 'secure-aks-bench-suite-'));
  const reportFile = join(work, 'report.json');
  const costsFile = join(work, 'costs.json');
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  log(`suite: vitest run (REQUIRE_BICEP=${process.env.REQUIRE_BICEP ?? 'unset'})`);
  const loadBefore = loadavg()[0];
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  try {
    const { code, stderr } = await new Promise((done, fail) => {
      const reporters = ['--reporter=json', `--outputFile.json=${reportFile}`, `--reporter=${COST_REPORTER}`];
      const env = { ...process.env, SECURE_AKS_FILE_COSTS: costsFile };
      const child = spawn(process.execPath, [vitest, 'run', ...reporters], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env });
      const errors = [];
      child.stderr.on('data', (chunk) => errors.push(chunk));
      child.on('error', fail);
      child.on('close', (exit) => done({ code: exit, stderr: Buffer.concat(errors).toString('utf8') }));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuAfter = childrenCpuMs();
    if (!existsSync(reportFile)) throw new Error(`suite: vitest wrote no report (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
    const costs = existsSync(costsFile) ? JSON.parse(readFileSync(costsFile, 'utf8')) : {};
    const summary = summarizeReport(JSON.parse(readFileSync(reportFile, 'utf8')), root, costs);
    return {
      command: 'vitest run',
      requireBicep: process.env.REQUIRE_BICEP === '1',
      exitCode: code,
      wallMs,
      ...(cpuBefore === undefined || cpuAfter === undefined ? {} : { cpuMs: cpuAfter - cpuBefore }),
      cpus: cpus().length,
      load: [loadBefore, loadavg()[0]],
      ...summary,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const s = (ms) => (ms / 1000).toFixed(1);

/** The suite's figures as printable lines (none without a suite measurement). */
export function formatSuite(suite) {
  if (!suite) return [];
  const verdict = suite.passed ? `${suite.tests} tests passed` : `${suite.failed} of ${suite.tests} tests FAILED`;
  return [
    `test suite (${suite.command}, ${suite.files} files, REQUIRE_BICEP=${suite.requireBicep ? '1' : 'unset'}, ${suite.cpus} CPUs, load average ${suite.load.map((l) => l.toFixed(1)).join(' -> ')}): ` +
      `wall ${s(suite.wallMs)} s${suite.cpuMs === undefined ? '' : `, CPU ${s(suite.cpuMs)} s`}; ${verdict}`,
    `  slowest files: ${suite.slowest.map((f) => `${f.file} ${s(f.ms)} s`).join(', ')}`,
  ];
}

/** The suite's delta between two results, as printable lines. */
export function formatSuiteComparison(before, now) {
  if (!before || !now) return [];
  const pct = before.wallMs === 0 ? 'n/a' : `${(((now.wallMs - before.wallMs) / before.wallMs) * 100).toFixed(1)}%`;
  const cpu = before.cpuMs !== undefined && now.cpuMs !== undefined ? `, CPU ${s(before.cpuMs)} -> ${s(now.cpuMs)} s` : '';
  return [`  test suite: wall ${s(before.wallMs)} -> ${s(now.wallMs)} s (${pct.startsWith('-') ? pct : `+${pct}`})${cpu}, tests ${before.tests} -> ${now.tests}`];
}
