// Writing a planned update into the destination so that no run, however it ends, leaves a half-written
// or inconsistent tree, and no repository can aim the generator outside itself.
//
//   1. Every path is checked with lstat before anything is written: nothing outside the destination, no
//      symbolic link followed (a cloned repository must not turn README.md into ~/.bashrc), no file
//      where a folder is needed or the other way round.
//   2. One run at a time: a lock file (created whole, by link) for the whole write; a second run waits a little, then
//      stops with a clear message. A lock left by a killed run (its process is gone) is taken over.
//   3. A journal names what is about to change (each path's id before and after) before the first write.
//   4. Each file is written to a temporary name beside it and flushed to disk (fsync); once every file
//      is, each is renamed over its target (atomic on POSIX). The flushes run concurrently: a flush
//      waits for the disk, and the file system commits concurrent ones together, where one after the
//      other they cost a disk round trip per file (most of a large run's time).
//   5. .yo-rc.json, which records what the repository holds, is written last; then the journal goes.
// After a crash the journal is still there: the next run removes leftover temporary files and accepts
// either side of each journal entry as the generator's own output (update.ts `alternates`).
import * as nodeFs from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Problem } from '../support/problems.ts';

export const LOCK_FILE = '.secure-aks.lock';
export const JOURNAL_FILE = '.secure-aks-journal.json';
export const RC_FILE = '.yo-rc.json';
const TEMP_SUFFIX = '.secure-aks-tmp';

/** The parts of node:fs this module uses, so tests can run it on an in-memory file system. */
export type Fs = Pick<
  typeof nodeFs,
  'lstatSync' | 'mkdirSync' | 'openSync' | 'closeSync' | 'writeSync' | 'fsyncSync' | 'renameSync' | 'linkSync' | 'unlinkSync' | 'readFileSync' | 'readdirSync' | 'rmdirSync' | 'chmodSync'
> & { promises: Pick<typeof nodeFs.promises, 'open' | 'chmod'> };

/** Temporary files written and flushed at once (libuv runs 4 at a time; a few more keep it busy). */
const FLUSH_CONCURRENCY = 16;

export interface WriteOp {
  path: string;
  /** New content; undefined removes the file. */
  content?: string;
  /** File mode for new content (0o755 for scripts). */
  mode?: number;
}

export interface Journal {
  pid: number;
  host: string;
  started: string;
  /** Path -> [id before or null, id after or null]. */
  files: Record<string, [string | null, string | null]>;
}

export interface WriteHooks {
  /** Called before each file system step (tests inject crashes here; SECURE_AKS_TEST_STEP_DELAY_MS slows steps down). */
  step?: (what: string) => void;
}

function lstat(fs: Fs, path: string): nodeFs.Stats | undefined {
  try {
    // A missing path is the common case (a first run checks every path it creates): no error object for it.
    return fs.lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * What lstat said of the folders above the paths one reading pass looks at (absent: undefined), so
 * that many paths under one folder, or under one that does not exist, cost one lstat of it. Only for a
 * pass that reads: what it decides is checked again before anything is written.
 */
export type FolderStats = Map<string, nodeFs.Stats | undefined>;

/** Why a repository-relative path cannot be written inside `root`, or undefined when it can. */
export function pathProblem(fs: Fs, root: string, rel: string, kind: 'file' | 'read' = 'file', folders?: FolderStats): string | undefined {
  if (rel === '' || isAbsolute(rel) || rel.includes('\\') || normalize(rel).split(sep).includes('..') || normalize(rel) !== rel) {
    return 'is not a plain path inside the repository';
  }
  const parts = rel.split('/');
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i]!);
    const folder = folders !== undefined && i < parts.length - 1;
    let stat: nodeFs.Stats | undefined;
    if (folder && folders.has(at)) stat = folders.get(at);
    else {
      stat = lstat(fs, at);
      if (folder) folders.set(at, stat);
    }
    if (!stat) return undefined;
    // Named only in a problem: most paths have none, and a first run checks every one of them.
    const shown = () => parts.slice(0, i + 1).join('/');
    if (stat.isSymbolicLink()) {
      return i === parts.length - 1
        ? 'is a symbolic link; the generator never writes through links (replace it with a file, or remove it)'
        : `is inside ${shown()}/, a symbolic link; the generator never writes through links`;
    }
    if (i < parts.length - 1 && !stat.isDirectory()) return `needs ${shown()}/ to be a folder, but ${shown()} is a file`;
    if (i === parts.length - 1 && kind === 'file' && stat.isDirectory()) return 'is a folder where the generator writes a file';
  }
  return undefined;
}

