// The answers model: one typed definition of every answer. Prompts, CLI options, --help,
// answers.schema.json and the README's table are all derived from FIELDS; nothing else lists the keys.
import { createHash } from 'node:crypto';
import { reservedPrefixesText } from './platform-identities.ts';
import { AZURE_REGIONS } from './regions.ts';
import * as rules from './rules.ts';

export const BASTION_SKUS = ['Standard', 'Premium'] as const;
export const AGENT_POOL_KINDS = ['managedDevOpsPool', 'vmss'] as const;
/**
 * How the nodes and agents reach the internet: through an Azure Firewall that allows only the listed
 * destinations (FQDN allow-list, threat intelligence in deny mode, every connection logged), or
 * through a NAT gateway that allows any destination.
 */
export const EGRESS_KINDS = ['firewall', 'natGateway'] as const;
export const ZONES = ['1', '2', '3'] as const;
/** AKS minors that are generally available and supported; the default is AKS's default minor. */
export const KUBERNETES_MINORS = ['1.33', '1.34', '1.35', '1.36'] as const;
export const DEFAULT_KUBERNETES_VERSION = '1.35';
/**
 * What a workload is: `web` serves HTTP on its port (a Service, HTTP probes on /healthz); `worker` is a
 * background process that accepts no connections (no Service, no inbound network policy rule, exec probes).
 */
