// --validate and the end-of-run summary: the real bicep and kubectl on a generated repository (valid,
// then broken), one Bicep process per Bicep check whatever the number of environments, with every
// diagnostic of every entry point, module and parameter file and no file written into the repository,
// a check that times out ("slow", not "invalid"), tools that are absent (reported, never a failure),
// the exit codes (1 invalid, from the real bin; 3 slow), a line per check as it finishes, the interactive
// offer to validate, and the summary's steps to running workloads.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { summary, workloadSummary } from '../generators/core/output/summary.ts';
import { availableTools, findTool, formatReport, parameterVariables, plannedChecks, timeoutFrom, validateOutput } from '../generators/core/output/validate.ts';
import { SAMPLE_DEPLOY_ENV } from './helpers/bicep.ts';
import { assertBuilt, BIN, cli, runCli, tempDir } from './helpers/cli.ts';
import { renderRepository, runApp, writeTree, type Rendered } from './helpers/generate.ts';
import { toolOrSkip } from './helpers/tools.ts';

const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');

let repo: Rendered;
/** The repository on disk, once for the checks that only read it. */
let root: string;
beforeAll(async () => {
  repo = await renderRepository({});
  root = writeTree(repo.files);
});

const empty = () => mkdtempSync(join(tmpdir(), 'secure-aks-empty-'));

/** The sleep, by its path: the runs below give the tools a PATH without it. */
const SLEEP = ['/usr/bin/sleep', '/bin/sleep'].find((p) => existsSync(p)) ?? 'sleep';

/** A tool named `name` in a folder of its own: a shell script of `body`. */
function scriptTool(name: string, body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'secure-aks-tool-')), name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * A stand-in tool: a shell script that prints `message` to stderr and exits with `code`; or, given
 * `sleep` seconds, one that only sleeps (a check that outlives its time limit). The sleep replaces the
 * shell (exec); a tool that runs its program as a child instead is the test 'stops what a tool started'.
 */
function standIn(code: number, message = '', name = 'bicep', sleep = 0): string {
  return scriptTool(name, sleep ? `exec ${SLEEP} ${sleep}` : `echo '${message}' >&2\nexit ${code}`);
}

const variables = () => repo.ctx.docs.deployTimeVariables.map((v) => v.env);

