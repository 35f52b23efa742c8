// What the Kubernetes manifests (k8s/) and scripts/write-deploy-values.sh need beyond the answers:
// the kustomize layout, the deploy-time values and their placeholders, the pod hardening settings
// and the network policy ranges. Templates only place these values.
//
// Layout (a new workload is new files plus list entries in kustomization.yaml files):
//   k8s/base/namespaces/<ns>/                   Namespace (Pod Security restricted) + default-deny policy
//   k8s/base/workloads/<w>/                     ServiceAccount, Deployment, Service (web only), PDB, HPA,
//                                               NetworkPolicy, SecretProviderClass (only with secrets)
//   k8s/overlays/<env>/kustomization.yaml       the whole environment, for review: lists its parts
//   k8s/overlays/<env>/parts/platform/          the gateway and every namespace (applied first)
//   k8s/overlays/<env>/parts/workloads-NN/      up to WORKLOADS_PER_PART workloads/<w>, in answer order
//   k8s/overlays/<env>/deploy-values/           a Component every part uses: deploy-values.env (acrLoginServer,
//                                               keyVaultName, tenantId, gatewayClientId, imageTag) as a
//                                               local-config ConfigMap, one replacement per value (targets
//                                               selected by kind)
//   k8s/overlays/<env>/workloads/<w>/           a kustomization of its own: ../../../../base/workloads/<w>,
//                                               patched with client-id.yaml (its ServiceAccount's client ID
//                                               annotation) and, with secrets, the replacement that copies
//                                               that annotation into the SecretProviderClass (one value)
//
// Why parts: one kustomize build grows with the square of the objects it accumulates, whatever the
// kustomization does (each object added is checked against every object already there): about 6 s for
// 300 workloads. Builds of at most WORKLOADS_PER_PART workloads cost a bounded time each, so rendering
// (and applying, and validating) an environment part by part grows linearly. The environment's own
// kustomization.yaml lists the parts, so the whole renders to their union (for review; slow when big).
// Why a kustomization per workload, not a component: kustomize applies a component's replacements
// to every object of the kustomization that includes it (and rebuilds its whole resource list per
// component), so per-workload components made rendering cubic in the number of workloads. A workload's
// own kustomization sees only its own objects; a workload adds no object of its own to carry its value
// (a patch, not a generated ConfigMap), and every build keeps its resources in order (sortOptions fifo)
// instead of sorting them, which would add every object once more.
import { posix } from 'node:path';
import { INFRA_OUTPUTS, PATHS } from './contracts.ts';
import { yaml } from './escape.ts';
import type { Answers, Workload } from '../answers/model.ts';
import { GATEWAY_NAMESPACE } from '../answers/rules.ts';
import type { WorkloadContext } from './workload.ts';
import { SAMPLE_UID, SAMPLE_WORKER } from './pipeline.ts';

/** Placeholder of every deploy-time value until scripts/write-deploy-values.sh fills it in. */
export const PLACEHOLDER = 'REPLACE-ME';
/** Placeholder registry: a valid image reference host that can never resolve (RFC 2606 `.invalid`). */
export const PLACEHOLDER_REGISTRY = `${PLACEHOLDER}.invalid`;

/** Keys of the shared values file; all but imageTag are named after the Bicep outputs they come from. */
export const DEPLOY_VALUE_KEYS = {
  acrLoginServer: INFRA_OUTPUTS.acrLoginServer,
  keyVaultName: INFRA_OUTPUTS.keyVaultName,
  tenantId: INFRA_OUTPUTS.tenantId,
  gatewayClientId: INFRA_OUTPUTS.gatewayClientId,
  imageTag: 'imageTag',
} as const;
/** The ServiceAccount annotation the workload identity webhook reads: which identity the pods sign in as. */
export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/**
 * A workload's own deploy-time value, in its overlay folder: a patch of its ServiceAccount that sets
 * CLIENT_ID_ANNOTATION to its entry of the `workloadClientIds` output.
 */
