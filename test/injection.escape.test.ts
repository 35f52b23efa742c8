// The escaping helpers of generators/core/plan/escape.ts, checked with the real consumers: every payload
// through bicep.str is compiled by the real Bicep compiler (the CLI's jsonrpc mode) and must come out of the ARM JSON unchanged;
// through yaml.str it must parse (strict, unique keys) to exactly itself in every YAML position the
// templates use; through md.text it must stay inside its table cell, with no HTML and no line break.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bicep, md, yaml } from '../generators/core/plan/escape.ts';
import { ALL_PAYLOADS } from './corpus/injection-payloads.ts';
import { bicepRpc } from './helpers/bicep.ts';
import { toolOrSkip } from './helpers/tools.ts';

/** Well-formed strings from the whole of Unicode (no lone surrogates), reproducible. */
const RANDOM = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { numRuns: 120, seed: 20260 });
const PAYLOADS = [...ALL_PAYLOADS, ...RANDOM, ALL_PAYLOADS.join('')];

/** The value of an ARM JSON string: a literal that starts with `[` and ends with `]` is written `[[...]`. */
function armLiteral(value: string): string {
  return value.startsWith('[[') && value.endsWith(']') ? value.slice(1) : value;
}

const bicepPath = toolOrSkip('bicep');

describe.skipIf(!bicepPath)('bicep.str through the real Bicep CLI', () => {
  let singles: string[] = [];
  let arrays: string[][] = [];
  let diagnostics = '';

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secure-aks-escape-'));
    // A template has at most 64 outputs: one array output of single literals, one of array literals.
    const source = [
      'output singles array = [',
      ...PAYLOADS.map((p) => `  ${bicep.str(p)}`),
      ']',
      'output arrays array = [',
      ...PAYLOADS.map((p) => `  ${bicep.strArray([p, 'x', p])}`),
      ']',
    ];
    writeFileSync(join(dir, 'main.bicep'), `${source.join('\n')}\n`);
    // `bicep build` through the run's one `bicep jsonrpc` process (helpers/bicep.ts): the same compiler,
    // without a CLI start-up of seconds.
    const result = await bicepRpc<{ success: boolean; diagnostics: Array<{ level: string; code: string; message: string }>; contents?: string }>('bicep/compile', { path: join(dir, 'main.bicep') });
    // As the CLI prints them: `Error BCP...: ...`, `Warning ...`.
    diagnostics = result.diagnostics.map((d) => `${d.level.charAt(0).toUpperCase()}${d.level.slice(1).toLowerCase()} ${d.code}: ${d.message}`).join('\n');
    if (!result.success || !result.contents) throw new Error(`bicep build failed:\n${diagnostics}`);
    const outputs = JSON.parse(result.contents).outputs;
    singles = outputs.singles.value;
    arrays = outputs.arrays.value;
  });

  it('compiles without errors', () => {
    expect(diagnostics).not.toMatch(/\bError\b/);
  });

  it.each(PAYLOADS.map((p, i) => [JSON.stringify(p), p, i] as const))('%s is a string literal that compiles to itself', (_, payload, i) => {
    expect(armLiteral(singles[i]!)).toBe(payload);
    expect(arrays[i]!.map(armLiteral)).toEqual([payload, 'x', payload]);
  });
});

describe('yaml.str parsed by the yaml package (strict, unique keys)', () => {
  const parse = (text: string) => {
    const docs = parseAllDocuments(text, { strict: true, uniqueKeys: true, prettyErrors: false });
    if (!Array.isArray(docs)) throw new Error('not a document stream');
    for (const doc of docs) expect([...doc.errors, ...doc.warnings].map((e) => e.message), text).toEqual([]);
    expect(docs).toHaveLength(1);
    return docs[0]!.toJS();
  };

  it.each(PAYLOADS.map((p) => [JSON.stringify(p), p] as const))('%s parses to itself as a value, a list item, a flow item and a key', (_, payload) => {
    const s = yaml.str(payload);
    expect(s).toMatch(/^"[\x20-\x7e]*"$/);
    expect(parse(`key: ${s}\nother: 1\n`)).toEqual({ key: payload, other: 1 });
    expect(parse(`list:\n  - ${s}\n  - x\n`)).toEqual({ list: [payload, 'x'] });
    expect(parse(`flow: ${yaml.strArray([payload, payload])}\n`)).toEqual({ flow: [payload, payload] });
    expect(parse(`map: {a: ${s}, b: 2}\n`)).toEqual({ map: { a: payload, b: 2 } });
    expect(parse(`${s}: value\n`)).toEqual({ [payload]: 'value' });
  });

  it('round-trips any well-formed string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const docs = parseAllDocuments(`v: ${yaml.str(value)}\n`, { strict: true, uniqueKeys: true });
        return Array.isArray(docs) && docs.length === 1 && docs[0]!.errors.length === 0 && docs[0]!.toJS().v === value;
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('md.text and md.code in a Markdown table row', () => {
  /** GFM splits a row on pipes that are not backslash-escaped. */
  const cells = (row: string) => row.replace(/\\./g, '').split('|').length - 1;
  /** What a CommonMark reader shows for escaped text: backslash escapes of ASCII punctuation removed. */
  const unescape = (text: string) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');

  it.each(PAYLOADS.map((p) => [JSON.stringify(p), p] as const))('%s stays one cell of plain text', (_, payload) => {
    const text = md.text(payload);
    const code = md.code(payload);
    for (const out of [text, code]) {
      expect(out, 'a line ending would end the table row').not.toMatch(/[\r\n]/);
      expect(cells(`| a | ${out} | b |`)).toBe(4);
    }
    // No raw HTML or entity, no emphasis, link or code span opened by the text.
    expect(text.replace(/\\./g, '')).not.toMatch(/[<>&`*_[\]|~]/);
    expect(unescape(text)).toBe(payload.replace(/\r\n|\r|\n/g, ' '));
  });
});
