// Policy as code: PSRule for Azure (the Well-Architected rule set for Bicep and ARM) on the emitted infra/.
//
// One place for everything the generated repository says about it:
//   - the pinned modules and the quarterly GA baseline (ps-rule.yaml, the Validate stage, the README);
//   - RULES: the rules of that baseline that PSRule evaluates on what infra/ deploys (the test suite
//     re-expresses each one on the compiled ARM JSON: test/psrule.rules.test.ts);
//   - NOT_EVALUATED: the baseline's rules for the same resource types that PSRule does not evaluate on
//     infrastructure as code, and why;
//   - the rule exclusions and the suppressions the generator writes into ps-rule.yaml, each with the reason
//     it carries as a comment. A suppression names its targets (resource names): it covers what this
//     repository deploys, not whatever its owners add later.
// Templates read these through `ctx.psrule`.
import type { Answers } from './model.ts';
import type { Names } from './naming.ts';
import { infraNames } from './infra.ts';

/** The quarterly baseline every run uses: rules released after it arrive only when it is bumped. */
export const baseline = 'Azure.GA_2026_03';

/** PowerShell modules, pinned: the rule module that ships the baseline and the engine it runs on. */
export const PSRULE_MODULES = [
  { name: 'PSRule', version: '2.9.0' },
  { name: 'PSRule.Rules.Azure', version: '1.48.0' },
] as const;

/** The options file at the repository root. */
export const OPTIONS_FILE = 'ps-rule.yaml';

/**
 * The name ps-rule.yaml gives the pinned baseline (`baseline.group`): runs pass `-Baseline '@pinned'`,
 * so bumping the baseline is a one-line change in ps-rule.yaml.
 */
export const BASELINE_GROUP = 'pinned';

/** Where the Validate stage writes the results it publishes (NUnit 3). */
export const RESULTS_FILE = 'reports/ps-rule-results.xml';

/** Seconds PSRule may spend compiling the parameter file with Bicep (its default of 5 is too short here). */
export const BICEP_TIMEOUT_SECONDS = 60;

/** The PowerShell that installs the pinned modules (CurrentUser scope: no administrator rights), one per module. */
export const installLines = PSRULE_MODULES.map((m) => `Install-Module -Name ${m.name} -RequiredVersion ${m.version} -Scope CurrentUser -Force`);
export const installCommand = installLines.join('; ');

/** The check itself, as the Validate stage runs it, from the repository root (PowerShell 7). */
export const localCommand = [
  `Import-Module -Name PSRule -RequiredVersion ${PSRULE_MODULES[0].version}`,
  `Assert-PSRule -Format File -InputPath . -Option ${OPTIONS_FILE} -Baseline '@${BASELINE_GROUP}'`,
].join('; ');

export type ResourceType = string;

/** A rule of the baseline that PSRule evaluates on what infra/ deploys. */
export interface BaselineRule {
  id: string;
  /** The resource types it is evaluated on. */
  types: readonly ResourceType[];
  /** What it checks, in one line. */
  checks: string;
}

/** The resource types the rules name (the tests that re-express the rules use the same). */
export const AKS = 'Microsoft.ContainerService/managedClusters';
export const ACR = 'Microsoft.ContainerRegistry/registries';
export const KV = 'Microsoft.KeyVault/vaults';
export const NSG = 'Microsoft.Network/networkSecurityGroups';
export const PIP = 'Microsoft.Network/publicIPAddresses';
export const VNET = 'Microsoft.Network/virtualNetworks';
export const VMSS = 'Microsoft.Compute/virtualMachineScaleSets';
const DEPLOYMENT = 'Microsoft.Resources/deployments';

const rule = (id: string, types: ResourceType | readonly ResourceType[], checks: string): BaselineRule => ({
  id,
  types: typeof types === 'string' ? [types] : types,
  checks,
});

