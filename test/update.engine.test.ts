// The update engine end to end, through the command line (the compiled `main` of dist/ that the bin
// calls, run in this process: helpers/cli.ts `runCli`) on real folders: every way a run can meet an
// existing repository (no-op, CRLF checkout, links, clashes, merges that last, dry run, conflict
// markers, destructive changes, a newer repository). Crashes and concurrent runs, which need real
// processes, are in test/update.crash.test.ts (a file of their own, so the two run in parallel).
import { existsSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, snapshot, tempDir } from './helpers/cli.ts';
import { contents, generate, output, SLOW } from './helpers/engine.ts';

beforeAll(() => assertBuilt());

describe('update engine (command line)', () => {
  it('a first run labels nothing "force"; a no-op re-run says "Nothing to change." and touches nothing', { timeout: SLOW }, async () => {
    const cwd = tempDir('secure-aks-engine-');
    const first = await runCli(['repo', '--yes'], cwd);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(output(first)).not.toMatch(/\bforce\b/);
    expect(output(first)).not.toContain('No change to package.json');
    const repo = join(cwd, 'repo');
    expect(readFileSync(join(repo, '.gitattributes'), 'utf8')).toContain('* text=auto eol=lf');
    const before = snapshot(repo);
    const again = await runCli([], repo);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(output(again)).toContain('Nothing to change.');
    expect(output(again)).not.toMatch(/Generated \d+ files|git init|No change to package\.json/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('a CRLF checkout (core.autocrlf) counts as unchanged; updates and workloads keep each file\'s line endings', { timeout: SLOW }, async () => {
    const repo = await generate();
    for (const [rel] of contents(repo)) {
      const path = join(repo, rel);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('\n', '\r\n'));
    }
    const before = snapshot(repo);
    const noop = await runCli([], repo);
    expect(noop.exitCode, noop.stderr).toBe(0);
    expect(output(noop)).toContain('Nothing to change.');
    expect(snapshot(repo)).toEqual(before);

    const moved = await runCli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(moved.exitCode, moved.stderr).toBe(0);
    expect(output(moved)).not.toMatch(/conflict|merge /);
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('northeurope');
    expect(readme.split('\n').every((line, i, all) => i === all.length - 1 || line.endsWith('\r'))).toBe(true);

    const added = await runCli(['workload', 'billing', '--yes'], repo);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(readFileSync(join(repo, 'infra/workloads.json'), 'utf8')).toContain('billing');
    expect(readFileSync(join(repo, 'k8s/overlays/dev/parts/workloads-01/kustomization.yaml'), 'utf8')).toMatch(/workloads\/billing\r\n/);
  });

  it('never follows a symbolic link: a README.md that points outside the repository stops the run, --force too', { timeout: SLOW }, async () => {
    const repo = await generate();
    const outside = tempDir('secure-aks-outside-');
    const target = join(outside, 'bashrc');
    rmSync(join(repo, 'README.md'));
    symlinkSync(target, join(repo, 'README.md'));
    for (const args of [[], ['--force'], ['--name', 'other', '--allow-destructive', '--force']]) {
      const result = await runCli(args, repo);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('README.md: is a symbolic link; the generator never writes through links');
      expect(existsSync(target)).toBe(false);
      expect(lstatSync(join(repo, 'README.md')).isSymbolicLink()).toBe(true);
    }
  });

  it('finds a file where a folder is needed before writing anything', { timeout: SLOW }, async () => {
    const repo = await generate();
    rmSync(join(repo, 'scripts'), { recursive: true });
    writeFileSync(join(repo, 'scripts'), 'not a folder\n');
    const before = snapshot(repo);
    const result = await runCli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/scripts\/connect\.sh: needs scripts\/ to be a folder, but scripts is a file/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('an owner edit merged with a change survives every later run', { timeout: SLOW }, async () => {
    const repo = await generate();
    const main = join(repo, 'infra/main.bicep');
    writeFileSync(main, `// Reviewed by the platform team.\n${readFileSync(main, 'utf8')}`);
    const merged = await runCli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(output(merged)).toMatch(/merge infra\/main\.bicep/);
    for (const args of [[], ['--system-node-count', '4'], []]) {
      const again = await runCli(args, repo);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(readFileSync(main, 'utf8').startsWith('// Reviewed by the platform team.\n'), `after ${args.join(' ') || 'a plain re-run'}`).toBe(true);
    }
  });

  it('--dry-run lists every change and writes nothing', { timeout: SLOW }, async () => {
    const repo = await generate();
    const before = snapshot(repo);
    const result = await runCli(['--location', 'northeurope', '--allow-destructive', '--dry-run'], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(output(result)).toContain('Dry run; nothing was written');
    expect(output(result)).toMatch(/update infra\/dev\.bicepparam/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('--conflict-markers writes git-style markers where both changed a line, records the update, and exits 1', { timeout: SLOW }, async () => {
    const repo = await generate();
    const params = join(repo, 'infra/dev.bicepparam');
    writeFileSync(params, readFileSync(params, 'utf8').replace("param location = 'westeurope'", "param location = 'swedencentral'"));
    const result = await runCli(['--location', 'northeurope', '--allow-destructive', '--conflict-markers'], repo);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('conflict markers were written into infra/dev.bicepparam');
    const text = readFileSync(params, 'utf8');
    expect(text).toMatch(/<<<<<<< yours\nparam location = 'swedencentral'\n\|\|\|\|\|\|\| last generated\nparam location = 'westeurope'\n=======\nparam location = 'northeurope'\n>>>>>>> generator\n/);
    expect(JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-secure-aks'].location).toBe('northeurope');
  });

  it('a changed environment would delete the old one: refused without --allow-destructive, named, nothing written', { timeout: SLOW }, async () => {
    const repo = await generate(['--environment', 'prod']);
    const before = snapshot(repo);
    const refused = await runCli(['--environment', 'dev'], repo);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('environment "dev": replaces environment "prod": infra/prod.bicepparam and k8s/overlays/prod/ are removed');
    expect(snapshot(repo)).toEqual(before);
    const done = await runCli(['--environment', 'dev', '--allow-destructive'], repo);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(output(done)).toMatch(/remove infra\/prod\.bicepparam/);
    expect(existsSync(join(repo, 'infra/prod.bicepparam'))).toBe(false);
  });

  it('refuses a repository from a newer generator, and names problems as coming from .yo-rc.json', { timeout: SLOW }, async () => {
    const repo = await generate();
    const rcPath = join(repo, '.yo-rc.json');
    const rc = JSON.parse(readFileSync(rcPath, 'utf8'));
    const before = snapshot(repo);
    writeFileSync(rcPath, JSON.stringify({ ...rc, 'generator-secure-aks:provenance': { ...rc['generator-secure-aks:provenance'], generatorVersion: '99.0.0' } }, null, 2));
    const newer = await runCli([], repo);
    expect(newer.exitCode).toBe(1);
    expect(newer.stderr).toContain('this repository was written by a newer generator-secure-aks than this one');
    writeFileSync(rcPath, JSON.stringify({ ...rc, 'generator-secure-aks': { ...rc['generator-secure-aks'], replicas: 3, systemNodeCount: 99 } }, null, 2));
    const bad = await runCli([], repo);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('.yo-rc.json replicas: unknown key');
    expect(bad.stderr).toContain('.yo-rc.json systemNodeCount 99:');
    writeFileSync(rcPath, readFileSync(rcPath, 'utf8'));
    expect([...snapshot(repo).keys()]).toEqual([...before.keys()]);
  });
});
