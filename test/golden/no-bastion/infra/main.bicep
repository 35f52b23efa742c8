// The Azure infrastructure of contoso (dev), in one resource group:
// a private AKS cluster with Entra ID and Azure RBAC, its private container registry and key vault,
// workload identities, self-hosted Azure DevOps agents
// inside the virtual network, and the identity the pipeline deploys with.
//
// Deploy (the first time from a workstation, then from the pipeline's Infra stage):
//   az group create --name rg-contoso-dev --location westeurope
//   az deployment group create --resource-group rg-contoso-dev --name infra-contoso-dev \
//     --template-file infra/main.bicep --parameters infra/dev.bicepparam
// The parameter file reads the values only known at deploy time from environment variables.
//
// The security controls are written into the modules, not taken from parameters: a parameter file
// cannot turn them off.

targetScope = 'resourceGroup'

import { clientIdsByWorkload, egressAllowlist, workload } from 'types.bicep'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Object IDs of the Entra ID groups whose members administer the cluster ("Azure Kubernetes Service RBAC Cluster Admin").')
@minLength(1)
param adminGroupObjectIds string[]

@description('Object ID of the DevOpsInfrastructure service principal (Managed DevOps Pools) in this tenant. It gets Reader and Network Contributor on the virtual network, to place agents in the agent subnet.')
@minLength(36)
@maxLength(36)
param devOpsInfrastructureObjectId string

@description('Issuer of the tokens of the Azure DevOps service connection (https://vstoken.dev.azure.com/<organization-id>, or the Entra ID issuer newer connections show). Empty until the service connection exists; the pipeline identity\'s federated credential is deployed once issuer and subject are set.')
param pipelineFederationIssuer string = ''

@description('Subject of those tokens (sc://<organization>/<project>/<service connection>, or the subject the service connection shows). Empty until the service connection exists.')
param pipelineFederationSubject string = ''

@description('The workloads. Add one by adding an entry to workloads.json (the workload generator does that).')
var workloads workload[] = loadJsonContent('workloads.json')

@description('What the nodes and agents may reach through the egress firewall. Allow one more destination by adding an entry to egress-allowlist.json.')
var egressRules egressAllowlist = loadJsonContent('egress-allowlist.json')

@description('Tags of every resource.')
var tags = {
  service: 'contoso'
  environment: 'dev'
}

module monitoring 'modules/monitoring.bicep' = {
  params: {
    location: location
    tags: tags
    workspaceName: 'log-contoso-dev'
    dataCollectionRuleName: 'dcr-contoso-dev-container-insights'
  }
}

module network 'modules/network.bicep' = {
  params: {
    location: location
    tags: tags
    virtualNetworkName: 'vnet-contoso-dev'
    addressPrefix: '10.42.0.0/16'
    subnetPrefixes: {
      nodes: '10.42.0.0/22'
      privateEndpoints: '10.42.4.64/27'
      agents: '10.42.4.96/27'
      ingress: '10.42.4.160/28'
      apiServer: '10.42.4.128/27'
      firewall: '10.42.4.0/26'
    }
    networkSecurityGroupNames: {
      nodes: 'nsg-contoso-dev-aks-nodes'
      privateEndpoints: 'nsg-contoso-dev-private-endpoints'
      agents: 'nsg-contoso-dev-devops-agents'
      ingress: 'nsg-contoso-dev-aks-ingress'
      apiServer: 'nsg-contoso-dev-aks-apiserver'
    }
    egressRouteTableName: 'rt-contoso-dev-egress'
    firewallIp: '10.42.4.4'
  }
}

module firewall 'modules/firewall.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'afw-contoso-dev'
    policyName: 'afwp-contoso-dev'
    publicIpName: 'pip-afw-contoso-dev'
    subnetId: network.outputs.firewallSubnetId
    availabilityZones: ['1', '2', '3']
    nodesSubnetPrefix: '10.42.0.0/22'
    agentsSubnetPrefix: '10.42.4.96/27'
    allowlist: egressRules
    workspaceId: monitoring.outputs.workspaceId
  }
}

module privateDns 'modules/private-dns.bicep' = {
  params: {
    tags: tags
    virtualNetworkId: network.outputs.virtualNetworkId
  }
}

module registry 'modules/registry.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'crcontosodevd40d'
    privateEndpointName: 'pe-crcontosodevd40d'
    privateEndpointSubnetId: network.outputs.privateEndpointsSubnetId
    privateDnsZoneId: privateDns.outputs.registryZoneId
    workspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'kv-contoso-dev-d40d'
    privateEndpointName: 'pe-kv-contoso-dev-d40d'
    privateEndpointSubnetId: network.outputs.privateEndpointsSubnetId
    privateDnsZoneId: privateDns.outputs.keyVaultZoneId
    workspaceId: monitoring.outputs.workspaceId
    kmsKeyName: 'aks-etcd-kms'
  }
}

