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
    const indentation = INDENTATION_ERRORS.has(e.code) && e.linePos ? indentationProblem(text, e.linePos[0].line, e.linePos[1]?.line ?? e.linePos[0].line) : undefined;
    if (indentation) return { key: `${label}:${indentation.line}:${indentation.col}`, rule: indentation.rule };
    const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    const rule = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const duplicate = e.code === 'DUPLICATE_KEY' ? keyPathAt(doc, e.pos[0]) : undefined;
    return { key: `${label}${where}`, rule: duplicate ? `${rule}; ${JSON.stringify(duplicate)} appears more than once` : rule };
  });
  // One line, one problem: the parser often reports an indentation mistake twice.
  problems.splice(0, problems.length, ...problems.filter((p, i) => problems.findIndex((q) => q.key === p.key && q.rule === p.rule) === i));
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

/** Parser errors that a line indented to the wrong column causes (and that other mistakes can cause too). */
const INDENTATION_ERRORS = new Set(['BAD_INDENT', 'MISSING_CHAR', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'UNEXPECTED_TOKEN']);

interface Line {
  number: number;
  text: string;
  /** 1-based column of the first character that is not a space. */
  col: number;
  /** 1-based column of the mapping key on the line (after any `- `), if the line holds a `key:`. */
  keyCol?: number;
  /** 1-based column of the `-` of a list item. */
  dashCol?: number;
  /** The line ends with `key:` and nothing after it: a nested block may follow, indented deeper. */
  opensBlock: boolean;
}

function lineAt(lines: string[], number: number): Line | undefined {
  const text = lines[number - 1];
  if (text === undefined || /^\s*(#.*)?$/.test(text)) return undefined;
  const col = text.length - text.trimStart().length + 1;
  const item = /^( *)(- +)/.exec(text);
  const contentCol = item ? item[1]!.length + item[2]!.length + 1 : col;
  const content = text.slice(contentCol - 1).replace(/\s+#.*$/, '');
  const key = /^("[^"]*"|'[^']*'|[^\s#'"{[][^:#]*?):(\s|$)/.test(content);
  return {
    number,
    text,
    col,
    ...(key ? { keyCol: contentCol } : {}),
    ...(item ? { dashCol: col } : {}),
    opensBlock: /:\s*$/.test(content),
  };
}

/**
 * An indentation mistake near the lines a parser error names, said as such: the line, the column its
 * text starts at, and the columns the enclosing keys (or, for a list item, lists) above it start at.
 * Only when the line starts at a column that nothing enclosing it uses, after a line that opens no
 * block; a line that is not `key: value` is named as that. Any other error keeps the parser's message.
 */
function indentationProblem(text: string, from: number, to: number): { line: number; col: number; rule: string } | undefined {
  const lines = text.split(/\r?\n/);
  const first = lineAt(lines, from);
  if (first && first.keyCol === undefined && first.dashCol === undefined && !/^[[{"']/.test(first.text.trim())) {
    return { line: from, col: first.col, rule: `${JSON.stringify(first.text.trim())} is not "key: value": a key needs a colon and a space after it` };
  }
  for (let number = Math.max(1, from); number <= Math.min(lines.length, Math.max(to, from + 1)); number++) {
    const line = lineAt(lines, number);
    if (!line) continue;
    if (/^ *\t/.test(line.text)) return { line: number, col: line.col, rule: 'indentation: a tab; YAML indents with spaces only' };
    const above: Line[] = [];
    for (let n = number - 1; n >= 1; n--) {
      const previous = lineAt(lines, n);
      if (previous) above.push(previous);
    }
    const parent = above[0];
    if (!parent) continue;
    // Deeper than a line that opens a block is how nesting starts.
    if (parent.opensBlock && line.col > (parent.keyCol ?? parent.col)) continue;
    // What encloses the line, nearest first: each line above that starts left of everything below it.
    const keys: { col: number; line: Line }[] = [];
    const lists: { col: number; line: Line }[] = [];
    let limit = Infinity;
    for (const candidate of above) {
      const start = candidate.dashCol ?? candidate.col;
      if (start > limit) continue;
      if (candidate.dashCol !== undefined && !lists.some((l) => l.col === candidate.dashCol)) lists.push({ col: candidate.dashCol, line: candidate });
      if (candidate.keyCol !== undefined && !keys.some((k) => k.col === candidate.keyCol)) keys.push({ col: candidate.keyCol, line: candidate });
      limit = start;
      if (limit === 1) break;
    }
    const dash = line.dashCol !== undefined;
    // A list may also start at the column of the key that holds it (`secrets:` then `- a` below it).
    const fits = dash ? lists.some((l) => l.col === line.col) || keys.some((k) => k.col === line.col && k.line.opensBlock) : keys.some((k) => k.col === line.col);
    if (fits) continue;
    const targets = (dash && lists.length > 0 ? lists : keys).slice(0, 3);
    if (targets.length === 0) continue;
    const where = targets.map((t) => `column ${t.col} (line ${t.line.number}: ${JSON.stringify(t.line.text.trim())})`).join(' or ');
    return {
      line: number,
      col: line.col,
      rule: `indentation: ${JSON.stringify(line.text.trim())} starts at column ${line.col}, but the ${dash && lists.length > 0 ? 'list items' : 'keys'} above it start at ${where}; indent it with spaces like the one it belongs with`,
    };
  }
  return undefined;
}