export const WORKLOAD_KINDS = ['web', 'worker'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
/**
 * How a web workload is reached from outside the cluster: `none` (only from pods in its namespace) or
 * `internal` (an HTTPS route through the private gateway, with its host name in the private DNS zone).
 * Public exposure is deliberately not an answer: it belongs behind a web application firewall.
 */
export const EXPOSURES = ['none', 'internal'] as const;
export type Exposure = (typeof EXPOSURES)[number];

export interface Workload {
  name: string;
  namespace: string;
  kind: WorkloadKind;
  /** The container port of a web workload (a worker listens on none). */
  port: number;
  replicas: number;
  secrets: string[];
  /** internal: an HTTPS route through the private gateway (web workloads only). */
  expose: Exposure;
}

/**
 * The answers that differ between environments. The top-level answers of these keys are the first
 * environment's; each later environment has its own (answers/environments.ts).
 */
export const ENVIRONMENT_SETTINGS = [
  'location',
  'adminGroupObjectIds',
  'addressSpace',
  'systemNodeVmSize',
  'systemNodeCount',
  'userNodeVmSize',
  'userNodeMinCount',
  'userNodeMaxCount',
  'availabilityZones',
  'acrName',
  'keyVaultName',
  'agentMaxConcurrency',
  'serviceConnection',
  'agentPoolName',
  'privateDnsZone',
] as const satisfies readonly (keyof Answers)[];
export type EnvironmentSettingKey = (typeof ENVIRONMENT_SETTINGS)[number];

/** One environment: its name (the label in resource names and file names) and its own settings. */
export type Environment = { name: string } & Pick<Answers, EnvironmentSettingKey>;

export interface Answers {
  name: string;
  location: string;
  environment: string;
  adminGroupObjectIds: string[];
  addressSpace: string;
  serviceCidr: string;
  podCidr: string;
  egress: (typeof EGRESS_KINDS)[number];
  kubernetesVersion: string;
  systemNodeVmSize: string;
  systemNodeCount: number;
  userNodeVmSize: string;
  userNodeMinCount: number;
  userNodeMaxCount: number;
  availabilityZones: string[];
  acrName: string;
  keyVaultName: string;
  bastion: boolean;
  bastionSku: (typeof BASTION_SKUS)[number];
  agentPool: (typeof AGENT_POOL_KINDS)[number];
  agentMaxConcurrency: number;
  adoOrganizationUrl: string;
  adoProject: string;
  serviceConnection: string;
  agentPoolName: string;
  privateDnsZone: string;
  /** Every environment, lowest first; the first is `environment` with the top-level settings. */
  environments: Environment[];
  workloads: Workload[];
}

export type Key = keyof Answers;

/** What a default may depend on: answers given so far, and the destination folder's name. */
export interface DefaultInput {
  answers: Partial<Answers>;
  folderName: string;
}

type Kind = 'string' | 'integer' | 'boolean' | 'list' | 'environments' | 'workloads';

export interface Field<K extends Key = Key> {
  key: K;
  kind: Kind;
  /** One line for --help, the schema and the README. */
  description: string;
  /** The question asked in interactive mode; fields without one are not prompted. */
  message?: string;
  /** The default as the docs show it. */
  defaultText: string;
  default: (input: DefaultInput) => Answers[K];
  /** Closed set of values (prompt list, schema enum). */
  choices?: readonly string[];
  /** For list fields: each item is checked with this rule. */
  itemRule?: rules.Rule<string>;
  /** For integers: the range (schema minimum/maximum). */
  range?: [number, number];
  /** The rule the whole value must follow. */
  rule?(value: Answers[K]): string | undefined;
  /** Human summary of the rule for the docs. */
  ruleText: string;
  /** Only in answers files (no CLI flag, no prompt). */
  fileOnly?: boolean;
  /** Only prompted when this holds for the answers so far. */
  when?: (answers: Partial<Answers>) => boolean;
}

function field<K extends Key>(definition: Field<K>): Field<K> {
  return definition;
}

/** A short, stable suffix that makes globally unique names unlikely to collide. */
export function uniqueSuffix(...parts: string[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 4);
}

const nameOf = (input: DefaultInput) => input.answers.name ?? input.folderName;
const envOf = (input: DefaultInput) => input.answers.environment ?? 'dev';

function trimHyphens(value: string): string {
  return value.replace(/-+/g, '-').replace(/^-|-$/g, '');
}

export function defaultAcrName(name: string, environment: string): string {
  const suffix = environment + uniqueSuffix(name, environment);
  return `cr${name.replace(/[^a-z0-9]/g, '').slice(0, 48 - suffix.length)}${suffix}`;
}

/** The private DNS zone of the workloads' host names: `.internal` is reserved for private use (ICANN, 2024). */
export function defaultPrivateDnsZone(name: string, environment: string): string {
  return `${environment}.${name}.internal`;
}

export function defaultKeyVaultName(name: string, environment: string): string {
  const suffix = `-${environment}-${uniqueSuffix(name, environment)}`;
  return trimHyphens(`kv-${trimHyphens(name.slice(0, 24 - 3 - suffix.length))}${suffix}`);
}

export function defaultWorkload(name: string): Workload {
  return { name, namespace: name, kind: 'web', port: 8080, replicas: 2, secrets: ['app-secret'], expose: 'internal' };
}

export const FIELDS = [
  field({
    key: 'name',
    kind: 'string',
    description: 'Service short name; the prefix of every resource name.',
    message: 'Service short name (prefix of every resource name)',
    defaultText: "the target folder's name",
    default: (input) => input.folderName,
    rule: rules.serviceName,
    ruleText: '2-20 lowercase letters, digits and single hyphens; no Azure reserved words',
  }),
  field({
    key: 'location',
    kind: 'string',
    description: 'Azure region of every resource.',
    message: 'Azure region',
    defaultText: 'westeurope',
    default: () => 'westeurope',
    choices: AZURE_REGIONS,
    rule: (v) => {
      const problem = rules.basicString(v) ?? rules.oneOf(AZURE_REGIONS)(v);
      if (!problem) return undefined;
      const guess = rules.closest(v, AZURE_REGIONS);
      return `an Azure region name such as westeurope${guess ? ` (did you mean "${guess}"?)` : ''}`;
    },
    ruleText: 'an Azure region name (az account list-locations)',
  }),
  field({
    key: 'environment',
    kind: 'string',
    description: 'Environment label used in resource names and the parameter file (infra/<environment>.bicepparam).',
    message: 'Environment label',
    defaultText: 'dev',
    default: () => 'dev',
    rule: rules.environmentName,
    ruleText: '2-8 lowercase letters and digits; no Azure reserved words',
  }),
  field({
    key: 'adminGroupObjectIds',
    kind: 'list',
    description: 'Entra ID group object IDs that administer the cluster; empty makes it a deploy-time parameter.',
    message: 'Entra ID admin group object IDs (comma-separated; empty: set at deploy time)',
    defaultText: 'none (a deploy-time parameter)',
    default: () => [],
    itemRule: rules.guid,
    rule: (v) => (new Set(v.map((s) => s.toLowerCase())).size !== v.length ? 'lists the same group twice' : undefined),
    ruleText: 'GUIDs, no duplicates',
  }),
  field({
    key: 'addressSpace',
    kind: 'string',
    description: 'Virtual network address space (private IPv4 CIDR); every subnet is planned from it.',
    message: 'Virtual network address space',
    defaultText: '10.42.0.0/16',
    default: () => '10.42.0.0/16',
    ruleText: 'private IPv4 CIDR without host bits, large enough for the subnet plan (/21 or larger)',
  }),
  field({
    key: 'serviceCidr',
    kind: 'string',
    description: 'Kubernetes service range; must not overlap the address space or the pod range.',
    message: 'Kubernetes service CIDR',
    defaultText: '172.16.0.0/16',
    default: () => '172.16.0.0/16',
    ruleText: 'private IPv4 CIDR from /12 to /24, overlapping no other range',
  }),
  field({
    key: 'podCidr',
    kind: 'string',
    description: 'Azure CNI Overlay pod range; must not overlap the address space or the service range.',
    message: 'Kubernetes pod CIDR (overlay)',
    defaultText: '192.168.0.0/16',
    default: () => '192.168.0.0/16',
    ruleText: 'private IPv4 CIDR from /8 to /21, overlapping no other range',
  }),
  field({
    key: 'egress',
    kind: 'string',
    description:
      'Egress of the nodes and agents: firewall (Azure Firewall Standard: only the listed destinations, threat intelligence denies known-malicious ones, every connection logged; about 1.25 USD an hour) or natGateway (any destination, no log of where traffic went).',
    message: 'Egress: through Azure Firewall (allow-list, logged) or a NAT gateway (anywhere)?',
    defaultText: 'firewall',
    default: () => 'firewall' as const,
    choices: EGRESS_KINDS,
    rule: rules.oneOf(EGRESS_KINDS),
    ruleText: EGRESS_KINDS.join(' or '),
  }),
  field({
    key: 'kubernetesVersion',
    kind: 'string',
    description: 'Kubernetes version of the cluster (a supported minor, optionally with a patch).',
    message: 'Kubernetes version',
    defaultText: DEFAULT_KUBERNETES_VERSION,
    default: () => DEFAULT_KUBERNETES_VERSION,
    rule: (v) =>
      rules.basicString(v) ??
      (/^\d+\.\d+(\.\d+)?$/.test(v) && (KUBERNETES_MINORS as readonly string[]).includes(v.split('.').slice(0, 2).join('.'))
        ? undefined
        : `a supported minor (${KUBERNETES_MINORS.join(', ')}), optionally with a patch such as ${DEFAULT_KUBERNETES_VERSION}.0`),
    ruleText: `${KUBERNETES_MINORS.join(', ')} (optionally .patch)`,
  }),
  field({
    key: 'systemNodeVmSize',
    kind: 'string',
    description: 'VM size of the system node pool (needs a temp disk for ephemeral OS disks).',
    message: 'System node pool VM size',
    defaultText: 'Standard_D4ds_v5',
    default: () => 'Standard_D4ds_v5',
    rule: rules.vmSize,
    ruleText: 'an Azure VM size (Standard_...)',
  }),
  field({
    key: 'systemNodeCount',
    kind: 'integer',
    description: 'Nodes in the system pool (autoscaler minimum); 3 spreads across zones.',
    message: 'System node count',
    defaultText: '3',
    default: () => 3,
    range: [1, 10],
    rule: rules.integerRange(1, 10),
    ruleText: '1-10',
  }),
  field({
    key: 'userNodeVmSize',
    kind: 'string',
    description: 'VM size of the user (workload) node pool.',
    message: 'User node pool VM size',
    defaultText: 'Standard_D4ds_v5',
    default: () => 'Standard_D4ds_v5',
    rule: rules.vmSize,
    ruleText: 'an Azure VM size (Standard_...)',
  }),
  field({
    key: 'userNodeMinCount',
    kind: 'integer',
    description: 'Minimum nodes of the autoscaling user pool.',
    message: 'User node pool minimum count',
    defaultText: '3',
    default: () => 3,
    range: [1, 100],
    rule: rules.integerRange(1, 100),
    ruleText: '1-100, at most userNodeMaxCount',
  }),
  field({
    key: 'userNodeMaxCount',
    kind: 'integer',
    description: 'Maximum nodes of the autoscaling user pool.',
    message: 'User node pool maximum count',
    defaultText: '6',
    default: (input) => Math.max(6, input.answers.userNodeMinCount ?? 0),
    range: [1, 1000],
    rule: rules.integerRange(1, 1000),
    ruleText: '1-1000, at least userNodeMinCount',
  }),
  field({
    key: 'availabilityZones',
    kind: 'list',
    description: 'Availability zones of the node pools; empty for a region without zones.',
    message: 'Availability zones (comma-separated, empty for none)',
    defaultText: '1,2,3',
    default: () => [...ZONES],
    itemRule: rules.oneOf(ZONES),
    rule: (v) => (new Set(v).size !== v.length ? 'lists the same zone twice' : undefined),
    ruleText: 'a subset of 1, 2, 3',
  }),
  field({
    key: 'acrName',
    kind: 'string',
    description: 'Azure Container Registry name (globally unique).',
    message: 'Container registry name',
    defaultText: 'cr<name><environment><hash>',
    default: (input) => defaultAcrName(nameOf(input), envOf(input)),
    rule: rules.acrName,
    ruleText: '5-50 lowercase letters and digits',
  }),
  field({
    key: 'keyVaultName',
    kind: 'string',
    description: 'Key Vault name (globally unique).',
    message: 'Key Vault name',
    defaultText: 'kv-<name>-<environment>-<hash>',
    default: (input) => defaultKeyVaultName(nameOf(input), envOf(input)),
    rule: rules.keyVaultName,
    ruleText: '3-24 letters, digits and single hyphens; starts with a letter',
  }),
  field({
    key: 'bastion',
    kind: 'boolean',
    description: 'Deploy Azure Bastion (native client tunnelling) for operator access to the private API server.',
    message: 'Deploy Azure Bastion for operator access?',
    defaultText: 'true',
    default: () => true,
    ruleText: 'true or false',
  }),
  field({
    key: 'bastionSku',
    kind: 'string',
    description: 'Azure Bastion SKU (both support native client tunnelling).',
    message: 'Azure Bastion SKU',
    defaultText: 'Standard',
    default: () => 'Standard' as const,
    choices: BASTION_SKUS,
    rule: rules.oneOf(BASTION_SKUS),
    ruleText: BASTION_SKUS.join(' or '),
    when: (answers) => answers.bastion !== false,
  }),
  field({
    key: 'agentPool',
    kind: 'string',
    description: 'Self-hosted agents inside the VNet: a Managed DevOps Pool or a VM scale set (elastic pool).',
    message: 'Self-hosted agent kind',
    defaultText: 'managedDevOpsPool',
    default: () => 'managedDevOpsPool' as const,
    choices: AGENT_POOL_KINDS,
    rule: rules.oneOf(AGENT_POOL_KINDS),
    ruleText: AGENT_POOL_KINDS.join(' or '),
  }),
  field({
    key: 'agentMaxConcurrency',
    kind: 'integer',
    description: 'Most agents running at once (pool concurrency or scale-set capacity).',
    message: 'Maximum concurrent agents',
    defaultText: '2',
    default: () => 2,
    range: [1, 20],
    rule: rules.integerRange(1, 20),
    ruleText: '1-20',
  }),
  field({
    key: 'adoOrganizationUrl',
    kind: 'string',
    description: 'Azure DevOps organization URL.',
    message: 'Azure DevOps organization URL',
    defaultText: 'https://dev.azure.com/<name>',
    default: (input) => `https://dev.azure.com/${nameOf(input)}`,
    rule: rules.adoOrganizationUrl,
    ruleText: 'https://dev.azure.com/<organization>',
  }),
  field({
    key: 'adoProject',
    kind: 'string',
    description: 'Azure DevOps project that runs the pipeline.',
    message: 'Azure DevOps project',
    defaultText: '<name>',
    default: (input) => nameOf(input),
    rule: rules.adoProject,
    ruleText: '1-64 letters, digits, spaces, dots, underscores, hyphens',
  }),
  field({
    key: 'serviceConnection',
    kind: 'string',
    description: 'Name of the workload identity federation service connection the pipeline uses.',
    message: 'Azure DevOps service connection name',
    defaultText: 'sc-<name>-<environment>',
    default: (input) => `sc-${nameOf(input)}-${envOf(input)}`,
    rule: rules.serviceConnectionName,
    ruleText: '1-64 letters, digits, dots, underscores, hyphens',
  }),
  field({
    key: 'agentPoolName',
    kind: 'string',
    description: 'Azure DevOps agent pool name (also the Managed DevOps Pool resource name).',
    message: 'Azure DevOps agent pool name',
    defaultText: 'pool-<name>-<environment>',
    default: (input) => `pool-${nameOf(input)}-${envOf(input)}`,
    rule: rules.agentPoolName,
    ruleText: '3-44 lowercase letters, digits and single hyphens',
  }),
  field({
    key: 'privateDnsZone',
    kind: 'string',
    description: "Private DNS zone of the exposed workloads' HTTPS host names (<workload>.<zone>), resolvable only inside the virtual network; the gateway's Key Vault certificate covers *.<zone>.",
    message: 'Private DNS zone of the workloads\' host names',
    defaultText: '<environment>.<name>.internal',
    default: (input) => defaultPrivateDnsZone(nameOf(input), envOf(input)),
    rule: rules.privateDnsZone,
    ruleText: 'a lowercase DNS name of 2 or more labels, at most 200 characters, not an Azure privatelink zone',
  }),
  field({
    key: 'environments',
    kind: 'environments',
    description:
      'Environments, lowest first (dev before prod), each with its own resource group, private cluster, key vault, registry, VNet and agent pool; the pipeline deploys them in this order. The first takes the top-level answers; a later one is a name (its settings derived: its own names, the next free address space, at least 3 nodes when production-like) or { name, ' +
      ENVIRONMENT_SETTINGS.join(', ') +
      ' } in an answers file.',
    message: 'Environments, lowest first (comma-separated, such as dev,prod)',
    defaultText: '<environment>',
    default: (input) => [{ name: envOf(input) } as Environment],
    ruleText: 'unique environment names, the first equal to environment; address spaces that do not overlap; each environment its own registry, key vault, DNS zone, service connection and agent pool',
  }),
  field({
    key: 'workloads',
    kind: 'workloads',
    description: 'Workloads: list of { name, namespace, kind, port, replicas, secrets[], expose } (answers file or the workload subgenerator).',
    defaultText: 'one workload named after <name>',
    default: (input) => [defaultWorkload(nameOf(input))],
    ruleText: 'unique names; see the workload rules',
    fileOnly: true,
  }),
] as const satisfies readonly Field[];

export type AnyField = (typeof FIELDS)[number];

export const KEYS: readonly Key[] = FIELDS.map((f) => f.key);

export function fieldOf(key: Key): Field {
  return FIELDS.find((f) => f.key === key)! as Field;
}

/** The rules of a workload's own fields, shared by the app and workload generators. */
export const WORKLOAD_FIELDS = {
  name: { rule: rules.dnsLabel(40), ruleText: `2-40 lowercase letters, digits and hyphens, not starting with ${reservedPrefixesText((p) => p)}`, description: 'Workload name (Deployment, ServiceAccount and identity name).' },
  namespace: { rule: rules.namespaceName, ruleText: 'a DNS label, not a reserved namespace', description: 'Kubernetes namespace of the workload.' },
  kind: {
    rule: rules.oneOf(WORKLOAD_KINDS),
    ruleText: WORKLOAD_KINDS.join(' or '),
    description: 'web: serves HTTP on its port (Service, probes on /healthz); worker: a background process that accepts no connections (no Service, no inbound traffic, exec probes).',
  },
  port: { rule: rules.port, ruleText: '1024-65535', description: 'Container and service port of a web workload (a worker ignores it).' },
  replicas: { rule: rules.integerRange(1, 50), ruleText: '1-50', description: 'Replicas (the HPA minimum).' },
  secrets: { rule: rules.secretName, ruleText: 'Key Vault secret names', description: 'Key Vault secrets mounted through the Secrets Store CSI driver.' },
  expose: {
    rule: rules.oneOf(EXPOSURES),
    ruleText: `${EXPOSURES.join(' or ')}; a worker only none`,
    description: "internal: an HTTPS route through the private gateway at <workload>.<privateDnsZone>, reachable only inside the virtual network; none: only pods of its namespace reach it. Default: internal for a web workload, none for a worker.",
  },
} as const;

export const WORKLOAD_KEYS = Object.keys(WORKLOAD_FIELDS) as (keyof Workload)[];

/** camelCase key to its kebab-case CLI flag. */
export function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
