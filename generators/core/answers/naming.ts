// Resource names, following the Azure Cloud Adoption Framework abbreviations
// (rg, vnet, snet, nsg, ng, pip, afw, afwp, rt, aks, cr, kv, log, bas, id, pe, dcr, dc, vmss), and the list of every
// name the plan derives, per resource type, so that resolve.ts can check them over the whole plan.
//
// Identities. The platform's user-assigned identities are named `id-<role>-<name>-<environment>` with
// a role from PLATFORM_IDENTITY_ROLES (`aks`: the cluster's control plane, `pipeline`: the deployment
// pipeline, `gateway`: the ingress gateway's certificate reader); a workload's is `id-<workload>-<environment>`. The two sets are disjoint by construction:
// a workload name may not start with `<role>-` (resolve.ts refuses it), the environment has no hyphen,
// so `id-<workload>-<environment>` can never read `id-<role>-<anything>-<environment>`. That matters:
// two identities with one name are one identity (the workload module would PUT the pipeline's identity
// and federate the workload's service account with it, so its pods would sign in with the pipeline's
// rights). A new platform identity takes a new role here, which reserves its prefix at the same time;
// the uniqueness check over derivedNames() stays as a second guard.
import type { Answers, Workload } from './model.ts';
import { PLATFORM_IDENTITY_DESCRIPTIONS, PLATFORM_IDENTITY_ROLES } from './platform-identities.ts';

export { PLATFORM_IDENTITY_ROLES, RESERVED_WORKLOAD_PREFIXES } from './platform-identities.ts';

/** The namespace-wide NetworkPolicy of every workload namespace (k8s/base/namespaces/<namespace>/). */
export const NAMESPACE_POLICY_NAME = 'default-deny';

export interface Names {
  resourceGroup: string;
  nodeResourceGroup: string;
  virtualNetwork: string;
  subnets: { nodes: string; privateEndpoints: string; agents: string; bastion: string; ingress: string; apiServer: string; firewall: string };
  natGateway: string;
  natPublicIp: string;
  firewall: string;
  firewallPolicy: string;
  firewallPublicIp: string;
  /** Sends the nodes' and agents' internet-bound traffic to the firewall. */
  egressRouteTable: string;
  cluster: string;
  clusterIdentity: string;
  registry: string;
  keyVault: string;
  /** The key that encrypts Kubernetes secrets in etcd (KMS), in the private key vault. */
  kmsKey: string;
  logAnalytics: string;
  bastion: string;
  bastionPublicIp: string;
  pipelineIdentity: string;
  /** The private ingress gateway's identity: it reads the gateway's TLS certificate from Key Vault. */
  gatewayIdentity: string;
  /** Federated credential on the gateway identity that trusts the gateway namespace's service account. */
  gatewayFederatedCredential: string;
  /** Federated credential on the pipeline identity that trusts the Azure DevOps service connection. */
  pipelineFederatedCredential: string;
  devCenter: string;
  devCenterProject: string;
  agentPool: string;
  agentScaleSet: string;
  /** Name of the `az deployment group create` deployment whose outputs the pipeline reads. */
  deployment: string;
}

export function resourceNames(answers: Pick<Answers, 'name' | 'environment' | 'acrName' | 'keyVaultName' | 'agentPoolName'>): Names {
  const base = `${answers.name}-${answers.environment}`;
  return {
    resourceGroup: `rg-${base}`,
    nodeResourceGroup: `rg-${base}-aks-nodes`,
    virtualNetwork: `vnet-${base}`,
    subnets: {
      nodes: 'snet-aks-nodes',
      privateEndpoints: 'snet-private-endpoints',
      agents: 'snet-devops-agents',
      bastion: 'AzureBastionSubnet',
      ingress: 'snet-aks-ingress',
      apiServer: 'snet-aks-apiserver',
      firewall: 'AzureFirewallSubnet',
    },
    natGateway: `ng-${base}`,
    natPublicIp: `pip-ng-${base}`,
    firewall: `afw-${base}`,
    firewallPolicy: `afwp-${base}`,
    firewallPublicIp: `pip-afw-${base}`,
    egressRouteTable: `rt-${base}-egress`,
    cluster: `aks-${base}`,
    clusterIdentity: `id-${PLATFORM_IDENTITY_ROLES.clusterIdentity}-${base}`,
    registry: answers.acrName,
    keyVault: answers.keyVaultName,
    kmsKey: 'aks-etcd-kms',
    logAnalytics: `log-${base}`,
    bastion: `bas-${base}`,
    bastionPublicIp: `pip-bas-${base}`,
    pipelineIdentity: `id-${PLATFORM_IDENTITY_ROLES.pipelineIdentity}-${base}`,
    gatewayIdentity: `id-${PLATFORM_IDENTITY_ROLES.gatewayIdentity}-${base}`,
    gatewayFederatedCredential: 'fic-internal-gateway',
    pipelineFederatedCredential: 'fic-ado-pipeline',
    devCenter: `dc-${base}`,
    devCenterProject: `dcp-${base}`,
    agentPool: answers.agentPoolName,
    agentScaleSet: `vmss-agents-${base}`,
    deployment: `infra-${base}`,
  };
}

