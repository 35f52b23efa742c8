// The egress firewall: Azure Firewall Standard in AzureFirewallSubnet, managed by a firewall policy.
// The node and agent subnets route everything bound for the internet here (network.bicep); the policy
// allows only the application rules built from egress-allowlist.json, denies known-malicious addresses
// and domains (threat intelligence in deny mode), and denies everything else. Every allowed and denied
// connection is logged to Log Analytics.
//
// Why Standard: threat intelligence in deny mode needs Standard or Premium (Basic only alerts, and needs
// a management subnet and a second public IP); Premium adds TLS inspection and IDPS, which need a
// certificate authority of your own and cost about 40% more. Upgrade the policy and the firewall to
// Premium if you need them.

import { egressAllowlist, tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the firewall.')
param name string

@description('Name of the firewall policy.')
param policyName string

@description('Name of the firewall\'s public IP address (the source address of all allowed egress).')
param publicIpName string

@description('Resource ID of AzureFirewallSubnet.')
param subnetId string

@description('Availability zones of the firewall and its public IP address.')
param availabilityZones string[]

@description('Address prefix of the node subnet (the source of the nodes\' rules).')
param nodesSubnetPrefix string

@description('Address prefix of the agent subnet (the source of the agents\' rules).')
param agentsSubnetPrefix string

@description('The allowed destinations (egress-allowlist.json).')
param allowlist egressAllowlist

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

resource policy 'Microsoft.Network/firewallPolicies@2026-03-01' = {
  name: policyName
  location: location
  tags: tags
  properties: {
    sku: {
      tier: 'Standard'
    }
    threatIntelMode: 'Deny'
  }

  resource allowlistRules 'ruleCollectionGroups' = {
    name: 'egress-allowlist'
    properties: {
      priority: 200
      ruleCollections: concat(
        [
          {
            ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
            name: 'aks-nodes'
            priority: 100
            action: {
              type: 'Allow'
            }
            rules: concat(
              [
                {
                  ruleType: 'ApplicationRule'
                  name: 'aks-required'
                  description: 'AKS\'s required endpoints (Microsoft\'s FQDN tag): MCR, Azure Resource Manager, Microsoft Entra ID (also the workloads\' workload identity sign-in), the package and binary mirrors. The API server, the registry and the key vault are private and need no rule.'
                  fqdnTags: [
                    'AzureKubernetesService'
                  ]
                  protocols: [
                    {
                      protocolType: 'Https'
                      port: 443
                    }
                    {
                      protocolType: 'Http'
                      port: 80
                    }
                  ]
                  sourceAddresses: [
                    nodesSubnetPrefix
                  ]
                }
              ],
              map(allowlist.nodes, rule => union(rule, nodesSource))
            )
          }
          {
            ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
            name: 'devops-agents'
            priority: 300
            action: {
              type: 'Allow'
            }
            rules: map(allowlist.agents, rule => union(rule, agentsSource))
          }
        ],
        // Your applications' destinations, from the node subnet: present once egress-allowlist.json lists any.
        empty(allowlist.workloads)
          ? []
          : [
              {
                ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
                name: 'workloads'
                priority: 200
                action: {
                  type: 'Allow'
                }
                rules: map(allowlist.workloads, rule => union(rule, nodesSource))
              }
            ]
      )
    }
  }
}

@description('What every rule of the node collections adds to its entry: the type and the source.')
var nodesSource = {
  ruleType: 'ApplicationRule'
  sourceAddresses: [
    nodesSubnetPrefix
  ]
}

@description('What every rule of the agents\' collection adds to its entry: the type and the source.')
var agentsSource = {
  ruleType: 'ApplicationRule'
  sourceAddresses: [
    agentsSubnetPrefix
  ]
}

resource firewall 'Microsoft.Network/azureFirewalls@2026-03-01' = {
  name: name
  location: location
  tags: tags
  zones: availabilityZones
  properties: {
    sku: {
      name: 'AZFW_VNet'
      tier: 'Standard'
    }
    firewallPolicy: {
      id: policy.id
    }
    ipConfigurations: [
      {
        name: 'egress'
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
  dependsOn: [
    policy::allowlistRules
  ]
}

// Diagnostic settings have no generally available API version after 2016-09-01, which allows one
// setting per resource, named 'service', and writes to the AzureDiagnostics table: application rule
// and network rule decisions, including the threat intelligence denials.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2016-09-01' = {
  name: 'service'
  location: location
  scope: firewall
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AzureFirewallApplicationRule'
        enabled: true
      }
      {
        category: 'AzureFirewallNetworkRule'
        enabled: true
      }
      {
        category: 'AzureFirewallDnsProxy'
        enabled: true
      }
    ]
  }
}

@description('Public IP address of the egress: allow it where your destinations restrict callers.')
output publicIpAddress string = publicIp.properties.ipAddress
