// Self-hosted Azure DevOps agents inside the virtual network: a Managed DevOps Pool. Every job gets a
// fresh agent (stateless) on the Azure Pipelines Ubuntu image, in the agent subnet, whose egress
// leaves through the NAT gateway and which resolves the registry, the key vault and the API server
// through the private DNS zones linked to the virtual network.

import { tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the pool; Azure DevOps shows the agent pool under this name.')
param name string

@description('Name of the dev center the pool belongs to.')
param devCenterName string

@description('Name of the dev center project the pool belongs to.')
param devCenterProjectName string

@description('Name of the virtual network of the agent subnet.')
param virtualNetworkName string

@description('Resource ID of the agent subnet (delegated to Microsoft.DevOpsInfrastructure/pools).')
param subnetId string

@description('Object ID of the DevOpsInfrastructure service principal in this tenant.')
param devOpsInfrastructureObjectId string

@description('Azure DevOps organization URL.')
param organizationUrl string

@description('Azure DevOps project that may use the pool.')
param projectName string

@description('Most agents running at once.')
@minValue(1)
param maximumConcurrency int

@description('VM size of the agents.')
param vmSize string

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2026-03-01' existing = {
  name: virtualNetworkName
}

// Managed DevOps Pools' service places the agents' network interfaces in the agent subnet: Reader and
// Network Contributor on the virtual network, as its documentation requires, and nothing else.
resource devOpsInfrastructureReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(virtualNetwork.id, devOpsInfrastructureObjectId, 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
  scope: virtualNetwork
  properties: {
    description: 'Managed DevOps Pools: reads the virtual network of the agents.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      'acdd72a7-3385-48ef-bd42-f606fba81ae7'
    )
    principalId: devOpsInfrastructureObjectId
    principalType: 'ServicePrincipal'
  }
}

resource devOpsInfrastructureNetworkContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(virtualNetwork.id, devOpsInfrastructureObjectId, '4d97b98b-1d4f-4787-a291-c67834d212e7')
  scope: virtualNetwork
  properties: {
    description: 'Managed DevOps Pools: joins the agents to the agent subnet.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4d97b98b-1d4f-4787-a291-c67834d212e7'
    )
    principalId: devOpsInfrastructureObjectId
    principalType: 'ServicePrincipal'
  }
}

resource devCenter 'Microsoft.DevCenter/devcenters@2025-02-01' = {
  name: devCenterName
  location: location
  tags: tags
}

resource devCenterProject 'Microsoft.DevCenter/projects@2025-02-01' = {
  name: devCenterProjectName
  location: location
  tags: tags
  properties: {
    devCenterId: devCenter.id
    // The project only holds the agent pool: nobody creates dev boxes in it.
    maxDevBoxesPerUser: 0
  }
}

resource pool 'Microsoft.DevOpsInfrastructure/pools@2026-06-02' = {
  name: name
  location: location
  tags: tags
  properties: {
    devCenterProjectResourceId: devCenterProject.id
    maximumConcurrency: maximumConcurrency
    organizationProfile: {
      kind: 'AzureDevOps'
      organizations: [
        {
          url: organizationUrl
          projects: [
            projectName
          ]
          parallelism: maximumConcurrency
        }
      ]
      permissionProfile: {
        kind: 'Inherit'
      }
    }
    agentProfile: {
      kind: 'Stateless'
    }
    fabricProfile: {
      kind: 'Vmss'
      sku: {
        name: vmSize
      }
      images: [
        {
          wellKnownImageName: 'ubuntu-24.04/latest'
        }
      ]
      osProfile: {
        logonType: 'Service'
      }
      storageProfile: {
        osDiskStorageAccountType: 'StandardSSD'
      }
      networkProfile: {
        subnetId: subnetId
      }
    }
  }
  dependsOn: [
    devOpsInfrastructureReader
    devOpsInfrastructureNetworkContributor
  ]
}