export const WORKLOAD_CLIENT_ID_PATCH = 'client-id.yaml';
export const DEPLOY_VALUES_FILE = 'deploy-values.env';
export const DEPLOY_VALUES_CONFIGMAP = 'deploy-values';
/** The overlay's folder of the deploy-values component (and of DEPLOY_VALUES_FILE). */
export const DEPLOY_VALUES_COMPONENT = 'deploy-values';

/**
 * Workloads per part of an environment. Each part is one `kubectl kustomize` (or `kubectl apply -k`)
 * of its own: fewer workloads per part pay a process's start more often, more pay kustomize's
 * quadratic merge on more objects. Measured on bench/answers/workloads-300.yaml (2 vCPU, CPU time of
 * rendering every part, median of 3): 7.9 s at 25 per part, 7.3 s at 40, 6.4 s at 50, 6.6 s at 60 and
 * 100; 9.6 s for the whole environment in one build.
 */
export const WORKLOADS_PER_PART = 50;
/** The part applied first: the private gateway and every namespace, which the workloads' objects live in. */
export const PLATFORM_PART = 'platform';

/** One part of an environment: a kustomization rendered and applied on its own. */
export interface OverlayPart {
  /** `platform`, or `workloads-NN` (01, 02, ...: their folders sort in the order they are applied). */
  name: string;
  /** Its folder, repository-relative. */
  path: string;
  /** Its resources, relative to its folder, in the order it renders them. */
  resources: string[];
  /** The deploy-values component, relative to its folder. */
  component: string;
  /** The workloads it holds (none for the platform part). */
  workloads: string[];
}

/**
 * The uid/gid the pods run as: the sample image's user (nginx-unprivileged, written by the pipeline's
 * src/<workload>/). Replace with your image's numeric user when you replace the sample.
 */
export const RUN_AS = { user: SAMPLE_UID, group: SAMPLE_UID } as const;

/**
 * Egress on 443 to "the internet" is for Microsoft Entra ID (workload identity token exchange), whose
 * addresses are public and not a fixed list. These ranges are excluded from it: every private range
 * (the VNet, the pod overlay and the service range are private, see network.ts) and link-local (IMDS:
 * a workload with its own identity has no business with the node's) and the Azure platform address.
 */
export const PUBLIC_EGRESS_EXCEPT = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '168.63.129.16/32',
] as const;

/**
 * The private ingress gateway: one Kubernetes Gateway of the application routing add-on's Gateway API
 * implementation (GatewayClass approuting-istio, an Envoy deployment that AKS manages), in its own
 * namespace, behind an internal load balancer with a fixed address in the ingress subnet. Its HTTPS
 * listener terminates TLS with a certificate the add-on's operator syncs from Key Vault (through the
 * Secrets Store CSI driver, as the service account below); its HTTP listener only redirects to HTTPS.
 * Each exposed workload attaches an HTTPRoute for its host name from its own namespace.
 */
export const GATEWAY = {
  namespace: GATEWAY_NAMESPACE,
  name: 'internal',
  className: 'approuting-istio',
  listeners: { http: 'http', https: 'https' },
  /** Bound to the gateway identity (infra/): reads the certificate from Key Vault. */
  serviceAccount: 'gateway-certificate',
  redirectRoute: 'https-redirect',
  /** Workload namespaces with this label may attach routes to the HTTPS listener (and nothing else may). */
  routesLabel: { key: 'shared-gateway-access', value: 'true' },
  /** The label Istio puts on the gateway's pods (and its Deployment, Service and autoscaler). */
  podLabel: 'gateway.networking.k8s.io/gateway-name',
  /** Where the add-on runs istiod, which programs the gateway's Envoy (xDS and certificates on 15012). */
  istioNamespace: 'aks-istio-system',
  istiodPort: 15012,
  /** The Key Vault certificate (a wildcard for *.<privateDnsZone>) the HTTPS listener serves. */
  certificateName: 'internal-gateway-tls',
  tlsOptions: {
    keyVaultUri: 'kubernetes.azure.com/tls-cert-keyvault-uri',
    serviceAccount: 'kubernetes.azure.com/tls-cert-service-account',
  },
  loadBalancerAnnotations: {
    internal: 'service.beta.kubernetes.io/azure-load-balancer-internal',
    subnet: 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet',
    ipv4: 'service.beta.kubernetes.io/azure-load-balancer-ipv4',
  },
} as const;

