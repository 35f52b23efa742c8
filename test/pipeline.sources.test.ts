// The sample workload sources the pipeline builds (src/<workload>/), the environments note, and the
// pipeline context's derived values.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubectlVersion, SAMPLE_BASE_IMAGE, SAMPLE_UID, shellWord, yamlScalar } from '../generators/core/plan/pipeline.ts';
import { renderRepository } from './helpers/generate.ts';

const WORKLOADS = [{ name: 'orders-api' }, { name: 'web', namespace: 'frontend', port: 9000 }];

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

  it.each(answers.workloads.map((w) => [w.name, w]))('%s: a pinned Docker Hub base, non-root, on the workload port', (_, w) => {
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

  it.each(answers.workloads.map((w) => [w.name, w]))('%s: nginx listens on the workload port and answers /healthz', (_, w) => {
    const conf = files.get(`${ctx.paths.workloadSource(w.name)}/default.conf`)!;
    expect(conf.match(/^\s*listen\s+[^;]+;/gm)).toEqual([`    listen ${w.port};`]);
    expect(conf).toMatch(/location = \/healthz \{[^}]*return 200 [^}]*\}/);
    // Nothing that needs a writable root file system or root: no user, pid or temp paths outside /tmp.
    expect(conf).not.toMatch(/^\s*(user|pid|client_body_temp_path|proxy_temp_path)\s/m);
    expect(files.get(`${ctx.paths.workloadSource(w.name)}/html/index.html`)).toContain(`<h1>${w.name}</h1>`);
  });

  it('emits sources only for the answered workloads', () => {
    const dirs = new Set([...files.keys()].filter((p) => p.startsWith('src/')).map((p) => p.split('/')[1]));
    expect([...dirs].sort()).toEqual(['orders-api', 'web']);
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