export interface WorkloadNames {
  identity: string;
  federatedCredential: string;
  serviceAccount: string;
  secretProviderClass: string;
}

/** A workload's identity is `<prefix><workload>-<environment>`; infra/modules/workload-identity.bicep builds it the same way. */
export const WORKLOAD_IDENTITY_PREFIX = 'id-';

export function workloadNames(workload: Workload, environment: string): WorkloadNames {
  return {
    identity: `${WORKLOAD_IDENTITY_PREFIX}${workload.name}-${environment}`,
    federatedCredential: `fic-${workload.namespace}-${workload.name}`,
    serviceAccount: workload.name,
    secretProviderClass: `${workload.name}-secrets`,
  };
}

/** Names of the resources only infra/ refers to (CAF abbreviations: nsg, pe, dcr). */
export interface InfraNames {
  networkSecurityGroups: { nodes: string; privateEndpoints: string; agents: string; bastion: string; ingress: string; apiServer: string };
  registryPrivateEndpoint: string;
  keyVaultPrivateEndpoint: string;
  dataCollectionRule: string;
}

export function infraNames(names: Names, answers: Pick<Answers, 'name' | 'environment'>): InfraNames {
  const base = `${answers.name}-${answers.environment}`;
  return {
    networkSecurityGroups: {
      nodes: `nsg-${base}-aks-nodes`,
      privateEndpoints: `nsg-${base}-private-endpoints`,
      agents: `nsg-${base}-devops-agents`,
      bastion: `nsg-${base}-bastion`,
      ingress: `nsg-${base}-aks-ingress`,
      apiServer: `nsg-${base}-aks-apiserver`,
    },
    registryPrivateEndpoint: `pe-${names.registry}`,
    // Key Vault names may have capitals; private endpoint names are lowercase (Azure.PrivateEndpoint.Name).
    keyVaultPrivateEndpoint: `pe-${names.keyVault.toLowerCase()}`,
    dataCollectionRule: `dcr-${base}-container-insights`,
  };
}

/** One name the plan derives: its resource type (a Kubernetes kind carries its namespace), and where it comes from. */
export interface DerivedName {
  /** Azure resource type, or `<Kind> in namespace <namespace>` for a Kubernetes object. */
  type: string;
  name: string;
  /** What kind of resource it is, in a few words: "identity", "private endpoint". */
  kind: string;
  /** Which one it is, as a message names it: "the pipeline identity", "the identity of workload api". */
  what: string;
  /** The answer that decides the name, and its value: a problem with the name is reported on it. */
  key: string;
  value: unknown;
}

type PlanAnswers = Pick<Answers, 'name' | 'environment' | 'acrName' | 'keyVaultName' | 'agentPoolName' | 'agentPool' | 'bastion' | 'workloads'>;

/**
 * Every resource name the plan derives from the answers, platform and workloads alike, with its
 * type. Azure names are unique per type within the resource group (and case-insensitive), Kubernetes
 * names per kind and namespace; resolve.ts checks that no two entries share a type and a name.
 */
