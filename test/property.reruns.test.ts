// Re-runs of the real app generator over its own output (yeoman-test, real temp folders), for
// random valid answer sets and a random change of one answer (seeded like the generation property:
// PROPERTY_SEED). test/cli.test.ts covers the same through the bin for the defaults, and
// --force/--skip-existing without a terminal; these add, for any answers:
//   - the same answers again, interactive: nothing is asked and no file is touched;
//   - one answer changed, with an owner's edit in a file that does not depend on it: nothing stops or
//     asks; exactly the files whose content depends on the answer change, files no longer generated
//     go, and the edit survives;
//   - interactive, with an owner's edit on a line the change rewrites: the update engine asks about
//     that file and nothing else (not about files the run writes, merges, removes or leaves to their
//     owner); "keep mine" keeps the edits;
//   - a failure injected at a random point of rendering: the run fails and nothing on disk changes.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isFilePending } from 'mem-fs-editor/state';
import { describe, expect, it, vi } from 'vitest';
import helpers from 'yeoman-test';
import AppGenerator from '../generators/app/index.ts';
import { buildContext } from '../generators/core/plan/context.ts';
import * as escape from '../generators/core/plan/escape.ts';
import { KEYS, type Answers } from '../generators/core/answers/model.ts';
import { PACKAGE_VERSION, templateRoot } from '../generators/core/support/paths.ts';
import { mergeFile } from '../generators/core/output/merge.ts';
import { renderTree } from '../generators/core/output/render.ts';
import { resolveAnswers } from '../generators/core/answers/resolve.ts';
import { answerSet, FOLDER_NAME } from './helpers/arbitraries.ts';
import { compileInfra, formatDiagnostics, infraOnDisk, mainErrors } from './helpers/bicep.ts';
import { snapshot } from './helpers/cli.ts';
import type { AnswerInput } from './helpers/generate.ts';
import { findTool, recordingStandIn } from './helpers/tools.ts';

const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : 20260427;
/** Each pair costs five generator runs: two pairs keep the file within a few seconds. */
const PAIRS = 2;

/** The answers a run resolves from an answers file, over the answers an earlier run stored. */
function resolved(input: AnswerInput, stored?: Answers): Answers | undefined {
  const resolution = resolveAnswers({
    file: input as Record<string, unknown>,
    ...(stored ? { stored: stored as unknown as Record<string, unknown> } : {}),
    folderName: FOLDER_NAME,
  });
  return resolution.ok ? resolution.answers : undefined;
}

/**
 * A valid answer set, and its answers file with one answer set to another valid value. A re-run
 * resolves the edited file over the answers the first run stored (so derived defaults such as the
 * registry name keep their stored values); pairs where that changes nothing are skipped.
 */
const pairs = fc
  .tuple(answerSet, answerSet, fc.constantFrom(...KEYS), fc.nat())
  .map(([before, other, key, failPoint]) => ({ before, after: { ...before, [key]: (other as Record<string, unknown>)[key] } as AnswerInput, key, failPoint }))
  .filter(({ before, after, key }) => {
    if ((after as Record<string, unknown>)[key] === undefined) return false;
    const first = resolved(before);
    const second = first && resolved(after, first);
    return second !== undefined && JSON.stringify(first) !== JSON.stringify(second);
  })
  .map((pair) => {
    const first = resolved(pair.before)!;
    return { ...pair, first, second: resolved(pair.after, first)! };
  });

const CASES = fc.sample(pairs, { seed: SEED, numRuns: PAIRS });
const bicepPath = findTool('bicep');

/**
 * An owner's edit that keeps a file valid in its own language (Bicep and the parameter file: //; YAML,
 * shell, env, Dockerfile and config files: #; Markdown: plain text), so the run's self-check, which
 * compiles and renders what it keeps, passes. JSON has no comments: no JSON file is edited.
 */
function comment(path: string): string {
  return /\.(bicep|bicepparam)$/.test(path) ? '//' : /\.md$/.test(path) ? '' : '#';
}

async function render(answers: Answers): Promise<Map<string, string>> {
  return renderTree(templateRoot('app'), buildContext(answers, PACKAGE_VERSION));
}

