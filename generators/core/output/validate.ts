// `--validate`: after the files are written, the offline checks that the generated repository's own
// scripts/validate.sh runs, on the files as they are on disk, with as few Bicep CLI processes as
// possible (each costs seconds of .NET start-up and compilation): one `bicep lint` of every Bicep entry
// point (the file, or `--pattern 'infra/*.bicep'` once there are several), which compiles each entry
// point and every module it uses and reports the compiler's errors and the linter's (every rule an
// error in the generated bicepconfig.json): the diagnostics `bicep build` reports too; then one
// `bicep build-params` of the parameter files (`--pattern 'infra/*.bicepparam'` once there are several,
// into a temporary folder that is removed), when the environment variables they read are set; then
// `kubectl kustomize` of each overlay's parts (of the whole overlay where it has none). Progress is reported per check as it finishes. A tool that is
// not installed is reported and skipped, never a failure; a tool that reports an error makes the output
// "invalid"; a check that does not finish in time makes it "slow" (not verified, and not found invalid
// either). execa is loaded only when a tool actually runs.
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, posix } from 'node:path';

export type ValidationTool = 'bicep' | 'kubectl';

export type StepStatus = 'passed' | 'invalid' | 'slow' | 'missing' | 'skipped';

export interface ValidationStep {
  tool: ValidationTool;
  /** What ran (or would have), as a user would type it; the same words scripts/validate.sh prints. */
  command: string;
  status: StepStatus;
  /** Why it was skipped or missing, the tool's error output, or how long it was given. */
  detail?: string;
  /** How long it ran, in milliseconds (checks that ran). */
  ms?: number;
}

/** valid: no check found an error or timed out; invalid: a tool reported an error; slow: a check timed out. */
export type Verdict = 'valid' | 'invalid' | 'slow';

export interface ValidationReport {
  verdict: Verdict;
  /** verdict === 'valid' (missing tools and skipped steps do not count). */
  ok: boolean;
  steps: ValidationStep[];
  /** Per command, in milliseconds. */
  timeout: number;
}

type Env = Record<string, string | undefined>;

const INSTALL: Record<ValidationTool, string> = {
  bicep: 'install the Bicep CLI (az bicep install) or set BICEP_PATH',
  kubectl: 'install kubectl (az aks install-cli) or set KUBECTL_PATH',
};

/** Seconds per check unless SECURE_AKS_VALIDATE_TIMEOUT says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const TIMEOUT_VARIABLE = 'SECURE_AKS_VALIDATE_TIMEOUT';

/** Exit codes of a run whose --validate found the output invalid, or could not finish a check. */
export const VALIDATE_EXIT = { invalid: 1, slow: 3 } as const;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a tool is: `BICEP_PATH`/`KUBECTL_PATH` when set (and nowhere else then), else the first on PATH,
 * else, for bicep, the copy `az bicep install` keeps in ~/.azure/bin.
 */
export function findTool(tool: ValidationTool, env: Env = process.env): string | undefined {
  const explicit = env[`${tool.toUpperCase()}_PATH`];
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, tool))) return join(dir, tool);
  }
  if (tool === 'bicep' && env.HOME) {
    const azureCopy = join(env.HOME, '.azure', 'bin', 'bicep');
    if (executable(azureCopy)) return azureCopy;
  }
  return undefined;
}

/** The tools --validate would use, for the interactive prompt. */
export function availableTools(env: Env = process.env): ValidationTool[] {
  return (['bicep', 'kubectl'] as const).filter((tool) => findTool(tool, env) !== undefined);
}

