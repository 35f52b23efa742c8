// The container registry: reachable only through its private endpoint, no admin user, no anonymous
// pull, no export of images, untagged manifests purged after 7 days.

import { tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Registry name (globally unique).')
param name string

@description('Name of the registry\'s private endpoint.')
param privateEndpointName string

@description('Resource ID of the subnet of the private endpoint.')
param privateEndpointSubnetId string

@description('Resource ID of the privatelink.azurecr.io private DNS zone.')
param privateDnsZoneId string

@description('Resource ID of the Log Analytics workspace of the diagnostic settings.')
param workspaceId string

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Disabled'
    networkRuleBypassOptions: 'None'
    networkRuleBypassAllowedForTasks: false
    dataEndpointEnabled: false
    // AcrPull and AcrPush grant access to the whole registry (not per repository).
    roleAssignmentMode: 'LegacyRegistryPermissions'
    zoneRedundancy: 'Enabled'
    policies: {
      // Images cannot be exported out of the registry (requires public network access disabled).
      exportPolicy: {
        status: 'disabled'
      }
      retentionPolicy: {
        days: 7
        status: 'enabled'
      }
      azureADAuthenticationAsArmPolicy: {
        status: 'enabled'
      }
    }
  }
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2026-03-01' = {
  name: privateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    customNetworkInterfaceName: 'nic-${privateEndpointName}'
    privateLinkServiceConnections: [
      {
        name: privateEndpointName
        properties: {
          privateLinkServiceId: registry.id
          groupIds: [
            'registry'
          ]
        }
      }
    ]
  }

  // Creates the A records of the login server and of the regional data endpoint.
  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-azurecr-io'
          properties: {
            privateDnsZoneId: privateDnsZoneId
          }
        }
      ]
    }
  }
}

// Diagnostic settings have no generally available API version after 2016-09-01, which allows one
// setting per resource, named 'service'.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'service'
  location: location
  scope: registry
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'ContainerRegistryRepositoryEvents'
        enabled: true
      }
      {
        category: 'ContainerRegistryLoginEvents'
        enabled: true
      }
    ]
  }
}

@description('Registry name.')
output name string = registry.name

@description('Login server of the registry.')
output loginServer string = registry.properties.loginServer
