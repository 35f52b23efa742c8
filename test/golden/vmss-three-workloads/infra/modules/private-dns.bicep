// Private DNS zones of the private endpoints, linked to the virtual network: the nodes, the agents
// and Azure Bastion resolve the registry and the key vault to their private addresses. (The API
// server's zone is created and linked by AKS itself.)

import { tags as resourceTags } from '../types.bicep'

@description('Tags of every resource.')
param tags resourceTags

@description('Resource ID of the virtual network the zones are linked to.')
param virtualNetworkId string

resource registryZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'privatelink.azurecr.io'
  location: 'global'
  tags: tags

  resource link 'virtualNetworkLinks' = {
    name: 'virtual-network'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: virtualNetworkId
      }
    }
  }
}

resource keyVaultZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 'privatelink.vaultcore.azure.net'
  location: 'global'
  tags: tags

  resource link 'virtualNetworkLinks' = {
    name: 'virtual-network'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: virtualNetworkId
      }
    }
  }
}

@description('Resource ID of the privatelink.azurecr.io zone.')
output registryZoneId string = registryZone.id

@description('Resource ID of the privatelink.vaultcore.azure.net zone.')
output keyVaultZoneId string = keyVaultZone.id
