// The rule catalogue of the pinned PSRule for Azure baseline: the rules PSRule evaluates on what infra/
// deploys (RULES; test/psrule.rules.test.ts re-expresses each one on the compiled ARM JSON) and the
// baseline's rules for the same resource types that it does not evaluate on infrastructure as code
// (NOT_EVALUATED), with the reason. Data only: ps-rule.yaml's configuration lives in ../psrule.ts.

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
export const FIREWALL = 'Microsoft.Network/azureFirewalls';
export const FIREWALL_POLICY = 'Microsoft.Network/firewallPolicies';
export const ROUTE_TABLE = 'Microsoft.Network/routeTables';
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
  rule('Azure.Firewall.Name', FIREWALL, 'the name is 1-80 lowercase alphanumerics, underscores, periods and hyphens'),
  rule('Azure.Firewall.PolicyName', FIREWALL_POLICY, 'the name is 1-80 lowercase alphanumerics, underscores, periods and hyphens'),
  rule('Azure.Firewall.PolicyMode', FIREWALL_POLICY, 'threat intelligence denies high-confidence malicious addresses and domains (base policies)'),
  rule('Azure.Firewall.AvailabilityZones', FIREWALL, 'the firewall spans two or more availability zones in a region that has them'),
  rule('Azure.Route.Name', ROUTE_TABLE, 'the name is 1-80 lowercase alphanumerics, underscores, periods and hyphens'),
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
  { id: 'Azure.VNET.FirewallSubnetNAT', reason: 'only when AZURE_FIREWALL_IS_ZONAL is set; ps-rule.yaml sets none (the egress firewall has its own zone-redundant public IP)' },
  { id: 'Azure.Firewall.Mode', reason: 'only on firewalls configured with classic rules; the egress firewall is managed by a firewall policy, whose mode Azure.Firewall.PolicyMode checks' },
  { id: 'Azure.VNET.PeerState', reason: 'only on virtual networks with peerings; this one has none' },
  { id: 'Azure.VNET.Naming', reason: NAME_FORMAT },
  { id: 'Azure.VNET.SubnetNaming', reason: NAME_FORMAT },
  { id: 'Azure.Log.ReplicaLocation', reason: 'only on workspaces with a replication location' },
  { id: 'Azure.Log.Naming', reason: NAME_FORMAT },
  { id: 'Azure.VMSS.MigrateAMA', reason: 'only on scale sets with the retired Log Analytics agent; none has it' },
  { id: 'Azure.Resource.RequiredTags', reason: 'only when AZURE_RESOURCE_REQUIRED_TAGS is set; ps-rule.yaml sets none' },
  { id: 'Azure.RBAC.UseRGDelegation', reason: IN_FLIGHT },
];
