// The workload subgenerator in memory: new files for what the workload owns, structural edits of
// shared files that keep comments and owner edits, idempotence, and every error path writing nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderRepository, repositoryFiles, runWorkload } from './helpers/generate.ts';
import { PATHS } from '../generators/core/plan/contracts.ts';

const STORE = 'generator-secure-aks';

type Result = Awaited<ReturnType<typeof runWorkload>>;
const read = (result: Result, rel: string) => result.fs.read(`${result.cwd}/${rel}`);
const storedWorkloads = (result: Result) => JSON.parse(read(result, '.yo-rc.json')!)[STORE].workloads;

/** Files the run changed compared with the seed. */
function changed(result: Result, seed: Record<string, string>): string[] {
  const snapshot = result.getSnapshot() as Record<string, { contents: string | null; stateCleared?: string }>;
  return Object.entries(snapshot)
    .filter(([path, file]) => file.contents !== (seed[path.replace(`${result.cwd}/`, '')] ?? null))
    .map(([path]) => path.replace(`${result.cwd}/`, ''))
    .sort();
}

describe('workload subgenerator (in memory)', () => {
  it('adds two workloads: the result is what the app generator writes for all three', async () => {
    const seed = await repositoryFiles({ name: 'shop' });
    const first = await runWorkload('orders-api', { 'workload-namespace': 'orders', port: '8081', secrets: 'db-password,api-key', expose: 'none' }, seed);
    const afterFirst = Object.fromEntries(Object.keys(first.getSnapshot()).map((p) => [p.replace(`${first.cwd}/`, ''), read(first, p.replace(`${first.cwd}/`, ''))!]));
    const second = await runWorkload('billing-worker', { kind: 'worker', secrets: 'stripe-key' }, { ...seed, ...afterFirst });
    expect(storedWorkloads(second)).toEqual([
      { name: 'shop', namespace: 'shop', kind: 'web', port: 8080, replicas: 2, secrets: ['app-secret'], expose: 'internal' },
      { name: 'orders-api', namespace: 'orders', kind: 'web', port: 8081, replicas: 2, secrets: ['db-password', 'api-key'], expose: 'none' },
      { name: 'billing-worker', namespace: 'billing-worker', kind: 'worker', port: 8080, replicas: 2, secrets: ['stripe-key'], expose: 'none' },
    ]);
    // The worker got a worker's files: no Service, the worker sample.
    expect(second.fs.exists(`${second.cwd}/k8s/base/workloads/billing-worker/service.yaml`)).toBe(false);
    expect(read(second, 'src/billing-worker/worker.sh')).toContain('#!/bin/sh');
    expect(read(second, 'k8s/base/workloads/orders-api/service.yaml')).toContain('kind: Service');
    expect(second.fs.exists(`${second.cwd}/k8s/base/workloads/orders-api/http-route.yaml`), 'expose none: no route').toBe(false);
    expect(read(second, 'k8s/base/workloads/shop/http-route.yaml')).toContain('kind: HTTPRoute');
    // Unedited shared files end up exactly as a fresh generation with all three workloads.
    const expected = await renderRepository({ name: 'shop', workloads: storedWorkloads(second) });
    for (const [rel, content] of expected.files) expect(read(second, rel), rel).toBe(content);
  });

  it('keeps comments and owner edits in shared files', async () => {
    const seed = await repositoryFiles({ name: 'shop' });
    const yamlFiles = Object.keys(seed).filter((rel) => /kustomization\.yaml$|azure-pipelines\.yml$/.test(rel) && !rel.includes('/workloads/'));
    expect(yamlFiles.length).toBeGreaterThan(0);
    const edited = { ...seed };
    for (const rel of yamlFiles) edited[rel] = `# owned by the platform team: ${rel}\n${seed[rel]}`;
    edited['README.md'] = `${seed['README.md']}\n## Our notes\n\nKeep this.\n`;
    const result = await runWorkload('orders-api', {}, edited);
    for (const rel of yamlFiles) expect(read(result, rel), rel).toContain(`# owned by the platform team: ${rel}`);
    expect(read(result, 'README.md')).toContain('Keep this.');
    expect(read(result, 'README.md')).toContain('`orders-api`');
  });

  it('is idempotent: the same answers again change nothing', async () => {
    const seed = await repositoryFiles({ name: 'shop', workloads: [{ name: 'shop' }, { name: 'orders-api', namespace: 'orders', secrets: ['db-password'] }] });
    const result = await runWorkload('orders-api', { 'workload-namespace': 'orders', secrets: 'db-password' }, seed);
    expect(changed(result, seed)).toEqual([]);
    const bare = await runWorkload('orders-api', {}, seed);
    expect(changed(bare, seed)).toEqual([]);
  });

  it('refuses a name that exists with other answers unless --force, which updates it', async () => {
    const seed = await repositoryFiles({ name: 'shop' });
    await expect(runWorkload('shop', { port: '9090' }, seed)).rejects.toThrow(/name "shop": a workload with this name exists already with other answers \(port: 8080 → 9090\); rerun with --force/);
    const forced = await runWorkload('shop', { port: '9090', force: true }, seed);
    expect(storedWorkloads(forced)[0]).toMatchObject({ name: 'shop', port: 9090 });
    // Turning the exposed web workload into a worker brings a worker's exposure (none) along.
    const worker = await runWorkload('shop', { kind: 'worker', force: true }, seed);
    expect(storedWorkloads(worker)[0]).toMatchObject({ name: 'shop', kind: 'worker', expose: 'none' });
    expect(worker.fs.exists(`${worker.cwd}/k8s/base/gateway/gateway.yaml`), 'no exposed workload left: no gateway').toBe(false);
    await expect(runWorkload('shop', { kind: 'worker', expose: 'internal', force: true }, seed)).rejects.toThrow(/expose "internal": a worker accepts no connections/);
  });

  it('says which answers differ, stored → given, for a workload that exists (issue 16)', async () => {
    const seed = await repositoryFiles({ name: 'shop', workloads: [{ name: 'shop', namespace: 'web', secrets: ['app-secret'] }] });
    await expect(runWorkload('shop', { 'workload-namespace': 'shop', replicas: '3', secrets: 'app-secret,db-password' }, seed)).rejects.toThrow(
      'name "shop": a workload with this name exists already with other answers (namespace: web → shop; replicas: 2 → 3; secrets: [app-secret] → [app-secret, db-password]); rerun with --force to update it',
    );
  });

  it('a bad name is reported once, not again as the namespace derived from it (issue 16)', async () => {
    const seed = await repositoryFiles({ name: 'shop' });
    const error = await runWorkload('Orders_API', {}, seed).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/name "Orders_API": 2-40 lowercase/);
    expect(error?.message).not.toMatch(/namespace/);
    await expect(runWorkload('kube-api', {}, seed)).rejects.toThrow(
      'namespace "kube-api": a namespace that Kubernetes or AKS reserves for itself (the default: the workload name; set namespace to choose another)',
    );
  });

  it('refuses a workload whose identity would be the pipeline identity, by the name given (issue 16)', async () => {
    const seed = await repositoryFiles({ name: 'base', workloads: [{ name: 'web' }] });
    await expect(runWorkload('pipeline-base', {}, seed)).rejects.toThrow(/^[\s\S]*\n {2}- name "pipeline-base": its identity name "id-pipeline-base-dev" is the name of the pipeline identity/);
  });

  it('rejects invalid workload answers by flag, writing nothing', async () => {
    const seed = await repositoryFiles({ name: 'shop' });
    await expect(runWorkload('Orders_API', { port: '80', secrets: 'db_password' }, seed)).rejects.toThrow(
      /name "Orders_API": 2-40 lowercase[\s\S]*port 80: a port from 1024 to 65535[\s\S]*secrets\[0\] "db_password"/,
    );
    await expect(runWorkload('api', { 'workload-namespace': 'kube-system' }, seed)).rejects.toThrow(/namespace "kube-system": a namespace that Kubernetes or AKS reserves/);
    await expect(runWorkload('api', { kind: 'cron' }, seed)).rejects.toThrow(/kind "cron": one of web, worker/);
    await expect(runWorkload(undefined, {}, seed)).rejects.toThrow(/name: is required/);
  });

  it('refuses to run outside a generated repository', async () => {
    await expect(runWorkload('orders-api', {}, { 'README.md': '# not ours\n' })).rejects.toThrow(/destination ".*": is not a secure-aks repository/);
    await expect(runWorkload('orders-api', {}, { '.yo-rc.json': '{"generator-other": {}}' })).rejects.toThrow(/is not a secure-aks repository/);
  });

  it('names the destination whole, however deep it is (a long answer is cut in messages, a folder the user must find is not)', async () => {
    const deep = join(mkdtempSync(join(tmpdir(), 'secure-aks-gen-')), 'src', 'github.com', 'contoso-platform-engineering', 'services', 'contoso');
    expect(JSON.stringify(deep).length).toBeGreaterThan(80);
    await expect(runWorkload('orders-api', {}, { 'README.md': '# not ours\n' }, deep)).rejects.toThrow(`destination ${JSON.stringify(deep)}: is not a secure-aks repository`);
  });

  it('stops, naming the file, where an owner edit makes the change impossible', async () => {
    const seed = await repositoryFiles({ name: 'shop' });
    // The environment's last part: adding a workload adds its entry to `resources` there.
    const target = `${PATHS.overlayPart('dev', 'workloads-01')}/kustomization.yaml`;
    expect(parse(seed[target]!)?.resources).toBeDefined();
    const broken = { ...seed, [target]: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# resources moved elsewhere by the owner\n' };
    await expect(runWorkload('orders-api', {}, broken)).rejects.toThrow(new RegExp(`nothing was written[\\s\\S]*${target.replace(/[./]/g, '\\$&')}: resources was removed, and the generator would change it`));
  });
});
