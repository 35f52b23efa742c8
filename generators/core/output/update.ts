// Decides, per file, what a run does to a repository that exists: the three-way update.
//
//   base:   what this generator wrote there last time, found by the blob id recorded in .yo-rc.json
//           (provenance.ts): the file itself while its id still matches, else the stored answers rendered
//           with today's templates when that reproduces the id, else the repository's own git objects;
//   ours:   the file as its owner left it (line endings normalised to LF);
//   theirs: what the generator writes now.
//
// Per file: untouched (ours = base) -> theirs; already theirs -> identical; edited by the owner while
// the generator has nothing new (base = theirs) -> kept; both changed -> merged (merge.ts: by structure
// for YAML/JSON, by lines otherwise) or a conflict; deleted by the owner -> stays deleted; new -> created;
// no longer generated -> removed if untouched, else kept and reported. Nothing is written here.
import { mergeFile } from './merge.ts';
import { blobId, toLf } from './provenance.ts';

/** Per-file outcomes, in Yeoman's vocabulary. */
export type Action = 'create' | 'identical' | 'update' | 'merge' | 'keep' | 'conflict' | 'remove';

export interface FileChange {
  path: string;
  action: Action;
  /** What to write: create, update and merge; for a conflict, the generator's version. */
  content?: string;
  /** Why, where the action alone does not say it (kept files, conflicts). */
  note?: string;
  /** A conflict: the file with git-style conflict markers, where a line merge could place them. */
  markers?: string;
  /**
   * The blob id to record for this path after the run (undefined: the path leaves the record).
   * A kept conflict records the old base, so the next run still sees the generator's change.
   */
  record?: string;
}

export interface UpdateInput {
  /** What this run generates: path -> content (LF). */
  next: ReadonlyMap<string, string>;
  /** Path -> blob id of what the last run wrote (the provenance record); absent for a first run. */
  recorded?: Readonly<Record<string, string>>;
  /** Further ids a path may hold as the generator's own output: what an interrupted run wrote. */
  alternates?: Readonly<Record<string, string>>;
  /** Candidates for the base: the stored answers rendered with today's templates (used when an id matches). */
  candidates?: ReadonlyMap<string, string>;
  /** The file on disk (raw), or undefined when there is none. */
  readDisk: (path: string) => string | undefined;
  /** A blob from the repository's git objects, by id (undefined: not there, or no git). */
  readObject?: (id: string) => string | undefined;
}

export interface UpdatePlan {
  changes: FileChange[];
  /** The record of what the repository holds from the generator after this plan is written. */
  record: Record<string, string>;
}

const by = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export function planUpdate(input: UpdateInput): UpdatePlan {
  const recorded = input.recorded ?? {};
  const changes: FileChange[] = [];
  const known = (path: string) => [recorded[path], input.alternates?.[path]].filter((id): id is string => id !== undefined);
  /** The content the generator wrote at `path` last time, if it can be found. */
  const baseOf = (path: string, disk: string | undefined): string | undefined => {
    const ids = known(path);
    if (ids.length === 0) return undefined;
    // The file itself, what the generator writes now, or the stored answers rendered again: whichever
    // reproduces a recorded id is exactly what was written.
    for (const candidate of [disk, input.next.get(path), input.candidates?.get(path)]) {
      if (candidate !== undefined && ids.includes(blobId(candidate))) return candidate;
    }
    for (const id of ids) {
      const object = input.readObject?.(id);
      if (object !== undefined) return toLf(object);
    }
    return undefined;
  };

  for (const [path, theirs] of input.next) {
    const raw = input.readDisk(path);
    const ours = raw === undefined ? undefined : toLf(raw);
    const ids = known(path);
    const id = blobId(theirs);
    if (ours === undefined) {
      // Not written before (an interrupted run that meant to create it does not count): create it.
      if (recorded[path] === undefined) changes.push({ path, action: 'create', content: theirs, record: id });
      // Written before and gone now: its owner deleted it, and it stays deleted.
      else changes.push({ path, action: 'keep', note: 'deleted by you; stays deleted', record: id });
      continue;
    }
    if (ours === theirs) {
      changes.push({ path, action: 'identical', record: id });
      continue;
    }
    const base = baseOf(path, ours);
    if (base === undefined) {
      const note =
        ids.length === 0
          ? 'exists already and was not written by this generator'
          : 'edited, and the version this generator wrote last time is neither reproducible nor in the repository\'s git objects (commit what the generator writes, so the next update can tell your edits from ours)';
      changes.push({ path, action: 'conflict', content: theirs, note, record: ids[0] ?? id });
      continue;
    }
    if (ours === base) {
      changes.push({ path, action: 'update', content: theirs, record: id });
      continue;
    }
    if (base === theirs) {
      changes.push({ path, action: 'keep', note: 'edited by you; the generator has nothing new for it', record: id });
      continue;
    }
    const merged = mergeFile(path, base, theirs, ours);
    if (merged.ok) changes.push({ path, action: 'merge', content: merged.content, record: id });
    else changes.push({ path, action: 'conflict', content: theirs, note: merged.reason, ...(merged.markers !== undefined ? { markers: merged.markers } : {}), record: blobId(base) });
  }

  for (const path of Object.keys(recorded)) {
    if (input.next.has(path)) continue;
    const raw = input.readDisk(path);
    if (raw === undefined) continue;
    const ours = toLf(raw);
    const base = baseOf(path, ours);
    if (base !== undefined && ours === base) changes.push({ path, action: 'remove' });
    else changes.push({ path, action: 'keep', note: 'no longer generated; you edited it, so it stays (and is yours now)' });
  }

  changes.sort(by);
  const record: Record<string, string> = {};
  for (const change of changes) if (change.record !== undefined) record[change.path] = change.record;
  return { changes, record };
}
