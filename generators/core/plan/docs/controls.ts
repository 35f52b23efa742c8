// The security controls table of the generated README: each control, the files and properties that
// enforce it (with the concrete checks the tests run against the compiled and rendered output), and how
// to verify it on a live cluster.
import type { CoreContext } from '../context-core.ts';
import type { WorkloadContext } from '../workload.ts';
import { CUSTOM_ROLES, ROLES, type RoleKey } from '../roles.ts';
import { CLIENT_ID_ANNOTATION, WORKLOAD_CLIENT_ID_PATCH } from '../k8s.ts';

type Context = CoreContext;

/** What a property must hold. */
export type Expected = { equals: unknown } | { includes: unknown } | { absent: true };

/**
 * One place that enforces a control, checked by the tests:
 *   bicep: the compiled ARM JSON of infra/main.bicep; the resources of `resourceType` that the module in
 *          `file` deploys (main.bicep itself for infra/main.bicep), narrowed to one role when `role` is set;
 *   k8s:   the object `kind` `name` (in `namespace`) of the manifest `file`, and the same object in every
 *          overlay that `kubectl kustomize` renders;
 *   yaml:  the YAML document `file` (the pipeline).
 * `path` is a property path: `a.b`, `a[*].b` (every element), `a[2]`, `a[name=x]` (the element whose
 * `name` is x), `a["key.with/dots"]`.
 */
export type Check =
  | { kind: 'bicep'; file: string; resourceType: string; role?: string; path: string; expected: Expected }
  | { kind: 'k8s'; file: string; objectKind: string; name: string; namespace?: string; path: string; expected: Expected }
  | { kind: 'yaml'; file: string; path: string; expected: Expected };

/** One row of the table's "enforced by" column: as the README shows it, and the concrete checks behind it. */
export interface Enforcement {
  /** Repository-relative file; `<workload>` or `<namespace>` stands for each one. */
  file: string;
  /** The property path as the README shows it. */
  property: string;
  /** The value as the README shows it. */
  value: string;
  checks: Check[];
}

export interface SecurityControl {
  id: string;
  control: string;
  enforcedBy: Enforcement[];
  /** Commands to run against the live environment, with what they should show. */
  verify: { command: string; expect: string }[];
}

function show(expected: Expected): string {
  if ('absent' in expected) return '(not set)';
  const value = 'equals' in expected ? expected.equals : expected.includes;
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return 'includes' in expected ? `includes ${text}` : text;
}

function bicepRow(file: string, resourceType: string, path: string, expected: Expected, role?: RoleKey): Enforcement {
  return {
    file,
    property: `${resourceType.split('/').at(-1)}${role ? ` (${ROLES[role].name})` : ''} ${path}`,
    value: show(expected),
    checks: [{ kind: 'bicep', file, resourceType, path, expected, ...(role ? { role: ROLES[role].id } : {}) }],
  };
}

/** A manifest property of every workload (or every namespace): one README line, one check per instance. */
function k8sRow(
  pattern: string,
  objectKind: string,
  path: string,
  expected: Expected,
  instances: { file: string; name: string; namespace?: string }[],
): Enforcement {
  return {
    file: pattern,
    property: `${objectKind} ${path}`,
    value: show(expected),
    checks: instances.map((i) => ({ kind: 'k8s' as const, objectKind, path, expected, ...i })),
  };
}

const workloadFile = (w: WorkloadContext, file: string) => `k8s/base/workloads/${w.name}/${file}`;

