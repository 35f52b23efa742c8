// The update engine end to end, through the package's real bin, with real git and real processes:
// every way a run can meet an existing repository (no-op, CRLF checkout, links, clashes, dry run,
// conflict markers, destructive changes, a newer repository, kill -9, two runs at once).
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, assertBuilt, cli, snapshot, tempDir } from './helpers/cli.ts';

const SLOW = 240_000;

/** path -> content hash of every file below dir (no mtimes: content only), .git left out. */
function contents(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = relative(dir, path);
    if (rel === '.git' || rel.startsWith('.git/') || !entry.isFile()) continue;
    out.set(rel, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return new Map([...out].sort());
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

async function generate(args: string[] = [], name = 'repo'): Promise<string> {
  const cwd = tempDir('secure-aks-engine-');
  const result = await cli([name, '--yes', ...args], cwd);
  expect(result.exitCode, result.stderr).toBe(0);
  return join(cwd, name);
}

async function committed(args: string[] = []): Promise<string> {
  const repo = await generate(args);
  await git(repo, 'init', '-q');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'scaffold');
  return repo;
}

const output = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

beforeAll(() => assertBuilt());

describe('update engine (real bin)', () => {
  it('a first run labels nothing "force"; a no-op re-run says "Nothing to change." and touches nothing', { timeout: SLOW }, async () => {
    const cwd = tempDir('secure-aks-engine-');
    const first = await cli(['repo', '--yes'], cwd);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(output(first)).not.toMatch(/\bforce\b/);
    expect(output(first)).not.toContain('No change to package.json');
    const repo = join(cwd, 'repo');
    expect(readFileSync(join(repo, '.gitattributes'), 'utf8')).toContain('* text=auto eol=lf');
    const before = snapshot(repo);
    const again = await cli([], repo);
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
    const noop = await cli([], repo);
    expect(noop.exitCode, noop.stderr).toBe(0);
    expect(output(noop)).toContain('Nothing to change.');
    expect(snapshot(repo)).toEqual(before);

    const moved = await cli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(moved.exitCode, moved.stderr).toBe(0);
    expect(output(moved)).not.toMatch(/conflict|merge /);
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('northeurope');
    expect(readme.split('\n').every((line, i, all) => i === all.length - 1 || line.endsWith('\r'))).toBe(true);

    const added = await cli(['workload', 'billing', '--yes'], repo);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(readFileSync(join(repo, 'infra/workloads.json'), 'utf8')).toContain('billing');
    expect(readFileSync(join(repo, 'k8s/overlays/dev/kustomization.yaml'), 'utf8')).toMatch(/workloads\/billing\r\n/);
  });

  it('never follows a symbolic link: a README.md that points outside the repository stops the run, --force too', { timeout: SLOW }, async () => {
    const repo = await generate();
    const outside = tempDir('secure-aks-outside-');
    const target = join(outside, 'bashrc');
    rmSync(join(repo, 'README.md'));
    symlinkSync(target, join(repo, 'README.md'));
    for (const args of [[], ['--force'], ['--name', 'other', '--allow-destructive', '--force']]) {
      const result = await cli(args, repo);
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
    const result = await cli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/scripts\/connect\.sh: needs scripts\/ to be a folder, but scripts is a file/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('an owner edit merged with a change survives every later run', { timeout: SLOW }, async () => {
    const repo = await generate();
    const main = join(repo, 'infra/main.bicep');
    writeFileSync(main, `// Reviewed by the platform team.\n${readFileSync(main, 'utf8')}`);
    const merged = await cli(['--location', 'northeurope', '--allow-destructive'], repo);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(output(merged)).toMatch(/merge infra\/main\.bicep/);
    for (const args of [[], ['--system-node-count', '4'], []]) {
      const again = await cli(args, repo);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(readFileSync(main, 'utf8').startsWith('// Reviewed by the platform team.\n'), `after ${args.join(' ') || 'a plain re-run'}`).toBe(true);
    }
  });

  it('--dry-run lists every change and writes nothing', { timeout: SLOW }, async () => {
    const repo = await generate();
    const before = snapshot(repo);
    const result = await cli(['--location', 'northeurope', '--allow-destructive', '--dry-run'], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(output(result)).toContain('Dry run; nothing was written');
    expect(output(result)).toMatch(/update infra\/dev\.bicepparam/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('--conflict-markers writes git-style markers where both changed a line, records the update, and exits 1', { timeout: SLOW }, async () => {
    const repo = await generate();
    const params = join(repo, 'infra/dev.bicepparam');
    writeFileSync(params, readFileSync(params, 'utf8').replace("param location = 'westeurope'", "param location = 'swedencentral'"));
    const result = await cli(['--location', 'northeurope', '--allow-destructive', '--conflict-markers'], repo);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('conflict markers were written into infra/dev.bicepparam');
    const text = readFileSync(params, 'utf8');
    expect(text).toMatch(/<<<<<<< yours\nparam location = 'swedencentral'\n\|\|\|\|\|\|\| last generated\nparam location = 'westeurope'\n=======\nparam location = 'northeurope'\n>>>>>>> generator\n/);
    expect(JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-secure-aks'].location).toBe('northeurope');
  });

  it('a changed environment would delete the old one: refused without --allow-destructive, named, nothing written', { timeout: SLOW }, async () => {
    const repo = await generate(['--environment', 'prod']);
    const before = snapshot(repo);
    const refused = await cli(['--environment', 'dev'], repo);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('environment "dev": replaces environment "prod": infra/prod.bicepparam and k8s/overlays/prod/ are removed');
    expect(snapshot(repo)).toEqual(before);
    const done = await cli(['--environment', 'dev', '--allow-destructive'], repo);
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
    const newer = await cli([], repo);
    expect(newer.exitCode).toBe(1);
    expect(newer.stderr).toContain('this repository was written by a newer generator-secure-aks than this one');
    writeFileSync(rcPath, JSON.stringify({ ...rc, 'generator-secure-aks': { ...rc['generator-secure-aks'], replicas: 3, systemNodeCount: 99 } }, null, 2));
    const bad = await cli([], repo);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('.yo-rc.json replicas: unknown key');
    expect(bad.stderr).toContain('.yo-rc.json systemNodeCount 99:');
    writeFileSync(rcPath, readFileSync(rcPath, 'utf8'));
    expect([...snapshot(repo).keys()]).toEqual([...before.keys()]);
  });

  it('kill -9 at random points of a write: the tree is never cut short, and the next run converges to the clean output', { timeout: SLOW }, async () => {
    const clean = contents(await generate(['--location', 'northeurope']));
    // A seeded sequence of kill points, in write steps after the journal appears.
    let seed = 20261203;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 3; round++) {
      const repo = await generate();
      const old = contents(repo);
      const child = execa(process.execPath, [BIN, '--location', 'northeurope', '--allow-destructive'], {
        cwd: repo,
        reject: false,
        stdin: 'ignore',
        env: { SECURE_AKS_TEST_STEP_DELAY_MS: '10' },
      });
      const journal = join(repo, '.secure-aks-journal.json');
      const deadline = Date.now() + 60_000;
      while (!existsSync(journal) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 600)));
      child.kill('SIGKILL');
      await child;
      const now = contents(repo);
      for (const [rel, hash] of now) {
        if (rel === '.secure-aks-journal.json' || rel === '.secure-aks.lock' || rel.endsWith('.secure-aks-tmp')) continue;
        expect([old.get(rel), clean.get(rel)], `round ${round}: ${rel} is neither the old nor the new content`).toContain(hash);
      }
      const rerun = await cli(['--location', 'northeurope', '--allow-destructive'], repo);
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      expect(contents(repo), `round ${round}`).toEqual(clean);
    }
  });

  it('a first run killed half-way is completed by the next run in the same folder', { timeout: SLOW }, async () => {
    const clean = contents(await generate());
    const cwd = tempDir('secure-aks-engine-');
    const repo = join(cwd, 'repo');
    const child = execa(process.execPath, [BIN, 'repo', '--yes'], { cwd, reject: false, stdin: 'ignore', env: { SECURE_AKS_TEST_STEP_DELAY_MS: '10' } });
    const journal = join(repo, '.secure-aks-journal.json');
    const deadline = Date.now() + 60_000;
    while (!existsSync(journal) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await child;
    expect(existsSync(join(repo, '.yo-rc.json'))).toBe(false);
    const rerun = await cli(['repo', '--yes'], cwd);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(output(rerun)).toContain('was interrupted; this run completes it');
    expect(contents(repo)).toEqual(clean);
  });

  it('after an interrupted run, names a file it was writing that holds neither side nor the last commit', { timeout: SLOW }, async () => {
    const repo = await committed();
    const rc = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'));
    const recorded = rc['generator-secure-aks:provenance'].files;
    // What a run killed while writing these two files leaves: its journal; one file as committed, one not.
    writeFileSync(join(repo, '.secure-aks-journal.json'), JSON.stringify({ pid: 0, host: '', started: 'earlier', files: { 'README.md': [recorded['README.md'], '0'.repeat(40)], '.editorconfig': [recorded['.editorconfig'], '1'.repeat(40)] } }));
    writeFileSync(join(repo, 'README.md'), `${readFileSync(join(repo, 'README.md'), 'utf8')}\ngarbage\n`);
    const result = await cli([], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(output(result)).toContain('was interrupted; this run completes it');
    expect(output(result)).toMatch(/keep README\.md {2}\(.*it holds neither what the interrupted run found nor what it wrote, nor your last commit: check it\)/);
    expect(output(result)).not.toMatch(/\.editorconfig {2}\(/);
    expect(existsSync(join(repo, '.secure-aks-journal.json'))).toBe(false);
  });

  it('two workload runs at once: each one that says "Added" is in .yo-rc.json and the shared files; the other stops clearly', { timeout: SLOW }, async () => {
    const repo = await generate();
    const run = (name: string) =>
      execa(process.execPath, [BIN, 'workload', name, '--yes'], { cwd: repo, reject: false, stdin: 'ignore', env: { SECURE_AKS_TEST_STEP_DELAY_MS: '5' } });
    const results = await Promise.all([run('alpha'), run('beta')]);
    const stored = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-secure-aks'].workloads.map((w: { name: string }) => w.name);
    const infra = readFileSync(join(repo, 'infra/workloads.json'), 'utf8');
    expect(results.some((r) => r.exitCode === 0)).toBe(true);
    for (const [i, name] of ['alpha', 'beta'].entries()) {
      const r = results[i]!;
      if (r.exitCode === 0) {
        expect(`${r.stdout}${r.stderr}`).toContain(`Added workload ${name}`);
        expect(stored).toContain(name);
        expect(infra).toContain(`"${name}"`);
      } else {
        expect(r.stderr).toMatch(/changed since this run read it|another run/);
        expect(`${r.stdout}${r.stderr}`).not.toContain(`Added workload ${name}`);
      }
    }
    // Whatever happened, the tree is exactly what the generator writes for the stored answers.
    const again = await cli([], repo);
    expect(output(again)).toContain('Nothing to change.');
  });

  it('two app runs at once with different answers leave exactly one of the two trees, never a mix', { timeout: SLOW }, async () => {
    const four = contents(await generate(['--system-node-count', '4']));
    const five = contents(await generate(['--system-node-count', '5']));
    const repo = await generate();
    const run = (count: string) =>
      execa(process.execPath, [BIN, '--system-node-count', count], { cwd: repo, reject: false, stdin: 'ignore', env: { SECURE_AKS_TEST_STEP_DELAY_MS: '5' } });
    const results = await Promise.all([run('4'), run('5')]);
    expect(results.some((r) => r.exitCode === 0)).toBe(true);
    const now = JSON.stringify([...contents(repo)]);
    expect([JSON.stringify([...four]), JSON.stringify([...five])]).toContain(now);
  });
});
