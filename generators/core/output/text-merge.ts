// Three-way merge by lines (diff3, from node-diff3) for files that are not merged by structure: Bicep,
// shell, Markdown, Dockerfiles and the like. base: what the generator wrote last time; ours: the file
// as its owner left it; theirs: what the generator writes now. Line endings are LF here.
import { diff3Merge } from 'node-diff3';

export interface TextConflict {
  /** 1-based line range in the owner's file where the conflict sits (end inclusive; start > end: an insertion point). */
  lines: [number, number];
  ours: string[];
  base: string[];
  theirs: string[];
}

export type TextMergeResult = { ok: true; content: string } | { ok: false; conflicts: TextConflict[]; withMarkers: string };

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.slice(0, -1) : text;
  return { lines: body === '' && finalNewline ? [''] : body === '' ? [] : body.split('\n'), finalNewline };
}

export function mergeText(base: string, ours: string, theirs: string, labels = { ours: 'yours', theirs: 'generator' }): TextMergeResult {
  const b = splitLines(base);
  const o = splitLines(ours);
  const t = splitLines(theirs);
  const regions = diff3Merge(o.lines, b.lines, t.lines, { excludeFalseConflicts: true });
  const out: string[] = [];
  const marked: string[] = [];
  const conflicts: TextConflict[] = [];
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      marked.push(...region.ok);
      continue;
    }
    const c = region.conflict!;
    const start = c.aIndex + 1;
    conflicts.push({ lines: [start, start + c.a.length - 1], ours: c.a, base: c.o, theirs: c.b });
    marked.push(`<<<<<<< ${labels.ours}`, ...c.a, '||||||| last generated', ...c.o, '=======', ...c.b, `>>>>>>> ${labels.theirs}`);
  }
  // A file ends with a newline when either changed side says so and the other did not remove it.
  const finalNewline = o.finalNewline === b.finalNewline ? t.finalNewline : o.finalNewline;
  const join = (lines: string[]) => (lines.length === 0 ? '' : lines.join('\n') + (finalNewline ? '\n' : ''));
  if (conflicts.length > 0) return { ok: false, conflicts, withMarkers: join(marked) };
  return { ok: true, content: join(out) };
}