export function securityControls(ctx: Context): SecurityControl[] {
  const { names, answers, workloads } = ctx;
  const rg = names.resourceGroup;
  const aks = 'infra/modules/aks.bicep';
  const cluster = 'Microsoft.ContainerService/managedClusters';
  const show = `az aks show --resource-group ${rg} --name ${names.cluster}`;
  // A cluster-only repository (no workloads) shows the commands with placeholders.
  const first = workloads[0];
  const sample = {
    serviceAccount: first?.names.serviceAccount ?? '<workload>',
    namespace: first?.namespace ?? '<namespace>',
    identity: first?.names.identity ?? `id-<workload>-${answers.environment}`,
    subject: first ? `system:serviceaccount:${first.namespace}:${first.names.serviceAccount}` : 'system:serviceaccount:<namespace>:<workload>',
  };
  const withSecrets = workloads.filter((w) => w.hasSecrets);
  const deployments = (file: string) => workloads.map((w) => ({ file: workloadFile(w, file), name: w.name, namespace: w.namespace }));
  const namespaces = ctx.k8s.namespaces;

  const controls: SecurityControl[] = [
    {
      id: 'entra-rbac',
      control: 'Microsoft Entra ID sign-in with Azure RBAC for Kubernetes; local accounts disabled',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.disableLocalAccounts', { equals: true }),
        bicepRow(aks, cluster, 'properties.aadProfile.managed', { equals: true }),
        bicepRow(aks, cluster, 'properties.aadProfile.enableAzureRBAC', { equals: true }),
        bicepRow(aks, 'Microsoft.Authorization/roleAssignments', 'properties.principalType', { equals: 'Group' }, 'aksRbacClusterAdmin'),
      ],
      verify: [
        { command: `${show} --query "{localAccountsDisabled: disableLocalAccounts, azureRbac: aadProfile.enableAzureRbac}"`, expect: 'both true' },
        { command: `az aks get-credentials --resource-group ${rg} --name ${names.cluster} --admin`, expect: 'fails: local accounts are disabled' },
        { command: 'kubectl auth can-i "*" "*" --all-namespaces', expect: 'yes for members of the admin groups, no for anyone else' },
      ],
    },
    {
      id: 'private-cluster',
      control: 'Private API server: no public endpoint, no run command',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.apiServerAccessProfile.enablePrivateCluster', { equals: true }),
        bicepRow(aks, cluster, 'properties.apiServerAccessProfile.enablePrivateClusterPublicFQDN', { equals: false }),
        bicepRow(aks, cluster, 'properties.apiServerAccessProfile.disableRunCommand', { equals: true }),
      ],
      verify: [
        { command: `${show} --query "{private: apiServerAccessProfile.enablePrivateCluster, publicFqdn: fqdn, privateFqdn: privateFqdn}"`, expect: 'private true, no public FQDN' },
      ],
    },
  ];

  if (answers.bastion) {
    controls.push({
      id: 'bastion',
      control: 'Operators reach the API server only through Azure Bastion (native client tunnel, Entra ID sign-in)',
      enforcedBy: [
        bicepRow('infra/modules/bastion.bicep', 'Microsoft.Network/bastionHosts', 'properties.enableTunneling', { equals: true }),
        bicepRow('infra/modules/bastion.bicep', 'Microsoft.Network/bastionHosts', 'properties.enableShareableLink', { equals: false }),
        bicepRow('infra/modules/bastion.bicep', 'Microsoft.Network/bastionHosts', 'properties.enableIpConnect', { equals: false }),
      ],
      verify: [
        { command: `az network bastion show --resource-group ${rg} --name ${names.bastion} --query "{tunneling: enableTunneling, shareableLink: enableShareableLink}"`, expect: 'tunneling true, shareableLink false' },
        { command: 'bash scripts/connect.sh', expect: 'a tunnel, then kubectl auth whoami shows your Entra ID user' },
      ],
    });
  }

  controls.push(
    {
      id: 'workload-identity',
      control: 'Workload identity: each workload signs in as its own managed identity, with no secret',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.securityProfile.workloadIdentity.enabled', { equals: true }),
        bicepRow(aks, cluster, 'properties.oidcIssuerProfile.enabled', { equals: true }),
        bicepRow('infra/modules/workload-identity.bicep', 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'properties.audiences', { equals: ['api://AzureADTokenExchange'] }),
        k8sRow('k8s/base/workloads/<workload>/deployment.yaml', 'Deployment', 'spec.template.metadata.labels["azure.workload.identity/use"]', { equals: 'true' }, deployments('deployment.yaml')),
        k8sRow('k8s/base/workloads/<workload>/service-account.yaml', 'ServiceAccount', 'automountServiceAccountToken', { equals: false }, deployments('service-account.yaml')),
        ...(workloads.length > 0 ? [clientIdAnnotation(ctx)] : []),
      ],
      verify: [
        { command: `${show} --query "securityProfile.workloadIdentity.enabled"`, expect: 'true' },
        { command: `az identity federated-credential list --resource-group ${rg} --identity-name ${sample.identity} --query "[].subject"`, expect: `["${sample.subject}"]` },
        {
          command: `kubectl get serviceaccount ${sample.serviceAccount} --namespace ${sample.namespace} --output jsonpath='{.metadata.annotations.azure\\.workload\\.identity/client-id}'`,
          expect: `the client ID of ${sample.identity} (az identity show --resource-group ${rg} --name ${sample.identity} --query clientId --output tsv)`,
        },
      ],
    },
    {
      id: 'key-vault-csi',
      control: 'Key Vault secrets mounted by the Secrets Store CSI driver with rotation, never copied into Kubernetes Secrets',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.addonProfiles.azureKeyvaultSecretsProvider.enabled', { equals: true }),
        bicepRow(aks, cluster, 'properties.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation', { equals: 'true' }),
        bicepRow(aks, cluster, 'properties.addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval', { equals: '2m' }),
        ...(withSecrets.length > 0
          ? [
              k8sRow('k8s/base/workloads/<workload>/secret-provider-class.yaml', 'SecretProviderClass', 'spec.secretObjects', { absent: true },
                withSecrets.map((w) => ({ file: workloadFile(w, 'secret-provider-class.yaml'), name: w.names.secretProviderClass, namespace: w.namespace }))),
              k8sRow('k8s/base/workloads/<workload>/deployment.yaml', 'Deployment', 'spec.template.spec.volumes[name=secrets-store].csi.readOnly', { equals: true },
                withSecrets.map((w) => ({ file: workloadFile(w, 'deployment.yaml'), name: w.name, namespace: w.namespace }))),
            ]
          : []),
      ],
      verify: [
        { command: `${show} --query "addonProfiles.azureKeyvaultSecretsProvider.config"`, expect: 'enableSecretRotation "true", rotationPollInterval "2m"' },
        { command: 'kubectl get secretproviderclasspodstatuses --all-namespaces', expect: 'one entry per mounted pod, no Kubernetes Secret created' },
      ],
    },
    dataAtRestControl(ctx),
    {
      id: 'key-vault',
      control: 'Key Vault: Azure RBAC only, private endpoint only, purge protection',
      enforcedBy: [
        bicepRow('infra/modules/key-vault.bicep', 'Microsoft.KeyVault/vaults', 'properties.enableRbacAuthorization', { equals: true }),
        bicepRow('infra/modules/key-vault.bicep', 'Microsoft.KeyVault/vaults', 'properties.publicNetworkAccess', { equals: 'Disabled' }),
        bicepRow('infra/modules/key-vault.bicep', 'Microsoft.KeyVault/vaults', 'properties.networkAcls.defaultAction', { equals: 'Deny' }),
        bicepRow('infra/modules/key-vault.bicep', 'Microsoft.KeyVault/vaults', 'properties.enablePurgeProtection', { equals: true }),
      ],
      verify: [
        { command: `az keyvault show --name ${names.keyVault} --query "{rbac: properties.enableRbacAuthorization, publicAccess: properties.publicNetworkAccess, purgeProtection: properties.enablePurgeProtection}"`, expect: 'true, "Disabled", true' },
      ],
    },
    {
      id: 'registry',
      control: 'Private container registry: private endpoint only, no admin user, no anonymous pull, no export',
      enforcedBy: [
        bicepRow('infra/modules/registry.bicep', 'Microsoft.ContainerRegistry/registries', 'properties.publicNetworkAccess', { equals: 'Disabled' }),
        bicepRow('infra/modules/registry.bicep', 'Microsoft.ContainerRegistry/registries', 'properties.adminUserEnabled', { equals: false }),
        bicepRow('infra/modules/registry.bicep', 'Microsoft.ContainerRegistry/registries', 'properties.anonymousPullEnabled', { equals: false }),
        bicepRow('infra/modules/registry.bicep', 'Microsoft.ContainerRegistry/registries', 'properties.policies.exportPolicy.status', { equals: 'disabled' }),
        bicepRow(aks, 'Microsoft.Authorization/roleAssignments', 'properties.principalType', { equals: 'ServicePrincipal' }, 'acrPull'),
      ],
      verify: [
        { command: `az acr show --name ${names.registry} --query "{publicAccess: publicNetworkAccess, adminUser: adminUserEnabled, anonymousPull: anonymousPullEnabled}"`, expect: '"Disabled", false, false' },
      ],
    },
    agentsControl(ctx),
    {
      id: 'pipeline-identity',
      control: 'The pipeline deploys as a managed identity through workload identity federation, with least privilege',
      enforcedBy: [
        bicepRow('infra/modules/pipeline-identity.bicep', 'Microsoft.Authorization/roleAssignments', 'properties.conditionVersion', { equals: '2.0' }, 'roleBasedAccessControlAdministrator'),
        bicepRow('infra/modules/pipeline-identity.bicep', 'Microsoft.Authorization/roleAssignments', 'properties.principalType', { equals: 'ServicePrincipal' }, 'aksRbacAdmin'),
        bicepRow('infra/modules/pipeline-identity.bicep', 'Microsoft.Authorization/roleDefinitions', 'properties.permissions[0].dataActions', { equals: [...CUSTOM_ROLES.aksNamespaceDeployer.dataActions] }),
      ],
      verify: [
        { command: `az role assignment list --all --assignee $(az identity show --resource-group ${rg} --name ${names.pipelineIdentity} --query principalId --output tsv) --output table`, expect: `Contributor and the conditional RBAC administrator on the resource group, AcrPush, Cluster User, RBAC Admin per workload namespace, ${CUSTOM_ROLES.aksNamespaceDeployer.name} on the cluster` },
        { command: `kubectl auth can-i create deployments --namespace ${sample.namespace}`, expect: 'yes in the pipeline\'s Deploy job; no for kube-system' },
        { command: `kubectl auth can-i create secretproviderclasses.secrets-store.csi.x-k8s.io --namespace ${sample.namespace}`, expect: 'yes in the pipeline\'s Deploy job; no for kube-system' },
      ],
    },
    {
      id: 'network',
      control: `Network: a network security group on every subnet${answers.egress === 'firewall' ? ' (but AzureFirewallSubnet, which takes none)' : ''}, no default outbound access`,
      enforcedBy: [
        bicepRow('infra/modules/network.bicep', 'Microsoft.Network/virtualNetworks', 'properties.subnets[*].properties.defaultOutboundAccess', { equals: false }),
        ...ctx.network.withNsg.map((s) => bicepRow('infra/modules/network.bicep', 'Microsoft.Network/virtualNetworks', `properties.subnets[name=${s.name}].properties.networkSecurityGroup.id`, { includes: ctx.infra.names.networkSecurityGroups[s.key] })),
      ],
      verify: [
        { command: `az network vnet subnet list --resource-group ${rg} --vnet-name ${names.virtualNetwork} --query "[].{subnet: name, nsg: networkSecurityGroup.id, defaultOutbound: defaultOutboundAccess}" --output table`, expect: 'every subnet has an NSG; defaultOutbound False' },
      ],
    },
    egressControl(ctx),
    ingressControl(ctx),
    {
      id: 'network-policy',
      control: 'Kubernetes network policies (Cilium): every namespace denies all traffic by default',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.networkProfile.networkPolicy', { equals: 'cilium' }),
        k8sRow('k8s/base/namespaces/<namespace>/network-policy-default-deny.yaml', 'NetworkPolicy', 'spec.policyTypes', { equals: ['Ingress', 'Egress'] },
          namespaces.map((ns) => ({ file: `k8s/base/namespaces/${ns}/network-policy-default-deny.yaml`, name: 'default-deny', namespace: ns }))),
        k8sRow('k8s/base/namespaces/<namespace>/network-policy-default-deny.yaml', 'NetworkPolicy', 'spec.podSelector', { equals: {} },
          namespaces.map((ns) => ({ file: `k8s/base/namespaces/${ns}/network-policy-default-deny.yaml`, name: 'default-deny', namespace: ns }))),
      ],
      verify: [
        { command: 'kubectl get networkpolicies --all-namespaces', expect: `default-deny in ${namespaces.length > 0 ? namespaces.join(', ') : 'every workload namespace'}, plus one policy per workload` },
      ],
    },
    {
      id: 'pod-security',
      control: 'Pod Security "restricted" enforced; non-root, read-only root filesystem, no capabilities',
      enforcedBy: [
        k8sRow('k8s/base/namespaces/<namespace>/namespace.yaml', 'Namespace', 'metadata.labels["pod-security.kubernetes.io/enforce"]', { equals: 'restricted' },
          namespaces.map((ns) => ({ file: `k8s/base/namespaces/${ns}/namespace.yaml`, name: ns }))),
        k8sRow('k8s/base/workloads/<workload>/deployment.yaml', 'Deployment', 'spec.template.spec.containers[*].securityContext.readOnlyRootFilesystem', { equals: true }, deployments('deployment.yaml')),
        k8sRow('k8s/base/workloads/<workload>/deployment.yaml', 'Deployment', 'spec.template.spec.containers[*].securityContext.allowPrivilegeEscalation', { equals: false }, deployments('deployment.yaml')),
        k8sRow('k8s/base/workloads/<workload>/deployment.yaml', 'Deployment', 'spec.template.spec.containers[*].securityContext.capabilities.drop', { equals: ['ALL'] }, deployments('deployment.yaml')),
        k8sRow('k8s/base/workloads/<workload>/deployment.yaml', 'Deployment', 'spec.template.spec.securityContext.runAsNonRoot', { equals: true }, deployments('deployment.yaml')),
      ],
      verify: [
        { command: `kubectl run psa-check --namespace ${sample.namespace} --image=busybox --privileged --dry-run=server`, expect: 'rejected: violates PodSecurity "restricted"' },
      ],
    },
    {
      id: 'nodes',
      control: 'Nodes: no SSH access, no public IPs, Azure Linux on ephemeral OS disks, automatic security upgrades',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.agentPoolProfiles[*].securityProfile.sshAccess', { equals: 'Disabled' }),
        bicepRow(aks, cluster, 'properties.agentPoolProfiles[*].enableNodePublicIP', { equals: false }),
        bicepRow(aks, cluster, 'properties.agentPoolProfiles[*].osSKU', { equals: 'AzureLinux' }),
        bicepRow(aks, cluster, 'properties.autoUpgradeProfile.nodeOSUpgradeChannel', { equals: 'NodeImage' }),
        bicepRow(aks, cluster, 'properties.autoUpgradeProfile.upgradeChannel', { equals: 'stable' }),
      ],
      verify: [
        { command: `az aks nodepool list --resource-group ${rg} --cluster-name ${names.cluster} --query "[].{pool: name, ssh: securityProfile.sshAccess, publicIp: enableNodePublicIp}" --output table`, expect: 'Disabled, False for every pool' },
        { command: `${show} --query autoUpgradeProfile`, expect: 'upgradeChannel stable, nodeOsUpgradeChannel NodeImage' },
      ],
    },
    {
      id: 'governance',
      control: 'Azure Policy, Microsoft Defender for Containers, audit logs; Log Analytics accepts Entra ID sign-in only',
      enforcedBy: [
        bicepRow(aks, cluster, 'properties.addonProfiles.azurepolicy.enabled', { equals: true }),
        bicepRow(aks, cluster, 'properties.securityProfile.defender.securityMonitoring.enabled', { equals: true }),
        bicepRow(aks, 'Microsoft.Insights/diagnosticSettings', 'properties.logs[category=kube-audit-admin].enabled', { equals: true }),
        bicepRow(aks, 'Microsoft.Insights/diagnosticSettings', 'properties.logs[category=guard].enabled', { equals: true }),
        bicepRow('infra/modules/monitoring.bicep', 'Microsoft.OperationalInsights/workspaces', 'properties.features.disableLocalAuth', { equals: true }),
      ],
      verify: [
        { command: `az monitor diagnostic-settings list --resource $(${show} --query id --output tsv) --query "[].logs[?enabled].category"`, expect: 'includes kube-audit-admin and guard' },
        { command: 'kubectl get constrainttemplates', expect: 'the Azure Policy templates (gatekeeper)' },
      ],
    },
    {
      id: 'images',
      control: 'Images come from the private registry, tagged with the build ID, never latest',
      enforcedBy: [
        {
          file: ctx.paths.pipeline,
          property: 'variables[name=imageTag].value',
          value: "'$(Build.BuildId)'",
          checks: [{ kind: 'yaml', file: ctx.paths.pipeline, path: 'variables[name=imageTag].value', expected: { equals: '$(Build.BuildId)' } }],
        },
      ],
      verify: [
        { command: 'kubectl get deployments --all-namespaces --output jsonpath="{..image}"', expect: `${names.registry}.azurecr.io/<workload>:<build ID> only` },
      ],
    },
  );
  // A manifest row of a repository without workloads has nothing to point at: it is left out, and so
  // is a control left without rows.
  return controls
    .map((control) => ({ ...control, enforcedBy: control.enforcedBy.filter((e) => e.checks.length > 0) }))
    .filter((control) => control.enforcedBy.length > 0);
}

