// One user-assigned managed identity per workload, federated with the workload's Kubernetes service
// account: pods sign in to Microsoft Entra ID with their service account token, no secret involved.
// An identity gets "Key Vault Secrets User" on the vault only if its workload reads secrets.

import { tags as resourceTags, workload, workloadClientId } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('The workloads (workloads.json).')
param workloads workload[]

@description('The environment: each workload\'s identity is named id-<workload>-<environment>, so that one workload list serves every environment.')
param environmentName string

@description('OIDC issuer URL of the cluster.')
param oidcIssuerUrl string

@description('Name of the key vault of the workloads\' secrets.')
param keyVaultName string

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource identities 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = [
  for w in workloads: {
    name: 'id-${w.name}-${environmentName}'
    location: location
    tags: tags
  }
]

// Entra ID rejects concurrent writes of federated credentials: one at a time.
@batchSize(1)
resource federatedCredentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = [
  for (w, i) in workloads: {
    parent: identities[i]
    name: w.federatedCredentialName
    properties: {
      issuer: oidcIssuerUrl
      subject: 'system:serviceaccount:${w.namespace}:${w.serviceAccount}'
      audiences: [
        'api://AzureADTokenExchange'
      ]
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (w, i) in workloads: if (w.readsSecrets) {
    name: guid(vault.id, identities[i].id, '4633458b-17de-408a-b874-0445c86b69e6')
    scope: vault
    properties: {
      description: 'Workload ${w.name}: reads its secrets.'
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        '4633458b-17de-408a-b874-0445c86b69e6'
      )
      principalId: identities[i].properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

@description('Client ID of each workload\'s identity.')
output clientIds workloadClientId[] = [
  for (w, i) in workloads: {
    workload: w.name
    clientId: identities[i].properties.clientId
  }
]
