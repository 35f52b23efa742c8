// Safe writes (core/output/safe-write.ts) on an in-memory file system (memfs): paths checked with lstat
// before anything is written, one run at a time, and a crash at any step of a write leaves a tree the
// next run completes — every file either as it was or as the run meant it, never cut short.
import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { blobId } from '../generators/core/output/provenance.ts';
import {
  acquireLock,
  checkPaths,
  clearInterrupted,
  JOURNAL_FILE,
  LOCK_FILE,
  LockedError,
  readInside,
  readJournal,
  writeUpdate,
  type Fs,
  type Journal,
  type WriteOp,
} from '../generators/core/output/safe-write.ts';
import { planUpdate } from '../generators/core/output/update.ts';

const ROOT = '/repo';

function volume(files: Record<string, string> = {}): Fs {
  const vol = Volume.fromJSON(files, ROOT);
  vol.mkdirSync(ROOT, { recursive: true });
  return createFsFromVolume(vol) as unknown as Fs;
}

function tree(fs: Fs, dir = ROOT, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir) as string[]) {
    const path = `${dir}/${name}`;
    const rel = `${prefix}${name}`;
    if (fs.lstatSync(path).isDirectory()) Object.assign(out, tree(fs, path, `${rel}/`));
    else out[rel] = fs.readFileSync(path, 'utf8') as string;
  }
  return out;
}

describe('paths are checked before anything is written', () => {
  it('refuses symbolic links, at the file or on the way to it, and file/folder clashes', () => {
    const fs = volume({ 'docs/a.md': 'a', scripts: 'a file', 'k8s/base/kustomization.yaml': 'x' });
    const vol = fs as unknown as { symlinkSync: (target: string, path: string) => void; mkdirSync: (p: string, o?: object) => void };
    vol.symlinkSync('/home/user/.bashrc', `${ROOT}/README.md`);
    vol.symlinkSync('/elsewhere', `${ROOT}/infra`);
    const problems = checkPaths(fs, ROOT, ['README.md', 'infra/main.bicep', 'scripts/connect.sh', 'k8s/base', 'docs/a.md', 'new/file.txt', '../outside', '/etc/passwd']);
    expect(Object.fromEntries(problems.map((p) => [p.key, p.rule]))).toEqual({
      'README.md': 'is a symbolic link; the generator never writes through links (replace it with a file, or remove it)',
      'infra/main.bicep': 'is inside infra/, a symbolic link; the generator never writes through links',
      'scripts/connect.sh': 'needs scripts/ to be a folder, but scripts is a file',
      'k8s/base': 'is a folder where the generator writes a file',
      '../outside': 'is not a plain path inside the repository',
      '/etc/passwd': 'is not a plain path inside the repository',
    });
    expect(() => readInside(fs, ROOT, 'README.md')).toThrow(/README\.md is a symbolic link/);
    expect(readInside(fs, ROOT, 'docs/a.md')).toBe('a');
    expect(readInside(fs, ROOT, 'missing.md')).toBeUndefined();
  });
});

describe('one run at a time', () => {
  it('a second run waits, then stops naming the holder; a lock whose process is gone is taken over', async () => {
    const fs = volume();
    const lock = await acquireLock(fs, ROOT);
    await expect(acquireLock(fs, ROOT, 300)).rejects.toThrow(LockedError);
    await expect(acquireLock(fs, ROOT, 300)).rejects.toThrow(new RegExp(`another run \\(process ${process.pid} .*is updating this repository`));
    lock.release();
    const again = await acquireLock(fs, ROOT, 300);
    again.release();
    // A killed run's lock: a process id that does not exist on this host.
    (fs as unknown as { writeFileSync: (p: string, d: string) => void }).writeFileSync(`${ROOT}/${LOCK_FILE}`, JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), started: 'yesterday' }));
    const taken = await acquireLock(fs, ROOT, 300);
    taken.release();
    expect(fs.readdirSync(ROOT)).toEqual([]);
  });
});

describe('a write', () => {
  const before = { 'a.txt': 'a1\n', 'b/b.txt': 'b1\n', 'gone.txt': 'g\n', '.yo-rc.json': '{"v":1}\n' };
  const ops: WriteOp[] = [
    { path: 'a.txt', content: 'a2\n' },
    { path: 'b/b.txt', content: 'b2\n' },
    { path: 'c/d/new.sh', content: 'echo new\n', mode: 0o755 },
    { path: 'gone.txt' },
  ];
  const after = { 'a.txt': 'a2\n', 'b/b.txt': 'b2\n', 'c/d/new.sh': 'echo new\n', '.yo-rc.json': '{"v":2}\n' };
  const journal: Journal = {
    pid: 1,
    host: 'h',
    started: 'now',
    files: Object.fromEntries(ops.map((op) => [op.path, [before[op.path as keyof typeof before] ? blobId(before[op.path as keyof typeof before]) : null, op.content === undefined ? null : blobId(op.content)]])),
  };

  it('writes every file, the record last, and leaves no journal or temporary file', async () => {
    const fs = volume(before);
    const steps: string[] = [];
    await writeUpdate(fs, ROOT, ops, after['.yo-rc.json'], journal, { step: (what) => steps.push(what.replace(`${ROOT}/`, '')) });
    expect(tree(fs)).toEqual(after);
    expect(steps.at(-3)).toBe('write .yo-rc.json');
    expect(steps.at(-2)).toBe('rename .yo-rc.json');
    expect(steps[0]).toBe(`write ${JOURNAL_FILE}`);
    expect(fs.lstatSync(`${ROOT}/c/d/new.sh`).mode & 0o777).toBe(0o755);
  });

  it('interrupted at any step, leaves each file whole (before or after), and the next plan completes it without a conflict', async () => {
    const count = await (async () => {
      let n = 0;
      await writeUpdate(volume(before), ROOT, ops, after['.yo-rc.json'], journal, { step: () => void n++ });
      return n;
    })();
    expect(count).toBeGreaterThan(8);
    for (let crashAt = 0; crashAt < count; crashAt++) {
      const fs = volume(before);
      let step = 0;
      await expect(
        writeUpdate(fs, ROOT, ops, after['.yo-rc.json'], journal, {
          step: () => {
            if (step++ === crashAt) throw new Error('killed');
          },
        }),
      ).rejects.toThrow('killed');
      const left = readJournal(fs, ROOT);
      clearInterrupted(fs, ROOT, left);
      const now = tree(fs);
      for (const path of Object.keys({ ...before, ...after })) {
        if (path === JOURNAL_FILE) continue;
        const value = now[path];
        const options = [before[path as keyof typeof before], after[path as keyof typeof after]];
        expect(options, `crash at step ${crashAt}: ${path} is ${JSON.stringify(value)}`).toContain(value);
      }
      expect(Object.keys(now).filter((p) => p.includes('secure-aks-tmp')), `crash at step ${crashAt}`).toEqual([]);
      // The next run: what the interrupted run wrote counts as the generator's own output.
      const recorded = Object.fromEntries(Object.entries(before).filter(([p]) => p !== '.yo-rc.json').map(([p, c]) => [p, blobId(c)]));
      const alternates = Object.fromEntries(Object.entries(left?.files ?? {}).flatMap(([p, [, id]]) => (id ? [[p, id]] : [])));
      const next = new Map(Object.entries(after).filter(([p]) => p !== '.yo-rc.json'));
      const plan = planUpdate({ next, recorded, alternates, readDisk: (p) => now[p] });
      expect(plan.changes.filter((c) => !['create', 'update', 'identical', 'remove'].includes(c.action)), `crash at step ${crashAt}`).toEqual([]);
    }
  });
});