/** The applicable rules of the baseline, grouped by service. The README cites this list. */
export const RULES: readonly BaselineRule[] = [
  rule('Azure.AKS.AuditAdmin', AKS, 'diagnostic settings collect kube-audit-admin, never kube-audit'),
  rule('Azure.AKS.AuditLogs', AKS, 'a diagnostic setting collects kube-audit-admin (or kube-audit) and guard'),
  rule('Azure.AKS.AuthorizedIPs', AKS, 'the public API server accepts only authorized IP ranges'),
  rule('Azure.AKS.AutoScaling', AKS, 'every scale-set node pool autoscales'),
  rule('Azure.AKS.AutoUpgrade', AKS, 'an automatic upgrade channel other than none'),
  rule('Azure.AKS.AvailabilityZone', AKS, 'every node pool spreads over availability zones in a region that has them'),
  rule('Azure.AKS.AzurePolicyAddOn', AKS, 'the Azure Policy add-on is enabled'),
  rule('Azure.AKS.AzureRBAC', AKS, 'Azure RBAC authorizes Kubernetes requests'),
  rule('Azure.AKS.ContainerInsights', AKS, 'Container insights (omsagent add-on) is enabled'),
  rule('Azure.AKS.DefenderProfile', AKS, 'the Microsoft Defender sensor is enabled'),
  rule('Azure.AKS.DNSPrefix', AKS, 'the DNS prefix has 1-54 alphanumerics and hyphens'),
  rule('Azure.AKS.EphemeralOSDisk', AKS, 'node pools use ephemeral OS disks'),
  rule('Azure.AKS.HttpAppRouting', AKS, 'the HTTP application routing add-on is off'),
  rule('Azure.AKS.LocalAccounts', AKS, 'local accounts are disabled'),
  rule('Azure.AKS.MaintenanceWindow', AKS, 'both aksManagedAutoUpgradeSchedule and aksManagedNodeOSUpgradeSchedule exist'),
  rule('Azure.AKS.ManagedAAD', AKS, 'AKS-managed Microsoft Entra ID integration'),
  rule('Azure.AKS.ManagedIdentity', AKS, 'the cluster uses a managed identity'),
  rule('Azure.AKS.MinNodeCount', AKS, 'system pools have at least 3 nodes (minCount)'),
  rule('Azure.AKS.MinUserPoolNodes', AKS, 'each user pool has at least 3 nodes (minCount)'),
  rule('Azure.AKS.Name', AKS, 'the cluster name has 1-63 alphanumerics, underscores and hyphens'),
  rule('Azure.AKS.NetworkPolicy', AKS, 'network policy azure or calico'),
  rule('Azure.AKS.NodeAutoUpgrade', AKS, 'node OS upgrade channel SecurityPatch or NodeImage'),
  rule('Azure.AKS.NodeMinPods', AKS, 'maxPods of at least 50 on every pool'),
  rule('Azure.AKS.PlatformLogs', AKS, 'a diagnostic setting collects cluster-autoscaler, kube-apiserver, kube-controller-manager, kube-scheduler and AllMetrics'),
  rule('Azure.AKS.PoolScaleSet', AKS, 'node pools are virtual machine scale sets'),
  rule('Azure.AKS.PoolVersion', AKS, 'node pools run the control plane version'),
  rule('Azure.AKS.SecretStore', AKS, 'the Key Vault secrets provider (Secrets Store CSI driver) is enabled'),
  rule('Azure.AKS.SecretStoreRotation', AKS, 'the secrets provider rotates secrets'),
  rule('Azure.AKS.StandardLB', AKS, 'Standard load balancer'),
  rule('Azure.AKS.UptimeSLA', AKS, 'Standard tier (financially backed uptime SLA)'),
  rule('Azure.AKS.UseRBAC', AKS, 'Kubernetes RBAC is enabled'),
  rule('Azure.AKS.Version', AKS, 'rapid or stable upgrade channel, or at least the configured minimum version'),

  rule('Azure.ACR.AdminUser', ACR, 'the admin user is disabled'),
  rule('Azure.ACR.AnonymousAccess', ACR, 'anonymous pull is disabled'),
  rule('Azure.ACR.ExportPolicy', ACR, 'export policy disabled, public network access disabled'),
  rule('Azure.ACR.Firewall', ACR, 'public network access disabled or default action Deny'),
  rule('Azure.ACR.MinSku', ACR, 'Standard or Premium SKU'),
  rule('Azure.ACR.Name', ACR, 'the name has 5-50 alphanumerics'),
  rule('Azure.ACR.ReplicaLocation', ACR, 'replicas only in allowed regions'),

  rule('Azure.KeyVault.AccessPolicy', KV, 'no access policy grants All or Purge'),
  rule('Azure.KeyVault.AutoRotationPolicy', KV, 'keys the template creates rotate automatically'),
  rule('Azure.KeyVault.Firewall', KV, 'networkAcls.defaultAction Deny'),
  rule('Azure.KeyVault.KeyName', KV, 'key names the template creates are valid'),
  rule('Azure.KeyVault.Logs', KV, 'a diagnostic setting collects AuditEvent (or the audit/allLogs group)'),
  rule('Azure.KeyVault.Name', KV, 'the name has 3-24 alphanumerics and hyphens, starting with a letter'),
  rule('Azure.KeyVault.PurgeProtect', KV, 'purge protection is on'),
  rule('Azure.KeyVault.RBAC', KV, 'Azure RBAC authorizes the data plane'),
  rule('Azure.KeyVault.SecretName', KV, 'secret names the template creates are valid'),
  rule('Azure.KeyVault.SoftDelete', KV, 'soft delete is on'),

  rule('Azure.VNET.Name', VNET, 'the name is 2-64 lowercase alphanumerics, underscores, periods and hyphens'),
  rule('Azure.VNET.PrivateSubnet', VNET, 'every subnet (but delegated and gateway/firewall/Bastion subnets) has defaultOutboundAccess false'),
  rule('Azure.VNET.SingleDNS', VNET, 'custom DNS servers, if any, are at least two'),
  rule('Azure.VNET.SubnetName', VNET, 'subnet names have 1-80 valid characters'),
  rule('Azure.VNET.UseNSGs', VNET, 'every subnet (but gateway, firewall and route server subnets) has a network security group'),
  rule('Azure.NSG.AnyInboundSource', NSG, 'no inbound allow rule from any source (*)'),
  rule('Azure.NSG.DenyAllInbound', NSG, 'the first inbound rule is not a deny of everything'),
  rule('Azure.NSG.LateralTraversal', NSG, 'outbound SSH or RDP to the virtual network is denied'),
  rule('Azure.NSG.Name', NSG, 'the name is 1-80 lowercase alphanumerics, underscores, periods and hyphens'),
  rule('Azure.PublicIP.AvailabilityZone', PIP, 'Standard public IPs are zonal or zone-redundant in a region with zones'),
  rule('Azure.PublicIP.MigrateStandard', PIP, 'Standard SKU'),
  rule('Azure.PublicIP.Name', PIP, 'the name has 1-80 valid characters'),
  rule('Azure.PublicIP.StandardSKU', PIP, 'Standard SKU'),
  rule('Azure.PrivateEndpoint.Name', 'Microsoft.Network/privateEndpoints', 'the name is 2-64 lowercase alphanumerics, underscores, periods and hyphens'),
  rule('Azure.Bastion.Name', 'Microsoft.Network/bastionHosts', 'the name has 1-80 valid characters'),

  rule('Azure.Log.Name', 'Microsoft.OperationalInsights/workspaces', 'the name is 4-63 lowercase alphanumerics and hyphens'),
  rule('Azure.Log.Replication', 'Microsoft.OperationalInsights/workspaces', 'workspace replication to a secondary region is enabled'),
  rule('Azure.Identity.UserAssignedName', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'the name has 3-128 valid characters'),
  rule('Azure.DevBox.ProjectLimit', 'Microsoft.DevCenter/projects', 'the project limits dev boxes per user (maxDevBoxesPerUser)'),

  rule('Azure.VMSS.AMA', VMSS, 'the Azure Monitor Agent extension is installed'),
  rule('Azure.VMSS.AutoInstanceRepairs', VMSS, 'automatic instance repairs are enabled'),
  rule('Azure.VMSS.AvailabilityZone', VMSS, 'at least two availability zones in a region that has them'),
  rule('Azure.VMSS.ComputerName', VMSS, 'the computer name prefix is valid'),
  rule('Azure.VMSS.Name', VMSS, 'the name has 1-64 valid characters'),
  rule('Azure.VMSS.PublicIPAttached', VMSS, 'no public IP address on the instances'),
  rule('Azure.VMSS.PublicKey', VMSS, 'Linux instances accept SSH keys only (password authentication disabled)'),
  rule('Azure.VMSS.ScriptExtensions', VMSS, 'no custom script command references a secret in plain settings'),
  rule('Azure.VMSS.ZoneBalance', VMSS, 'best-effort zone balance (zoneBalance not true)'),

  rule('Azure.Resource.AllowedRegions', '*', 'resources are deployed to allowed regions (AZURE_RESOURCE_ALLOWED_LOCATIONS)'),
  rule('Azure.Resource.UseTags', '*', 'every resource type that supports tags is tagged'),
  rule('Azure.Deployment.AdminUsername', DEPLOYMENT, 'admin user names are not literal values'),
  rule('Azure.Deployment.Name', DEPLOYMENT, 'nested deployment names have 1-64 valid characters'),
  rule('Azure.Deployment.OuterSecret', DEPLOYMENT, 'no outer-scope nested deployment uses secure parameters'),
  rule('Azure.Deployment.OutputSecretValue', DEPLOYMENT, 'no output returns a secure value'),
  rule('Azure.Deployment.SecretLeak', DEPLOYMENT, 'no sensitive value reaches a parameter that is not secure'),
  rule('Azure.Deployment.SecureParameter', DEPLOYMENT, 'parameters whose names say password, secret, token or key are secure'),
  rule('Azure.Deployment.SecureValue', DEPLOYMENT, 'secret resource properties are set from secure parameters'),
  rule('Azure.Template.ExpressionLength', DEPLOYMENT, 'no template expression exceeds 24,576 characters'),
  rule('Azure.Template.ParameterStrongType', DEPLOYMENT, 'parameters with a strong type get a value of that type'),
];

