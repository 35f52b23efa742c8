// The k8s/ layout is built for the workload subgenerator: a workload (in a new or an existing
// namespace) is new files plus list entries in kustomization.yaml files, nothing else. Also the
// context module's own rules (YAML-safe names, zone spreading, egress ranges).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument, type YAMLSeq } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { PATHS } from '../generators/core/plan/contracts.ts';
import { k8sContext, overlayParts, PUBLIC_EGRESS_EXCEPT, WORKLOADS_PER_PART, workloadsPartName, yamlName } from '../generators/core/plan/k8s.ts';
import { workloadContext } from '../generators/core/plan/workload.ts';
import { parseCidr, type Cidr } from '../generators/core/answers/network.ts';
import { templateRoot } from '../generators/core/support/paths.ts';
import { renderTree } from '../generators/core/output/render.ts';
import { renderRepository, resolveOrThrow, writeTree, type AnswerInput } from './helpers/generate.ts';
import { kustomize, nameOf, renderParts } from './helpers/k8s.ts';
import { toolOrSkip } from './helpers/tools.ts';

const kubectl = toolOrSkip('kubectl');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const ORDERS = { name: 'orders', namespace: 'commerce', port: 8080, replicas: 2, secrets: ['orders-db'] };
const PAYMENTS = { name: 'payments', namespace: 'commerce', port: 9090, replicas: 2, secrets: ['psp-key'] };
const WEB = { name: 'web', namespace: 'frontend', port: 3000, replicas: 1, secrets: [] };

/** Files the k8s concern owns in a generated tree. */
function k8sFiles(files: Map<string, string>): Map<string, string> {
  return new Map([...files].filter(([path]) => path.startsWith('k8s/') || path === PATHS.writeDeployValues));
}

/** `after` is `before` plus new entries (order of the old ones kept); returns the new entries. */
function addedEntries(before: unknown, after: unknown, where: string): unknown[] {
  const old = (before ?? []) as unknown[];
  const now = (after ?? []) as unknown[];
  expect(Array.isArray(old) && Array.isArray(now), where).toBe(true);
  expect(now.filter((entry) => old.includes(entry)), `${where}: existing entries stay, in order`).toEqual(old);
  return now.filter((entry) => !old.includes(entry));
}

const LIST_KEYS = ['resources', 'components'];

/** Exactly one part's worth of workloads (in one namespace). */
const FULL_PART = Array.from({ length: WORKLOADS_PER_PART }, (_, i) => ({ name: `api-${i + 1}`, namespace: 'commerce', port: 8080, replicas: 1, secrets: i % 2 === 0 ? ['db'] : [] }));

