// scripts/validate.sh, the generated repository's offline checks for its owners' CI, run for real with
// bash: shellcheck-clean; the same checks, in the same words, as create-secure-aks --validate (compared
// line by line on repositories of one and two environments), each Bicep check one Bicep process for all
// its files, writing nothing into the repository; a pass with the real bicep and kubectl on two
// environments, every Bicep check of --validate and the script without a diagnostic (the one-environment
// repository passes them in operator.validate.test.ts); the tool's own error and exit 1 when a check
// fails; exit 3 (slow, not invalid) when a check outlives --timeout; exit 2 for a missing tool or a bad
// argument; the az bicep fallback; parameter files built only when the variables they read are set.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../generators/core/plan/contracts.ts';
import { formatStep, plannedChecks, validateOutput } from '../generators/core/output/validate.ts';
import { SAMPLE_DEPLOY_ENV } from './helpers/bicep.ts';
import { renderRepository, writeTree, type Rendered } from './helpers/generate.ts';
import { toolOrSkip } from './helpers/tools.ts';

const execFileAsync = promisify(execFile);
const shellcheckPath = toolOrSkip('shellcheck');
const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');

const BASH = existsSync('/usr/bin/bash') ? '/usr/bin/bash' : '/bin/bash';
/** The commands the script uses besides the tools it checks with. */
const SYSTEM = ['bash', 'cat', 'dirname', 'basename', 'grep', 'sed', 'awk', 'mktemp', 'rm', 'timeout', 'sleep', 'sh'];

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

let repo: Rendered;
let tree: string;
beforeAll(async () => {
  repo = await renderRepository({});
  tree = writeTree(repo.files, 'secure-aks-validate-sh-');
  temps.push(tree);
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A folder of commands: the system tools above plus stand-ins (name -> shell script body). */
function binWith(standIns: Record<string, string> = {}): string {
  const bin = temp('secure-aks-bin-');
  for (const tool of SYSTEM) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries(standIns)) {
    writeFileSync(join(bin, name), `#!${BASH}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

/** A stand-in that appends its arguments to $STANDIN_LOG, then runs `then` (default: exit 0). */
const recording = (then = 'exit 0') => `printf '%s %s\\n' "$(basename "$0")" "$*" >>"$STANDIN_LOG"\n${then}`;

/**
 * The real tool at `path`, its call recorded as a stand-in's is: it runs with the same arguments and
 * output, and its exit code, everything it printed and the files it wrote into an --outdir (its last
 * argument) are appended to $STANDIN_LOG.real (the script shows a tool's output only when it fails).
 */
const throughReal = (path: string) =>
  recording(
    [
      `status=0; "${path}" "$@" >"$STANDIN_LOG.out" 2>&1 || status=$?`,
      'written=()',
      `if [[ "$*" == *' --outdir '* ]]; then written=("\${@: -1}"/*); written=("\${written[@]##*/}"); fi`,
      `{ printf '%s: exit %s, wrote [%s]\\n' "$*" "$status" "\${written[*]}"; cat "$STANDIN_LOG.out"; } >>"$STANDIN_LOG.real"`,
      'cat "$STANDIN_LOG.out" >&2',
      'exit "$status"',
    ].join('\n'),
  );

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: string[];
  /** What the real tools behind throughReal printed, call by call. */
  real: string;
}

async function validate(root: string, args: string[], env: Record<string, string>): Promise<Run> {
  const log = join(temp('secure-aks-log-'), 'calls.log');
  writeFileSync(log, '');
  const home = temp('secure-aks-home-');
  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await execFileAsync(BASH, [join(root, PATHS.validateScript), ...args], { cwd: tmpdir(), env: { HOME: home, STANDIN_LOG: log, ...env }, timeout: 280_000 });
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
  const real = existsSync(`${log}.real`) ? readFileSync(`${log}.real`, 'utf8') : '';
  return { ...result, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean), real };
}