/** A rule of the baseline for a resource type infra/ deploys that PSRule does not evaluate on it. */
export interface NotEvaluated {
  id: string;
  reason: string;
}

const IN_FLIGHT = 'in-flight only: evaluated on resources exported from a subscription, not on Bicep';
const NAME_FORMAT = 'only when a name format is configured (AZURE_*_NAME_FORMAT); ps-rule.yaml sets none';

export const NOT_EVALUATED: readonly NotEvaluated[] = [
  { id: 'Azure.AKS.CNISubnetSize', reason: IN_FLIGHT },
  { id: 'Azure.AKS.Naming', reason: NAME_FORMAT },
  { id: 'Azure.AKS.SystemPoolNaming', reason: NAME_FORMAT },
  { id: 'Azure.AKS.UserPoolNaming', reason: NAME_FORMAT },
  { id: 'Azure.ACR.ContainerScan', reason: IN_FLIGHT },
  { id: 'Azure.ACR.GeoReplica', reason: IN_FLIGHT },
  { id: 'Azure.ACR.ImageHealth', reason: IN_FLIGHT },
  { id: 'Azure.ACR.Usage', reason: IN_FLIGHT },
  { id: 'Azure.ACR.Naming', reason: NAME_FORMAT },
  { id: 'Azure.NSG.Associated', reason: IN_FLIGHT },
  { id: 'Azure.NSG.AKSRules', reason: 'only on the network security groups AKS creates in the node resource group' },
  { id: 'Azure.NSG.Naming', reason: NAME_FORMAT },
  { id: 'Azure.PublicIP.IsAttached', reason: IN_FLIGHT },
  { id: 'Azure.PublicIP.DNSLabel', reason: 'only on public IPs with a DNS label; none has one' },
  { id: 'Azure.PublicIP.Naming', reason: NAME_FORMAT },
  { id: 'Azure.VNET.LocalDNS', reason: IN_FLIGHT },
  { id: 'Azure.VNET.BastionSubnet', reason: 'only on virtual networks with a GatewaySubnet; this one has none' },
  { id: 'Azure.VNET.FirewallSubnet', reason: 'only on virtual networks with a GatewaySubnet; this one has none' },
  { id: 'Azure.VNET.FirewallSubnetNAT', reason: 'only when AZURE_FIREWALL_IS_ZONAL is set; there is no Azure Firewall' },
  { id: 'Azure.VNET.PeerState', reason: 'only on virtual networks with peerings; this one has none' },
  { id: 'Azure.VNET.Naming', reason: NAME_FORMAT },
  { id: 'Azure.VNET.SubnetNaming', reason: NAME_FORMAT },
  { id: 'Azure.Log.ReplicaLocation', reason: 'only on workspaces with a replication location' },
  { id: 'Azure.Log.Naming', reason: NAME_FORMAT },
  { id: 'Azure.VMSS.MigrateAMA', reason: 'only on scale sets with the retired Log Analytics agent; none has it' },
  { id: 'Azure.Resource.RequiredTags', reason: 'only when AZURE_RESOURCE_REQUIRED_TAGS is set; ps-rule.yaml sets none' },
  { id: 'Azure.RBAC.UseRGDelegation', reason: IN_FLIGHT },
];

