// Runs the package's real bin (compiled dist/) as a user would, in real temp folders (`cli`), or the same
// compiled `main` in the test's own process (`runCli`), for tests whose subject is the generator's
// behaviour rather than the process: the same arguments, exit code and output, without a second of
// Node and yeoman-environment start-up per run.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

type Main = (argv: string[], io: { out: (text: string) => void; err: (text: string) => void; cwd: string; interactive?: boolean; env?: NodeJS.ProcessEnv }) => Promise<number>;
const compiledMains = new Map<string, Promise<Main>>();

/** The `main` a bin calls: dist/generators/core/run/cli.js of the package the bin belongs to. */
function compiledMain(bin: string): Promise<Main> {
  const compiled = new URL('../dist/generators/core/run/cli.js', pathToFileURL(bin)).href;
  let main = compiledMains.get(compiled);
  if (!main) {
    main = import(compiled).then((module: { main: Main }) => module.main);
    compiledMains.set(compiled, main);
  }
  return main;
}

/** The output of the in-process run the current async context belongs to. */
const running = new AsyncLocalStorage<{ stdout: string[]; stderr: string[] }>();
let inFlight = 0;
let globalsBefore: string | undefined;

/** What a run must leave as it found it in the process that hosts it. */
function processGlobals(): string {
  const listeners = Object.fromEntries(process.eventNames().map((name) => [String(name), process.listenerCount(name)]));
  return JSON.stringify({ exitCode: process.exitCode ?? null, cwd: process.cwd(), env: process.env, listeners });
}

let routed = false;
/**
 * Anything a run writes to process.stdout/stderr or the console itself (rather than through the `io` it
 * was given) goes to that run's output, not the test's: async context tells concurrent runs apart.
 */
function routeStrayOutput(): void {
  if (routed) return;
  routed = true;
  for (const [stream, key] of [[process.stdout, 'stdout'], [process.stderr, 'stderr']] as const) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const run = running.getStore();
      if (!run) return write(chunk, ...rest);
      run[key].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const run = running.getStore();
      if (!run) return original(...args);
      run[method === 'log' || method === 'info' || method === 'debug' ? 'stdout' : 'stderr'].push(`${format(...args)}\n`);
    };
  }
}

/**
 * `create-secure-aks ...args` in this process: the compiled `main` of dist/ (what the bin calls; `bin`
 * names another copy of the package, such as a release fixture, whose own `main` runs), with
 * `cwd` as its working folder, no terminal (a run never prompts), and everything the run prints captured
 * (Yeoman's log and the generators' `this.log` go to stderr, as the bin's do). `env` is added to this
 * process's environment for the run's tools (main's `io.env`: tool paths, PATH, HOME, time limits), as
 * `cli` adds it to the bin's; this process's own is not changed. Concurrent runs are fine;
 * process.exitCode, process.env, the working folder and the process's listeners are checked to be as they
 * were once no run is in flight. Tests of the process itself (exit, signals, crashes, start-up) use `cli`.
 */
export async function runCli(args: string[], cwd: string, bin: string = BIN, env?: Record<string, string>): Promise<CliResult> {
  const main = await compiledMain(bin);
  routeStrayOutput();
  if (inFlight++ === 0) globalsBefore = processGlobals();
  const output = { stdout: [] as string[], stderr: [] as string[] };
  const started = performance.now();
  let exitCode: number;
  try {
    exitCode = await running.run(output, () =>
      main(args, { out: (text) => output.stdout.push(text), err: (text) => output.stderr.push(text), cwd, interactive: false, ...(env ? { env: { ...process.env, ...env } } : {}) }),
    );
  } finally {
    if (--inFlight === 0) {
      const after = processGlobals();
      if (after !== globalsBefore) throw new Error(`an in-process run changed process-wide state:\nbefore ${globalsBefore}\nafter  ${after}`);
    }
  }
  // execa strips the final newline of a process's output; so does this, for the same assertions.
  const text = (parts: string[]) => parts.join('').replace(/\r?\n$/, '');
  return { exitCode, stdout: text(output.stdout), stderr: text(output.stderr), durationMs: performance.now() - started };
}
