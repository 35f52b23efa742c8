// The architecture diagram of the generated README: nodes, groups and edges as typed data, rendered
// as a Mermaid flowchart (the tests parse it with the real Mermaid parser).
import type { CoreContext } from '../context-core.ts';
import type { WorkloadContext } from '../workload.ts';
import { CUSTOM_ROLES, ROLES, type CustomRoleKey, type RoleKey } from '../roles.ts';

type Context = CoreContext;

export type NodeShape = 'box' | 'round' | 'stadium' | 'cylinder' | 'hexagon';

export interface DiagramNode {
  id: string;
  label: string;
  shape: NodeShape;
}

export interface DiagramGroup {
  id: string;
  label: string;
  children: Array<DiagramNode | DiagramGroup>;
}

export interface DiagramEdge {
  from: string;
  to: string;
  label: string;
  /** Solid: traffic; dotted: who may do what (role assignments, federation, logs). */
  style: 'solid' | 'dotted';
}

export interface Diagram {
  direction: 'LR' | 'TB';
  items: Array<DiagramNode | DiagramGroup>;
  edges: DiagramEdge[];
}

const node = (id: string, label: string, shape: NodeShape = 'box'): DiagramNode => ({ id, label, shape });
const group = (id: string, label: string, children: Array<DiagramNode | DiagramGroup>): DiagramGroup => ({ id, label, children });
const roles = (...keys: (RoleKey | CustomRoleKey)[]) => keys.map((k) => ({ ...ROLES, ...CUSTOM_ROLES })[k].name).join(', ');

