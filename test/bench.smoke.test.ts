// Smoke test of `npm run bench` (scripts/bench.mjs): its statistics and comparisons on known numbers,
// its answers fixtures through the real resolve, and one real end-to-end run (floor and default, one
// measured run each) that writes its JSON to a temp folder. Timing figures are not asserted: this
// checks that the harness works, not how fast the generator is.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAnswersFile } from '../generators/core/answers/answers-file.ts';
import { resolveAnswers } from '../generators/core/answers/resolve.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'bench.mjs');

interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}
interface CaseResult {
  argv: string;
  files: number;
  wallMs: Summary;
  cpuMs: Summary;
  rssMb: Summary;
  uptimeMs: Summary;
}
interface Target {
  value: number;
  target: number;
  met: boolean;
  lastSegment?: number;
}
interface Results {
  timestamp: string;
  git?: { commit: string; dirty: boolean };
  settings: { warmup: number; runs: number; build: string };
  cases: Record<string, CaseResult>;
  skipped: Record<string, string>;
  ratios: { defaultOverFloor?: { wall: number; cpu?: number; rss: number } };
  perWorkload?: { points: number[]; wallMs: number; wallR2: number; wallSegmentsMs: Record<string, number>; cpuMs?: number; rssMb: number; files?: number; yeomanWallMs?: number };
  yeomanPerFile?: { wallMs: number; cpuMs?: number; rssMb: number };
  targets: Record<string, Target>;
  overlay?: Overlay;
  suite?: unknown;
}
interface Overlay {
  kubectl: string;
  command: string;
  /** Every part, one after the other (summed): the target's figure. */
  points: Record<string, { wallMs: Summary; cpuMs?: Summary; parts?: number }>;
  /** The whole overlay in one build, printed beside it. */
  wholeCommand?: string;
  whole?: Record<string, { wallMs: Summary; cpuMs?: Summary }>;
}
interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}
interface BenchModule {
  SCALE: number[];
  OVERLAY_SCALE: number[];
  CASES: string[];
  deriveOverlay(overlay: Overlay | undefined): (Target & { workloads: number }) | undefined;
  summarize(values: number[]): Summary;
  leastSquares(points: Array<[number, number]>): { slope: number; intercept: number; r2: number };
  derive(cases: Record<string, Partial<CaseResult>>): Pick<Results, 'ratios' | 'perWorkload' | 'yeomanPerFile' | 'targets'>;
  formatResults(results: Partial<Results>): string;
  formatComparison(before: Partial<Results>, now: Partial<Results>): string;
  ownerOf(url: string, roots?: Array<[string, string]>): string | undefined;
  summarizeProfile(profile: Profile, owner: (url: string) => string | undefined, focus: string): { total: number; self: Map<string, number>; inclusive: Map<string, number>; functions: Map<string, number> };
}

const bench = (await import(new URL('../scripts/bench.mjs', import.meta.url).href)) as BenchModule;

const summary = (median: number, spread = 0): Summary => ({ median, min: median - spread, max: median + spread, samples: [median] });
const measured = (wall: number, rss: number, cpu = wall * 0.9) => ({ wallMs: summary(wall), rssMb: summary(rss, 2), cpuMs: summary(cpu), uptimeMs: summary(wall - 40) });

