// Checks for Kubernetes output, shared by every test that looks at k8s/:
//   parseManifests()        strict multi-document YAML parse (duplicate keys and YAML errors fail);
//   kustomize()/renderOverlays()/renderParts()  the real `kubectl kustomize` of an overlay (or of each
//                           of its parts), parsed;
//   validateObject()        core kinds against the Kubernetes OpenAPI schemas (kubernetes-models),
//                           SecretProviderClass against the upstream CRD schema, Gateway and HTTPRoute
//                           against the upstream Gateway API CRDs (standard channel, every bundle
//                           version AKS installs for the supported minors), kustomizations and
//                           components against the kustomization schema;
//   podSecurityRestricted() the Pod Security Standards "restricted" profile, for one pod spec;
//   yamllint()              the real yamllint with the generated repository's own configuration.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment, DaemonSet, ReplicaSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, LimitRange, Namespace, Pod, ResourceQuota, Service, ServiceAccount } from 'kubernetes-models/v1';

/**
 * The reference schemas (../shared/schemas: see its README). SECURE_AKS_SCHEMAS names another folder
 * with the same layout, for a machine where they live elsewhere.
 */
const SCHEMAS = process.env.SECURE_AKS_SCHEMAS ? pathToFileURL(`${process.env.SECURE_AKS_SCHEMAS.replace(/\/?$/, '/')}`) : new URL('../../../shared/schemas/', import.meta.url);

/**
 * The Gateway API CRDs the manifests must satisfy: the standard channel of kubernetes-sigs/gateway-api at
 * the oldest and the newest bundle AKS's managed Gateway API installation puts on the supported minors,
 * vendored in test/schemas/gateway-api/<tag>/ (source, commits and sha256 in test/schemas/README.md,
 * which this file reads: a file whose hash differs fails instead of being used).
 */
const VENDORED = new URL('../schemas/', import.meta.url);
export const GATEWAY_API_BUNDLES = ['v1.2.1', 'v1.4.1'] as const;
const GATEWAY_API_CRDS = { Gateway: 'gateway.networking.k8s.io_gateways.yaml', HTTPRoute: 'gateway.networking.k8s.io_httproutes.yaml' } as const;
export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Every document of a YAML stream, parsed strictly; empty documents are skipped. Throws with `source` in the message. */
export function parseManifests(text: string, source = '<yaml>'): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text, { strict: true, uniqueKeys: true, prettyErrors: true })) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${source}: ${problems.map((p) => p.message).join('\n')}`);
    const value: unknown = doc.toJS({ maxAliasCount: 0 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${source}: a document is not a mapping`);
    objects.push(value as K8sObject);
  }
  return objects;
}

/** `kubectl kustomize <dir>`, parsed. Rejects with kubectl's stderr when it fails. */
export async function kustomize(kubectl: string, dir: string): Promise<K8sObject[]> {
  const result = await execa(kubectl, ['kustomize', dir], { reject: false, timeout: 60_000 });
  if (result.exitCode !== 0) throw new Error(`kubectl kustomize ${dir} failed (${result.exitCode}):\n${result.stderr}`);
  return parseManifests(result.stdout, `kubectl kustomize ${dir}`);
}

/** The overlays of a generated tree: every `k8s/overlays/<environment>` that has a kustomization.yaml. */
export function overlaysOf(files: Iterable<string>): string[] {
  return [...files].filter((f) => /^k8s\/overlays\/[^/]+\/kustomization\.yaml$/.test(f)).map((f) => f.replace(/\/kustomization\.yaml$/, '')).sort();
}

/** The parts of an overlay in a generated tree (`<overlay>/parts/<part>`), in the order they are applied (their folders sort so). */
export function partsOf(files: Iterable<string>, overlay: string): string[] {
  const prefix = `${overlay}/parts/`;
  return [...files].filter((f) => f.startsWith(prefix) && /^[^/]+\/kustomization\.yaml$/.test(f.slice(prefix.length))).map((f) => f.replace(/\/kustomization\.yaml$/, '')).sort();
}