export function architecture(ctx: Context): Diagram {
  const { names, answers, network, infra, workloads } = ctx;
  const subnet = (key: 'nodes' | 'privateEndpoints' | 'agents' | 'bastion' | 'ingress' | 'apiServer') => {
    const planned = network.subnet[key]!;
    return `${names.subnets[key]} ${planned.cidr}, NSG ${infra.names.networkSecurityGroups[key]}`;
  };
  const mdp = answers.agentPool === 'managedDevOpsPool';
  const wid = (w: WorkloadContext) => `wl${workloads.indexOf(w) + 1}`;
  const idOf = (w: WorkloadContext) => `${wid(w)}Identity`;

  const clusterChildren: Array<DiagramNode | DiagramGroup> = [
    node('apiServer', `API server of ${names.cluster}: private, Entra ID and Azure RBAC, no local accounts`, 'hexagon'),
    node('systemPool', `System node pool: ${infra.systemPool.minCount}-${infra.systemPool.maxCount} x ${infra.systemPool.vmSize}`),
    node('userPool', `User node pool: ${infra.userPool.minCount}-${infra.userPool.maxCount} x ${infra.userPool.vmSize}`),
    // One line per workload (no namespace subgraphs), so adding a workload adds lines and moves none.
    ...workloads.map((w) =>
      node(wid(w), `${w.web ? 'Web workload' : 'Worker'} ${w.name} in namespace ${w.namespace}: service account ${w.names.serviceAccount}${w.exposed ? `, https://${w.host}` : ''}`, 'round'),
    ),
  ];
  const gateway = ctx.k8s.gateway;
  if (gateway.enabled) {
    clusterChildren.push(
      node('gateway', `Private gateway ${gateway.spec.name} (${gateway.spec.className}) in namespace ${gateway.spec.namespace}: HTTPS with the Key Vault certificate ${gateway.spec.certificateName}, HTTP redirected`, 'hexagon'),
    );
  }

  const vnetChildren: Array<DiagramNode | DiagramGroup> = [
    group('apiServerSubnet', `${subnet('apiServer')}, delegated to AKS`, [node('apiServerEndpoint', 'API server internal load balancer (API Server VNet Integration)')]),
    group('nodesSubnet', subnet('nodes'), [group('cluster', `AKS cluster ${names.cluster}: every namespace Pod Security restricted, default-deny network policies, secrets in etcd encrypted by KMS, disks encrypted at the host`, clusterChildren)]),
    group('endpointsSubnet', subnet('privateEndpoints'), [
      node('registryEndpoint', `Private endpoint ${infra.names.registryPrivateEndpoint}`),
      node('vaultEndpoint', `Private endpoint ${infra.names.keyVaultPrivateEndpoint}`),
    ]),
    group('ingressSubnet', subnet('ingress'), [node('gatewayLoadBalancer', `Internal load balancer of the private gateway: ${network.ingressGatewayIp}, no public IP`)]),
    group('agentsSubnet', subnet('agents'), [
      mdp
        ? node('agents', `Managed DevOps Pool ${names.agentPool}, dev center ${names.devCenter}, project ${names.devCenterProject}`)
        : node('agents', `Agent scale set ${names.agentScaleSet}, elastic pool ${names.agentPool}`),
    ]),
  ];
  if (answers.bastion) {
    vnetChildren.unshift(group('bastionSubnet', subnet('bastion'), [node('bastion', `Azure Bastion ${names.bastion} (${answers.bastionSku}, native client tunnelling), public IP ${names.bastionPublicIp}`)]));
  }
  const firewall = infra.egress.firewall;
  if (firewall) {
    vnetChildren.push(
      group('firewallSubnet', `${names.subnets.firewall} ${network.subnet.firewall!.cidr}`, [
        node('firewall', `Azure Firewall ${names.firewall} (Standard, ${network.firewallIp}), policy ${names.firewallPolicy} with rule collection group egress-allowlist: threat intelligence deny; public IP ${names.firewallPublicIp}`),
      ]),
    );
  }

  const items: Array<DiagramNode | DiagramGroup> = [
    node('operators', 'Operators: members of the cluster admin groups', 'stadium'),
    node('devops', `Azure DevOps: pipeline and service connection ${answers.serviceConnection}`, 'stadium'),
    group('resourceGroup', `Resource group ${names.resourceGroup}`, [
      node('deployment', `Deployment ${names.deployment} of infra/main.bicep: everything in this resource group`),
      group('vnet', `Virtual network ${names.virtualNetwork} ${network.addressSpace}`, vnetChildren),
      node('registry', `Container registry ${names.registry}: Premium, public access disabled`, 'cylinder'),
      node('vault', `Key vault ${names.keyVault}: Azure RBAC, public access disabled, purge protection; etcd encryption key ${names.kmsKey}, rotated every ${infra.kms.rotateAfterDays} days`, 'cylinder'),
      node('dns', 'Private DNS zones privatelink.azurecr.io and privatelink.vaultcore.azure.net, linked to the virtual network'),
      node('workloadDns', `Private DNS zone ${answers.privateDnsZone}, linked to the virtual network: an A record per exposed workload`),
      firewall
        ? node('egressRoutes', `Route table ${names.egressRouteTable}: 0.0.0.0/0 to the firewall, on ${names.subnets.nodes} and ${names.subnets.agents}`)
        : node('nat', `NAT gateway ${names.natGateway}, public IP ${names.natPublicIp}`),
      node('logs', `Log Analytics ${names.logAnalytics}, data collection rule ${infra.names.dataCollectionRule}`, 'cylinder'),
      node('clusterIdentity', `Managed identity ${names.clusterIdentity}: cluster control plane`, 'hexagon'),
      node('kubeletIdentity', `Kubelet identity: created by AKS in ${names.nodeResourceGroup}`, 'hexagon'),
      node('pipelineIdentity', `Managed identity ${names.pipelineIdentity}: pipeline`, 'hexagon'),
      node('gatewayIdentity', `Managed identity ${names.gatewayIdentity}: private gateway certificate`, 'hexagon'),
      ...workloads.map((w) => node(idOf(w), `Managed identity ${w.names.identity}: workload ${w.name}`, 'hexagon')),
    ]),
  ];
  if (mdp) items.push(node('devOpsInfrastructure', 'DevOpsInfrastructure service principal: Managed DevOps Pools', 'stadium'));

  const solid = (from: string, to: string, label: string): DiagramEdge => ({ from, to, label, style: 'solid' });
  const dotted = (from: string, to: string, label: string): DiagramEdge => ({ from, to, label, style: 'dotted' });
  const edges: DiagramEdge[] = [];
  if (answers.bastion) {
    edges.push(solid('operators', 'bastion', 'scripts/connect.sh: tunnel over HTTPS'), solid('bastion', 'apiServer', 'port 443'));
  } else {
    edges.push(solid('operators', 'apiServer', 'from a machine inside the virtual network'));
  }
  edges.push(
    dotted('operators', 'apiServer', roles('aksRbacClusterAdmin')),
    solid('devops', 'agents', `runs every job on ${names.agentPool}`),
    dotted('devops', 'pipelineIdentity', 'workload identity federation (federated credential), no secret'),
    solid('agents', 'apiServer', 'kubectl apply as the pipeline identity'),
    solid('agents', 'registryEndpoint', 'docker push'),
    dotted('pipelineIdentity', 'registry', roles('acrPush')),
    dotted('pipelineIdentity', 'apiServer', `${roles('aksClusterUser')}; ${roles('aksRbacAdmin')} in the workload namespaces; ${roles('aksNamespaceDeployer')} (custom role) for Namespace objects`),
    dotted('pipelineIdentity', 'deployment', `${roles('contributor')}; ${roles('roleBasedAccessControlAdministrator')} with a condition`),
    solid('registryEndpoint', 'registry', 'private link'),
    solid('vaultEndpoint', 'vault', 'private link'),
    solid('dns', 'registryEndpoint', 'resolves'),
    solid('dns', 'vaultEndpoint', 'resolves'),
    solid('userPool', 'registryEndpoint', 'image pull'),
    dotted('kubeletIdentity', 'registry', roles('acrPull')),
    dotted('clusterIdentity', 'apiServer', `${roles('networkContributor')} on ${names.subnets.nodes}, ${names.subnets.ingress} and ${names.subnets.apiServer}`),
    dotted('clusterIdentity', 'vault', `${roles('keyVaultCryptoUser')} on the key ${names.kmsKey}; ${roles('keyVaultContributor')} for the private link of KMS`),
    solid('apiServer', 'apiServerEndpoint', 'projected into the virtual network'),
    dotted('gatewayIdentity', 'vault', `${roles('keyVaultSecretsUser')}: the gateway's TLS certificate`),
    solid('workloadDns', 'gatewayLoadBalancer', `resolves *.${answers.privateDnsZone}`),
    ...(firewall
      ? [
          solid('userPool', 'egressRoutes', 'egress'),
          solid('agents', 'egressRoutes', 'egress'),
          solid('egressRoutes', 'firewall', 'next hop'),
          dotted('firewall', 'logs', 'diagnostic settings: every allow and deny'),
        ]
      : [solid('userPool', 'nat', 'egress'), solid('agents', 'nat', 'egress')]),
    dotted('apiServer', 'logs', 'audit logs, Container insights, Defender'),
    dotted('registry', 'logs', 'diagnostic settings'),
    dotted('vault', 'logs', 'diagnostic settings'),
  );
  if (answers.bastion) edges.push(dotted('bastion', 'logs', 'diagnostic settings'));
  if (mdp) edges.push(dotted('devOpsInfrastructure', 'agents', `${roles('reader')}, ${roles('networkContributor')} on ${names.virtualNetwork}`));
  if (gateway.enabled) {
    edges.push(
      solid('gatewayLoadBalancer', 'gateway', 'HTTPS 443 (HTTP 80 redirects)'),
      dotted('gateway', 'gatewayIdentity', `federated credential: service account ${gateway.spec.serviceAccount} syncs the certificate`),
    );
  } else {
    edges.push(dotted('apiServer', 'gatewayIdentity', 'federated credential, used once a workload is exposed'));
  }
  for (const w of workloads) {
    if (w.exposed) edges.push(solid('gateway', wid(w), `https://${w.host}`));
    edges.push(dotted(wid(w), idOf(w), 'federated credential: signs in with its service account token'));
    if (w.hasSecrets) {
      edges.push(dotted(idOf(w), 'vault', roles('keyVaultSecretsUser')), solid(wid(w), 'vaultEndpoint', 'secrets mounted by the CSI driver, rotated'));
    }
  }
  return { direction: 'LR', items, edges };
}

/** A Mermaid label: double-quoted, with Mermaid's entity codes for the characters that would end or reshape it. */
export function mermaidLabel(text: string): string {
  const escaped = text.replace(/[#"<>&]/g, (ch) => `#${ch.codePointAt(0)};`).replace(/\s+/g, ' ');
  return `"${escaped}"`;
}

const SHAPES: Record<NodeShape, [string, string]> = {
  box: ['[', ']'],
  round: ['(', ')'],
  stadium: ['([', '])'],
  cylinder: ['[(', ')]'],
  hexagon: ['{{', '}}'],
};

/**
 * The diagram as a Mermaid flowchart in the syntax both GitHub and Azure DevOps render: `flowchart`,
 * quoted labels, `subgraph id [label]`, `-->|label|` and `-.->|label|` edges; no HTML, no click handlers,
 * no styling.
 */
export function renderMermaid(diagram: Diagram): string {
  const lines = [`flowchart ${diagram.direction}`];
  const emit = (item: DiagramNode | DiagramGroup, depth: number) => {
    const pad = '  '.repeat(depth);
    if ('children' in item) {
      lines.push(`${pad}subgraph ${item.id} [${mermaidLabel(item.label)}]`);
      for (const child of item.children) emit(child, depth + 1);
      lines.push(`${pad}end`);
    } else {
      const [open, close] = SHAPES[item.shape];
      lines.push(`${pad}${item.id}${open}${mermaidLabel(item.label)}${close}`);
    }
  };
  for (const item of diagram.items) emit(item, 1);
  for (const edge of diagram.edges) {
    lines.push(`  ${edge.from} ${edge.style === 'solid' ? '-->' : '-.->'}|${mermaidLabel(edge.label)}| ${edge.to}`);
  }
  return lines.join('\n');
}
