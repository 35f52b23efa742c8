// A template as the JavaScript source of one function, so the build can compile the templates ahead of
// time (scripts/precompile-templates.mjs writes them to dist/templates/<generator>.js) and a run only
// calls functions instead of compiling ejs text. templates/ stays the source of truth: each function is
// stored with the hash of the text it was compiled from (templateHash), and a run uses it only while
// the template's text has that hash; otherwise (a template edited in dev, or one that includes a
// partial: precompilable() says no) the renderer compiles the text with ejs at run time, as it always did.
//
// The source is ejs's own (ejs parses the text and writes the statements) in a wrapper of ours, because
// ejs's wrapper puts the locals in scope with `with`, which strict-mode code (an ES module) forbids: here
// every Context key is a local constant (TEMPLATE_LOCALS; tsc checks it lists them all), `locals` is the
// Context itself (without `w`, `ns` and `part`, which are parameters), and the code runs in strict mode. The
// text of a template is not embedded (ejs's debug wrapper embeds it for error messages): the renderer
// has it and formats the error as ejs does (templateError) from the line number.
import { createHash } from 'node:crypto';
import type { Context } from '../plan/context.ts';
import type { OverlayPart } from '../plan/k8s.ts';
import type { WorkloadContext } from '../plan/workload.ts';

/** Every key of Context, the names a template uses without a prefix (a missing or extra key fails the type check). */
const CONTEXT_KEYS: Record<keyof Context, true> = {
  answers: true,
  environment: true,
  names: true,
  network: true,
  workloads: true,
  outputs: true,
  paths: true,
  deploymentScope: true,
  infra: true,
  pipeline: true,
  k8s: true,
  psrule: true,
  generatorVersion: true,
  bicep: true,
  yaml: true,
  md: true,
  docs: true,
  environments: true,
  stages: true,
  selectEnvironment: true,
};
export const TEMPLATE_LOCALS: readonly string[] = Object.keys(CONTEXT_KEYS);

/**
 * Bumped whenever the shape of the generated function changes, so functions compiled by an older build
 * are not used. Part of every hash.
 */
export const TEMPLATE_FORMAT = 2;

/** A compiled template: renders for an environment's context, a workload (`__workload__`), a namespace (`__namespace__`) and an overlay part (`__part__`). */
export type TemplateFunction = (
  locals: Context,
  w: WorkloadContext | undefined,
  ns: string | undefined,
  part: OverlayPart | undefined,
  escapeFn: (value: unknown) => string,
  rethrow: (error: unknown, line: number) => never,
) => string;

/** What a compiled function is keyed by, beside its path: the template's text, the wrapper's format and the locals it binds. */
export function templateHash(text: string): string {
  return createHash('sha256').update(`${TEMPLATE_FORMAT}\0${TEMPLATE_LOCALS.join(',')}\0`).update(text).digest('hex');
}

/**
 * Whether a template is compiled ahead of time: not when it includes a partial (`include(...)`), which
 * needs ejs's own run-time include; such a template is compiled by ejs when it is rendered.
 */
export function precompilable(text: string): boolean {
  return !/\binclude\s*\(/.test(text);
}

/** The part of ejs this needs: its parser and code writer (ejs.Template). */
export interface EjsTemplateClass {
  new (text: string, options: Record<string, unknown>): { generateSource(): void; source: string };
}

/**
 * The source of a function expression (a TemplateFunction) that renders `text` exactly as
 * `ejs.compile(text, { escape })` would, given the same locals: the same statements, written by ejs,
 * with `escapeFn` for `<%= %>` and ejs's line tracking for error messages.
 */
export function templateFunctionSource(Template: EjsTemplateClass, text: string): string {
  const template = new Template(text, { compileDebug: true, _with: false, strict: true });
  template.generateSource();
  return [
    // `locals` is ejs's name for the object of locals, which a template may read (`locals.psrule`).
    'function (locals, w, ns, part, escapeFn, rethrow) {',
    '  "use strict";',
    `  const { ${TEMPLATE_LOCALS.join(', ')} } = locals;`,
    '  let __line = 1;',
    '  let __output = "";',
    '  function __append(s) { if (s !== undefined && s !== null) __output += s }',
    '  try {',
    asciiText(template.source.trimEnd()),
    '  } catch (e) {',
    '    rethrow(e, __line);',
    '  }',
    '  return __output;',
    '}',
  ].join('\n');
}

/**
 * The template's own text (the string literal of each line ejs writes as `; __append("...")`) with
 * every character outside ASCII as a \u escape: the same string at run time, and a module whose source
 * is all ASCII, which Node reads and V8 keeps as one byte per character instead of two.
 */
function asciiText(source: string): string {
  return source.replace(/^ {4}; __append\(".*"\)$/gm, (line) => line.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * An error thrown while rendering, with the place in the template as ejs reports it: `file:line`, the
 * lines around it (the failing one marked `>>`), then the original message.
 */
export function templateError(error: unknown, text: string, filename: string, line: number): Error {
  const err = error instanceof Error ? error : new Error(String(error));
  const lines = text.split('\n');
  const start = Math.max(line - 3, 0);
  const end = Math.min(lines.length, line + 3);
  const context = lines
    .slice(start, end)
    .map((l, i) => `${i + start + 1 === line ? ' >> ' : '    '}${i + start + 1}| ${l}`)
    .join('\n');
  Object.assign(err, { path: filename });
  err.message = `${filename}:${line}\n${context}\n\n${err.message}`;
  return err;
}
