// The Azure infrastructure of shop (prod), in one resource group:
// a private AKS cluster with Entra ID and Azure RBAC, its private container registry and key vault,
// workload identities, Azure Bastion for operator access, self-hosted Azure DevOps agents
// inside the virtual network, and the identity the pipeline deploys with.
//
// Deploy (the first time from a workstation, then from the pipeline's Infra stage):
//   az group create --name rg-shop-prod --location westeurope
//   az deployment group create --resource-group rg-shop-prod --name infra-shop-prod \
//     --template-file infra/main.bicep --parameters infra/prod.bicepparam
// The parameter file reads the values only known at deploy time from environment variables.
//
// The security controls are written into the modules, not taken from parameters: a parameter file
// cannot turn them off.

targetScope = 'resourceGroup'

import { clientIdsByWorkload, workload } from 'types.bicep'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Object IDs of the Entra ID groups whose members administer the cluster ("Azure Kubernetes Service RBAC Cluster Admin").')
@minLength(1)
param adminGroupObjectIds string[]

@description('SSH public key of the agents\' admin account; password sign-in is disabled.')
@minLength(1)
param agentSshPublicKey string

@description('Issuer of the tokens of the Azure DevOps service connection (https://vstoken.dev.azure.com/<organization-id>, or the Entra ID issuer newer connections show). Empty until the service connection exists; the pipeline identity\'s federated credential is deployed once issuer and subject are set.')
param pipelineFederationIssuer string = ''

@description('Subject of those tokens (sc://<organization>/<project>/<service connection>, or the subject the service connection shows). Empty until the service connection exists.')
param pipelineFederationSubject string = ''

@description('The workloads. Add one by adding an entry to workloads.json (the workload generator does that).')
var workloads workload[] = loadJsonContent('workloads.json')

@description('Tags of every resource.')
var tags = {
  service: 'shop'
  environment: 'prod'
}

module monitoring 'modules/monitoring.bicep' = {
  params: {
    location: location
    tags: tags
    workspaceName: 'log-shop-prod'
    dataCollectionRuleName: 'dcr-shop-prod-container-insights'
  }
}

module network 'modules/network.bicep' = {
  params: {
    location: location
    tags: tags
    virtualNetworkName: 'vnet-shop-prod'
    addressPrefix: '10.42.0.0/16'
    subnetPrefixes: {
      nodes: '10.42.0.0/22'
      bastion: '10.42.4.0/26'
      privateEndpoints: '10.42.4.64/27'
      agents: '10.42.4.96/27'
      ingress: '10.42.4.160/28'
      apiServer: '10.42.4.128/27'
    }
    networkSecurityGroupNames: {
      nodes: 'nsg-shop-prod-aks-nodes'
      bastion: 'nsg-shop-prod-bastion'
      privateEndpoints: 'nsg-shop-prod-private-endpoints'
      agents: 'nsg-shop-prod-devops-agents'
      ingress: 'nsg-shop-prod-aks-ingress'
      apiServer: 'nsg-shop-prod-aks-apiserver'
    }
    natGatewayName: 'ng-shop-prod'
    natGatewayPublicIpName: 'pip-ng-shop-prod'
    availabilityZones: ['1', '2', '3']
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
    name: 'crshopprod8ad5'
    privateEndpointName: 'pe-crshopprod8ad5'
    privateEndpointSubnetId: network.outputs.privateEndpointsSubnetId
    privateDnsZoneId: privateDns.outputs.registryZoneId
    workspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'kv-shop-prod-8ad5'
    privateEndpointName: 'pe-kv-shop-prod-8ad5'
    privateEndpointSubnetId: network.outputs.privateEndpointsSubnetId
    privateDnsZoneId: privateDns.outputs.keyVaultZoneId
    workspaceId: monitoring.outputs.workspaceId
    kmsKeyName: 'aks-etcd-kms'
  }
}

module bastion 'modules/bastion.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'bas-shop-prod'
    publicIpName: 'pip-bas-shop-prod'
    subnetId: network.outputs.bastionSubnetId
    availabilityZones: ['1', '2', '3']
    workspaceId: monitoring.outputs.workspaceId
  }
}

module aks 'modules/aks.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'aks-shop-prod'
    kubernetesVersion: '1.35'
    nodeResourceGroupName: 'rg-shop-prod-aks-nodes'
    controlPlaneIdentityName: 'id-aks-shop-prod'
    virtualNetworkName: 'vnet-shop-prod'
    nodesSubnetName: 'snet-aks-nodes'
    ingressSubnetName: 'snet-aks-ingress'
    apiServerSubnetName: 'snet-aks-apiserver'
    keyVaultName: 'kv-shop-prod-8ad5'
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
    registryName: 'crshopprod8ad5'
    workspaceId: monitoring.outputs.workspaceId
    dataCollectionRuleId: monitoring.outputs.dataCollectionRuleId
    adminGroupObjectIds: adminGroupObjectIds
  }
  // The network through the key vault's outputs (which come after its private endpoint).
  dependsOn: [
    registry
  ]
}

module ingress 'modules/ingress.bicep' = {
  params: {
    location: location
    tags: tags
    zoneName: 'prod.shop.internal'
    virtualNetworkId: network.outputs.virtualNetworkId
    gatewayIp: '10.42.4.164'
    workloads: workloads
    identityName: 'id-gateway-shop-prod'
    federatedCredentialName: 'fic-internal-gateway'
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    serviceAccountNamespace: 'internal-gateway'
    serviceAccountName: 'gateway-certificate'
    keyVaultName: 'kv-shop-prod-8ad5'
  }
}

module workloadIdentities 'modules/workload-identity.bicep' = {
  params: {
    location: location
    tags: tags
    workloads: workloads
    environmentName: 'prod'
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    keyVaultName: 'kv-shop-prod-8ad5'
  }
}

module agentScaleSet 'modules/agent-scale-set.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'vmss-agents-shop-prod'
    subnetId: network.outputs.agentsSubnetId
    vmSize: 'Standard_D2ads_v5'
    availabilityZones: ['1', '2', '3']
    adminUsername: 'azureagent'
    sshPublicKey: agentSshPublicKey
  }
}

module pipelineIdentity 'modules/pipeline-identity.bicep' = {
  params: {
    location: location
    tags: tags
    name: 'id-pipeline-shop-prod'
    federatedCredentialName: 'fic-ado-pipeline'
    federationIssuer: pipelineFederationIssuer
    federationSubject: pipelineFederationSubject
    registryName: 'crshopprod8ad5'
    clusterName: 'aks-shop-prod'
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
