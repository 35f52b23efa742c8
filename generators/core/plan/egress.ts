// Egress through Azure Firewall: the destinations the nodes and the agents may reach, as the firewall's
// application rules (infra/egress-allowlist.json, which infra/modules/firewall.bicep turns into rule
// collections; everything else is denied). Each entry names who needs it and why, after the documented
// lists: AKS's outbound rules (the AzureKubernetesService FQDN tag plus the add-ons this cluster runs),
// Managed DevOps Pools' networking requirements, Azure DevOps' allow-list for self-hosted agents, and
// what the pipeline's own steps download. An owner allows one more destination by adding an entry to
// `workloads` (the nodes' rule collection for their applications) and deploying.
import type { Answers } from '../answers/model.ts';

export interface EgressProtocol {
  protocolType: 'Http' | 'Https';
  port: number;
}

/** One application rule: FQDNs (or an FQDN tag) and protocols, for the rule collection it is listed in. */
export interface EgressRule {
  name: string;
  description: string;
  fqdnTags?: string[];
  targetFqdns?: string[];
  protocols: EgressProtocol[];
}

export interface EgressAllowlist {
  /**
   * From the node subnet: what the cluster's add-ons need. AKS's own required endpoints are the
   * AzureKubernetesService FQDN tag, a rule written in infra/modules/firewall.bicep itself.
   */
  nodes: EgressRule[];
  /** From the node subnet: what your applications need (empty until you add entries). */
  workloads: EgressRule[];
  /** From the agent subnet: what the self-hosted agents and the pipeline's steps need. */
  agents: EgressRule[];
}

const HTTPS: EgressProtocol[] = [{ protocolType: 'Https', port: 443 }];

/**
 * The firewall's FQDN tag for AKS's required endpoints (Microsoft maintains the list behind it: MCR,
 * Azure Resource Manager, Microsoft Entra ID, which workload identity also signs in with, and the
 * package and binary mirrors). The rule that uses it is written in infra/modules/firewall.bicep.
 */
export const AKS_FQDN_TAG = 'AzureKubernetesService';

export function egressAllowlist(answers: Pick<Answers, 'location' | 'agentPool'>): EgressAllowlist {
  const region = answers.location;
  const agents: EgressRule[] = [
    {
      name: 'azure-devops',
      description: 'Azure DevOps: the agent polls for jobs, downloads tasks and uploads logs and results.',
      targetFqdns: [
        'dev.azure.com',
        '*.dev.azure.com',
        '*.visualstudio.com',
        '*.vsblob.visualstudio.com',
        '*.vssps.visualstudio.com',
        '*.services.visualstudio.com',
        '*.vsassets.io',
        'vstsagentpackage.azureedge.net',
        'download.agent.dev.azure.com',
      ],
      protocols: HTTPS,
    },
    {
      name: 'azure-resource-manager',
      description: 'Microsoft Entra ID and Azure Resource Manager: the service connection signs in and deploys infra/.',
      targetFqdns: ['login.microsoftonline.com', 'management.azure.com'],
      protocols: HTTPS,
    },
  ];
  if (answers.agentPool === 'managedDevOpsPool') {
    agents.push(
      {
        name: 'managed-devops-pools',
        description: 'Managed DevOps Pools: the service endpoint, its worker binaries and queue, telemetry, and provisioning the Linux agents.',
        targetFqdns: [
          '*.prod.manageddevops.microsoft.com',
          'rmprodbuilds.azureedge.net',
          '*.queue.core.windows.net',
          'server.pipe.aria.microsoft.com',
          'www.microsoft.com',
          'packages.microsoft.com',
          'ppa.launchpad.net',
          'dl.fedoraproject.org',
        ],
        protocols: HTTPS,
      },
      {
        name: 'ubuntu-archive',
        description: 'Managed DevOps Pools provisions its Ubuntu agents from the Azure Ubuntu archive (HTTP; the packages are signed).',
        targetFqdns: ['azure.archive.ubuntu.com'],
        protocols: [{ protocolType: 'Http', port: 80 }],
      },
    );
  } else {
    agents.push(
      {
        name: 'ubuntu-packages',
        description: 'The scale set agents\' Ubuntu updates and the Microsoft package repository (HTTP for the archive; its packages are signed).',
        targetFqdns: ['azure.archive.ubuntu.com', 'packages.microsoft.com'],
        protocols: [
          { protocolType: 'Http', port: 80 },
          { protocolType: 'Https', port: 443 },
        ],
      },
    );
  }
  agents.push(
    {
      name: 'pipeline-tools',
      description: 'What the pipeline installs: the Bicep CLI (az bicep), kubectl (KubectlInstaller), kubelogin (KubeloginInstaller, GitHub releases) and PSRule (PowerShell Gallery).',
      targetFqdns: [
        'downloads.bicep.azure.com',
        'aka.ms',
        'github.com',
        'api.github.com',
        'objects.githubusercontent.com',
        'release-assets.githubusercontent.com',
        'dl.k8s.io',
        'cdn.dl.k8s.io',
        'www.powershellgallery.com',
        'psg-prod-eastus.azureedge.net',
        'onegetcdn.azureedge.net',
        'go.microsoft.com',
      ],
      protocols: HTTPS,
    },
    {
      name: 'container-base-images',
      description: 'Docker Hub, where the samples\' base images come from (docker build --pull); the built images go to the private registry.',
      targetFqdns: ['registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'],
      protocols: HTTPS,
    },
  );
  return {
    nodes: [
      {
        name: 'azure-monitor',
        description: 'Container insights and Microsoft Defender for Containers: Log Analytics ingestion and authentication, metrics, data collection rules, agent telemetry.',
        targetFqdns: [
          'dc.services.visualstudio.com',
          '*.ods.opinsights.azure.com',
          '*.oms.opinsights.azure.com',
          '*.monitoring.azure.com',
          `${region}.ingest.monitor.azure.com`,
          `${region}.handler.control.monitor.azure.com`,
          'global.handler.control.monitor.azure.com',
        ],
        protocols: HTTPS,
      },
      {
        name: 'azure-policy',
        description: 'The Azure Policy add-on: policy definitions and compliance reports, and the Gatekeeper artifacts of the built-in policies.',
        targetFqdns: ['data.policy.core.windows.net', 'store.policy.core.windows.net'],
        protocols: HTTPS,
      },
    ],
    workloads: [],
    agents,
  };
}

/** infra/egress-allowlist.json: pretty JSON (2 spaces) with a final newline. */
export function renderEgressAllowlist(allowlist: EgressAllowlist): string {
  return `${JSON.stringify(allowlist, null, 2)}\n`;
}
