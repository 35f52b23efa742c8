// The update engine when runs are cut short or meet each other, through the real bin and real
// processes: kill -9 at random points of a write and of a first run, an interrupted run's damage
// named, two workload runs and two app runs at once. The runs that are killed or that meet each other
// are real bin processes; the run that comes after them (which finds the damage, the stale lock or the
// tree they left) is the compiled `main` the bin calls, in the test's process (`runCli`), as in the
// update engine's other tests: the same run without a second of Node and Yeoman start-up each time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, runCli, tempDir } from './helpers/cli.ts';
import { committed, contents, generate, output, SLOW } from './helpers/engine.ts';

beforeAll(() => assertBuilt());

describe('update engine: crashes and concurrent runs (real bin)', () => {
  it('kill -9 at random points of a write: the tree is never cut short, and the next run converges to the clean output', { timeout: SLOW }, async () => {
    // A seeded sequence of kill points, each a step of the write that follows the journal: every file
    // written to its temporary name, then renamed, then .yo-rc.json (written, renamed) and the journal
    // removed, each step slowed to STEP_MS. A point is drawn among the steps before the last few, and
    // the kill aimed at the middle of that step, so that a late timer on a busy machine still lands in
    // the write (which the journal left behind shows), never after it.
    const STEP_MS = 40;
    let seed = 20261203;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const points = Array.from({ length: 3 }, () => random());
    const [clean, repos] = await Promise.all([generate(['--location', 'northeurope']).then(contents), Promise.all(points.map(() => generate()))]);
    const olds = repos.map(contents);
    // The rounds' processes run at once, each in its own copy and killed at its own point after its own
    // journal appears; meanwhile this process only polls and waits, so that nothing delays a kill.
    await Promise.all(
      repos.map(async (repo, round) => {
        const child = execa(process.execPath, [BIN, '--location', 'northeurope', '--allow-destructive'], {
          cwd: repo,
          reject: false,
          stdin: 'ignore',
          env: { SECURE_AKS_TEST_STEP_DELAY_MS: String(STEP_MS) },
        });
        const journal = join(repo, '.secure-aks-journal.json');
        const deadline = Date.now() + 60_000;
        while (!existsSync(journal) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        // The journal is renamed into place whole: it names every file the write changes.
        const files = Object.keys((JSON.parse(readFileSync(journal, 'utf8')) as { files: Record<string, unknown> }).files).length;
        const step = Math.floor(points[round]! * Math.max(1, 2 * files - 3));
        await new Promise((r) => setTimeout(r, (step + 0.5) * STEP_MS));
        child.kill('SIGKILL');
        await child;
        expect(existsSync(journal), `round ${round}: killed at step ${step + 1} of ${2 * files + 3}, before the write finished`).toBe(true);
      }),
    );
    for (const [round, repo] of repos.entries()) {
      const [old, now] = [olds[round]!, contents(repo)];
      for (const [rel, hash] of now) {
        if (rel === '.secure-aks-journal.json' || rel === '.secure-aks.lock' || rel.endsWith('.secure-aks-tmp')) continue;
        expect([old.get(rel), clean.get(rel)], `round ${round}: ${rel} is neither the old nor the new content`).toContain(hash);
      }
      const rerun = await runCli(['--location', 'northeurope', '--allow-destructive'], repo);
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      expect(contents(repo), `round ${round}`).toEqual(clean);
    }
  });

  it('a run killed after its last write leaves its lock; the next run, with nothing to change, clears it', { timeout: SLOW }, async () => {
    // Found by the kill -9 rounds above: a no-op re-run used to return before looking at the lock.
    const repo = await generate();
    const before = contents(repo);
    writeFileSync(join(repo, '.secure-aks.lock'), `${JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started: new Date().toISOString() })}\n`);
    const rerun = await runCli([], repo);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(output(rerun)).toContain('Nothing to change.');
    expect(existsSync(join(repo, '.secure-aks.lock'))).toBe(false);
    expect(contents(repo)).toEqual(before);
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
    const rerun = await runCli(['repo', '--yes'], cwd);
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
    // The temporary file it left beside a file this run does not rewrite (.editorconfig is as recorded).
    writeFileSync(join(repo, '..editorconfig.secure-aks-tmp'), 'cut sh');
    const result = await runCli([], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(output(result)).toContain('was interrupted; this run completes it');
    expect(output(result)).toMatch(/keep README\.md {2}\(.*it holds neither what the interrupted run found nor what it wrote, nor your last commit: check it\)/);
    expect(output(result)).not.toMatch(/\.editorconfig {2}\(/);
    expect(existsSync(join(repo, '.secure-aks-journal.json'))).toBe(false);
    expect(existsSync(join(repo, '..editorconfig.secure-aks-tmp'))).toBe(false);
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
    const again = await runCli([], repo);
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