/** Namespace of the pods allowed to reach exposed workloads: the private gateway's. */
export const INGRESS_NAMESPACE = GATEWAY.namespace;

/** YAML 1.1 words that kubectl (go-yaml) reads as booleans or null when left unquoted. */
const YAML_SPECIAL_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~']);

/**
 * A YAML scalar for a Kubernetes name: bare when it reads as the same string in YAML 1.1 and 1.2
 * (names start with a letter, so only words like `yes`, `on` or `null` are at risk), quoted otherwise.
 */
export function yamlName(value: string): string {
  return /^[a-z][a-z0-9-]*$/.test(value) && !YAML_SPECIAL_WORDS.has(value) ? value : yaml.str(value);
}

/**
 * The exec probe of a worker (it has no port to probe): the sample's health check, which fails when the
 * heartbeat file is older than SAMPLE_WORKER.staleAfterSeconds. Replace it with your worker's own check.
 */
export const WORKER_PROBE_COMMAND = ['/bin/sh', `${SAMPLE_WORKER.dir}/${SAMPLE_WORKER.healthcheck}`] as const;

export interface K8sWorkload {
  /** The placeholder image; the overlay replaces the registry and the tag. */
  image: string;
  /** HorizontalPodAutoscaler bounds: the answered replicas are the minimum. */
  minReplicas: number;
  maxReplicas: number;
  /** Files of k8s/base/workloads/<w>/, in the order its kustomization lists them. */
  resources: string[];
  /**
   * Files of the workload's folder in the overlay that its kustomization lists after its base: with
   * several environments, the manifests whose values differ between them (HTTPRoute host name,
   * NetworkPolicy private endpoint range); none with one environment.
   */
  environmentResources: string[];
  /** k8s/base/workloads/<w>, relative to the workload's folder in an overlay (its kustomization's resource). */
  baseFromOverlay: string;
}

export interface K8sContext {
  /** Distinct namespaces of the workloads, in first-use order (one Namespace object each). */
  namespaces: string[];
  /** Per workload name. */
  workload: Record<string, K8sWorkload>;
  placeholder: typeof PLACEHOLDER;
  placeholderRegistry: typeof PLACEHOLDER_REGISTRY;
  values: {
    file: typeof DEPLOY_VALUES_FILE;
    configMap: typeof DEPLOY_VALUES_CONFIGMAP;
    keys: typeof DEPLOY_VALUE_KEYS;
    clientIdPatch: typeof WORKLOAD_CLIENT_ID_PATCH;
    clientIdAnnotation: typeof CLIENT_ID_ANNOTATION;
    /** The component's folder, relative to the overlay. */
    component: typeof DEPLOY_VALUES_COMPONENT;
    /** The shared values file, relative to the overlay. */
    fromOverlay: string;
    /** The shared values file, repository-relative. */
    path: string;
  };
  /** Overlay folder of the answered environment, repository-relative. */
  overlay: string;
  /** The environment's parts, in the order they are applied: platform first (see overlayParts). */
  parts: OverlayPart[];
  /** The environment's kustomization's resources: its parts, relative to the overlay. */
  overlayResources: string[];
  workloadsPerPart: typeof WORKLOADS_PER_PART;
  secretsMountPath: string;
  runAs: typeof RUN_AS;
  resources: { cpuRequest: string; memoryRequest: string; memoryLimit: string };
  /** Zone spreading is a hard rule only when the node pools span two or more zones. */
  zoneSpread: 'DoNotSchedule' | 'ScheduleAnyway';
  network: { privateEndpointsCidr: string; publicEgressExcept: readonly string[]; ingressNamespace: string };
  /** Quotes a Kubernetes name only where YAML would misread it (see yamlName). */
  name: (value: string) => string;
  /** The exec probe command of every worker. */
  workerProbe: typeof WORKER_PROBE_COMMAND;
  gateway: GatewayContext;
}

