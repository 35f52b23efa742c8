// What the Kubernetes manifests (k8s/) and scripts/write-deploy-values.sh need beyond the answers:
// the kustomize layout, the deploy-time values and their placeholders, the pod hardening settings
// and the network policy ranges. Templates only place these values.
//
// Layout (a new workload is new files plus list entries in kustomization.yaml files):
//   k8s/base/kustomization.yaml                 resources: namespaces/<ns>, workloads/<w>
//   k8s/base/namespaces/<ns>/                   Namespace (Pod Security restricted) + default-deny policy
//   k8s/base/workloads/<w>/                     ServiceAccount, Deployment, Service (web only), PDB, HPA,
//                                               NetworkPolicy, SecretProviderClass (only with secrets)
//   k8s/overlays/<env>/kustomization.yaml       resources: ../../base; components: workloads/<w>;
//                                               the shared deploy-time values and their replacements
//   k8s/overlays/<env>/deploy-values.env        acrLoginServer, keyVaultName, tenantId, imageTag
//   k8s/overlays/<env>/workloads/<w>/           a kustomize Component: the workload's clientId value and the
//                                               replacements that put it into the ServiceAccount and the
//                                               SecretProviderClass (one value, two targets)
import { INFRA_OUTPUTS, PATHS } from './contracts.ts';
import { yaml } from './escape.ts';
import type { Answers, Workload } from '../answers/model.ts';
import { SAMPLE_UID, SAMPLE_WORKER } from './pipeline.ts';

/** Placeholder of every deploy-time value until scripts/write-deploy-values.sh fills it in. */
export const PLACEHOLDER = 'REPLACE-ME';
/** Placeholder registry: a valid image reference host that can never resolve (RFC 2606 `.invalid`). */
export const PLACEHOLDER_REGISTRY = `${PLACEHOLDER}.invalid`;

/** Keys of the shared values file; the first three are named after the Bicep outputs they come from. */
export const DEPLOY_VALUE_KEYS = {
  acrLoginServer: INFRA_OUTPUTS.acrLoginServer,
  keyVaultName: INFRA_OUTPUTS.keyVaultName,
  tenantId: INFRA_OUTPUTS.tenantId,
  imageTag: 'imageTag',
} as const;
/** Key of a workload's own values file: its entry of the `workloadClientIds` output. */
export const WORKLOAD_CLIENT_ID_KEY = 'clientId';
export const DEPLOY_VALUES_FILE = 'deploy-values.env';
export const DEPLOY_VALUES_CONFIGMAP = 'deploy-values';

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

/** Namespace of the AKS application routing add-on's ingress controller (allowed to reach workloads). */
export const INGRESS_NAMESPACE = 'app-routing-system';

/** YAML 1.1 words that kubectl (go-yaml) reads as booleans or null when left unquoted. */
const YAML_SPECIAL_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~']);

/**
 * A YAML scalar for a Kubernetes name: bare when it reads as the same string in YAML 1.1 and 1.2
 * (names start with a letter, so only words like `yes`, `on` or `null` are at risk), quoted otherwise.
 */
export function yamlName(value: string): string {
  return /^[a-z][a-z0-9-]*$/.test(value) && !YAML_SPECIAL_WORDS.has(value) ? value : yaml.str(value);
}

export interface K8sWorkload {
  /** The placeholder image; the overlay replaces the registry and the tag. */
  image: string;
  /** Name of the ConfigMap (local-config) that carries this workload's client ID. */
  valuesConfigMap: string;
  /** HorizontalPodAutoscaler bounds: the answered replicas are the minimum. */
  minReplicas: number;
  maxReplicas: number;
  /** Files of k8s/base/workloads/<w>/, in the order its kustomization lists them. */
  resources: string[];
}

/**
 * The exec probe of a worker (it has no port to probe): the sample's health check, which fails when the
 * heartbeat file is older than SAMPLE_WORKER.staleAfterSeconds. Replace it with your worker's own check.
 */
export const WORKER_PROBE_COMMAND = ['/bin/sh', `${SAMPLE_WORKER.dir}/${SAMPLE_WORKER.healthcheck}`] as const;

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
    clientIdKey: typeof WORKLOAD_CLIENT_ID_KEY;
    /** The shared values file, repository-relative. */
    path: string;
  };
  /** Overlay folder of the answered environment, repository-relative. */
  overlay: string;
  secretsMountPath: string;
  runAs: typeof RUN_AS;
  resources: { cpuRequest: string; memoryRequest: string; memoryLimit: string };
  /** Zone spreading is a hard rule only when the node pools span two or more zones. */
  zoneSpread: 'DoNotSchedule' | 'ScheduleAnyway';
  network: { privateEndpointsCidr: string; publicEgressExcept: readonly string[]; ingressNamespace: string };
  /** The exec probe command of every worker. */
  workerProbe: typeof WORKER_PROBE_COMMAND;
  /** Quotes a Kubernetes name only where YAML would misread it (see yamlName). */
  name: (value: string) => string;
}

export function k8sWorkload(workload: Workload): K8sWorkload {
  const web = workload.kind === 'web';
  return {
    image: `${PLACEHOLDER_REGISTRY}/${workload.name}:${PLACEHOLDER}`,
    valuesConfigMap: `${DEPLOY_VALUES_CONFIGMAP}-${workload.name}`,
    minReplicas: workload.replicas,
    maxReplicas: Math.max(3, workload.replicas * 3),
    resources: [
      'service-account.yaml',
      ...(workload.secrets.length > 0 ? ['secret-provider-class.yaml'] : []),
      'deployment.yaml',
      ...(web ? ['service.yaml'] : []),
      'pod-disruption-budget.yaml',
      'horizontal-pod-autoscaler.yaml',
      'network-policy.yaml',
    ],
  };
}

export function k8sContext(answers: Answers, privateEndpointsCidr: string): K8sContext {
  return {
    namespaces: [...new Set(answers.workloads.map((w) => w.namespace))],
    workload: Object.fromEntries(answers.workloads.map((w) => [w.name, k8sWorkload(w)])),
    placeholder: PLACEHOLDER,
    placeholderRegistry: PLACEHOLDER_REGISTRY,
    values: {
      file: DEPLOY_VALUES_FILE,
      configMap: DEPLOY_VALUES_CONFIGMAP,
      keys: DEPLOY_VALUE_KEYS,
      clientIdKey: WORKLOAD_CLIENT_ID_KEY,
      path: PATHS.deployValues(answers.environment),
    },
    overlay: PATHS.kustomizeOverlay(answers.environment),
    secretsMountPath: '/mnt/secrets-store',
    runAs: RUN_AS,
    resources: { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
    zoneSpread: answers.availabilityZones.length >= 2 ? 'DoNotSchedule' : 'ScheduleAnyway',
    network: { privateEndpointsCidr, publicEgressExcept: PUBLIC_EGRESS_EXCEPT, ingressNamespace: INGRESS_NAMESPACE },
    workerProbe: WORKER_PROBE_COMMAND,
    name: yamlName,
  };
}
