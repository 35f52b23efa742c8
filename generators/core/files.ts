// Which template files are emitted for which answers. Templates live in templates/<generator>/ and
// mirror the output tree:
//   - `<path>.ejs` renders to `<path>`; a `dot-` prefix on a file name becomes `.` (npm drops dotfiles);
//   - a `__workload__` path segment renders once per workload, with `w` bound to that workload;
//   - files whose name starts with `_` are partials, included by other templates and not emitted.
// A template not listed here is always emitted.
import type { Context } from './context.ts';

export const CONDITIONS: Record<string, (ctx: Context) => boolean> = {
};

/** Output path of a template path, or undefined for partials. */
export function outputPath(templatePath: string): string | undefined {
  const parts = templatePath.split('/');
  const file = parts.at(-1)!;
  if (file.startsWith('_') || !file.endsWith('.ejs')) return undefined;
  parts[parts.length - 1] = file.slice(0, -'.ejs'.length).replace(/^dot-/, '.');
  return parts.join('/');
}

export function included(templatePath: string, ctx: Context): boolean {
  const condition = CONDITIONS[templatePath];
  return condition ? condition(ctx) : true;
}
