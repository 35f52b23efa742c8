// Three-way structural merge for files that a user owns and the generator also changes (kustomizations,
// the pipeline's workload list, workloads.json, the README's workload table).
//   base: what the generator wrote for the stored answers; next: what it writes for the new answers;
//   disk: the file as its owner left it.
// The change base -> next is applied to disk as a structural edit: YAML through the `yaml` Document API
// (comments and unrelated edits survive), JSON likewise, other text by lines (text-merge.ts, diff3).
// Where the owner's edits make the change impossible, the merge fails with a reason; nothing is written.
import { isDeepStrictEqual } from 'node:util';
import type { Document, Node, YAMLMap, YAMLSeq } from 'yaml';
import { yamlLib } from '../support/lazy.ts';
import { mergeText, type TextConflict } from './text-merge.ts';

export type MergeResult = { ok: true; content: string } | { ok: false; reason: string; markers?: string };

class MergeConflict extends Error {}

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(path: string[]): string {
  return path.length === 0 ? 'the document' : path.join('.');
}

/** Applies base -> next to the disk node; returns a replacement value when the node itself changes. */
function mergeNode(doc: Document, base: unknown, next: unknown, disk: Node | null | undefined, path: string[]): { replace: unknown } | undefined {
  const { isMap, isScalar, isSeq } = yamlLib();
  if (same(base, next)) return undefined;
  const current = disk === null || disk === undefined ? disk : (disk as Node).toJSON();
  if (isPlainObject(base) && isPlainObject(next) && isMap(disk)) {
    mergeMap(doc, base, next, disk, path);
    return undefined;
  }
  if (Array.isArray(base) && Array.isArray(next) && isSeq(disk)) {
    mergeSeq(doc, base, next, disk, path);
    return undefined;
  }
  if (same(current, next)) return undefined;
  if (same(current, base)) {
    // A scalar changes in place, so its comments stay with it.
    if (isScalar(disk) && (next === null || typeof next !== 'object')) {
      disk.value = next;
      return undefined;
    }
    return { replace: next };
  }
  throw new MergeConflict(`${show(path)} was edited (it is no longer what the generator wrote there)`);
}

function mergeMap(doc: Document, base: Record<string, unknown>, next: Record<string, unknown>, disk: YAMLMap, path: string[]): void {
  for (const key of new Set([...Object.keys(base), ...Object.keys(next)])) {
    const at = [...path, key];
    const inBase = Object.hasOwn(base, key);
    const inNext = Object.hasOwn(next, key);
    if (inBase && inNext && same(base[key], next[key])) continue;
    const hasDisk = disk.has(key);
    if (!inNext) {
      if (hasDisk && !same((disk.get(key, true) as Node | undefined)?.toJSON?.() ?? disk.get(key), base[key])) {
        throw new MergeConflict(`${show(at)} was edited, and the generator would remove it`);
      }
      disk.delete(key);
    } else if (!inBase || !hasDisk) {
      if (!inBase && hasDisk) {
        const existing = disk.get(key, true) as Node | undefined;
        if (!same(existing?.toJSON?.() ?? existing, next[key])) throw new MergeConflict(`${show(at)} already exists with other content`);
        continue;
      }
      if (inBase && !hasDisk) throw new MergeConflict(`${show(at)} was removed, and the generator would change it`);
      disk.set(doc.createNode(key), doc.createNode(next[key]));
    } else {
      const child = disk.get(key, true) as Node;
      const result = mergeNode(doc, base[key], next[key], child, at);
      if (result) disk.set(doc.createNode(key), doc.createNode(result.replace));
    }
  }
}

/** The identity of a list item across versions: a mapping's `name` (kustomize, pipelines, Kubernetes). */
function identity(item: unknown): string | undefined {
  return isPlainObject(item) && typeof item.name === 'string' ? item.name : undefined;
}