describe('adding a workload is new files plus list entries in kustomization.yaml files', () => {
  it.each([
    ['to a new namespace', [ORDERS], WEB],
    ['to an existing namespace', [ORDERS], PAYMENTS],
    ['to a cluster-only repository', [], WEB],
    ['after a full part (it opens the next part)', FULL_PART, WEB],
  ])('%s', async (_case, existing, added) => {
    const input = (workloads: AnswerInput['workloads']): AnswerInput => ({ name: 'shop', workloads });
    const before = k8sFiles((await renderRepository(input(existing))).files);
    const afterRepo = await renderRepository(input([...existing, added]));
    const after = k8sFiles(afterRepo.files);

    expect([...before.keys()].filter((path) => !after.has(path)), 'no file disappears').toEqual([]);
    const changed = [...before.keys()].filter((path) => before.get(path) !== after.get(path));
    for (const path of changed) {
      expect(path, 'only kustomizations change').toMatch(/(^|\/)kustomization\.yaml$/);
      const [old, now] = [parse(before.get(path)!) as Record<string, unknown>, parse(after.get(path)!) as Record<string, unknown>];
      const rest = (doc: Record<string, unknown>) => Object.fromEntries(Object.entries(doc).filter(([key]) => !LIST_KEYS.includes(key)));
      expect(rest(now), `${path}: nothing but resources/components changes`).toEqual(rest(old));
      for (const key of LIST_KEYS) addedEntries(old[key], now[key], `${path} ${key}`);
    }

    // What the subgenerator renders for the new workload alone: exactly the new files, plus the
    // files of an existing namespace, identical to what is already there.
    const ctx = afterRepo.ctx;
    const alone = await renderTree(templateRoot('app'), ctx, {
      workloads: ctx.workloads.filter((w) => w.name === added.name),
      filter: (template) => template.includes('__workload__') || template.includes('__namespace__'),
    });
    const aloneK8s = k8sFiles(alone);
    const created = [...after.keys()].filter((path) => !before.has(path));
    expect(created.length).toBeGreaterThan(0);
    // A workload that does not fit in the last part opens the next one (the first workload opens workloads-01).
    const overlay = PATHS.kustomizeOverlay(ctx.answers.environment);
    const partFiles = created.filter((path) => path.startsWith(`${overlay}/parts/`));
    const opensPart = existing.length % WORKLOADS_PER_PART === 0;
    expect(partFiles, 'a new part exactly when the last one is full').toEqual(opensPart ? [`${overlay}/parts/${workloadsPartName(existing.length / WORKLOADS_PER_PART)}/kustomization.yaml`] : []);
    // The first exposed workload also brings the private gateway, which all exposed workloads share.
    const gatewayBefore = [...before.keys()].some((path) => path.startsWith('k8s/base/gateway/'));
    const gatewayFiles = created.filter((path) => path.startsWith('k8s/base/gateway/'));
    expect(gatewayFiles.length > 0, 'the gateway arrives with the first exposed workload').toBe(!gatewayBefore && (added as { expose?: string }).expose !== 'none');
    expect(created.filter((path) => !aloneK8s.has(path) && !gatewayFiles.includes(path) && !partFiles.includes(path)), 'every new file comes from a workload or namespace template').toEqual([]);
    for (const [path, content] of aloneK8s) {
      if (before.has(path)) expect(content, `${path} is rendered identically`).toBe(before.get(path));
      else expect(content, path).toBe(after.get(path));
    }

    // Doing exactly that (new files + structural list edits that keep comments) gives the same tree.
    const edited = new Map(before);
    for (const path of created) edited.set(path, after.get(path)!);
    for (const path of changed) {
      const doc = parseDocument(before.get(path)!);
      const [old, target] = [parse(before.get(path)!) as Record<string, unknown[]>, parse(after.get(path)!) as Record<string, unknown[]>];
      for (const key of LIST_KEYS) {
        const added = addedEntries(old[key], target[key], path);
        if (added.length === 0) continue;
        const seq = doc.get(key, true) as YAMLSeq | undefined;
        if (seq && seq.items.length > 0) for (const entry of added) seq.add(doc.createNode(entry));
        else doc.set(key, doc.createNode([...(old[key] ?? []), ...added]));
      }
      const text = doc.toString();
      for (const comment of before.get(path)!.split('\n').filter((line) => line.trim().startsWith('#'))) {
        expect(text, `${path} keeps its comments`).toContain(comment.trim());
      }
      edited.set(path, text);
    }
    if (kubectl) {
      // When the edited tree is the generator's byte for byte (after a full part, where no comment names the
      // new workload), kubectl would render the same input twice: one render serves both sides.
      const identical = edited.size === after.size && [...edited].every(([path, content]) => after.get(path) === content);
      const afterRoot = writeTree(after, 'secure-aks-layout-');
      const editedRoot = identical ? afterRoot : writeTree(edited, 'secure-aks-layout-');
      temps.push(...new Set([editedRoot, afterRoot]));
      // Both overlays and the parts at once: kubectl renders one folder per process.
      const afterOverlay = kustomize(kubectl, join(afterRoot, overlay));
      const [a, b, parts] = await Promise.all([identical ? afterOverlay : kustomize(kubectl, join(editedRoot, overlay)), afterOverlay, renderParts(kubectl, afterRoot, after.keys(), overlay)]);
      expect(a.map(nameOf)).toEqual(b.map(nameOf));
      expect(a).toEqual(b);
      // And the parts, each rendered on its own, are that overlay (two workloads parts after a full one).
      expect([...parts.keys()]).toEqual(ctx.k8s.parts.map((p) => p.path));
      expect([...parts.values()].flat()).toEqual(b);
    }
  });
});

