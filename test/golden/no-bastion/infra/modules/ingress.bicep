// The Azure side of the private ingress gateway (k8s/base/gateway): the private DNS zone of the exposed
// workloads' host names, linked to the virtual network, with one A record per exposed workload pointing
// at the gateway's fixed internal address; and the identity the application routing operator uses to
// read the gateway's TLS certificate from Key Vault, federated with exactly one Kubernetes service
// account. Nothing here is reachable from the internet.

import { tags as resourceTags, workload } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the private DNS zone of the workloads\' host names (<workload>.<zone>).')
param zoneName string

@description('Resource ID of the virtual network the zone is linked to.')
param virtualNetworkId string

@description('The private gateway\'s fixed address in the ingress subnet.')
param gatewayIp string

@description('The workloads (workloads.json); those with exposed true get an A record.')
param workloads workload[]

@description('Name of the gateway\'s user-assigned managed identity.')
param identityName string

@description('Name of the federated identity credential on that identity.')
param federatedCredentialName string

@description('OIDC issuer URL of the cluster.')
param oidcIssuerUrl string

@description('Namespace of the gateway\'s service account.')
param serviceAccountNamespace string

@description('Name of the gateway\'s service account (the Gateway\'s listener names it).')
param serviceAccountName string

@description('Name of the key vault that holds the gateway\'s TLS certificate.')
param keyVaultName string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: zoneName
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

resource records 'Microsoft.Network/privateDnsZones/A@2024-06-01' = [
  for w in filter(workloads, w => w.exposed): {
    parent: zone
    name: w.name
    properties: {
      ttl: 300
      aRecords: [
        {
          ipv4Address: gatewayIp
        }
      ]
    }
  }
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource federatedCredential 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = {
  parent: identity
  name: federatedCredentialName
  properties: {
    issuer: oidcIssuerUrl
    subject: 'system:serviceaccount:${serviceAccountNamespace}:${serviceAccountName}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

// The Secrets Store CSI driver reads a certificate with its private key through the secret of the
// same name, so the role is "Key Vault Secrets User".
resource certificateReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    description: 'Private ingress gateway: reads its TLS certificate.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4633458b-17de-408a-b874-0445c86b69e6'
    )
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Client ID of the gateway\'s identity, for its service account.')
output clientId string = identity.properties.clientId
