// The layout's rules (ARCHITECTURE.md, .dependency-cruiser.cjs) hold on generators/, and they are not
// a formality: a planted import circle (through types only) and a planted import against the stage
// order are both reported, by rule name, with a non-zero exit.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');

function cruise(cwd: string): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [depcruise, 'generators', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('generators/ layout', () => {
  it('has a folder per stage under core/ and no module outside them', () => {
    const entries = readdirSync(join(root, 'generators', 'core'), { withFileTypes: true });
    expect(entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()).toEqual(['answers', 'output', 'plan', 'run', 'support']);
    expect(entries.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
  });

  it('has no import circle and no import against the stage order', () => {
    const result = cruise(root);
    expect(result.out).toContain('no dependency violations found');
    expect(result.code).toBe(0);
  });

  it('reports a type-only circle and an import against the stage order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secure-aks-layout-'));
    temp.push(dir);
    for (const entry of ['generators', '.dependency-cruiser.cjs', 'tsconfig.json']) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    // plan/workload.ts <- plan/context-core.ts already; this closes a circle through types alone.
    appendFileSync(join(dir, 'generators/core/plan/workload.ts'), "import type { CoreContext } from './context-core.ts';\nexport type Planted = CoreContext;\n");
    // answers/ must not know about output/.
    appendFileSync(join(dir, 'generators/core/answers/rules.ts'), "import type { UpdatePlan } from '../output/update.ts';\nexport type Planted = UpdatePlan;\n");
    const result = cruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(/no-circular: generators\/core\/plan\/context-core\.ts → \s*generators\/core\/plan\/workload\.ts →\s*generators\/core\/plan\/context-core\.ts/);
    expect(result.out).toMatch(/stage-order-answers: generators\/core\/answers\/rules\.ts → generators\/core\/output\/update\.ts/);
  });
});

describe('the repository itself', () => {
  it('has no merge conflict marker left in a tracked text file', () => {
    // A marker line left by a merge once reached README.md unnoticed.
    const marker = new RegExp(`^(${'<'.repeat(7)}|${'>'.repeat(7)}|${'='.repeat(7)}$)`, 'm');
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    const marked = files.filter((file) => {
      if (!lstatSync(join(root, file)).isFile()) return false;
      const text = readFileSync(join(root, file));
      return !text.includes(0) && marker.test(text.toString('utf8'));
    });
    expect(marked).toEqual([]);
  });
});