/** A rule configuration option ps-rule.yaml sets, away from the module's default. */
export interface RuleConfiguration {
  option: string;
  value: readonly string[];
  /** The rules it configures. */
  rules: readonly string[];
  /** The comment above it in ps-rule.yaml. */
  reason: string;
}

export const CONFIGURATION: readonly RuleConfiguration[] = [
  {
    option: 'AZURE_AKS_ENABLED_PLATFORM_LOG_CATEGORIES_LIST',
    value: ['cluster-autoscaler', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
    rules: ['Azure.AKS.PlatformLogs'],
    reason:
      "Azure.AKS.PlatformLogs: the control plane's platform log categories, which the cluster's diagnostic setting sends to Log Analytics. Not AllMetrics: Azure Monitor keeps the cluster's platform metrics without a diagnostic setting, and the generally available diagnostic settings API (2016-09-01) cannot name a metric category.",
  },
];

/** A rule ps-rule.yaml excludes: it cannot apply to anything this repository deploys. */
export interface Exclusion {
  rule: string;
  /** The comment above it in ps-rule.yaml. */
  reason: string;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    rule: 'Azure.AKS.AuthorizedIPs',
    reason:
      'The cluster is private (apiServerAccessProfile.enablePrivateCluster): its API server has no public endpoint to restrict, and AKS does not accept authorized IP ranges on a private cluster.',
  },
];

