// The bad-input corpus through the real app generator, run by yeoman-test in its in-memory file system
// (the same options the command line would pass): the run rejects with an InputError naming the key
// and the rule, the in-memory file system holds no pending write, and nothing on disk changed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { isFilePending } from 'mem-fs-editor/state';
import { afterAll, describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import AppGenerator from '../generators/app/index.ts';
import { InputError } from '../generators/core/support/problems.ts';
import { BAD_INPUTS } from './corpus/bad-inputs.ts';
import { expectedKey, optionsOf, prepare, problemLine, ruleMatches, snapshot } from './corpus/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'secure-aks-corpus-gen-'));
const cwd = process.cwd();
afterAll(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

const IN_MEMORY = BAD_INPUTS.filter((c) => !c.cliOnly);

describe('bad-input corpus through the generator, in memory', () => {
  it('has at least 60 cases the generator itself must refuse', () => {
    expect(IN_MEMORY.length).toBeGreaterThanOrEqual(60);
  });

  // Sequential: yeoman-test changes the process's working directory for each run.
  describe.each(IN_MEMORY)('$id', (testCase) => {
    it(`refuses ${testCase.description}: ${testCase.expect.key}`, async ({ skip }) => {
      // inDir creates the folder and makes it the working directory (and so the generator's
      // destination root) for this run, whatever the previous run left.
      const tmp = join(root, testCase.id);
      const run = helpers.run(AppGenerator as never, { namespace: 'secure-aks:app' }).inDir(tmp);
      expect(process.cwd()).toBe(tmp);
      const prepared = await prepare(testCase, tmp);
      try {
        if (prepared.skip) {
          console.warn(`SKIPPED ${testCase.id}: ${prepared.skip}`);
          skip();
        }
        const absoluteDestination = isAbsolute(prepared.destination) ? prepared.destination : undefined;
        const existedBefore = absoluteDestination ? existsSync(absoluteDestination) : false;
        const { options, positionals } = optionsOf(testCase.flags ?? []);
        const before = snapshot(tmp);

        run
          .withArguments([prepared.destination, ...positionals])
          // yeoman-test passes force: true by default; a user's run does not.
          .withOptions({ force: false, ...options, yes: true, ...(prepared.answers ? { answers: prepared.answers } : {}) } as never);
        const error: unknown = await run.then(
          () => undefined,
          (e: unknown) => e,
        );

        expect(error, 'the run did not fail').toBeDefined();
        expect((error as Error).name, String(error)).toBe('InputError');
        const key = expectedKey(testCase, prepared);
        expect((error as InputError).problems.map((p) => p.key), (error as Error).message).toContain(key);
        const line = problemLine((error as Error).message, key);
        expect(line, (error as Error).message).toBeDefined();
        expect(ruleMatches(line!, testCase.expect.rule), `rule ${String(testCase.expect.rule)} not in: ${line}`).toBe(true);
        expect(run.memFs.all().filter(isFilePending).map((f) => f.path), 'pending writes in the in-memory file system').toEqual([]);
        expect(snapshot(tmp)).toEqual(before);
        if (absoluteDestination) expect(existsSync(absoluteDestination)).toBe(existedBefore);
      } finally {
        prepared.release();
      }
    });
  });
});
