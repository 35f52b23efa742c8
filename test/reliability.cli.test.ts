// The bad-input corpus through the command line (the compiled `main` of dist/ that the bin calls, run in
// this process: helpers/cli.ts `runCli`), each case in its own real temp folder: exit code 1, a message
// naming the key and the rule, and nothing in the temp folder (destination, answers file, everything
// else) created or changed. That the bin itself exits 1 with such a message is in test/cli.test.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUTS } from './corpus/bad-inputs.ts';
import { argvOf, expectedKey, prepare, problemLine, ruleMatches, snapshot } from './corpus/harness.ts';
import { assertBuilt, runCli } from './helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'secure-aks-corpus-cli-'));

beforeAll(assertBuilt);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bad-input corpus on the command line', () => {
  it('has at least 60 cases with unique ids', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BAD_INPUTS.map((c) => c.id)).size).toBe(BAD_INPUTS.length);
  });

  describe.concurrent.each(BAD_INPUTS)('$id', (testCase) => {
    it(`refuses ${testCase.description}: ${testCase.expect.key}`, async ({ skip }) => {
      const tmp = mkdtempSync(join(root, `${testCase.id}-`));
      const prepared = await prepare(testCase, tmp);
      try {
        if (prepared.skip) {
          console.warn(`SKIPPED ${testCase.id}: ${prepared.skip}`);
          skip();
        }
        const absoluteDestination = isAbsolute(prepared.destination) ? prepared.destination : undefined;
        const existedBefore = absoluteDestination ? existsSync(absoluteDestination) : false;
        const before = snapshot(tmp);

        const result = await runCli(argvOf(testCase, prepared), tmp);

        const key = expectedKey(testCase, prepared);
        const line = problemLine(result.stderr, key);
        expect(result.exitCode, result.stderr).toBe(1);
        expect(line, `no problem line for key ${JSON.stringify(key)} in:\n${result.stderr}`).toBeDefined();
        expect(ruleMatches(line!, testCase.expect.rule), `rule ${String(testCase.expect.rule)} not in: ${line}`).toBe(true);
        expect(result.stderr).toMatch(/nothing was written/i);
        expect(result.stderr, 'a stack trace instead of a message').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
        for (const text of result.stderr.split('\n')) expect(text.length, 'a message line too long to read').toBeLessThan(600);
        expect(snapshot(tmp)).toEqual(before);
        if (absoluteDestination) expect(existsSync(absoluteDestination)).toBe(existedBefore);
      } finally {
        prepared.release();
      }
    });
  });
});
