// Migrations of stored answers: the shape of the answers .yo-rc.json holds changes between generator
// versions (a renamed key, a new answer whose default would change what an existing repository
// deploys). Each migration turns version N into N + 1; a run applies, in order, every migration above
// the version recorded with the stored answers (output/provenance.ts), before the answers are resolved,
// and records the version it wrote. A repository without a record is version 1 (written before records
// existed). Stored answers from a newer generator are refused, never guessed at.
import type { Problem } from '../support/problems.ts';

export interface Migration {
  /** The version this migration produces (the one it reads is `to - 1`). */
  to: number;
  /** What it changes, in one line (shown on the run that applies it). */
  describe: string;
  migrate: (stored: Record<string, unknown>) => Record<string, unknown>;
}

/** The migrations of this generator, in order. Add one (and raise nothing else) when the stored shape changes. */
export const MIGRATIONS: readonly Migration[] = [
  {
    to: 2,
    describe: 'a repository written before egress and exposure were answers keeps what it deploys: egress through its NAT gateway, no workload exposed (answer egress: firewall and expose: internal to take the new defaults)',
    migrate: (stored) => ({
      ...stored,
      egress: stored.egress ?? 'natGateway',
      ...(Array.isArray(stored.workloads)
        ? { workloads: stored.workloads.map((w) => (w !== null && typeof w === 'object' && !Array.isArray(w) ? { expose: 'none', ...w } : w)) }
        : {}),
    }),
  },
  {
    to: 3,
    describe: 'environments became a list: the repository\'s one environment is its first (add another with `yo secure-aks:environment <name>`)',
    migrate: (stored) => (stored.environments === undefined && typeof stored.environment === 'string' ? { ...stored, environments: [stored.environment] } : stored),
  },
];

/** The stored answers' version this generator writes. */
export function answersVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.reduce((version, m) => Math.max(version, m.to), 1);
}

export type Migrated = { ok: true; stored: Record<string, unknown>; applied: Migration[] } | { ok: false; problems: Problem[] };

export function migrateStored(stored: Record<string, unknown>, from: number, migrations: readonly Migration[] = MIGRATIONS): Migrated {
  const current = answersVersion(migrations);
  if (!Number.isInteger(from) || from < 1) {
    return { ok: false, problems: [{ key: '.yo-rc.json answersVersion', value: from, rule: 'must be a whole number from 1' }] };
  }
  if (from > current) {
    return {
      ok: false,
      problems: [{ key: '.yo-rc.json answersVersion', value: from, rule: `was written by a newer generator (answers version ${from}; this one reads up to ${current}); run the newer generator-secure-aks` }],
    };
  }
  const ordered = [...migrations].sort((a, b) => a.to - b.to);
  const applied: Migration[] = [];
  let answers = stored;
  for (const migration of ordered) {
    if (migration.to <= from) continue;
    answers = migration.migrate(structuredClone(answers));
    applied.push(migration);
  }
  return { ok: true, stored: answers, applied };
}