/** Renders each part of an overlay of a tree written at `root` on its own (all in parallel): part path -> objects, in part order. */
export async function renderParts(kubectl: string, root: string, files: Iterable<string>, overlay: string): Promise<Map<string, K8sObject[]>> {
  const parts = partsOf(files, overlay);
  const rendered = await Promise.all(parts.map((part) => kustomize(kubectl, join(root, part))));
  return new Map(parts.map((part, i) => [part, rendered[i]!]));
}

/** Renders every overlay of a tree written at `root` (all in parallel): overlay path -> objects. */
export async function renderOverlays(kubectl: string, root: string, files: Iterable<string>): Promise<Map<string, K8sObject[]>> {
  const overlays = overlaysOf(files);
  const rendered = await Promise.all(overlays.map((overlay) => kustomize(kubectl, join(root, overlay))));
  return new Map(overlays.map((overlay, i) => [overlay, rendered[i]!]));
}

// ---------------------------------------------------------------------------------------------------------
// Schemas

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Pod': Pod,
  'v1/LimitRange': LimitRange,
  'v1/ResourceQuota': ResourceQuota,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/ReplicaSet': ReplicaSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

export const SECRET_PROVIDER_CLASS_API = 'secrets-store.csi.x-k8s.io/v1';
const KUSTOMIZE_KINDS = new Set(['kustomize.config.k8s.io/v1beta1/Kustomization', 'kustomize.config.k8s.io/v1alpha1/Component']);

let secretProviderClassSchema: ValidateFunction | undefined;
let kustomizationSchema: ValidateFunction | undefined;

/** The v1 openAPIV3Schema of the upstream SecretProviderClass CRD (compiled once per process). */
function secretProviderClassValidator(): ValidateFunction {
  if (!secretProviderClassSchema) {
    const crd = parse(readFileSync(new URL('secretproviderclasses.crd.yaml', SCHEMAS), 'utf8')) as {
      spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> };
    };
    const v1 = crd.spec.versions.find((v) => v.name === 'v1');
    if (!v1) throw new Error('secretproviderclasses.crd.yaml has no v1 version');
    secretProviderClassSchema = new Ajv({ allErrors: true }).compile(v1.schema.openAPIV3Schema);
  }
  return secretProviderClassSchema;
}

const gatewayApiSchemas = new Map<string, ValidateFunction | string>();

/** The string formats the Gateway API CRDs use (Kubernetes' OpenAPI formats), checked rather than ignored. */
const CRD_FORMATS = {
  ipv4: (value: string) => isIPv4(value),
  ipv6: (value: string) => isIPv6(value),
  'date-time': (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)),
  // Number formats: the type and the CRD's minimum and maximum already bound the value.
  int32: true,
  int64: true,
} as const;

/**
 * The v1 openAPIV3Schema of a Gateway API CRD at one bundle version (compiled once per process), or
 * why there is none. The CRDs carry CEL rules (x-kubernetes-validations) that ajv does not evaluate:
 * validateGatewayApi checks the ones our manifests could break.
 */
function gatewayApiValidator(kind: keyof typeof GATEWAY_API_CRDS, bundle: string): ValidateFunction | string {
  const key = `${bundle}/${kind}`;
  let validate = gatewayApiSchemas.get(key);
  if (!validate) {
    const name = GATEWAY_API_CRDS[kind];
    const file = new URL(`gateway-api/${bundle}/${name}`, VENDORED);
    const text = readFileSync(file);
    const sha256 = createHash('sha256').update(text).digest('hex');
    if (!vendoredHashes().has(`${bundle} ${name} ${sha256}`)) {
      validate = `${file.pathname} has sha256 ${sha256}, which test/schemas/README.md does not list for ${bundle}`;
    } else {
      const crd = parse(text.toString('utf8')) as {
        metadata: { annotations?: Record<string, string> };
        spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> };
      };
      const annotations = crd.metadata.annotations ?? {};
      const v1 = crd.spec.versions.find((v) => v.name === 'v1');
      if (annotations['gateway.networking.k8s.io/bundle-version'] !== bundle || annotations['gateway.networking.k8s.io/channel'] !== 'standard' || !v1) {
        validate = `${file.pathname} is not the standard-channel ${bundle} CRD with a v1 version`;
      } else {
        validate = new Ajv({ allErrors: true, strict: false, formats: CRD_FORMATS }).compile(v1.schema.openAPIV3Schema);
      }
    }
    gatewayApiSchemas.set(key, validate);
  }
  return validate;
}

