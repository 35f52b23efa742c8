// Runs the package's real bin (compiled dist/) as a user would, in real temp folders.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const BIN = fileURLToPath(new URL('../../bin/create-secure-aks.js', import.meta.url));
const COMPILED = fileURLToPath(new URL('../../dist/generators/core/run/cli.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
}

export function tempDir(prefix = 'secure-aks-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs `create-secure-aks ...args` with no terminal and stdin closed (so a prompt would fail, not hang). */
export async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const started = performance.now();
  const result = await execa(process.execPath, [BIN, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, durationMs: performance.now() - started };
}

/** path -> sha256 and mtime of every file below dir (empty map when dir is absent). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
    out.set(relative(dir, path), `${hash} ${statSync(path).mtimeMs}`);
  }
  return out;
}
