// The emitted Kubernetes manifests, checked with the real tools on what they render to:
// every file and every rendered object against its schema, yamllint, Pod Security "restricted",
// workload identity wired per workload, Key Vault secrets only where answered, network policies.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../generators/core/plan/contracts.ts';
import { CLIENT_ID_ANNOTATION, DEPLOY_VALUE_KEYS, PLACEHOLDER, PLACEHOLDER_REGISTRY, WORKER_PROBE_COMMAND, WORKLOADS_PER_PART } from '../generators/core/plan/k8s.ts';
import { overlaps, parseCidr, type Cidr } from '../generators/core/answers/network.ts';
import { renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import {
  kustomize,
  nameOf,
  overlaysOf,
  parseManifests,
  podSecurityRestricted,
  podSpecOf,
  renderOverlays,
  renderParts,
  validateGatewayApi,
  validateKustomization,
  validateObject,
  yamllint,
  type K8sObject,
} from './helpers/k8s.ts';
import { toolOrSkip } from './helpers/tools.ts';

const kubectl = toolOrSkip('kubectl');
const yamllintPath = toolOrSkip('yamllint');

const SCENARIOS: Array<{ id: string; input: AnswerInput }> = [
  { id: 'default repository', input: {} },
  {
    id: 'three workloads (two share a namespace, one is a worker, one has no secrets), no zones',
    input: {
      name: 'shop',
      environment: 'prod',
      availabilityZones: [],
      workloads: [
        { name: 'orders', namespace: 'commerce', port: 8080, replicas: 2, secrets: ['orders-db', 'api-key'] },
        { name: 'payments', namespace: 'commerce', kind: 'worker' as const, replicas: 3, secrets: ['psp-key'] },
        { name: 'web', namespace: 'frontend', port: 3000, replicas: 1, secrets: [] },
      ],
    },
  },
  {
    id: 'web workloads that are not exposed, and a worker (no gateway)',
    input: {
      name: 'backoffice',
      workloads: [
        { name: 'admin', namespace: 'ops', port: 8080, replicas: 1, secrets: [], expose: 'none' as const },
        { name: 'sync', namespace: 'ops', kind: 'worker' as const, replicas: 1, secrets: ['token'] },
      ],
    },
  },
  { id: 'zero workloads (cluster only)', input: { name: 'platform', workloads: [] } },
];

/** Filled-in deploy-time values: distinct per workload, so the wiring is proven per workload. */
function fakeValues(rendered: Rendered) {
  return {
    acrLoginServer: 'crfake0001.azurecr.io',
    keyVaultName: 'kv-fake-0001',
    tenantId: '72f988bf-0000-4000-8000-000000000001',
    imageTag: '20260101.7',
    gatewayClientId: '0000000a-1111-4222-8333-aaaaaaaaaaaa',
    clientIds: Object.fromEntries(rendered.answers.workloads.map((w, i) => [w.name, `0000000${i + 1}-1111-4222-8333-${String(i + 1).padStart(12, '4')}`])),
  };
}
type Values = ReturnType<typeof fakeValues>;

/** Writes the values files the way scripts/write-deploy-values.sh does (that script has its own tests). */
function fillValues(root: string, rendered: Rendered, values: Values): void {
  const env = rendered.answers.environment;
  const lines = [
    `${DEPLOY_VALUE_KEYS.acrLoginServer}=${values.acrLoginServer}`,
    `${DEPLOY_VALUE_KEYS.keyVaultName}=${values.keyVaultName}`,
    `${DEPLOY_VALUE_KEYS.tenantId}=${values.tenantId}`,
    `${DEPLOY_VALUE_KEYS.gatewayClientId}=${values.gatewayClientId}`,
    `${DEPLOY_VALUE_KEYS.imageTag}=${values.imageTag}`,
  ];
  writeFileSync(join(root, PATHS.deployValues(env)), `${lines.join('\n')}\n`);
  for (const [workload, clientId] of Object.entries(values.clientIds)) {
    const path = PATHS.workloadDeployValues(env, workload);
    writeFileSync(join(root, path), rendered.files.get(path)!.replace(`${CLIENT_ID_ANNOTATION}: ${PLACEHOLDER}`, `${CLIENT_ID_ANNOTATION}: ${clientId}`));
  }
}

interface Scenario {
  rendered: Rendered;
  values: Values;
  fresh: string;
  filled: string;
  overlay: string;
  /** What kubectl kustomize renders: the fresh overlay (placeholders), the filled overlay, and each
   * workload's overlay folder of the filled tree on its own (workload name -> objects). */
  placeholders: K8sObject[];
  units: Map<string, K8sObject[]>;
  objects: K8sObject[];
  /** Each part of the filled overlay rendered on its own (what Deploy applies), in order: part path -> objects. */
  parts: Map<string, K8sObject[]>;
}

const scenarios = new Map<string, Scenario>();
const temps: string[] = [];

function find(objects: K8sObject[], kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
}
function must(objects: K8sObject[], kind: string, namespace: string | undefined, name: string): K8sObject {
  const found = find(objects, kind, namespace, name);
  if (!found) throw new Error(`missing ${kind} ${namespace ?? ''}/${name}; rendered: ${objects.map(nameOf).join(', ')}`);
  return found;
}
const spec = (o: K8sObject) => o.spec as Record<string, any>;

describe.skipIf(!kubectl)('Kubernetes manifests rendered with kubectl kustomize', () => {
  beforeAll(async () => {
    await Promise.all(
      SCENARIOS.map(async ({ id, input }) => {
        const rendered = await renderRepository(input);
        const values = fakeValues(rendered);
        const fresh = writeTree(rendered.files, 'secure-aks-k8s-');
        const filled = writeTree(rendered.files, 'secure-aks-k8s-');
        temps.push(fresh, filled);
        fillValues(filled, rendered, values);
        const overlays = overlaysOf(rendered.files.keys());
        expect(overlays, 'one overlay per environment').toEqual([PATHS.kustomizeOverlay(rendered.answers.environment)]);
        const overlay = overlays[0]!;
        const env = rendered.answers.environment;
        const [freshOverlays, objects, parts, ...units] = await Promise.all([
          renderOverlays(kubectl!, fresh, rendered.files.keys()),
          kustomize(kubectl!, join(filled, overlay)),
          renderParts(kubectl!, filled, rendered.files.keys(), overlay),
          ...rendered.answers.workloads.map((w) => kustomize(kubectl!, join(filled, PATHS.workloadOverlay(env, w.name)))),
        ]);
        const placeholders = freshOverlays.get(overlay)!;
        const unitMap = new Map(rendered.answers.workloads.map((w, i) => [w.name, units[i]!]));
        scenarios.set(id, { rendered, values, fresh, filled, overlay, placeholders, units: unitMap, objects, parts: parts as Map<string, K8sObject[]> });
      }),
    );
  });
  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(SCENARIOS.map((s) => s.id))('%s', (id) => {
    const s = () => scenarios.get(id)!;

    it('every emitted k8s file parses strictly and validates against its schema', () => {
      const { files } = s().rendered;
      const k8sFiles = [...files.keys()].filter((f) => f.startsWith('k8s/'));
      expect(k8sFiles.length).toBeGreaterThan(0);
      for (const path of k8sFiles) {
        const text = files.get(path)!;
        if (path.endsWith('.env')) {
          // KEY=value lines (and comments) for a kustomize configMapGenerator
          for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line, path).toMatch(/^[A-Za-z][A-Za-z0-9]*=[^\s=]+$/);
          continue;
        }
        if (path === 'k8s/README.md') continue;
        expect(path, 'only YAML, values files and the README under k8s/').toMatch(/\.yaml$/);
        const docs = parseManifests(text, path);
        expect(docs.length, path).toBeGreaterThan(0);
        for (const doc of docs) {
          const problems = path.endsWith('/kustomization.yaml') ? validateKustomization(doc) : validateObject(doc);
          expect(problems, `${path}: ${nameOf(doc)}`).toEqual([]);
        }
      }
    });

    it.skipIf(!yamllintPath)('is yamllint-clean (strict) with the emitted .yamllint.yaml', async () => {
      expect(s().rendered.files.has('.yamllint.yaml')).toBe(true);
      expect(await yamllint(yamllintPath!, s().fresh, ['.yamllint.yaml', 'k8s'])).toEqual([]);
    });

    it('every rendered object (fresh overlay, filled overlay, each part, each workload folder) validates against its schema', () => {
      for (const objects of [s().placeholders, s().objects, ...s().parts.values(), ...s().units.values()]) {
        for (const obj of objects) expect(validateObject(obj), nameOf(obj)).toEqual([]);
      }
    });

    it('renders a freshly generated repository with visible placeholders, and the filled one without any', () => {
      const { placeholders, objects, rendered } = s();
      expect(placeholders.length).toBe(objects.length);
      if (rendered.answers.workloads.length > 0) expect(JSON.stringify(placeholders)).toContain(PLACEHOLDER);
      expect(JSON.stringify(objects)).not.toContain(PLACEHOLDER);
      // The local-config values never reach the cluster, and nothing holds a secret value.
      expect(objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret').map(nameOf)).toEqual([]);
    });

    it('every pod template passes Pod Security "restricted", with a read-only root filesystem and a writable /tmp', () => {
      const pods = s().objects.filter((o) => podSpecOf(o));
      expect(pods.length).toBe(s().rendered.answers.workloads.length);
      for (const obj of pods) {
        const pod = podSpecOf(obj)!;
        expect(podSecurityRestricted(pod), nameOf(obj)).toEqual([]);
        const ctx = pod.securityContext as Record<string, any>;
        expect(ctx.runAsNonRoot).toBe(true);
        for (const key of ['runAsUser', 'runAsGroup', 'fsGroup']) expect(ctx[key], key).toBeGreaterThan(0);
        for (const container of pod.containers ?? []) {
          const c = container as Record<string, any>;
          expect(c.securityContext.readOnlyRootFilesystem, c.name).toBe(true);
          const tmp = (c.volumeMounts as Array<{ name: string; mountPath: string }>).find((m) => m.mountPath === '/tmp');
          expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${c.name}: /tmp is an emptyDir`).toBeDefined();
        }
      }
    });

    it('one Namespace per distinct namespace, enforcing Pod Security "restricted", with a default-deny policy', () => {
      const { objects, rendered } = s();
      const namespaces = [...new Set(rendered.answers.workloads.map((w) => w.namespace))].sort();
      // Plus the private gateway's namespace when a workload is exposed (checked with the gateway).
      const gatewayNamespace = rendered.ctx.k8s.gateway.enabled ? [rendered.ctx.k8s.gateway.spec.namespace] : [];
      expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual([...namespaces, ...gatewayNamespace].sort());
      for (const ns of namespaces) {
        const labels = must(objects, 'Namespace', undefined, ns).metadata.labels ?? {};
        for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}`], `${ns} ${mode}`).toBe('restricted');
        const deny = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && Object.keys(spec(o).podSelector).length === 0);
        expect(deny, `${ns}: one policy selects every pod`).toHaveLength(1);
        expect(spec(deny[0]!).policyTypes.toSorted()).toEqual(['Egress', 'Ingress']);
        expect(spec(deny[0]!).ingress ?? [], 'default deny allows no ingress').toEqual([]);
        expect(spec(deny[0]!).egress ?? [], 'default deny allows no egress').toEqual([]);
      }
    });

    it('every workload has its ServiceAccount, Deployment, PDB, HPA and NetworkPolicy; a web workload its Service and HTTP probes, a worker neither', () => {
      const { objects, rendered } = s();
      for (const w of rendered.ctx.workloads) {
        const sa = must(objects, 'ServiceAccount', w.namespace, w.names.serviceAccount);
        expect(sa.automountServiceAccountToken).toBe(false);
        const deployment = must(objects, 'Deployment', w.namespace, w.name);
        const template = spec(deployment).template;
        expect(template.metadata.labels['azure.workload.identity/use'], `${w.name}: workload identity label`).toBe('true');
        expect(template.spec.serviceAccountName).toBe(w.names.serviceAccount);
        expect(template.spec.automountServiceAccountToken).toBe(false);
        const selector = spec(deployment).selector.matchLabels as Record<string, string>;
        for (const [k, v] of Object.entries(selector)) expect(template.metadata.labels[k]).toBe(v);

        const [container] = template.spec.containers;
        if (w.web) {
          expect(container.ports).toEqual([{ name: 'http', containerPort: w.port, protocol: 'TCP' }]);
          for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
            expect(container[probe]?.httpGet, `${w.name} ${probe}`).toEqual({ path: '/healthz', port: 'http' });
          }
        } else {
          // A worker listens on nothing: no port, probes that run a command in the container.
          expect(container.ports, `${w.name}: a worker exposes no port`).toBeUndefined();
          for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
            expect(container[probe], `${w.name} ${probe}`).toMatchObject({ exec: { command: [...WORKER_PROBE_COMMAND] } });
            expect(container[probe].httpGet ?? container[probe].tcpSocket ?? container[probe].grpc, `${w.name} ${probe}`).toBeUndefined();
          }
        }
        expect(container.resources.requests.cpu).toBeDefined();
        expect(container.resources.requests.memory).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
        const spread = template.spec.topologySpreadConstraints as Array<Record<string, any>>;
        expect(spread.map((t) => t.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
        for (const t of spread) expect(t.labelSelector.matchLabels).toEqual(selector);
        const zone = spread.find((t) => t.topologyKey === 'topology.kubernetes.io/zone')!;
        expect(zone.whenUnsatisfiable).toBe(rendered.answers.availabilityZones.length >= 2 ? 'DoNotSchedule' : 'ScheduleAnyway');

        if (w.web) {
          const service = must(objects, 'Service', w.namespace, w.name);
          expect(spec(service).selector).toEqual(selector);
          expect(spec(service).ports.map((p: { targetPort: unknown }) => p.targetPort)).toEqual(['http']);
        } else {
          expect(find(objects, 'Service', w.namespace, w.name), `${w.name}: a worker has no Service`).toBeUndefined();
        }
        const pdb = must(objects, 'PodDisruptionBudget', w.namespace, w.name);
        expect(spec(pdb).selector.matchLabels).toEqual(selector);
        const hpa = must(objects, 'HorizontalPodAutoscaler', w.namespace, w.name);
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(spec(hpa).scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: w.name });
        expect(spec(hpa).minReplicas).toBe(w.replicas);
        expect(spec(hpa).maxReplicas).toBeGreaterThan(w.replicas);
        expect(spec(deployment).replicas, 'the HPA owns the replica count').toBeUndefined();
        const policy = must(objects, 'NetworkPolicy', w.namespace, w.name);
        expect(spec(policy).podSelector.matchLabels).toEqual(selector);
      }
      const kinds = new Set(['Namespace', 'ServiceAccount', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'SecretProviderClass', 'Gateway', 'HTTPRoute']);
      expect(objects.filter((o) => !kinds.has(o.kind)).map(nameOf), 'nothing else is rendered').toEqual([]);
    });

    it('wires workload identity per workload: the ServiceAccount annotation and the SecretProviderClass clientID are the same value', () => {
      const { objects, rendered, values } = s();
      for (const w of rendered.ctx.workloads) {
        const sa = must(objects, 'ServiceAccount', w.namespace, w.names.serviceAccount);
        expect(sa.metadata.annotations?.['azure.workload.identity/client-id'], w.name).toBe(values.clientIds[w.name]);
      }
      const pods = objects.filter((o) => podSpecOf(o));
      for (const obj of pods) {
        const pod = podSpecOf(obj)! as Record<string, any>;
        const csi = (pod.volumes as Array<Record<string, any>>).filter((v) => v.csi);
        for (const volume of csi) {
          expect(volume.csi.driver).toBe('secrets-store.csi.k8s.io');
          expect(volume.csi.readOnly).toBe(true);
          const spc = must(objects, 'SecretProviderClass', obj.metadata.namespace, volume.csi.volumeAttributes.secretProviderClass);
          const sa = must(objects, 'ServiceAccount', obj.metadata.namespace, pod.serviceAccountName);
          expect(spec(spc).parameters.clientID, `${nameOf(obj)} uses ${nameOf(sa)}`).toBe(sa.metadata.annotations?.['azure.workload.identity/client-id']);
          for (const container of pod.containers) {
            const mount = container.volumeMounts.find((m: { name: string }) => m.name === volume.name);
            expect(mount?.readOnly, `${container.name} mounts ${volume.name} read-only`).toBe(true);
          }
        }
      }
    });

    it('the parts, each rendered on its own (what Deploy applies), are the whole overlay: same objects, same order, values placed', () => {
      const { objects, parts, rendered, overlay } = s();
      const ctx = rendered.ctx;
      expect([...parts.keys()], 'the parts on disk are the planned ones, platform first').toEqual(ctx.k8s.parts.map((p) => p.path));
      expect([...parts.keys()][0]).toBe(`${overlay}/parts/platform`);
      expect(parse(rendered.files.get(`${overlay}/kustomization.yaml`)!).resources, 'the overlay lists its parts in that order').toEqual(ctx.k8s.parts.map((p) => `parts/${p.name}`));
      expect([...parts.values()].flat().map(nameOf)).toEqual(objects.map(nameOf));
      expect([...parts.values()].flat()).toEqual(objects);
      const [platform, ...workloadParts] = [...parts.values()];
      // The platform part: the namespaces (and the gateway once a workload is exposed), nothing of a workload.
      expect(platform!.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([...(ctx.k8s.gateway.enabled ? [ctx.k8s.gateway.spec.namespace] : []), ...ctx.k8s.namespaces]);
      expect(platform!.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] !== undefined)).toEqual([]);
      // Each workloads part: exactly its workloads' objects, at most WORKLOADS_PER_PART workloads, in answer order.
      expect(ctx.k8s.parts.slice(1).flatMap((p) => p.workloads)).toEqual(ctx.workloads.map((w) => w.name));
      for (const [i, part] of ctx.k8s.parts.slice(1).entries()) {
        expect(part.workloads.length).toBeLessThanOrEqual(WORKLOADS_PER_PART);
        expect(new Set(workloadParts[i]!.map((o) => o.metadata.labels?.['app.kubernetes.io/name'])), part.name).toEqual(new Set(part.workloads));
      }
      for (const objects of parts.values()) expect(objects.filter((o) => o.kind === 'ConfigMap').map(nameOf), 'the values stay local').toEqual([]);
    });

    it('each workload folder of the overlay renders on its own: exactly that workload, with its own client ID', () => {
      const { objects, rendered, values, units } = s();
      const shared = [values.acrLoginServer, values.keyVaultName, values.tenantId, values.imageTag];
      for (const w of rendered.ctx.workloads) {
        const own = units.get(w.name)!;
        const inEnvironment = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.labels?.['app.kubernetes.io/name'] === w.name);
        expect(own.map(nameOf).sort(), w.name).toEqual(inEnvironment.map(nameOf).sort());
        const sa = must(own, 'ServiceAccount', w.namespace, w.names.serviceAccount);
        expect(sa.metadata.annotations?.['azure.workload.identity/client-id']).toBe(values.clientIds[w.name]);
        if (w.hasSecrets) expect(spec(must(own, 'SecretProviderClass', w.namespace, w.names.secretProviderClass)).parameters.clientID).toBe(values.clientIds[w.name]);
        // The shared values are placed by the environment's parts (their component), not by the workload's folder.
        for (const value of shared) expect(JSON.stringify(own)).not.toContain(value);
        expect(own.filter((o) => o.kind === 'ConfigMap').map(nameOf), 'its values file stays local').toEqual([]);
      }
    });

    it('Key Vault secrets only where answered: SecretProviderClass and CSI volume exactly for workloads with secrets', () => {
      const { objects, rendered, values } = s();
      for (const w of rendered.ctx.workloads) {
        const deployment = must(objects, 'Deployment', w.namespace, w.name);
        const volumes = spec(deployment).template.spec.volumes as Array<Record<string, any>>;
        const spc = find(objects, 'SecretProviderClass', w.namespace, w.names.secretProviderClass);
        if (!w.hasSecrets) {
          expect(spc, `${w.name} has no secrets`).toBeUndefined();
          expect(volumes.filter((v) => v.csi)).toEqual([]);
          continue;
        }
        expect(volumes.filter((v) => v.csi).map((v) => v.csi.volumeAttributes.secretProviderClass)).toEqual([w.names.secretProviderClass]);
        const parameters = spec(spc!).parameters as Record<string, string>;
        expect(spec(spc!).provider).toBe('azure');
        expect(parameters.usePodIdentity).toBe('false');
        expect(parameters.keyvaultName).toBe(values.keyVaultName);
        expect(parameters.tenantId).toBe(values.tenantId);
        // The Azure provider's format: a YAML mapping whose `array` holds one YAML document per object.
        const array = (parse(parameters.objects!) as { array: string[] }).array;
        const listed = array.map((entry) => parse(entry) as { objectName: unknown; objectType: unknown });
        expect(listed).toEqual(w.secrets.map((name) => ({ objectName: name, objectType: 'secret' })));
      }
      expect(objects.filter((o) => o.kind === 'SecretProviderClass')).toHaveLength(rendered.ctx.workloads.filter((w) => w.hasSecrets).length);
    });

    it('every image comes from the deployed registry, pinned by the image tag (never latest)', () => {
      const { objects, placeholders, rendered, values } = s();
      for (const w of rendered.ctx.workloads) {
        const image = (o: K8sObject[]) => spec(must(o, 'Deployment', w.namespace, w.name)).template.spec.containers.map((c: { image: string }) => c.image);
        expect(image(objects)).toEqual([`${values.acrLoginServer}/${w.name}:${values.imageTag}`]);
        expect(image(placeholders)).toEqual([`${PLACEHOLDER_REGISTRY}/${w.name}:${PLACEHOLDER}`]);
        // A valid image reference (host/path:tag) in both states.
        for (const ref of [...image(objects), ...image(placeholders)]) {
          expect(ref).toMatch(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+\/[a-z0-9]+([._-][a-z0-9]+)*:[\w][\w.-]{0,127}$/);
          expect(ref).not.toMatch(/:latest$/);
        }
      }
    });

    it('private HTTPS ingress: one internal gateway with a fixed private address, a Key Vault certificate and an HTTP-to-HTTPS redirect; a route per exposed workload', () => {
      const { objects, rendered, values } = s();
      const { ctx } = rendered;
      const gw = ctx.k8s.gateway.spec;
      const exposed = ctx.workloads.filter((w) => w.exposed);
      const gateways = objects.filter((o) => o.kind === 'Gateway');
      if (exposed.length === 0) {
        expect(gateways, 'no exposed workload, no gateway').toEqual([]);
        expect(objects.filter((o) => o.kind === 'HTTPRoute' || o.metadata.namespace === gw.namespace || o.metadata.name === gw.namespace)).toEqual([]);
        return;
      }
      expect(gateways).toHaveLength(1);
      const gateway = must(objects, 'Gateway', gw.namespace, gw.name);
      expect(spec(gateway).gatewayClassName).toBe('approuting-istio');
      // Internal only: an internal load balancer with the address the private DNS zone's records point at.
      expect(spec(gateway).infrastructure.annotations).toEqual({
        'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
        'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': ctx.names.subnets.ingress,
        'service.beta.kubernetes.io/azure-load-balancer-ipv4': ctx.network.ingressGatewayIp,
      });
      const ingressSubnet = parseCidr(ctx.network.subnet.ingress!.cidr) as Cidr;
      expect(overlaps(ingressSubnet, parseCidr(`${ctx.network.ingressGatewayIp}/32`) as Cidr)).toBe(true);
      const listeners = spec(gateway).listeners as Array<Record<string, any>>;
      expect(listeners.map((l) => `${l.name}:${l.protocol}:${l.port}`)).toEqual(['http:HTTP:80', 'https:HTTPS:443']);
      const https = listeners.find((l) => l.protocol === 'HTTPS')!;
      expect(https.hostname).toBe(`*.${rendered.answers.privateDnsZone}`);
      // TLS from the Key Vault certificate through the operator: no certificateRefs to a Secret we wrote.
      expect(https.tls).toEqual({
        mode: 'Terminate',
        options: {
          'kubernetes.azure.com/tls-cert-keyvault-uri': `https://${rendered.answers.keyVaultName.toLowerCase()}.vault.azure.net/certificates/${gw.certificateName}`,
          'kubernetes.azure.com/tls-cert-service-account': gw.serviceAccount,
        },
      });
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      expect(https.allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { [gw.routesLabel.key]: gw.routesLabel.value } } }, kinds: [{ kind: 'HTTPRoute' }] });
      const sa = must(objects, 'ServiceAccount', gw.namespace, gw.serviceAccount);
      expect(sa.metadata.annotations?.['azure.workload.identity/client-id']).toBe(values.gatewayClientId);
      expect(sa.metadata.labels?.['azure.workload.identity/use']).toBe('true');
      // HTTP only redirects to HTTPS, and only the gateway's own namespace attaches to it.
      const http = listeners.find((l) => l.protocol === 'HTTP')!;
      expect(http.allowedRoutes.namespaces).toEqual({ from: 'Same' });
      const routes = objects.filter((o) => o.kind === 'HTTPRoute');
      const redirect = must(objects, 'HTTPRoute', gw.namespace, gw.redirectRoute);
      expect(spec(redirect).parentRefs).toEqual([{ name: gw.name, sectionName: 'http' }]);
      expect(spec(redirect).rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
      expect(routes.filter((r) => spec(r).parentRefs.some((p: { sectionName: string }) => p.sectionName === 'http')).map(nameOf)).toEqual([nameOf(redirect)]);
      for (const w of ctx.workloads) {
        const route = find(objects, 'HTTPRoute', w.namespace, w.name);
        if (!w.exposed) {
          expect(route, `${w.name} is not exposed`).toBeUndefined();
          continue;
        }
        expect(spec(route!).hostnames).toEqual([`${w.name}.${rendered.answers.privateDnsZone}`]);
        expect(spec(route!).parentRefs).toEqual([{ name: gw.name, namespace: gw.namespace, sectionName: 'https' }]);
        expect(spec(route!).rules).toEqual([{ backendRefs: [{ name: w.name, port: 80 }] }]);
        expect(must(objects, 'Namespace', undefined, w.namespace).metadata.labels?.[gw.routesLabel.key], `${w.namespace} may attach routes`).toBe(gw.routesLabel.value);
      }
      for (const ns of ctx.k8s.namespaces.filter((n) => !exposed.some((w) => w.namespace === n))) {
        expect(must(objects, 'Namespace', undefined, ns).metadata.labels?.[gw.routesLabel.key], `${ns} has no exposed workload`).toBeUndefined();
      }
      // The gateway's namespace: Pod Security baseline enforced (the add-on's pods need it), restricted warned.
      const namespace = must(objects, 'Namespace', undefined, gw.namespace);
      expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
      expect(namespace.metadata.labels?.['pod-security.kubernetes.io/warn']).toBe('restricted');
      // The gateway's pods reach DNS, istiod and the namespaces that attach routes, nothing else.
      const egress = spec(must(objects, 'NetworkPolicy', gw.namespace, `${gw.name}-gateway`));
      expect(egress.podSelector).toEqual({ matchLabels: { [gw.podLabel]: gw.name } });
      expect(egress.policyTypes).toEqual(['Egress']);
      expect(egress.egress.map((r: { to: unknown[] }) => r.to)).toEqual([
        [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gw.istioNamespace } } }],
        [{ namespaceSelector: { matchLabels: { [gw.routesLabel.key]: gw.routesLabel.value } } }],
      ]);
    });

    it('network policies: the workload port in, DNS, the private endpoints and Entra ID out on 443, nothing else', () => {
      const { objects, rendered } = s();
      const peCidr = rendered.ctx.network.subnet.privateEndpoints!.cidr;
      for (const w of rendered.ctx.workloads) {
        const policy = spec(must(objects, 'NetworkPolicy', w.namespace, w.name));
        expect(policy.policyTypes.toSorted()).toEqual(['Egress', 'Ingress']);
        if (w.web) {
          expect(policy.ingress).toHaveLength(1);
          expect(policy.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
          // Same-namespace pods, and for an exposed workload the private gateway's pods: no other namespace, no address.
          const gw = rendered.ctx.k8s.gateway.spec;
          expect(policy.ingress[0].from).toEqual([
            { podSelector: {} },
            ...(w.exposed ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gw.namespace } }, podSelector: { matchLabels: { [gw.podLabel]: gw.name } } }] : []),
          ]);
        } else {
          // Ingress is a policy type with no rule: nothing may connect to a worker.
          expect(policy.ingress ?? [], `${w.name}: a worker admits no traffic`).toEqual([]);
        }

        const egress = policy.egress as Array<{ to: Array<Record<string, any>>; ports?: Array<{ protocol: string; port: unknown }> }>;
        const dns = egress.find((r) => r.to.some((p) => p.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns'))!;
        expect(dns.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
        expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
        const blocks = egress.filter((r) => r.to.some((p) => p.ipBlock));
        for (const rule of blocks) expect(rule.ports, 'address-based egress is HTTPS only').toEqual([{ protocol: 'TCP', port: 443 }]);
        expect(blocks.flatMap((r) => r.to.map((p) => p.ipBlock.cidr)).sort()).toEqual(['0.0.0.0/0', peCidr].sort());
        // The public rule excludes every range of the cluster and the VNet (Entra ID is public; nothing private is).
        const publicRule = blocks.flatMap((r) => r.to).find((p) => p.ipBlock.cidr === '0.0.0.0/0')!;
        const except = (publicRule.ipBlock.except as string[]).map((c) => parseCidr(c) as Cidr);
        const { answers } = rendered;
        for (const range of [answers.addressSpace, answers.podCidr, answers.serviceCidr, '169.254.169.254/32']) {
          const r = parseCidr(range) as Cidr;
          expect(except.some((e) => e.first <= r.first && r.last <= e.last), `${range} is excluded from public egress`).toBe(true);
        }
        expect(except.some((e) => overlaps(e, parseCidr('20.190.128.0/18') as Cidr)), 'Entra ID (login.microsoftonline.com) stays reachable').toBe(false);
        // The only other egress peer: pods of the same namespace.
        const others = egress.filter((r) => r !== dns && !blocks.includes(r));
        expect(others).toEqual([{ to: [{ podSelector: {} }] }]);
      }
    });
  });

  it('a worker is never exposed, and a web workload is exposed by default', () => {
    const three = [...scenarios.values()].find((x) => x.rendered.answers.name === 'shop')!;
    expect(three.rendered.ctx.workloads.map((w) => `${w.name}:${w.expose}`)).toEqual(['orders:internal', 'payments:none', 'web:internal']);
  });

  it('with zero workloads the overlay renders nothing, and still renders', () => {
    const zero = scenarios.get('zero workloads (cluster only)')!;
    expect(zero.objects).toEqual([]);
    expect(zero.placeholders).toEqual([]);
  });
});

