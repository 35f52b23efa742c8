// Helpers of the update engine's end-to-end tests (test/update.*.test.ts): the command line, real git.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { runCli, tempDir } from './cli.ts';
import { runCache } from './run-cache.ts';

export const SLOW = 240_000;

/** path -> content hash of every file below dir (no mtimes: content only), .git left out. */
export function contents(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = relative(dir, path);
    if (rel === '.git' || rel.startsWith('.git/') || !entry.isFile()) continue;
    out.set(rel, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return new Map([...out].sort());
}

export async function git(cwd: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

// What the command line writes for the same arguments is the same every time: the first test (of any
// file of this `vitest run`) that asks for it runs it (in its own process: `runCli`, the compiled `main`
// the bin calls; test/cli.test.ts checks the bin's own generation), and every test gets a fresh copy.
// The folder is named after the run (the workers' parent process), like the Bicep cache.
export const GENERATED_CACHE = runCache('generated');
const pristine = new Map<string, Promise<string>>();

/** The command line's output for `name --yes ...args`, generated once per run; never to be changed. */
function pristineRepository(args: string[], name: string): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify([name, ...args])).digest('hex').slice(0, 16);
  let made = pristine.get(key);
  if (!made) {
    made = (async () => {
      const cached = join(GENERATED_CACHE, key);
      // A folder appears there whole (a rename), with what the run wrote; another worker may have made it.
      if (existsSync(cached)) return join(cached, name);
      const cwd = tempDir('secure-aks-engine-');
      const result = await runCli([name, '--yes', ...args], cwd);
      expect(result.exitCode, result.stderr).toBe(0);
      mkdirSync(GENERATED_CACHE, { recursive: true });
      try {
        renameSync(cwd, cached);
      } catch {
        // Another worker was first: use its copy (the same content).
        rmSync(cwd, { recursive: true, force: true });
      }
      return join(cached, name);
    })();
    pristine.set(key, made);
  }
  return made;
}

/**
 * A repository the command line generates (with `args`) in a new temp folder: a copy of its output,
 * which runs once per `vitest run` for the same arguments (tests about a first run call the command line themselves).
 */
export async function generate(args: string[] = [], name = 'repo'): Promise<string> {
  const source = await pristineRepository(args, name);
  const repo = join(tempDir('secure-aks-engine-'), name);
  cpSync(source, repo, { recursive: true });
  return repo;
}

/** The same, committed to a new git repository. */
export async function committed(args: string[] = []): Promise<string> {
  const repo = await generate(args);
  await git(repo, 'init', '-q');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'scaffold');
  return repo;
}

export const output = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;
