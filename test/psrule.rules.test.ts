// PSRule for Azure's pinned baseline, re-expressed on the compiled ARM JSON (PSRule itself needs the
// PowerShell Gallery, which these machines cannot reach). One test per rule of RULES (core/plan/psrule/catalogue.ts),
// named by its rule ID and written after the rule's own source: it evaluates every target of every answer
// set of the infra matrix, and a target may fail only where the generated ps-rule.yaml suppresses the
// rule for that target (or excludes the rule) with a reason. Then the other direction: every suppression
// and exclusion the generator writes is needed (the rule does fail without it) and its reason holds on
// the compiled template, and a few of the failures Microsoft's AKS baseline is known for fail here too.
import { beforeAll, describe, expect, test } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { ACR, AKS, FIREWALL, FIREWALL_POLICY, KV, NOT_EVALUATED, NSG, PIP, ROUTE_TABLE, RULES, VMSS, VNET } from '../generators/core/plan/psrule/catalogue.ts';
import { CONFIGURATION, EXCLUSIONS, baseline } from '../generators/core/plan/psrule.ts';
import { armResources, compileInfra, ofType, type ArmResource, type ArmTemplate } from './helpers/bicep.ts';
import { renderRepository, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { MATRIX, twoAtATime } from './helpers/infra-matrix.ts';
import { toolOrSkip } from './helpers/tools.ts';

/** The infra matrix plus the answer sets whose rules conflict with an answer (each one more compile). */
const SETS = {
  ...MATRIX,
  // A cost-saving environment: one system node, two user nodes, no zones, Bastion; a Key Vault name with capitals.
  costSavingNoZones: { systemNodeCount: 1, userNodeMinCount: 2, userNodeMaxCount: 4, availabilityZones: [], keyVaultName: 'KV-Contoso-Dev9' },
  // Scale-set agents in a single zone, with Bastion.
  vmssOneZoneBastion: { agentPool: 'vmss', availabilityZones: ['1'], environment: 'prod' },
} satisfies Record<string, AnswerInput>;
type SetName = keyof typeof SETS;

/** Regions whose zone mappings PSRule's provider data lists (the matrix deploys to these). */
const ZONAL_REGIONS = new Set(['westeurope', 'northeurope', 'swedencentral', 'eastus', 'eastus2', 'westus2', 'westus3', 'uksouth', 'francecentral', 'germanywestcentral']);

interface PsRuleOptions {
  doc: Document;
  suppressed: Map<string, Set<string>>;
  excluded: Set<string>;
  configuration: Record<string, unknown>;
  baselineGroup: Record<string, string>;
}

interface Tree {
  name: SetName;
  rendered: Rendered;
  template: ArmTemplate;
  /** Every resource PSRule would see: nested deployments included, existing references and false conditions left out. */
  resources: ArmResource[];
  psrule: PsRuleOptions;
  location: string;
}

/** One evaluated target: a rule passes or fails per resource, as PSRule reports it. */
interface Outcome {
  target: string;
  pass: boolean;
  reason: string;
}

// ---------------------------------------------------------------------------------------------------
// Field access the way PSRule binds fields: case-insensitive property names, dotted paths.

type Obj = Record<string, unknown>;

function field(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    const key = Object.keys(current).find((k) => k.toLowerCase() === part.toLowerCase());
    if (key === undefined) return undefined;
    current = (current as Obj)[key];
  }
  return current;
}

/** PSRule's HasValue: not null, not an empty string, not an empty collection. */
function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

const ieq = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
const isIn = (a: unknown, values: readonly string[]) => values.some((v) => ieq(a, v));
const isExpression = (v: unknown) => typeof v === 'string' && /^\[[\s\S]*\]$/.test(v) && !v.startsWith('[[');

function outcome(target: string, pass: boolean, reason: string): Outcome {
  return { target, pass, reason };
}

function length(name: string, min: number, max: number, pattern: RegExp): boolean {
  return name.length >= min && name.length <= max && pattern.test(name);
}

// ---------------------------------------------------------------------------------------------------
// What PSRule attaches to a resource: sub-resources by name and extension resources by scope.

const of = (t: Tree, type: string) => ofType(t.resources, type);

function children(t: Tree, parent: ArmResource, type: string): ArmResource[] {
  return t.resources.filter(
    (r) =>
      r.type.toLowerCase() === type.toLowerCase() &&
      (r.scope === parent.id || (r.type.toLowerCase().startsWith(`${parent.type.toLowerCase()}/`) && r.name.startsWith(`${parent.name}/`))),
  );
}

const diagnostics = (t: Tree, parent: ArmResource) => children(t, parent, 'Microsoft.Insights/diagnosticSettings');
const zonal = (t: Tree) => ZONAL_REGIONS.has(t.location);

interface Log {
  category?: string;
  categoryGroup?: string;
  enabled?: boolean;
}
const logsOf = (setting: ArmResource) => (setting.properties.logs ?? []) as Log[];
const metricsOf = (setting: ArmResource) => (setting.properties.metrics ?? []) as Log[];

interface Pool extends Obj {
  name: string;
  mode?: string;
  type?: string;
  count?: number;
  minCount?: number;
  enableAutoScaling?: boolean;
  availabilityZones?: string[];
  maxPods?: number;
  osDiskType?: string;
  orchestratorVersion?: string;
  scaleSetPriority?: string;
}
const pools = (cluster: ArmResource) => (cluster.properties.agentPoolProfiles ?? []) as Pool[];
const nodes = (p: Pool) => ((p.minCount ?? 0) > 0 ? p.minCount! : (p.count ?? 0) > 0 ? p.count! : 0);

interface NsgRule {
  name: string;
  properties: { priority: number; direction: string; access: string; protocol: string; sourceAddressPrefix?: string; destinationAddressPrefix?: string; destinationPortRange?: string; destinationPortRanges?: string[] };
}
const nsgRules = (nsg: ArmResource, direction: string) =>
  ((nsg.properties.securityRules ?? []) as NsgRule[]).filter((r) => ieq(r.properties.direction, direction)).sort((a, b) => a.properties.priority - b.properties.priority);

function portMatches(rule: NsgRule, port: number): boolean {
  const ranges = [rule.properties.destinationPortRange, ...(rule.properties.destinationPortRanges ?? [])].filter((r): r is string => typeof r === 'string');
  return ranges.some((r) => {
    if (r === '*') return true;
    const [lo, hi] = r.split('-').map(Number);
    return port >= lo! && port <= (hi ?? lo!);
  });
}

/** How an NSG treats outbound traffic to the virtual network on a TCP port: its first matching rule, or Default. */
function outbound(nsg: ArmResource, port: number): 'Allow' | 'Deny' | 'Default' {
  for (const rule of nsgRules(nsg, 'Outbound')) {
    const p = rule.properties;
    const destination = p.destinationAddressPrefix ?? '*';
    if (!isIn(p.protocol, ['*', 'Tcp'])) continue;
    if (!isIn(destination, ['*', 'VirtualNetwork'])) continue;
    if (portMatches(rule, port)) return p.access === 'Allow' ? 'Allow' : 'Deny';
  }
  return 'Default';
}

