// The sample workload sources the pipeline builds (src/<workload>/), the environments note, and the
// pipeline context's derived values.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubectlVersion, SAMPLE_BASE_IMAGE, SAMPLE_UID, SAMPLE_WORKER, SAMPLE_WORKER_BASE_IMAGE, shellWord, yamlScalar } from '../generators/core/plan/pipeline.ts';
import { WORKER_PROBE_COMMAND } from '../generators/core/plan/k8s.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRepository, writeTree } from './helpers/generate.ts';
import { toolOrSkip } from './helpers/tools.ts';

const shellcheck = toolOrSkip('shellcheck');

const WORKLOADS = [{ name: 'orders-api' }, { name: 'web', namespace: 'frontend', port: 9000 }, { name: 'billing-worker', kind: 'worker' as const }];

/** Dockerfile instructions (no continuation lines in the sample), comments dropped. */
function instructions(dockerfile: string): Array<[string, string]> {
  return dockerfile
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.trim().split(/\s+/);
      return [keyword!.toUpperCase(), rest.join(' ')];
    });
}

describe('sample workload sources (src/<workload>/)', async () => {
  const { files, answers, ctx } = await renderRepository({ workloads: WORKLOADS });

  const web = answers.workloads.filter((w) => w.kind === 'web');
  const workers = answers.workloads.filter((w) => w.kind === 'worker');

  it.each(web.map((w) => [w.name, w]))('%s: a pinned Docker Hub base, non-root, on the workload port', (_, w) => {
    const dir = ctx.paths.workloadSource(w.name);
    const steps = instructions(files.get(`${dir}/Dockerfile`)!);
    const from = steps.filter(([k]) => k === 'FROM').map(([, v]) => v);
    expect(from).toEqual([SAMPLE_BASE_IMAGE]);
    const [repository, tag] = SAMPLE_BASE_IMAGE.split(':');
    // A Docker Hub short name: no registry host (a first component with a dot or a port) in front.
    expect(repository!.split('/')).toHaveLength(2);
    expect(repository!.split('/')[0]).not.toMatch(/[.:]/);
    expect(tag).toMatch(/^\d+\.\d+\.\d+-[a-z0-9-]+$/);
    expect(tag).not.toMatch(/latest|stable|mainline/);

    // The last USER wins: numeric, not root, the uid the Kubernetes manifests run the pod as.
    const user = steps.filter(([k]) => k === 'USER').at(-1)![1];
    expect(user).toBe(`${SAMPLE_UID}:${SAMPLE_UID}`);
    expect(ctx.k8s.runAs).toEqual({ user: SAMPLE_UID, group: SAMPLE_UID });
    expect(steps.filter(([k]) => k === 'EXPOSE').map(([, v]) => v)).toEqual([String(w.port)]);
    expect(steps.some(([k]) => k === 'ADD' || k === 'RUN')).toBe(false);

    // Everything COPY takes is in the build context and let through by .dockerignore.
    const sources = steps.filter(([k]) => k === 'COPY').map(([, v]) => v.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1)).flat();
    expect(sources).toEqual(['default.conf', 'html/']);
    for (const source of sources) expect([...files.keys()].some((p) => p.startsWith(`${dir}/${source}`))).toBe(true);
    const ignore = files.get(`${dir}/.dockerignore`)!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    for (const source of sources) expect(ignore).toContain(`!${source}`);
  });

  it.each(web.map((w) => [w.name, w]))('%s: nginx listens on the workload port and answers /healthz', (_, w) => {
    const conf = files.get(`${ctx.paths.workloadSource(w.name)}/default.conf`)!;
    expect(conf.match(/^\s*listen\s+[^;]+;/gm)).toEqual([`    listen ${w.port};`]);
    expect(conf).toMatch(/location = \/healthz \{[^}]*return 200 [^}]*\}/);
    // Nothing that needs a writable root file system or root: no user, pid or temp paths outside /tmp.
    expect(conf).not.toMatch(/^\s*(user|pid|client_body_temp_path|proxy_temp_path)\s/m);
    expect(files.get(`${ctx.paths.workloadSource(w.name)}/html/index.html`)).toContain(`<h1>${w.name}</h1>`);
  });

  it.each(workers.map((w) => [w.name, w]))('%s: a worker sample, a pinned Docker Hub base, non-root, no port, its exec probe in the image', (_, w) => {
    const dir = ctx.paths.workloadSource(w.name);
    const names = [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)).sort();
    expect(names).toEqual(['.dockerignore', 'Dockerfile', SAMPLE_WORKER.healthcheck, SAMPLE_WORKER.script].sort());
    const steps = instructions(files.get(`${dir}/Dockerfile`)!);
    expect(steps.filter(([k]) => k === 'FROM').map(([, v]) => v)).toEqual([SAMPLE_WORKER_BASE_IMAGE]);
    const [repository, tag] = SAMPLE_WORKER_BASE_IMAGE.split(':');
    expect(repository!.split('/')[0]).not.toMatch(/[.:]/);
    expect(tag).toMatch(/^\d+\.\d+\.\d+(-[a-z0-9-]+)?$/);
    expect(steps.filter(([k]) => k === 'USER').at(-1)![1]).toBe(`${SAMPLE_UID}:${SAMPLE_UID}`);
    expect(steps.filter(([k]) => k === 'EXPOSE'), 'a worker listens on nothing').toEqual([]);
    expect(steps.some(([k]) => k === 'ADD' || k === 'RUN')).toBe(false);
    // The image holds the scripts the entrypoint and the Deployment's exec probe run.
    const copies = steps.filter(([k]) => k === 'COPY').map(([, v]) => v.split(/\s+/).filter((a) => !a.startsWith('--')));
    expect(copies).toEqual([[SAMPLE_WORKER.script, SAMPLE_WORKER.healthcheck, `${SAMPLE_WORKER.dir}/`]]);
    expect(JSON.parse(steps.find(([k]) => k === 'ENTRYPOINT')![1])).toEqual(['/bin/sh', `${SAMPLE_WORKER.dir}/${SAMPLE_WORKER.script}`]);
    expect(WORKER_PROBE_COMMAND).toEqual(['/bin/sh', `${SAMPLE_WORKER.dir}/${SAMPLE_WORKER.healthcheck}`]);
    const ignore = files.get(`${dir}/.dockerignore`)!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore).toEqual(['*', '!Dockerfile', `!${SAMPLE_WORKER.script}`, `!${SAMPLE_WORKER.healthcheck}`]);
  });

  it.each(workers.map((w) => [w.name, w]))('%s: the worker loop writes a heartbeat its health check accepts, and the check fails on a stale one', (_, w) => {
    const dir = ctx.paths.workloadSource(w.name);
    const worker = files.get(`${dir}/${SAMPLE_WORKER.script}`)!;
    const check = files.get(`${dir}/${SAMPLE_WORKER.healthcheck}`)!;
    expect(worker).toContain(`readonly heartbeat=${SAMPLE_WORKER.heartbeat}`);
    expect(worker).toMatch(/trap stop TERM INT/);
    // Run the health check (with sh, as the probe does) against a fresh, a stale and a missing heartbeat.
    const tmp = mkdtempSync(join(tmpdir(), 'secure-aks-worker-'));
    try {
      const heartbeat = join(tmp, 'heartbeat');
      const script = join(tmp, 'check.sh');
      writeFileSync(script, check.replace(`readonly heartbeat=${SAMPLE_WORKER.heartbeat}`, `readonly heartbeat=${heartbeat}`));
      const run = () => {
        try {
          execFileSync('sh', [script], { stdio: 'ignore' });
          return 0;
        } catch (error) {
          return (error as { status: number }).status;
        }
      };
      expect(run(), 'no heartbeat yet').not.toBe(0);
      writeFileSync(heartbeat, `${Math.floor(Date.now() / 1000)}\n`);
      expect(run(), 'fresh heartbeat').toBe(0);
      writeFileSync(heartbeat, `${Math.floor(Date.now() / 1000) - SAMPLE_WORKER.staleAfterSeconds - 5}\n`);
      expect(run(), 'stale heartbeat').not.toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it.skipIf(!shellcheck)('the worker scripts pass shellcheck (POSIX sh: BusyBox has no bash)', () => {
    const scripts = [...files.keys()].filter((p) => p.startsWith('src/') && p.endsWith('.sh'));
    expect(scripts.length).toBe(2 * workers.length);
    const dir = writeTree(new Map(scripts.map((p) => [p, files.get(p)!])), 'secure-aks-worker-sh-');
    try {
      for (const script of scripts) expect(files.get(script)!.split('\n')[0]).toBe('#!/bin/sh');
      execFileSync(shellcheck!, ['--severity=style', '--shell=sh', ...scripts], { cwd: dir, stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('emits sources only for the answered workloads', () => {
    const dirs = new Set([...files.keys()].filter((p) => p.startsWith('src/')).map((p) => p.split('/')[1]));
    expect([...dirs].sort()).toEqual(['billing-worker', 'orders-api', 'web']);
  });
});

describe('docs/environments.md', async () => {
  const { files, ctx } = await renderRepository({ name: 'shop', environment: 'prod' });
  const doc = files.get('docs/environments.md')!;

  it('names both environments and what targets them, and the checks to add', () => {
    expect(ctx.pipeline.environments).toEqual({ infra: 'shop-prod-infra', workloads: 'shop-prod' });
    expect(doc).toContain('| `shop-prod-infra` | stage **Infra**');
    expect(doc).toContain('| `shop-prod` | stage **Deploy**');
    for (const check of ['Branch control', 'Approvals', 'Exclusive lock']) expect(doc).toContain(`**${check}**`);
  });
});

describe('pipeline context', () => {
  it('quotes shell words only when needed', () => {
    expect(shellWord('contoso')).toBe('contoso');
    expect(shellWord('Line of Business')).toBe("'Line of Business'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });

  it('places YAML values so that YAML 1.1 and 1.2 both read them back as the same string', () => {
    const values = ['sc-contoso-dev', 'pool-a', 'infra/dev.bicepparam', 'true', 'Off', 'null', 'y', '123', '1e3', '0x1f', '2001-01-01', '1_000', 'a: b', "it's", '~'];
    for (const value of values) {
      const placed = yamlScalar(value);
      for (const version of ['1.1', '1.2'] as const) expect(parse(`key: ${placed}`, { version }), `${value} as ${placed}`).toEqual({ key: value });
    }
    expect(yamlScalar('sc-contoso-dev')).toBe('sc-contoso-dev');
    expect(yamlScalar('true')).toBe('"true"');
  });

  it('pins kubectl to the cluster version', () => {
    expect(kubectlVersion('1.35')).toBe('1.35.0');
    expect(kubectlVersion('1.34.2')).toBe('1.34.2');
  });
});