function dataAtRestControl(ctx: Context): SecurityControl {
  const { names, answers } = ctx;
  const rg = names.resourceGroup;
  const aks = 'infra/modules/aks.bicep';
  const cluster = 'Microsoft.ContainerService/managedClusters';
  const show = `az aks show --resource-group ${rg} --name ${names.cluster}`;
  return {
    id: 'data-at-rest',
    control: `Data at rest: Kubernetes secrets in etcd encrypted with a key in the private key vault (KMS, rotated every ${ctx.infra.kms.rotateAfterDays} days); node disks encrypted at the host`,
    enforcedBy: [
      bicepRow(aks, cluster, 'properties.securityProfile.azureKeyVaultKms.enabled', { equals: true }),
      bicepRow(aks, cluster, 'properties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess', { equals: 'Private' }),
      bicepRow(aks, cluster, 'properties.apiServerAccessProfile.enableVnetIntegration', { equals: true }),
      bicepRow(aks, 'Microsoft.Authorization/roleAssignments', 'properties.principalType', { equals: 'ServicePrincipal' }, 'keyVaultCryptoUser'),
      bicepRow('infra/modules/key-vault.bicep', 'Microsoft.KeyVault/vaults/keys', 'properties.rotationPolicy.lifetimeActions[0].action.type', { equals: 'rotate' }),
      bicepRow(aks, cluster, 'properties.agentPoolProfiles[*].enableEncryptionAtHost', { equals: true }),
      ...(answers.agentPool === 'vmss'
        ? [bicepRow('infra/modules/agent-scale-set.bicep', 'Microsoft.Compute/virtualMachineScaleSets', 'properties.virtualMachineProfile.securityProfile.encryptionAtHost', { equals: true })]
        : []),
    ],
    verify: [
      { command: `${show} --query "{kms: securityProfile.azureKeyVaultKms, vnetIntegration: apiServerAccessProfile.enableVnetIntegration}"`, expect: `enabled true, keyVaultNetworkAccess "Private", keyId …/keys/${names.kmsKey}/<version>; vnetIntegration true` },
      { command: `az aks nodepool list --resource-group ${rg} --cluster-name ${names.cluster} --query "[].{pool: name, encryptionAtHost: enableEncryptionAtHost}" --output table`, expect: 'True for every pool' },
      { command: `az feature show --namespace Microsoft.Compute --name EncryptionAtHost --query properties.state`, expect: '"Registered"' },
    ],
  };
}

