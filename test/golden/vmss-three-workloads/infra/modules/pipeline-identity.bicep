// The identity the pipeline deploys with, through an Azure DevOps service connection that uses
// workload identity federation (no secret). Its roles:
//   - Contributor on the resource group, to deploy the infrastructure;
//   - Role Based Access Control Administrator on the resource group, under a condition: it may create
//     and delete role assignments only of the roles this template assigns, and only for service
//     principals and groups. It cannot grant itself or anyone Owner, Contributor or this role;
//   - AcrPush on the registry, to push images;
//   - Azure Kubernetes Service Cluster User Role on the cluster, to get a kubeconfig (Entra ID sign-in);
//   - Azure Kubernetes Service RBAC Admin in each workload namespace, to deploy the workloads;
//   - AKS namespace deployer (a custom role defined here) on the cluster, to create and update the
//     workload namespaces' Namespace objects.
// The first two, and the custom role's definition, are deployed only if they do not exist yet
// (@onlyIfNotExists): an operator creates them with the first deployment, and the pipeline's
// deployments leave them as they are.
//
// Why Admin and not Writer in the namespaces: `kubectl apply` of the overlay creates each workload's
// SecretProviderClass, a custom resource (secrets-store.csi.x-k8s.io). The built-in Writer role lists
// API groups one by one and has no custom resources; a custom role reaches custom resources only through
// the wildcard Microsoft.ContainerService/managedClusters/* (Azure RBAC for Kubernetes Authorization).
// At namespace scope, Admin is the narrowest built-in role with that wildcard: it may also manage Roles
// and RoleBindings, but only inside those namespaces, and it cannot write namespaces or resource quotas.
// Why a custom role for namespaces: Namespace objects are cluster-scoped, so no namespace-scoped
// assignment can create them; the custom role allows reading and writing Namespace objects, nothing else.

import { tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the pipeline identity.')
param name string

@description('Name of the federated credential that trusts the Azure DevOps service connection.')
param federatedCredentialName string

@description('Issuer of the service connection\'s tokens; empty: no federated credential yet.')
param federationIssuer string

@description('Subject of the service connection\'s tokens; empty: no federated credential yet.')
param federationSubject string

@description('Name of the container registry the pipeline pushes to.')
param registryName string

@description('Name of the AKS cluster the pipeline deploys to.')
param clusterName string

@description('Kubernetes namespaces the pipeline deploys workloads into.')
param namespaces string[]

@description('Whether the service connection exists, so that its federated credential can be deployed.')
var federated = !empty(federationIssuer) && !empty(federationSubject)

// The role definitions the condition lists:
//   4d97b98b-1d4f-4787-a291-c67834d212e7  Network Contributor
//   12338af0-0e69-4776-bea7-57ae8d297424  Key Vault Crypto User
//   f25e0fa2-a7c8-4377-a976-54943a77a395  Key Vault Contributor
//   7f951dda-4ed3-4680-a7ca-43fe172d538d  AcrPull
//   b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b  Azure Kubernetes Service RBAC Cluster Admin
//   4633458b-17de-408a-b874-0445c86b69e6  Key Vault Secrets User
//   8311e382-0749-4cb8-b61a-304f252e45ec  AcrPush
//   4abbcc35-e782-43d8-92c5-2d3f1bd2253f  Azure Kubernetes Service Cluster User Role
//   3498e952-d568-435e-9b2c-8d77e338d7f7  Azure Kubernetes Service RBAC Admin
//   AKS_NAMESPACE_DEPLOYER_ROLE_ID  AKS namespace deployer (replaced by the ID of the custom role below)
@description('The roles the pipeline may assign: the ones this template assigns, other than its own access to the resource group.')
var roleAssignmentCondition = replace(
  '''
(
  (
    !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
  )
  OR
  (
    @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {4d97b98b-1d4f-4787-a291-c67834d212e7, 12338af0-0e69-4776-bea7-57ae8d297424, f25e0fa2-a7c8-4377-a976-54943a77a395, 7f951dda-4ed3-4680-a7ca-43fe172d538d, b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b, 4633458b-17de-408a-b874-0445c86b69e6, 8311e382-0749-4cb8-b61a-304f252e45ec, 4abbcc35-e782-43d8-92c5-2d3f1bd2253f, 3498e952-d568-435e-9b2c-8d77e338d7f7, AKS_NAMESPACE_DEPLOYER_ROLE_ID}
    AND
    @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'Group'}
  )
)
AND
(
  (
    !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
  )
  OR
  (
    @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {4d97b98b-1d4f-4787-a291-c67834d212e7, 12338af0-0e69-4776-bea7-57ae8d297424, f25e0fa2-a7c8-4377-a976-54943a77a395, 7f951dda-4ed3-4680-a7ca-43fe172d538d, b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b, 4633458b-17de-408a-b874-0445c86b69e6, 8311e382-0749-4cb8-b61a-304f252e45ec, 4abbcc35-e782-43d8-92c5-2d3f1bd2253f, 3498e952-d568-435e-9b2c-8d77e338d7f7, AKS_NAMESPACE_DEPLOYER_ROLE_ID}
  )
)
''',
  'AKS_NAMESPACE_DEPLOYER_ROLE_ID',
  namespaceDeployer.name
)

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' existing = {
  name: registryName
}

