// The package's bin, run as a process in real temp folders: flags, answers files, --help, exit codes,
// nothing written on error, and idempotent re-runs.
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELDS, flagOf } from '../generators/core/answers/model.ts';
import { assertBuilt, cli, snapshot, tempDir } from './helpers/cli.ts';

beforeAll(assertBuilt);

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
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.stderr).toContain('name "Bad_Name": 2-20 lowercase letters');
    expect(result.stderr).toContain('addressSpace "10.0.0.0/30": prefix must be from /8 to /24');
    expect(result.stderr).toContain('adminGroupObjectIds[0] "nope": must be a GUID');
    expect(existsSync(join(cwd, 'OUT'))).toBe(false);
  });

  it('leaves an existing repository untouched on bad input', async () => {
    const cwd = tempDir();
    expect((await cli(['repo', '--yes'], cwd)).exitCode).toBe(0);
    const before = snapshot(join(cwd, 'repo'));
    const result = await cli(['repo', '--location', 'mars'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('location "mars": an Azure region name');
    expect(snapshot(join(cwd, 'repo'))).toEqual(before);
  });

  it('reads an answers file, and flags override it', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.yaml'), 'name: orders\nenvironment: prod\nlocation: northeurope\nworkloads:\n  - name: orders-api\n    secrets: [db-password]\n');
    const result = await cli(['out', '--answers', 'answers.yaml', '--location', 'swedencentral', '--yes'], cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(join(cwd, 'out', '.yo-rc.json'), 'utf8'))['generator-secure-aks'];
    expect(stored).toMatchObject({ name: 'orders', environment: 'prod', location: 'swedencentral' });
    expect(stored.workloads).toEqual([{ name: 'orders-api', namespace: 'orders-api', kind: 'web', port: 8080, replicas: 2, secrets: ['db-password'], expose: 'internal' }]);
  });

  it('reports answers file problems with file, line and column', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'answers.yaml'), 'name: orders\nname: again\nacrname: x\n');
    const result = await cli(['out', '--answers', 'answers.yaml'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/answers\.yaml:2:1: Map keys must be unique/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('rejects unknown flags with a did-you-mean, and flags without values', async () => {
    const cwd = tempDir();
    const unknown = await cli(['out', '--acrname', 'x'], cwd);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('--acrname: unknown option (did you mean --acr-name?)');
    const missing = await cli(['out', '--name'], cwd);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/--name/);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });

  it('refuses a folder with files that is not a secure-aks repository', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'notes.txt'), 'mine');
    const result = await cli(['.', '--yes'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('destination ".": is a folder with files that is not a secure-aks repository');
    expect(snapshot(cwd).size).toBe(1);
  });

  it('non-interactive re-run with an edited file: stops unless --force or --skip-existing', async () => {
    const cwd = tempDir();
    expect((await cli(['repo', '--yes'], cwd)).exitCode).toBe(0);
    const repo = join(cwd, 'repo');
    appendFileSync(join(repo, 'README.md'), '\nMy notes.\n');
    const before = snapshot(repo);

    const stopped = await cli(['--environment', 'prod'], repo);
    expect(stopped.exitCode).toBe(1);
    expect(stopped.stderr).toContain('README.md: differs from what the generator writes');
    expect(snapshot(repo)).toEqual(before);

    const kept = await cli(['--skip-existing'], repo);
    expect(kept.exitCode, kept.stderr).toBe(0);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain('My notes.');

    const forced = await cli(['--force'], repo);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).not.toContain('My notes.');
  });

  it('a changed answer rewrites only the files that depend on it', async () => {
    const cwd = tempDir();
    expect((await cli(['repo', '--yes'], cwd)).exitCode).toBe(0);
    const repo = join(cwd, 'repo');
    const before = snapshot(repo);
    const result = await cli(['--location', 'northeurope'], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = snapshot(repo);
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k)).sort();
    expect(changed).toContain('.yo-rc.json');
    expect(changed).not.toContain('.gitignore');
    expect(changed).not.toContain('.editorconfig');
  });
});
