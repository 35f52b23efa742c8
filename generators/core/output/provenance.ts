// What a run wrote, recorded so the next run can tell its own earlier output from its owner's edits.
//
// .yo-rc.json holds, beside the answers (under "generator-secure-aks"), a provenance record (under
// "generator-secure-aks:provenance"):
//   { "generatorVersion": "0.2.0", "answersVersion": 1, "files": { "<path>": "<git blob id>", ... } }
// A file's id is the git blob id (SHA-1 of "blob <bytes>\0<content>") of exactly what was written, with
// line endings as LF: the id git gives the committed file, whatever core.autocrlf did to the checkout.
// So the base of a three-way update (what this generator wrote last time) can be read back from the
// repository's own git objects once committed, and a file whose id still matches is untouched.
import { createHash } from 'node:crypto';

export const PROVENANCE_KEY = 'generator-secure-aks:provenance';

export interface Provenance {
  /** The generator version that wrote the files. */
  generatorVersion: string;
  /** The version of the stored answers' shape (answers/migrations.ts). */
  answersVersion: number;
  /** Output path -> git blob id of what was written (LF line endings). */
  files: Record<string, string>;
}

/** Content with CRLF line endings made LF: what comparisons and ids see. */
export function toLf(content: string): string {
  return content.includes('\r\n') ? content.replaceAll('\r\n', '\n') : content;
}

/** Whether a file on disk uses CRLF line endings (most of its line breaks are CRLF). */
export function usesCrlf(content: string): boolean {
  const crlf = content.split('\r\n').length - 1;
  const lf = content.split('\n').length - 1;
  return crlf > 0 && crlf * 2 >= lf;
}

/** The content in the line-ending style of `like` (the file it replaces), for writing. */
export function inStyleOf(content: string, like: string | undefined): string {
  return like !== undefined && usesCrlf(like) ? toLf(content).replaceAll('\n', '\r\n') : content;
}

/** The git blob id of a file's content, line endings normalised to LF. */
export function blobId(content: string): string {
  // Hashed from the string (UTF-8, as written), with no copy of its bytes.
  const text = toLf(content);
  return createHash('sha1').update(`blob ${Buffer.byteLength(text, 'utf8')}\0`).update(text, 'utf8').digest('hex');
}

export function provenanceOf(files: ReadonlyMap<string, string>, generatorVersion: string, answersVersion: number): Provenance {
  const ids: Record<string, string> = {};
  for (const rel of [...files.keys()].sort()) ids[rel] = blobId(files.get(rel)!);
  return { generatorVersion, answersVersion, files: ids };
}

/** The provenance record of a parsed .yo-rc.json, or a reason it cannot be used. */
export function readProvenance(rc: Record<string, unknown> | undefined): Provenance | undefined | { problem: string } {
  const value = rc?.[PROVENANCE_KEY];
  if (value === undefined) return undefined;
  const record = value as Partial<Provenance>;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    typeof record.generatorVersion === 'string' &&
    Number.isInteger(record.answersVersion) &&
    typeof record.files === 'object' &&
    record.files !== null &&
    Object.values(record.files).every((id) => typeof id === 'string' && /^[0-9a-f]{40}$/.test(id));
  if (!ok) return { problem: `"${PROVENANCE_KEY}" must hold generatorVersion, answersVersion and files (path -> 40-hex blob id)` };
  return record as Provenance;
}

/** Compares dotted versions (1.10.0 > 1.9.3); pre-release tags sort before the release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split('-', 2) as [string, string | undefined];
    return { parts: core.split('.').map((p) => Number.parseInt(p, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}