/** The per-check time limit: SECURE_AKS_VALIDATE_TIMEOUT seconds when it is a positive number, else 300 s. */
export function timeoutFrom(env: Env = process.env): number {
  const seconds = Number(env[TIMEOUT_VARIABLE]);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

/** The environment variables a .bicepparam file reads (readEnvironmentVariable('NAME', ...)), in order. */
export function parameterVariables(bicepparam: string): string[] {
  return [...new Set([...bicepparam.matchAll(/readEnvironmentVariable\(\s*'([^']+)'/g)].map((m) => m[1]!))];
}

/** One check, planned: what it runs, and why it will not run when it will not. */
interface PlannedStep {
  tool: ValidationTool;
  command: string;
  args: string[];
  skip?: string;
  /** The command writes files: it gets `--outdir <a temporary folder>`, removed when it is done. */
  outdir?: boolean;
}

/** An overlay's parts (`<overlay>/parts/<part>` with a kustomization.yaml, in the order they sort and are applied), or undefined without any. */
function partsOnDisk(root: string, overlay: string): string[] | undefined {
  const dir = join(root, overlay, 'parts');
  const parts = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'kustomization.yaml')))
        .map((entry) => `${overlay}/parts/${entry.name}`)
        .sort()
    : [];
  return parts.length > 0 ? parts : undefined;
}

/** The entry point a parameter file deploys: the file of its `using` line, repository-relative. */
function usingTarget(bicepparam: string): string | undefined {
  const target = /^using\s+'([^']+\.bicep)'/m.exec(bicepparam)?.[1];
  return target ? posix.normalize(`infra/${target}`) : undefined;
}

/**
 * Whether building the parameter files compiles `file`: it is an entry point they use (`targets`, whose
 * texts are `sources`), or a file such an entry point imports or deploys as a module by that name
 * (infra/types.bicep).
 */
function compiledFrom(file: string, targets: readonly string[], sources: readonly string[]): boolean {
  if (targets.includes(file)) return true;
  const name = file.slice('infra/'.length);
  const reference = new RegExp(`(\\bfrom|\\bmodule\\s+\\w+)\\s+'(\\./)?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`);
  return sources.some((source) => reference.test(source));
}

/** What the Bicep checks name once there are several files: every entry point, every parameter file. */
export const BICEP_PATTERNS = { entryPoints: 'infra/*.bicep', parameterFiles: 'infra/*.bicepparam' } as const;

/**
 * The checks, in the order scripts/validate.sh runs them: one `bicep lint` of the Bicep entry points
 * (infra/main.bicep, or one per environment: the files the parameter files use), one `bicep
 * build-params` of the parameter files, then each overlay's parts. One Bicep process per check: linting an
 * entry point compiles it and every module it uses; building a parameter file compiles its entry point
 * and every module again, with the values it gives, and reports the same diagnostics, linter rules
 * included. So when build-params runs (every variable the parameter files read is set) and compiles
 * every file the lint would start from, the lint is skipped, saying so: one Bicep process instead of two.
 */
export function plannedChecks(root: string, env: Env = process.env): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const infra = join(root, 'infra');
  const infraFiles = existsSync(infra) ? readdirSync(infra).sort() : [];
  const parameterFiles = infraFiles.filter((f) => f.endsWith('.bicepparam'));
  const parameterTexts = parameterFiles.map((f) => readFileSync(join(infra, f), 'utf8'));
  /** The entry points the parameter files deploy. */
  const targets = parameterTexts.map(usingTarget).filter((t): t is string => t !== undefined && existsSync(join(root, t)));
  const roots = [...new Set([...(infraFiles.includes('main.bicep') ? ['infra/main.bicep'] : []), ...targets])];
  if (roots.length > 0) {
    const { entryPoints, parameterFiles: parameterGlob } = BICEP_PATTERNS;
    const lint: PlannedStep =
      roots.length === 1
        ? { tool: 'bicep', command: `bicep lint ${roots[0]}`, args: ['lint', roots[0]!] }
        : { tool: 'bicep', command: `bicep lint --pattern '${entryPoints}'`, args: ['lint', '--pattern', entryPoints] };
    steps.push(lint);
    if (parameterFiles.length > 0) {
      // Built when every variable they read is set: all of them in one process, or none.
      const one = parameterFiles.length === 1;
      const unset = [...new Set(parameterTexts.flatMap(parameterVariables))].filter((name) => !env[name]);
      const skip = unset.length > 0 ? { skip: `${one ? 'it reads' : 'they read'} ${unset.join(', ')} from the environment; set them to check ${one ? 'it' : 'the parameter files'} too` } : {};
      if (unset.length === 0) {
        const sources = targets.map((target) => readFileSync(join(root, target), 'utf8'));
        const linted = roots.length === 1 ? roots : infraFiles.filter((f) => f.endsWith('.bicep')).map((f) => `infra/${f}`);
        if (linted.every((file) => compiledFrom(file, targets, sources))) lint.skip = `the build-params check below compiles and lints the same files`;
      }
      steps.push(
        one
          ? { tool: 'bicep', command: `bicep build-params infra/${parameterFiles[0]}`, args: ['build-params', `infra/${parameterFiles[0]}`, '--stdout'], ...skip }
          : { tool: 'bicep', command: `bicep build-params --pattern '${parameterGlob}'`, args: ['build-params', '--pattern', parameterGlob], outdir: true, ...skip },
      );
    }
  }
  const overlaysDir = join(root, 'k8s', 'overlays');
  const overlays = existsSync(overlaysDir)
    ? readdirSync(overlaysDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(overlaysDir, entry.name, 'kustomization.yaml')))
        .map((entry) => `k8s/overlays/${entry.name}`)
        .sort()
    : [];
  // Each overlay part by part (bounded builds; the whole overlay grows with the square of its objects), or as a whole where it has no parts.
  for (const target of overlays.flatMap((overlay) => partsOnDisk(root, overlay) ?? [overlay])) steps.push({ tool: 'kubectl', command: `kubectl kustomize ${target}`, args: ['kustomize', target] });
  return steps;
}