resource cluster 'Microsoft.ContainerService/managedClusters@2026-08-01' existing = {
  name: clusterName
}

// Role assignments at namespace scope (<cluster ID>/namespaces/<namespace>) are how Azure RBAC grants
// access to one Kubernetes namespace. That scope is not an Azure resource type, so Bicep has no type
// for it; this reference only names the scope.
#disable-next-line BCP081
resource clusterNamespaces 'Microsoft.ContainerService/managedClusters/namespaces@2026-08-01' existing = [
  for namespace in namespaces: {
    parent: cluster
    name: namespace
  }
]

@description('Name of the custom role, before the resource group, cluster and subscription it is for.')
var namespaceDeployerRoleName = 'AKS namespace deployer'

// Creating a role definition needs Microsoft.Authorization/roleDefinitions/write, which only the
// operator's first deployment has: the pipeline's deployments skip it once it exists.
@onlyIfNotExists()
resource namespaceDeployer 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'aks-namespace-deployer', clusterName)
  properties: {
    // Role names are unique in the tenant: the subscription tells apart equally named resource groups.
    roleName: '${namespaceDeployerRoleName} (${resourceGroup().name}/${clusterName}, subscription ${subscription().subscriptionId})'
    description: 'Creates and updates the Kubernetes Namespace objects of the AKS cluster ${clusterName} (kubectl apply); nothing inside the namespaces.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.ContainerService/managedClusters/namespaces/read'
          'Microsoft.ContainerService/managedClusters/namespaces/write'
        ]
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

resource federatedCredential 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = if (federated) {
  parent: identity
  name: federatedCredentialName
  properties: {
    issuer: federationIssuer
    subject: federationSubject
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

@onlyIfNotExists()
resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, identity.id, 'b24988ac-6180-42a0-ab88-20f7382dd24c')
  properties: {
    description: 'Pipeline: deploys the infrastructure of this resource group.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      'b24988ac-6180-42a0-ab88-20f7382dd24c'
    )
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@onlyIfNotExists()
resource roleAssignmentAdministrator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, identity.id, 'f58310d9-a9f6-439a-9e8d-f62e7b41a168')
  properties: {
    description: 'Pipeline: deploys the role assignments of this template, and no others.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
    )
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    condition: roleAssignmentCondition
    conditionVersion: '2.0'
  }
}

resource acrPush 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, '8311e382-0749-4cb8-b61a-304f252e45ec')
  scope: registry
  properties: {
    description: 'Pipeline: pushes the workloads\' images.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '8311e382-0749-4cb8-b61a-304f252e45ec'
    )
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource clusterUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, identity.id, '4abbcc35-e782-43d8-92c5-2d3f1bd2253f')
  scope: cluster
  properties: {
    description: 'Pipeline: gets the cluster\'s kubeconfig (Entra ID sign-in, no cluster credentials).'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'
    )
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource namespaceAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (namespace, i) in namespaces: {
    name: guid(clusterNamespaces[i].id, identity.id, '3498e952-d568-435e-9b2c-8d77e338d7f7')
    scope: clusterNamespaces[i]
    properties: {
      description: 'Pipeline: deploys the workloads of namespace ${namespace}, their SecretProviderClasses included.'
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        '3498e952-d568-435e-9b2c-8d77e338d7f7'
      )
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource namespaceDeployerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, identity.id, namespaceDeployer.name)
  scope: cluster
  properties: {
    description: 'Pipeline: creates and updates the workload namespaces\' Namespace objects.'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', namespaceDeployer.name)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Client ID of the pipeline identity.')
output clientId string = identity.properties.clientId
