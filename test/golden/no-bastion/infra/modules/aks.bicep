// The AKS cluster. Private API server, Microsoft Entra ID sign-in with Azure RBAC and no local
// accounts, workload identity, the Key Vault secrets provider, Azure Policy, Microsoft Defender,
// Container insights and audit logs, Azure CNI Overlay with Cilium network policies, Gateway API
// ingress (application routing), automatic upgrades in maintenance windows, and a control-plane
// identity that may only manage the network of its own subnets.

import { nodePool, tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Cluster name; also its DNS prefix.')
param name string

@description('Kubernetes version: a minor (the latest patch) or minor.patch.')
param kubernetesVersion string

@description('Name of the resource group AKS creates for the nodes (read-only to everyone but AKS).')
param nodeResourceGroupName string

@description('Name of the user-assigned identity of the control plane.')
param controlPlaneIdentityName string

@description('Name of the virtual network of the nodes.')
param virtualNetworkName string

@description('Name of the node subnet; the API server\'s private endpoint is placed there too.')
param nodesSubnetName string

@description('Name of the subnet of the private ingress gateway\'s internal load balancer.')
param ingressSubnetName string

@description('Name of the API server subnet (API Server VNet Integration), delegated to AKS.')
param apiServerSubnetName string

@description('Name of the key vault of the etcd encryption key.')
param keyVaultName string

@description('Name of the etcd encryption key.')
param kmsKeyName string

@description('URI of the current version of the etcd encryption key.')
param kmsKeyUri string

@description('The system node pool: only critical add-ons run there.')
param systemPool nodePool

@description('The user node pool: the workloads.')
param userPool nodePool

@description('Availability zones the node pools spread over.')
param availabilityZones string[]

@description('Pod address range of Azure CNI Overlay.')
param podCidr string

@description('Kubernetes service address range.')
param serviceCidr string

@description('Address of the cluster DNS service, inside serviceCidr.')
param dnsServiceIp string

@description('Name of the container registry the nodes pull images from.')
param registryName string

@description('Resource ID of the Log Analytics workspace.')
param workspaceId string

@description('Resource ID of the Container insights data collection rule.')
param dataCollectionRuleId string

@description('Object IDs of the Entra ID groups that administer the cluster.')
param adminGroupObjectIds string[]

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2026-03-01' existing = {
  name: virtualNetworkName

  resource nodesSubnet 'subnets' existing = {
    name: nodesSubnetName
  }

  resource ingressSubnet 'subnets' existing = {
    name: ingressSubnetName
  }

  resource apiServerSubnet 'subnets' existing = {
    name: apiServerSubnetName
  }
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName

  resource kmsKey 'keys' existing = {
    name: kmsKeyName
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' existing = {
  name: registryName
}

resource controlPlaneIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: controlPlaneIdentityName
  location: location
  tags: tags
}

