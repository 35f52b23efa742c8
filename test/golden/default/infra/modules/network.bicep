// The virtual network: a network security group on every subnet (but AzureFirewallSubnet, which takes
// none), no default outbound access anywhere, and a route table that sends the nodes' and the agents'
// internet-bound traffic to the egress firewall.

import { networkSecurityGroupNames as nsgNames, subnetPrefixes as prefixes, tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the virtual network.')
param virtualNetworkName string

@description('Address space of the virtual network.')
param addressPrefix string

@description('Address prefix of each subnet.')
param subnetPrefixes prefixes

@description('Name of the network security group of each subnet.')
param networkSecurityGroupNames nsgNames

@description('Name of the route table of the node and agent subnets.')
param egressRouteTableName string

@description('Private address of the egress firewall (the first usable one of AzureFirewallSubnet).')
param firewallIp string

resource nodesNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: networkSecurityGroupNames.nodes
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // Outbound SSH and RDP are how an attacker moves from machine to machine; nothing here
        // needs them (Azure Bastion, which does, has its own subnet and rules).
        name: 'DenyRemoteManagementOutbound'
        properties: {
          priority: 4000
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRanges: [
            '22'
            '3389'
          ]
        }
      }
    ]
  }
}

// Private endpoints only answer HTTPS; from inside the virtual network, and from nowhere else.
resource privateEndpointsNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: networkSecurityGroupNames.privateEndpoints
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'AllowHttpsFromVirtualNetworkInbound'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRange: '443'
        }
      }
      {
        name: 'DenyVirtualNetworkInbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
      {
        // Outbound SSH and RDP are how an attacker moves from machine to machine; nothing here
        // needs them (Azure Bastion, which does, has its own subnet and rules).
        name: 'DenyRemoteManagementOutbound'
        properties: {
          priority: 4000
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRanges: [
            '22'
            '3389'
          ]
        }
      }
    ]
  }
}

resource agentsNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: networkSecurityGroupNames.agents
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // Outbound SSH and RDP are how an attacker moves from machine to machine; nothing here
        // needs them (Azure Bastion, which does, has its own subnet and rules).
        name: 'DenyRemoteManagementOutbound'
        properties: {
          priority: 4000
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRanges: [
            '22'
            '3389'
          ]
        }
      }
    ]
  }
}
// The private gateway's internal load balancer has its address here: HTTP and HTTPS from inside the
// virtual network (the HTTP listener only redirects to HTTPS), and the load balancer's probes.
resource ingressNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: networkSecurityGroupNames.ingress
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'AllowHttpFromVirtualNetworkInbound'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRanges: [
            '80'
            '443'
          ]
        }
      }
      {
        name: 'AllowAzureLoadBalancerInbound'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: 'AzureLoadBalancer'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
      {
        name: 'DenyVirtualNetworkInbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
      {
        // Outbound SSH and RDP are how an attacker moves from machine to machine; nothing here
        // needs them (Azure Bastion, which does, has its own subnet and rules).
        name: 'DenyRemoteManagementOutbound'
        properties: {
          priority: 4000
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRanges: [
            '22'
            '3389'
          ]
        }
      }
    ]
  }
}
// The API server's subnet (API Server VNet Integration): AKS places the API server's internal load
// balancer here; the nodes reach it on 443 and 4443, and Azure Load Balancer probes it.
resource apiServerNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: networkSecurityGroupNames.apiServer
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        // Outbound SSH and RDP are how an attacker moves from machine to machine; nothing here
        // needs them (Azure Bastion, which does, has its own subnet and rules).
        name: 'DenyRemoteManagementOutbound'
        properties: {
          priority: 4000
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRanges: [
            '22'
            '3389'
          ]
        }
      }
    ]
  }
}

