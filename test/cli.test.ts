// The command line in real temp folders: flags, answers files, --help, exit codes, nothing written on
// error, and idempotent re-runs. The process itself (the bin: --help, a generation and its re-run, a
// refusal within seconds with exit code 1, a run whose self-check finds the tools through the process's
// environment) runs as a real process (`cli`); what the generator does with a command line runs the same
// compiled `main` in this process (`runCli`, helpers/cli.ts), given the environment it finds the tools in. A test about what happens to an existing
// repository starts from a copy of the bin's own output (helpers/engine.ts: generated once per run).
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELDS, flagOf } from '../generators/core/answers/model.ts';
import { PACKAGE_VERSION } from '../generators/core/support/paths.ts';
import { assertBuilt, BIN, cli, runCli, snapshot, tempDir } from './helpers/cli.ts';
import { compileInfra, formatDiagnostics, infraOnDisk, mainErrors } from './helpers/bicep.ts';
import { generate } from './helpers/engine.ts';
import { findTool, recordingStandIn } from './helpers/tools.ts';

beforeAll(assertBuilt);

const bicepPath = findTool('bicep');

describe.concurrent('create-secure-aks', () => {
  it('--help lists every answer with its description and default, and exits 0', async () => {
    const result = await cli(['--help'], tempDir());
    expect(result.exitCode).toBe(0);
    for (const field of FIELDS) {
      if ('fileOnly' in field && field.fileOnly) continue;
      expect(result.stdout).toContain(`--${flagOf(field.key)} <value>`.replace(' <value>', field.kind === 'boolean' ? '' : ' <value>'));
      expect(result.stdout).toContain(`Default: ${field.defaultText}.`);
    }
    expect(result.stdout).toMatch(/Exit codes:/);
  });

  it('--version prints the package version and exits 0', async () => {
    const result = await cli(['--version'], tempDir());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(PACKAGE_VERSION);
  });

  it('generates with defaults, stores the resolved answers, and a second run changes nothing', async () => {
    const cwd = tempDir();
    const first = await cli(['my-service', '--yes'], cwd);
    expect(first.exitCode, first.stderr).toBe(0);
    const out = join(cwd, 'my-service');
    const stored = JSON.parse(readFileSync(join(out, '.yo-rc.json'), 'utf8'))['generator-secure-aks'];
    expect(stored).toMatchObject({ name: 'my-service', location: 'westeurope', environment: 'dev', addressSpace: '10.42.0.0/16' });
    for (const field of FIELDS) expect(stored, field.key).toHaveProperty(field.key);
    for (const file of ['README.md', '.gitignore', '.editorconfig']) expect(existsSync(join(out, file)), file).toBe(true);
    const scripts = readdirSync(join(out, 'scripts')).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(statSync(join(out, 'scripts', script)).mode & 0o111, script).toBe(0o111);

    const before = snapshot(out);
    // No flags at all: the stored answers are used; stdin is closed, so a prompt would fail the run.
    const second = await cli([], out);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(snapshot(out)).toEqual(before);
  });

  it('rejects bad input within seconds, names every key, and leaves the destination absent', async () => {
    const cwd = tempDir();
    const result = await cli(['OUT', '--name', 'Bad_Name', '--address-space', '10.0.0.0/30', '--admin-group-object-ids', 'nope'], cwd);
    expect(result.exitCode).not.toBe(0);
    expect(result.exitCode).toBe(1);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.stderr).toContain('name "Bad_Name": 2-20 lowercase letters');
    expect(result.stderr).toContain('addressSpace "10.0.0.0/30": prefix must be from /8 to /24');
    expect(result.stderr).toContain('adminGroupObjectIds[0] "nope": must be a GUID');
    expect(existsSync(join(cwd, 'OUT'))).toBe(false);
  });

  it('leaves an existing repository untouched on bad input', async () => {
    const cwd = dirname(await generate());
    const before = snapshot(join(cwd, 'repo'));
    const result = await runCli(['repo', '--location', 'mars'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('location "mars": an Azure region name');
    expect(snapshot(join(cwd, 'repo'))).toEqual(before);
  });

  it('reads an answers file, and flags override it', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.yaml'), 'name: orders\nenvironment: prod\nlocation: northeurope\nworkloads:\n  - name: orders-api\n    secrets: [db-password]\n');
    const result = await runCli(['out', '--answers', 'answers.yaml', '--location', 'swedencentral', '--yes'], cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(join(cwd, 'out', '.yo-rc.json'), 'utf8'))['generator-secure-aks'];
    expect(stored).toMatchObject({ name: 'orders', environment: 'prod', location: 'swedencentral' });
    expect(stored.workloads).toEqual([{ name: 'orders-api', namespace: 'orders-api', kind: 'web', port: 8080, replicas: 2, secrets: ['db-password'], expose: 'internal' }]);
  });

  it('booleans as yo reads them: --bastion false, --bastion true, --bastion=false and --no-bastion; --help says so (issue 16)', async () => {
    const cwd = tempDir();
    const bastionOf = (dir: string) => JSON.parse(readFileSync(join(cwd, dir, '.yo-rc.json'), 'utf8'))['generator-secure-aks'].bastion;
    for (const [dir, args, expected] of [
      ['svc-a', ['svc-a', '--bastion', 'false', '--yes'], false],
      ['svc-b', ['--bastion', 'false', 'svc-b', '--yes'], false],
      ['svc-c', ['svc-c', '--bastion=false', '--yes'], false],
      ['svc-d', ['svc-d', '--no-bastion', '--yes'], false],
      ['svc-e', ['svc-e', '--bastion', 'true', '--yes'], true],
    ] as const) {
      const result = await runCli([...args], cwd);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(bastionOf(dir), args.join(' ')).toBe(expected);
      expect(existsSync(join(cwd, dir, 'infra/modules/bastion.bicep')), args.join(' ')).toBe(expected);
    }
    // "false" went to --bastion, not to the destination.
    expect(existsSync(join(cwd, 'false'))).toBe(false);
    const bad = await runCli(['svc-f', '--bastion=maybe'], cwd);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('--bastion "maybe": must be true or false (--bastion, --bastion true, --bastion false or --no-bastion)');
    const help = await runCli(['--help'], cwd);
    expect(help.stdout).toMatch(/^ {2}--bastion \[true\|false\], --no-bastion +Deploy Azure Bastion/m);
  });

  it('availability zones as Azure writes them: [1, 2, 3] and 1,2,3 in an answers file (issue 16)', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'numbers.yaml'), 'availabilityZones: [1, 2, 3]\n');
    writeFileSync(join(cwd, 'text.yaml'), 'availabilityZones: 1,2\n');
    writeFileSync(join(cwd, 'list.yaml'), 'availabilityZones:\n  - 1\n  - 3\n');
    for (const [file, zones] of [['numbers.yaml', ['1', '2', '3']], ['text.yaml', ['1', '2']], ['list.yaml', ['1', '3']]] as const) {
      const out = file.replace('.yaml', '');
      const result = await runCli([out, '--answers', file, '--yes'], cwd);
      expect(result.exitCode, `${file}: ${result.stderr}`).toBe(0);
      expect(JSON.parse(readFileSync(join(cwd, out, '.yo-rc.json'), 'utf8'))['generator-secure-aks'].availabilityZones, file).toEqual(zones);
    }
  });

  it('reports answers file problems with file, line and column', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.yaml'), 'name: orders\nname: again\nacrname: x\n');
    const result = await runCli(['out', '--answers', 'answers.yaml'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/answers\.yaml:2:1: Map keys must be unique/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('rejects unknown flags with a did-you-mean, and flags without values', async () => {
    const cwd = tempDir();
    const unknown = await runCli(['out', '--acrname', 'x'], cwd);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('--acrname: unknown option (did you mean --acr-name?)');
    const missing = await runCli(['out', '--name'], cwd);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/--name/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('refuses a folder with files that is not a secure-aks repository', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const result = await runCli(['.', '--yes'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('destination ".": is a folder with files that is not a secure-aks repository');
    expect(snapshot(cwd).size).toBe(1);
  });

  // Two of its runs keep or replace edits, so the self-check compiles the Bicep and renders the overlay
  // after each: the overlay with the real kubectl; the Bicep through a stand-in that records the calls,
  // the test compiling what was written with the real compiler (helpers/bicep.ts, the run's one jsonrpc
  // process) and failing on what `bicep build` and `bicep lint` would fail on. (A real CLI run costs
  // seconds of start-up; the self-check with the real CLI is in test/operator.validate.test.ts.)
  it('non-interactive re-run: merges an edit the change does not touch, stops on one it does unless told how to settle it', { timeout: 240_000 }, async () => {
    const repo = await generate();
    const bicep = recordingStandIn('bicep');
    const env = { BICEP_PATH: bicep.path };
    /** The run's self-check called bicep lint (one process); what it and bicep build would fail on is not there. */
    const selfChecked = async (run: string) => {
      expect(bicep.calls().sort(), `${run}: the self-check runs bicep lint`).toEqual(['lint infra/main.bicep']);
      bicep.reset();
      if (!bicepPath) return;
      const errors = mainErrors(await compileInfra(infraOnDisk(repo)));
      expect(errors, `${run}: ${formatDiagnostics(errors)}`).toEqual([]);
    };
    const params = join(repo, 'infra/dev.bicepparam');
    appendFileSync(join(repo, 'README.md'), '\nMy notes.\n');
    writeFileSync(params, readFileSync(params, 'utf8').replace("param location = 'westeurope'", "param location = 'swedencentral' // ours"));
    const before = snapshot(repo);

    // The owner changed the very line --location changes: a conflict, named with its line; nothing written.
    const stopped = await runCli(['--location', 'northeurope', '--allow-destructive'], repo, BIN, env);
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toMatch(/infra\/dev\.bicepparam: you and the generator changed the same lines \(line \d+: "param location = 'swedencentral' \/\/ ours"\)/);
    expect(stopped.stderr).not.toContain('README.md');
    expect(stopped.stderr).not.toContain('An error occured');
    expect(snapshot(repo)).toEqual(before);
    expect(bicep.calls(), 'nothing written, nothing to check').toEqual([]);

    const kept = await cli(['--location', 'northeurope', '--allow-destructive', '--skip-existing'], repo, env);
    expect(kept.exitCode, kept.stderr).toBe(0);
    await selfChecked('--skip-existing');
    expect(`${kept.stdout}${kept.stderr}`).toContain('Kept your version of infra/dev.bicepparam');
    expect(readFileSync(params, 'utf8')).toContain("'swedencentral' // ours");
    // README.md took the new location and kept the owner's paragraph.
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('My notes.');
    expect(readme).toContain('northeurope');

    // The kept conflict stays pending: --force takes the generator's version of that line.
    // In this process, the tools found through the environment main is given (io.env), not this process's.
    const forced = await runCli(['--force'], repo, BIN, env);
    expect(forced.exitCode, forced.stderr).toBe(0);
    await selfChecked('--force');
    expect(readFileSync(params, 'utf8')).toContain("param location = 'northeurope'");
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).not.toContain('My notes.');
  });

  it('a changed answer that re-aims a deployed environment needs --allow-destructive, then rewrites only the files that depend on it', { timeout: 120_000 }, async () => {
    const repo = await generate();
    const before = snapshot(repo);
    const refused = await runCli(['--location', 'northeurope'], repo);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('location "northeurope": moves the deployment from westeurope');
    expect(refused.stderr).toContain('--allow-destructive');
    expect(snapshot(repo)).toEqual(before);
    const result = await runCli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = snapshot(repo);
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k)).sort();
    expect(changed).toContain('.yo-rc.json');
    expect(changed).not.toContain('.gitignore');
    expect(changed).not.toContain('.editorconfig');
    for (const path of changed.filter((p) => p !== '.yo-rc.json')) expect(`${result.stdout}${result.stderr}`).toMatch(new RegExp(`update ${path.replaceAll('.', '\\.')}`));
  });
});