/** Azure.Resource.SupportsTags (Common.Selector.Rule.yaml). */
function supportsTags(type: string): boolean {
  const t = type.toLowerCase();
  const parts = type.split('/');
  if (!/^microsoft\.[^/]+\/[^/]+/.test(t)) return false;
  if (['microsoft.addons/', 'microsoft.advisor/', 'microsoft.billing/', 'microsoft.blueprint/', 'microsoft.capacity/', 'microsoft.classic', 'microsoft.consumption/', 'microsoft.gallery/', 'microsoft.security/', 'microsoft.support/', 'microsoft.workloadmonitor/', 'microsoft.managedservices/', 'microsoft.management/', 'microsoft.policyinsights/'].some((p) => t.startsWith(p))) return false;
  if (t.startsWith('microsoft.resources/') && !['microsoft.resources/deploymentscripts', 'microsoft.resources/resourcegroups', 'microsoft.resources/templatespecs'].includes(t)) return false;
  if (t.startsWith('microsoft.managedidentity/') && t !== 'microsoft.managedidentity/userassignedidentities') return false;
  if (t.startsWith('microsoft.authorization/')) return false;
  if (t.startsWith('microsoft.insights/') && !['microsoft.insights/datacollectionrules', 'microsoft.insights/datacollectionendpoints', 'microsoft.insights/actiongroups', 'microsoft.insights/components', 'microsoft.insights/metricalerts', 'microsoft.insights/scheduledqueryrules', 'microsoft.insights/activitylogalerts', 'microsoft.insights/workbooks'].includes(t)) return false;
  return parts.length === 2;
}

/** Everything a deployment's raw template holds, for the Deployment rules. */
function deployments(t: Tree): { name: string; template: ArmTemplate }[] {
  return [{ name: 'main', template: t.template }, ...of(t, 'Microsoft.Resources/deployments').map((d) => ({ name: d.name, template: (d.raw.properties as { template: ArmTemplate }).template }))];
}

function rawResources(template: ArmTemplate): Obj[] {
  return Array.isArray(template.resources) ? (template.resources as Obj[]) : Object.values(template.resources);
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (strings(k, out), strings(v, out));
  return out;
}