// The rules Azure Bastion requires on its subnet, plus HTTPS into the virtual network so that a
// native client tunnel (az network bastion tunnel, az aks bastion) reaches the private API server.
resource bastionNsg 'Microsoft.Network/networkSecurityGroups@2026-03-01' = {
  name: networkSecurityGroupNames.bastion
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'AllowHttpsInbound'
        properties: {
          priority: 120
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '443'
        }
      }
      {
        name: 'AllowGatewayManagerInbound'
        properties: {
          priority: 130
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'GatewayManager'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '443'
        }
      }
      {
        name: 'AllowAzureLoadBalancerInbound'
        properties: {
          priority: 140
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'AzureLoadBalancer'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '443'
        }
      }
      {
        name: 'AllowBastionHostCommunicationInbound'
        properties: {
          priority: 150
          direction: 'Inbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRanges: [
            '8080'
            '5701'
          ]
        }
      }
      {
        name: 'DenyAllInbound'
        properties: {
          priority: 4096
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
      {
        name: 'AllowSshRdpOutbound'
        properties: {
          priority: 100
          direction: 'Outbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRanges: [
            '22'
            '3389'
          ]
        }
      }
      {
        name: 'AllowHttpsToVirtualNetworkOutbound'
        properties: {
          priority: 105
          direction: 'Outbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRange: '443'
        }
      }
      {
        name: 'AllowAzureCloudOutbound'
        properties: {
          priority: 110
          direction: 'Outbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: 'AzureCloud'
          destinationPortRange: '443'
        }
      }
      {
        name: 'AllowBastionHostCommunicationOutbound'
        properties: {
          priority: 120
          direction: 'Outbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRanges: [
            '8080'
            '5701'
          ]
        }
      }
      {
        name: 'AllowHttpOutbound'
        properties: {
          priority: 130
          direction: 'Outbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: 'Internet'
          destinationPortRange: '80'
        }
      }
      {
        name: 'DenyAllOutbound'
        properties: {
          priority: 4096
          direction: 'Outbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

// Everything the nodes and the agents send outside the virtual network goes through the firewall,
// which allows only infra/egress-allowlist.json. Traffic inside the virtual network (the private
// endpoints, the API server, the gateway) keeps its more specific system routes.
resource egressRouteTable 'Microsoft.Network/routeTables@2026-03-01' = {
  name: egressRouteTableName
  location: location
  tags: tags
  properties: {
    disableBgpRoutePropagation: true
    routes: [
      {
        name: 'internet-through-firewall'
        properties: {
          addressPrefix: '0.0.0.0/0'
          nextHopType: 'VirtualAppliance'
          nextHopIpAddress: firewallIp
        }
      }
    ]
  }
}

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'snet-aks-nodes'
        properties: {
          addressPrefix: subnetPrefixes.nodes
          defaultOutboundAccess: false
          networkSecurityGroup: {
            id: nodesNsg.id
          }
          routeTable: {
            id: egressRouteTable.id
          }
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: subnetPrefixes.privateEndpoints
          defaultOutboundAccess: false
          // Network security group rules apply to the private endpoints too.
          privateEndpointNetworkPolicies: 'Enabled'
          networkSecurityGroup: {
            id: privateEndpointsNsg.id
          }
        }
      }
      {
        name: 'snet-devops-agents'
        properties: {
          addressPrefix: subnetPrefixes.agents
          defaultOutboundAccess: false
          networkSecurityGroup: {
            id: agentsNsg.id
          }
          routeTable: {
            id: egressRouteTable.id
          }
          delegations: [
            {
              name: 'Microsoft.DevOpsInfrastructure.pools'
              properties: {
                serviceName: 'Microsoft.DevOpsInfrastructure/pools'
              }
            }
          ]
        }
      }
      {
        name: 'snet-aks-apiserver'
        properties: {
          addressPrefix: subnetPrefixes.apiServer
          defaultOutboundAccess: false
          networkSecurityGroup: {
            id: apiServerNsg.id
          }
          delegations: [
            {
              name: 'Microsoft.ContainerService.managedClusters'
              properties: {
                serviceName: 'Microsoft.ContainerService/managedClusters'
              }
            }
          ]
        }
      }
      {
        name: 'snet-aks-ingress'
        properties: {
          addressPrefix: subnetPrefixes.ingress
          defaultOutboundAccess: false
          networkSecurityGroup: {
            id: ingressNsg.id
          }
        }
      }
      {
        name: 'AzureBastionSubnet'
        properties: {
          addressPrefix: subnetPrefixes.bastion
          defaultOutboundAccess: false
          networkSecurityGroup: {
            id: bastionNsg.id
          }
        }
      }
      {
        // Azure Firewall's subnet takes no network security group and no route table; the firewall
        // has its own public IP for the traffic it allows.
        name: 'AzureFirewallSubnet'
        properties: {
          addressPrefix: subnetPrefixes.firewall
          defaultOutboundAccess: false
        }
      }
    ]
  }

  resource nodesSubnet 'subnets' existing = {
    name: 'snet-aks-nodes'
  }

  resource privateEndpointsSubnet 'subnets' existing = {
    name: 'snet-private-endpoints'
  }

  resource agentsSubnet 'subnets' existing = {
    name: 'snet-devops-agents'
  }

  resource bastionSubnet 'subnets' existing = {
    name: 'AzureBastionSubnet'
  }

  resource firewallSubnet 'subnets' existing = {
    name: 'AzureFirewallSubnet'
  }
}

@description('Resource ID of the virtual network.')
output virtualNetworkId string = virtualNetwork.id

@description('Resource ID of the node subnet.')
output nodesSubnetId string = virtualNetwork::nodesSubnet.id

@description('Resource ID of the private endpoint subnet.')
output privateEndpointsSubnetId string = virtualNetwork::privateEndpointsSubnet.id

@description('Resource ID of the agent subnet.')
output agentsSubnetId string = virtualNetwork::agentsSubnet.id

@description('Resource ID of AzureBastionSubnet.')
output bastionSubnetId string = virtualNetwork::bastionSubnet.id

@description('Resource ID of AzureFirewallSubnet.')
output firewallSubnetId string = virtualNetwork::firewallSubnet.id