export interface ValidateOptions {
  env?: Env;
  /** Per command, in milliseconds (default: timeoutFrom(env)). */
  timeout?: number;
  /** Checks running at once (default 2: one per core of a small build agent). */
  concurrency?: number;
  /** Called as each check finishes (or is skipped), with its position in the plan. */
  onProgress?: (step: ValidationStep, index: number, total: number) => void;
}

/**
 * The lines of a tool's output worth showing, each once (a module that two entry points use is reported
 * for each): all of a short output, else the error lines; at most 20.
 */
function excerpt(output: string): string {
  const lines = [...new Set(output.split(/\r?\n/).filter((line) => line.trim() !== ''))];
  const errors = lines.filter((line) => /error/i.test(line));
  return (lines.length <= 20 || errors.length === 0 ? lines : errors).slice(0, 20).join('\n');
}

export function verdictOf(steps: readonly ValidationStep[]): Verdict {
  if (steps.some((s) => s.status === 'invalid')) return 'invalid';
  return steps.some((s) => s.status === 'slow') ? 'slow' : 'valid';
}

/**
 * Each tool runs in a process group of its own (POSIX), and stopping it stops the group, as
 * timeout(1) does: a tool that is a script starting the real program as its child (a wrapper, a version
 * manager's shim without exec) would otherwise leave that child running past the time limit, holding
 * the output the run waits for. On Windows the tool's own process is stopped.
 */
const GROUPS = process.platform !== 'win32';
/** How long what was told to stop (SIGTERM) has before it is killed (SIGKILL). */
const STOP_GRACE_MS = 2000;
/** Groups of tools still running, stopped if this process exits first (listening only while there are some). */
const running = new Set<() => void>();
const stopRunning = () => running.forEach((stop) => stop());

function stopper(subprocess: { pid?: number | undefined; kill(signal: NodeJS.Signals): boolean }) {
  const send = (signal: NodeJS.Signals) => {
    try {
      if (GROUPS && subprocess.pid) process.kill(-subprocess.pid, signal);
      else subprocess.kill(signal);
    } catch {
      // Nothing of it is left.
    }
  };
  let kill: NodeJS.Timeout | undefined;
  const killAtExit = () => send('SIGKILL');
  if (running.size === 0) process.on('exit', stopRunning);
  running.add(killAtExit);
  return {
    /** SIGTERM to the group, SIGKILL after the grace period unless its output has ended by then. */
    now: () => {
      send('SIGTERM');
      kill ??= setTimeout(() => send('SIGKILL'), STOP_GRACE_MS);
      kill.unref();
    },
    /** The tool's output has ended: nothing of its group holds it, so there is nothing left to wait for. */
    done: () => {
      clearTimeout(kill);
      running.delete(killAtExit);
      if (running.size === 0) process.off('exit', stopRunning);
    },
  };
}

