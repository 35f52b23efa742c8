// Types shared by main.bicep and the modules.

@export()
@description('A workload of the cluster: one entry of workloads.json.')
type workload = {
  @description('Workload name: its Deployment, and its key in the workloadClientIds output.')
  name: string

  @description('Kubernetes namespace the workload runs in.')
  namespace: string

  @description('Kubernetes service account of its pods; the identity trusts this account\'s tokens.')
  serviceAccount: string

  @description('Name of the federated identity credential on that identity.')
  federatedCredentialName: string

  @description('Whether the workload mounts Key Vault secrets: its identity gets "Key Vault Secrets User" on the vault.')
  readsSecrets: bool

  @description('Whether the private gateway routes to it: its host name gets an A record in the private DNS zone.')
  exposed: bool
}

@export()
@description('The client ID of a workload\'s identity.')
type workloadClientId = {
  @description('Workload name.')
  workload: string

  @description('Client ID of its user-assigned managed identity.')
  clientId: string
}

@export()
@description('An autoscaling AKS node pool.')
type nodePool = {
  @description('VM size of the nodes; its temp disk holds the ephemeral OS disk.')
  vmSize: string

  @description('Nodes at creation.')
  @minValue(1)
  count: int

  @description('Fewest nodes the cluster autoscaler keeps.')
  @minValue(1)
  minCount: int

  @description('Most nodes the cluster autoscaler adds.')
  @minValue(1)
  maxCount: int
}

@export()
@description('Address prefixes of the virtual network\'s subnets.')
type subnetPrefixes = {
  @description('AKS nodes; pods take their addresses from the overlay range, not from here.')
  nodes: string

  @description('Private endpoints of the container registry and the key vault.')
  privateEndpoints: string

  @description('Self-hosted Azure DevOps agents.')
  agents: string

  @description('The private gateway\'s internal load balancer (its fixed address).')
  ingress: string

  @description('The API server (API Server VNet Integration), delegated to AKS.')
  apiServer: string

  @description('AzureBastionSubnet (/26 or larger).')
  bastion: string
}

@export()
@description('Names of the network security groups, one per subnet.')
type networkSecurityGroupNames = {
  @description('Of the node subnet.')
  nodes: string

  @description('Of the private endpoint subnet.')
  privateEndpoints: string

  @description('Of the agent subnet.')
  agents: string

  @description('Of the ingress subnet.')
  ingress: string

  @description('Of the API server subnet.')
  apiServer: string

  @description('Of AzureBastionSubnet.')
  bastion: string
}

@export()
@description('Resource tags.')
type tags = {
  @description('A tag value.')
  *: string
}

@export()
@description('Client IDs of the workloads\' identities, by workload name.')
type clientIdsByWorkload = {
  @description('Client ID of the workload\'s user-assigned managed identity.')
  *: string
}