function answersFile(input: AnswerInput | Answers): string {
  const path = join(mkdtempSync(join(tmpdir(), 'secure-aks-rerun-answers-')), 'answers.json');
  writeFileSync(path, JSON.stringify(input));
  return path;
}

/** The real app generator in an existing folder (yeoman-test's cd keeps its content). */
function run(dir: string, options: Record<string, unknown>, environment: Record<string, unknown> = {}) {
  return helpers
    .run(AppGenerator as never, { namespace: 'secure-aks:app' }, environment as never)
    .cd(dir)
    .withOptions({ yes: true, force: false, ...options } as never);
}

/** Paths whose content or modification time differ between two snapshots, and those added or removed. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/**
 * Runs `body` with `before` called ahead of every call of the escaping helpers the templates use
 * (ctx.bicep.str, ctx.yaml.str, ctx.md.text); returns how many calls there were.
 */
async function withEscapes(before: () => void, body: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const targets = [
    [escape.bicep, 'str'],
    [escape.yaml, 'str'],
    [escape.md, 'text'],
  ] as const;
  const spies = targets.map(([object, method]) => {
    const real = (object as unknown as Record<string, (value: string) => string>)[method]!;
    return vi.spyOn(object as unknown as Record<string, (value: string) => string>, method).mockImplementation((value: string) => {
      calls++;
      before();
      return real(value);
    });
  });
  try {
    await body();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return calls;
}

describe.each(CASES.map((c, i) => [i + 1, c] as const))(`re-runs (seed ${SEED}), pair %i`, (_, { before, after, key, failPoint, first: firstAnswers, second: secondAnswers }) => {
  const context = `changed answer: ${key}\nbefore: ${JSON.stringify(before)}\nafter: ${JSON.stringify(after)}`;

  it(`same answers: nothing asked, nothing touched; ${key} changed: exactly its files; edits elsewhere survive; a failure mid-render changes nothing; a conflicting edit is asked about`, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'secure-aks-rerun-')), FOLDER_NAME);
    const first = await helpers
      .run(AppGenerator as never, { namespace: 'secure-aks:app' })
      .inDir(dir)
      .withOptions({ yes: true, force: false, answers: answersFile(before) } as never);
    const [oldTree, newTree] = await Promise.all([render(firstAnswers), render(secondAnswers)]);
    const generated = snapshot(first.cwd);
    expect([...generated.keys()].sort(), context).toEqual([...oldTree.keys(), '.yo-rc.json'].sort());

    // 1. The same answers again, interactive, no flags: every answer is stored, so nothing is asked.
    const same = await run(dir, { yes: false, interactive: true });
    expect(same.askedQuestions, context).toEqual([]);
    expect(changes(generated, snapshot(dir)), context).toEqual([]);

    // 2. A failure at a random point of rendering (the escaping helpers every template calls throw on
    //    their n-th call, counted together): the run fails and nothing on disk changes.
    const total = await withEscapes(() => undefined, () => render(secondAnswers));
    expect(total, 'the templates escape values through ctx.bicep/yaml/md').toBeGreaterThan(2);
    const failAt = 2 + (failPoint % (total - 1));
    let count = 0;
    const broken = run(dir, { answers: answersFile(after), 'allow-destructive': true });
    await withEscapes(
      () => {
        if (++count === failAt) throw new Error(`injected failure at escape ${failAt} of ${total}`);
      },
      () => expect(broken).rejects.toThrow(/injected failure/),
    );
    expect(count, 'the failure came in the middle of rendering').toBeGreaterThanOrEqual(failAt);
    expect(broken.memFs.all().filter(isFilePending).map((f) => f.path), 'pending writes').toEqual([]);
    expect(changes(generated, snapshot(dir)), context).toEqual([]);

    // 3. One answer changed, after an owner's edit in a file that does not depend on it. The edit is
    //    the owner's and the generator has nothing new for that file, so the run neither stops nor
    //    asks: exactly the files that depend on the answer change (and files no longer generated go),
    //    and the edit survives.
    const unaffected = [...oldTree.keys()].filter((p) => newTree.get(p) === oldTree.get(p) && !p.endsWith('.json')).sort();
    const edited = unaffected[failPoint % Math.max(1, unaffected.length)];
    const note = (path: string) => `\n${comment(path)} owner note\n`;
    if (edited) appendFileSync(join(dir, edited), note(edited));
    const beforeChange = snapshot(dir);
    const changed = await run(dir, { answers: answersFile(after), 'allow-destructive': true });
    expect(changed.askedQuestions).toEqual([]);
    const expected = [...new Set([...oldTree.keys(), ...newTree.keys()])].filter((p) => oldTree.get(p) !== newTree.get(p));
    expect(changes(beforeChange, snapshot(dir)), context).toEqual([...expected, '.yo-rc.json'].sort());
    for (const [path, content] of newTree) if (path !== edited) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(content);
    if (edited) expect(readFileSync(join(dir, edited), 'utf8'), edited).toBe(`${oldTree.get(edited)}${note(edited)}`);

    // 4. Back to the first answers, interactive, after also editing a file that depends on the change,
    //    on a line the change rewrites: the run asks about that file, and only that one (not about the
    //    files it writes, merges or removes on its own); "keep mine" keeps both edits and everything
    //    else follows the answers.
    //    The edit is a comment in the file's own language, so the kept file stays valid and the run's
    //    self-check (Bicep, kustomize where installed) passes; JSON has no comments, so no JSON file.
    const affected = [...newTree.keys()].filter((p) => oldTree.has(p) && oldTree.get(p) !== newTree.get(p) && !p.endsWith('.json')).sort();
    const conflicting = affected[failPoint % Math.max(1, affected.length)];
    if (!conflicting) return;
    const lines = newTree.get(conflicting)!.split('\n');
    const oldLines = oldTree.get(conflicting)!.split('\n');
    const at = lines.findIndex((line, i) => line !== oldLines[i]);
    lines[at] = `${lines[at]} ${comment(conflicting)} owner-edit`;
    writeFileSync(join(dir, conflicting), lines.join('\n'));
    const ownerVersion = readFileSync(join(dir, conflicting), 'utf8');
    const asked: string[] = [];
    // The self-check after keeping the owner's version: kubectl is the real one; bicep a stand-in that
    // records its calls, and the kept tree is compiled below with the real compiler (the run's one
    // jsonrpc process) instead of two Bicep CLI start-ups of seconds each.
    const bicep = recordingStandIn('bicep');
    const savedBicep = process.env.BICEP_PATH;
    process.env.BICEP_PATH = bicep.path;
    let back;
    try {
      back = await run(dir, { yes: false, interactive: true, 'allow-destructive': true, answers: answersFile(firstAnswers) })
        .withAnswers({ choice: 'ours' } as never)
        .withAdapterOptions({
          callback: (answer: unknown, options: { question: { name?: string; message?: unknown } }) => {
            asked.push(String(options.question.message));
            return answer;
          },
        } as never);
    } finally {
      if (savedBicep === undefined) delete process.env.BICEP_PATH;
      else process.env.BICEP_PATH = savedBicep;
    }
    // Where the merge can take both (a YAML comment on a scalar the generator changes: by structure),
    // nothing is asked and the file gets both; otherwise the run asks about that file, and only that one.
    const merged = mergeFile(conflicting, newTree.get(conflicting)!, oldTree.get(conflicting)!, ownerVersion);
    if (!merged.ok) expect(bicep.calls().sort(), `${context}\nthe self-check after keeping ${conflicting}`).toEqual(['lint infra/main.bicep']);
    if (bicepPath) {
      const errors = mainErrors(await compileInfra(infraOnDisk(dir)));
      expect(errors, `${context}\n${formatDiagnostics(errors)}`).toEqual([]);
    }
    expect(back.askedQuestions.map((q) => q.name), context).toEqual(merged.ok ? [] : ['choice']);
    // The unaffected file's edit is the owner's: kept without a question.
    expect(asked.map((message) => message.split(':')[0]), context).toEqual(merged.ok ? [] : [conflicting]);
    if (edited) expect(readFileSync(join(dir, edited), 'utf8'), edited).toBe(`${oldTree.get(edited)}${note(edited)}`);
    expect(readFileSync(join(dir, conflicting), 'utf8')).toBe(merged.ok ? merged.content : ownerVersion);
    for (const [path, content] of oldTree) if (path !== conflicting && path !== edited) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(content);
  }, 60_000);
});