module aks 'modules/aks.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'aks-contoso-dev'
    kubernetesVersion: '1.35'
    nodeResourceGroupName: 'rg-contoso-dev-aks-nodes'
    controlPlaneIdentityName: 'id-aks-contoso-dev'
    virtualNetworkName: 'vnet-contoso-dev'
    nodesSubnetName: 'snet-aks-nodes'
    ingressSubnetName: 'snet-aks-ingress'
    apiServerSubnetName: 'snet-aks-apiserver'
    keyVaultName: 'kv-contoso-dev-d40d'
    kmsKeyName: 'aks-etcd-kms'
    kmsKeyUri: keyVault.outputs.kmsKeyUri
    systemPool: {
      vmSize: 'Standard_D4ds_v5'
      count: 3
      minCount: 3
      maxCount: 6
    }
    userPool: {
      vmSize: 'Standard_D4ds_v5'
      count: 3
      minCount: 3
      maxCount: 6
    }
    availabilityZones: ['1', '2', '3']
    podCidr: '192.168.0.0/16'
    serviceCidr: '172.16.0.0/16'
    dnsServiceIp: '172.16.0.10'
    registryName: 'crcontosodevd40d'
    workspaceId: monitoring.outputs.workspaceId
    dataCollectionRuleId: monitoring.outputs.dataCollectionRuleId
    adminGroupObjectIds: adminGroupObjectIds
  }
  // The network through the key vault's outputs (which come after its private endpoint).
  dependsOn: [
    registry
    // The nodes need their egress (through the firewall) while the cluster is created.
    firewall
  ]
}

module ingress 'modules/ingress.bicep' = {
  params: {
    location: location
    tags: tags
    zoneName: 'dev.contoso.internal'
    virtualNetworkId: network.outputs.virtualNetworkId
    gatewayIp: '10.42.4.164'
    workloads: workloads
    identityName: 'id-gateway-contoso-dev'
    federatedCredentialName: 'fic-internal-gateway'
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    serviceAccountNamespace: 'internal-gateway'
    serviceAccountName: 'gateway-certificate'
    keyVaultName: 'kv-contoso-dev-d40d'
  }
}

module workloadIdentities 'modules/workload-identity.bicep' = {
  params: {
    location: location
    tags: tags
    workloads: workloads
    environmentName: 'dev'
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    keyVaultName: 'kv-contoso-dev-d40d'
  }
}

module agentPool 'modules/agent-pool.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'pool-contoso-dev'
    devCenterName: 'dc-contoso-dev'
    devCenterProjectName: 'dcp-contoso-dev'
    virtualNetworkName: 'vnet-contoso-dev'
    subnetId: network.outputs.agentsSubnetId
    devOpsInfrastructureObjectId: devOpsInfrastructureObjectId
    organizationUrl: 'https://dev.azure.com/contoso'
    projectName: 'contoso'
    maximumConcurrency: 2
    vmSize: 'Standard_D2ads_v5'
  }
  dependsOn: [
    firewall
  ]
}

module pipelineIdentity 'modules/pipeline-identity.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'id-pipeline-contoso-dev'
    federatedCredentialName: 'fic-ado-pipeline'
    federationIssuer: pipelineFederationIssuer
    federationSubject: pipelineFederationSubject
    registryName: 'crcontosodevd40d'
    clusterName: 'aks-contoso-dev'
    // The workload namespaces, and the private gateway's once a workload is exposed.
    namespaces: union(
      map(workloads, w => w.namespace),
      empty(filter(workloads, w => w.exposed)) ? [] : ['internal-gateway']
    )
  }
  dependsOn: [
    registry
    aks
  ]
}

@description('Resource group of the environment.')
output resourceGroupName string = resourceGroup().name

@description('Name of the AKS cluster.')
output clusterName string = aks.outputs.name

@description('OIDC issuer URL of the cluster, which the workload identities\' federated credentials trust.')
output oidcIssuerUrl string = aks.outputs.oidcIssuerUrl

@description('Name of the container registry.')
output acrName string = registry.outputs.name

@description('Login server of the container registry (reached through its private endpoint).')
output acrLoginServer string = registry.outputs.loginServer

@description('Name of the key vault that holds the workloads\' secrets.')
output keyVaultName string = keyVault.outputs.name

@description('Entra ID tenant of the identities.')
output tenantId string = tenant().tenantId

@description('Client ID of each workload\'s managed identity, by workload name.')
output workloadClientIds clientIdsByWorkload = toObject(
  workloadIdentities.outputs.clientIds,
  id => id.workload,
  id => id.clientId
)

@description('Client ID of the pipeline identity, for the Azure DevOps service connection.')
output pipelineIdentityClientId string = pipelineIdentity.outputs.clientId

@description('Client ID of the private gateway\'s identity, for its service account.')
output gatewayClientId string = ingress.outputs.clientId
