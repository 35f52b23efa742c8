// Golden output: the complete generated repository for a few fixed answer sets is stored under
// test/golden/<case>/, so every change to any emitted file (content, presence or executable bit)
// shows up as a reviewable diff. `npm run golden:update` regenerates the snapshots on purpose.
// The real generator is run for every case too, and must write exactly the snapshot's tree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from '../generators/core/support/paths.ts';
import { runApp } from './helpers/generate.ts';
import {
  GOLDEN_CASES,
  GOLDEN_FOLDER,
  GOLDEN_ROOT,
  GOLDEN_SNAPSHOTS_DIR,
  diffGolden,
  firstDifference,
  isClean,
  readGolden,
  renderGolden,
  type GoldenTree,
} from './helpers/golden.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UPDATE_HINT = 'run `npm run golden:update` and review the diff if the change is intended';

const expected = new Map<string, GoldenTree>();
beforeAll(async () => {
  for (const c of GOLDEN_CASES) expected.set(c.id, await renderGolden(c));
});

/** Every file the run left in the destination folder: content and executable bit. */
function diskTree(dir: string): GoldenTree {
  const tree: GoldenTree = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    tree.set(relative(dir, full).split(sep).join('/'), { content: readFileSync(full, 'utf8'), executable: (statSync(full).mode & 0o111) !== 0 });
  }
  return tree;
}

describe.each(GOLDEN_CASES.map((c) => [c.id, c] as const))('golden %s', (id, c) => {
  it(`test/golden/${id} holds exactly the generated tree (${c.description})`, () => {
    const want = expected.get(id)!;
    const stored = readGolden(id);
    const diff = diffGolden(want, stored);
    if (!isClean(diff)) {
      const lines = [
        `test/golden/${id} differs from what the generator now writes; ${UPDATE_HINT}.`,
        ...diff.missing.map((p) => `  new file (not in the snapshot): ${p}`),
        ...diff.extra.map((p) => `  no longer generated:            ${p}`),
        ...diff.modes.map((p) => `  executable bit differs:         ${p}`),
        ...diff.changed.map((p) => `  content differs:                ${p}\n${firstDifference(want.get(p)!.content, stored.get(p)!.content).replace(/^/gm, '      ')}`),
      ];
      expect.fail(lines.join('\n'));
    }
    expect(stored.size).toBe(want.size);
  });

  it('the real generator (answers file, --yes, in a fresh folder) writes exactly this tree, with the package version', async () => {
    const answersFile = join(mkdtempSync(join(tmpdir(), 'secure-aks-golden-answers-')), 'answers.json');
    writeFileSync(answersFile, JSON.stringify(c.answers));
    const dir = join(mkdtempSync(join(tmpdir(), 'secure-aks-golden-')), GOLDEN_FOLDER);
    const result = await runApp({ answers: answersFile }, dir);
    const written = diskTree(result.cwd);
    const want = await renderGolden(c, PACKAGE_VERSION);
    const diff = diffGolden(want, written);
    expect(diff, `the generator's output differs from renderGolden(${id}): ${JSON.stringify(diff)}`).toEqual({ missing: [], extra: [], changed: [], modes: [] });
  });
});

describe('test/golden is inert in this repository', () => {
  const stored = () =>
    readdirSync(GOLDEN_ROOT, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'));

  it('holds only the cases (and the reviewed bicep snapshots), and nothing vitest, tsc, git, Yeoman or an editor would read as its own (no dotfiles, no .ts)', () => {
    const dirs = readdirSync(GOLDEN_ROOT, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(dirs, UPDATE_HINT).toEqual([...GOLDEN_CASES.map((c) => c.id), GOLDEN_SNAPSHOTS_DIR].sort());
    const files = stored();
    expect(files.length).toBeGreaterThan(GOLDEN_CASES.length * 40);
    // vitest includes test/**/*.test.ts and tsc test/**/*.ts; a dotfile (.gitignore, .yo-rc.json,
    // .editorconfig, .yamllint.yaml) would apply to this repository's own files.
    expect(files.filter((f) => f.endsWith('.ts') || f.split('/').some((s) => s.startsWith('.')))).toEqual([]);
  });

  it('git would commit every snapshot file (this repository ignores none of them)', () => {
    let ignored = '';
    try {
      ignored = execFileSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: ROOT, input: stored().join('\n'), encoding: 'utf8' });
    } catch (error) {
      const e = error as { status?: number; stdout?: string };
      // Exit 1: nothing is ignored; 128: not a git checkout (nothing to check).
      if (e.status !== 1 && e.status !== 128) throw error;
    }
    expect(ignored.split('\n').filter(Boolean)).toEqual([]);
  });
});