describe('removing a workload', () => {
  it('moves the later workloads up a part: only the parts\' kustomizations and the overlay\'s list change, and the parts still render the whole', async () => {
    const input = (workloads: AnswerInput['workloads']): AnswerInput => ({ name: 'shop', workloads });
    const all = [...FULL_PART, WEB];
    const before = k8sFiles((await renderRepository(input(all))).files);
    const afterRepo = await renderRepository(input(all.filter((w) => w.name !== 'api-3')));
    const after = k8sFiles(afterRepo.files);
    const overlay = PATHS.kustomizeOverlay('dev');
    const gone = [...before.keys()].filter((path) => !after.has(path));
    expect(gone.filter((path) => !path.includes('/api-3/'))).toEqual([`${overlay}/parts/workloads-02/kustomization.yaml`]);
    const changed = [...after.keys()].filter((path) => before.has(path) && before.get(path) !== after.get(path));
    expect(changed.sort()).toEqual([`${overlay}/kustomization.yaml`, `${overlay}/parts/workloads-01/kustomization.yaml`]);
    expect(parse(after.get(`${overlay}/parts/workloads-01/kustomization.yaml`)!).resources.at(-1)).toBe('../../workloads/web');
    if (kubectl) {
      const root = writeTree(after, 'secure-aks-layout-');
      temps.push(root);
      const [whole, parts] = await Promise.all([kustomize(kubectl, join(root, overlay)), renderParts(kubectl, root, after.keys(), overlay)]);
      expect([...parts.keys()]).toEqual([`${overlay}/parts/platform`, `${overlay}/parts/workloads-01`]);
      expect([...parts.values()].flat()).toEqual(whole);
    }
  });
});