/** A suppression ps-rule.yaml carries: the rule does not pass for these resources, and why that is right. */
export interface Suppression {
  rule: string;
  /** Resource names (PSRule target names). */
  targets: string[];
  /** The comment above it in ps-rule.yaml. */
  reason: string;
  /** Why: an answer asked for it, or the design chose something the rule does not know. */
  cause: 'answer' | 'design';
}

export type SuppressionInput = Pick<Answers, 'name' | 'environment' | 'systemNodeCount' | 'userNodeMinCount' | 'availabilityZones' | 'bastion' | 'agentPool'>;

/** The suppressions for these answers, in the order ps-rule.yaml lists them. */
export function suppressions(answers: SuppressionInput, names: Names): Suppression[] {
  const nsgs = infraNames(names, answers).networkSecurityGroups;
  const zones = answers.availabilityZones;
  const vmss = answers.agentPool === 'vmss';
  const out: Suppression[] = [
    {
      rule: 'Azure.AKS.NetworkPolicy',
      targets: [names.cluster],
      cause: 'design',
      reason:
        'Network policies are enforced by Cilium (Azure CNI powered by Cilium: networkPolicy cilium, which its data plane requires). The rule only knows azure and calico; Azure Network Policy Manager is being retired.',
    },
    {
      rule: 'Azure.Log.Replication',
      targets: [names.logAnalytics],
      cause: 'design',
      reason:
        'Workspace replication copies the logs to a second region of your choice and needs the Container insights data collection rule to send through a data collection endpoint. This repository deploys one region; enable replication in infra/modules/monitoring.bicep when you choose a second one, then remove this suppression.',
    },
  ];
  if (answers.bastion) {
    out.push({
      rule: 'Azure.NSG.LateralTraversal',
      targets: [nsgs.bastion],
      cause: 'design',
      reason:
        'Azure Bastion requires its subnet to allow outbound SSH and RDP to the virtual network: that is the service. Every other network security group denies both.',
    });
  }
  if (answers.systemNodeCount < 3) {
    out.push({
      rule: 'Azure.AKS.MinNodeCount',
      targets: [names.cluster],
      cause: 'answer',
      reason: `systemNodeCount is ${answers.systemNodeCount}: the system pool keeps fewer than 3 nodes, so an upgrade or a node failure interrupts the cluster's critical add-ons. Answer 3 or more to remove this suppression.`,
    });
  }
  if (answers.userNodeMinCount < 3) {
    out.push({
      rule: 'Azure.AKS.MinUserPoolNodes',
      targets: [names.cluster],
      cause: 'answer',
      reason: `userNodeMinCount is ${answers.userNodeMinCount}: the user pool may scale down to fewer than 3 nodes. Answer 3 or more to remove this suppression.`,
    });
  }
  if (zones.length === 0) {
    const publicIps = [names.natPublicIp, ...(answers.bastion ? [names.bastionPublicIp] : [])];
    out.push(
      {
        rule: 'Azure.AKS.AvailabilityZone',
        targets: [names.cluster],
        cause: 'answer',
        reason: 'availabilityZones is empty: the node pools are not spread over availability zones (right for a region without zones).',
      },
      {
        rule: 'Azure.PublicIP.AvailabilityZone',
        targets: publicIps,
        cause: 'answer',
        reason: 'availabilityZones is empty: the public IP addresses are not zone-redundant (right for a region without zones).',
      },
    );
  }
  if (vmss) {
    if (zones.length < 2) {
      out.push({
        rule: 'Azure.VMSS.AvailabilityZone',
        targets: [names.agentScaleSet],
        cause: 'answer',
        reason: `availabilityZones lists ${zones.length === 0 ? 'no zone' : 'one zone'}: the agents' scale set does not spread over two or more zones.`,
      });
    }
    out.push(
      {
        rule: 'Azure.VMSS.AMA',
        targets: [names.agentScaleSet],
        cause: 'design',
        reason:
          'The scale set belongs to an Azure DevOps elastic pool: Azure DevOps installs its own agent extension and replaces each agent after one job. The job logs are kept in Azure DevOps; an Azure Monitor Agent on these short-lived machines would collect nothing worth keeping.',
      },
      {
        rule: 'Azure.VMSS.AutoInstanceRepairs',
        targets: [names.agentScaleSet],
        cause: 'design',
        reason:
          'Azure DevOps manages the instances of its elastic pool itself (it deletes unhealthy agents and creates new ones); automatic repairs would replace machines behind its back, and need a health probe the agents do not have.',
      },
    );
  }
  return out;
}

