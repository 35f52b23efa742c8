// The virtual network as the templates place it: the answered ranges, the subnets packed into the
// address space (answers/network.ts does the packing), and the cluster's DNS service address.
import type { Answers } from '../answers/model.ts';
import type { Names } from '../answers/naming.ts';
import { dnsServiceIp, firstUsableAddress, parseCidr, planSubnets, subnetRequests, type Cidr, type PlannedSubnet } from '../answers/network.ts';

export interface NetworkPlan {
  addressSpace: string;
  subnets: PlannedSubnet[];
  /** The subnets that get a network security group: all but AzureFirewallSubnet, which does not accept one. */
  withNsg: Array<PlannedSubnet & { key: Exclude<PlannedSubnet['key'], 'firewall'> }>;
  /** Subnet by key, for templates: network.subnet.nodes.cidr */
  subnet: Partial<Record<PlannedSubnet['key'], PlannedSubnet>>;
  serviceCidr: string;
  podCidr: string;
  dnsServiceIp: string;
  /** The private gateway's fixed address: the first usable one of the ingress subnet (its A records point here). */
  ingressGatewayIp: string;
  /** The firewall's private address (egress firewall): Azure gives it the first usable one of AzureFirewallSubnet. */
  firewallIp?: string;
}

export function networkPlan(answers: Answers, names: Names): NetworkPlan {
  const space = parseCidr(answers.addressSpace) as Cidr;
  const plan = planSubnets(space, subnetRequests({ bastion: answers.bastion, egress: answers.egress, names: names.subnets }));
  if (typeof plan === 'string') throw new Error(`addressSpace: ${plan}`); // resolve already rejected this
  return {
    addressSpace: answers.addressSpace,
    subnets: plan,
    withNsg: plan.filter((s): s is PlannedSubnet & { key: Exclude<PlannedSubnet['key'], 'firewall'> } => s.key !== 'firewall'),
    subnet: Object.fromEntries(plan.map((s) => [s.key, s])),
    serviceCidr: answers.serviceCidr,
    podCidr: answers.podCidr,
    dnsServiceIp: dnsServiceIp(parseCidr(answers.serviceCidr) as Cidr),
    ingressGatewayIp: firstUsableAddress(parseCidr(plan.find((s) => s.key === 'ingress')!.cidr) as Cidr),
    ...(answers.egress === 'firewall' ? { firewallIp: firstUsableAddress(parseCidr(plan.find((s) => s.key === 'firewall')!.cidr) as Cidr) } : {}),
  };
}
