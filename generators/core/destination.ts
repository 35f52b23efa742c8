// Checks on the destination folder before anything is resolved or written.
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from './problems.ts';
import { PACKAGE_NAME } from './paths.ts';

/** Entries a folder may hold and still count as empty (a fresh `git init` or clone). */
const IGNORED_ENTRIES = new Set(['.git']);

export function isSecureAksRepository(dir: string): boolean {
  const rc = join(dir, '.yo-rc.json');
  if (!existsSync(rc)) return false;
  try {
    const parsed = JSON.parse(readFileSync(rc, 'utf8')) as Record<string, unknown>;
    return typeof parsed[PACKAGE_NAME] === 'object' && parsed[PACKAGE_NAME] !== null;
  } catch {
    return false;
  }
}

export function checkDestination(dir: string, label: string): Problem[] {
  const key = 'destination';
  if (existsSync(dir)) {
    const stat = statSync(dir);
    if (!stat.isDirectory()) return [{ key, value: label, rule: 'is a file, not a folder' }];
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return [{ key, value: label, rule: 'is not writable' }];
    }
    const entries = readdirSync(dir).filter((e) => !IGNORED_ENTRIES.has(e));
    if (entries.length > 0 && !isSecureAksRepository(dir)) {
      return [{ key, value: label, rule: 'is a folder with files that is not a secure-aks repository (no .yo-rc.json from generator-secure-aks); choose a new or empty folder' }];
    }
    return [];
  }
  // The nearest existing ancestor must be a writable folder.
  let parent = dirname(dir);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) return [{ key, value: label, rule: `cannot be created: ${parent} is a file` }];
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    return [{ key, value: label, rule: `cannot be created: ${parent} is not writable` }];
  }
  return [];
}
