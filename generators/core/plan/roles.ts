// The Azure roles infra/ assigns: built-in role definition IDs and the custom role it defines. Shared by
// the infrastructure plan (role assignments, the pipeline's condition) and the docs (the README's tables).

/** Built-in Azure role definition IDs (the same in every tenant). */
export const ROLES = {
  contributor: { id: 'b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor' },
  reader: { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', name: 'Reader' },
  networkContributor: { id: '4d97b98b-1d4f-4787-a291-c67834d212e7', name: 'Network Contributor' },
  roleBasedAccessControlAdministrator: { id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', name: 'Role Based Access Control Administrator' },
  acrPull: { id: '7f951dda-4ed3-4680-a7ca-43fe172d538d', name: 'AcrPull' },
  acrPush: { id: '8311e382-0749-4cb8-b61a-304f252e45ec', name: 'AcrPush' },
  keyVaultSecretsUser: { id: '4633458b-17de-408a-b874-0445c86b69e6', name: 'Key Vault Secrets User' },
  keyVaultCryptoUser: { id: '12338af0-0e69-4776-bea7-57ae8d297424', name: 'Key Vault Crypto User' },
  keyVaultContributor: { id: 'f25e0fa2-a7c8-4377-a976-54943a77a395', name: 'Key Vault Contributor' },
  aksClusterUser: { id: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f', name: 'Azure Kubernetes Service Cluster User Role' },
  aksRbacClusterAdmin: { id: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b', name: 'Azure Kubernetes Service RBAC Cluster Admin' },
  aksRbacAdmin: { id: '3498e952-d568-435e-9b2c-8d77e338d7f7', name: 'Azure Kubernetes Service RBAC Admin' },
} as const;

export type RoleKey = keyof typeof ROLES;

/**
 * The custom role infra/ defines (modules/pipeline-identity.bicep). Its ID is
 * guid(resourceGroup().id, 'aks-namespace-deployer', <cluster name>), only known in Bicep: the pipeline's
 * role assignment condition names it by `placeholder`, which the module replace()s with that ID.
 */
export const CUSTOM_ROLES = {
  aksNamespaceDeployer: {
    name: 'AKS namespace deployer',
    /** The second argument of the definition's guid(): with the resource group and cluster, its ID. */
    seed: 'aks-namespace-deployer',
    placeholder: 'AKS_NAMESPACE_DEPLOYER_ROLE_ID',
    dataActions: ['Microsoft.ContainerService/managedClusters/namespaces/read', 'Microsoft.ContainerService/managedClusters/namespaces/write'],
  },
} as const;

export type CustomRoleKey = keyof typeof CUSTOM_ROLES;

export function isCustomRole(role: RoleKey | CustomRoleKey): role is CustomRoleKey {
  return Object.hasOwn(CUSTOM_ROLES, role);
}
