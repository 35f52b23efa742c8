// Golden snapshots of the complete generated repository, for a few fixed answer sets, under
// test/golden/<case>/. Shared by test/golden.tree.test.ts (compares) and scripts/update-golden.mjs
// (rewrites on purpose: `npm run golden:update`); neither needs Yeoman, so this module must not
// import vitest or yeoman-test. The test also runs the real generator for every case and checks it
// writes exactly this tree (with the package's version where the snapshot has GOLDEN_VERSION).
//
// Stored names: a path segment starting with "." is stored as "dot-<rest>" (the templates' own
// convention), so a golden .gitignore, .yo-rc.json or .editorconfig never acts on this repository.
// Shell scripts the generator marks executable are stored executable (git keeps the bit).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext } from '../../generators/core/plan/context.ts';
import { writeOptions } from '../../generators/core/output/files.ts';
import { PACKAGE_NAME, templateRoot } from '../../generators/core/support/paths.ts';
import { formatProblem } from '../../generators/core/support/problems.ts';
import { renderTree } from '../../generators/core/output/render.ts';
import { resolveAnswers } from '../../generators/core/answers/resolve.ts';
import { answersVersion } from '../../generators/core/answers/migrations.ts';
import type { Answers } from '../../generators/core/answers/model.ts';
import { storedAnswers } from '../../generators/core/answers/environments.ts';
import { provenanceOf } from '../../generators/core/output/provenance.ts';
import { rcText } from '../../generators/core/run/repository.ts';
import type { AnswerInput } from './generate.ts';

export const GOLDEN_ROOT = fileURLToPath(new URL('../golden/', import.meta.url));
/** The generator version the snapshots show, so a version bump does not rewrite them. */
export const GOLDEN_VERSION = '0.0.0-golden';
/** Beside the case folders: the reviewed `bicep snapshot` of a case (test/helpers/golden-snapshot.ts). */
export const GOLDEN_SNAPSHOTS_DIR = 'snapshots';
/** The destination folder's name (the default `name`), as in the other generator tests. */
export const GOLDEN_FOLDER = 'contoso';

export interface GoldenCase {
  id: string;
  description: string;
  /** An answers file's content (what `--answers` would read). */
  answers: AnswerInput;
}

export const GOLDEN_CASES: GoldenCase[] = [
  { id: 'default', description: 'every default (generated into a folder named contoso)', answers: {} },
  {
    id: 'vmss-three-workloads',
    description: 'three workloads (two share a namespace, one is a worker, one has no secrets) on VM scale set agents, egress through a NAT gateway',
    answers: {
      name: 'shop',
      environment: 'prod',
      agentPool: 'vmss',
      egress: 'natGateway',
      agentMaxConcurrency: 4,
      workloads: [
        { name: 'orders', namespace: 'commerce', port: 8080, replicas: 2, secrets: ['orders-db', 'api-key'] },
        { name: 'payments', namespace: 'commerce', kind: 'worker', replicas: 3, secrets: ['psp-key'] },
        { name: 'web', namespace: 'frontend', port: 3000, replicas: 1, secrets: [] },
      ],
    },
  },
  { id: 'no-bastion', description: 'the defaults without Azure Bastion', answers: { bastion: false } },
];

export interface GoldenFile {
  content: string;
  executable: boolean;
}

export type GoldenTree = Map<string, GoldenFile>;

/** The stored answers file, as the app generator writes it (compared with the real run in the golden test). */
export function yoRc(answers: Answers, files: ReadonlyMap<string, string>, version: string): string {
  return rcText(undefined, storedAnswers(answers), provenanceOf(files, version, answersVersion()));
}

/** The tree the generator writes for a case (output path -> content and mode), rendered with `version`. */
export async function renderGolden(c: GoldenCase, version = GOLDEN_VERSION): Promise<GoldenTree> {
  const resolution = resolveAnswers({ file: c.answers as Record<string, unknown>, folderName: GOLDEN_FOLDER });
  if (!resolution.ok) throw new Error(`golden case ${c.id}: ${resolution.problems.map(formatProblem).join('; ')}`);
  const files = await renderTree(templateRoot('app'), buildContext(resolution.answers, version));
  const tree: GoldenTree = new Map();
  for (const [path, content] of [...files, ['.yo-rc.json', yoRc(resolution.answers, files, version)] as const]) {
    tree.set(path, { content, executable: ((writeOptions(path)?.stat.mode ?? 0o644) & 0o111) !== 0 });
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The stored name of an output path (".gitignore" -> "dot-gitignore"). */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      if (segment.startsWith('dot-')) throw new Error(`${path}: a generated name starting with "dot-" cannot be stored unambiguously in test/golden`);
      return segment.startsWith('.') ? `dot-${segment.slice(1)}` : segment;
    })
    .join('/');
}

export function decodePath(stored: string): string {
  return stored
    .split('/')
    .map((segment) => (segment.startsWith('dot-') ? `.${segment.slice(4)}` : segment))
    .join('/');
}

/** The snapshot of a case as stored under test/golden/<case>/ (empty when absent). */
export function readGolden(id: string): GoldenTree {
  const root = join(GOLDEN_ROOT, id);
  const tree: GoldenTree = new Map();
  if (!existsSync(root)) return tree;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const stored = relative(root, full).split(sep).join('/');
    tree.set(decodePath(stored), { content: readFileSync(full, 'utf8'), executable: (statSync(full).mode & 0o111) !== 0 });
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Replaces test/golden/<case>/ with the tree. */
export function writeGolden(id: string, tree: GoldenTree): void {
  const root = join(GOLDEN_ROOT, id);
  rmSync(root, { recursive: true, force: true });
  for (const [path, file] of tree) {
    const full = join(root, encodePath(path));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.content);
    chmodSync(full, file.executable ? 0o755 : 0o644);
  }
}

export interface GoldenDiff {
  missing: string[];
  extra: string[];
  changed: string[];
  modes: string[];
}

/** How the stored snapshot differs from the expected tree. */
export function diffGolden(expected: GoldenTree, stored: GoldenTree): GoldenDiff {
  const diff: GoldenDiff = { missing: [], extra: [], changed: [], modes: [] };
  for (const [path, file] of expected) {
    const have = stored.get(path);
    if (!have) diff.missing.push(path);
    else {
      if (have.content !== file.content) diff.changed.push(path);
      if (have.executable !== file.executable) diff.modes.push(path);
    }
  }
  for (const path of stored.keys()) if (!expected.has(path)) diff.extra.push(path);
  return diff;
}

export function isClean(diff: GoldenDiff): boolean {
  return diff.missing.length + diff.extra.length + diff.changed.length + diff.modes.length === 0;
}

/** The first lines where two texts differ, with a little context, for a failure message. */
export function firstDifference(expected: string, stored: string, context = 2): string {
  const a = expected.split('\n');
  const b = stored.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - context);
  const lines = [`@@ line ${i + 1} @@`];
  for (let k = from; k < i; k++) lines.push(`  ${a[k]}`);
  for (let k = i; k < Math.min(b.length, i + context + 1); k++) lines.push(`- ${b[k]}`);
  for (let k = i; k < Math.min(a.length, i + context + 1); k++) lines.push(`+ ${a[k]}`);
  return lines.join('\n');
}