function egressControl(ctx: Context): SecurityControl {
  const { names, answers } = ctx;
  const rg = names.resourceGroup;
  const aks = 'infra/modules/aks.bicep';
  const cluster = 'Microsoft.ContainerService/managedClusters';
  const network = 'infra/modules/network.bicep';
  const vnet = 'Microsoft.Network/virtualNetworks';
  const egressSubnets = [names.subnets.nodes, names.subnets.agents];
  if (answers.egress === 'natGateway') {
    return {
      id: 'egress',
      control: 'Egress of the nodes and agents through the NAT gateway (egress: natGateway): any destination, no default outbound access',
      enforcedBy: [
        ...egressSubnets.map((s) => bicepRow(network, vnet, `properties.subnets[name=${s}].properties.natGateway.id`, { includes: names.natGateway })),
        bicepRow(aks, cluster, 'properties.networkProfile.outboundType', { equals: 'userAssignedNATGateway' }),
      ],
      verify: [
        { command: `az network vnet subnet list --resource-group ${rg} --vnet-name ${names.virtualNetwork} --query "[].{subnet: name, nat: natGateway.id}" --output table`, expect: `${egressSubnets.join(' and ')} use ${names.natGateway}` },
      ],
    };
  }
  const firewall = 'infra/modules/firewall.bicep';
  const policy = 'Microsoft.Network/firewallPolicies';
  return {
    id: 'egress',
    control: 'Egress of the nodes and agents only through Azure Firewall Standard: only the destinations of infra/egress-allowlist.json, threat intelligence denies known-malicious ones, every decision logged',
    enforcedBy: [
      bicepRow(network, 'Microsoft.Network/routeTables', 'properties.routes[0].properties.nextHopType', { equals: 'VirtualAppliance' }),
      bicepRow(network, 'Microsoft.Network/routeTables', 'properties.routes[0].properties.nextHopIpAddress', { equals: ctx.network.firewallIp }),
      ...egressSubnets.map((s) => bicepRow(network, vnet, `properties.subnets[name=${s}].properties.routeTable.id`, { includes: names.egressRouteTable })),
      bicepRow(aks, cluster, 'properties.networkProfile.outboundType', { equals: 'userDefinedRouting' }),
      bicepRow(firewall, 'Microsoft.Network/azureFirewalls', 'properties.sku.tier', { equals: 'Standard' }),
      bicepRow(firewall, policy, 'properties.threatIntelMode', { equals: 'Deny' }),
      bicepRow(firewall, `${policy}/ruleCollectionGroups`, 'properties.ruleCollections[name=aks-nodes].rules[name=aks-required].fqdnTags', { includes: 'AzureKubernetesService' }),
      bicepRow(firewall, 'Microsoft.Insights/diagnosticSettings', 'properties.logs[category=AzureFirewallApplicationRule].enabled', { equals: true }),
    ],
    verify: [
      { command: `az network firewall policy show --resource-group ${rg} --name ${names.firewallPolicy} --query "{tier: sku.tier, threatIntel: threatIntelMode}"`, expect: '"Standard", "Deny"' },
      { command: `az network route-table show --resource-group ${rg} --name ${names.egressRouteTable} --query "{routes: routes[].{prefix: addressPrefix, hop: nextHopIpAddress}, subnets: subnets[].id}"`, expect: `0.0.0.0/0 to ${ctx.network.firewallIp}, on ${egressSubnets.join(' and ')}` },
      { command: 'curl --silent --max-time 10 https://example.com (in a pipeline job on the agents)', expect: 'fails: no rule allows it; AzureDiagnostics shows "Action: Deny. Reason: No rule matched"' },
      { command: `az monitor log-analytics query --workspace $(az monitor log-analytics workspace show --resource-group ${rg} --workspace-name ${names.logAnalytics} --query customerId --output tsv) --analytics-query "AzureDiagnostics | where Category == 'AzureFirewallApplicationRule' | take 20"`, expect: 'the firewall\'s allow and deny decisions' },
    ],
  };
}