/** Every path problem of a planned write, before anything is written. */
export function checkPaths(fs: Fs, root: string, paths: Iterable<string>, folders?: FolderStats): Problem[] {
  const problems: Problem[] = [];
  for (const rel of paths) {
    const problem = pathProblem(fs, root, rel, 'file', folders);
    if (problem) problems.push({ key: rel, rule: problem });
  }
  return problems;
}

/** Reads a file inside root without following links; undefined when absent. Throws on a link. */
export function readInside(fs: Fs, root: string, rel: string, folders?: FolderStats): string | undefined {
  const problem = pathProblem(fs, root, rel, 'read', folders);
  if (problem) throw Object.assign(new Error(`${rel} ${problem}`), { path: rel });
  const stat = lstat(fs, join(root, rel));
  if (!stat || stat.isDirectory()) return undefined;
  return fs.readFileSync(join(root, rel), 'utf8') as string;
}

/** The temporary name a file is written under before it is renamed over `target`. */
function tempOf(target: string): string {
  return join(dirname(target), `.${target.split(sep).at(-1)}${TEMP_SUFFIX}`);
}

function writeAtomic(fs: Fs, target: string, content: string, mode: number | undefined, hooks: WriteHooks): void {
  const temp = tempOf(target);
  hooks.step?.(`write ${target}`);
  const fd = fs.openSync(temp, 'w', mode ?? 0o644);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // openSync's mode is masked by the umask and ignored for a file that exists: set it.
  if (mode !== undefined) fs.chmodSync(temp, mode);
  hooks.step?.(`rename ${target}`);
  fs.renameSync(temp, target);
}

/** Writes `content` to target's temporary name and flushes it to disk; the rename is the caller's. */
async function writeTemp(fs: Fs, target: string, content: string, mode: number | undefined, hooks: WriteHooks): Promise<void> {
  const temp = tempOf(target);
  hooks.step?.(`write ${target}`);
  const file = await fs.promises.open(temp, 'w', mode ?? 0o644);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  if (mode !== undefined) await fs.promises.chmod(temp, mode);
}

/**
 * Runs `task` over `items`, `limit` at a time. After a failure no further task starts, and the
 * failure is thrown once the tasks already running have ended (nothing is left writing behind it).
 */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

export interface Lock {
  release: () => void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds a lock file, and whether it can be taken over. */
export function lockHolder(fs: Fs, root: string): { pid: number; host: string; started: string; stale: boolean; ours: boolean } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(join(root, LOCK_FILE), 'utf8') as string;
  } catch {
    return undefined;
  }
  let holder: { pid?: unknown; host?: unknown; started?: unknown } = {};
  try {
    holder = JSON.parse(text) as typeof holder;
  } catch {
    // A lock file cut short by a crash between create and write: nobody holds it.
  }
  const pid = typeof holder.pid === 'number' ? holder.pid : 0;
  const host = typeof holder.host === 'string' ? holder.host : '';
  const stale = pid === 0 || (host === hostname() && !processAlive(pid));
  return { pid, host, started: typeof holder.started === 'string' ? holder.started : 'an unknown time', stale, ours: pid === process.pid && host === hostname() };
}

export class LockedError extends Error {
  override name = 'LockedError';
}

/**
 * Takes the repository's lock, waiting up to `waitMs` for a live holder. A lock whose process is gone
 * (a killed run) is taken over.
 */