function mergeSeq(doc: Document, base: unknown[], next: unknown[], disk: YAMLSeq, path: string[]): void {
  const itemsJson = () => disk.items.map((item) => (item as Node).toJSON?.() ?? item);
  const removed = base.filter((b) => !next.some((n) => same(n, b)));
  const added = next.filter((n) => !base.some((b) => same(b, n)));
  // An item that changed keeps its identity: merge into it, so comments inside it survive.
  for (const b of removed) {
    const id = identity(b);
    const n = id === undefined ? undefined : added.find((a) => identity(a) === id);
    const items = itemsJson();
    if (n !== undefined) {
      added.splice(added.indexOf(n), 1);
      const index = items.findIndex((d) => identity(d) === id);
      if (index < 0) throw new MergeConflict(`${show([...path, id!])} was removed, and the generator would change it`);
      const result = mergeNode(doc, b, n, disk.items[index] as Node, [...path, id!]);
      if (result) disk.items[index] = doc.createNode(result.replace);
    } else {
      // Items the change removes: drop them where the owner left them untouched.
      const index = items.findIndex((d) => same(d, b));
      if (index >= 0) disk.items.splice(index, 1);
    }
  }
  // Items the change adds: after the item that precedes them in the new list, else at the end.
  for (const item of added) {
    const items = itemsJson();
    if (items.some((d) => same(d, item))) continue;
    let insertAt = items.length;
    for (let p = next.indexOf(item) - 1; p >= 0; p--) {
      const anchor = items.findIndex((d) => same(d, next[p]) || (identity(next[p]) !== undefined && identity(d) === identity(next[p])));
      if (anchor >= 0) {
        insertAt = anchor + 1;
        break;
      }
    }
    disk.items.splice(insertAt, 0, doc.createNode(item));
  }
}

export function mergeYaml(base: string, next: string, disk: string): MergeResult {
  const options = { uniqueKeys: true, strict: true } as const;
  const { parseDocument } = yamlLib();
  const diskDoc = parseDocument(disk, options);
  if (diskDoc.errors.length > 0) return { ok: false, reason: `it no longer parses as YAML (${diskDoc.errors[0]!.message.split('\n')[0]})` };
  try {
    const result = mergeNode(diskDoc, parseDocument(base, options).toJS(), parseDocument(next, options).toJS(), diskDoc.contents as Node, []);
    if (result) diskDoc.contents = diskDoc.createNode(result.replace) as never;
  } catch (error) {
    if (error instanceof MergeConflict) return { ok: false, reason: error.message };
    throw error;
  }
  return { ok: true, content: diskDoc.toString({ lineWidth: 0 }) };
}

export function mergeJson(base: string, next: string, disk: string): MergeResult {
  let diskValue: unknown;
  try {
    diskValue = JSON.parse(disk);
  } catch (error) {
    return { ok: false, reason: `it no longer parses as JSON (${(error as Error).message})` };
  }
  const merged = mergeYaml(JSON.stringify(JSON.parse(base)), JSON.stringify(JSON.parse(next)), JSON.stringify(diskValue));
  if (!merged.ok) return merged;
  return { ok: true, content: `${JSON.stringify(yamlLib().parseDocument(merged.content).toJS(), null, 2)}\n` };
}

/**
 * Picks the merge for a file by its name: YAML and JSON by structure, everything else by lines (diff3).
 * Where the structural merge refuses, a line merge is tried too and taken only if its result still
 * parses; a failed merge carries the file with git-style conflict markers where lines can show them.
 */
export function mergeFile(path: string, base: string, next: string, disk: string): MergeResult {
  const structured = /\.ya?ml$/.test(path) ? mergeYaml : path.endsWith('.json') ? mergeJson : undefined;
  const byLines = mergeText(base, disk, next);
  if (!structured) {
    if (byLines.ok) return byLines;
    return { ok: false, reason: conflictLines(byLines.conflicts), markers: byLines.withMarkers };
  }
  const merged = structured(base, next, disk);
  if (merged.ok) return merged;
  if (byLines.ok && parses(path, byLines.content)) return byLines;
  return byLines.ok ? merged : { ...merged, markers: byLines.withMarkers };
}

function parses(path: string, content: string): boolean {
  if (path.endsWith('.json')) {
    try {
      JSON.parse(content);
      return true;
    } catch {
      return false;
    }
  }
  return yamlLib().parseAllDocuments(content, { uniqueKeys: true, strict: true }).every((d) => 'errors' in d && d.errors.length === 0);
}

function conflictLines(conflicts: TextConflict[]): string {
  const where = conflicts.map((c) => (c.lines[1] >= c.lines[0] ? (c.lines[0] === c.lines[1] ? `line ${c.lines[0]}` : `lines ${c.lines[0]}-${c.lines[1]}`) : `after line ${c.lines[1]}`));
  const first = conflicts[0]!;
  const sample = first.ours[0] ?? first.theirs[0];
  return `you and the generator changed the same lines (${where.join(', ')}${sample !== undefined ? `: ${JSON.stringify(sample.trim())}` : ''})`;
}