function ingressControl(ctx: Context): SecurityControl {
  const { names, answers, workloads } = ctx;
  const aks = 'infra/modules/aks.bicep';
  const cluster = 'Microsoft.ContainerService/managedClusters';
  const gateway = ctx.k8s.gateway;
  const gw = gateway.spec;
  const gatewayFile = 'k8s/base/gateway/gateway.yaml';
  const redirectFile = 'k8s/base/gateway/http-redirect.yaml';
  const exposed = workloads.filter((w) => w.exposed);
  const sample = exposed[0];
  const host = sample?.host ?? `<workload>.${answers.privateDnsZone}`;
  const instances = (file: string, kind: 'gateway' | 'redirect') =>
    gateway.enabled ? [{ file, name: kind === 'gateway' ? gw.name : gw.redirectRoute, namespace: gw.namespace }] : [];
  return {
    id: 'private-ingress',
    control: `Private HTTPS ingress only: the application routing add-on's Gateway API gateway on an internal load balancer (${ctx.network.ingressGatewayIp}), TLS from a Key Vault certificate, HTTP redirected to HTTPS, each exposed workload reachable only from the gateway's pods`,
    enforcedBy: [
      bicepRow(aks, cluster, 'properties.ingressProfile.gatewayAPI.installation', { equals: 'Standard' }),
      bicepRow(aks, cluster, 'properties.ingressProfile.webAppRouting.gatewayAPIImplementations.appRoutingIstio.mode', { equals: 'Enabled' }),
      bicepRow(aks, cluster, 'properties.ingressProfile.webAppRouting.nginx.defaultIngressControllerType', { equals: 'None' }),
      k8sRow(gatewayFile, 'Gateway', `spec.infrastructure.annotations["${gw.loadBalancerAnnotations.internal}"]`, { equals: 'true' }, instances(gatewayFile, 'gateway')),
      k8sRow(gatewayFile, 'Gateway', `spec.listeners[name=${gw.listeners.https}].tls.options["${gw.tlsOptions.keyVaultUri}"]`, { equals: gateway.certificateUri }, instances(gatewayFile, 'gateway')),
      k8sRow(redirectFile, 'HTTPRoute', 'spec.rules[0].filters[0].requestRedirect.scheme', { equals: 'https' }, instances(redirectFile, 'redirect')),
      k8sRow('k8s/base/workloads/<workload>/network-policy.yaml', 'NetworkPolicy', `spec.ingress[0].from[1].podSelector.matchLabels["${gw.podLabel}"]`, { equals: gw.name },
        exposed.map((w) => ({ file: workloadFile(w, 'network-policy.yaml'), name: w.name, namespace: w.namespace }))),
      ...(gateway.enabled
        ? [bicepRow('infra/modules/ingress.bicep', 'Microsoft.Network/privateDnsZones/A', 'properties.aRecords[0].ipv4Address', { equals: ctx.network.ingressGatewayIp })]
        : []),
    ],
    verify: [
      { command: `kubectl get gateway ${gw.name} --namespace ${gw.namespace} --output jsonpath="{.status.addresses[0].value}"`, expect: `${ctx.network.ingressGatewayIp} (a private address; the Service has no public IP)` },
      { command: `curl --silent --head http://${host}/ (from inside ${names.virtualNetwork})`, expect: `301 to https://${host}/` },
      { command: `curl --silent https://${host}/healthz (from inside ${names.virtualNetwork}, trusting your CA)`, expect: `ok, with the certificate ${gw.certificateName} from ${names.keyVault}` },
      { command: `kubectl get secret ${gateway.syncedSecret} --namespace ${gw.namespace} --output jsonpath="{.type}"`, expect: 'kubernetes.io/tls, synced by the application routing operator from Key Vault' },
    ],
  };
}

