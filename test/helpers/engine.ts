// Helpers of the update engine's end-to-end tests (test/update.*.test.ts): real bin, real git.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { cli, tempDir } from './cli.ts';

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

/** A repository the real bin generates (with `args`) in a new temp folder. */
export async function generate(args: string[] = [], name = 'repo'): Promise<string> {
  const cwd = tempDir('secure-aks-engine-');
  const result = await cli([name, '--yes', ...args], cwd);
  expect(result.exitCode, result.stderr).toBe(0);
  return join(cwd, name);
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