export async function acquireLock(fs: Fs, root: string, waitMs = 10_000): Promise<Lock> {
  const path = join(root, LOCK_FILE);
  const deadline = Date.now() + waitMs;
  for (;;) {
    // The lock appears whole or not at all: written under a name of this process's own, then linked
    // to the lock's name, which fails if another run holds it (a half-written lock would look stale).
    const mine = `${path}.${process.pid}`;
    const fd = fs.openSync(mine, 'w', 0o644);
    fs.writeSync(fd, `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() })}\n`);
    fs.closeSync(fd);
    try {
      fs.linkSync(mine, path);
      fs.unlinkSync(mine);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          try {
            fs.unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      fs.unlinkSync(mine);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(fs, root);
    if (holder?.stale) {
      try {
        fs.unlinkSync(path);
      } catch {
        // Another run took it over first; try again.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockedError(
        `another run (process ${holder?.pid ?? '?'} on ${holder?.host || 'this machine'}, since ${holder?.started ?? '?'}) is updating this repository; wait for it to finish and run again (if no such run exists, delete ${LOCK_FILE})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The journal an interrupted run left, if any. */
export function readJournal(fs: Fs, root: string): Journal | undefined {
  let text: string;
  try {
    text = fs.readFileSync(join(root, JOURNAL_FILE), 'utf8') as string;
  } catch {
    return undefined;
  }
  try {
    const journal = JSON.parse(text) as Journal;
    if (journal && typeof journal.files === 'object') return journal;
  } catch {
    // Cut short while it was written: no file had been touched yet (the journal is written first).
  }
  return { pid: 0, host: '', started: 'an unknown time', files: {} };
}

/**
 * Removes the temporary files an interrupted run left (its journal's, and those of the files it names);
 * the journal itself stays until a run completes (writeUpdate).
 */
export function clearInterrupted(fs: Fs, root: string, journal: Journal | undefined): void {
  for (const rel of [JOURNAL_FILE, RC_FILE, ...Object.keys(journal?.files ?? {})]) {
    if (pathProblem(fs, root, rel, 'read')) continue;
    const temp = tempOf(join(root, rel));
    if (lstat(fs, temp)?.isFile()) fs.unlinkSync(temp);
  }
}

function removeEmptyParents(fs: Fs, root: string, rel: string): void {
  let dir = dirname(rel);
  while (dir !== '.' && dir !== '') {
    const full = join(root, dir);
    try {
      if (fs.readdirSync(full).length > 0) return;
      fs.rmdirSync(full);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

/**
 * Writes a planned update: journal first, every file's content to its temporary name and flushed, then
 * the renames and removals in order, .yo-rc.json last, journal removed. The caller holds the lock and
 * has run checkPaths over `ops` (and .yo-rc.json).
 */
export async function writeUpdate(fs: Fs, root: string, ops: readonly WriteOp[], rc: string, journal: Journal, hooks: WriteHooks = {}): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  writeAtomic(fs, join(root, JOURNAL_FILE), `${JSON.stringify(journal, null, 2)}\n`, undefined, hooks);
  const writes = ops.filter((op): op is WriteOp & { content: string } => op.content !== undefined);
  // Each folder once, and only the deepest ones (mkdir -p makes their parents).
  const dirs = [...new Set(writes.map((op) => dirname(join(root, op.path))))].sort();
  for (const [i, dir] of dirs.entries()) if (!dirs[i + 1]?.startsWith(`${dir}${sep}`)) fs.mkdirSync(dir, { recursive: true });
  await eachLimited(writes, FLUSH_CONCURRENCY, (op) => writeTemp(fs, join(root, op.path), op.content, op.mode, hooks));
  for (const op of ops) {
    const target = join(root, op.path);
    if (op.content === undefined) {
      hooks.step?.(`remove ${target}`);
      if (lstat(fs, target)) fs.unlinkSync(target);
      removeEmptyParents(fs, root, op.path);
      continue;
    }
    hooks.step?.(`rename ${target}`);
    fs.renameSync(tempOf(target), target);
  }
  writeAtomic(fs, join(root, RC_FILE), rc, undefined, hooks);
  hooks.step?.('remove journal');
  fs.unlinkSync(join(root, JOURNAL_FILE));
}

/** A step hook that sleeps between steps when SECURE_AKS_TEST_STEP_DELAY_MS is set (crash tests only). */
export function stepDelayFromEnv(env: NodeJS.ProcessEnv = process.env): WriteHooks {
  const ms = Number(env.SECURE_AKS_TEST_STEP_DELAY_MS ?? '');
  if (!Number.isFinite(ms) || ms <= 0) return {};
  const view = new Int32Array(new SharedArrayBuffer(4));
  return { step: () => void Atomics.wait(view, 0, 0, ms) };
}