export interface GatewayContext {
  /** There is a gateway: at least one workload is exposed. */
  enabled: boolean;
  spec: typeof GATEWAY;
  /** The namespaces whose workloads attach routes (labelled with GATEWAY.routesLabel). */
  routeNamespaces: string[];
  /** Listener host name: every name of the private DNS zone. */
  wildcardHost: string;
  /** The unversioned Key Vault certificate URI, so rotated versions are picked up. */
  certificateUri: string;
  /** The internal load balancer's subnet and fixed address. */
  subnet: string;
  ip: string;
  /** The Kubernetes Secret the operator syncs the certificate into (kv-gw-cert-<gateway>-<listener>). */
  syncedSecret: string;
}

export function gatewayContext(answers: Pick<Answers, 'privateDnsZone' | 'keyVaultName'>, workloads: readonly WorkloadContext[], subnet: string, ip: string): GatewayContext {
  const exposed = workloads.filter((w) => w.exposed);
  return {
    enabled: exposed.length > 0,
    spec: GATEWAY,
    routeNamespaces: [...new Set(exposed.map((w) => w.namespace))],
    wildcardHost: `*.${answers.privateDnsZone}`,
    // Key Vault's DNS suffix in Azure's public cloud (the regions this generator offers).
    certificateUri: `https://${answers.keyVaultName.toLowerCase()}.vault.azure.net/certificates/${GATEWAY.certificateName}`,
    subnet,
    ip,
    syncedSecret: `kv-gw-cert-${GATEWAY.name}-${GATEWAY.listeners.https}`,
  };
}

/** `to` relative to the folder `from` (both repository-relative, POSIX). */
function relativeTo(from: string, to: string): string {
  return posix.relative(from, to);
}

export function k8sWorkload(workload: Workload, environment: string, environments = 1): K8sWorkload {
  const web = workload.kind === 'web';
  const perEnvironment = [...(web && workload.expose === 'internal' ? ['http-route.yaml'] : []), 'network-policy.yaml'];
  const several = environments > 1;
  return {
    image: `${PLACEHOLDER_REGISTRY}/${workload.name}:${PLACEHOLDER}`,
    minReplicas: workload.replicas,
    maxReplicas: Math.max(3, workload.replicas * 3),
    resources: [
      'service-account.yaml',
      ...(workload.secrets.length > 0 ? ['secret-provider-class.yaml'] : []),
      'deployment.yaml',
      ...(web ? ['service.yaml'] : []),
      ...(!several && web && workload.expose === 'internal' ? ['http-route.yaml'] : []),
      'pod-disruption-budget.yaml',
      'horizontal-pod-autoscaler.yaml',
      ...(several ? [] : ['network-policy.yaml']),
    ],
    environmentResources: several ? perEnvironment : [],
    baseFromOverlay: relativeTo(PATHS.workloadOverlay(environment, workload.name), PATHS.workloadBase(workload.name)),
  };
}

/** The private gateway's kustomization (base/gateway), present once a workload is exposed. */
const GATEWAY_BASE = 'k8s/base/gateway';

/** The name of the index-th (0-based) workloads part: workloads-01, workloads-02, ... */
export function workloadsPartName(index: number): string {
  return `workloads-${String(index + 1).padStart(2, '0')}`;
}