describe('Gateway API manifests are checked against the upstream CRDs of every bundle AKS installs', async () => {
  const { files } = await renderRepository({});
  const [gateway] = parseManifests(files.get('k8s/base/gateway/gateway.yaml')!);
  const [redirect] = parseManifests(files.get('k8s/base/gateway/http-redirect.yaml')!);
  const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

  it('the emitted Gateway and redirect are valid against v1.2.1 and v1.4.1', () => {
    expect(validateGatewayApi(gateway!)).toEqual([]);
    expect(validateGatewayApi(redirect!)).toEqual([]);
  });

  it('rejects what the CRDs reject: a bad port, an unknown protocol type, TLS without a certificate, a redirect with a backend', () => {
    const badPort = clone(gateway!) as any;
    badPort.spec.listeners[0].port = 70000;
    // Against both vendored CRD bundles (test/schemas/gateway-api).
    expect(validateGatewayApi(badPort).join('\n')).toMatch(/v1\.2\.1: .*listeners\/0\/port must be <= 65535[\s\S]*v1\.4\.1: .*listeners\/0\/port/);
    const badName = clone(gateway!) as any;
    badName.spec.listeners[1].name = 'Not A Section';
    expect(validateGatewayApi(badName).join('\n')).toMatch(/listeners\/1\/name must match pattern/);
    const noCertificate = clone(gateway!) as any;
    delete noCertificate.spec.listeners[1].tls.options;
    expect(validateGatewayApi(noCertificate)).toContain('listener https: certificateRefs or options must be specified when mode is Terminate');
    const plainHttps = clone(gateway!) as any;
    delete plainHttps.spec.listeners[1].tls;
    expect(validateGatewayApi(plainHttps)).toContain('listener https: tls is required for HTTPS and TLS and forbidden for HTTPS');
    const redirectWithBackend = clone(redirect!) as any;
    redirectWithBackend.spec.rules[0].backendRefs = [{ name: 'x', port: 80 }];
    expect(validateGatewayApi(redirectWithBackend)).toContain('rules[0]: a RequestRedirect rule must not have backendRefs');
    const badScheme = clone(redirect!) as any;
    badScheme.spec.rules[0].filters[0].requestRedirect.scheme = 'ftp';
    expect(validateGatewayApi(badScheme).join('\n')).toMatch(/requestRedirect\/scheme must be equal to one of the allowed values/);
  });
});