function valuesOfKey(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const v of node) valuesOfKey(v, key, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k.toLowerCase() === key.toLowerCase()) out.push(v);
      valuesOfKey(v, key, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The rules. Each follows its source in Azure/PSRule.Rules.Azure (src/PSRule.Rules.Azure/rules/) and its
// document (docs/en/rules/<id>.md); configuration comes from the generated ps-rule.yaml.

type Check = (t: Tree) => Outcome[];

const perResource = (type: string, test: (r: ArmResource, t: Tree) => [boolean, string]): Check => (t) =>
  of(t, type).map((r) => {
    const [pass, reason] = test(r, t);
    return outcome(r.name, pass, reason);
  });


const PLATFORM_LOGS = ['cluster-autoscaler', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
/** The module's defaults for the options ps-rule.yaml may override (Config.Rule.yaml and the rule sources). */
const DEFAULTS: Record<string, unknown> = {
  AZURE_AKS_ENABLED_PLATFORM_LOG_CATEGORIES_LIST: [...PLATFORM_LOGS, 'AllMetrics'],
  AZURE_AKS_CLUSTER_MINIMUM_VERSION: '1.33.7',
  AZURE_AKS_POOL_MINIMUM_MAXPODS: 50,
  AZURE_AKS_CLUSTER_MINIMUM_SYSTEM_NODES: 3,
  AZURE_AKS_CLUSTER_USER_POOL_MINIMUM_NODES: 3,
  AZURE_RESOURCE_ALLOWED_LOCATIONS: [],
  AZURE_DEPLOYMENT_SENSITIVE_PROPERTY_NAMES: ['adminUsername', 'administratorLogin', 'administratorLoginPassword'],
  AZURE_DEPLOYMENT_NONSENSITIVE_PARAMETER_NAMES: [],
};
const option = <T>(t: Tree, name: string) => (t.psrule.configuration[name] ?? DEFAULTS[name]) as T;

function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

const SECURE_NAME_PATTERNS = [/password/i, /secret/i, /token/i, /key$/i, /keys$/i];
const NOT_SENSITIVE_NAMES = [/name$/i, /uri$/i, /url$/i, /path$/i, /type$/i, /id$/i, /options$/i, /publickey$/i, /publickeys$/i, /secretname/i, /secreturl/i, /secreturi/i, /secrettype/i, /secretrotation/i, /tokenname/i, /tokentype/i, /interval/i, /length/i, /secretprovider/i, /secretsprovider/i, /secretref/i, /secretid/i, /disablepassword/i, /sync.*passwords/i, /keyvaultpath/i, /keyvaultname/i, /keyvaulturi/i];

/** Secret properties PSRule knows for the resource types infra/ deploys (its secret-property data). */
const SECRET_PROPERTIES: Record<string, string[]> = {
  [VMSS.toLowerCase()]: ['properties.virtualMachineProfile.osProfile.adminPassword', 'properties.virtualMachineProfile.osProfile.customData'],
  [AKS.toLowerCase()]: ['properties.windowsProfile.adminPassword', 'properties.servicePrincipalProfile.secret'],
};

const CHECKS: Record<string, Check> = {
  // --- Azure Kubernetes Service ---
  'Azure.AKS.AuditAdmin': perResource(AKS, (c, t) => {
    const kubeAudit = diagnostics(t, c).filter((d) => logsOf(d).some((l) => l.category === 'kube-audit' && l.enabled));
    return [kubeAudit.length === 0, `diagnostic settings with kube-audit: ${kubeAudit.map((d) => d.name).join(', ')}`];
  }),
  'Azure.AKS.AuditLogs': perResource(AKS, (c, t) => {
    const settings = diagnostics(t, c);
    const ok = settings.length > 0 && settings.every((d) => logsOf(d).some((l) => isIn(l.category, ['kube-audit', 'kube-audit-admin']) && l.enabled) && logsOf(d).some((l) => l.category === 'guard' && l.enabled));
    return [ok, `diagnostic settings: ${JSON.stringify(settings.map((d) => logsOf(d)))}`];
  }),
  'Azure.AKS.AuthorizedIPs': perResource(AKS, (c) => [((field(c.properties, 'apiServerAccessProfile.authorizedIPRanges') as string[] | undefined) ?? []).length >= 1, 'no authorized IP ranges']),
  'Azure.AKS.AutoScaling': perResource(AKS, (c) => {
    const manual = pools(c).filter((p) => ieq(p.type, 'VirtualMachineScaleSets') && p.enableAutoScaling !== true);
    return [manual.length === 0, `pools without autoscaling: ${manual.map((p) => p.name)}`];
  }),
  'Azure.AKS.AutoUpgrade': perResource(AKS, (c) => {
    const channel = field(c.properties, 'autoUpgradeProfile.upgradeChannel');
    return [hasValue(channel) && !ieq(channel, 'none'), `upgrade channel ${String(channel)}`];
  }),
  'Azure.AKS.AvailabilityZone': perResource(AKS, (c, t) => {
    if (!zonal(t)) return [true, 'region without zones'];
    const flat = pools(c).filter((p) => ieq(p.type, 'VirtualMachineScaleSets') && !hasValue(p.availabilityZones));
    return [flat.length === 0, `pools without availability zones in ${t.location}: ${flat.map((p) => p.name)}`];
  }),
  'Azure.AKS.AzurePolicyAddOn': perResource(AKS, (c) => [field(c.properties, 'addonProfiles.azurePolicy.enabled') === true, 'Azure Policy add-on off']),
  'Azure.AKS.AzureRBAC': perResource(AKS, (c) => [field(c.properties, 'aadProfile.enableAzureRbac') === true, 'Azure RBAC off']),
  'Azure.AKS.ContainerInsights': perResource(AKS, (c) => [field(c.properties, 'addonProfiles.omsAgent.enabled') === true, 'Container insights off']),
  'Azure.AKS.DefenderProfile': perResource(AKS, (c) => [field(c.properties, 'securityProfile.defender.securityMonitoring.enabled') === true, 'Defender sensor off']),
  'Azure.AKS.DNSPrefix': perResource(AKS, (c) => {
    const prefix = String(field(c.properties, 'dnsPrefix') ?? '');
    return [length(prefix, 1, 54, /^[A-Za-z0-9]((-|[A-Za-z0-9]){0,}[A-Za-z0-9]){0,}$/), `dnsPrefix ${prefix}`];
  }),
  'Azure.AKS.EphemeralOSDisk': perResource(AKS, (c) => {
    const managed = pools(c).filter((p) => p.osDiskType !== undefined && !ieq(p.osDiskType, 'Ephemeral'));
    return [managed.length === 0, `pools without ephemeral OS disks: ${managed.map((p) => p.name)}`];
  }),
  'Azure.AKS.HttpAppRouting': perResource(AKS, (c) => [field(c.properties, 'addonProfiles.httpApplicationRouting.enabled') !== true, 'HTTP application routing on']),
  'Azure.AKS.LocalAccounts': perResource(AKS, (c) => [c.properties.disableLocalAccounts === true, 'local accounts enabled']),
  'Azure.AKS.MaintenanceWindow': perResource(AKS, (c, t) => {
    const names = children(t, c, `${AKS}/maintenanceConfigurations`).map((m) => m.name);
    const ok = names.some((n) => /aksManagedAutoUpgradeSchedule$/.test(n)) && names.some((n) => /aksManagedNodeOSUpgradeSchedule$/.test(n));
    return [ok, `maintenance configurations: ${names.join(', ')}`];
  }),
  'Azure.AKS.ManagedAAD': perResource(AKS, (c) => [field(c.properties, 'aadProfile.managed') === true, 'AKS-managed Entra ID off']),
  'Azure.AKS.ManagedIdentity': perResource(AKS, (c) => [isIn(c.identity?.type, ['SystemAssigned', 'UserAssigned']), `identity ${String(c.identity?.type)}`]),
  'Azure.AKS.MinNodeCount': perResource(AKS, (c, t) => {
    const system = pools(c).filter((p) => !ieq(p.mode, 'user')).reduce((n, p) => n + nodes(p), 0);
    return [system >= option<number>(t, 'AZURE_AKS_CLUSTER_MINIMUM_SYSTEM_NODES'), `${system} system nodes`];
  }),
  'Azure.AKS.MinUserPoolNodes': perResource(AKS, (c, t) => {
    const small = pools(c).filter((p) => ieq(p.mode, 'user') && p.scaleSetPriority !== 'Spot' && nodes(p) < option<number>(t, 'AZURE_AKS_CLUSTER_USER_POOL_MINIMUM_NODES'));
    return [small.length === 0, `user pools with fewer nodes: ${small.map((p) => `${p.name} (${nodes(p)})`)}`];
  }),
  'Azure.AKS.Name': perResource(AKS, (c) => [length(c.name, 1, 63, /^[A-Za-z0-9](-|\w)*[A-Za-z0-9]$/), c.name]),
  'Azure.AKS.NetworkPolicy': perResource(AKS, (c) => {
    const policy = field(c.properties, 'networkProfile.networkPolicy');
    return [isIn(policy, ['azure', 'calico']), `networkPolicy ${String(policy)}`];
  }),
  'Azure.AKS.NodeAutoUpgrade': perResource(AKS, (c) => {
    const channel = field(c.properties, 'autoUpgradeProfile.nodeOSUpgradeChannel');
    return [isIn(channel, ['SecurityPatch', 'NodeImage']), `node OS upgrade channel ${String(channel)}`];
  }),
  'Azure.AKS.NodeMinPods': perResource(AKS, (c, t) => {
    const min = option<number>(t, 'AZURE_AKS_POOL_MINIMUM_MAXPODS');
    const few = pools(c).filter((p) => !(typeof p.maxPods === 'number' && p.maxPods >= min));
    return [few.length === 0, `pools below ${min} pods: ${few.map((p) => `${p.name} (${p.maxPods})`)}`];
  }),
  'Azure.AKS.PlatformLogs': perResource(AKS, (c, t) => {
    const configured = option<string[]>(t, 'AZURE_AKS_ENABLED_PLATFORM_LOG_CATEGORIES_LIST');
    if (configured.length === 0) return [true, 'nothing configured'];
    const wantLogs = configured.filter((x) => PLATFORM_LOGS.includes(x));
    const wantMetrics: string[] = configured.filter((x) => x === 'AllMetrics');
    const settings = diagnostics(t, c);
    const ok =
      settings.length > 0 &&
      settings.every(
        (d) =>
          logsOf(d).filter((l) => l.enabled && wantLogs.includes(l.category!)).length === wantLogs.length &&
          metricsOf(d).filter((m) => m.enabled && wantMetrics.includes(m.category!)).length === wantMetrics.length,
      );
    return [ok, `want ${configured.join(', ')}; settings ${JSON.stringify(settings.map((d) => [logsOf(d), metricsOf(d)]))}`];
  }),
  'Azure.AKS.PoolScaleSet': perResource(AKS, (c) => {
    const other = pools(c).filter((p) => !ieq(p.type, 'VirtualMachineScaleSets'));
    return [other.length === 0, `pools not on scale sets: ${other.map((p) => p.name)}`];
  }),
  'Azure.AKS.PoolVersion': perResource(AKS, (c) => {
    const version = c.properties.kubernetesVersion;
    const other = pools(c).filter((p) => p.orchestratorVersion !== undefined && p.orchestratorVersion !== version);
    return [other.length === 0, `pools on another version: ${other.map((p) => p.name)}`];
  }),
  'Azure.AKS.SecretStore': perResource(AKS, (c) => [field(c.properties, 'addonProfiles.azureKeyvaultSecretsProvider.enabled') === true, 'secrets provider off']),
  'Azure.AKS.SecretStoreRotation': perResource(AKS, (c) => {
    if (field(c.properties, 'addonProfiles.azureKeyvaultSecretsProvider.enabled') !== true) return [true, 'secrets provider off'];
    return [field(c.properties, 'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation') === 'true', 'rotation off'];
  }),
  'Azure.AKS.StandardLB': perResource(AKS, (c) => [ieq(field(c.properties, 'networkProfile.loadBalancerSku'), 'standard'), 'not a Standard load balancer']),
  'Azure.AKS.UptimeSLA': perResource(AKS, (c) => [c.apiVersion < '2023-02-01' ? ieq(c.sku?.tier, 'Paid') : ieq(c.sku?.tier, 'Standard'), `tier ${String(c.sku?.tier)}`]),
  'Azure.AKS.UseRBAC': perResource(AKS, (c) => [c.properties.enableRBAC === true, 'Kubernetes RBAC off']),
  'Azure.AKS.Version': perResource(AKS, (c, t) => {
    if (isIn(field(c.properties, 'autoUpgradeProfile.upgradeChannel'), ['rapid', 'stable'])) return [true, 'rapid or stable channel'];
    const version = String(c.properties.kubernetesVersion);
    return [versionAtLeast(version, option<string>(t, 'AZURE_AKS_CLUSTER_MINIMUM_VERSION')), `version ${version}`];
  }),

  // --- Container Registry ---
  'Azure.ACR.AdminUser': perResource(ACR, (r) => [r.properties.adminUserEnabled === undefined || r.properties.adminUserEnabled === false, 'admin user on']),
  'Azure.ACR.AnonymousAccess': (t) =>
    of(t, ACR)
      .filter((r) => isIn(r.sku?.name, ['Premium', 'Standard']))
      .map((r) => outcome(r.name, r.properties.anonymousPullEnabled === undefined || r.properties.anonymousPullEnabled === false, 'anonymous pull on')),
  'Azure.ACR.ExportPolicy': perResource(ACR, (r) => [
    ieq(field(r.properties, 'policies.exportPolicy.status'), 'disabled') && ieq(r.properties.publicNetworkAccess, 'Disabled'),
    `export ${String(field(r.properties, 'policies.exportPolicy.status'))}, public network access ${String(r.properties.publicNetworkAccess)}`,
  ]),
  'Azure.ACR.Firewall': (t) =>
    of(t, ACR)
      .filter((r) => ieq(r.sku?.name, 'Premium'))
      .map((r) => outcome(r.name, ieq(r.properties.publicNetworkAccess, 'Disabled') || ieq(field(r.properties, 'networkRuleSet.defaultAction'), 'Deny'), 'open to every network')),
  'Azure.ACR.MinSku': perResource(ACR, (r) => [isIn(r.sku?.name, ['Premium', 'Standard']), `SKU ${String(r.sku?.name)}`]),
  'Azure.ACR.Name': perResource(ACR, (r) => [length(r.name, 5, 50, /^[a-zA-Z0-9]*$/), r.name]),
  'Azure.ACR.ReplicaLocation': perResource(ACR, (r, t) => {
    const allowed = option<string[]>(t, 'AZURE_RESOURCE_ALLOWED_LOCATIONS');
    const replicas = children(t, r, `${ACR}/replications`);
    return [replicas.every((x) => allowed.length === 0 || allowed.includes(String(x.location))), `replicas: ${replicas.map((x) => x.location)}`];
  }),

  // --- Key Vault ---
  'Azure.KeyVault.AccessPolicy': perResource(KV, (v) => {
    const policies = (v.properties.accessPolicies ?? []) as { permissions: Record<string, string[]> }[];
    const broad = policies.filter((p) => Object.values(p.permissions).flat().some((x) => isIn(x, ['All', 'Purge'])));
    return [broad.length === 0, `${broad.length} access policies grant All or Purge`];
  }),
  'Azure.KeyVault.AutoRotationPolicy': perResource(KV, (v, t) => {
    const keys = children(t, v, `${KV}/keys`);
    const manual = keys.filter((k) => !((field(k.properties, 'rotationPolicy.lifetimeActions') ?? []) as { action: { type: string } }[]).some((a) => ieq(a.action.type, 'rotate')));
    return [manual.length === 0, `keys without rotation: ${manual.map((k) => k.name)}`];
  }),
  'Azure.KeyVault.Firewall': perResource(KV, (v) => [ieq(field(v.properties, 'networkAcls.defaultAction'), 'Deny'), `networkAcls.defaultAction ${String(field(v.properties, 'networkAcls.defaultAction'))}`]),
  'Azure.KeyVault.KeyName': perResource(KV, (v, t) => {
    const bad = children(t, v, `${KV}/keys`).filter((k) => !/^[A-Za-z0-9-]{1,127}$/.test(k.name.split('/').at(-1)!));
    return [bad.length === 0, `key names: ${bad.map((k) => k.name)}`];
  }),
  'Azure.KeyVault.Logs': perResource(KV, (v, t) => {
    const audit = diagnostics(t, v).flatMap(logsOf).filter((l) => (l.category === 'AuditEvent' || isIn(l.categoryGroup, ['audit', 'allLogs'])) && l.enabled);
    return [audit.length > 0, 'no diagnostic setting collects AuditEvent']; 
  }),
  'Azure.KeyVault.Name': perResource(KV, (v) => [length(v.name, 3, 24, /^[A-Za-z](-|[A-Za-z0-9])*[A-Za-z0-9]$/), v.name]),
  'Azure.KeyVault.PurgeProtect': perResource(KV, (v) => [v.properties.enablePurgeProtection === true, 'purge protection off']),
  'Azure.KeyVault.RBAC': perResource(KV, (v) => [v.properties.enableRbacAuthorization === true, 'access policies, not Azure RBAC']),
  'Azure.KeyVault.SecretName': perResource(KV, (v, t) => {
    const bad = children(t, v, `${KV}/secrets`).filter((s) => !/^[A-Za-z0-9-]{1,127}$/.test(s.name.split('/').at(-1)!));
    return [bad.length === 0, `secret names: ${bad.map((s) => s.name)}`];
  }),
  'Azure.KeyVault.SoftDelete': perResource(KV, (v) => [v.properties.enableSoftDelete === true, 'soft delete off']),

  // --- Networking ---
  'Azure.VNET.Name': perResource(VNET, (n) => [length(n.name, 2, 64, /^[a-z0-9][a-z0-9_.-]{0,62}[a-z0-9_]$/), n.name]),
  'Azure.VNET.PrivateSubnet': (t) =>
    of(t, VNET).flatMap((n) =>
      ((n.properties.subnets ?? []) as { name: string; properties: Obj }[])
        .filter((s) => !hasValue(s.properties.delegations) && !['GatewaySubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet', 'AzureBastionSubnet'].includes(s.name))
        .map((s) => outcome(`${n.name}/${s.name}`, s.properties.defaultOutboundAccess === false, 'default outbound access')),
    ),
  'Azure.VNET.SingleDNS': perResource(VNET, (n) => {
    const servers = (field(n.properties, 'dhcpOptions.dnsServers') ?? []) as string[];
    return [servers.length === 0 || servers.length >= 2, `${servers.length} DNS servers`];
  }),
  'Azure.VNET.SubnetName': (t) =>
    of(t, VNET).flatMap((n) => ((n.properties.subnets ?? []) as { name: string }[]).map((s) => outcome(`${n.name}/${s.name}`, length(s.name, 1, 80, /^[A-Za-z0-9]((-|\.)*\w){0,79}$/), s.name))),
  'Azure.VNET.UseNSGs': (t) =>
    of(t, VNET).flatMap((n) =>
      ((n.properties.subnets ?? []) as { name: string; properties: Obj }[])
        .filter((s) => !['GatewaySubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet', 'RouteServerSubnet'].includes(s.name))
        .map((s) => outcome(`${n.name}/${s.name}`, hasValue(field(s.properties, 'networkSecurityGroup.id')), 'no network security group')),
    ),
  'Azure.NSG.AnyInboundSource': perResource(NSG, (n) => {
    const any = nsgRules(n, 'Inbound').filter((r) => r.properties.access === 'Allow' && r.properties.sourceAddressPrefix === '*');
    return [any.length === 0, `inbound allow from any: ${any.map((r) => r.name)}`];
  }),
  'Azure.NSG.DenyAllInbound': perResource(NSG, (n) => {
    const inbound = nsgRules(n, 'Inbound');
    const denyAll = inbound.filter((r) => r.properties.access === 'Deny' && r.properties.sourceAddressPrefix === '*');
    return [denyAll.length === 0 || denyAll[0]!.name !== inbound[0]!.name, `first inbound rule ${inbound[0]?.name} denies everything`];
  }),
  'Azure.NSG.LateralTraversal': perResource(NSG, (n) => {
    const rdp = outbound(n, 3389);
    const ssh = outbound(n, 22);
    return [!(rdp !== 'Deny' && ssh !== 'Deny'), `outbound to the virtual network: RDP ${rdp}, SSH ${ssh}`];
  }),
  'Azure.NSG.Name': perResource(NSG, (n) => [length(n.name, 1, 80, /^[a-z0-9]([a-z0-9_.-]{0,78}[a-z0-9_])?$/), n.name]),
  'Azure.PublicIP.AvailabilityZone': (t) =>
    of(t, PIP)
      .filter((p) => ieq(p.sku?.name, 'Standard') && field(p.tags, 'resource-usage') !== 'azure-bastion')
      .map((p) => {
        if (!zonal(t)) return outcome(p.name, true, 'region without zones');
        const zones = (p.zones ?? []) as string[];
        return outcome(p.name, zones.length > 0 && zones.every((z) => ['1', '2', '3'].includes(z)), `zones ${JSON.stringify(zones)} in ${t.location}`);
      }),
  'Azure.PublicIP.MigrateStandard': perResource(PIP, (p) => [ieq(p.sku?.name, 'Standard'), `SKU ${String(p.sku?.name)}`]),
  'Azure.PublicIP.Name': perResource(PIP, (p) => [length(p.name, 1, 80, /^[A-Za-z0-9]((-|\.)*\w){0,79}$/), p.name]),
  'Azure.PublicIP.StandardSKU': perResource(PIP, (p) => [ieq(p.sku?.name, 'Standard'), `SKU ${String(p.sku?.name)}`]),
  'Azure.Firewall.Name': perResource(FIREWALL, (f) => [length(f.name, 1, 80, /^[a-z0-9]([a-z0-9_.-]{0,78}[a-z0-9_])?$/), f.name]),
  'Azure.Firewall.PolicyName': perResource(FIREWALL_POLICY, (p) => [length(p.name, 1, 80, /^[a-z0-9]([a-z0-9_.-]{0,78}[a-z0-9_])?$/), p.name]),
  // Selector Azure.Firewall.IsBasePolicy: policies without a base policy.
  'Azure.Firewall.PolicyMode': (t) =>
    of(t, FIREWALL_POLICY)
      .filter((p) => !hasValue(field(p.properties, 'basePolicy.id')))
      .map((p) => outcome(p.name, ieq(p.properties.threatIntelMode, 'Deny'), `threat intelligence ${String(p.properties.threatIntelMode)}`)),
  'Azure.Firewall.AvailabilityZones': perResource(FIREWALL, (f, t) => {
    if (!zonal(t)) return [true, 'region without zones'];
    const zones = (f.zones ?? []) as string[];
    return [zones.length >= 2, `zones ${JSON.stringify(zones)} in ${t.location}`];
  }),
  'Azure.Route.Name': perResource(ROUTE_TABLE, (r) => [length(r.name, 1, 80, /^[a-z0-9]([a-z0-9_.-]{0,78}[a-z0-9_])?$/), r.name]),
  'Azure.PrivateEndpoint.Name': perResource('Microsoft.Network/privateEndpoints', (p) => [length(p.name, 2, 64, /^[a-z0-9][a-z0-9_.-]{0,62}[a-z0-9_]$/), p.name]),
  'Azure.Bastion.Name': perResource('Microsoft.Network/bastionHosts', (b) => [length(b.name, 1, 80, /^[A-Za-z0-9]$|^([A-Za-z0-9][\w.-]{0,78}[\w])$/), b.name]),

  // --- Monitoring, identities, Dev Center ---
  'Azure.Log.Name': perResource('Microsoft.OperationalInsights/workspaces', (w) => [length(w.name, 4, 63, /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/), w.name]),
  'Azure.Log.Replication': (t) =>
    of(t, 'Microsoft.OperationalInsights/workspaces')
      .filter((w) => !hasValue(field(w.properties, 'features.clusterResourceId')))
      .map((w) => outcome(w.name, field(w.properties, 'replication.enabled') === true && hasValue(field(w.properties, 'replication.location')), 'workspace replication off')),
  'Azure.Identity.UserAssignedName': perResource('Microsoft.ManagedIdentity/userAssignedIdentities', (i) => [length(i.name, 3, 128, /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,127}$/), i.name]),
  'Azure.DevBox.ProjectLimit': perResource('Microsoft.DevCenter/projects', (p) => [hasValue(p.properties.maxDevBoxesPerUser), 'no maxDevBoxesPerUser']),

  // --- Virtual machine scale sets ---
  'Azure.VMSS.AMA': perResource(VMSS, (s) => {
    const extensions = ((field(s.properties, 'virtualMachineProfile.extensionProfile.extensions') ?? []) as { properties: Obj }[]).map((e) => e.properties);
    const ama = extensions.filter((e) => e.publisher === 'Microsoft.Azure.Monitor' || isIn(e.type, ['AzureMonitorWindowsAgent', 'AzureMonitorLinuxAgent']));
    return [ama.length >= 1, 'no Azure Monitor Agent extension'];
  }),
  'Azure.VMSS.AutoInstanceRepairs': perResource(VMSS, (s) => [field(s.properties, 'automaticRepairsPolicy.enabled') === true, 'automatic repairs off']),
  'Azure.VMSS.AvailabilityZone': perResource(VMSS, (s, t) => {
    if (!zonal(t)) return [true, 'region without zones'];
    const zones = (s.zones ?? []) as string[];
    return [zones.length >= 2, `zones ${JSON.stringify(zones)} in ${t.location}`];
  }),
  'Azure.VMSS.ComputerName': perResource(VMSS, (s) => {
    const prefix = String(field(s.properties, 'virtualMachineProfile.osProfile.computerNamePrefix') ?? '');
    const windows = field(s.properties, 'virtualMachineProfile.osProfile.windowsConfiguration') !== undefined;
    return [windows ? length(prefix, 1, 15, /^[A-Za-z0-9-]{0,14}[A-Za-z-][A-Za-z0-9-]{0,14}$/) : length(prefix, 1, 64, /^[A-Za-z0-9]([A-Za-z0-9-.]){0,63}$/), prefix];
  }),
  'Azure.VMSS.Name': perResource(VMSS, (s) => [length(s.name, 1, 64, /^[A-Za-z0-9]((-|\.)*\w){0,79}$/), s.name]),
  'Azure.VMSS.PublicIPAttached': perResource(VMSS, (s) => {
    const configs = ((field(s.properties, 'virtualMachineProfile.networkProfile.networkInterfaceConfigurations') ?? []) as { properties: { ipConfigurations: { properties: Obj }[] } }[]).flatMap((n) => n.properties.ipConfigurations);
    return [configs.every((c) => !hasValue(c.properties.publicIPAddressConfiguration)), 'public IP on the instances'];
  }),
  'Azure.VMSS.PublicKey': perResource(VMSS, (s) => {
    const linux = field(s.properties, 'virtualMachineProfile.osProfile.linuxConfiguration');
    return [linux === undefined || field(linux, 'disablePasswordAuthentication') === true, 'password authentication allowed'];
  }),
  'Azure.VMSS.ScriptExtensions': perResource(VMSS, (s) => {
    const commands = ((field(s.properties, 'virtualMachineProfile.extensionProfile.extensions') ?? []) as { properties: Obj }[]).map((e) => String(field(e.properties, 'settings.commandToExecute') ?? ''));
    return [commands.every((c) => !/SecretReference/.test(c)), 'a command references a secret']; 
  }),
  'Azure.VMSS.ZoneBalance': perResource(VMSS, (s, t) => [!zonal(t) || s.properties.zoneBalance === undefined || s.properties.zoneBalance === false, 'strict zone balance']),

  // --- Every resource, deployments and templates ---
  'Azure.Resource.AllowedRegions': (t) => {
    const allowed = option<string[]>(t, 'AZURE_RESOURCE_ALLOWED_LOCATIONS');
    return t.resources
      .filter((r) => r.type !== 'Microsoft.Resources/deployments' && hasValue(r.location) && r.location !== 'global')
      .map((r) => outcome(r.name, allowed.length === 0 || allowed.includes(String(r.location)), `location ${String(r.location)}`));
  },
  'Azure.Resource.UseTags': (t) =>
    t.resources.filter((r) => supportsTags(r.type)).map((r) => outcome(`${r.type} ${r.name}`, !!r.tags && typeof r.tags === 'object' && Object.keys(r.tags).length > 0, 'no tags')),
  'Azure.Deployment.AdminUsername': (t) => {
    const properties = option<string[]>(t, 'AZURE_DEPLOYMENT_SENSITIVE_PROPERTY_NAMES');
    return deployments(t).flatMap(({ name, template }) =>
      rawResources(template)
        .filter((r) => r.type !== 'Microsoft.Resources/deployments')
        .flatMap((r) => properties.flatMap((p) => valuesOfKey(r, p)))
        .map((v) => outcome(name, isExpression(v), `literal admin user name ${JSON.stringify(v)}`)),
    );
  },
  'Azure.Deployment.Name': (t) =>
    of(t, 'Microsoft.Resources/deployments').map((d) => outcome(d.name, /^[A-Za-z0-9-._()]{1,64}$/.test(d.name), `deployment name ${d.name}`)),
  'Azure.Deployment.OuterSecret': (t) =>
    of(t, 'Microsoft.Resources/deployments').map((d) => outcome(d.name, field(d.raw.properties, 'expressionEvaluationOptions.scope') === 'inner', 'outer-scope nested deployment')),
  'Azure.Deployment.OutputSecretValue': (t) =>
    deployments(t).flatMap(({ name, template }) => {
      const secure = Object.entries(template.parameters ?? {}).filter(([, p]) => isIn((p as Obj).type, ['secureString', 'secureObject'])).map(([n]) => n);
      return Object.entries((template.outputs ?? {}) as Record<string, { type?: string; value?: unknown }>).map(([output, o]) =>
        outcome(
          `${name} ${output}`,
          !isIn(o.type, ['secureString', 'secureObject']) && !strings(o.value).some((s) => /\blist\w*\(/i.test(s) || secure.some((p) => s.includes(`parameters('${p}')`))),
          'output returns a secret',
        ),
      );
    }),
  'Azure.Deployment.SecretLeak': (t) =>
    deployments(t).map(({ name, template }) => {
      const secure = Object.entries(template.parameters ?? {}).filter(([, p]) => isIn((p as Obj).type, ['secureString', 'secureObject'])).map(([n]) => n);
      const leaks = rawResources(template)
        .filter((r) => r.type === 'Microsoft.Resources/deployments')
        .flatMap((r) => strings((r.properties as Obj).parameters))
        .filter((s) => /\blist\w*\(/i.test(s) || secure.some((p) => s.includes(`parameters('${p}')`)));
      return outcome(name, leaks.length === 0, `sensitive values passed on: ${leaks.join(', ')}`);
    }),
  'Azure.Deployment.SecureParameter': (t) => {
    const allowed = option<string[]>(t, 'AZURE_DEPLOYMENT_NONSENSITIVE_PARAMETER_NAMES');
    return deployments(t).map(({ name, template }) => {
      const sensitive = Object.entries((template.parameters ?? {}) as Record<string, { type?: string }>).filter(
        ([p, d]) => SECURE_NAME_PATTERNS.some((re) => re.test(p)) && p !== 'customerManagedKey' && !NOT_SENSITIVE_NAMES.some((re) => re.test(p)) && !allowed.includes(p) && d.type !== undefined && !isIn(d.type, ['bool', 'int']),
      );
      const plain = sensitive.filter(([, d]) => !isIn(d.type, ['secureString', 'secureObject']));
      return outcome(name, plain.length === 0, `sensitive parameters that are not secure: ${plain.map(([p, d]) => `${p} (${d.type})`)}`);
    });
  },
  'Azure.Deployment.SecureValue': (t) =>
    t.resources
      .filter((r) => SECRET_PROPERTIES[r.type.toLowerCase()])
      .flatMap((r) =>
        SECRET_PROPERTIES[r.type.toLowerCase()]!.map((path) => {
          const value = field({ properties: r.raw.properties }, path);
          return outcome(`${r.name} ${path}`, value === undefined || (typeof value === 'string' && /parameters\('[^']+'\)/.test(value)), `${path} is set`);
        }),
      ),
  'Azure.Template.ExpressionLength': (t) =>
    deployments(t).map(({ name, template }) => {
      const long = strings(template).filter((s) => isExpression(s) && s.length > 24_576);
      return outcome(name, long.length === 0, `${long.length} expressions longer than 24,576 characters`);
    }),
  'Azure.Template.ParameterStrongType': (t) =>
    deployments(t).map(({ name, template }) => {
      const strong = Object.entries((template.parameters ?? {}) as Record<string, { metadata?: Obj }>).filter(([, p]) => p.metadata?.strongType !== undefined);
      return outcome(name, strong.length === 0, `parameters with a strong type: ${strong.map(([p]) => p)}`);
    }),
};

// ---------------------------------------------------------------------------------------------------
// The generated ps-rule.yaml.

function readOptions(text: string): PsRuleOptions {
  const doc = parseDocument(text, { strict: true, uniqueKeys: true });
  expect([...doc.errors, ...doc.warnings]).toEqual([]);
  const js = doc.toJS() as {
    suppression?: Record<string, { targetName: string[] }>;
    rule?: { exclude?: string[] };
    configuration?: Record<string, unknown>;
    baseline?: { group?: Record<string, string> };
  };
  return {
    doc,
    suppressed: new Map(Object.entries(js.suppression ?? {}).map(([rule, s]) => [rule, new Set(s.targetName)])),
    excluded: new Set(js.rule?.exclude ?? []),
    configuration: js.configuration ?? {},
    baselineGroup: js.baseline?.group ?? {},
  };
}

/** The comment directly above a key of a mapping (or an item of a sequence) in ps-rule.yaml. */
function commentAbove(doc: Document, path: (string | number)[]): string {
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path.at(-1)!;
  // The comment above the first entry of a block belongs to the block itself.
  if (isMap(parent)) {
    const index = parent.items.findIndex((p) => isScalar(p.key) && p.key.value === last);
    const key = parent.items[index]?.key;
    return (isScalar(key) ? key.commentBefore : undefined) ?? (index === 0 ? parent.commentBefore : undefined) ?? '';
  }
  if (isSeq(parent)) {
    const item = parent.items[last as number];
    return (isScalar(item) ? item.commentBefore : undefined) ?? (last === 0 ? parent.commentBefore : undefined) ?? '';
  }
  return '';
}

// ---------------------------------------------------------------------------------------------------

const bicepPath = toolOrSkip('bicep');


describe.skipIf(!bicepPath)(`PSRule for Azure ${baseline}, re-expressed on the compiled ARM JSON`, () => {
  const names = Object.keys(SETS) as SetName[];
  const trees = {} as Record<SetName, Tree>;

  beforeAll(async () => {
    const built = await twoAtATime(
      names.map((name) => async (): Promise<Tree> => {
        const rendered = await renderRepository(SETS[name] as AnswerInput);
        const compiled = await compileInfra(rendered.files);
        expect(compiled.diagnostics.filter((d) => d.level === 'Error')).toEqual([]);
        const resources = armResources(compiled.template, { parameters: compiled.parameters }).filter((r) => r.condition !== false);
        return {
          name,
          rendered,
          template: compiled.template,
          resources,
          psrule: readOptions(rendered.files.get('ps-rule.yaml')!),
          location: String(compiled.parameters.location),
        };
      }),
    );
    names.forEach((name, i) => (trees[name] = built[i]!));
  }, 300_000);

  /** The outcomes of a rule on a tree that count: not excluded, not suppressed for the target. */
  const unsuppressedFailures = (id: string, t: Tree) =>
    t.psrule.excluded.has(id) ? [] : CHECKS[id]!(t).filter((o) => !o.pass && !t.psrule.suppressed.get(id)?.has(o.target));

  test('every rule of RULES has a check here, and nothing else does; no rule is both evaluated and not', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(RULES.map((r) => r.id).sort());
    const evaluated = new Set(RULES.map((r) => r.id));
    for (const r of NOT_EVALUATED) expect(evaluated.has(r.id), r.id).toBe(false);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    // The zone rules bite: every answer set deploys to a region that has availability zones.
    for (const name of names) expect(zonal(trees[name]), `${name}: ${trees[name].location}`).toBe(true);
  });

  describe.each(RULES.map((r) => [r.id, r.checks] as const))('%s', (id, checks) => {
    test(`${checks}: passes on every answer set, or ps-rule.yaml says why not`, () => {
      const failures = names.flatMap((name) => unsuppressedFailures(id, trees[name]).map((o) => `${name}: ${o.target}: ${o.reason}`));
      expect(failures).toEqual([]);
      // The rule has something to evaluate in at least one answer set.
      expect(names.reduce((n, name) => n + CHECKS[id]!(trees[name]).length, 0), `${id} evaluated nothing`).toBeGreaterThan(0);
    });
  });

  describe('suppressions and exclusions: each one needed, justified, and its reason true', () => {
    test.each(names)('%s: every suppressed target is a resource that fails the rule without the suppression', (name) => {
      const t = trees[name];
      expect(t.psrule.suppressed.size).toBeGreaterThan(0);
      for (const [rule, targets] of t.psrule.suppressed) {
        expect(CHECKS[rule], `${rule} is a rule of RULES`).toBeDefined();
        const failing = new Set(CHECKS[rule]!(t).filter((o) => !o.pass).map((o) => o.target));
        for (const target of targets) expect(failing.has(target), `${rule} ${target}`).toBe(true);
      }
    });

    test.each(names)('%s: every exclusion is a rule that cannot apply (the cluster is private), and fails if not excluded', (name) => {
      const t = trees[name];
      expect([...t.psrule.excluded]).toEqual(EXCLUSIONS.map((e) => e.rule));
      for (const cluster of of(t, AKS)) expect(field(cluster.properties, 'apiServerAccessProfile.enablePrivateCluster')).toBe(true);
      for (const rule of t.psrule.excluded) expect(CHECKS[rule]!(t).every((o) => !o.pass), rule).toBe(true);
    });

    test.each(names)('%s: every exclusion, suppression and rule configuration carries its reason as a comment', (name) => {
      const { doc, suppressed, excluded } = trees[name].psrule;
      for (const rule of suppressed.keys()) expect(commentAbove(doc, ['suppression', rule]).trim().length, rule).toBeGreaterThan(40);
      [...excluded].forEach((rule, i) => expect(commentAbove(doc, ['rule', 'exclude', i]).trim().length, rule).toBeGreaterThan(40));
      for (const c of CONFIGURATION) expect(commentAbove(doc, ['configuration', c.option]).trim()).toMatch(new RegExp(`^${c.rules[0]!.replaceAll('.', '\\.')}`));
    });

    test('answer-driven suppressions appear exactly when an answer asks for them', () => {
      for (const name of names) {
        const { answers, ctx } = trees[name].rendered;
        const s = trees[name].psrule.suppressed;
        expect(s.has('Azure.AKS.MinNodeCount'), name).toBe(answers.systemNodeCount < 3);
        expect(s.has('Azure.AKS.MinUserPoolNodes'), name).toBe(answers.userNodeMinCount < 3);
        expect(s.has('Azure.AKS.AvailabilityZone'), name).toBe(answers.availabilityZones.length === 0);
        expect(s.has('Azure.PublicIP.AvailabilityZone'), name).toBe(answers.availabilityZones.length === 0);
        expect(s.has('Azure.VMSS.AvailabilityZone'), name).toBe(answers.agentPool === 'vmss' && answers.availabilityZones.length < 2);
        expect(s.has('Azure.NSG.LateralTraversal'), name).toBe(answers.bastion);
        expect(s.has('Azure.Firewall.AvailabilityZones'), name).toBe(answers.egress === 'firewall' && answers.availabilityZones.length < 2);
        expect(s.get('Azure.NSG.LateralTraversal') ?? new Set(), name).toEqual(new Set(answers.bastion ? [ctx.infra.names.networkSecurityGroups.bastion] : []));
      }
      // The matrix takes every branch: some set suppresses each of these, some set does not.
      for (const rule of ['Azure.AKS.MinNodeCount', 'Azure.AKS.MinUserPoolNodes', 'Azure.AKS.AvailabilityZone', 'Azure.PublicIP.AvailabilityZone', 'Azure.VMSS.AvailabilityZone', 'Azure.VMSS.AMA', 'Azure.Firewall.AvailabilityZones']) {
        const verdicts = new Set(names.map((name) => trees[name].psrule.suppressed.has(rule)));
        expect([...verdicts].sort(), rule).toEqual([false, true]);
      }
    });

    test('design suppressions: the reason each gives holds on the compiled template', () => {
      for (const name of names) {
        const t = trees[name];
        const { names: n } = t.rendered.ctx;
        // Azure.AKS.NetworkPolicy: network policies are on, enforced by Cilium.
        const cluster = of(t, AKS)[0]!;
        expect(field(cluster.properties, 'networkProfile')).toMatchObject({ networkPolicy: 'cilium', networkDataplane: 'cilium', networkPlugin: 'azure' });
        // Azure.NSG.LateralTraversal: only Azure Bastion's own NSG allows SSH and RDP out, and it sits on AzureBastionSubnet.
        const allowing = of(t, NSG).filter((g) => !CHECKS['Azure.NSG.LateralTraversal']!(t).find((o) => o.target === g.name)!.pass);
        const vnet = of(t, VNET)[0]!;
        const bastionSubnet = ((vnet.properties.subnets ?? []) as { name: string; properties: { networkSecurityGroup: { id: string } } }[]).find((s) => s.name === 'AzureBastionSubnet');
        expect(allowing.map((g) => g.id)).toEqual(bastionSubnet ? [bastionSubnet.properties.networkSecurityGroup.id] : []);
        // Azure.VMSS.AMA and AutoInstanceRepairs: the scale set is an Azure DevOps elastic pool's (starts empty, manual upgrades, no extensions).
        for (const set of of(t, VMSS)) {
          expect(set.name).toBe(n.agentScaleSet);
          expect(set.sku?.capacity).toBe(0);
          expect(set.properties).toMatchObject({ overprovision: false, upgradePolicy: { mode: 'Manual' } });
          expect(field(set.properties, 'virtualMachineProfile.extensionProfile')).toBeUndefined();
        }
        // Azure.Log.Replication: one workspace, in the deployment's region.
        expect(of(t, 'Microsoft.OperationalInsights/workspaces').map((w) => w.name)).toEqual([n.logAnalytics]);
        // The PlatformLogs configuration: the control plane's four platform log categories are all collected.
        const platform = diagnostics(t, cluster).flatMap(logsOf).filter((l) => l.enabled).map((l) => l.category);
        expect(platform).toEqual(expect.arrayContaining(CONFIGURATION[0]!.value as string[]));
      }
    });
  });

  describe('the rules bite: what Microsoft\'s AKS baseline is known to fail, fails here', () => {
    const mutated = (name: SetName, type: string, change: (r: ArmResource) => void): Tree => {
      const t = trees[name];
      const resources = structuredClone(t.resources.map((r) => ({ ...r, raw: {} }))) as ArmResource[];
      for (const r of resources) if (r.type.toLowerCase() === type.toLowerCase()) change(r);
      return { ...t, resources };
    };
    const fails = (id: string, t: Tree) => CHECKS[id]!(t).some((o) => !o.pass);

    test('upgrade channel none fails Azure.AKS.AutoUpgrade (and Azure.AKS.Version on an old version)', () => {
      const t = mutated('defaults', AKS, (c) => {
        (c.properties.autoUpgradeProfile as Obj).upgradeChannel = 'none';
        c.properties.kubernetesVersion = '1.30.0';
      });
      expect(fails('Azure.AKS.AutoUpgrade', trees.defaults)).toBe(false);
      expect(fails('Azure.AKS.AutoUpgrade', t)).toBe(true);
      expect(fails('Azure.AKS.Version', t)).toBe(true);
    });

    test('maxPods 30 fails Azure.AKS.NodeMinPods', () => {
      const t = mutated('defaults', AKS, (c) => pools(c).forEach((p) => (p.maxPods = 30)));
      expect(fails('Azure.AKS.NodeMinPods', t)).toBe(true);
    });

    test('threat intelligence in alert mode fails Azure.Firewall.PolicyMode; a one-zone firewall fails Azure.Firewall.AvailabilityZones', () => {
      const alert = mutated('defaults', FIREWALL_POLICY, (p) => (p.properties.threatIntelMode = 'Alert'));
      expect(fails('Azure.Firewall.PolicyMode', trees.defaults)).toBe(false);
      expect(fails('Azure.Firewall.PolicyMode', alert)).toBe(true);
      const oneZone = mutated('defaults', FIREWALL, (f) => (f.zones = ['1']));
      expect(fails('Azure.Firewall.AvailabilityZones', trees.defaults)).toBe(false);
      expect(fails('Azure.Firewall.AvailabilityZones', oneZone)).toBe(true);
    });

    test('a key vault without purge protection fails Azure.KeyVault.PurgeProtect', () => {
      const t = mutated('defaults', KV, (v) => (v.properties.enablePurgeProtection = false));
      expect(fails('Azure.KeyVault.PurgeProtect', t)).toBe(true);
    });

    test('kube-audit instead of kube-audit-admin fails Azure.AKS.AuditAdmin; no maintenance configuration fails Azure.AKS.MaintenanceWindow', () => {
      const audit = mutated('defaults', 'Microsoft.Insights/diagnosticSettings', (d) => logsOf(d).forEach((l) => l.category === 'kube-audit-admin' && (l.category = 'kube-audit')));
      expect(fails('Azure.AKS.AuditAdmin', audit)).toBe(true);
      const t = trees.defaults;
      const noWindow = { ...t, resources: t.resources.filter((r) => !/maintenanceConfigurations$/i.test(r.type)) };
      expect(fails('Azure.AKS.MaintenanceWindow', noWindow)).toBe(true);
    });

    test('a subnet with default outbound access or without an NSG fails Azure.VNET.PrivateSubnet and Azure.VNET.UseNSGs; an exportable registry fails Azure.ACR.ExportPolicy', () => {
      const t = mutated('defaults', VNET, (n) => {
        const subnet = (n.properties.subnets as { properties: Obj }[])[0]!;
        subnet.properties.defaultOutboundAccess = true;
        delete subnet.properties.networkSecurityGroup;
      });
      expect(fails('Azure.VNET.PrivateSubnet', t)).toBe(true);
      expect(fails('Azure.VNET.UseNSGs', t)).toBe(true);
      const acr = mutated('defaults', ACR, (r) => ((r.properties.policies as Obj).exportPolicy = { status: 'enabled' }));
      expect(fails('Azure.ACR.ExportPolicy', acr)).toBe(true);
    });

    test('what the generator had to fix: a NAT or firewall public IP without zones, a dev center project without a dev box limit, a private endpoint name with capitals', () => {
      const firewallIp = trees.defaults.rendered.ctx.names.firewallPublicIp;
      const pip = mutated('defaults', PIP, (p) => p.name === firewallIp && delete p.zones);
      expect(CHECKS['Azure.PublicIP.AvailabilityZone']!(pip).filter((o) => !o.pass).map((o) => o.target)).toEqual([firewallIp]);
      const natIp = trees.premiumBastionAdminsThreeWorkloads.rendered.ctx.names.natPublicIp;
      const natPip = mutated('premiumBastionAdminsThreeWorkloads', PIP, (p) => p.name === natIp && delete p.zones);
      expect(CHECKS['Azure.PublicIP.AvailabilityZone']!(natPip).filter((o) => !o.pass).map((o) => o.target)).toEqual([natIp]);
      const project = mutated('defaults', 'Microsoft.DevCenter/projects', (p) => delete p.properties.maxDevBoxesPerUser);
      expect(fails('Azure.DevBox.ProjectLimit', project)).toBe(true);
      const endpoint = mutated('costSavingNoZones', 'Microsoft.Network/privateEndpoints', (p) => (p.name = `pe-${trees.costSavingNoZones.rendered.answers.keyVaultName}`));
      expect(fails('Azure.PrivateEndpoint.Name', endpoint)).toBe(true);
      expect(of(trees.costSavingNoZones, 'Microsoft.Network/privateEndpoints').map((p) => p.name)).toContain('pe-kv-contoso-dev9');
    });
  });
});
