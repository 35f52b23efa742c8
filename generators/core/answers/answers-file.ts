// Reads an answers file (YAML or JSON) strictly: duplicate keys, alias bombs, syntax errors with
// line and column, and anything but a mapping are problems; unknown keys are reported by resolve.
import { readFileSync, statSync } from 'node:fs';
import type { Document } from 'yaml';
import { yamlLib } from '../support/lazy.ts';
import type { Problem } from '../support/problems.ts';

export type AnswersFile = { ok: true; values: Record<string, unknown> } | { ok: false; problems: Problem[] };

/** Keys an answers file may carry that are not answers. */
export const FILE_META_KEYS = ['$schema'];

const MAX_FILE_BYTES = 1024 * 1024;

export function readAnswersFile(path: string): AnswersFile {
  const key = `--answers ${path}`;
  let text: string;
  try {
    if (!statSync(path).isFile()) return { ok: false, problems: [{ key, rule: 'is not a file' }] };
    if (statSync(path).size > MAX_FILE_BYTES) return { ok: false, problems: [{ key, rule: 'is larger than 1 MiB' }] };
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ key, rule: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})` }] };
  }
  return parseAnswers(text, path);
}

export function parseAnswers(text: string, label: string): AnswersFile {
  const { parseDocument } = yamlLib();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, strict: true, version: '1.2' });
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    const rule = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const duplicate = e.code === 'DUPLICATE_KEY' ? keyPathAt(doc, e.pos[0]) : undefined;
    return { key: `${label}${where}`, rule: duplicate ? `${rule}; ${JSON.stringify(duplicate)} appears more than once` : rule };
  });
  if (problems.length > 0) return { ok: false, problems };
  let values: unknown;
  try {
    values = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    return { ok: false, problems: [{ key: label, rule: (error as Error).message.split('\n')[0]! }] };
  }
  if (values === null || values === undefined) return { ok: false, problems: [{ key: label, rule: 'is empty; expected a mapping of answers' }] };
  if (typeof values !== 'object' || Array.isArray(values)) {
    return { ok: false, problems: [{ key: label, rule: `must be a mapping of answers, not ${Array.isArray(values) ? 'a list' : typeof values}` }] };
  }
  const result = { ...(values as Record<string, unknown>) };
  for (const meta of FILE_META_KEYS) delete result[meta];
  return { ok: true, values: result };
}

/** The path (`workloads[0].port`) of the mapping key whose source starts at `offset`. */
function keyPathAt(doc: Document, offset: number): string | undefined {
  const { isPair, isScalar, isSeq, visit } = yamlLib();
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      const chain = [...path, pair];
      found = chain
        .map((node, i) => {
          if (isPair(node) && isScalar(node.key)) return `.${String(node.key.value)}`;
          if (isSeq(node)) return `[${node.items.indexOf(chain[i + 1] as never)}]`;
          return '';
        })
        .join('')
        .replace(/^\./, '');
      return visit.BREAK;
    },
  });
  return found;
}