function agentsControl(ctx: Context): SecurityControl {
  const { names } = ctx;
  const rg = names.resourceGroup;
  if (ctx.answers.agentPool === 'managedDevOpsPool') {
    const file = 'infra/modules/agent-pool.bicep';
    const type = 'Microsoft.DevOpsInfrastructure/pools';
    return {
      id: 'agents',
      control: 'Self-hosted agents inside the virtual network run every job; a fresh agent per job',
      enforcedBy: [
        bicepRow('infra/modules/network.bicep', 'Microsoft.Network/virtualNetworks', `properties.subnets[name=${names.subnets.agents}].properties.delegations[0].properties.serviceName`, { equals: 'Microsoft.DevOpsInfrastructure/pools' }),
        bicepRow(file, type, 'properties.agentProfile.kind', { equals: 'Stateless' }),
        { file: ctx.paths.pipeline, property: 'stages[*].parameters.agentPool', value: `'${names.agentPool}'`, checks: [{ kind: 'yaml', file: ctx.paths.pipeline, path: 'stages[*].parameters.agentPool', expected: { equals: names.agentPool } }] },
      ],
      verify: [
        { command: `az resource show --resource-group ${rg} --name ${names.agentPool} --resource-type ${type} --query properties.fabricProfile.networkProfile.subnetId`, expect: `…/subnets/${names.subnets.agents}` },
      ],
    };
  }
  const file = 'infra/modules/agent-scale-set.bicep';
  const type = 'Microsoft.Compute/virtualMachineScaleSets';
  return {
    id: 'agents',
    control: 'Self-hosted agents inside the virtual network run every job; no public IPs, SSH keys only, Trusted Launch',
    enforcedBy: [
      bicepRow(file, type, 'properties.virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication', { equals: true }),
      bicepRow(file, type, 'properties.virtualMachineProfile.securityProfile.securityType', { equals: 'TrustedLaunch' }),
      bicepRow(file, type, 'properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[*].properties.ipConfigurations[*].properties.publicIPAddressConfiguration', { absent: true }),
      { file: ctx.paths.pipeline, property: 'stages[*].parameters.agentPool', value: `'${names.agentPool}'`, checks: [{ kind: 'yaml', file: ctx.paths.pipeline, path: 'stages[*].parameters.agentPool', expected: { equals: names.agentPool } }] },
    ],
    verify: [
      { command: `az vmss show --resource-group ${rg} --name ${names.agentScaleSet} --query "virtualMachineProfile.networkProfile.networkInterfaceConfigurations[].ipConfigurations[].subnet.id"`, expect: `…/subnets/${names.subnets.agents}` },
    ],
  };
}

/**
 * Which managed identity a pod signs in as is the ServiceAccount's `azure.workload.identity/client-id`
 * annotation. The base carries a placeholder; each workload's overlay folder patches it with the
 * deployment output workloadClientIds.<workload> (client-id.yaml, scripts/write-deploy-values.sh), and a
 * kustomize replacement copies that value into the SecretProviderClass's clientID.
 */
function clientIdAnnotation(ctx: Context): Enforcement {
  const overlay = (w: string) => `k8s/overlays/${ctx.answers.environment}/workloads/${w}/kustomization.yaml`;
  const path = 'patches[0].path';
  const expected = { equals: WORKLOAD_CLIENT_ID_PATCH };
  return {
    file: overlay('<workload>'),
    property: `ServiceAccount ${CLIENT_ID_ANNOTATION} annotation, set by ${path}`,
    value: `${show(expected)} (the identity's client ID)`,
    checks: ctx.workloads.map((w) => ({ kind: 'yaml' as const, file: overlay(w.name), path, expected })),
  };
}
