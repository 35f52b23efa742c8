// The `suite` case of `npm run bench` (scripts/bench.mjs): how long the test suite takes, as `npm test`
// runs it after its build (`vitest run`, with the environment bench was given: REQUIRE_BICEP=1 makes
// every external tool required), so its wall time is printed beside the generator's own figures. One run
// (a suite run takes minutes; compare runs made on an equally busy machine, or their CPU times), its
// wall and CPU time (the suite's processes and everything they started and waited for), that CPU time
// by program (the test workers; bicep, kubectl, the bin and the other processes the tests start) and its
// slowest files. It measures the compiled dist/ as it is and refuses a stale one (npm run build first): it writes
// nothing into the repository.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
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

/**
 * The fields of /proc/<pid>/stat after the command name (which may itself hold ") "), numbered from 0:
 * ppid is [1], utime and stime [11] and [12], cutime and cstime [13] and [14] (clock ticks), starttime [19].
 * Throws when the process is gone (or there is no /proc).
 */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}
/** Milliseconds per clock tick of those fields (100 ticks a second). */
const TICK_MS = 10;

/** CPU time (user + system, ms) of this process's waited-for descendants (Linux), else undefined. */
export function childrenCpuMs() {
  try {
    const fields = statFields('self');
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Interpreters whose program is the script they run (its file name), not themselves. */
const INTERPRETERS = new Set(['node', 'nodejs', 'python3', 'python']);
/** Options of those interpreters that take the next argument as their value (not the script). */
const VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions']);
/** Options of those interpreters whose value is the code they run: the program is named by the option. */
const INLINE_CODE = new Set(['-e', '--eval', '-c']);
/** Tools named with their subcommand: `bicep jsonrpc` and `bicep lint` cost very differently. */
const WITH_SUBCOMMAND = new Set(['bicep', 'kubectl', 'git', 'npm']);

/** `tool subcommand` for a tool of WITH_SUBCOMMAND followed by a subcommand (not an option or a path), else undefined. */
function withSubcommand(tool, next) {
  return WITH_SUBCOMMAND.has(tool) && next && !next.startsWith('-') && !next.includes('/') ? `${tool} ${next}` : undefined;
}

/**
 * The program a process runs, as the suite's CPU figures name it, from its command line (and its
 * `comm` when the command line is gone): an interpreter's script (`node forks.js` for vitest's test
 * workers, `node create-secure-aks.js` for the bin), a tool with its subcommand (`bicep jsonrpc`,
 * `kubectl kustomize`), else the executable's file name.
 */
export function programOf(argv, comm = '?') {
  if (argv.length === 0 || !argv[0]) return comm;
  // A process title (npm sets `npm install <what>`) is one string in place of the command line.
  if (argv.length === 1 && argv[0].includes(' ')) argv = argv[0].split(' ').filter(Boolean);
  const exe = basename(argv[0]);
  if (INTERPRETERS.has(exe)) {
    for (let i = 1; i < argv.length; i++) {
      if (INLINE_CODE.has(argv[i])) return `${exe} ${argv[i]}`;
      if (VALUE_OPTIONS.has(argv[i])) i++;
      else if (!argv[i].startsWith('-')) {
        const script = basename(argv[i]);
        return withSubcommand(script, argv[i + 1]) ?? `${exe} ${script}`;
      }
    }
    return exe;
  }
  return withSubcommand(exe, argv[1]) ?? exe;
}

/** Processes' CPU summed by program, the costliest first: [{ program, cpuMs, processes }]. */
export function cpuByProgram(processes) {
  const by = new Map();
  for (const { program, cpuMs } of processes) {
    const entry = by.get(program) ?? { program, cpuMs: 0, processes: 0 };
    entry.cpuMs += cpuMs;
    entry.processes += 1;
    by.set(program, entry);
  }
  return [...by.values()].sort((a, b) => b.cpuMs - a.cpuMs || a.program.localeCompare(b.program));
}

/** A process's command line ([] when it is gone or has none). */
function readArgv(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** A process's command name (`?` when it is gone). */
function readComm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** How often the suite case samples the run's processes. */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Samples the CPU time of a process and all its descendants (Linux /proc) every `intervalMs`, until
 * `stop()`, which returns each process seen with its program and CPU time (user + system, ms) at its
 * last sample. A process that starts and ends between two samples is not seen: the figures say how
 * much of the run's CPU time the samples account for. Elsewhere than Linux it sees nothing.
 */
export function sampleProcessTree(rootPid, intervalMs = SAMPLE_INTERVAL_MS) {
  const family = new Set([rootPid]);
  const seen = new Map();
  const sample = () => {
    let pids;
    try {
      pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    } catch {
      return;
    }
    const stats = [];
    for (const pid of pids) {
      try {
        stats.push([Number(pid), statFields(pid)]);
      } catch {
        // gone
      }
    }
    // A process joins the family when its parent is in it (a child may be listed before its parent).
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, fields] of stats) {
        if (!family.has(pid) && family.has(Number(fields[1]))) {
          family.add(pid);
          grew = true;
        }
      }
    }
    for (const [pid, fields] of stats) {
      if (!family.has(pid)) continue;
      const key = `${pid}:${fields[19]}`;
      let entry = seen.get(key);
      if (!entry) {
        entry = { program: '?', cpuMs: 0 };
        seen.set(key, entry);
      }
      // Named at every sample: a process that replaces its program (exec: env, sh -c, a fork before its exec) keeps its pid.
      entry.program = programOf(readArgv(pid), entry.program === '?' ? readComm(pid) : entry.program);
      entry.cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return [...seen.values()];
    },
  };
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
  let processes = [];
  try {
    const { code, stderr } = await new Promise((done, fail) => {
      const reporters = ['--reporter=json', `--outputFile.json=${reportFile}`, `--reporter=${COST_REPORTER}`];
      const env = { ...process.env, SECURE_AKS_FILE_COSTS: costsFile };
      const child = spawn(process.execPath, [vitest, 'run', ...reporters], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env });
      // Which programs the run's CPU time went to: the test workers, or the tools and processes they start.
      const sampler = child.pid === undefined ? undefined : sampleProcessTree(child.pid);
      const errors = [];
      child.stderr.on('data', (chunk) => errors.push(chunk));
      child.on('error', (error) => {
        sampler?.stop();
        fail(error);
      });
      child.on('close', (exit) => {
        processes = sampler?.stop() ?? [];
        done({ code: exit, stderr: Buffer.concat(errors).toString('utf8') });
      });
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
      ...(processes.length > 0 ? { byProgram: cpuByProgram(processes), sampleIntervalMs: SAMPLE_INTERVAL_MS } : {}),
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
    ...(suite.byProgram ? [formatByProgram(suite)] : []),
  ];
}

/** How many programs the CPU line names (the rest are summed). */
const PROGRAMS = 8;

/** The run's CPU time by program, as sampled (the share of the run's CPU time the samples saw). */
function formatByProgram(suite) {
  const total = (programs) => programs.reduce((sum, p) => sum + p.cpuMs, 0);
  const named = suite.byProgram.slice(0, PROGRAMS).map((p) => `${p.program} ${s(p.cpuMs)} s (${p.processes})`);
  const rest = suite.byProgram.slice(PROGRAMS);
  if (rest.length > 0) named.push(`${rest.length} other programs ${s(total(rest))} s`);
  const of = suite.cpuMs === undefined ? '' : ` of ${s(suite.cpuMs)} s`;
  return `  CPU by program (processes sampled every ${s(suite.sampleIntervalMs)} s: ${s(total(suite.byProgram))} s${of}): ${named.join(', ')}`;
}

/** The suite's delta between two results, as printable lines. */
export function formatSuiteComparison(before, now) {
  if (!before || !now) return [];
  const pct = before.wallMs === 0 ? 'n/a' : `${(((now.wallMs - before.wallMs) / before.wallMs) * 100).toFixed(1)}%`;
  const cpu = before.cpuMs !== undefined && now.cpuMs !== undefined ? `, CPU ${s(before.cpuMs)} -> ${s(now.cpuMs)} s` : '';
  return [`  test suite: wall ${s(before.wallMs)} -> ${s(now.wallMs)} s (${pct.startsWith('-') ? pct : `+${pct}`})${cpu}, tests ${before.tests} -> ${now.tests}`];
}
