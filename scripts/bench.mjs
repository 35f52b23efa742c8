#!/usr/bin/env node
// `npm run bench`: how long a whole `create-secure-aks` process takes and how much memory it peaks at,
// side by side with the floor (an empty Yeoman generator run the same way, bench/floor/), and how the
// cost grows with the number of workloads. Not a test: it prints figures, writes them as JSON to
// bench-results/ (gitignored) and compares them with an earlier JSON on request.
//
// Every run is a whole `node` process in a fresh temp folder; cases are interleaved round by round so
// a machine that gets busier half-way through slows every case alike. The package is measured from a
// private copy (package.json, bin/, templates/ and a dist/ compiled for this run), so a concurrent
// `npm run build` or an edit in the working tree cannot change it half-way; nothing is written into
// the repository except bench-results/.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { childrenCpuMs, distStaleness, formatSuite, formatSuiteComparison, measureSuite } from './bench-suite.mjs';
import { precompileTemplates } from './precompile-templates.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = join(ROOT, 'bench', 'rss-probe.mjs');
const FLOOR = join(ROOT, 'bench', 'floor');
const ANSWERS = join(ROOT, 'bench', 'answers');
export const SCALE = [1, 10, 50];
/**
 * Workload counts of the overlay case (bench/answers/workloads-<n>.yaml): `kubectl kustomize` of every part
 * of the generated overlay, one after the other (what the pipeline's Deploy stage applies), and of the
 * whole overlay in one build (what an owner reviews).
 */
export const OVERLAY_SCALE = [10, 100, 300];
/** Files the floor-files case writes: about what the largest scale case writes, fixed so runs compare. */
export const FLOOR_FILES = 700;
export const CASES = ['floor', 'default', ...SCALE.map((n) => `workloads-${n}`), 'subgenerator', 'floor-files', 'overlay', 'suite'];
/** overlayRenderS: `kubectl kustomize` of every part of the overlay with OVERLAY_SCALE's largest count, summed, in seconds (median wall). */
export const TARGETS = { defaultOverFloor: 1.15, msPerWorkload: 10, rss50Mb: 200, overlayRenderS: 5 };
/** The output folder every run generates into (relative to the run's temp folder). */
const OUT = 'demo';
const ADDED_WORKLOAD = 'bench-added';

const HELP = `Usage: npm run bench -- [options]

Measures whole processes (wall time, CPU time, peak RSS): the floor (an empty Yeoman generator run
like ours), the default run, answers files with ${SCALE.join(', ')} workloads (bench/answers/), adding one
workload to a repository with 10, and the floor writing ${FLOOR_FILES} files (Yeoman's cost per file);
the overlay case renders the generated overlay with kubectl kustomize at ${OVERLAY_SCALE.join(', ')} workloads,
part by part (summed: the target's figure) and whole (kubectl from KUBECTL_PATH, PATH or .tools/kubectl;
skipped when there is none). The suite case runs
the test suite once as npm test does after its build (vitest run, on the dist/ that npm run build made)
and prints its wall and CPU time and slowest files beside the rest (scripts/bench-suite.mjs).
Prints median (min-max) per case, default/floor, the added cost per workload and the targets; writes
the figures to bench-results/bench-<timestamp>.json and latest.json.

Options:
  --runs N            measured runs per case (default 7; --quick: 2)
  --warmup N          warm-up runs per case, not measured (default 1)
  --quick             1 warm-up + 2 runs
  --only LIST         comma-separated cases: ${CASES.join(', ')}
  --results-dir DIR   where bench-<timestamp>.json and latest.json go (default bench-results/)
  --compare FILE      print the deltas against an earlier results JSON
  --current FILE      with --compare: compare FILE with this results JSON instead of running
  --use-dist          measure the repository's dist/ (refused when stale) instead of compiling a private copy
  --profile           instead of timing: profile each case once (--cpu-prof and the modules it loads)
                      and print where its time goes next to the first case (default cases: floor,
                      default, workloads-${SCALE.at(-1)}); the .cpuprofile files go to DIR/profiles/
  --keep              keep the temp folder (its path is printed)
  -h, --help          this text
`;

// ---------------------------------------------------------------------------------------------
// Statistics

/** Median, min and max of a sample (the median of an even sample is the mean of the middle two). */
export function summarize(values) {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples: values };
}