/** Words of `text` on lines of at most `width` characters, for YAML comments. */
export function commentLines(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

type Commented<T> = T & { comment: string[] };

export interface PsRuleContext {
  baseline: string;
  baselineGroup: string;
  modules: typeof PSRULE_MODULES;
  /** "PSRule 2.9.0 and PSRule.Rules.Azure 1.48.0" */
  modulesText: string;
  optionsFile: string;
  resultsFile: string;
  /** The files PSRule reads: the parameter files, which expand main.bicep with every module. */
  input: string;
  bicepTimeoutSeconds: number;
  configuration: Commented<RuleConfiguration>[];
  exclusions: Commented<Exclusion>[];
  suppressions: Commented<Suppression>[];
  installLines: readonly string[];
  installCommand: string;
  localCommand: string;
}

export function psruleContext(answers: SuppressionInput, names: Names): PsRuleContext {
  return {
    baseline,
    baselineGroup: BASELINE_GROUP,
    modules: PSRULE_MODULES,
    modulesText: PSRULE_MODULES.map((m) => `${m.name} ${m.version}`).join(' and '),
    optionsFile: OPTIONS_FILE,
    resultsFile: RESULTS_FILE,
    input: 'infra/*.bicepparam',
    bicepTimeoutSeconds: BICEP_TIMEOUT_SECONDS,
    configuration: CONFIGURATION.map((c) => ({ ...c, comment: commentLines(c.reason) })),
    exclusions: EXCLUSIONS.map((e) => ({ ...e, comment: commentLines(e.reason) })),
    suppressions: suppressions(answers, names).map((s) => ({ ...s, comment: commentLines(s.reason) })),
    installLines,
    installCommand,
    localCommand,
  };
}