describe.concurrent('validateOutput', () => {
  // The hook that stops the tools still running if this process exits first is there only while some
  // run: once every check of the file's runs (at once) is done, this process has the listeners it had.
  let exitListeners = 0;
  beforeAll(() => {
    exitListeners = process.listenerCount('exit');
  });
  afterAll(() => {
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  // bicep build-params compiles the whole template again: its environment is left unset here (the
  // skip is checked below with a stand-in; the broken repository below builds parameter files, and
  // operator.validate-script.test.ts those of two environments with the real Bicep CLI); the infra
  // tests compile the parameter files. One Bicep process: bicep lint.
  it.skipIf(!bicepPath || !kubectlPath)('passes a generated repository with the real bicep and kubectl, reporting each check as it finishes', { timeout: 300_000 }, async () => {
    const env: Record<string, string | undefined> = { ...process.env, BICEP_PATH: bicepPath, KUBECTL_PATH: kubectlPath };
    for (const name of Object.keys(SAMPLE_DEPLOY_ENV)) delete env[name];
    const progress: string[] = [];
    const report = await validateOutput(root, { env, onProgress: (step, index, total) => progress.push(`${index + 1}/${total} ${step.status} ${step.command}`) });
    expect(report.steps.map((s) => [s.command, s.status])).toEqual([
      ['bicep lint infra/main.bicep', 'passed'],
      ['bicep build-params infra/dev.bicepparam', 'skipped'],
      // The overlay part by part, in the order Deploy applies them.
      ['kubectl kustomize k8s/overlays/dev/parts/platform', 'passed'],
      ['kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'passed'],
    ]);
    // One progress line per check, the skipped one at once, the others as they finish.
    expect(progress).toHaveLength(4);
    expect(progress[0]).toBe('2/4 skipped bicep build-params infra/dev.bicepparam');
    expect(new Set(progress)).toEqual(new Set(report.steps.map((s, i) => `${i + 1}/4 ${s.status} ${s.command}`)));
    expect(report.verdict).toBe('valid');
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toMatch(/\[1\/4\] passed {3}bicep lint infra\/main\.bicep \(\d+\.\d s\)/);
    expect(formatReport(report)).toMatch(/The output is valid/);
  });

  // Broken files, with the real bicep and kubectl: two Bicep processes (started at once) and a kubectl
  // per overlay part, for every error below.
  // Several environments: one `bicep lint --pattern` and one `bicep build-params --pattern` find the
  // errors of every environment, in a module an entry point uses (a linter rule, an error in the
  // generated bicepconfig.json) and in a parameter file, and write nothing into the repository (without
  // --outdir, build-params --pattern writes dev.json beside dev.bicepparam, which builds). Small Bicep
  // files beside the generated configuration, and a main.bicep that does not parse (no modules to
  // compile: fast); the generated overlay, one of its parts naming a patch that is not there.
  it.skipIf(!bicepPath || !kubectlPath)('fails on broken Bicep files and a broken overlay, with the tools\' errors; checks several environments with one Bicep process per check, losing no diagnostic and writing no file', { timeout: 300_000 }, async () => {
    const part = 'k8s/overlays/dev/parts/workloads-01/kustomization.yaml';
    const tree = new Map([
      ...[...repo.files].filter(([p]) => p.startsWith('k8s/')),
      [part, `${repo.files.get(part)}  - path: missing-patch.yaml\n`],
      ['infra/bicepconfig.json', repo.files.get('infra/bicepconfig.json')!],
      ['infra/main.bicep', "targetScope = 'resourceGroup'\n\nresource broken 'Microsoft.Nope/things@2020-01-01' = {\n"],
      ['infra/modules/named.bicep', "@description('A name.')\nparam name string\n\n@description('Declared, never used: no-unused-params.')\nparam unused string = 'x'\n\n@description('The name.')\noutput name string = name\n"],
      ['infra/dev.bicep', "targetScope = 'resourceGroup'\n\n@description('A name.')\nparam name string\n\n@description('The name.')\noutput name string = name\n"],
      ['infra/prod.bicep', "targetScope = 'resourceGroup'\n\n@description('A name.')\nparam name string\n\nmodule named 'modules/named.bicep' = {\n  params: {\n    name: name\n  }\n}\n\n@description('The name.')\noutput name string = named.outputs.name\n"],
      ['infra/dev.bicepparam', "using 'dev.bicep'\n\nparam name = readEnvironmentVariable('SECURE_AKS_TEST_NAME', '')\n"],
      ['infra/prod.bicepparam', "using 'prod.bicep'\n\nparam name = readEnvironmentVariable('SECURE_AKS_TEST_NAME', '')\nparam notDeclared = 'x'\n"],
    ]);
    const broken = writeTree(tree);
    const dir = empty();
    const report = await validateOutput(broken, { env: { PATH: dir, HOME: dir, BICEP_PATH: bicepPath, KUBECTL_PATH: kubectlPath, SECURE_AKS_TEST_NAME: 'shop' } });
    expect(report.steps.map((s) => [s.command, s.status])).toEqual([
      ["bicep lint --pattern 'infra/*.bicep'", 'invalid'],
      ["bicep build-params --pattern 'infra/*.bicepparam'", 'invalid'],
      ['kubectl kustomize k8s/overlays/dev/parts/platform', 'passed'],
      ['kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'invalid'],
    ]);
    expect(report.verdict).toBe('invalid');
    expect(report.ok).toBe(false);
    const [lint, params, , kustomize] = report.steps;
    expect(lint!.detail).toMatch(/main\.bicep\(\d+,\d+\) : Error BCP\d+/);
    expect(lint!.detail).toMatch(/modules\/named\.bicep\(5,7\) : Error no-unused-params: Parameter "unused" is declared but never used/);
    expect(lint!.detail).toMatch(/prod\.bicep\(\d+,\d+\) : Error BCP104/);
    expect(params!.detail).toMatch(/prod\.bicepparam\(4,1\) : Error BCP259: The parameter "notDeclared"/);
    expect(params!.detail).toMatch(/modules\/named\.bicep\(5,7\) : Error no-unused-params/);
    expect(kustomize!.detail).toMatch(/missing-patch\.yaml/);
    expect(formatReport(report)).toMatch(/Validation failed: the files were written, fix the errors above \(exit code 1\)/);
    expect(readdirSync(join(broken, 'infra')).sort()).toEqual(['bicepconfig.json', 'dev.bicep', 'dev.bicepparam', 'main.bicep', 'modules', 'prod.bicep', 'prod.bicepparam']);
    // Without the variable, the parameter files are skipped together, naming it.
    expect(plannedChecks(broken, { PATH: dir }).filter((s) => s.tool === 'bicep').map((s) => [s.command, s.skip])).toEqual([
      ["bicep lint --pattern 'infra/*.bicep'", undefined],
      ["bicep build-params --pattern 'infra/*.bicepparam'", 'they read SECURE_AKS_TEST_NAME from the environment; set them to check the parameter files too'],
    ]);
  });

  it('shows each line of a tool\'s output once (a module\'s error comes once per entry point that uses it)', async () => {
    const error = 'infra/modules/named.bicep(5,7) : Error no-unused-params: Parameter "unused" is declared but never used.';
    const path = standIn(1, error);
    writeFileSync(path, `#!/bin/sh\necho '${error}' >&2\necho '${error}' >&2\nexit 1\n`);
    const dir = empty();
    const report = await validateOutput(root, { env: { PATH: dir, HOME: dir, BICEP_PATH: path } });
    expect(report.steps[0]).toMatchObject({ command: 'bicep lint infra/main.bicep', status: 'invalid', detail: error });
  });

  it('stops what a tool started with it: a wrapper\'s program at the time limit, what a tool left behind when it exits', async () => {
    const dir = empty();
    const pids = join(dir, 'pids');
    // A wrapper that runs its program as a child (no exec), which sleeps past the limit; and a tool that
    // passes, leaving a child behind. Both children hold the tool's output, which the run reads to its end.
    const wrapper = scriptTool('kubectl', `${SLEEP} 60 &\necho $! >> '${pids}'\nwait`);
    const leaver = scriptTool('bicep', `${SLEEP} 60 &\necho $! >> '${pids}'\nexit 0`);
    const waited = new Promise<'still waiting after 30 s'>((resolve) => setTimeout(() => resolve('still waiting after 30 s'), 30_000).unref());
    const report = await Promise.race([validateOutput(root, { timeout: 3000, env: { PATH: dir, HOME: dir, BICEP_PATH: leaver, KUBECTL_PATH: wrapper } }), waited]);
    if (typeof report === 'string') throw new Error(`validateOutput: ${report} (the tools' children were left running)`);
    expect(report.steps.map((s) => [s.command, s.status])).toEqual([
      ['bicep lint infra/main.bicep', 'passed'],
      ['bicep build-params infra/dev.bicepparam', 'skipped'],
      ['kubectl kustomize k8s/overlays/dev/parts/platform', 'slow'],
      ['kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'slow'],
    ]);
    // Nothing is left running: each child was stopped with its tool.
    const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(children).toHaveLength(3);
    // A stopped child whose parent had exited waits for init to reap it: a zombie has stopped.
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      return !/^\d+ \(.*\) Z /.test(stat);
    };
    expect(children.filter(alive)).toEqual([]);
  });

  it('tells a check that timed out (slow: not verified) from one that found an error (invalid)', async () => {
    const dir = empty();
    const sleepy = standIn(0, '', 'kubectl', 60);
    // The sleeping stand-in is stopped at the limit (it never sleeps its minute out): 5 s, plenty for the
    // instant stand-ins on a busy machine, is what each run takes. The second run, where an error found
    // elsewhere decides, runs at the same time (both mostly wait).
    const [slow, both] = await Promise.all([
      validateOutput(root, { timeout: 5000, env: { PATH: dir, HOME: dir, BICEP_PATH: standIn(0), KUBECTL_PATH: sleepy } }),
      validateOutput(root, { timeout: 5000, env: { PATH: dir, HOME: dir, BICEP_PATH: standIn(1, 'infra/main.bicep(1,1) : Error BCP007: broken'), KUBECTL_PATH: sleepy } }),
    ]);
    expect(slow.steps.map((s) => [s.command, s.status])).toEqual([
      ['bicep lint infra/main.bicep', 'passed'],
      ['bicep build-params infra/dev.bicepparam', 'skipped'],
      ['kubectl kustomize k8s/overlays/dev/parts/platform', 'slow'],
      ['kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'slow'],
    ]);
    expect(slow.verdict).toBe('slow');
    expect(slow.ok).toBe(false);
    const text = formatReport(slow);
    expect(text).toMatch(/slow {5}kubectl kustomize k8s\/overlays\/dev\/parts\/platform \(did not finish within 5 s\)/);
    expect(text).toMatch(/Not verified: kubectl kustomize k8s\/overlays\/dev\/parts\/platform[\s\S]* did not finish within 5 s\. That is not an error found in the files/);
    expect(text).toMatch(/run bash scripts\/validate\.sh \(no time limit\) or set SECURE_AKS_VALIDATE_TIMEOUT to more seconds \(exit code 3\)/);
    expect(text).not.toMatch(/Validation failed/);
    // An error found elsewhere decides: the output is invalid, and the slow check is still named.
    expect(both.verdict).toBe('invalid');
    expect(formatReport(both)).toMatch(/Validation failed[\s\S]*Not verified: kubectl kustomize/);
    // SECURE_AKS_VALIDATE_TIMEOUT sets the limit (seconds); anything else leaves the default.
    expect(timeoutFrom({ SECURE_AKS_VALIDATE_TIMEOUT: '2.5' })).toBe(2500);
    expect(timeoutFrom({ SECURE_AKS_VALIDATE_TIMEOUT: 'soon' })).toBe(300_000);
    expect(timeoutFrom({})).toBe(300_000);
  });

  it('reports absent tools and is not a failure', async () => {
    const dir = empty();
    const report = await validateOutput(root, { env: { PATH: dir, HOME: dir } });
    expect(report.steps.map((s) => [s.command, s.status])).toEqual([
      ['bicep lint infra/main.bicep', 'missing'],
      ['bicep build-params infra/dev.bicepparam', 'missing'],
      ['kubectl kustomize k8s/overlays/dev/parts/platform', 'missing'],
      ['kubectl kustomize k8s/overlays/dev/parts/workloads-01', 'missing'],
    ]);
    expect(report.ok).toBe(true);
    const text = formatReport(report);
    expect(text).toMatch(/bicep is not installed: install the Bicep CLI \(az bicep install\) or set BICEP_PATH/);
    expect(text).toMatch(/kubectl is not installed: install kubectl \(az aks install-cli\) or set KUBECTL_PATH/);
    expect(text).toMatch(/Not checked: bicep and kubectl are not installed \(not an error\)/);
  });

  it('skips build-params, saying which variables to set, when the parameter file\'s environment is not set', async () => {
    const dir = empty();
    expect(parameterVariables(repo.files.get('infra/dev.bicepparam')!)).toEqual(variables());
    const report = await validateOutput(root, { env: { PATH: dir, HOME: dir, BICEP_PATH: standIn(0) } });
    expect(report.steps.find((s) => s.command.startsWith('bicep build-params'))).toMatchObject({
      status: 'skipped',
      detail: 'it reads AKS_ADMIN_GROUP_OBJECT_IDS, DEVOPS_INFRASTRUCTURE_OBJECT_ID from the environment; set them to check it too',
    });
    const set = await validateOutput(root, { env: { PATH: dir, HOME: dir, BICEP_PATH: standIn(0), ...SAMPLE_DEPLOY_ENV } });
    expect(set.steps.find((s) => s.command.startsWith('bicep build-params'))?.status).toBe('passed');
    expect(report.ok).toBe(true);
  });

  it('finds tools through *_PATH (and nowhere else then), PATH, and the copy az bicep install keeps', () => {
    const dir = empty();
    const tool = standIn(0);
    expect(findTool('bicep', { PATH: dir, HOME: dir, BICEP_PATH: tool })).toBe(tool);
    expect(findTool('bicep', { PATH: join(tool, '..'), HOME: dir, BICEP_PATH: join(dir, 'nope') })).toBeUndefined();
    expect(findTool('bicep', { PATH: join(tool, '..'), HOME: dir })).toBe(tool);
    mkdirSync(join(dir, '.azure', 'bin'), { recursive: true });
    writeFileSync(join(dir, '.azure', 'bin', 'bicep'), '#!/bin/sh\n');
    expect(findTool('bicep', { PATH: empty(), HOME: dir })).toBeUndefined(); // not executable
    chmodSync(join(dir, '.azure', 'bin', 'bicep'), 0o755);
    expect(findTool('bicep', { PATH: empty(), HOME: dir })).toBe(join(dir, '.azure', 'bin', 'bicep'));
    expect(findTool('kubectl', { PATH: empty(), HOME: dir })).toBeUndefined();
    expect(availableTools({ PATH: empty(), HOME: dir })).toEqual(['bicep']);
  });
});

// Not beside validateOutput's concurrent runs (adjacent concurrent describes run at once): two of these
// runs are in this process, and each checks that it leaves the process's exit listeners as it found them.
describe('create-secure-aks --validate', () => {
  beforeAll(assertBuilt);

  it.concurrent('exits 1 when a tool reports an error, after writing every file, with a line per check before the verdict', async () => {
    const cwd = tempDir();
    const result = await cli(['svc', '--yes', '--validate'], cwd, { BICEP_PATH: standIn(1, 'infra/main.bicep(1,1) : Error BCP007: broken'), KUBECTL_PATH: join(empty(), 'kubectl'), PATH: empty(), HOME: empty() });
    expect(result.exitCode).toBe(1);
    // Yeoman logs to stderr; the run's own error line comes last.
    expect(result.stderr).toMatch(/Validation \(the checks of scripts\/validate\.sh\):/);
    expect(result.stderr).toMatch(/\[3\/4\] missing {2}kubectl kustomize k8s\/overlays\/dev\/parts\/platform/);
    expect(result.stderr).toMatch(/\[4\/4\] missing {2}kubectl kustomize k8s\/overlays\/dev\/parts\/workloads-01/);
    expect(result.stderr).toMatch(/\[1\/4\] invalid {2}bicep lint infra\/main\.bicep \(\d+\.\d s\)\n\s+infra\/main\.bicep\(1,1\) : Error BCP007: broken/);
    expect(result.stderr).toMatch(/create-secure-aks: --validate failed: bicep lint infra\/main\.bicep \(the files were written\)/);
    expect(result.stderr.indexOf('[1/4]')).toBeLessThan(result.stderr.indexOf('Validation failed'));
    expect(result.stderr).toContain('Generated ');
    expect(readFileSync(join(cwd, 'svc', 'infra', 'main.bicep'), 'utf8')).toContain('targetScope');
  });

  it.concurrent('exits 3, not 1, when a check only timed out: too slow to check, not found invalid', async () => {
    const cwd = tempDir();
    const result = await runCli(['svc', '--yes', '--validate'], cwd, BIN, {
      BICEP_PATH: standIn(0),
      KUBECTL_PATH: standIn(0, '', 'kubectl', 5),
      SECURE_AKS_VALIDATE_TIMEOUT: '1',
      PATH: empty(),
      HOME: empty(),
    });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/\[3\/4\] slow {5}kubectl kustomize k8s\/overlays\/dev\/parts\/platform \(did not finish within 1 s\)/);
    expect(result.stderr).toMatch(/create-secure-aks: --validate could not finish: kubectl kustomize k8s\/overlays\/dev\/parts\/platform[^\n]* did not finish within 1 s \(too slow to check here, not found invalid; the files were written\)/);
    expect(result.stderr).not.toMatch(/--validate failed/);
  });

  it.concurrent('exits 0 without the tools, saying plainly that they are missing', async () => {
    const cwd = tempDir();
    // Empty *_PATH variables count as unset (CI sets them for the other tests).
    const result = await runCli(['svc', '--yes', '--validate'], cwd, BIN, { PATH: empty(), HOME: empty(), BICEP_PATH: '', KUBECTL_PATH: '' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/missing {2}bicep lint infra\/main\.bicep \(bicep is not installed/);
    expect(result.stderr).toMatch(/Not checked: bicep and kubectl are not installed \(not an error\)/);
  });
});

describe('interactive runs', () => {
  const saved = { PATH: process.env.PATH, HOME: process.env.HOME, BICEP_PATH: process.env.BICEP_PATH, KUBECTL_PATH: process.env.KUBECTL_PATH };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('offer to validate when a tool is installed, and not otherwise', async () => {
    process.env.KUBECTL_PATH = standIn(0);
    process.env.BICEP_PATH = join(empty(), 'bicep');
    const offered = await runApp({ yes: false, interactive: true }).withAnswers({ name: 'billing', validate: false });
    expect(offered.askedQuestions.map((q) => q.name)).toContain('validate');

    delete process.env.KUBECTL_PATH;
    process.env.PATH = empty();
    process.env.HOME = empty();
    const notOffered = await runApp({ yes: false, interactive: true }).withAnswers({ name: 'billing' });
    expect(notOffered.askedQuestions.map((q) => q.name)).not.toContain('validate');
  });
});

describe('summary', () => {
  it('lists what was generated by folder and the steps from here to running workloads', () => {
    const files = [...repo.files.keys()];
    const text = summary(repo.ctx, files, '/work/out/contoso', '/work/out');
    expect(text).toContain(`Generated ${files.length} files for contoso (dev, westeurope, 1 workload) in contoso:`);
    expect(text).toMatch(/^ {2}infra\/ +\d+ files {2}Bicep/m);
    const next = text.slice(text.indexOf('Next')).split('\n').filter((l) => /^ {2}\d\. /.test(l));
    expect(next).toEqual([
      '  1. cd contoso && git init && git add -A && git commit -m "Scaffold from generator-secure-aks"  # the repository',
      '  2. export AKS_ADMIN_GROUP_OBJECT_IDS=<group-id>[,<group-id>]  # the Entra ID groups that administer the cluster',
      '  3. bash scripts/deploy-infra.sh  # resource providers, then DEVOPS_INFRASTRUCTURE_OBJECT_ID, then infra/',
      '  4. bash scripts/bootstrap-devops.sh  # service connection (no secret), environments',
      '  5. create the Key Vault secrets app-secret, from inside the network (README.md, "3. Create the workloads\' secrets")',
      '  6. git push  # then create the pipeline from pipelines/azure-pipelines.yml',
    ]);
    // The DevOpsInfrastructure object ID is not asked for before the script registers the provider that creates it.
    expect(next.join('\n')).not.toMatch(/export DEVOPS_INFRASTRUCTURE_OBJECT_ID/);
    for (const script of ['scripts/deploy-infra.sh', 'scripts/bootstrap-devops.sh']) expect(repo.files.has(script), script).toBe(true);
    expect(summary(repo.ctx, files, '/work/out/my folder', '/work/out')).toContain("1. cd 'my folder' && git init");
    expect(summary(repo.ctx, files, '/work/out', '/work/out')).toContain('  1. git init && git add -A');
  });

  /** The steps of a recipe: its commands (without a leading `cd <folder>`), and `#` for a step that is only a note. */
  const stepsOf = (lines: string[]) =>
    lines
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^cd \S+$/.test(l))
      .map((l) => (l.startsWith('#') ? '#' : l.split('  # ')[0]!.replace(/^cd \S+ && /, '')));
  const nextOf = (text: string) => stepsOf(text.slice(text.indexOf('Next')).split('\n').filter((l) => /^ {2}\d\. /.test(l)).map((l) => {
    const step = l.replace(/^ {2}\d\. /, '');
    return step.includes('  # ') ? step : `# ${step}`;
  }));
  const block = (markdown: string, heading: string) => /```(?:bash|sh)\n([\s\S]*?)```/.exec(markdown.slice(markdown.indexOf(heading)))![1]!.split('\n');

  it('the end-of-run "Next", the generated README\'s recipe and the project README\'s recipe are one path (issue 16)', async () => {
    const projectReadme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const project = stepsOf(block(projectReadme, '### Deploying what you get'));
    for (const input of [{}, { agentPool: 'vmss' as const, bastion: false, workloads: [{ name: 'api', secrets: ['a', 'b'] }, { name: 'web' }] }, { adminGroupObjectIds: ['6f3c2a4e-8d1b-4c7e-9a2f-1b3d5e7f9a0c'], workloads: [{ name: 'api' }] }]) {
      const rendered = await renderRepository(input);
      const next = nextOf(summary(rendered.ctx, [...rendered.files.keys()], '/work/out/contoso', '/work/out'));
      const readme = stepsOf(block(rendered.files.get('README.md')!, '### In short'));
      expect(readme, JSON.stringify(input)).toEqual(next);
      expect(next[0]).toMatch(/^git init/);
      expect(next.at(-1)).toBe('git push');
      expect(next.indexOf('bash scripts/deploy-infra.sh')).toBeLessThan(next.indexOf('bash scripts/bootstrap-devops.sh'));
    }
    // The project README shows the defaults' recipe.
    const defaults = nextOf(summary(repo.ctx, [...repo.files.keys()], '/work/out/contoso', '/work/out'));
    expect(project).toEqual(defaults);
  });

  it('the workload subgenerator\'s "Next" names the new identity and secrets, the secrets first and Infra before Deploy (issue 16)', async () => {
    const rendered = await renderRepository({ workloads: [{ name: 'orders-api', secrets: ['db-password', 'api-key'] }, { name: 'web' }] });
    const added = workloadSummary(rendered.ctx, 'orders-api');
    expect(added).toContain('Added workload orders-api. Next (README.md, "6. Add a workload"):');
    const lines = added.split('\n').filter((l) => /^ {2}\d\. /.test(l));
    const secrets = lines.findIndex((l) => l.includes('create its Key Vault secrets db-password, api-key in kv-contoso-dev-'));
    const push = lines.findIndex((l) => l.includes('git push'));
    expect(secrets).toBeGreaterThan(0);
    expect(push).toBeGreaterThan(secrets);
    expect(lines[push]).toContain('Infra creates its identity id-orders-api-dev, then Deploy runs it');
    expect(lines[secrets]).toContain('(README.md, "3. Create the workloads\' secrets")');
    const none = workloadSummary(rendered.ctx, 'web', 'Updated');
    expect(none).not.toMatch(/secrets/);
    expect(none).toContain('git commit -m "Update workload web"');
    expect(none).toContain('Infra creates its identity id-web-dev, then Deploy runs it');
  });
});