/** Least-squares line through points [x, y]: slope, intercept and the coefficient of determination. */
export function leastSquares(points) {
  if (points.length < 2) throw new Error('leastSquares: needs two points or more');
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const syy = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/**
 * Ratios, per-workload slopes and targets, from the per-case medians. CPU time (user + system of the
 * process) rides along: on a busy machine it moves much less than wall time.
 */
export function derive(cases) {
  const derived = { ratios: {}, perWorkload: undefined, targets: {} };
  const median = (c, metric) => c[metric]?.median;
  if (cases.floor && cases.default) {
    const ratio = (metric) => median(cases.default, metric) / median(cases.floor, metric);
    derived.ratios.defaultOverFloor = { wall: ratio('wallMs'), rss: ratio('rssMb'), ...(cases.default.cpuMs ? { cpu: ratio('cpuMs') } : {}) };
  }
  const scale = SCALE.filter((n) => cases[`workloads-${n}`]);
  if (scale.length >= 2) {
    const at = (n, metric) => median(cases[`workloads-${n}`], metric);
    const fit = (metric) => leastSquares(scale.map((n) => [n, at(n, metric)]));
    const wall = fit('wallMs');
    const segments = {};
    for (let i = 1; i < scale.length; i++) {
      const [a, b] = [scale[i - 1], scale[i]];
      segments[`${a}-${b}`] = (at(b, 'wallMs') - at(a, 'wallMs')) / (b - a);
    }
    const [first, last] = [cases[`workloads-${scale[0]}`], cases[`workloads-${scale.at(-1)}`]];
    derived.perWorkload = {
      points: scale,
      wallMs: wall.slope,
      wallR2: wall.r2,
      wallSegmentsMs: segments,
      ...(first.cpuMs ? { cpuMs: fit('cpuMs').slope } : {}),
      rssMb: fit('rssMb').slope,
      ...(first.files && last.files ? { files: (last.files - first.files) / (scale.at(-1) - scale[0]) } : {}),
    };
  }
  const [floor, floorFiles] = [cases.floor, cases['floor-files']];
  if (floor && floorFiles && floorFiles.files > floor.files) {
    // Yeoman's own cost per file written (in-memory file system, conflicter, log line, commit to disk).
    const per = (metric) => (median(floorFiles, metric) - median(floor, metric)) / (floorFiles.files - floor.files);
    derived.yeomanPerFile = { wallMs: per('wallMs'), ...(floor.cpuMs ? { cpuMs: per('cpuMs') } : {}), rssMb: per('rssMb') };
    if (derived.perWorkload?.files !== undefined) derived.perWorkload.yeomanWallMs = derived.perWorkload.files * derived.yeomanPerFile.wallMs;
  }
  if (derived.ratios.defaultOverFloor) {
    const value = derived.ratios.defaultOverFloor.wall;
    derived.targets.defaultOverFloor = { value, target: TARGETS.defaultOverFloor, met: value <= TARGETS.defaultOverFloor };
  }
  if (derived.perWorkload) {
    // "Linear to 50": the marginal cost over the last (widest) segment is under the target too, so
    // the average slope cannot hide a cost that grows with the number of workloads.
    const value = derived.perWorkload.wallMs;
    const lastSegment = Object.values(derived.perWorkload.wallSegmentsMs).at(-1);
    derived.targets.msPerWorkload = { value, lastSegment, target: TARGETS.msPerWorkload, met: value <= TARGETS.msPerWorkload && lastSegment <= TARGETS.msPerWorkload };
  }
  const biggest = cases[`workloads-${SCALE.at(-1)}`];
  if (biggest) {
    const value = biggest.rssMb.max;
    derived.targets.rss50Mb = { value, target: TARGETS.rss50Mb, met: value <= TARGETS.rss50Mb };
  }
  return derived;
}

/** The overlay render target from the overlay case's figures (undefined without the largest count). */
export function deriveOverlay(overlay) {
  const largest = overlay?.points?.[String(OVERLAY_SCALE.at(-1))];
  if (!largest) return undefined;
  const value = largest.wallMs.median / 1000;
  return { workloads: OVERLAY_SCALE.at(-1), value, target: TARGETS.overlayRenderS, met: value <= TARGETS.overlayRenderS };
}

// ---------------------------------------------------------------------------------------------
// Formatting

const ms = (v) => `${Math.round(v)}`;
const mb = (v) => v.toFixed(1);
const signed = (v, digits = 0) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
const pct = (now, before) => (before === 0 ? 'n/a' : `${signed(((now - before) / before) * 100, 1)}%`);

export function formatResults(results) {
  const lines = [];
  const m = results.machine;
  if (m) lines.push(`Node.js ${m.node}, ${m.cpus} CPUs, load average ${m.load.map((l) => l.toFixed(1)).join(' -> ')}; ${results.settings.warmup} warm-up + ${results.settings.runs} runs per case`, '');
  const header = ['case', 'files', 'wall ms: median (min-max)', 'CPU ms: median', 'peak RSS MB: median (min-max)'];
  const rows = Object.entries(results.cases).map(([name, c]) => [
    name,
    String(c.files ?? ''),
    `${ms(c.wallMs.median)} (${ms(c.wallMs.min)}-${ms(c.wallMs.max)})`,
    c.cpuMs ? ms(c.cpuMs.median) : '',
    `${mb(c.rssMb.median)} (${mb(c.rssMb.min)}-${mb(c.rssMb.max)})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of rows.length > 0 ? [header, ...rows] : []) lines.push(row.map((cell, i) => (i === 1 || i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
  for (const [name, why] of Object.entries(results.skipped ?? {})) lines.push(`${name}: ${why}`);
  lines.push('');
  const r = results.ratios.defaultOverFloor;
  if (r) lines.push(`default/floor: wall ${r.wall.toFixed(2)}x${r.cpu ? `, CPU ${r.cpu.toFixed(2)}x` : ''}, peak RSS ${r.rss.toFixed(2)}x`);
  const p = results.perWorkload;
  if (p) {
    const segments = Object.entries(p.wallSegmentsMs).map(([k, v]) => `${k}: ${v.toFixed(1)}`).join(', ');
    lines.push(
      `per workload (least squares over ${p.points.join(', ')}): ${p.wallMs.toFixed(1)} ms wall (R² ${p.wallR2.toFixed(2)}; segments ${segments})` +
        `${p.cpuMs === undefined ? '' : `, ${p.cpuMs.toFixed(1)} ms CPU`}, ${p.rssMb.toFixed(2)} MB peak RSS`,
    );
  }
  const y = results.yeomanPerFile;
  if (y) {
    lines.push(`Yeoman per file written (floor-files vs floor): ${y.wallMs.toFixed(2)} ms wall${y.cpuMs === undefined ? '' : `, ${y.cpuMs.toFixed(2)} ms CPU`}`);
    if (p?.yeomanWallMs !== undefined) lines.push(`  a workload adds ${p.files.toFixed(1)} files: ${p.files.toFixed(1)} x ${y.wallMs.toFixed(2)} ms = ${p.yeomanWallMs.toFixed(1)} ms per workload from Yeoman alone (measured: ${p.wallMs.toFixed(1)} ms)`);
  }
  const o = results.overlay;
  if (o) {
    const s = (v) => (v / 1000).toFixed(2);
    const points = Object.entries(o.points).map(
      ([n, p]) => `${n} workloads ${s(p.wallMs.median)} s (${s(p.wallMs.min)}-${s(p.wallMs.max)})${p.cpuMs ? `, CPU ${s(p.cpuMs.median)} s` : ''}${p.parts ? `, ${p.parts} parts` : ''}`,
    );
    lines.push(`overlay render (${o.command}, ${o.kubectl}): ${points.join('; ')}`);
    if (o.whole) {
      const whole = Object.entries(o.whole).map(([n, p]) => `${n} workloads ${s(p.wallMs.median)} s (${s(p.wallMs.min)}-${s(p.wallMs.max)})${p.cpuMs ? `, CPU ${s(p.cpuMs.median)} s` : ''}`);
      lines.push(`  beside it, the whole overlay in one build (${o.wholeCommand}): ${whole.join('; ')}`);
    }
  }
  const t = results.targets;
  const verdict = (x) => (x.met ? 'met' : 'MISSED');
  if (t.defaultOverFloor) lines.push(`target default/floor <= ${t.defaultOverFloor.target}: ${t.defaultOverFloor.value.toFixed(2)} ${verdict(t.defaultOverFloor)}`);
  if (t.msPerWorkload) lines.push(`target <= ${t.msPerWorkload.target} ms per workload, linear to ${SCALE.at(-1)}: ${t.msPerWorkload.value.toFixed(1)} ms (last segment ${t.msPerWorkload.lastSegment.toFixed(1)}) ${verdict(t.msPerWorkload)}`);
  if (t.rss50Mb) lines.push(`target peak RSS <= ${t.rss50Mb.target} MB at ${SCALE.at(-1)} workloads: ${mb(t.rss50Mb.value)} MB (max of runs) ${verdict(t.rss50Mb)}`);
  if (t.overlayRender) lines.push(`target overlay render <= ${t.overlayRender.target} s at ${t.overlayRender.workloads} workloads, every part: ${t.overlayRender.value.toFixed(2)} s (median wall) ${verdict(t.overlayRender)}`);
  lines.push(...formatSuite(results.suite));
  return lines.join('\n');
}

/** The deltas of `now` against `before` (two results JSON objects), as printable lines. */
export function formatComparison(before, now) {
  const lines = [`compared with ${before.timestamp} (${before.git?.commit?.slice(0, 12) ?? 'unknown commit'}${before.git?.dirty ? ', dirty' : ''}):`];
  if (before.machine?.cpuModel !== now.machine?.cpuModel || before.machine?.node !== now.machine?.node) {
    lines.push(`  note: different machine or Node.js (${before.machine?.node} on ${before.machine?.cpuModel} vs ${now.machine?.node} on ${now.machine?.cpuModel}); compare ratios, not times`);
  }
  for (const name of CASES) {
    const [b, n] = [before.cases?.[name], now.cases?.[name]];
    if (!b && !n) continue;
    if (!b || !n) {
      lines.push(`  ${name}: ${b ? 'not measured now' : 'new'}`);
      continue;
    }
    lines.push(
      `  ${name}: wall ${ms(b.wallMs.median)} -> ${ms(n.wallMs.median)} ms (${signed(n.wallMs.median - b.wallMs.median)} ms, ${pct(n.wallMs.median, b.wallMs.median)}), ` +
        `${b.cpuMs && n.cpuMs ? `CPU ${ms(b.cpuMs.median)} -> ${ms(n.cpuMs.median)} ms (${pct(n.cpuMs.median, b.cpuMs.median)}), ` : ''}` +
        `peak RSS ${mb(b.rssMb.median)} -> ${mb(n.rssMb.median)} MB (${signed(n.rssMb.median - b.rssMb.median, 1)} MB), files ${b.files ?? '?'} -> ${n.files ?? '?'}`,
    );
  }
  const [rb, rn] = [before.ratios?.defaultOverFloor, now.ratios?.defaultOverFloor];
  if (rb && rn) lines.push(`  default/floor: wall ${rb.wall.toFixed(2)} -> ${rn.wall.toFixed(2)} (${signed(rn.wall - rb.wall, 2)}), peak RSS ${rb.rss.toFixed(2)} -> ${rn.rss.toFixed(2)} (${signed(rn.rss - rb.rss, 2)})`);
  const [pb, pn] = [before.perWorkload, now.perWorkload];
  if (pb && pn) {
    const cpu = pb.cpuMs !== undefined && pn.cpuMs !== undefined ? `, CPU ${pb.cpuMs.toFixed(1)} -> ${pn.cpuMs.toFixed(1)} ms` : '';
    lines.push(`  per workload: wall ${pb.wallMs.toFixed(1)} -> ${pn.wallMs.toFixed(1)} ms (${signed(pn.wallMs - pb.wallMs, 1)})${cpu}, peak RSS ${pb.rssMb.toFixed(2)} -> ${pn.rssMb.toFixed(2)} MB`);
  }
  for (const n of OVERLAY_SCALE) {
    const [ob, on] = [before.overlay?.points?.[n], now.overlay?.points?.[n]];
    if (ob && on) lines.push(`  overlay render, ${n} workloads: wall ${ms(ob.wallMs.median)} -> ${ms(on.wallMs.median)} ms (${pct(on.wallMs.median, ob.wallMs.median)})${ob.parts === undefined && on.parts !== undefined ? ' (before: the whole overlay, now: its parts)' : ''}`);
    const [wb, wn] = [before.overlay?.whole?.[n], now.overlay?.whole?.[n]];
    if (wb && wn) lines.push(`  whole overlay, ${n} workloads: wall ${ms(wb.wallMs.median)} -> ${ms(wn.wallMs.median)} ms (${pct(wn.wallMs.median, wb.wallMs.median)})`);
  }
  lines.push(...formatSuiteComparison(before.suite, now.suite));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Processes

/**
 * Runs `node --import rss-probe.mjs ...argv` in cwd and measures it: wall time from spawn to exit as
 * seen by this process, peak RSS and uptime as the process itself reported them at exit.
 */
export function measure(argv, { cwd, probeFile, nodeArgs = [], env = {} }) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    let exited;
    const output = [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', pathToFileURL(PROBE).href, ...argv], {
      cwd,
      env: { ...process.env, ...env, BENCH_PROBE_FILE: probeFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('exit', () => (exited = process.hrtime.bigint()));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const text = Buffer.concat(output).toString('utf8');
      if (code !== 0) return fail(new Error(`node ${argv.map((a) => relative(cwd, a) || a).join(' ')} exited with ${code ?? signal} in ${cwd}:\n${text.trim().split('\n').slice(-15).join('\n')}`));
      let probe;
      try {
        probe = JSON.parse(readFileSync(probeFile, 'utf8'));
      } catch {
        return fail(new Error(`the RSS probe wrote nothing to ${probeFile}`));
      }
      rmSync(probeFile, { force: true });
      done({ wallMs: Number(exited - started) / 1e6, rssMb: probe.maxRssKb / 1024, cpuMs: probe.cpuMs, uptimeMs: probe.uptimeMs, output: text });
    });
  });
}

function countFiles(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

function newestMtime(dir, suffix) {
  let newest = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith(suffix)) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** A private copy of the floor generator; returns its bin. */
export function stageFloor(work) {
  const floor = join(work, 'floor');
  cpSync(FLOOR, floor, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(floor, 'node_modules'), 'dir');
  return join(floor, 'bin', 'floor.js');
}

/** A private copy of the package to measure; returns its bin and how dist/ was made. */
export async function stagePackage(work, { useDist = false, log = () => {} } = {}) {
  const pkg = join(work, 'pkg');
  mkdirSync(pkg, { recursive: true });
  for (const entry of ['package.json', 'answers.schema.json', 'bin', 'templates']) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(pkg, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  let build;
  if (useDist) {
    const stale = distStaleness(ROOT);
    if (stale) throw new Error(`--use-dist: ${stale}`);
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    build = 'dist/ of the working tree';
  } else {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist')], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(join(pkg, 'dist', 'generators', 'core', 'run', 'cli.js'))) throw new Error(`tsc emitted nothing:\n${compiled.stdout}${compiled.stderr}`);
    build = 'generators/ compiled for this run';
    if (compiled.status !== 0) {
      build += ' (tsc reported type errors; measuring what it emitted)';
      log(`warning: tsc reported type errors (work in progress?); measuring what it emitted:\n${compiled.stdout.trim().split('\n').slice(0, 5).join('\n')}`);
    }    // As scripts/build.mjs does: the templates compiled ahead of time, from the copy measured.
    await precompileTemplates({ root: pkg, distDir: join(pkg, 'dist') });
  }
  return { bin: join(pkg, 'bin', 'create-secure-aks.js'), build };
}

/** Whether `create-secure-aks workload` exists: its --help exits 0 and is not the app's help. */
export function subgeneratorAvailable(bin, cwd) {
  const run = (args) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const workload = run(['workload', '--help']);
  if (workload.status !== 0) return false;
  return workload.stdout !== run(['--help']).stdout;
}

/** kubectl for the overlay case: KUBECTL_PATH, else PATH, else the copy scripts/install-kubectl.sh made. */
export function findKubectl(env = process.env) {
  if (env.KUBECTL_PATH) return existsSync(env.KUBECTL_PATH) ? env.KUBECTL_PATH : undefined;
  for (const dir of (env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  const installed = join(ROOT, '.tools', 'kubectl', 'bin', 'kubectl');
  return existsSync(installed) ? installed : undefined;
}

/**
 * The overlay case: generates a repository per OVERLAY_SCALE count (once), then times, round by round,
 * `kubectl kustomize` of each part of k8s/overlays/<environment> one after the other (summed: what
 * Deploy and validate.sh run) and of the whole overlay in one build (wall time; CPU time where /proc
 * has it).
 */
async function measureOverlay({ work, bin, kubectl, runs, warmup, log }) {
  const repos = {};
  for (const n of OVERLAY_SCALE) {
    const repo = join(work, `overlay-${n}`);
    const made = spawnSync(process.execPath, [bin, repo, '--answers', join(ANSWERS, `workloads-${n}.yaml`), '--yes'], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (made.status !== 0) throw new Error(`generating ${n} workloads for the overlay case failed:\n${`${made.stdout}${made.stderr}`.trim().split('\n').slice(-10).join('\n')}`);
    const overlays = readdirSync(join(repo, 'k8s', 'overlays'));
    if (overlays.length !== 1) throw new Error(`expected one overlay in ${repo}/k8s/overlays, found ${overlays.join(', ')}`);
    const overlay = join('k8s', 'overlays', overlays[0]);
    const partsDir = join(repo, overlay, 'parts');
    const parts = existsSync(partsDir) ? readdirSync(partsDir).sort().map((part) => join(overlay, 'parts', part)) : [];
    if (parts.length === 0) throw new Error(`${repo}/${overlay} has no parts (k8s/overlays/<environment>/parts/*)`);
    repos[n] = { cwd: repo, overlay, parts };
  }
  const version = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).stdout.match(/Client Version: (\S+)/)?.[1] ?? 'unknown version';
  /** One `kubectl kustomize` per target, one after the other: wall and CPU time of them all. */
  const render = (n, targets) => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    for (const target of targets) {
      const rendered = spawnSync(kubectl, ['kustomize', target], { cwd: repos[n].cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 30 });
      if (rendered.status !== 0) throw new Error(`kubectl kustomize ${target} (${n} workloads) failed: ${rendered.stderr || rendered.error?.message}`);
    }
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuAfter = childrenCpuMs();
    return { wallMs, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
  };
  const samples = Object.fromEntries(OVERLAY_SCALE.map((n) => [n, { parts: [], whole: [] }]));
  for (let round = 0; round < warmup + runs; round++) {
    const measured = round >= warmup;
    log(`overlay ${measured ? `run ${round - warmup + 1}/${runs}` : `warm-up ${round + 1}/${warmup}`}: kubectl kustomize of the parts, then the whole, at ${OVERLAY_SCALE.join(', ')} workloads`);
    for (const n of OVERLAY_SCALE) {
      const parts = render(n, repos[n].parts);
      const whole = render(n, [repos[n].overlay]);
      if (measured) {
        samples[n].parts.push(parts);
        samples[n].whole.push(whole);
      }
    }
  }
  const summary = (list) => {
    const cpu = list.map((s) => s.cpuMs);
    return { wallMs: summarize(list.map((s) => s.wallMs)), ...(cpu.every((c) => c !== undefined) ? { cpuMs: summarize(cpu) } : {}) };
  };
  const points = {};
  const whole = {};
  for (const n of OVERLAY_SCALE) {
    points[n] = { ...summary(samples[n].parts), parts: repos[n].parts.length };
    whole[n] = summary(samples[n].whole);
  }
  const first = repos[OVERLAY_SCALE[0]];
  return { kubectl: `kubectl ${version}`, command: `kubectl kustomize ${first.overlay}/parts/<part>, one per part`, wholeCommand: `kubectl kustomize ${first.overlay}`, points, whole };
}

/** The cases to run: each prepares a fresh run folder and says what to run there. */
function caseDefinitions({ bin, floorBin }, baseRepo) {
  const generate = (extra) => ({ prepare: (runDir) => ({ cwd: runDir, out: join(runDir, OUT) }), argv: [bin, OUT, ...extra, '--yes'] });
  const defs = {
    floor: { prepare: (runDir) => ({ cwd: runDir, out: join(runDir, OUT) }), argv: [floorBin, OUT] },
    // The floor writing FLOOR_FILES files: what Yeoman's file system and commit cost per file.
    'floor-files': { prepare: (runDir) => ({ cwd: runDir, out: join(runDir, OUT) }), argv: [floorBin, OUT], env: { BENCH_FLOOR_FILES: String(FLOOR_FILES) } },
    default: generate([]),
  };
  for (const n of SCALE) defs[`workloads-${n}`] = generate(['--answers', join(ANSWERS, `workloads-${n}.yaml`)]);
  defs.subgenerator = {
    prepare: (runDir) => {
      const repo = join(runDir, OUT);
      cpSync(baseRepo, repo, { recursive: true });
      return { cwd: repo, out: repo };
    },
    argv: [bin, 'workload', ADDED_WORKLOAD, '--yes'],
  };
  return defs;
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

const defaultLog = (line) => process.stderr.write(`${line}\n`);

/**
 * A temp folder with the staged package and floor, the case definitions and a way to run a case once
 * in a fresh run folder. `close()` removes the folder (unless keep).
 */
async function openSession({ only, useDist = false, keep = false, log = defaultLog }) {
  const work = mkdtempSync(join(tmpdir(), 'secure-aks-bench-'));
  const close = () => (keep ? log(`kept ${work}`) : rmSync(work, { recursive: true, force: true }));
  try {
    const staged = {
      ...(only.some((name) => !name.startsWith('floor') && name !== 'suite') ? await stagePackage(work, { useDist, log }) : { build: 'none' }),
      floorBin: stageFloor(work),
    };
    const skipped = {};
    let baseRepo;
    if (only.includes('subgenerator')) {
      if (subgeneratorAvailable(staged.bin, work)) {
        // The repository with 10 workloads that each subgenerator run starts from (a fresh copy per run).
        baseRepo = join(work, 'base');
        mkdirSync(baseRepo);
        await measure([staged.bin, '.', '--answers', join(ANSWERS, 'workloads-10.yaml'), '--yes'], { cwd: baseRepo, probeFile: join(work, 'base-probe.json') });
      } else {
        skipped.subgenerator = 'not available yet';
        log('subgenerator: not available yet');
      }
    }
    const defs = caseDefinitions(staged, baseRepo);
    let runIndex = 0;
    /**
     * Runs a case once in a fresh folder. nodeArgs and env may be functions of that folder;
     * `inspect(runDir, out)` sees it before it is removed.
     */
    const runCase = async (name, { nodeArgs, env, inspect } = {}) => {
      const runDir = join(work, `run-${++runIndex}`);
      mkdirSync(runDir);
      try {
        const { cwd, out } = defs[name].prepare(runDir);
        const at = (value) => (typeof value === 'function' ? value(runDir) : value);
        const result = await measure(defs[name].argv, { cwd, probeFile: join(runDir, 'probe.json'), nodeArgs: at(nodeArgs), env: { ...defs[name].env, ...at(env) } });
        return { ...result, ...(inspect ? inspect(runDir, out) : {}) };
      } finally {
        rmSync(runDir, { recursive: true, force: true });
      }
    };
    const argvOf = (name) =>
      [...Object.entries(defs[name].env ?? {}).map(([k, v]) => `${k}=${v}`), ...defs[name].argv.map((a) => (a.startsWith(work) ? relative(work, a) : a.startsWith(ROOT) ? relative(ROOT, a) : a))].join(' ');
    // The overlay and suite cases are not generator processes: runBench measures them on their own.
    return { work, staged, skipped, names: only.filter((name) => !skipped[name] && name !== 'overlay' && name !== 'suite'), runCase, argvOf, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** Runs the benchmark and returns the results object (what the JSON holds). */
export async function runBench({ runs = 7, warmup = 1, only = CASES, useDist = false, keep = false, log = defaultLog } = {}) {
  const loadBefore = loadavg()[0];
  const session = await openSession({ only, useDist, keep, log });
  try {
    const { names, runCase } = session;
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    const files = {};
    // Interleaved rounds: warm-ups first, then every case once per measured round.
    for (let round = 0; names.length > 0 && round < warmup + runs; round++) {
      const measured = round >= warmup;
      log(`${measured ? `run ${round - warmup + 1}/${runs}` : `warm-up ${round + 1}/${warmup}`}: ${names.join(', ')}`);
      for (const name of names) {
        const result = await runCase(name, { inspect: files[name] === undefined ? (_, out) => ({ files: countFiles(out) }) : undefined });
        files[name] ??= result.files;
        if (measured) samples[name].push(result);
      }
    }
    const cases = {};
    for (const name of names) {
      cases[name] = {
        argv: session.argvOf(name),
        files: files[name],
        wallMs: summarize(samples[name].map((s) => s.wallMs)),
        rssMb: summarize(samples[name].map((s) => s.rssMb)),
        cpuMs: summarize(samples[name].map((s) => s.cpuMs)),
        uptimeMs: summarize(samples[name].map((s) => s.uptimeMs)),
      };
    }
    let overlay;
    if (only.includes('overlay')) {
      const kubectl = findKubectl();
      if (kubectl) overlay = await measureOverlay({ work: session.work, bin: session.staged.bin, kubectl, runs, warmup, log });
      else {
        session.skipped.overlay = 'kubectl not found (set KUBECTL_PATH, or run scripts/install-kubectl.sh)';
        log(`overlay: ${session.skipped.overlay}`);
      }
    }
    // Last, on its own: the test suite (minutes; its own processes are the load).
    const suite = only.includes('suite') ? await measureSuite({ root: ROOT, log }) : undefined;
    const cpu = cpus();
    const derived = derive(cases);
    const overlayTarget = deriveOverlay(overlay);
    if (overlayTarget) derived.targets.overlayRender = overlayTarget;
    return {
      schema: 1,
      timestamp: new Date().toISOString(),
      git: gitInfo(),
      // The 1-minute load average before and after: a busy machine stretches wall times, not CPU times.
      machine: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpu.length, cpuModel: cpu[0]?.model, load: [loadBefore, loadavg()[0]] },
      settings: { warmup, runs, build: session.staged.build },
      cases,
      skipped: session.skipped,
      ...(overlay ? { overlay } : {}),
      ...(suite ? { suite } : {}),
      ...derived,
    };
  } finally {
    session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Profiling (--profile): where a case's time goes, by owner (a package, our code, Node's module loader)

const SPECIAL_FRAMES = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Who a script URL belongs to: a package under node_modules, one of `roots` ([url prefix, name]), or Node. */
export function ownerOf(url, roots = []) {
  if (!url) return undefined;
  // Functions compiled from text (ejs templates) carry their file name, sometimes quoted, as URL.
  const bare = url.replace(/^"(.*)"$/, '$1');
  const href = bare.startsWith('/') ? pathToFileURL(bare).href : bare;
  if (/^node:internal\/(modules|vm)\b/.test(href)) return 'node: module loading';
  if (href.startsWith('node:')) return 'node: other';
  const packages = [...href.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  if (packages.length > 0) return packages.at(-1)[1];
  return roots.find(([prefix]) => href.startsWith(prefix))?.[1] ?? href;
}

/**
 * Sampled CPU time of a V8 .cpuprofile by owner: self (the sample's own frame; frames without a
 * script, i.e. natives such as the compiler, are charged to their nearest caller that has one) and
 * inclusive (the owner is anywhere on the stack); plus the inclusive time of `focus`'s functions.
 */
export function summarizeProfile(profile, owner, focus) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const ownerCache = new Map();
  const ownerOfNode = (id) => {
    if (ownerCache.has(id)) return ownerCache.get(id);
    const { functionName, url } = nodes.get(id).callFrame;
    const up = parent.get(id);
    const found = SPECIAL_FRAMES.has(functionName) ? functionName : (owner(url) ?? (up === undefined ? '(native)' : ownerOfNode(up)));
    ownerCache.set(id, found);
    return found;
  };
  const self = new Map();
  const inclusive = new Map();
  const functions = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (nodes.get(id).callFrame.functionName === '(idle)') return;
    total += dt;
    self.set(ownerOfNode(id), (self.get(ownerOfNode(id)) ?? 0) + dt);
    const owners = new Set();
    const names = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      owners.add(ownerOfNode(cur));
      const frame = nodes.get(cur).callFrame;
      if (frame.url && owner(frame.url) === focus && frame.functionName) names.add(`${frame.functionName} (${frame.url.split('/').slice(-2).join('/')})`);
    }
    for (const o of owners) inclusive.set(o, (inclusive.get(o) ?? 0) + dt);
    for (const f of names) functions.set(f, (functions.get(f) ?? 0) + dt);
  });
  return { total, self, inclusive, functions };
}

/** Loaded modules by owner (Node built-ins left out). */
export function countModules(urls, owner) {
  const counts = new Map();
  for (const url of urls) {
    if (!url || url.startsWith('node:')) continue;
    const o = owner(url);
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  return counts;
}

const OURS = 'generator-secure-aks (ours)';

/**
 * Profiles each case once (after a warm-up) and prints where its time goes, next to the first case
 * (the baseline: the floor by default; `--only workloads-1,workloads-50` shows what 49 workloads add).
 */
export async function runProfile({ only = ['floor', 'default', `workloads-${SCALE.at(-1)}`], useDist = false, keep = false, saveDir, log = defaultLog } = {}) {
  const session = await openSession({ only, useDist, keep, log });
  const lines = [];
  try {
    const roots = [
      [pathToFileURL(join(session.work, 'pkg')).href, OURS],
      [pathToFileURL(join(session.work, 'floor')).href, 'bench floor'],
      [pathToFileURL(join(ROOT, 'bench')).href, 'bench probes'],
    ];
    const owner = (url) => ownerOf(url, roots);
    const profiles = {};
    for (const name of session.names) {
      log(`profiling ${name}`);
      await session.runCase(name);
      const result = await session.runCase(name, {
        nodeArgs: (runDir) => ['--cpu-prof', '--cpu-prof-dir', join(runDir, 'cpu'), '--cpu-prof-interval', '250', '--import', pathToFileURL(join(ROOT, 'bench', 'module-probe.mjs')).href],
        env: (runDir) => ({ BENCH_MODULES_FILE: join(runDir, 'modules.txt') }),
        inspect: (runDir) => {
          const cpuFile = join(runDir, 'cpu', readdirSync(join(runDir, 'cpu')).find((f) => f.endsWith('.cpuprofile')));
          if (saveDir) {
            mkdirSync(saveDir, { recursive: true });
            cpSync(cpuFile, join(saveDir, `${name}.cpuprofile`));
          }
          return {
            profile: JSON.parse(readFileSync(cpuFile, 'utf8')),
            modules: readFileSync(join(runDir, 'modules.txt'), 'utf8').split('\n').filter(Boolean),
          };
        },
      });
      profiles[name] = {
        wallMs: result.wallMs,
        modules: countModules(result.modules, owner),
        moduleTotal: result.modules.filter((u) => !u.startsWith('node:')).length,
        ...summarizeProfile(result.profile, owner, OURS),
      };
    }
    const [baseName, base] = Object.entries(profiles)[0];
    for (const [name, p] of Object.entries(profiles)) {
      const isBase = name === baseName;
      lines.push(`${name}: wall ${ms(p.wallMs)} ms under the profiler, ${ms(p.total)} ms sampled CPU, ${p.moduleTotal} modules loaded`);
      const owners = [...new Set([...p.self.keys(), ...(isBase ? [] : base.self.keys())])];
      const rows = owners
        .map((o) => ({ o, self: p.self.get(o) ?? 0, incl: p.inclusive.get(o) ?? 0, mods: p.modules.get(o) ?? 0, dSelf: (p.self.get(o) ?? 0) - (base.self.get(o) ?? 0), dMods: (p.modules.get(o) ?? 0) - (base.modules.get(o) ?? 0) }))
        .sort((a, b) => (isBase ? b.self - a.self : Math.abs(b.dSelf) - Math.abs(a.dSelf)))
        .filter((r, i) => i < 12 || r.o === OURS);
      const vs = `vs ${baseName}: self`;
      lines.push(`  ${'owner'.padEnd(30)} ${'self ms'.padStart(8)} ${'incl ms'.padStart(8)} ${'modules'.padStart(8)}${isBase ? '' : `  ${vs.padStart(Math.max(15, vs.length))} ${'modules'.padStart(8)}`}`);
      for (const r of rows) {
        lines.push(`  ${r.o.slice(0, 30).padEnd(30)} ${ms(r.self).padStart(8)} ${ms(r.incl).padStart(8)} ${String(r.mods).padStart(8)}${isBase ? '' : `  ${signed(r.dSelf).padStart(Math.max(15, vs.length))} ${signed(r.dMods).padStart(8)}`}`);
      }
      const top = [...p.functions].sort((a, b) => b[1] - a[1]).slice(0, 8);
      if (top.length > 0) lines.push(`  our functions, inclusive: ${top.map(([f, t]) => `${f} ${ms(t)} ms`).join('; ')}`);
      lines.push('');
    }
    return lines.join('\n');
  } finally {
    session.close();
  }
}

/** Writes bench-<timestamp>.json and latest.json; returns the path of the first. */
export function writeResults(results, dir) {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const file = join(dir, `bench-${results.timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}

function positiveInt(value, name, min) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return n;
}

export async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      'results-dir': { type: 'string' },
      compare: { type: 'string' },
      current: { type: 'string' },
      'use-dist': { type: 'boolean' },
      keep: { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const readJson = (file) => JSON.parse(readFileSync(resolve(file), 'utf8'));
  const before = values.compare ? readJson(values.compare) : undefined;
  if (values.current) {
    if (!before) throw new Error('--current needs --compare');
    process.stdout.write(`${formatComparison(before, readJson(values.current))}\n`);
    return 0;
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : CASES;
  const unknown = only.filter((name) => !CASES.includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown case ${unknown.join(', ')} (cases: ${CASES.join(', ')})`);
  const resultsDir = resolve(values['results-dir'] ?? join(ROOT, 'bench-results'));
  if (values.profile) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const saveDir = join(resultsDir, 'profiles', stamp);
    const report = await runProfile({ ...(values.only ? { only } : {}), useDist: values['use-dist'], keep: values.keep, saveDir });
    process.stdout.write(`\n${report}\nCPU profiles (open in Chrome DevTools > Performance): ${relative(process.cwd(), saveDir) || saveDir}\n`);
    return 0;
  }
  const runs = values.runs ? positiveInt(values.runs, 'runs', 1) : values.quick ? 2 : 7;
  const warmup = values.warmup ? positiveInt(values.warmup, 'warmup', 0) : 1;
  const results = await runBench({ runs, warmup, only, useDist: values['use-dist'], keep: values.keep });
  process.stdout.write(`\n${formatResults(results)}\n`);
  const file = writeResults(results, resultsDir);
  process.stdout.write(`\nwrote ${relative(process.cwd(), file) || file} and latest.json\n`);
  if (before) process.stdout.write(`\n${formatComparison(before, results)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`bench: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