export function derivedNames(answers: PlanAnswers): DerivedName[] {
  const names = resourceNames(answers);
  const infra = infraNames(names, answers);
  const azure = (type: string, name: string, kind: string, what: string, key: keyof PlanAnswers = 'name'): DerivedName =>
    ({ type, name, kind, what, key, value: answers[key] });
  const out: DerivedName[] = [
    azure('Microsoft.Resources/resourceGroups', names.resourceGroup, 'resource group', 'the resource group'),
    azure('Microsoft.Resources/resourceGroups', names.nodeResourceGroup, 'resource group', "the cluster's node resource group"),
    azure('Microsoft.Network/virtualNetworks', names.virtualNetwork, 'virtual network', 'the virtual network'),
    azure('Microsoft.Network/natGateways', names.natGateway, 'NAT gateway', 'the NAT gateway'),
    azure('Microsoft.Network/publicIPAddresses', names.natPublicIp, 'public IP', "the NAT gateway's public IP"),
    azure('Microsoft.ContainerService/managedClusters', names.cluster, 'cluster', 'the cluster'),
    ...(Object.keys(PLATFORM_IDENTITY_ROLES) as (keyof typeof PLATFORM_IDENTITY_ROLES)[]).map((key) =>
      azure('Microsoft.ManagedIdentity/userAssignedIdentities', names[key], 'identity', PLATFORM_IDENTITY_DESCRIPTIONS[key])),
    azure('Microsoft.OperationalInsights/workspaces', names.logAnalytics, 'workspace', 'the Log Analytics workspace'),
    azure('Microsoft.Insights/dataCollectionRules', infra.dataCollectionRule, 'data collection rule', 'the Container insights data collection rule'),
    ...Object.entries(infra.networkSecurityGroups).map(([subnet, nsg]) =>
      azure('Microsoft.Network/networkSecurityGroups', nsg, 'network security group', `the network security group of the ${subnet} subnet`)),
    azure('Microsoft.Resources/deployments', names.deployment, 'deployment', 'the infrastructure deployment'),
    azure('Microsoft.ContainerRegistry/registries', names.registry, 'registry', 'the container registry', 'acrName'),
    azure('Microsoft.Network/privateEndpoints', infra.registryPrivateEndpoint, 'private endpoint', "the container registry's private endpoint", 'acrName'),
    azure('Microsoft.KeyVault/vaults', names.keyVault, 'key vault', 'the key vault', 'keyVaultName'),
    azure('Microsoft.Network/privateEndpoints', infra.keyVaultPrivateEndpoint, 'private endpoint', "the key vault's private endpoint", 'keyVaultName'),
  ];
  if (answers.bastion) {
    out.push(
      azure('Microsoft.Network/bastionHosts', names.bastion, 'Bastion host', 'the Bastion host'),
      azure('Microsoft.Network/publicIPAddresses', names.bastionPublicIp, 'public IP', "the Bastion host's public IP"),
    );
  }
  if (answers.agentPool === 'managedDevOpsPool') {
    out.push(
      azure('Microsoft.DevCenter/devcenters', names.devCenter, 'Dev Center', 'the Dev Center'),
      azure('Microsoft.DevCenter/projects', names.devCenterProject, 'Dev Center project', 'the Dev Center project'),
      azure('Microsoft.DevOpsInfrastructure/pools', names.agentPool, 'Managed DevOps Pool', 'the Managed DevOps Pool', 'agentPoolName'),
    );
  } else {
    out.push(azure('Microsoft.Compute/virtualMachineScaleSets', names.agentScaleSet, 'scale set', "the agents' scale set"));
  }
  for (const namespace of new Set(answers.workloads.map((w) => w.namespace))) {
    out.push({ type: `NetworkPolicy in namespace ${namespace}`, name: NAMESPACE_POLICY_NAME, kind: 'NetworkPolicy', what: `the namespace-wide NetworkPolicy of ${namespace}`, key: 'workloads', value: undefined });
  }
  answers.workloads.forEach((workload, index) => {
    const own = workloadNames(workload, answers.environment);
    const named = (type: string, name: string, kind: string): DerivedName =>
      ({ type, name, kind, what: `the ${kind} of workload ${workload.name}`, key: `workloads[${index}].name`, value: workload.name });
    const k8s = (kind: string, name: string) => named(`${kind} in namespace ${workload.namespace}`, name, kind);
    out.push(
      named('Microsoft.ManagedIdentity/userAssignedIdentities', own.identity, 'identity'),
      k8s('ServiceAccount', own.serviceAccount),
      k8s('Deployment', workload.name),
      k8s('Service', workload.name),
      k8s('PodDisruptionBudget', workload.name),
      k8s('HorizontalPodAutoscaler', workload.name),
      k8s('NetworkPolicy', workload.name),
    );
    if (workload.secrets.length > 0) out.push(k8s('SecretProviderClass', own.secretProviderClass));
  });
  return out;
}
