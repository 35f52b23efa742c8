// Azure Bastion for operators: native client tunnelling to the private API server
// (az aks bastion, or az network bastion tunnel to the cluster), without shareable links or
// connections to arbitrary IP addresses.

import { tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the bastion host.')
param name string

@description('Name of its public IP address.')
param publicIpName string

@description('Resource ID of AzureBastionSubnet.')
param subnetId string

@description('Availability zones of the public IP address.')
param availabilityZones string[]

@description('Resource ID of the Log Analytics workspace of the diagnostic settings.')
param workspaceId string

resource publicIp 'Microsoft.Network/publicIPAddresses@2026-03-01' = {
  name: publicIpName
  location: location
  tags: tags
  zones: availabilityZones
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAddressVersion: 'IPv4'
    publicIPAllocationMethod: 'Static'
  }
}

resource bastion 'Microsoft.Network/bastionHosts@2026-03-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    enableTunneling: true
    enableShareableLink: false
    enableIpConnect: false
    enableKerberos: false
    scaleUnits: 2
    ipConfigurations: [
      {
        name: 'default'
        properties: {
          subnet: {
            id: subnetId
          }
          publicIPAddress: {
            id: publicIp.id
          }
        }
      }
    ]
  }
}

// Diagnostic settings have no generally available API version after 2016-09-01, which allows one
// setting per resource, named 'service'.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'service'
  location: location
  scope: bastion
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'BastionAuditLogs'
        enabled: true
      }
    ]
  }
}