/** Progress lines without their timings, for comparing the script with --validate. */
const withoutTimes = (lines: string[]) => lines.map((line) => line.replace(/ \(\d+\.\d s\)$/, ''));

/**
 * The script on `root` and --validate's report with the same tools and environment: the script's run
 * and its progress lines (without timings), checked to be --validate's, in its words and order.
 */
async function agreeing(root: string, env: Record<string, string>): Promise<{ run: Run; lines: string[] }> {
  const run = await validate(root, [], env);
  const lines = withoutTimes(run.stdout.split('\n').filter((line) => /^ {2}\[/.test(line)));
  const { steps } = await validateOutput(root, { env: { ...env, HOME: temp('secure-aks-home-'), STANDIN_LOG: join(temp('secure-aks-log-'), 'log') }, concurrency: 1 });
  expect(lines, 'the script and --validate agree').toEqual(withoutTimes(steps.map((step, i) => formatStep(step, i, steps.length))));
  return { run, lines };
}

// At once: each test has its own stand-ins, logs and homes, and changes no tree it shares (the tests that
// change one write their own); the real Bicep CLI's seconds overlap the others' waits.
describe.concurrent('scripts/validate.sh', () => {
  it.skipIf(!shellcheckPath)('is shellcheck-clean (style), parses with bash -n and is emitted executable for every repository', async () => {
    const script = join(tree, PATHS.validateScript);
    expect(readFileSync(script, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n[\s\S]*^set -euo pipefail$/m);
    await execFileAsync(shellcheckPath!, ['--severity=style', script]);
    await execFileAsync(BASH, ['-n', script]);
    const zero = await renderRepository({ name: 'platform', workloads: [], bastion: false, agentPool: 'vmss' });
    expect(zero.files.get(PATHS.validateScript)).toBe(repo.files.get(PATHS.validateScript));
  });

  it('--help exits 0; a bad argument or --timeout value exits 2 before checking anything', async () => {
    const bin = binWith({ bicep: recording(), kubectl: recording() });
    const help = await validate(tree, ['--help'], { PATH: bin });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: scripts/validate.sh [--timeout SECONDS]');
    for (const args of [['--bogus'], ['--timeout'], ['--timeout', 'soon'], ['--timeout=0']]) {
      const bad = await validate(tree, args, { PATH: bin });
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/^validate: (unknown argument: --bogus|--timeout needs a number of seconds)/);
      expect(bad.calls).toEqual([]);
    }
  });

  // The Bicep CLI itself on two environments (5-6 s a process on an idle 2-core machine): its lint in the
  // run where a variable is not set, its build-params (and the real kubectl) in the run with every
  // variable set; the others through stand-ins.
  it('runs the same checks as create-secure-aks --validate, in the same order and words, on every environment, one Bicep process per Bicep check (the lint skipped when build-params runs); with the real bicep and kubectl, each passes without a diagnostic', { timeout: 300_000 }, async () => {
    // Two environments: an entry point, a parameter file and an overlay (in parts) each.
    const two = await renderRepository({ environments: ['dev', 'prod'] } as never);
    const root = writeTree(two.files, 'secure-aks-validate-sh-');
    temps.push(root);
    const bin = binWith({ bicep: recording(), kubectl: recording() });
    const report = async (env: Record<string, string>) =>
      validateOutput(root, { env: { ...env, HOME: temp('secure-aks-home-'), STANDIN_LOG: join(temp('secure-aks-log-'), 'log') }, concurrency: 1 });
    const progress = (run: Run) => withoutTimes(run.stdout.split('\n').filter((line) => /^ {2}\[/.test(line)));
    const reported = (steps: Awaited<ReturnType<typeof report>>['steps']) => withoutTimes(steps.map((step, i) => formatStep(step, i, steps.length)));

    // One of the variables the parameter files read is not set: they are skipped, naming it, and the
    // lint is the Bicep check (the real Bicep CLI, where it is installed).
    const partly = { PATH: bin, AKS_ADMIN_GROUP_OBJECT_IDS: SAMPLE_DEPLOY_ENV.AKS_ADMIN_GROUP_OBJECT_IDS! };
    const realLint = bicepPath ? binWith({ bicep: throughReal(bicepPath) }) : undefined;
    const skipped = await validate(root, [], realLint ? { ...partly, BICEP_PATH: join(realLint, 'bicep') } : partly);
    expect(skipped.code, `${skipped.stdout}\n${skipped.stderr}\n${skipped.real}`).toBe(0);
    if (realLint) expect(skipped.real.split('\n')).toEqual(['lint --pattern infra/*.bicep: exit 0, wrote []', '']);
    expect(progress(skipped)).toEqual(reported((await report(partly)).steps));
    expect(progress(skipped)).toEqual([
      "  [1/6] passed   bicep lint --pattern 'infra/*.bicep'",
      "  [2/6] skipped  bicep build-params --pattern 'infra/*.bicepparam' (they read DEVOPS_INFRASTRUCTURE_OBJECT_ID from the environment; set them to check the parameter files too)",
      '  [3/6] passed   kubectl kustomize k8s/overlays/dev/parts/platform',
      '  [4/6] passed   kubectl kustomize k8s/overlays/dev/parts/workloads-01',
      '  [5/6] passed   kubectl kustomize k8s/overlays/prod/parts/platform',
      '  [6/6] passed   kubectl kustomize k8s/overlays/prod/parts/workloads-01',
    ]);
    expect(skipped.calls).toEqual(['bicep lint --pattern infra/*.bicep', 'kubectl kustomize k8s/overlays/dev/parts/platform', 'kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'kubectl kustomize k8s/overlays/prod/parts/platform', 'kubectl kustomize k8s/overlays/prod/parts/workloads-01']);
    expect(skipped.stdout).toMatch(/^validate: 5 passed, 1 skipped, 0 found an error, 0 did not finish$/m);

    // Every variable set: build-params of both parameter files, writing into a temporary folder, is the
    // one Bicep process: it compiles and lints what the lint would, which is skipped, saying so. The real
    // tools (through BICEP_PATH and KUBECTL_PATH), where they are installed.
    const all = { PATH: bin, ...SAMPLE_DEPLOY_ENV } as Record<string, string>;
    const real = bicepPath && kubectlPath ? binWith({ bicep: throughReal(bicepPath), kubectl: recording(`exec "${kubectlPath}" "$@"`) }) : undefined;
    const built = await validate(root, [], real ? { ...all, PATH: binWith(), BICEP_PATH: join(real, 'bicep'), KUBECTL_PATH: join(real, 'kubectl') } : all);
    expect(built.code, `${built.stdout}\n${built.stderr}\n${built.real}`).toBe(0);
    expect(progress(built)).toEqual(reported((await report(all)).steps));
    expect(progress(built)).toEqual([
      "  [1/6] skipped  bicep lint --pattern 'infra/*.bicep' (the build-params check below compiles and lints the same files)",
      "  [2/6] passed   bicep build-params --pattern 'infra/*.bicepparam'",
      '  [3/6] passed   kubectl kustomize k8s/overlays/dev/parts/platform',
      '  [4/6] passed   kubectl kustomize k8s/overlays/dev/parts/workloads-01',
      '  [5/6] passed   kubectl kustomize k8s/overlays/prod/parts/platform',
      '  [6/6] passed   kubectl kustomize k8s/overlays/prod/parts/workloads-01',
    ]);
    expect(built.calls).toEqual([
      expect.stringMatching(/^bicep build-params --pattern infra\/\*\.bicepparam --outdir \/\S+$/),
      'kubectl kustomize k8s/overlays/dev/parts/platform',
      'kubectl kustomize k8s/overlays/dev/parts/workloads-01',
      'kubectl kustomize k8s/overlays/prod/parts/platform',
      'kubectl kustomize k8s/overlays/prod/parts/workloads-01',
    ]);
    const outdir = / --outdir (\S+)$/.exec(built.calls[0]!)![1]!;
    expect(outdir.startsWith(root)).toBe(false);
    expect(existsSync(outdir)).toBe(false); // removed on exit
    expect(built.stdout).toMatch(/^validate: 5 passed, 1 skipped, 0 found an error, 0 did not finish$/m);
    // The Bicep checks are those --validate plans, with its arguments; the real Bicep CLI ran the one
    // that runs once for both environments, without a diagnostic, and built both parameter files into
    // the folder given (the script's temporary folder, where `output` is its own record of the tool's output).
    const checks = plannedChecks(root, SAMPLE_DEPLOY_ENV).filter((check) => check.tool === 'bicep');
    expect(checks.map((check) => [check.command, check.skip !== undefined])).toEqual([["bicep lint --pattern 'infra/*.bicep'", true], ["bicep build-params --pattern 'infra/*.bicepparam'", false]]);
    expect(built.calls.slice(0, 1)).toEqual(checks.filter((check) => !check.skip).map((check) => ['bicep', ...check.args, ...(check.outdir ? ['--outdir', outdir] : [])].join(' ')));
    if (real) {
      expect(built.real.split('\n')).toEqual([`build-params --pattern infra/*.bicepparam --outdir ${outdir}: exit 0, wrote [dev.json output prod.json]`, '']);
    }

    // Through az bicep, which takes one file at a time: the same checks, a process per file.
    const az = await validate(root, [], { ...all, PATH: binWith({ az: recording(), kubectl: recording() }) });
    expect(az.code, az.stderr).toBe(0);
    expect(progress(az)).toEqual(progress(built));
    expect(az.calls).toEqual([
      'az bicep build-params --file infra/dev.bicepparam --stdout',
      'az bicep build-params --file infra/prod.bicepparam --stdout',
      'kubectl kustomize k8s/overlays/dev/parts/platform',
      'kubectl kustomize k8s/overlays/dev/parts/workloads-01',
      'kubectl kustomize k8s/overlays/prod/parts/platform',
      'kubectl kustomize k8s/overlays/prod/parts/workloads-01',
    ]);

    // An overlay without parts (as an owner may write one) is checked as a whole.
    rmSync(join(root, 'k8s/overlays/prod/parts'), { recursive: true });
    const whole = await validate(root, [], partly);
    expect(whole.calls.filter((call) => call.startsWith('kubectl'))).toEqual(['kubectl kustomize k8s/overlays/dev/parts/platform', 'kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'kubectl kustomize k8s/overlays/prod']);
  });

  // The real bicep and kubectl pass these checks of this repository in operator.validate.test.ts (through
  // --validate's validateOutput, the same commands) and the two-environment ones above through this
  // script: here, stand-ins that pass, for the words of a one-environment repository's checks.
  it('passes a one-environment repository, printing the checks of create-secure-aks --validate in its words: a file, not a pattern', async () => {
    const bin = binWith({ bicep: recording(), kubectl: recording() });
    const { run: result, lines } = await agreeing(tree, { PATH: bin });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(lines).toEqual([
      '  [1/4] passed   bicep lint infra/main.bicep',
      '  [2/4] skipped  bicep build-params infra/dev.bicepparam (it reads AKS_ADMIN_GROUP_OBJECT_IDS, DEVOPS_INFRASTRUCTURE_OBJECT_ID from the environment; set them to check it too)',
      '  [3/4] passed   kubectl kustomize k8s/overlays/dev/parts/platform',
      '  [4/4] passed   kubectl kustomize k8s/overlays/dev/parts/workloads-01',
    ]);
    expect(result.calls).toEqual(['bicep lint infra/main.bicep', 'kubectl kustomize k8s/overlays/dev/parts/platform', 'kubectl kustomize k8s/overlays/dev/parts/workloads-01']);
    expect(result.stdout).toMatch(/^validate: 3 passed, 1 skipped, 0 found an error, 0 did not finish$/m);
  });

  it('skips the lint for build-params only when building the parameter files compiles every file the lint starts from', async () => {
    const bin = binWith({ bicep: recording(), kubectl: recording() });
    const all = { PATH: bin, ...SAMPLE_DEPLOY_ENV } as Record<string, string>;
    const bicepLines = async (root: string) => {
      const { run, lines } = await agreeing(root, all);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      return { lines: lines.filter((line) => / bicep /.test(line)), calls: run.calls.filter((call) => call.startsWith('bicep')) };
    };
    // One environment: infra/dev.bicepparam uses infra/main.bicep, the file the lint starts from.
    expect(await bicepLines(tree)).toEqual({
      lines: ['  [1/4] skipped  bicep lint infra/main.bicep (the build-params check below compiles and lints the same files)', '  [2/4] passed   bicep build-params infra/dev.bicepparam'],
      calls: ['bicep build-params infra/dev.bicepparam --stdout'],
    });
    // Two environments: the lint's pattern takes every infra/*.bicep; types.bicep is imported by the
    // entry points. A file no parameter file reaches (an owner's own) keeps the lint.
    const two = await renderRepository({ environments: ['dev', 'prod'] } as never);
    const root = writeTree(new Map([...two.files, ['infra/extra.bicep', "@description('An owner\\'s own template.')\nparam name string\n"]]), 'secure-aks-validate-sh-');
    temps.push(root);
    expect(await bicepLines(root)).toEqual({
      lines: ["  [1/6] passed   bicep lint --pattern 'infra/*.bicep'", "  [2/6] passed   bicep build-params --pattern 'infra/*.bicepparam'"],
      calls: ['bicep lint --pattern infra/*.bicep', expect.stringMatching(/^bicep build-params --pattern infra\/\*\.bicepparam --outdir \/\S+$/)],
    });
  });

  it('counts a file as built when an entry point imports it or deploys it as a module, with or without ./, in the script as in --validate', async () => {
    const two = await renderRepository({ environments: ['dev', 'prod'] } as never);
    const param = (entry: string) => `using '${entry}'\n\nparam name = readEnvironmentVariable('SECURE_AKS_TEST_NAME')\n`;
    const infra: Record<string, string> = {
      'infra/dev.bicepparam': param('./dev.bicep'),
      'infra/prod.bicepparam': param('prod.bicep'),
      'infra/dev.bicep': "import { tags } from './types.bicep'\n",
      'infra/prod.bicep': "module extra 'extra.bicep' = {\n  name: 'extra'\n}\n",
      'infra/types.bicep': '@export()\nvar tags = {}\n',
      'infra/extra.bicep': "output name string = 'extra'\n",
    };
    const bin = binWith({ bicep: recording() });
    const bicepLines = async (files: Record<string, string>, env: Record<string, string>) => {
      const root = writeTree(new Map([[PATHS.validateScript, two.files.get(PATHS.validateScript)!], ...Object.entries(files)]), 'secure-aks-validate-sh-');
      temps.push(root);
      const { run, lines } = await agreeing(root, { PATH: bin, ...env });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      return lines.map((line) => line.slice(8, 16).trim());
    };
    expect(await bicepLines(infra, { SECURE_AKS_TEST_NAME: 'x' })).toEqual(['skipped', 'passed']);
    expect(await bicepLines({ ...infra, 'infra/orphan.bicep': "output name string = 'orphan'\n" }, { SECURE_AKS_TEST_NAME: 'x' })).toEqual(['passed', 'passed']);
    expect(await bicepLines(infra, {})).toEqual(['passed', 'skipped']);
  });

  it.skipIf(!kubectlPath)('exits 1 on a broken overlay part, with kubectl\'s own error under the check, and runs the other checks', async () => {
    const part = 'k8s/overlays/dev/parts/platform/kustomization.yaml';
    const root = writeTree(new Map([...repo.files, [part, `${repo.files.get(part)}  - path: missing-patch.yaml\n`]]), 'secure-aks-validate-sh-');
    temps.push(root);
    const result = await validate(root, [], { PATH: binWith({ bicep: recording() }), KUBECTL_PATH: kubectlPath! });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[3\/4\] invalid {2}kubectl kustomize k8s\/overlays\/dev\/parts\/platform \(\d+\.\d s\)\n {8}error: [\s\S]*missing-patch\.yaml/);
    expect(result.stdout).toMatch(/\[4\/4\] passed {3}kubectl kustomize k8s\/overlays\/dev\/parts\/workloads-01/);
    expect(result.calls).toEqual(['bicep lint infra/main.bicep']);
    expect(result.stderr).toBe('validate: 2 passed, 1 skipped, 1 found an error, 0 did not finish: fix the errors above\n');
  });

  it('exits 3, not 1, when a check only outlives --timeout (slow: not verified, not found invalid)', async () => {
    const bin = binWith({ bicep: recording(), kubectl: recording('sleep 5') });
    // An error elsewhere decides the exit code. A line the tool repeats (a module's error, once per entry
    // point that uses it) is shown once. (Both runs at once: each waits a second per kubectl check.)
    const error = 'echo "main.bicep(1,1) : Error BCP007: broken" >&2';
    const [result, both] = await Promise.all([
      validate(tree, ['--timeout', '1'], { PATH: bin }),
      validate(tree, ['--timeout=1'], { PATH: binWith({ bicep: recording(`${error}; ${error}; exit 1`), kubectl: recording('sleep 5') }) }),
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('  [3/4] slow     kubectl kustomize k8s/overlays/dev/parts/platform (did not finish within 1 s)');
    expect(result.stdout).toContain('  [4/4] slow     kubectl kustomize k8s/overlays/dev/parts/workloads-01 (did not finish within 1 s)');
    expect(result.stderr).toBe('validate: 1 passed, 1 skipped, 0 found an error, 2 did not finish: not an error found in the files; rerun with a larger --timeout\n');
    expect(both.code).toBe(1);
    expect(both.stdout).toMatch(/\[1\/4\] invalid {2}bicep lint infra\/main\.bicep \(\d+\.\d s\)\n {8}main\.bicep\(1,1\) : Error BCP007: broken\n {2}\[2\/4\]/);
  });

  it('exits 2 naming a missing tool, before running anything', async () => {
    const noBicep = await validate(tree, [], { PATH: binWith({ kubectl: recording() }) });
    expect(noBicep.code).toBe(2);
    expect(noBicep.stderr).toBe('validate: bicep is not installed: az bicep install (or set BICEP_PATH)\n');
    expect(noBicep.calls).toEqual([]);
    const noKubectl = await validate(tree, [], { PATH: binWith({ bicep: recording() }) });
    expect(noKubectl.code).toBe(2);
    expect(noKubectl.stderr).toBe('validate: kubectl is not installed: az aks install-cli (or set KUBECTL_PATH)\n');
    expect(noKubectl.calls).toEqual([]);
  });

  it('falls back to az bicep (as on a pipeline agent), and builds the parameter file once its variables are set (which lints it too)', async () => {
    const bin = binWith({ az: recording(), kubectl: recording() });
    const result = await validate(tree, [], { PATH: bin, ...SAMPLE_DEPLOY_ENV });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('[1/4] skipped  bicep lint infra/main.bicep (the build-params check below compiles and lints the same files)');
    expect(result.calls).toEqual([
      'az bicep build-params --file infra/dev.bicepparam --stdout',
      'kubectl kustomize k8s/overlays/dev/parts/platform',
      'kubectl kustomize k8s/overlays/dev/parts/workloads-01',
    ]);
  });
});
