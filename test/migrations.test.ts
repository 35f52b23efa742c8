// Migrations of stored answers (core/answers/migrations.ts) and how a run reads a repository
// (core/run/repository.ts): applied in order above the recorded version, recorded, and refused from a
// newer generator; problems reported as coming from .yo-rc.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersVersion, MIGRATIONS, migrateStored, type Migration } from '../generators/core/answers/migrations.ts';
import { PROVENANCE_KEY } from '../generators/core/output/provenance.ts';
import { readRepository } from '../generators/core/run/repository.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../generators/core/support/paths.ts';

// A rename in version 2 and a new answer pinned for existing repositories in version 3, as real ones would be.
const FIXTURE: Migration[] = [
  { to: 3, describe: 'workloads keep kind web', migrate: (s) => ({ ...s, workloads: ((s.workloads as Record<string, unknown>[]) ?? []).map((w) => ({ kind: 'web', ...w })) }) },
  { to: 2, describe: 'clusterName is now name', migrate: ({ clusterName, ...rest }) => ({ ...rest, name: clusterName }) },
];

function repo(rc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'secure-aks-migrate-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.yo-rc.json'), typeof rc === 'string' ? rc : JSON.stringify(rc));
  return dir;
}

describe('migrations of stored answers', () => {
  it('applies every migration above the recorded version, in order, and says which', () => {
    const migrated = migrateStored({ clusterName: 'orders', workloads: [{ name: 'api' }] }, 1, FIXTURE);
    expect(migrated).toEqual({ ok: true, stored: { name: 'orders', workloads: [{ kind: 'web', name: 'api' }] }, applied: [FIXTURE[1], FIXTURE[0]] });
    const from2 = migrateStored({ name: 'orders', workloads: [] }, 2, FIXTURE);
    expect(from2.ok && from2.applied.map((m) => m.to)).toEqual([3]);
    expect(answersVersion(FIXTURE)).toBe(3);
  });

  it('refuses answers from a newer generator and a version that is not one', () => {
    expect(migrateStored({}, 4, FIXTURE)).toMatchObject({ ok: false, problems: [{ key: '.yo-rc.json answersVersion', rule: expect.stringContaining('newer generator') }] });
    expect(migrateStored({}, 0, FIXTURE)).toMatchObject({ ok: false });
  });

  it('this generator writes the version its own migrations reach', () => {
    expect(answersVersion()).toBe(MIGRATIONS.reduce((v, m) => Math.max(v, m.to), 1));
  });
});

describe('reading a repository', () => {
  it('migrates the stored answers from the recorded answers version', () => {
    const state = readRepository(repo({ [PACKAGE_NAME]: { clusterName: 'orders' }, [PROVENANCE_KEY]: { generatorVersion: PACKAGE_VERSION, answersVersion: 1, files: {} } }), undefined, FIXTURE);
    expect(state.problems).toEqual([]);
    expect(state.stored).toEqual({ name: 'orders', workloads: [] });
    expect(state.migrations.map((m) => m.to)).toEqual([2, 3]);
  });

  it('names every problem as coming from .yo-rc.json', () => {
    expect(readRepository(repo('{ not json')).problems[0]).toMatchObject({ key: '.yo-rc.json', rule: expect.stringContaining('is not valid JSON') });
    expect(readRepository(repo([1, 2])).problems[0]).toMatchObject({ key: '.yo-rc.json', rule: 'must hold a JSON object' });
    expect(readRepository(repo({ [PACKAGE_NAME]: 'x' })).problems[0]).toMatchObject({ key: `.yo-rc.json ${PACKAGE_NAME}` });
    expect(readRepository(repo({ [PACKAGE_NAME]: {}, [PROVENANCE_KEY]: { generatorVersion: '1', files: { a: 'nope' } } })).problems[0]).toMatchObject({ key: '.yo-rc.json', rule: expect.stringContaining('40-hex blob id') });
    const newer = readRepository(repo({ [PACKAGE_NAME]: {}, [PROVENANCE_KEY]: { generatorVersion: '999.0.0', answersVersion: 1, files: {} } }));
    expect(newer.problems[0]).toMatchObject({ key: `.yo-rc.json ${PROVENANCE_KEY}.generatorVersion`, rule: expect.stringContaining('going back a version is not supported') });
  });
});

describe('this generator\'s migrations', () => {
  it('2: a repository from before egress and exposure were answers keeps its NAT gateway and unexposed workloads', () => {
    const migrated = migrateStored({ name: 'orders', workloads: [{ name: 'api' }, { name: 'web', expose: 'internal' }] }, 1);
    expect(migrated).toMatchObject({ ok: true, stored: { name: 'orders', egress: 'natGateway', workloads: [{ name: 'api', expose: 'none' }, { name: 'web', expose: 'internal' }] } });
    expect(migrateStored({ name: 'orders', egress: 'firewall' }, 1)).toMatchObject({ ok: true, stored: { egress: 'firewall' } });
    // A repository this version wrote is not migrated again.
    expect(migrateStored({ name: 'orders' }, answersVersion())).toMatchObject({ ok: true, stored: { name: 'orders' }, applied: [] });
  });
});