let hashes: Set<string> | undefined;

/** `<tag> <file> <sha256>` for every row of the table in test/schemas/README.md. */
function vendoredHashes(): Set<string> {
  hashes ??= new Set(
    [...readFileSync(new URL('README.md', VENDORED), 'utf8').matchAll(/^\|\s*(v[\d.]+)\s*\|\s*[0-9a-f]{40}\s*\|\s*(\S+)\s*\|\s*([0-9a-f]{64})\s*\|$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`),
  );
  return hashes;
}

/**
 * Problems of a Gateway or HTTPRoute: the CRD schema of every bundle in GATEWAY_API_BUNDLES, plus the
 * CEL rules of those CRDs that apply to what we write (ajv cannot evaluate CEL).
 */
export function validateGatewayApi(obj: K8sObject): string[] {
  const kind = obj.kind as keyof typeof GATEWAY_API_CRDS;
  const problems: string[] = [];
  if (obj.apiVersion !== GATEWAY_API) problems.push(`apiVersion ${obj.apiVersion} is not ${GATEWAY_API}`);
  for (const bundle of GATEWAY_API_BUNDLES) {
    const validate = gatewayApiValidator(kind, bundle);
    if (typeof validate === 'string') problems.push(validate);
    else if (!validate(obj)) problems.push(...ajvProblems(validate).map((p) => `${bundle}: ${p}`));
  }
  if (!obj.metadata?.name) problems.push('metadata.name is missing');
  const spec = (obj.spec ?? {}) as Record<string, any>;
  if (kind === 'Gateway') {
    const listeners = (spec.listeners ?? []) as Array<Record<string, any>>;
    const names = listeners.map((l) => l.name);
    if (new Set(names).size !== names.length) problems.push('listener names must be unique');
    for (const l of listeners) {
      // CEL: tls must be set for HTTPS and TLS listeners, and not for HTTP; Terminate needs certificateRefs or options.
      if ((l.protocol === 'HTTPS' || l.protocol === 'TLS') !== (l.tls !== undefined)) problems.push(`listener ${l.name}: tls is required for HTTPS and TLS and forbidden for ${l.protocol}`);
      if (l.protocol === 'HTTPS' && l.tls && (l.tls.mode ?? 'Terminate') !== 'Terminate') problems.push(`listener ${l.name}: tls mode must be Terminate for protocol HTTPS`);
      if (l.tls && (l.tls.mode ?? 'Terminate') === 'Terminate' && (l.tls.certificateRefs ?? []).length === 0 && Object.keys(l.tls.options ?? {}).length === 0) {
        problems.push(`listener ${l.name}: certificateRefs or options must be specified when mode is Terminate`);
      }
    }
    const ports = listeners.map((l) => `${l.port}/${l.hostname ?? ''}`);
    if (new Set(ports).size !== ports.length) problems.push('combination of port and hostname must be unique for each listener');
  } else if (kind === 'HTTPRoute') {
    for (const [i, rule] of ((spec.rules ?? []) as Array<Record<string, any>>).entries()) {
      const filters = (rule.filters ?? []) as Array<{ type: string }>;
      // CEL: RequestRedirect and URLRewrite cannot be used together; a redirect forwards to no backend.
      if (filters.some((f) => f.type === 'RequestRedirect') && (rule.backendRefs ?? []).length > 0) problems.push(`rules[${i}]: a RequestRedirect rule must not have backendRefs`);
      if (filters.some((f) => f.type === 'RequestRedirect') && filters.some((f) => f.type === 'URLRewrite')) problems.push(`rules[${i}]: RequestRedirect and URLRewrite cannot be used together`);
      for (const f of filters as Array<Record<string, unknown> & { type: string }>) {
        const field = { RequestRedirect: 'requestRedirect', URLRewrite: 'urlRewrite', RequestHeaderModifier: 'requestHeaderModifier', ResponseHeaderModifier: 'responseHeaderModifier' }[f.type];
        if (field && f[field] === undefined) problems.push(`rules[${i}]: filter.${field} must be specified for ${f.type} filter.type`);
      }
    }
  }
  return problems;
}

function kustomizationValidator(): ValidateFunction {
  kustomizationSchema ??= new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(new URL('kustomization.schema.json', SCHEMAS), 'utf8')) as object);
  return kustomizationSchema;
}

function ajvProblems(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

/** Schema problems of a kustomization.yaml (Kustomization or Component); [] when valid. */
export function validateKustomization(doc: unknown): string[] {
  const validate = kustomizationValidator();
  const problems = validate(doc) ? [] : ajvProblems(validate);
  const { apiVersion, kind } = (doc ?? {}) as { apiVersion?: string; kind?: string };
  if (!KUSTOMIZE_KINDS.has(`${apiVersion}/${kind}`)) problems.push(`apiVersion/kind ${apiVersion}/${kind} is not a Kustomization or Component`);
  return problems;
}

/** Problems of a SecretProviderClass: the CRD schema plus what it cannot say (apiVersion, kind, provider, parameters). */
export function validateSecretProviderClass(obj: K8sObject): string[] {
  const validate = secretProviderClassValidator();
  const problems = validate(obj) ? [] : ajvProblems(validate);
  if (obj.apiVersion !== SECRET_PROVIDER_CLASS_API) problems.push(`apiVersion ${obj.apiVersion} is not ${SECRET_PROVIDER_CLASS_API}`);
  if (obj.kind !== 'SecretProviderClass') problems.push(`kind ${obj.kind} is not SecretProviderClass`);
  const spec = obj.spec as { provider?: unknown; parameters?: Record<string, unknown> } | undefined;
  if (spec?.provider !== 'azure') problems.push(`spec.provider ${String(spec?.provider)} is not azure`);
  for (const key of ['usePodIdentity', 'clientID', 'keyvaultName', 'tenantId', 'objects']) {
    if (typeof spec?.parameters?.[key] !== 'string' || spec.parameters[key] === '') problems.push(`spec.parameters.${key} is missing or not a string`);
  }
  if (!obj.metadata?.name) problems.push('metadata.name is missing');
  return problems;
}

/** Schema problems of one object of any kind we emit; [] when valid. A kind we have no schema for is a problem. */
export function validateObject(obj: K8sObject): string[] {
  const id = `${obj.apiVersion}/${obj.kind}`;
  if (KUSTOMIZE_KINDS.has(id)) return validateKustomization(obj);
  if (obj.kind === 'SecretProviderClass') return validateSecretProviderClass(obj);
  if (obj.apiVersion?.startsWith('gateway.networking.k8s.io/') && (obj.kind === 'Gateway' || obj.kind === 'HTTPRoute')) return validateGatewayApi(obj);
  const model = MODELS[id];
  if (!model) return [`no schema for ${id}`];
  const problems: string[] = [];
  if (!obj.metadata?.name) problems.push('metadata.name is missing');
  try {
    new model(obj as never).validate();
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

/** A short name for messages: Kind namespace/name. */
export function nameOf(obj: K8sObject): string {
  return `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
}

// ---------------------------------------------------------------------------------------------------------
// Pod Security Standards, "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/)

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: Array<{ name: string }>;
}
interface Container {
  name: string;
  image?: string;
  securityContext?: SecurityContext;
  ports?: Array<{ hostPort?: number }>;
}
export interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Array<Record<string, unknown> & { name: string }>;
}

const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The pod spec of a workload object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). */
export function podSpecOf(obj: K8sObject): PodSpec | undefined {
  const spec = obj.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return spec as PodSpec;
  if (obj.kind === 'CronJob') return spec.jobTemplate?.spec?.template?.spec as PodSpec | undefined;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(obj.kind)) return spec.template?.spec as PodSpec | undefined;
  return undefined;
}

