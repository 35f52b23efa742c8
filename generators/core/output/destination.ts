// Checks on the destination folder before anything is resolved or written.
import { accessSync, constants, existsSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from '../support/problems.ts';
import { PACKAGE_NAME } from '../support/paths.ts';
import { JOURNAL_FILE, LOCK_FILE, lockHolder } from './safe-write.ts';

/** Entries a folder may hold and still count as empty (a fresh `git init` or clone). */
const IGNORED_ENTRIES = new Set(['.git']);

/** Linux file systems (statfs f_type) that are views of the kernel, not storage. */
const VIRTUAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
]);

function virtualFileSystem(dir: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return VIRTUAL_FILE_SYSTEMS.get(Number(statfsSync(dir).type));
  } catch {
    return undefined;
  }
}

/** Why `dir` is not a repository this generator wrote, or undefined when it is one. */
function repositoryProblem(dir: string): string | undefined {
  const rc = join(dir, '.yo-rc.json');
  return storedAnswersProblem(existsSync(rc) ? readFileSync(rc, 'utf8') : undefined);
}

/**
 * Why a .yo-rc.json text (undefined: no file) holds no answers of this generator, or undefined when it
 * does. Callers read the file their own way (the disk, or Yeoman's in-memory file system).
 */
export function storedAnswersProblem(text: string | undefined): string | undefined {
  if (text === undefined) return 'no .yo-rc.json from generator-secure-aks';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `its .yo-rc.json is not valid JSON: ${(error as Error).message.split('\n')[0]}`;
  }
  const stored = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[PACKAGE_NAME] : undefined;
  return stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? undefined : 'its .yo-rc.json holds no generator-secure-aks answers';
}

export function checkDestination(dir: string, label: string): Problem[] {
  // A path is shown whole: the user must recognise the folder (an answer's long value is cut instead).
  const problem = (rule: string): Problem[] => [{ key: 'destination', value: label, whole: true, rule }];
  if (existsSync(dir)) {
    const stat = statSync(dir);
    if (!stat.isDirectory()) return problem('is a file, not a folder');
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return problem('is not writable');
    }
    const holder = lockHolder(nodeFs, dir);
    if (holder && !holder.stale) {
      return problem(`is being written by another run (process ${holder.pid}, since ${holder.started}); wait for it to finish`);
    }
    const entries = readdirSync(dir).filter((e) => !IGNORED_ENTRIES.has(e) && e !== LOCK_FILE);
    // A first run that was interrupted left its journal and no .yo-rc.json yet: the next run completes it.
    const interrupted = entries.includes(JOURNAL_FILE);
    const notRepository = entries.length > 0 && !interrupted ? repositoryProblem(dir) : undefined;
    if (notRepository) {
      return problem(`is a folder with files that is not a secure-aks repository (${notRepository}); choose a new or empty folder`);
    }
    return [];
  }
  // The nearest existing ancestor must be a writable folder.
  let parent = dirname(dir);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) return problem(`cannot be created: ${parent} is a file`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    return problem(`cannot be created: ${parent} is not writable`);
  }
  // Even root, for whom every folder passes the access check, cannot create folders in the kernel's file systems.
  const virtual = virtualFileSystem(parent);
  if (virtual) return problem(`cannot be created: ${parent} is on ${virtual}, a kernel file system that holds no files of yours`);
  return [];
}