describe('owner edits the layout is made for', () => {
  it.skipIf(!kubectl)('a sidecar added after the workload container keeps its own image', async () => {
    const { files, ctx } = await renderRepository({ name: 'shop', workloads: [ORDERS] });
    const path = 'k8s/base/workloads/orders/deployment.yaml';
    const doc = parseDocument(files.get(path)!);
    const sidecar = { name: 'proxy', image: 'mcr.microsoft.com/oss/envoyproxy/envoy:v1.34.1' };
    (doc.getIn(['spec', 'template', 'spec', 'containers']) as YAMLSeq).add(doc.createNode(sidecar));
    const root = writeTree(new Map([...files, [path, doc.toString()]]), 'secure-aks-layout-');
    temps.push(root);
    const objects = await kustomize(kubectl!, join(root, PATHS.kustomizeOverlay(ctx.answers.environment)));
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const images = (deployment.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers.map((c) => c.image);
    expect(images).toEqual([ctx.k8s.workload.orders!.image, sidecar.image]);
  });
});

describe('k8s context', () => {
  it('quotes exactly the names YAML 1.1 (kubectl) would read as something other than a string', () => {
    for (const word of ['yes', 'no', 'on', 'off', 'true', 'false', 'null', 'y', 'n']) expect(yamlName(word)).toBe(`"${word}"`);
    for (const name of ['orders', 'web-api', 'ons', 'yes-please', 'nulls']) expect(yamlName(name)).toBe(name);
  });

  it.skipIf(!kubectl)('a workload named "on" in namespace "yes" renders as those strings', async () => {
    const { files } = await renderRepository({ name: 'shop', workloads: [{ name: 'on', namespace: 'yes', port: 8080, replicas: 1, secrets: ['s'], expose: 'none' }] });
    const root = writeTree(files, 'secure-aks-layout-');
    temps.push(root);
    const objects = await kustomize(kubectl!, join(root, PATHS.kustomizeOverlay('dev')));
    const namespaced = objects.filter((o) => o.kind !== 'Namespace');
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['yes']));
    expect(new Set(namespaced.map((o) => o.metadata.name))).toEqual(new Set(['on', 'on-secrets', 'default-deny']));
    const deployment = namespaced.find((o) => o.kind === 'Deployment')!;
    expect((deployment.spec as { selector: unknown }).selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'on' } });
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('yes');
  });

  it('one namespace entry per distinct namespace, zone spreading hard only across two or more zones', () => {
    const answers = resolveOrThrow({ workloads: [ORDERS, PAYMENTS, WEB], availabilityZones: ['1', '2'] });
    const network = { privateEndpointsCidr: '10.42.4.64/27', ingressSubnet: 'snet-aks-ingress', ingressIp: '10.42.4.132' };
    const workloads = answers.workloads.map((w) => workloadContext(w, answers));
    const ctx = k8sContext(answers, workloads, network);
    expect(ctx.namespaces).toEqual(['commerce', 'frontend']);
    expect(ctx.zoneSpread).toBe('DoNotSchedule');
    expect(k8sContext({ ...answers, availabilityZones: ['1'] }, workloads, network).zoneSpread).toBe('ScheduleAnyway');
    expect(k8sContext({ ...answers, availabilityZones: [] }, workloads, network).zoneSpread).toBe('ScheduleAnyway');
    for (const w of answers.workloads) expect(ctx.workload[w.name]!.minReplicas).toBe(w.replicas);
    expect(ctx.workload.web!.resources).not.toContain('secret-provider-class.yaml');
    expect(ctx.workload.orders!.resources).toContain('secret-provider-class.yaml');
  });

  it('parts: platform first (gateway once a workload is exposed, then each namespace once), then workloads in answer order, WORKLOADS_PER_PART per part', () => {
    const w = (i: number, exposed = false) => ({ name: `w${i}`, namespace: `ns${i % 3}`, exposed });
    const many = Array.from({ length: 2 * WORKLOADS_PER_PART + 1 }, (_, i) => w(i + 1, i === 4));
    const parts = overlayParts('dev', many);
    expect(parts.map((p) => p.name)).toEqual(['platform', 'workloads-01', 'workloads-02', 'workloads-03']);
    expect(parts.map((p) => p.path)).toEqual(parts.map((p) => `k8s/overlays/dev/parts/${p.name}`));
    expect(parts[0]!.resources).toEqual(['../../../../base/gateway', '../../../../base/namespaces/ns1', '../../../../base/namespaces/ns2', '../../../../base/namespaces/ns0']);
    expect(parts.slice(1).map((p) => p.workloads.length)).toEqual([WORKLOADS_PER_PART, WORKLOADS_PER_PART, 1]);
    expect(parts.slice(1).flatMap((p) => p.workloads)).toEqual(many.map((x) => x.name));
    expect(parts[1]!.resources[0]).toBe('../../workloads/w1');
    for (const p of parts) expect(p.component).toBe('../../deploy-values');
    // With several environments the gateway is the overlay's own; without workloads only the (empty) platform part.
    expect(overlayParts('prod', many, 2)[0]!.resources[0]).toBe('../../gateway');
    expect(overlayParts('dev', [])).toEqual([{ name: 'platform', path: 'k8s/overlays/dev/parts/platform', resources: [], component: '../../deploy-values', workloads: [] }]);
    expect(workloadsPartName(9)).toBe('workloads-10');
  });

  it('public egress excludes every range a cluster may use (the answers only allow private ranges)', () => {
    const except = PUBLIC_EGRESS_EXCEPT.map((c) => parseCidr(c) as Cidr);
    for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.169.254/32', '168.63.129.16/32']) {
      const r = parseCidr(range) as Cidr;
      expect(except.some((e) => e.first <= r.first && r.last <= e.last), range).toBe(true);
    }
  });
});
