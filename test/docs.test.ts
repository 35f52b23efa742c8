// The derived artefacts (answers.schema.json, the README's answers table, --help) agree with the model.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FIELDS, flagOf } from '../generators/core/answers/model.ts';
import { answersSchema, helpText, README_TABLE_END, README_TABLE_START, readmeAnswersTable } from '../generators/core/answers/options.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const shipped = JSON.parse(readFileSync(new URL('../answers.schema.json', import.meta.url), 'utf8'));

function readmeExampleAnswers(): unknown {
  const block = /### Answers file\s+```yaml\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no answers file example');
  return parse(block[1]!);
}

describe('answers.schema.json', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile(shipped);

  it('is the schema derived from the model (run npm run build to refresh)', () => {
    expect(shipped).toEqual(answersSchema());
  });

  it('accepts the README example answers file', () => {
    expect(validate(readmeExampleAnswers()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a misspelt key, at the top and in a workload', () => {
    expect(validate({ name: 'orders', acrname: 'x' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'acrname' } });
    expect(validate({ workloads: [{ name: 'api', prot: 8080 }] })).toBe(false);
  });

  it('rejects wrong types and values outside closed sets', () => {
    expect(validate({ userNodeMinCount: '3' })).toBe(false);
    expect(validate({ agentPool: 'hosted' })).toBe(false);
    expect(validate({ workloads: [{ name: 'api', port: 80 }] })).toBe(false);
  });

  it('covers every key of the model', () => {
    expect(Object.keys(shipped.properties).filter((k) => k !== '$schema')).toEqual(FIELDS.map((f) => f.key));
  });
});

describe('README', () => {
  it('has the answers table the model derives (run npm run docs to refresh)', () => {
    const start = readme.indexOf(README_TABLE_START);
    const end = readme.indexOf(README_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + README_TABLE_START.length, end).trim()).toBe(readmeAnswersTable());
  });

  it('shows the generate and test commands on its first screen', () => {
    const firstScreen = readme.split('\n').slice(0, 25).join('\n');
    expect(firstScreen).toContain('node bin/create-secure-aks.js ../my-service --yes');
    expect(firstScreen).toMatch(/^npm test\b/m);
  });

  it('the resolve example in the README is what the CLI prints', () => {
    // Kept honest by cli.test.ts, which runs the same command; here: the keys it names exist.
    for (const key of ['name', 'adminGroupObjectIds', 'addressSpace']) expect(FIELDS.map((f) => f.key)).toContain(key);
  });
});

describe('--help', () => {
  const help = helpText('create-secure-aks');
  it('lists every answer of the model as a flag with its description and default', () => {
    for (const field of FIELDS) {
      if ('fileOnly' in field && field.fileOnly) continue;
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${flagOf(field.key)} `));
      expect(line, field.key).toBeDefined();
      expect(line).toContain(field.description);
      expect(line).toContain(`Default: ${field.defaultText}.`);
    }
  });
});