// The control plane's roles: join the nodes, their load balancers and the API server's private
// endpoint to the node subnet...
resource controlPlaneNetworkContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(virtualNetwork::nodesSubnet.id, controlPlaneIdentity.id, '4d97b98b-1d4f-4787-a291-c67834d212e7')
  scope: virtualNetwork::nodesSubnet
  properties: {
    description: 'AKS control plane of ${name}: manages the cluster\'s network resources in the node subnet.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4d97b98b-1d4f-4787-a291-c67834d212e7'
    )
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ...and place the private gateway's internal load balancer in the ingress subnet.
resource controlPlaneIngressNetworkContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(virtualNetwork::ingressSubnet.id, controlPlaneIdentity.id, '4d97b98b-1d4f-4787-a291-c67834d212e7')
  scope: virtualNetwork::ingressSubnet
  properties: {
    description: 'AKS control plane of ${name}: places the private gateway\'s internal load balancer in the ingress subnet.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4d97b98b-1d4f-4787-a291-c67834d212e7'
    )
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ...and project the API server into its own subnet (API Server VNet Integration: the nodes reach it
// without a tunnel, and KMS can reach the private key vault).
resource controlPlaneApiServerNetworkContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(virtualNetwork::apiServerSubnet.id, controlPlaneIdentity.id, '4d97b98b-1d4f-4787-a291-c67834d212e7')
  scope: virtualNetwork::apiServerSubnet
  properties: {
    description: 'AKS control plane of ${name}: places the API server in its subnet.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '4d97b98b-1d4f-4787-a291-c67834d212e7'
    )
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// KMS etcd encryption: the control plane encrypts and decrypts with the etcd key, and nothing else
// of the vault's keys...
resource controlPlaneKmsCryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault::kmsKey.id, controlPlaneIdentity.id, '12338af0-0e69-4776-bea7-57ae8d297424')
  scope: vault::kmsKey
  properties: {
    description: 'AKS control plane of ${name}: encrypts and decrypts Kubernetes secrets with the etcd key (KMS).'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '12338af0-0e69-4776-bea7-57ae8d297424'
    )
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ...and, because the vault is private, creates the private link it reaches the vault through (AKS's
// private key vault mode requires "Key Vault Contributor" on the vault: a management role that
// reads no secret, key or certificate).
resource controlPlaneKmsVaultContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, controlPlaneIdentity.id, 'f25e0fa2-a7c8-4377-a976-54943a77a395')
  scope: vault
  properties: {
    description: 'AKS control plane of ${name}: creates the private link of KMS to the private key vault.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      'f25e0fa2-a7c8-4377-a976-54943a77a395'
    )
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource cluster 'Microsoft.ContainerService/managedClusters@2026-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Base'
    tier: 'Standard'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${controlPlaneIdentity.id}': {}
    }
  }
  properties: {
    kubernetesVersion: kubernetesVersion
    dnsPrefix: name
    nodeResourceGroup: nodeResourceGroupName
    nodeResourceGroupProfile: {
      restrictionLevel: 'ReadOnly'
    }
    supportPlan: 'KubernetesOfficial'
    enableRBAC: true
    disableLocalAccounts: true
    aadProfile: {
      managed: true
      enableAzureRBAC: true
      tenantID: tenant().tenantId
    }
    apiServerAccessProfile: {
      enablePrivateCluster: true
      enablePrivateClusterPublicFQDN: false
      privateDNSZone: 'system'
      disableRunCommand: true
      enableVnetIntegration: true
      subnetId: virtualNetwork::apiServerSubnet.id
    }
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
      // Kubernetes secrets in etcd are encrypted with the etcd key in the private key vault (KMS v2).
      azureKeyVaultKms: {
        enabled: true
        keyId: kmsKeyUri
        keyVaultNetworkAccess: 'Private'
        keyVaultResourceId: vault.id
      }
      imageCleaner: {
        enabled: true
        intervalHours: 168
      }
      defender: {
        logAnalyticsWorkspaceResourceId: workspaceId
        securityMonitoring: {
          enabled: true
        }
      }
    }
    // Ingress through the Kubernetes Gateway API: the application routing add-on's Gateway API
    // implementation (GatewayClass approuting-istio, Envoy managed by AKS) on the Gateway API CRDs that
    // AKS installs and upgrades (standard channel). The add-on's NGINX controller, whose support ends in
    // November 2026, is not deployed. The add-on's operator syncs the gateway's TLS certificate from
    // Key Vault; the Gateway itself is in k8s/base/gateway.
    ingressProfile: {
      gatewayAPI: {
        installation: 'Standard'
      }
      webAppRouting: {
        enabled: true
        nginx: {
          defaultIngressControllerType: 'None'
        }
        gatewayAPIImplementations: {
          appRoutingIstio: {
            mode: 'Enabled'
          }
        }
      }
    }
    addonProfiles: {
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: 'true'
          rotationPollInterval: '2m'
        }
      }
      azurepolicy: {
        enabled: true
      }
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: workspaceId
          useAADAuth: 'true'
        }
      }
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkPolicy: 'cilium'
      networkDataplane: 'cilium'
      podCidr: podCidr
      serviceCidr: serviceCidr
      dnsServiceIP: dnsServiceIp
      loadBalancerSku: 'standard'
      // Egress through the route table of the node subnet to the firewall (infra/modules/network.bicep).
      outboundType: 'userDefinedRouting'
    }
    autoUpgradeProfile: {
      upgradeChannel: 'stable'
      nodeOSUpgradeChannel: 'NodeImage'
    }
    // Both pools: Azure Linux on ephemeral OS disks encrypted at the host (the subscription needs the
    // Microsoft.Compute/EncryptionAtHost feature: scripts/deploy-infra.sh registers it), autoscaling,
    // no SSH access, no public IPs.
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        type: 'VirtualMachineScaleSets'
        vmSize: systemPool.vmSize
        count: systemPool.count
        enableAutoScaling: true
        minCount: systemPool.minCount
        maxCount: systemPool.maxCount
        availabilityZones: availabilityZones
        osType: 'Linux'
        osSKU: 'AzureLinux'
        osDiskType: 'Ephemeral'
        enableEncryptionAtHost: true
        maxPods: 110
        vnetSubnetID: virtualNetwork::nodesSubnet.id
        enableNodePublicIP: false
        securityProfile: {
          sshAccess: 'Disabled'
        }
        nodeTaints: [
          'CriticalAddonsOnly=true:NoSchedule'
        ]
        upgradeSettings: {
          maxSurge: '33%'
        }
      }
      {
        name: 'user'
        mode: 'User'
        type: 'VirtualMachineScaleSets'
        vmSize: userPool.vmSize
        count: userPool.count
        enableAutoScaling: true
        minCount: userPool.minCount
        maxCount: userPool.maxCount
        availabilityZones: availabilityZones
        osType: 'Linux'
        osSKU: 'AzureLinux'
        osDiskType: 'Ephemeral'
        enableEncryptionAtHost: true
        maxPods: 110
        vnetSubnetID: virtualNetwork::nodesSubnet.id
        enableNodePublicIP: false
        securityProfile: {
          sshAccess: 'Disabled'
        }
        upgradeSettings: {
          maxSurge: '33%'
        }
      }
    ]
  }
  dependsOn: [
    controlPlaneNetworkContributor
    controlPlaneIngressNetworkContributor
    controlPlaneApiServerNetworkContributor
    controlPlaneKmsCryptoUser
    controlPlaneKmsVaultContributor
  ]

  resource kubernetesUpgradeWindow 'maintenanceConfigurations' = {
    name: 'aksManagedAutoUpgradeSchedule'
    properties: {
      maintenanceWindow: {
        schedule: {
          weekly: {
            intervalWeeks: 1
            dayOfWeek: 'Sunday'
          }
        }
        startTime: '02:00'
        durationHours: 4
        utcOffset: '+00:00'
      }
    }
  }

  resource nodeOsUpgradeWindow 'maintenanceConfigurations' = {
    name: 'aksManagedNodeOSUpgradeSchedule'
    properties: {
      maintenanceWindow: {
        schedule: {
          weekly: {
            intervalWeeks: 1
            dayOfWeek: 'Saturday'
          }
        }
        startTime: '02:00'
        durationHours: 4
        utcOffset: '+00:00'
      }
    }
  }
}

