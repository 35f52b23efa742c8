// Self-hosted Azure DevOps agents inside the virtual network: the VM scale set of an Azure DevOps
// elastic pool (scripts/bootstrap-devops.sh registers it). Azure DevOps installs its agent and scales
// the set between 0 and the pool's maximum itself, so the set starts empty, has no agent extension,
// no public IPs and no password: sign-in only with the SSH key. Egress leaves through the NAT gateway;
// the private DNS zones linked to the virtual network resolve the registry, the key vault and the API
// server privately.

import { tags as resourceTags } from '../types.bicep'

@description('Azure region.')
param location string

@description('Tags of every resource.')
param tags resourceTags

@description('Name of the scale set.')
param name string

@description('Resource ID of the agent subnet.')
param subnetId string

@description('VM size of the agents.')
param vmSize string

@description('Availability zones the agents spread over.')
param availabilityZones string[]

@description('Admin account of the agent VMs.')
param adminUsername string

@description('SSH public key of the admin account.')
@minLength(1)
param sshPublicKey string

resource scaleSet 'Microsoft.Compute/virtualMachineScaleSets@2026-04-01' = {
  name: name
  location: location
  tags: tags
  zones: availabilityZones
  sku: {
    name: vmSize
    tier: 'Standard'
    capacity: 0
  }
  properties: {
    orchestrationMode: 'Uniform'
    overprovision: false
    singlePlacementGroup: false
    platformFaultDomainCount: 1
    upgradePolicy: {
      mode: 'Manual'
    }
    virtualMachineProfile: {
      osProfile: {
        computerNamePrefix: 'agent'
        adminUsername: adminUsername
        linuxConfiguration: {
          disablePasswordAuthentication: true
          provisionVMAgent: true
          ssh: {
            publicKeys: [
              {
                path: '/home/${adminUsername}/.ssh/authorized_keys'
                keyData: sshPublicKey
              }
            ]
          }
        }
      }
      storageProfile: {
        imageReference: {
          publisher: 'Canonical'
          offer: 'ubuntu-24_04-lts'
          sku: 'server'
          version: 'latest'
        }
        osDisk: {
          createOption: 'FromImage'
          caching: 'ReadOnly'
          diffDiskSettings: {
            option: 'Local'
            placement: 'ResourceDisk'
          }
          managedDisk: {
            storageAccountType: 'Standard_LRS'
          }
        }
      }
      // Temp disk, caches and the OS disk's data flow encrypted at the host (the subscription feature
      // Microsoft.Compute/EncryptionAtHost, which scripts/deploy-infra.sh registers).
      securityProfile: {
        encryptionAtHost: true
        securityType: 'TrustedLaunch'
        uefiSettings: {
          secureBootEnabled: true
          vTpmEnabled: true
        }
      }
      networkProfile: {
        networkInterfaceConfigurations: [
          {
            name: 'nic-agent'
            properties: {
              primary: true
              ipConfigurations: [
                {
                  name: 'ipconfig'
                  properties: {
                    subnet: {
                      id: subnetId
                    }
                  }
                }
              ]
            }
          }
        ]
      }
      diagnosticsProfile: {
        bootDiagnostics: {
          enabled: true
        }
      }
    }
  }
}