export async function validateOutput(root: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const env = options.env ?? process.env;
  const timeout = options.timeout ?? timeoutFrom(env);
  const paths = { bicep: findTool('bicep', env), kubectl: findTool('kubectl', env) };
  const plan = plannedChecks(root, env);
  const steps: ValidationStep[] = new Array(plan.length);
  const done = (index: number, step: ValidationStep) => {
    steps[index] = step;
    options.onProgress?.(step, index, plan.length);
  };

  const run = async (planned: PlannedStep, path: string): Promise<ValidationStep> => {
    const { execa } = await import('execa');
    // With --pattern, build-params writes a file beside each input unless given a folder: never into the repository.
    const outdir = planned.outdir ? mkdtempSync(join(tmpdir(), 'secure-aks-validate-')) : undefined;
    const started = Date.now();
    const subprocess = execa(path, [...planned.args, ...(outdir ? ['--outdir', outdir] : [])], { cwd: root, reject: false, env, extendEnv: false, detached: GROUPS });
    const stop = stopper(subprocess);
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      stop.now();
    }, timeout);
    // What the tool leaves running when it exits is stopped too: the run reads the tool's output to its end.
    subprocess.nodeChildProcess.once('exit', stop.now);
    const result = await subprocess.finally(() => {
      clearTimeout(limit);
      stop.done();
      if (outdir) rmSync(outdir, { recursive: true, force: true });
    });
    const ms = Date.now() - started;
    const base = { tool: planned.tool, command: planned.command, ms };
    if (timedOut) return { ...base, status: 'slow', detail: `did not finish within ${timeout / 1000} s` };
    if (result.exitCode === 0) return { ...base, status: 'passed' };
    return { ...base, status: 'invalid', detail: excerpt(`${result.stderr}\n${result.stdout}`) || `exit code ${result.exitCode}` };
  };

  // Skipped and missing checks are reported at once; the others run a few at a time, in plan order.
  const queue: number[] = [];
  plan.forEach((planned, index) => {
    const step = { tool: planned.tool, command: planned.command };
    if (!paths[planned.tool]) done(index, { ...step, status: 'missing', detail: `${planned.tool} is not installed: ${INSTALL[planned.tool]}` });
    else if (planned.skip) done(index, { ...step, status: 'skipped', detail: planned.skip });
    else queue.push(index);
  });
  const worker = async () => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const planned = plan[index]!;
      done(index, await run(planned, paths[planned.tool]!));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  const verdict = verdictOf(steps);
  return { verdict, ok: verdict === 'valid', steps, timeout };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One check as the progress lines show it: `  [2/5] passed   bicep lint infra/main.bicep (2.3 s)`. */
export function formatStep(step: ValidationStep, index: number, total: number): string {
  const width = String(total).length;
  const position = `[${String(index + 1).padStart(width)}/${total}]`;
  const note = step.status === 'passed' || step.status === 'invalid' ? ` (${seconds(step.ms ?? 0)})` : step.detail ? ` (${step.detail})` : '';
  const lines = [`  ${position} ${step.status.padEnd(8)} ${step.command}${note}`];
  if (step.status === 'invalid' && step.detail) lines.push(...step.detail.split('\n').map((line) => `${' '.repeat(position.length + 12)}${line}`));
  return lines.join('\n');
}

/** The verdict and what to do about it, after the progress lines. */
export function formatVerdict(report: ValidationReport): string {
  const lines: string[] = [];
  const missing = [...new Set(report.steps.filter((s) => s.status === 'missing').map((s) => s.tool))];
  if (missing.length > 0) lines.push(`  Not checked: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed (not an error).`);
  const slow = report.steps.filter((s) => s.status === 'slow').map((s) => s.command);
  if (report.verdict === 'valid') lines.push('  The output is valid.');
  else if (report.verdict === 'invalid') lines.push(`  Validation failed: the files were written, fix the errors above (exit code ${VALIDATE_EXIT.invalid}).`);
  if (slow.length > 0) {
    lines.push(
      `  Not verified: ${slow.join(', ')} did not finish within ${report.timeout / 1000} s. That is not an error found in the files;`,
      `  run bash scripts/validate.sh (no time limit) or set ${TIMEOUT_VARIABLE} to more seconds${report.verdict === 'slow' ? ` (exit code ${VALIDATE_EXIT.slow})` : ''}.`,
    );
  }
  return lines.join('\n');
}

/** The whole report as the generator prints it: a heading, each check, the verdict. */
export function formatReport(report: ValidationReport): string {
  const lines = ['', 'Validation:', ...report.steps.map((step, index) => formatStep(step, index, report.steps.length)), formatVerdict(report)];
  return `${lines.join('\n')}\n`;
}
