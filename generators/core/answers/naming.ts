// Resource names, following the Azure Cloud Adoption Framework abbreviations
// (rg, vnet, snet, nsg, ng, pip, afw, afwp, rt, aks, cr, kv, log, bas, id, pe, dc, vmss).
import type { Answers, Workload } from './model.ts';

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
    clusterIdentity: `id-aks-${base}`,
    registry: answers.acrName,
    keyVault: answers.keyVaultName,
    kmsKey: 'aks-etcd-kms',
    logAnalytics: `log-${base}`,
    bastion: `bas-${base}`,
    bastionPublicIp: `pip-bas-${base}`,
    pipelineIdentity: `id-pipeline-${base}`,
    gatewayIdentity: `id-gateway-${base}`,
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

export function workloadNames(workload: Workload, environment: string): WorkloadNames {
  return {
    identity: `id-${workload.name}-${environment}`,
    federatedCredential: `fic-${workload.namespace}-${workload.name}`,
    serviceAccount: workload.name,
    secretProviderClass: `${workload.name}-secrets`,
  };
}
