// What a repository that exists tells a run before it resolves any answer: its .yo-rc.json (read
// without following links), the answers stored there migrated to this generator's shape, the record
// of what the last run wrote (output/provenance.ts), and what an interrupted run left behind.
import * as nodeFs from 'node:fs';
import { migrateStored, type Migration } from '../answers/migrations.ts';
import { compareVersions, PROVENANCE_KEY, readProvenance, type Provenance } from '../output/provenance.ts';
import { lockHolder, readInside, readJournal, RC_FILE, type Fs, type Journal } from '../output/safe-write.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../support/paths.ts';
import type { Problem } from '../support/problems.ts';

export interface RepositoryState {
  /** .yo-rc.json parsed (other generators' keys are kept on write), or undefined without one. */
  rc?: Record<string, unknown>;
  /** The stored answers, migrated to this generator's shape ({} without any). */
  stored: Record<string, unknown>;
  provenance?: Provenance;
  /** Migrations this run applies to the stored answers. */
  migrations: Migration[];
  /** The journal of a run that did not finish. */
  interrupted?: Journal;
  problems: Problem[];
}

const AT = RC_FILE;

export function readRepository(root: string, fs: Fs = nodeFs, migrations?: readonly Migration[]): RepositoryState {
  const state: RepositoryState = { stored: {}, migrations: [], problems: [] };
  // A journal beside another run's live lock is a run in progress, not an interrupted one (under this
  // process's own lock it is the interrupted run this one completes).
  const journal = readJournal(fs, root);
  const holder = lockHolder(fs, root);
  if (journal && (!holder || holder.stale || holder.ours)) state.interrupted = journal;
  let text: string | undefined;
  try {
    text = readInside(fs, root, RC_FILE);
  } catch (error) {
    state.problems.push({ key: AT, rule: (error as Error).message.replace(`${RC_FILE} `, '') });
    return state;
  }
  if (text === undefined) return state;
  let rc: unknown;
  try {
    rc = JSON.parse(text);
  } catch (error) {
    state.problems.push({ key: AT, rule: `is not valid JSON: ${(error as Error).message.split('\n')[0]}` });
    return state;
  }
  if (rc === null || typeof rc !== 'object' || Array.isArray(rc)) {
    state.problems.push({ key: AT, rule: 'must hold a JSON object' });
    return state;
  }
  state.rc = rc as Record<string, unknown>;
  const provenance = readProvenance(state.rc);
  if (provenance && 'problem' in provenance) {
    state.problems.push({ key: AT, rule: provenance.problem });
    return state;
  }
  if (provenance) {
    state.provenance = provenance;
    if (compareVersions(provenance.generatorVersion, PACKAGE_VERSION) > 0) {
      state.problems.push({
        key: `${AT} ${PROVENANCE_KEY}.generatorVersion`,
        value: provenance.generatorVersion,
        rule: `this repository was written by a newer generator-secure-aks than this one (${PACKAGE_VERSION}); going back a version is not supported: run ${provenance.generatorVersion} or newer`,
      });
      return state;
    }
  }
  const answers = state.rc[PACKAGE_NAME];
  if (answers === undefined) return state;
  if (answers === null || typeof answers !== 'object' || Array.isArray(answers)) {
    state.problems.push({ key: `${AT} ${PACKAGE_NAME}`, rule: 'must be an object of answers' });
    return state;
  }
  const migrated = migrateStored(answers as Record<string, unknown>, provenance?.answersVersion ?? 1, migrations);
  if (!migrated.ok) {
    state.problems.push(...migrated.problems);
    return state;
  }
  state.stored = migrated.stored;
  state.migrations = migrated.applied;
  return state;
}

/** The .yo-rc.json a run writes: other generators' keys kept, then the answers and the record. */
export function rcText(rc: Record<string, unknown> | undefined, answers: object, provenance: Provenance): string {
  const { [PACKAGE_NAME]: _answers, [PROVENANCE_KEY]: _provenance, ...others } = rc ?? {};
  return `${JSON.stringify({ ...others, [PACKAGE_NAME]: answers, [PROVENANCE_KEY]: provenance }, null, 2)}\n`;
}

