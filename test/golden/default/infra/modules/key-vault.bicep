// The key vault of the workloads' secrets, the gateway's certificate and the cluster's etcd
// encryption key: Azure RBAC only (no access policies), reachable only through its private endpoint,
// purge protection on, every access audited.

import { tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Key vault name (globally unique).')
param name string

@description('Name of the key vault\'s private endpoint.')
param privateEndpointName string

@description('Resource ID of the subnet of the private endpoint.')
param privateEndpointSubnetId string

@description('Resource ID of the privatelink.vaultcore.azure.net private DNS zone.')
param privateDnsZoneId string

@description('Resource ID of the Log Analytics workspace of the diagnostic settings.')
param workspaceId string

@description('Name of the key that encrypts the cluster\'s Kubernetes secrets in etcd (KMS).')
param kmsKeyName string

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
    }
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
  }
}

// The key-encryption key of the cluster's etcd (AKS KMS): every Kubernetes Secret is encrypted with
// data keys that this key wraps, so a copy of etcd is useless without this vault. Created by Azure
// Resource Manager (creating an existing key changes nothing); Key Vault makes a new version every
// 180 days and the next deployment hands the new version to AKS (see the README's key rotation).
// Never delete or disable it or its old versions: the cluster's secrets become unreadable.
resource kmsKey 'Microsoft.KeyVault/vaults/keys@2026-05-15' = {
  parent: vault
  name: kmsKeyName
  tags: tags
  properties: {
    kty: 'RSA'
    keySize: 2048
    keyOps: [
      'encrypt'
      'decrypt'
    ]
    rotationPolicy: {
      lifetimeActions: [
        {
          action: {
            type: 'rotate'
          }
          trigger: {
            timeAfterCreate: 'P180D'
          }
        }
      ]
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
          privateLinkServiceId: vault.id
          groupIds: [
            'vault'
          ]
        }
      }
    ]
  }

  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-vaultcore-azure-net'
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
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

@description('Key vault name.')
output name string = vault.name

@description('Resource ID of the key vault.')
output id string = vault.id

@description('URI of the etcd encryption key\'s current version (AKS KMS needs a versioned key).')
output kmsKeyUri string = kmsKey.properties.keyUriWithVersion