/** Every way a pod spec breaks the "restricted" Pod Security Standard; [] when it complies. */
export function podSecurityRestricted(pod: PodSpec): string[] {
  const problems: string[] = [];
  const podContext = pod.securityContext ?? {};
  const containers = [...(pod.containers ?? []), ...(pod.initContainers ?? []), ...(pod.ephemeralContainers ?? [])];
  if (containers.length === 0) problems.push('no containers');

  // Baseline
  if (pod.hostNetwork) problems.push('hostNetwork');
  if (pod.hostPID) problems.push('hostPID');
  if (pod.hostIPC) problems.push('hostIPC');
  if (podContext.windowsOptions?.hostProcess) problems.push('hostProcess');
  for (const sysctl of podContext.sysctls ?? []) if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`unsafe sysctl ${sysctl.name}`);
  const seLinux = (context: SecurityContext, where: string) => {
    const options = context.seLinuxOptions;
    if (!options) return;
    if (options.type && !SELINUX_TYPES.has(options.type)) problems.push(`${where}: seLinuxOptions.type ${options.type}`);
    if (options.user || options.role) problems.push(`${where}: seLinuxOptions.user/role set`);
  };
  seLinux(podContext, 'pod');
  if (podContext.appArmorProfile?.type === 'Unconfined') problems.push('pod: appArmorProfile Unconfined');

  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    for (const type of types) if (!RESTRICTED_VOLUME_TYPES.has(type)) problems.push(`volume ${volume.name}: type ${type} is not allowed`);
  }

  // Restricted: pod-level settings that every container may inherit
  const podSeccomp = podContext.seccompProfile?.type;
  if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) problems.push(`pod: seccompProfile ${podSeccomp}`);
  if (podContext.runAsUser === 0) problems.push('pod: runAsUser 0');

  for (const container of containers) {
    const where = `container ${container.name}`;
    const context = container.securityContext ?? {};
    if (context.privileged) problems.push(`${where}: privileged`);
    if (context.windowsOptions?.hostProcess) problems.push(`${where}: hostProcess`);
    if (context.procMount !== undefined && context.procMount !== 'Default') problems.push(`${where}: procMount ${context.procMount}`);
    if (context.appArmorProfile?.type === 'Unconfined') problems.push(`${where}: appArmorProfile Unconfined`);
    seLinux(context, where);
    for (const port of container.ports ?? []) if (port.hostPort) problems.push(`${where}: hostPort ${port.hostPort}`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
    const nonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
    if (nonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (context.runAsUser === 0) problems.push(`${where}: runAsUser 0`);
    const seccomp = context.seccompProfile?.type ?? podSeccomp;
    if (!seccomp || !['RuntimeDefault', 'Localhost'].includes(seccomp)) problems.push(`${where}: seccompProfile is not RuntimeDefault or Localhost`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
    for (const cap of context.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') problems.push(`${where}: adds capability ${cap}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// yamllint

/** Runs yamllint (strict: warnings fail) in `root` with the repository's own configuration if it has one; returns the problems. */
export async function yamllint(yamllintPath: string, root: string, paths: string[]): Promise<string[]> {
  const result = await execa(yamllintPath, ['--strict', '-f', 'parsable', ...paths], { cwd: root, reject: false, timeout: 60_000 });
  if (result.exitCode === 0) return [];
  return (result.stdout || result.stderr).split('\n').filter(Boolean);
}
