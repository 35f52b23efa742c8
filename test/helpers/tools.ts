// Finds the real external tools the output is checked with. Where a tool is absent its tests skip
// with a loud message; with REQUIRE_BICEP=1 (set by .ci/run) every tool is required and a missing one fails.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const REQUIRED = process.env.REQUIRE_BICEP === '1';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function installed(relative: string): string | undefined {
  const candidate = join(ROOT, '.tools', relative);
  return existsSync(candidate) ? candidate : undefined;
}

export type ToolName = 'bicep' | 'kubectl' | 'yamllint' | 'shellcheck';

const INSTALL_HINT: Record<ToolName, string> = {
  bicep: 'run scripts/install-bicep.sh, or set BICEP_PATH',
  kubectl: 'run scripts/install-kubectl.sh, or set KUBECTL_PATH',
  yamllint: 'apt-get install yamllint',
  shellcheck: 'apt-get install shellcheck',
};

const cache = new Map<ToolName, string | undefined>();

// Checking that a tool runs costs a process (about a second for the Bicep CLI): the run's main process
// checks each tool once (shareTools, from test/helpers/global-setup.ts) and its test workers, whose
// parent it is, read what it found.
const ALL_TOOLS: ToolName[] = ['bicep', 'kubectl', 'yamllint', 'shellcheck'];
const sharedFile = (pid: number) => join(tmpdir(), `secure-aks-tools-${pid}.json`);
const SHARED = sharedFile(process.ppid);
if (existsSync(SHARED)) {
  try {
    const found = JSON.parse(readFileSync(SHARED, 'utf8')) as Record<string, string | null>;
    // (A path that has gone since is checked again below.)
    for (const name of ALL_TOOLS) if (name in found && (found[name] === null || existsSync(found[name]!))) cache.set(name, found[name] ?? undefined);
  } catch {
    // Unreadable: every tool is checked here instead.
  }
}

/** Checks every tool once for the whole run and shares the result with the workers; returns how to clean up. */
export function shareTools(): () => void {
  const file = sharedFile(process.pid);
  writeFileSync(file, JSON.stringify(Object.fromEntries(ALL_TOOLS.map((name) => [name, findTool(name) ?? null]))));
  return () => rmSync(file, { force: true });
}

/** The tool's path: an explicit *_PATH variable, then PATH, then the copy scripts/install-*.sh made. */
export function findTool(name: ToolName): string | undefined {
  if (cache.has(name)) return cache.get(name);
  const explicit = process.env[`${name.toUpperCase()}_PATH`];
  let found: string | undefined;
  if (explicit && existsSync(explicit)) found = explicit;
  else if (name === 'bicep') found = onPath('bicep') ?? installed('bicep/packages/azure.bicep.commandline.linux-x64/0.49.2/tools/bicep');
  else if (name === 'kubectl') found = onPath('kubectl') ?? installed('kubectl/bin/kubectl');
  else found = onPath(name);
  if (found) {
    try {
      execFileSync(found, name === 'kubectl' ? ['version', '--client'] : ['--version'], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      found = undefined;
    }
  }
  cache.set(name, found);
  return found;
}

/**
 * For `describe.skipIf(!tool)`: returns the path, or undefined after printing a loud warning.
 * Throws when REQUIRE_BICEP=1, so CI fails instead of skipping.
 */
export function toolOrSkip(name: ToolName): string | undefined {
  const path = findTool(name);
  if (path) return path;
  const message = `${name} is not installed (${INSTALL_HINT[name]}); the tests that need it are SKIPPED`;
  if (REQUIRED) throw new Error(`REQUIRE_BICEP=1: ${message.replace('are SKIPPED', 'cannot run')}`);
  console.warn(`\n${'!'.repeat(100)}\n!! ${message}\n${'!'.repeat(100)}\n`);
  return undefined;
}

/**
 * A stand-in for a tool: a script that records each call's arguments (one line each) and exits 0.
 * For runs whose subject is not the tool: the test checks what the real tool would have said another
 * way (the Bicep compiler of helpers/bicep.ts, one process for the whole run).
 */
export function recordingStandIn(name: ToolName): { path: string; calls: () => string[]; reset: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'secure-aks-stand-in-'));
  const path = join(dir, name);
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  writeFileSync(path, `#!/bin/sh\necho "$*" >> '${log}'\nexit 0\n`);
  chmodSync(path, 0o755);
  return { path, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean), reset: () => writeFileSync(log, '') };
}
