// IPv4 ranges and the subnet plan. Parsing and containment come from ipaddr.js; the plan packs
// fixed-size subnets into the address space, largest first, each aligned to its own size.
import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** The CIDR as written, e.g. 10.42.0.0/16. */
  text: string;
  address: ipaddr.IPv4;
  prefix: number;
  /** First and last address as unsigned 32-bit numbers. */
  first: number;
  last: number;
}

export function toNumber(address: ipaddr.IPv4): number {
  return address.octets.reduce((n, octet) => n * 256 + octet, 0);
}

export function fromNumber(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Parses an IPv4 CIDR strictly; returns the rule it breaks as a string. */
export function parseCidr(text: string): Cidr | string {
  if (text.includes(':')) return 'must be an IPv4 CIDR (IPv6 is not supported here)';
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  if (!match || !ipaddr.IPv4.isValidFourPartDecimal(match[1]!)) return 'must be an IPv4 CIDR such as 10.42.0.0/16';
  const prefix = Number(match[2]);
  if (prefix > 32) return 'must be an IPv4 CIDR such as 10.42.0.0/16';
  const address = ipaddr.IPv4.parse(match[1]!);
  const network = ipaddr.IPv4.networkAddressFromCIDR(text);
  if (network.toString() !== address.toString()) {
    return `has host bits set (the network address of /${prefix} is ${network.toString()})`;
  }
  const first = toNumber(address);
  return { text, address, prefix, first, last: first + 2 ** (32 - prefix) - 1 };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map(
  (c) => parseCidr(c) as Cidr,
);

export function isPrivate(c: Cidr): boolean {
  return PRIVATE_RANGES.some((range) => c.first >= range.first && c.last <= range.last);
}

/** Ranges AKS reserves and that no cluster range may overlap. */
export const AKS_RESERVED_RANGES = ['169.254.0.0/16', '172.30.0.0/16', '172.31.0.0/16', '192.0.2.0/24'].map(
  (c) => parseCidr(c) as Cidr,
);

export interface SubnetRequest {
  key: 'nodes' | 'bastion' | 'privateEndpoints' | 'agents' | 'ingress' | 'apiServer' | 'firewall';
  /** The Azure subnet name. */
  name: string;
  prefix: number;
  purpose: string;
}

export interface PlannedSubnet extends SubnetRequest {
  cidr: string;
}

/** The subnets the emitted VNet holds; AzureBastionSubnet and AzureFirewallSubnet must be /26 or larger. */
export function subnetRequests(options: { bastion: boolean; egress: 'firewall' | 'natGateway'; names: Record<SubnetRequest['key'], string> }): SubnetRequest[] {
  const requests: SubnetRequest[] = [
    { key: 'nodes', name: options.names.nodes, prefix: 22, purpose: 'AKS nodes (pods use the overlay range)' },
    { key: 'privateEndpoints', name: options.names.privateEndpoints, prefix: 27, purpose: 'private endpoints of ACR and Key Vault' },
    { key: 'agents', name: options.names.agents, prefix: 27, purpose: 'self-hosted Azure DevOps agents' },
    { key: 'ingress', name: options.names.ingress, prefix: 28, purpose: 'the private ingress gateway\'s internal load balancer (a fixed address)' },
    // AKS reserves at least 9 addresses here and scales the API server into it: a /27, above the /28 minimum.
    { key: 'apiServer', name: options.names.apiServer, prefix: 27, purpose: 'the API server (API Server VNet Integration; delegated to AKS)' },
  ];
  if (options.bastion) {
    requests.splice(1, 0, { key: 'bastion', name: 'AzureBastionSubnet', prefix: 26, purpose: 'Azure Bastion' });
  }
  if (options.egress === 'firewall') {
    // The Standard SKU needs no AzureFirewallManagementSubnet (only Basic, or forced tunnelling, does).
    requests.push({ key: 'firewall', name: 'AzureFirewallSubnet', prefix: 26, purpose: 'Azure Firewall (egress)' });
  }
  return requests;
}

/** Packs the requests into the space, largest first; a string says why the plan does not fit. */
export function planSubnets(space: Cidr, requests: SubnetRequest[]): PlannedSubnet[] | string {
  const ordered = [...requests].sort((a, b) => a.prefix - b.prefix);
  let next = space.first;
  const planned: PlannedSubnet[] = [];
  for (const request of ordered) {
    const size = 2 ** (32 - request.prefix);
    const start = Math.ceil(next / size) * size;
    if (request.prefix < space.prefix || start + size - 1 > space.last) {
      const needed = requests.map((r) => `${r.name} /${r.prefix}`).join(', ');
      const total = requests.reduce((sum, r) => sum + 2 ** (32 - r.prefix), 0);
      const minimum = 32 - Math.ceil(Math.log2(total));
      return `the subnet plan (${needed}) needs at least a /${minimum}`;
    }
    planned.push({ ...request, cidr: `${fromNumber(start)}/${request.prefix}` });
    next = start + size;
  }
  // Keep the order of the requests (nodes first) for readable output.
  return requests.map((r) => planned.find((p) => p.key === r.key)!);
}

/** The first address Azure lets a subnet hand out (it keeps the network address and the next three). */
export function firstUsableAddress(subnet: Cidr): string {
  return fromNumber(subnet.first + 4);
}

/** The DNS service IP AKS uses: the tenth address of the service range. */
export function dnsServiceIp(serviceCidr: Cidr): string {
  return fromNumber(serviceCidr.first + 10);
}