// Control plane logs: kube-audit-admin (the audit log without get and list requests), guard (Entra ID
// and Azure RBAC decisions) and the platform components.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'service'
  location: location
  scope: cluster
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'kube-audit-admin'
        enabled: true
      }
      {
        category: 'guard'
        enabled: true
      }
      {
        category: 'kube-apiserver'
        enabled: true
      }
      {
        category: 'kube-controller-manager'
        enabled: true
      }
      {
        category: 'kube-scheduler'
        enabled: true
      }
      {
        category: 'cluster-autoscaler'
        enabled: true
      }
    ]
  }
}

resource containerInsights 'Microsoft.Insights/dataCollectionRuleAssociations@2024-03-11' = {
  name: 'ContainerInsightsExtension'
  scope: cluster
  properties: {
    dataCollectionRuleId: dataCollectionRuleId
  }
}

// The kubelet identity (created by AKS in the node resource group) pulls images, and nothing more.
resource kubeletAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, cluster.id, '7f951dda-4ed3-4680-a7ca-43fe172d538d')
  scope: registry
  properties: {
    description: 'Kubelet of ${name}: pulls images.'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      '7f951dda-4ed3-4680-a7ca-43fe172d538d'
    )
    principalId: cluster.properties.identityProfile.kubeletidentity.objectId
    principalType: 'ServicePrincipal'
  }
}

resource adminGroupsClusterAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for groupId in adminGroupObjectIds: {
    name: guid(cluster.id, groupId, 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b')
    scope: cluster
    properties: {
      description: 'Administrators of ${name}.'
      roleDefinitionId: subscriptionResourceId(
        'Microsoft.Authorization/roleDefinitions',
        'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'
      )
      principalId: groupId
      principalType: 'Group'
    }
  }
]

@description('Cluster name.')
output name string = cluster.name

@description('OIDC issuer URL of the cluster (the issuer of its service account tokens).')
output oidcIssuerUrl string = cluster.properties.oidcIssuerProfile.issuerURL