/**
 * The environment's parts, in the order they are applied. `platform` holds the private gateway (once a
 * workload is exposed) and every namespace, in first-use order; then `workloads-NN`, each with the next
 * WORKLOADS_PER_PART workloads in answer order (none without workloads). So a namespace is applied
 * before what lives in it, and a workload added at the end of the answers only appends entries (to the
 * last part, or a new part when that one is full), which render in the same order as a fresh repository.
 */
export function overlayParts(environment: string, workloads: readonly Pick<WorkloadContext, 'name' | 'namespace' | 'exposed'>[], environments = 1): OverlayPart[] {
  const part = (name: string, resources: (folder: string) => string[], names: string[] = []): OverlayPart => {
    const path = PATHS.overlayPart(environment, name);
    return { name, path, resources: resources(path), component: relativeTo(path, PATHS.deployValuesComponent(environment)), workloads: names };
  };
  // With several environments the gateway is the overlay's own (its address and host names differ).
  const gateway = environments > 1 ? `${PATHS.kustomizeOverlay(environment)}/gateway` : GATEWAY_BASE;
  const namespaces = [...new Set(workloads.map((w) => w.namespace))];
  const parts = [
    part(PLATFORM_PART, (folder) => [...(workloads.some((w) => w.exposed) ? [relativeTo(folder, gateway)] : []), ...namespaces.map((ns) => relativeTo(folder, PATHS.namespaceBase(ns)))]),
  ];
  for (let first = 0; first < workloads.length; first += WORKLOADS_PER_PART) {
    const names = workloads.slice(first, first + WORKLOADS_PER_PART).map((w) => w.name);
    parts.push(part(workloadsPartName(parts.length - 1), (folder) => names.map((w) => relativeTo(folder, PATHS.workloadOverlay(environment, w))), names));
  }
  return parts;
}

export function k8sContext(answers: Answers, workloads: readonly WorkloadContext[], network: { privateEndpointsCidr: string; ingressSubnet: string; ingressIp: string }): K8sContext {
  const privateEndpointsCidr = network.privateEndpointsCidr;
  const namespaces = [...new Set(answers.workloads.map((w) => w.namespace))];
  const overlay = PATHS.kustomizeOverlay(answers.environment);
  const parts = overlayParts(answers.environment, workloads, answers.environments.length);
  return {
    namespaces,
    workload: Object.fromEntries(answers.workloads.map((w) => [w.name, k8sWorkload(w, answers.environment, answers.environments.length)])),
    placeholder: PLACEHOLDER,
    placeholderRegistry: PLACEHOLDER_REGISTRY,
    values: {
      file: DEPLOY_VALUES_FILE,
      configMap: DEPLOY_VALUES_CONFIGMAP,
      keys: DEPLOY_VALUE_KEYS,
      clientIdPatch: WORKLOAD_CLIENT_ID_PATCH,
      clientIdAnnotation: CLIENT_ID_ANNOTATION,
      component: DEPLOY_VALUES_COMPONENT,
      fromOverlay: relativeTo(overlay, PATHS.deployValues(answers.environment)),
      path: PATHS.deployValues(answers.environment),
    },
    overlay,
    parts,
    overlayResources: parts.map((p) => relativeTo(overlay, p.path)),
    workloadsPerPart: WORKLOADS_PER_PART,
    secretsMountPath: '/mnt/secrets-store',
    runAs: RUN_AS,
    resources: { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
    zoneSpread: answers.availabilityZones.length >= 2 ? 'DoNotSchedule' : 'ScheduleAnyway',
    network: { privateEndpointsCidr, publicEgressExcept: PUBLIC_EGRESS_EXCEPT, ingressNamespace: INGRESS_NAMESPACE },
    workerProbe: WORKER_PROBE_COMMAND,
    gateway: gatewayContext(answers, workloads, network.ingressSubnet, network.ingressIp),
    name: yamlName,
  };
}