describe('bench statistics', () => {
  it('summarizes a sample: median of odd and even counts, min and max, samples kept in run order', () => {
    expect(bench.summarize([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, samples: [30, 10, 20] });
    expect(bench.summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(() => bench.summarize([])).toThrow();
  });

  it('fits a least-squares line (slope, intercept, R²)', () => {
    const exact = bench.leastSquares([[1, 105], [10, 150], [50, 350]]);
    expect(exact.slope).toBeCloseTo(5, 10);
    expect(exact.intercept).toBeCloseTo(100, 10);
    expect(exact.r2).toBeCloseTo(1, 10);
    const noisy = bench.leastSquares([[1, 100], [10, 180], [50, 300]]);
    expect(noisy.slope).toBeGreaterThan(3);
    expect(noisy.slope).toBeLessThan(5);
    expect(noisy.r2).toBeLessThan(1);
  });

  it('derives the ratio, the per-workload slope and the targets from the medians', () => {
    const derived = bench.derive({
      floor: measured(1000, 120),
      default: measured(1200, 132),
      'workloads-1': measured(1210, 133),
      'workloads-10': measured(1255, 136),
      'workloads-50': measured(1455, 150),
    });
    expect(derived.ratios.defaultOverFloor?.wall).toBeCloseTo(1.2, 10);
    expect(derived.ratios.defaultOverFloor?.rss).toBeCloseTo(1.1, 10);
    expect(derived.perWorkload?.wallMs).toBeCloseTo(5, 10);
    expect(derived.perWorkload?.wallSegmentsMs).toEqual({ '1-10': 5, '10-50': 5 });
    expect(derived.targets.defaultOverFloor).toMatchObject({ target: 1.15, met: false });
    expect(derived.targets.msPerWorkload).toMatchObject({ target: 10, met: true });
    // The 50-workload target is on the worst run, not the median.
    expect(derived.targets.rss50Mb).toMatchObject({ value: 152, target: 200, met: true });
  });

  it("splits the per-workload cost into Yeoman's per-file cost (floor-files vs floor) and the rest", () => {
    const derived = bench.derive({
      floor: { files: 1, ...measured(1000, 120) },
      'floor-files': { files: 701, ...measured(1700, 150) },
      'workloads-1': { files: 40, ...measured(1200, 133) },
      'workloads-50': { files: 530, ...measured(1690, 160) },
    });
    expect(derived.yeomanPerFile?.wallMs).toBeCloseTo(1, 10);
    expect(derived.perWorkload).toMatchObject({ files: 10, wallMs: 10 });
    expect(derived.perWorkload?.yeomanWallMs).toBeCloseTo(10, 10);
  });

  it('misses the per-workload target when the cost grows faster than linearly, even with a modest average', () => {
    const derived = bench.derive({
      'workloads-1': measured(1000, 130),
      'workloads-10': measured(1009, 131),
      'workloads-50': measured(1449, 140),
    });
    expect(derived.perWorkload?.wallSegmentsMs['10-50']).toBe(11);
    expect(derived.perWorkload!.wallMs).toBeLessThan(10);
    expect(derived.targets.msPerWorkload).toMatchObject({ met: false, lastSegment: 11 });
    expect(derived.ratios.defaultOverFloor).toBeUndefined();
  });

  it('prints the figures, the targets and the deltas against an earlier run', () => {
    const cases = { floor: { argv: 'floor', files: 1, ...measured(1000, 120) }, default: { argv: 'default', files: 40, ...measured(1100, 130) } };
    const now = { timestamp: 'now', cases, skipped: { subgenerator: 'not available yet' }, ...bench.derive(cases) } as Partial<Results>;
    const text = bench.formatResults(now);
    expect(text).toMatch(/^floor\s+1\s+1000 \(1000-1000\)/m);
    expect(text).toContain('subgenerator: not available yet');
    expect(text).toContain('default/floor: wall 1.10x');
    expect(text).toContain('target default/floor <= 1.15: 1.10 met');
    const earlierCases = { floor: { argv: 'floor', files: 1, ...measured(1000, 120) }, default: { argv: 'default', files: 30, ...measured(1200, 130) } };
    const earlier = { timestamp: 'then', git: { commit: 'abcdef0123456789', dirty: false }, cases: earlierCases, ...bench.derive(earlierCases) } as Partial<Results>;
    const deltas = bench.formatComparison(earlier, now);
    expect(deltas).toContain('compared with then (abcdef012345)');
    expect(deltas).toContain('default: wall 1200 -> 1100 ms (-100 ms, -8.3%)');
    expect(deltas).toContain('files 30 -> 40');
    expect(deltas).toContain('default/floor: wall 1.20 -> 1.10 (-0.10)');
  });
});

describe('bench overlay case', () => {
  const overlay = (seconds: number[], whole = seconds.map((x) => x * 2)): Overlay => ({
    kubectl: 'kubectl v1.35.2',
    command: 'kubectl kustomize k8s/overlays/dev/parts/<part>, one per part',
    points: Object.fromEntries(bench.OVERLAY_SCALE.map((n, i) => [String(n), { wallMs: summary(seconds[i]! * 1000, 10), cpuMs: summary(seconds[i]! * 900), parts: 1 + Math.ceil(n / 50) }])),
    wholeCommand: 'kubectl kustomize k8s/overlays/dev',
    whole: Object.fromEntries(bench.OVERLAY_SCALE.map((n, i) => [String(n), { wallMs: summary(whole[i]! * 1000, 10), cpuMs: summary(whole[i]! * 900) }])),
  });

  it('renders at 10, 100 and 300 workloads and holds the largest, every part summed, to 5 s (median wall), whatever the whole takes', () => {
    expect(bench.OVERLAY_SCALE).toEqual([10, 100, 300]);
    expect(bench.CASES).toContain('overlay');
    expect(bench.deriveOverlay(overlay([0.2, 1.4, 4.2]))).toEqual({ workloads: 300, value: 4.2, target: 5, met: true });
    expect(bench.deriveOverlay(overlay([0.2, 1.4, 7.5]))).toMatchObject({ value: 7.5, met: false });
    expect(bench.deriveOverlay(overlay([0.2, 1.4, 4.2], [0.2, 1.4, 30]))).toMatchObject({ value: 4.2, met: true });
    expect(bench.deriveOverlay(undefined)).toBeUndefined();
  });

  it('prints every point with the target and met/MISSED', () => {
    const missed = overlay([0.25, 1.5, 8]);
    const text = bench.formatResults({ cases: {}, ratios: {}, overlay: missed, targets: { overlayRender: bench.deriveOverlay(missed)! } });
    expect(text).toContain('overlay render (kubectl kustomize k8s/overlays/dev/parts/<part>, one per part, kubectl v1.35.2): 10 workloads 0.25 s (0.24-0.26), CPU 0.23 s, 2 parts; 100 workloads 1.50 s');
    expect(text).toContain('  beside it, the whole overlay in one build (kubectl kustomize k8s/overlays/dev): 10 workloads 0.50 s (0.49-0.51), CPU 0.45 s; 100 workloads 3.00 s');
    expect(text).toContain('target overlay render <= 5 s at 300 workloads, every part: 8.00 s (median wall) MISSED');
    expect(text).not.toContain('case  files');
    const met = overlay([0.25, 1.5, 4]);
    expect(bench.formatResults({ cases: {}, ratios: {}, overlay: met, targets: { overlayRender: bench.deriveOverlay(met)! } })).toContain('4.00 s (median wall) met');
    const deltas = bench.formatComparison({ timestamp: 'then', overlay: missed }, { timestamp: 'now', overlay: met });
    expect(deltas).toContain('overlay render, 300 workloads: wall 8000 -> 4000 ms (-50.0%)');
    expect(deltas).toContain('whole overlay, 300 workloads: wall 16000 -> 8000 ms (-50.0%)');
    // Results from before the parts measured the whole overlay: the comparison says so.
    const { whole: _whole, ...older } = missed;
    const wholeOnly = { ...older, points: Object.fromEntries(Object.entries(older.points).map(([n, p]) => [n, { wallMs: p.wallMs }])) };
    expect(bench.formatComparison({ timestamp: 'then', overlay: wholeOnly }, { timestamp: 'now', overlay: met })).toContain('overlay render, 300 workloads: wall 8000 -> 4000 ms (-50.0%) (before: the whole overlay, now: its parts)');
  });
});

describe('bench suite case', () => {
  type FileTime = { file: string; ms: number; tests: number };
  type ProgramCpu = { program: string; cpuMs: number; processes: number };
  interface SuiteModule {
    summarizeReport(report: unknown, root: string, costs?: Record<string, number>): { files: number; tests: number; failed: number; passed: boolean; slowest: FileTime[]; fileMsSum: number; byFile: FileTime[] };
    distStaleness(root: string): string | undefined;
    programOf(argv: string[], comm?: string): string;
    cpuByProgram(processes: Array<{ program: string; cpuMs: number }>): ProgramCpu[];
    sampleProcessTree(rootPid: number, intervalMs?: number): { stop(): Array<{ program: string; cpuMs: number }> };
  }
  const suiteModule = async () => (await import(new URL('../scripts/bench-suite.mjs', import.meta.url).href)) as SuiteModule;
  const suite = (wallMs: number, cpuMs?: number) => ({
    command: 'vitest run',
    requireBicep: true,
    exitCode: 0,
    wallMs,
    ...(cpuMs === undefined ? {} : { cpuMs }),
    cpus: 2,
    load: [0.5, 2.25],
    files: 41,
    tests: 1768,
    failed: 0,
    passed: true,
    slowest: [
      { file: 'test/update.crash.test.ts', ms: 21_000, tests: 5 },
      { file: 'test/cli.test.ts', ms: 12_340, tests: 12 },
    ],
    fileMsSum: 100_000,
  });

  it("is a case of its own, run last, and prints the suite's wall time beside the other figures", () => {
    expect(bench.CASES.at(-1)).toBe('suite');
    const cases = { floor: { argv: 'floor', files: 1, ...measured(1000, 120) }, default: { argv: 'default', files: 40, ...measured(1100, 130) } };
    const text = bench.formatResults({ timestamp: 'now', cases, ...bench.derive(cases), suite: suite(58_400, 101_000) } as Partial<Results>);
    expect(text).toContain('default/floor: wall 1.10x');
    expect(text).toContain('test suite (vitest run, 41 files, REQUIRE_BICEP=1, 2 CPUs, load average 0.5 -> 2.3): wall 58.4 s, CPU 101.0 s; 1768 tests passed');
    expect(text).toContain('  slowest files: test/update.crash.test.ts 21.0 s, test/cli.test.ts 12.3 s');
    expect(bench.formatResults({ cases: {}, ratios: {}, targets: {} })).not.toContain('test suite');
    const failed = { ...suite(70_000), passed: false, failed: 2 };
    expect(bench.formatResults({ cases: {}, ratios: {}, targets: {}, suite: failed } as Partial<Results>)).toContain('wall 70.0 s; 2 of 1768 tests FAILED');
    const deltas = bench.formatComparison({ timestamp: 'then', suite: suite(250_000, 400_000) } as Partial<Results>, { timestamp: 'now', suite: suite(58_400, 101_000) } as Partial<Results>);
    expect(deltas).toContain('  test suite: wall 250.0 -> 58.4 s (-76.6%), CPU 400.0 -> 101.0 s, tests 1768 -> 1768');
  });

  it('prints where the CPU time went by program: the eight costliest, the rest summed, and how much of the run the samples saw', () => {
    const byProgram = [
      ['node forks.js', 54_400, 2],
      ['bicep jsonrpc', 25_500, 1],
      ['kubectl kustomize', 27_900, 64],
      ['node create-secure-aks.js', 27_700, 21],
      ['bicep lint', 16_300, 3],
      ['bicep build-params', 15_400, 2],
      ['npm install', 4_600, 1],
      ['shellcheck', 9_600, 12],
      ['yamllint', 4_800, 16],
      ['bash', 2_800, 370],
    ]
      .map(([program, cpuMs, processes]) => ({ program, cpuMs, processes }))
      .sort((a, b) => (b.cpuMs as number) - (a.cpuMs as number));
    const text = bench.formatResults({ cases: {}, ratios: {}, targets: {}, suite: { ...suite(127_700, 252_000), byProgram, sampleIntervalMs: 100 } } as Partial<Results>);
    expect(text).toContain(
      '  CPU by program (processes sampled every 0.1 s: 189.0 s of 252.0 s): node forks.js 54.4 s (2), kubectl kustomize 27.9 s (64), node create-secure-aks.js 27.7 s (21), ' +
        'bicep jsonrpc 25.5 s (1), bicep lint 16.3 s (3), bicep build-params 15.4 s (2), shellcheck 9.6 s (12), yamllint 4.8 s (16), 2 other programs 7.4 s',
    );
    expect(bench.formatResults({ cases: {}, ratios: {}, targets: {}, suite: suite(127_700, 252_000) } as Partial<Results>)).not.toContain('CPU by program');
  });

  it('names a process by its program: an interpreter by its script, bicep and kubectl with their subcommand', async () => {
    const { programOf, cpuByProgram } = await suiteModule();
    const node = '/opt/node/bin/node';
    expect(programOf([node, '--experimental-import-meta-resolve', '--require', '/r/node_modules/vitest/suppress-warnings.cjs', '--conditions', 'node', '--maglev-filter=-validate*', '/r/node_modules/vitest/dist/workers/forks.js'])).toBe('node forks.js');
    // npm's process title replaces its command line.
    expect(programOf(['npm install /tmp/w/create-secure-aks-0.1.0.tgz'])).toBe('npm install');
    expect(programOf([node, '/r/bin/create-secure-aks.js', 'svc', '--yes'])).toBe('node create-secure-aks.js');
    expect(programOf([node, '/usr/bin/npm', 'install'])).toBe('npm install');
    expect(programOf([node, '-e', 'process.exit(0)'])).toBe('node -e');
    expect(programOf(['/usr/bin/python3', '/usr/bin/yamllint', '--strict', '-f', 'parsable', 's0'])).toBe('python3 yamllint');
    expect(programOf(['/t/bicep', 'jsonrpc', '--stdio'])).toBe('bicep jsonrpc');
    expect(programOf(['/t/kubectl', 'kustomize', 'k8s/overlays/dev'])).toBe('kubectl kustomize');
    expect(programOf(['/t/kubectl', '/tmp/dir'])).toBe('kubectl');
    expect(programOf(['/usr/bin/shellcheck', '--format', 'gcc', 'a.sh'])).toBe('shellcheck');
    expect(programOf([], 'MainThread')).toBe('MainThread');
    expect(cpuByProgram([{ program: 'a', cpuMs: 10 }, { program: 'b', cpuMs: 30 }, { program: 'a', cpuMs: 25 }])).toEqual([
      { program: 'a', cpuMs: 35, processes: 2 },
      { program: 'b', cpuMs: 30, processes: 1 },
    ]);
  });

  it("samples a process's descendants, grandchildren included, and nothing else", { skip: process.platform !== 'linux' }, async () => {
    const { sampleProcessTree } = await suiteModule();
    // A shell that starts a busy grandchild shell (about half a second of CPU) and waits for it.
    const busy = 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done';
    const child = spawn('sh', ['-c', `sh -c '${busy}'; :`], { stdio: 'ignore' });
    const sampler = sampleProcessTree(child.pid!, 20);
    await new Promise((done) => child.on('close', done));
    const seen = sampler.stop();
    const busiest = seen.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
    expect(busiest.program, JSON.stringify(seen)).toBe('sh');
    expect(busiest.cpuMs, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.length, JSON.stringify(seen)).toBe(2);
    expect(seen.some((p) => p.program.includes('vitest') || p.program.includes('forks')), 'the test worker itself is not its descendant').toBe(false);
  });

  it("reads vitest's JSON report: files, tests, failures and the slowest files first", async () => {
    const { summarizeReport } = await suiteModule();
    const file = (name: string, ms: number, tests: number) => ({ name: join(ROOT, name), startTime: 1000, endTime: 1000 + ms, assertionResults: Array(tests).fill({}) });
    const report = { success: false, numTotalTests: 6, numFailedTests: 1, testResults: [file('test/a.test.ts', 300, 1), file('test/b.test.ts', 9000, 2), file('test/c.test.ts', 50, 3)] };
    const byFile = [
      { file: 'test/b.test.ts', ms: 9000, tests: 2 },
      { file: 'test/a.test.ts', ms: 300, tests: 1 },
      { file: 'test/c.test.ts', ms: 50, tests: 3 },
    ];
    expect(summarizeReport(report, ROOT)).toEqual({ files: 3, tests: 6, failed: 1, passed: false, slowest: byFile, fileMsSum: 9350, byFile });
    // With the cost reporter's figures (hooks and import included), a file's cost replaces its tests' span.
    const costed = summarizeReport(report, ROOT, { [join(ROOT, 'test/c.test.ts')]: 12_000 });
    expect(costed.byFile).toEqual([{ file: 'test/c.test.ts', ms: 12_000, tests: 3 }, byFile[0], byFile[1]]);
    expect(costed.fileMsSum).toBe(21_300);
  });

  it("the cost reporter writes each file's prepare, import, setup, and tests-and-hooks time, summed", async () => {
    const { default: Reporter } = (await import(new URL('../scripts/suite-cost-reporter.mjs', import.meta.url).href)) as { default: new () => { onTestRunEnd(modules: unknown[]): void } };
    const dir = mkdtempSync(join(tmpdir(), 'secure-aks-bench-costs-'));
    const out = join(dir, 'costs.json');
    const before = process.env.SECURE_AKS_FILE_COSTS;
    process.env.SECURE_AKS_FILE_COSTS = out;
    try {
      const module = (moduleId: string, prepareDuration: number, collectDuration: number, setupDuration: number, duration: number) => ({
        moduleId,
        diagnostic: () => ({ prepareDuration, collectDuration, setupDuration, duration }),
      });
      new Reporter().onTestRunEnd([module('/r/test/a.test.ts', 1, 20, 300, 4000), module('/r/test/b.test.ts', 0, 0, 0, 7)]);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ '/r/test/a.test.ts': 4321, '/r/test/b.test.ts': 7 });
    } finally {
      if (before === undefined) delete process.env.SECURE_AKS_FILE_COSTS;
      else process.env.SECURE_AKS_FILE_COSTS = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a dist/ that is missing or older than generators/ or templates/ (the bin tests run dist/)', async () => {
    const { distStaleness } = await suiteModule();
    const root = mkdtempSync(join(tmpdir(), 'secure-aks-bench-suite-test-'));
    try {
      mkdirSync(join(root, 'generators', 'core', 'run'), { recursive: true });
      writeFileSync(join(root, 'generators', 'core', 'run', 'cli.ts'), '');
      expect(distStaleness(root)).toBe('dist/ is missing; run npm run build');
      mkdirSync(join(root, 'dist', 'generators', 'core', 'run'), { recursive: true });
      writeFileSync(join(root, 'dist', 'generators', 'core', 'run', 'cli.js'), '');
      expect(distStaleness(root)).toBeUndefined();
      utimesSync(join(root, 'generators', 'core', 'run', 'cli.ts'), new Date(), new Date(Date.now() + 60_000));
      expect(distStaleness(root)).toBe(`${join('generators', 'core', 'run', 'cli.ts')} is newer than dist/; run npm run build`);
      utimesSync(join(root, 'generators', 'core', 'run', 'cli.ts'), new Date(), new Date(Date.now() - 60_000));
      // The templates compiled ahead of time (scripts/precompile-templates.mjs), one module per template folder.
      mkdirSync(join(root, 'templates', 'app'), { recursive: true });
      writeFileSync(join(root, 'templates', 'app', 'README.md.ejs'), '');
      expect(distStaleness(root)).toBe(`dist/ has no ${join('dist', 'templates', 'app.js')}; run npm run build`);
      mkdirSync(join(root, 'dist', 'templates'));
      writeFileSync(join(root, 'dist', 'templates', 'app.js'), '');
      utimesSync(join(root, 'templates', 'app', 'README.md.ejs'), new Date(), new Date(Date.now() - 60_000));
      expect(distStaleness(root)).toBeUndefined();
      utimesSync(join(root, 'templates', 'app', 'README.md.ejs'), new Date(), new Date(Date.now() + 60_000));
      expect(distStaleness(root)).toBe(`${join('templates', 'app', 'README.md.ejs')} is newer than dist/; run npm run build`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('bench profile summary', () => {
  it('tells owners apart by URL: packages (the innermost node_modules), our roots, Node', () => {
    expect(bench.ownerOf('file:///x/node_modules/yeoman-environment/node_modules/@npmcli/arborist/lib/a.js')).toBe('@npmcli/arborist');
    expect(bench.ownerOf('node:internal/modules/esm/loader')).toBe('node: module loading');
    expect(bench.ownerOf('node:fs')).toBe('node: other');
    expect(bench.ownerOf('/tmp/w/pkg/dist/generators/core/output/render.js', [['file:///tmp/w/pkg/', 'ours']])).toBe('ours');
    expect(bench.ownerOf('"/tmp/w/pkg/templates/app/README.md.ejs"', [['file:///tmp/w/pkg/', 'ours']])).toBe('ours');
    expect(bench.ownerOf('')).toBeUndefined();
  });

  it('charges frames without a script to their caller and counts inclusive time once per stack', () => {
    const profile: Profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2, 5] },
        { id: 2, callFrame: { functionName: 'main', url: 'file:///pkg/cli.js' }, children: [3] },
        { id: 3, callFrame: { functionName: 'render', url: 'file:///pkg/node_modules/ejs/ejs.js' }, children: [4] },
        { id: 4, callFrame: { functionName: 'compileFunction', url: '' } },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '' } },
      ],
      samples: [2, 3, 4, 4, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const owner = (url: string) => bench.ownerOf(url, [['file:///pkg/', 'ours']]);
    const summary = bench.summarizeProfile(profile, owner, 'ours');
    expect(summary.total).toBe(5);
    expect(Object.fromEntries(summary.self)).toEqual({ ours: 1, ejs: 3, '(garbage collector)': 1 });
    expect(summary.inclusive.get('ours')).toBe(4);
    expect(summary.functions.get('main (pkg/cli.js)')).toBe(4);
  });
});

describe('bench answers fixtures', () => {
  const counts = [...new Set([...bench.SCALE, ...bench.OVERLAY_SCALE])];

  it.each(counts)('workloads-%i.yaml resolves to exactly that many workloads of { name, namespace, port, secrets }', (n) => {
    const read = readAnswersFile(join(ROOT, 'bench', 'answers', `workloads-${n}.yaml`));
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const raw = read.values.workloads as Array<Record<string, unknown>>;
    expect(raw).toHaveLength(n);
    for (const entry of raw) expect(Object.keys(entry).sort()).toEqual(['name', 'namespace', 'port', 'secrets']);
    const resolution = resolveAnswers({ file: read.values, folderName: 'bench' });
    if (!resolution.ok) throw new Error(JSON.stringify(resolution.problems));
    expect(resolution.answers.workloads.map((w) => w.name)).toEqual(raw.map((w) => w.name));
  });

  it('differ only in their workload lists', () => {
    const rest = counts.map((n) => {
      const read = readAnswersFile(join(ROOT, 'bench', 'answers', `workloads-${n}.yaml`));
      if (!read.ok) throw new Error(JSON.stringify(read.problems));
      const { workloads: _workloads, ...others } = read.values;
      return others;
    });
    for (const other of rest.slice(1)) expect(other).toEqual(rest[0]);
  });
});

// On the dist/ that npm test has just built (--use-dist: refused if stale), not a tsc compile of its own.
describe('npm run bench, end to end (one measured run of floor and default)', () => {
  let dir: string;
  let stdout: string;
  let results: Results;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secure-aks-bench-test-'));
    ({ stdout } = await run(process.execPath, [SCRIPT, '--only', 'floor,default', '--runs', '1', '--warmup', '0', '--use-dist', '--results-dir', dir], { cwd: ROOT }));
    results = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as Results;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures each case as a whole process: wall time, CPU time, peak RSS, files written', () => {
    expect(Object.keys(results.cases)).toEqual(['floor', 'default']);
    for (const c of Object.values(results.cases)) {
      expect(c.wallMs.samples).toHaveLength(1);
      expect(c.wallMs.median).toBeGreaterThan(0);
      // Both processes load yeoman-environment: tens of megabytes at least.
      expect(c.rssMb.median).toBeGreaterThan(30);
      expect(c.cpuMs.median).toBeGreaterThan(0);
      expect(c.uptimeMs.median).toBeLessThanOrEqual(c.wallMs.median);
    }
    expect(results.cases.floor!.files).toBe(1);
    expect(results.cases.default!.files).toBeGreaterThan(1);
    expect(results.cases.default!.argv).toBe('pkg/bin/create-secure-aks.js demo --yes');
    expect(results.settings).toMatchObject({ warmup: 0, runs: 1, build: 'dist/ of the working tree' });
    expect(results.ratios.defaultOverFloor?.wall).toBeGreaterThan(0);
    expect(results.targets.defaultOverFloor?.target).toBe(1.15);
  });

  it('prints the table and writes bench-<timestamp>.json next to latest.json', () => {
    expect(stdout).toMatch(/^default\s+\d+\s+\d+ \(\d+-\d+\)/m);
    expect(stdout).toContain('default/floor: wall');
    const written = readdirSync(dir).filter((f) => /^bench-.*\.json$/.test(f));
    expect(written).toHaveLength(1);
    expect(readFileSync(join(dir, written[0]!), 'utf8')).toBe(readFileSync(join(dir, 'latest.json'), 'utf8'));
    // --results-dir is honoured: nothing of this run lands in the repository's bench-results/.
    expect(existsSync(join(ROOT, 'bench-results', written[0]!))).toBe(false);
  });

  it('--compare with --current prints the deltas between two saved runs without running anything', async () => {
    const latest = join(dir, 'latest.json');
    const { stdout: deltas } = await run(process.execPath, [SCRIPT, '--compare', latest, '--current', latest], { cwd: ROOT });
    expect(deltas).toContain(`compared with ${results.timestamp}`);
    expect(deltas).toMatch(/default: wall (\d+) -> \1 ms \(\+0 ms, \+0\.0%\)/);
  });

  it('rejects an unknown case by name', async () => {
    await expect(run(process.execPath, [SCRIPT, '--only', 'flor', '--results-dir', dir], { cwd: ROOT })).rejects.toMatchObject({ stderr: expect.stringContaining('unknown case flor') });
  });
});
