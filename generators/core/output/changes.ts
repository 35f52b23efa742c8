// What a run says it did: one line per file in Yeoman's vocabulary, and on an upgrade the CHANGELOG
// entries between the version that wrote the repository and this one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../support/paths.ts';
import { compareVersions } from './provenance.ts';
import type { Action, FileChange } from './update.ts';

const WIDTH = Math.max(...(['create', 'identical', 'update', 'merge', 'keep', 'conflict', 'remove', 'force'] as const).map((a) => a.length));

/** Per-file lines; identical files are counted, not listed, unless nothing else happened. */
export function changeLines(changes: readonly FileChange[], labels: Partial<Record<string, Action | 'force'>> = {}): string[] {
  const shown = changes.filter((c) => c.action !== 'identical');
  const lines = shown.map((c) => `  ${(labels[c.path] ?? c.action).padStart(WIDTH)} ${c.path}${c.note ? `  (${c.note})` : ''}`);
  const identical = changes.length - shown.length;
  if (identical > 0 && shown.length > 0) lines.push(`  ${'identical'.padStart(WIDTH)} ${identical} other file${identical === 1 ? '' : 's'}`);
  return lines;
}

/** Counts per action, for one summary line: "3 created, 2 updated, 1 merged". */
export function changeCounts(changes: readonly FileChange[]): string {
  const words: Record<Action, string> = { create: 'created', update: 'updated', merge: 'merged', keep: 'kept', conflict: 'in conflict', remove: 'removed', identical: 'identical' };
  const counts = new Map<Action, number>();
  for (const c of changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  return (Object.keys(words) as Action[]).filter((a) => counts.has(a)).map((a) => `${counts.get(a)} ${words[a]}`).join(', ');
}

/** The CHANGELOG sections of versions after `from` up to and including `to` (Keep a Changelog format). */
export function changelogBetween(from: string, to: string, changelog = join(PACKAGE_ROOT, 'CHANGELOG.md')): string[] {
  if (!existsSync(changelog)) return [];
  const lines = readFileSync(changelog, 'utf8').split('\n');
  const out: string[] = [];
  let keep = false;
  for (const line of lines) {
    const heading = /^## \[([^\]]+)\]/.exec(line);
    if (heading) keep = heading[1] !== 'Unreleased' && compareVersions(heading[1]!, from) > 0 && compareVersions(heading[1]!, to) <= 0;
    else if (/^#{1,2} /.test(line) || /^\[[^\]]+\]: /.test(line)) keep = false;
    if (keep) out.push(line);
  }
  while (out.length > 0 && out.at(-1)!.trim() === '') out.pop();
  return out;
}
