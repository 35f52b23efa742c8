// The bad-input corpus: every case is an input the generator must refuse, with the key and the rule
// its message must name. Two test files run every case: test/reliability.cli.test.ts through the real
// bin in real temp folders, test/reliability.generator.test.ts through the Yeoman generator in memory.
// Both check that nothing in the destination was created or changed.
//
// Conventions:
//   - the run happens in a fresh temp folder (the working directory); the destination is `out` in it
//     unless `destination` says otherwise (relative to the temp folder, or absolute);
//   - `answersFile` is written to `answers.yaml` (or `answersFileName`) in the temp folder and passed
//     as `--answers answers.yaml`;
//   - in `expect.key`, `{answers}` is the absolute path of the answers file and `{tmp}` the temp folder;
//   - the problem line is `  - <key> <value>: <rule>` or `  - <key>: <rule>`; `rule` must match that line.

export type Setup =
  /** The destination is a file. */
  | 'file-destination'
  /** The destination's parent is a file (`file.txt/out`). */
  | 'parent-is-file'
  /** The destination holds files and no .yo-rc.json. */
  | 'non-empty-folder'
  /** The destination's .yo-rc.json belongs to another generator. */
  | 'other-generator'
  /** The destination's .yo-rc.json is not JSON. */
  | 'broken-yo-rc'
  /** The destination's parent is on a read-only mount (a read-only bind of the temp folder's `ro`). */
  | 'read-only-parent'
  /** The destination itself is an empty folder on a read-only mount. */
  | 'read-only-destination'
  /** The destination holds a .yo-rc.json with `stored` as this generator's answers. */
  | 'stored-answers'
  /** The destination is a repository generated from the defaults, whose README.md its owner edited. */
  | 'edited-repository'
  /** The answers file path names a folder. */
  | 'answers-is-folder'
  /** The answers file is larger than the 1 MiB limit. */
  | 'answers-too-large';

export interface BadInput {
  id: string;
  description: string;
  /** Command-line arguments (after the destination and --yes). */
  flags?: string[];
  /** Raw text of the answers file. */
  answersFile?: string;
  answersFileName?: string;
  setup?: Setup;
  /** Answers stored in .yo-rc.json, for the `stored-answers` setup. */
  stored?: Record<string, unknown>;
  /** The destination argument; default `out`. */
  destination?: string;
  /** A command-line parse error: the generator, which has no command line, cannot see it. */
  cliOnly?: boolean;
  expect: { key: string; rule: RegExp | string };
}

const GUID = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const NAME_RULE = /2-20 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen/;
const NON_ASCII = (code: string) => new RegExp(`contains the character U\\+${code}; only printable ASCII is allowed`);
const SPACES = 'has leading or trailing spaces';

/** A workload list in an answers file, with one workload's fields. */
const workload = (fields: string) => `name: orders\nworkloads:\n  - name: api\n${fields}`;

export const BAD_INPUTS: BadInput[] = [
  // --- naming rules, per Azure resource type --------------------------------------------------------
  { id: 'name-uppercase', description: 'service name with capitals', flags: ['--name', 'Orders'], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-too-short', description: 'one-character service name', flags: ['--name', 'a'], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-too-long', description: '21-character service name', flags: ['--name', 'a'.repeat(21)], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-leading-digit', description: 'service name starting with a digit', flags: ['--name', '1orders'], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-trailing-hyphen', description: 'service name ending with a hyphen', flags: ['--name=orders-'], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-double-hyphen', description: 'service name with "--"', flags: ['--name', 'ord--ers'], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-underscore', description: 'service name with an underscore', flags: ['--name', 'ord_ers'], expect: { key: 'name', rule: NAME_RULE } },
  { id: 'name-empty', description: 'empty service name', flags: ['--name='], expect: { key: 'name', rule: 'must not be empty' } },
  { id: 'name-from-folder', description: 'no --name, and the folder name is not a valid name', destination: 'My_Service', expect: { key: 'name', rule: /2-20 lowercase letters.*\(the default: the target folder's name; set name to choose another\)/ } },
  { id: 'environment-uppercase', description: 'environment with capitals', flags: ['--environment', 'Dev'], expect: { key: 'environment', rule: '2-8 lowercase letters and digits, starting with a letter' } },
  { id: 'environment-too-long', description: '9-character environment', flags: ['--environment', 'staging12'], expect: { key: 'environment', rule: '2-8 lowercase letters and digits' } },
  { id: 'environment-hyphen', description: 'environment with a hyphen', flags: ['--environment', 'dev-1'], expect: { key: 'environment', rule: '2-8 lowercase letters and digits' } },
  { id: 'acr-hyphen', description: 'registry name with a hyphen', flags: ['--acr-name', 'cr-orders'], expect: { key: 'acrName', rule: '5-50 lowercase letters and digits only' } },
  { id: 'acr-too-short', description: '4-character registry name', flags: ['--acr-name', 'cr12'], expect: { key: 'acrName', rule: '5-50 lowercase letters and digits only' } },
  { id: 'acr-too-long', description: '51-character registry name', flags: ['--acr-name', 'c'.repeat(51)], expect: { key: 'acrName', rule: '5-50 lowercase letters and digits only' } },
  { id: 'acr-uppercase', description: 'registry name with capitals', flags: ['--acr-name', 'CrOrders01'], expect: { key: 'acrName', rule: '5-50 lowercase letters and digits only' } },
  { id: 'kv-leading-digit', description: 'Key Vault name starting with a digit', flags: ['--key-vault-name', '1kv-orders'], expect: { key: 'keyVaultName', rule: /3-24 letters, digits and single hyphens, starting with a letter/ } },
  { id: 'kv-double-hyphen', description: 'Key Vault name with "--"', flags: ['--key-vault-name', 'kv--orders'], expect: { key: 'keyVaultName', rule: /single hyphens/ } },
  { id: 'kv-trailing-hyphen', description: 'Key Vault name ending with a hyphen', flags: ['--key-vault-name=kv-orders-'], expect: { key: 'keyVaultName', rule: /ending with a letter or digit/ } },
  { id: 'kv-too-long', description: '25-character Key Vault name', flags: ['--key-vault-name', `kv-${'o'.repeat(22)}`], expect: { key: 'keyVaultName', rule: /^.*3-24 letters/ } },
  { id: 'kv-underscore', description: 'Key Vault name with an underscore', flags: ['--key-vault-name', 'kv_orders'], expect: { key: 'keyVaultName', rule: /3-24 letters, digits and single hyphens/ } },
  { id: 'pool-uppercase', description: 'agent pool name with capitals', flags: ['--agent-pool-name', 'Pool-Orders'], expect: { key: 'agentPoolName', rule: '3-44 lowercase letters, digits and single hyphens' } },
  { id: 'pool-too-long', description: '45-character agent pool name', flags: ['--agent-pool-name', `pool-${'a'.repeat(40)}`], expect: { key: 'agentPoolName', rule: '3-44 lowercase letters' } },
  { id: 'pool-double-hyphen', description: 'agent pool name with "--"', flags: ['--agent-pool-name', 'pool--orders'], expect: { key: 'agentPoolName', rule: 'single hyphens' } },
  { id: 'service-connection-slash', description: 'service connection name with a slash', flags: ['--service-connection', 'sc/orders'], expect: { key: 'serviceConnection', rule: '1-64 letters, digits, dots, underscores and hyphens' } },
  { id: 'service-connection-too-long', description: '65-character service connection name', flags: ['--service-connection', 's'.repeat(65)], expect: { key: 'serviceConnection', rule: '1-64 letters' } },
  { id: 'ado-project-hash', description: 'Azure DevOps project name with "#"', flags: ['--ado-project', 'my#project'], expect: { key: 'adoProject', rule: '1-64 letters, digits, spaces, dots, underscores and hyphens' } },
  { id: 'ado-project-trailing-dot', description: 'Azure DevOps project name ending with a dot', flags: ['--ado-project', 'myproject.'], expect: { key: 'adoProject', rule: 'not ending with a dot' } },
  { id: 'ado-project-leading-underscore', description: 'Azure DevOps project name starting with "_"', flags: ['--ado-project', '_project'], expect: { key: 'adoProject', rule: 'starting with a letter or digit' } },
  { id: 'ado-project-too-long', description: '65-character Azure DevOps project name', flags: ['--ado-project', 'p'.repeat(65)], expect: { key: 'adoProject', rule: '1-64 letters' } },
  { id: 'ado-org-http', description: 'organization URL over plain http', flags: ['--ado-organization-url', 'http://dev.azure.com/contoso'], expect: { key: 'adoOrganizationUrl', rule: 'https://dev.azure.com/<organization>' } },
  { id: 'ado-org-trailing-slash', description: 'organization URL with a trailing slash', flags: ['--ado-organization-url', 'https://dev.azure.com/contoso/'], expect: { key: 'adoOrganizationUrl', rule: 'without a trailing slash' } },
  { id: 'ado-org-other-host', description: 'organization URL on another host', flags: ['--ado-organization-url', 'https://devops.example.com/contoso'], expect: { key: 'adoOrganizationUrl', rule: 'https://dev.azure.com/<organization>' } },
  { id: 'vm-size-no-prefix', description: 'VM size without Standard_', flags: ['--system-node-vm-size', 'D4ds_v5'], expect: { key: 'systemNodeVmSize', rule: 'an Azure VM size such as Standard_D4ds_v5' } },
  { id: 'vm-size-spaces', description: 'VM size with spaces', flags: ['--user-node-vm-size', 'Standard D4ds v5'], expect: { key: 'userNodeVmSize', rule: 'an Azure VM size' } },
  { id: 'k8s-version-unsupported', description: 'an unsupported Kubernetes minor', flags: ['--kubernetes-version', '1.20'], expect: { key: 'kubernetesVersion', rule: /a supported minor \(1\.\d\d/ } },
  { id: 'k8s-version-v-prefix', description: 'Kubernetes version with a "v"', flags: ['--kubernetes-version', 'v1.35'], expect: { key: 'kubernetesVersion', rule: 'a supported minor' } },
  { id: 'location-typo', description: 'misspelt region', flags: ['--location', 'westeurop'], expect: { key: 'location', rule: 'an Azure region name such as westeurope (did you mean "westeurope"?)' } },
  { id: 'location-display-name', description: 'region display name instead of its name', flags: ['--location', 'West Europe'], expect: { key: 'location', rule: 'an Azure region name' } },
  { id: 'bastion-sku-basic', description: 'Bastion Basic (no native client tunnelling)', flags: ['--bastion-sku', 'Basic'], expect: { key: 'bastionSku', rule: 'one of Standard, Premium' } },
  { id: 'agent-pool-kind', description: 'Microsoft-hosted agents', flags: ['--agent-pool', 'hosted'], expect: { key: 'agentPool', rule: 'one of managedDevOpsPool, vmss' } },
  { id: 'admin-group-not-guid', description: 'admin group that is not a GUID', flags: ['--admin-group-object-ids', 'platform-admins'], expect: { key: 'adminGroupObjectIds[0]', rule: 'must be a GUID' } },
  { id: 'admin-group-duplicate', description: 'the same admin group twice', flags: ['--admin-group-object-ids', `${GUID},${GUID.toUpperCase()}`], expect: { key: 'adminGroupObjectIds', rule: 'lists the same group twice' } },
  { id: 'zones-out-of-range', description: 'availability zone 4', flags: ['--availability-zones', '1,4'], expect: { key: 'availabilityZones[1]', rule: 'one of 1, 2, 3' } },
  { id: 'zones-duplicate', description: 'the same zone twice', flags: ['--availability-zones', '1,1'], expect: { key: 'availabilityZones', rule: 'lists the same zone twice' } },
  { id: 'private-endpoints-collide', description: 'registry and key vault names that give both private endpoints one name', flags: ['--acr-name', 'crorders01', '--key-vault-name', 'crorders01'], expect: { key: 'keyVaultName', rule: 'its private endpoint name "pe-crorders01" is the name of the container registry\'s private endpoint (from acrName)' } },
  { id: 'dev-center-too-long', description: 'name and environment valid alone, too long together for the Dev Center', flags: ['--name', 'abcdefghij-klmnopqrs', '--environment', 'staging1'], expect: { key: 'name', rule: /Microsoft\.DevCenter\/devcenters name "dc-abcdefghij-klmnopqrs-staging1" 32 characters long; Azure allows at most 26/ } },

  // --- reserved words -------------------------------------------------------------------------------
  { id: 'reserved-azure', description: 'service name "azure"', flags: ['--name', 'azure'], expect: { key: 'name', rule: '"azure" is a word Azure reserves' } },
  { id: 'reserved-word-in-name', description: 'reserved word as part of a hyphenated name', flags: ['--name', 'office-portal'], expect: { key: 'name', rule: '"office" is a word Azure reserves' } },
  { id: 'reserved-microsoft', description: '"microsoft" inside the service name', flags: ['--name', 'mymicrosoftapp'], expect: { key: 'name', rule: 'contains "microsoft"' } },
  { id: 'reserved-login', description: 'service name starting with "login"', flags: ['--name', 'login-portal'], expect: { key: 'name', rule: 'contains "login"' } },
  { id: 'reserved-acr', description: '"windows" inside the registry name', flags: ['--acr-name', 'crwindows01'], expect: { key: 'acrName', rule: 'contains "windows"' } },
  { id: 'reserved-kv', description: 'reserved word in the Key Vault name', flags: ['--key-vault-name', 'kv-office-dev'], expect: { key: 'keyVaultName', rule: '"office" is a word Azure reserves' } },
  { id: 'reserved-in-default-acr', description: 'name "micro-soft": the derived registry name spells "microsoft"', flags: ['--name', 'micro-soft'], expect: { key: 'acrName', rule: /contains "microsoft".*\(the default: cr<name><environment><hash>; set acrName to choose another\)/ } },

  // --- unicode look-alikes, invisible characters, spaces, very long strings --------------------------
  { id: 'unicode-cyrillic-name', description: 'Cyrillic "о" in the service name', flags: ['--name', 'c\u043entoso'], expect: { key: 'name', rule: NON_ASCII('043E') } },
  { id: 'unicode-zero-width-name', description: 'zero-width space in the service name', flags: ['--name', 'con\u200btoso'], expect: { key: 'name', rule: NON_ASCII('200B') } },
  { id: 'unicode-nbsp-project', description: 'no-break space in the project name', flags: ['--ado-project', 'my\u00a0project'], expect: { key: 'adoProject', rule: NON_ASCII('00A0') } },
  { id: 'unicode-fullwidth-count', description: 'fullwidth digit as a node count', flags: ['--system-node-count', '\uff13'], expect: { key: 'systemNodeCount', rule: 'must be a whole number' } },
  { id: 'unicode-fullwidth-cidr', description: 'fullwidth digits in the address space', flags: ['--address-space', '\uff11\uff10.42.0.0/16'], expect: { key: 'addressSpace', rule: NON_ASCII('FF11') } },
  { id: 'unicode-rtl-override-kv', description: 'right-to-left override in the Key Vault name', flags: ['--key-vault-name', 'kv-\u202esredro'], expect: { key: 'keyVaultName', rule: NON_ASCII('202E') } },
  { id: 'unicode-homoglyph-location', description: 'Cyrillic "о" in the region (looks like westeurope)', flags: ['--location', 'westeur\u043epe'], expect: { key: 'location', rule: NON_ASCII('043E') } },
  { id: 'unicode-workload-name', description: 'Cyrillic "а" in a workload name', answersFile: 'workloads:\n  - name: "\u0430pi"\n', expect: { key: 'workloads[0].name', rule: NON_ASCII('0430') } },
  { id: 'spaces-leading-name', description: 'leading space in the service name', flags: ['--name', ' orders'], expect: { key: 'name', rule: SPACES } },
  { id: 'spaces-trailing-project', description: 'trailing space in the project name', flags: ['--ado-project', 'my project '], expect: { key: 'adoProject', rule: SPACES } },
  { id: 'spaces-before-comma', description: 'space before the comma in a list flag (spaces after a comma are fine)', flags: ['--admin-group-object-ids', `${GUID} ,0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b`], expect: { key: 'adminGroupObjectIds[0]', rule: SPACES } },
  { id: 'spaces-choice', description: 'trailing space in a choice', flags: ['--bastion-sku', 'Standard '], expect: { key: 'bastionSku', rule: SPACES } },
  { id: 'spaces-cidr', description: 'leading space in a CIDR (answers file)', answersFile: 'serviceCidr: " 172.16.0.0/16"\n', expect: { key: 'serviceCidr', rule: SPACES } },
  { id: 'long-name', description: 'a 10,000-character service name (the message shows it cut)', flags: ['--name', 'a'.repeat(10_000)], expect: { key: 'name', rule: /…\(10002 characters\): 2-20 lowercase/ } },
  { id: 'long-secret', description: 'a 128-character secret name', answersFile: workload(`    secrets: [${'s'.repeat(128)}]\n`), expect: { key: 'workloads[0].secrets[0]', rule: '1-127 letters, digits and hyphens (a Key Vault secret name)' } },
  { id: 'long-answers-file', description: 'an answers file over 1 MiB', setup: 'answers-too-large', expect: { key: '--answers {answers}', rule: 'is larger than 1 MiB' } },

  // --- network ranges ---------------------------------------------------------------------------------
  { id: 'cidr-host-bits', description: 'address space with host bits set', flags: ['--address-space', '10.42.0.1/16'], expect: { key: 'addressSpace', rule: 'has host bits set (the network address of /16 is 10.42.0.0)' } },
  { id: 'cidr-slash-0', description: 'the whole IPv4 space', flags: ['--address-space', '0.0.0.0/0'], expect: { key: 'addressSpace', rule: 'prefix must be from /8 to /24' } },
  { id: 'cidr-slash-32', description: 'a single address', flags: ['--address-space', '10.42.0.0/32'], expect: { key: 'addressSpace', rule: 'prefix must be from /8 to /24' } },
  { id: 'cidr-ipv6', description: 'IPv6 address space', flags: ['--address-space', 'fd00:42::/48'], expect: { key: 'addressSpace', rule: 'must be an IPv4 CIDR (IPv6 is not supported here)' } },
  { id: 'cidr-ipv6-service', description: 'IPv6 service range', flags: ['--service-cidr', 'fd00:1::/108'], expect: { key: 'serviceCidr', rule: 'IPv6 is not supported' } },
  { id: 'cidr-public', description: 'public address space', flags: ['--address-space', '20.0.0.0/16'], expect: { key: 'addressSpace', rule: 'must be a private range' } },
  { id: 'cidr-no-prefix', description: 'an address without a prefix', flags: ['--address-space', '10.42.0.0'], expect: { key: 'addressSpace', rule: 'must be an IPv4 CIDR such as 10.42.0.0/16' } },
  { id: 'cidr-octet-256', description: 'an octet above 255', flags: ['--pod-cidr', '192.256.0.0/16'], expect: { key: 'podCidr', rule: 'must be an IPv4 CIDR' } },
  { id: 'overlap-address-service', description: 'service range inside the address space', flags: ['--service-cidr', '10.42.128.0/20'], expect: { key: 'serviceCidr', rule: 'overlaps addressSpace (10.42.0.0/16)' } },
  { id: 'overlap-address-pod', description: 'pod range containing the address space', flags: ['--pod-cidr', '10.0.0.0/8'], expect: { key: 'podCidr', rule: 'overlaps addressSpace (10.42.0.0/16)' } },
  { id: 'overlap-service-pod', description: 'service range inside the pod range', flags: ['--service-cidr', '192.168.0.0/20'], expect: { key: 'podCidr', rule: 'overlaps serviceCidr (192.168.0.0/20)' } },
  { id: 'cidr-aks-reserved', description: 'service range AKS reserves', flags: ['--service-cidr', '172.31.0.0/16'], expect: { key: 'serviceCidr', rule: 'overlaps 172.31.0.0/16, which AKS reserves' } },
  { id: 'plan-does-not-fit', description: 'address space too small for the subnets', flags: ['--address-space', '10.42.0.0/22'], expect: { key: 'addressSpace', rule: /the subnet plan \(.*\) needs at least a \/21/ } },
  { id: 'plan-does-not-fit-no-bastion', description: 'too small even without Bastion', flags: ['--address-space', '10.42.0.0/23', '--no-bastion'], expect: { key: 'addressSpace', rule: 'needs at least a /21' } },
  { id: 'cidr-service-too-small', description: 'service range smaller than /24', flags: ['--service-cidr', '172.16.0.0/25'], expect: { key: 'serviceCidr', rule: 'prefix must be from /12 to /24' } },
  { id: 'cidr-pod-too-small', description: 'pod range smaller than /21', flags: ['--pod-cidr', '192.168.0.0/22'], expect: { key: 'podCidr', rule: 'prefix must be from /8 to /21' } },

  // --- numbers and ports ------------------------------------------------------------------------------
  { id: 'count-zero', description: 'no system nodes', flags: ['--system-node-count', '0'], expect: { key: 'systemNodeCount', rule: 'a whole number from 1 to 10' } },
  { id: 'count-fraction', description: 'fractional node count', flags: ['--system-node-count', '3.5'], expect: { key: 'systemNodeCount', rule: 'must be a whole number' } },
  { id: 'count-hex', description: 'hexadecimal node count', flags: ['--user-node-max-count', '0x10'], expect: { key: 'userNodeMaxCount', rule: 'must be a whole number' } },
  { id: 'count-empty', description: 'empty node count', flags: ['--system-node-count='], expect: { key: 'systemNodeCount', rule: 'must be a whole number' } },
  { id: 'count-min-above-max', description: 'autoscaler minimum above maximum', flags: ['--user-node-min-count', '7', '--user-node-max-count', '6'], expect: { key: 'userNodeMinCount', rule: 'must not exceed userNodeMaxCount (6)' } },
  { id: 'concurrency-too-high', description: '21 concurrent agents', flags: ['--agent-max-concurrency', '21'], expect: { key: 'agentMaxConcurrency', rule: 'a whole number from 1 to 20' } },
  { id: 'port-privileged', description: 'port 80 (non-root containers cannot bind it)', answersFile: workload('    port: 80\n'), expect: { key: 'workloads[0].port', rule: 'a port from 1024 to 65535' } },
  { id: 'port-zero', description: 'port 0', answersFile: workload('    port: 0\n'), expect: { key: 'workloads[0].port', rule: 'a port from 1024 to 65535' } },
  { id: 'port-too-high', description: 'port 65536', answersFile: workload('    port: 65536\n'), expect: { key: 'workloads[0].port', rule: 'a port from 1024 to 65535' } },
  { id: 'port-string', description: 'port as a quoted string', answersFile: workload('    port: "8080"\n'), expect: { key: 'workloads[0].port', rule: 'must be a whole number' } },
  { id: 'replicas-zero', description: 'no replicas', answersFile: workload('    replicas: 0\n'), expect: { key: 'workloads[0].replicas', rule: 'a whole number from 1 to 50' } },
  { id: 'kind-unknown', description: 'a workload kind that does not exist', answersFile: workload('    kind: cronjob\n'), expect: { key: 'workloads[0].kind', rule: 'one of web, worker' } },
  { id: 'kind-case', description: 'a workload kind in capitals', answersFile: workload('    kind: Worker\n'), expect: { key: 'workloads[0].kind', rule: 'one of web, worker' } },
  { id: 'expose-public', description: 'public exposure (only behind a WAF, not generated)', answersFile: workload('    expose: public\n'), expect: { key: 'workloads[0].expose', rule: 'one of none, internal' } },
  { id: 'expose-worker', description: 'a worker exposed through the gateway', answersFile: workload('    kind: worker\n    expose: internal\n'), expect: { key: 'workloads[0].expose', rule: 'a worker accepts no connections' } },
  { id: 'workload-gateway-namespace', description: "a workload in the private gateway's namespace", answersFile: workload('    namespace: internal-gateway\n'), expect: { key: 'workloads[0].namespace', rule: 'the namespace of the private ingress gateway' } },
  { id: 'egress-none', description: 'egress with no control at all', flags: ['--egress', 'none'], expect: { key: 'egress', rule: 'one of firewall, natGateway' } },
  { id: 'egress-case', description: 'the egress kind in other capitals', flags: ['--egress', 'Firewall'], expect: { key: 'egress', rule: 'one of firewall, natGateway' } },
  { id: 'dns-zone-single-label', description: 'a private DNS zone of one label', flags: ['--private-dns-zone', 'internal'], expect: { key: 'privateDnsZone', rule: 'a lowercase DNS name of 2 or more labels' } },
  { id: 'dns-zone-privatelink', description: "an Azure privatelink zone as the workloads' zone", flags: ['--private-dns-zone', 'privatelink.contoso.com'], expect: { key: 'privateDnsZone', rule: 'a zone of your own' } },
  { id: 'dns-zone-uppercase', description: 'a private DNS zone with capitals', flags: ['--private-dns-zone', 'Dev.Orders.Internal'], expect: { key: 'privateDnsZone', rule: 'a lowercase DNS name' } },

  // --- workloads and secrets ------------------------------------------------------------------------
  { id: 'workload-duplicate', description: 'two workloads with one name', answersFile: 'workloads:\n  - name: api\n  - name: api\n    namespace: other\n', expect: { key: 'workloads[1].name', rule: 'duplicates workloads[0].name' } },
  { id: 'workload-empty-entry', description: 'an empty workload mapping', answersFile: 'workloads:\n  - {}\n', expect: { key: 'workloads[0].name', rule: 'is required' } },
  { id: 'workload-null-entry', description: 'an empty list item', answersFile: 'workloads:\n  -\n', expect: { key: 'workloads[0]', rule: 'must be a mapping with at least a name' } },
  { id: 'workload-empty-name', description: 'a workload with an empty name', answersFile: 'workloads:\n  - name: ""\n', expect: { key: 'workloads[0].name', rule: 'must not be empty' } },
  { id: 'workloads-not-a-list', description: 'workloads as a mapping', answersFile: 'workloads:\n  name: api\n', expect: { key: 'workloads', rule: 'must be a list of workloads' } },
  { id: 'workload-name-uppercase', description: 'workload name with capitals', answersFile: 'workloads:\n  - name: Api\n', expect: { key: 'workloads[0].name', rule: '2-40 lowercase letters, digits and hyphens' } },
  { id: 'workload-name-too-long', description: '41-character workload name', answersFile: `workloads:\n  - name: ${'w'.repeat(41)}\n`, expect: { key: 'workloads[0].name', rule: '2-40 lowercase letters' } },
  { id: 'workload-is-pipeline-identity', description: 'workload "pipeline-base" with name "base": its identity would be the pipeline identity', answersFile: 'name: base\nworkloads:\n  - name: pipeline-base\n', expect: { key: 'workloads[0].name', rule: 'its identity name "id-pipeline-base-dev" is the name of the pipeline identity' } },
  { id: 'workload-is-cluster-identity', description: 'workload "aks-base" with name "base": its identity would be the control-plane identity', answersFile: 'name: base\nworkloads:\n  - name: aks-base\n', expect: { key: 'workloads[0].name', rule: 'its identity name "id-aks-base-dev" is the name of the cluster\'s control-plane identity' } },
  { id: 'workload-reserved-prefix', description: 'a workload name with a platform identity\'s prefix', answersFile: 'name: base\nworkloads:\n  - name: pipeline-web\n', expect: { key: 'workloads[0].name', rule: /starts with "pipeline-".*workload names must not start with "aks-", "pipeline-" or "gateway-"/ } },
  { id: 'workload-default-deny', description: 'a workload whose NetworkPolicy would be the namespace\'s default-deny policy', answersFile: 'workloads:\n  - name: default-deny\n', expect: { key: 'workloads[0].name', rule: 'its NetworkPolicy name "default-deny" is the name of the namespace-wide NetworkPolicy of default-deny' } },
  { id: 'workload-name-bad-no-namespace', description: 'a bad workload name, no namespace given: only the name is reported', answersFile: 'workloads:\n  - name: Api_1\n', expect: { key: 'workloads[0].name', rule: '2-40 lowercase letters, digits and hyphens' } },
  { id: 'workload-name-reserved-namespace', description: 'a workload name that is valid but a reserved namespace, as the default namespace', answersFile: 'workloads:\n  - name: kube-api\n', expect: { key: 'workloads[0].namespace', rule: 'a namespace that Kubernetes or AKS reserves for itself (the default: the workload name; set namespace to choose another)' } },
  { id: 'workload-namespace-kube-system', description: 'workload in kube-system', answersFile: workload('    namespace: kube-system\n'), expect: { key: 'workloads[0].namespace', rule: 'a namespace that Kubernetes or AKS reserves for itself' } },
  { id: 'workload-namespace-default', description: 'workload in the default namespace', answersFile: workload('    namespace: default\n'), expect: { key: 'workloads[0].namespace', rule: 'reserves for itself' } },
  { id: 'workload-unknown-key', description: 'misspelt workload key', answersFile: workload('    prot: 8080\n'), expect: { key: 'workloads[0].prot', rule: 'unknown key (did you mean "port"?)' } },
  { id: 'secret-underscore', description: 'secret name with "_"', answersFile: workload('    secrets: [db_password]\n'), expect: { key: 'workloads[0].secrets[0]', rule: '1-127 letters, digits and hyphens (a Key Vault secret name)' } },
  { id: 'secret-dot', description: 'secret name with "."', answersFile: workload('    secrets: [db.password]\n'), expect: { key: 'workloads[0].secrets[0]', rule: 'a Key Vault secret name' } },
  { id: 'secret-space', description: 'secret name with a space', answersFile: workload('    secrets: ["db password"]\n'), expect: { key: 'workloads[0].secrets[0]', rule: 'a Key Vault secret name' } },
  { id: 'secret-empty', description: 'empty secret name', answersFile: workload('    secrets: [""]\n'), expect: { key: 'workloads[0].secrets[0]', rule: 'must not be empty' } },
  { id: 'secret-duplicate-case', description: 'two secrets Key Vault sees as one', answersFile: workload('    secrets: [Db-Password, db-password]\n'), expect: { key: 'workloads[0].secrets[1]', rule: 'duplicates another secret of this workload (Key Vault names ignore case)' } },
  { id: 'secrets-not-a-list', description: 'secrets as a mapping', answersFile: workload('    secrets: {db: password}\n'), expect: { key: 'workloads[0].secrets', rule: 'must be a list (such as [1, 2, 3] or - items) or comma-separated text such as 1,2,3' } },

  // --- answers files ----------------------------------------------------------------------------------
  { id: 'file-empty', description: 'empty answers file', answersFile: '', expect: { key: '{answers}', rule: 'is empty; expected a mapping of answers' } },
  { id: 'file-comment-only', description: 'answers file with only a comment', answersFile: '# nothing yet\n', expect: { key: '{answers}', rule: 'is empty' } },
  { id: 'file-list', description: 'answers file holding a list', answersFile: '- name: orders\n', expect: { key: '{answers}', rule: 'must be a mapping of answers, not a list' } },
  { id: 'file-scalar', description: 'answers file holding a string', answersFile: 'orders\n', expect: { key: '{answers}', rule: 'must be a mapping of answers, not string' } },
  {
    id: 'file-alias-bomb',
    description: 'billion-laughs anchors and aliases',
    answersFile: ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n') + '\n',
    expect: { key: '{answers}', rule: 'Excessive alias count indicates a resource exhaustion attack' },
  },
  { id: 'file-duplicate-key', description: 'a key given twice', answersFile: 'name: orders\nenvironment: dev\nname: billing\n', expect: { key: '{answers}:3:1', rule: 'Map keys must be unique; "name" appears more than once' } },
  { id: 'file-duplicate-key-nested', description: 'a workload key given twice', answersFile: 'workloads:\n  - name: api\n    port: 8080\n    port: 9090\n', expect: { key: '{answers}:4:5', rule: '"workloads[0].port" appears more than once' } },
  { id: 'file-duplicate-key-json', description: 'a JSON answers file with a key given twice', answersFileName: 'answers.json', answersFile: '{"name": "orders", "name": "billing"}\n', expect: { key: '{answers}:1:20', rule: '"name" appears more than once' } },
  { id: 'file-syntax-error', description: 'an unclosed flow sequence', answersFile: 'name: orders\navailabilityZones: [1, 2\n', expect: { key: '{answers}:3:1', rule: 'Flow sequence in block collection must be sufficiently indented and end with a ]' } },
  { id: 'file-indentation', description: 'a workload key indented one space too little', answersFile: 'name: orders\nworkloads:\n  - name: api\n   port: 8080\n', expect: { key: '{answers}:4:4', rule: 'indentation: "port: 8080" starts at column 4, but the keys above it start at column 5 (line 3: "- name: api")' } },
  { id: 'file-indentation-nested', description: 'a top-level key indented under another', answersFile: 'name: orders\n  location: westeurope\n', expect: { key: '{answers}:2:3', rule: 'indentation: "location: westeurope" starts at column 3, but the keys above it start at column 1' } },
  { id: 'file-missing-colon', description: 'a key without its colon', answersFile: 'name orders\nlocation: westeurope\n', expect: { key: '{answers}:1:1', rule: '"name orders" is not "key: value": a key needs a colon and a space after it' } },
  { id: 'file-tabs', description: 'tab indentation', answersFile: 'workloads:\n\t- name: api\n', expect: { key: '{answers}:2:1', rule: 'Tabs are not allowed as indentation' } },
  { id: 'file-multi-document', description: 'two YAML documents', answersFile: 'name: orders\n---\nname: billing\n', expect: { key: '{answers}:2:1', rule: 'Source contains multiple documents' } },
  { id: 'file-custom-tag', description: 'an unknown YAML tag', answersFile: 'name: !env SERVICE_NAME\n', expect: { key: '{answers}:1:7', rule: 'Unresolved tag: !env' } },
  { id: 'file-binary-tag', description: 'a binary value where a string belongs', answersFile: 'name: !!binary b3JkZXJz\n', expect: { key: 'name', rule: 'must be a string' } },
  { id: 'file-wrong-type-boolean', description: 'YAML 1.1 "yes" for a boolean (a string in YAML 1.2)', answersFile: 'bastion: yes\n', expect: { key: 'bastion', rule: 'must be true or false' } },
  { id: 'file-wrong-type-integer', description: 'a quoted number', answersFile: 'systemNodeCount: "3"\n', expect: { key: 'systemNodeCount', rule: 'must be a whole number' } },
  { id: 'file-wrong-type-string', description: 'a number for the name', answersFile: 'name: 123\n', expect: { key: 'name', rule: 'must be a string' } },
  { id: 'file-wrong-type-list', description: 'a fraction in a list of zones', answersFile: 'availabilityZones: [1.5, 2]\n', expect: { key: 'availabilityZones', rule: 'must be a list' } },
  { id: 'file-zone-number-out-of-range', description: 'availability zone 4, written as a number', answersFile: 'availabilityZones: [1, 4]\n', expect: { key: 'availabilityZones[1]', rule: 'one of 1, 2, 3' } },
  { id: 'file-null-value', description: 'an explicit null', answersFile: 'location: null\n', expect: { key: 'location', rule: 'must be a string' } },
  { id: 'file-unknown-key', description: 'a misspelt key', answersFile: 'acrname: crorders01\n', expect: { key: 'acrname', rule: 'unknown key (did you mean "acrName"?)' } },
  { id: 'file-proto-key', description: '"__proto__" (no prototype pollution, just an unknown key)', answersFile: '__proto__:\n  bastion: false\n', expect: { key: '__proto__', rule: 'unknown key' } },
  { id: 'file-merge-key', description: 'a YAML 1.1 merge key', answersFile: 'base: &base {name: orders}\n<<: *base\n', expect: { key: '<<', rule: 'unknown key' } },
  { id: 'file-not-found', description: 'an answers file that does not exist', flags: ['--answers', 'missing.yaml'], expect: { key: '--answers {tmp}/missing.yaml', rule: 'file not found' } },
  { id: 'file-is-folder', description: 'an answers file path that names a folder', setup: 'answers-is-folder', expect: { key: '--answers {answers}', rule: 'is not a file' } },

  // --- command line -----------------------------------------------------------------------------------
  { id: 'flag-missing-value-at-end', description: '--name as the last argument', flags: ['--name'], cliOnly: true, expect: { key: '--name', rule: 'needs a value' } },
  { id: 'flag-missing-value-before-flag', description: '--name followed by another flag', flags: ['--name', '--location', 'westeurope'], cliOnly: true, expect: { key: '--name', rule: 'needs a value, but the next argument is an option' } },
  { id: 'flag-answers-without-file', description: '--answers without a file', flags: ['--answers'], cliOnly: true, expect: { key: '--answers', rule: 'needs a value' } },
  { id: 'flag-unknown-did-you-mean', description: 'a flag in the wrong case', flags: ['--acrname', 'crorders01'], cliOnly: true, expect: { key: '--acrname', rule: 'unknown option (did you mean --acr-name?)' } },
  { id: 'flag-unknown-short', description: 'an unknown short flag', flags: ['-x'], cliOnly: true, expect: { key: '-x', rule: 'unknown option' } },
  { id: 'flag-switch-with-value', description: 'a value for a control switch', flags: ['--force=yes'], cliOnly: true, expect: { key: '--force', rule: 'is a switch and takes no value' } },
  { id: 'flag-boolean-bad-value', description: 'a value other than true or false for a boolean answer', flags: ['--bastion=maybe'], cliOnly: true, expect: { key: '--bastion', rule: 'must be true or false (--bastion, --bastion true, --bastion false or --no-bastion)' } },
  { id: 'flag-negated-value-option', description: '--no- on an option that takes a value', flags: ['--no-name'], cliOnly: true, expect: { key: '--no-name', rule: '--name takes a value and cannot be negated' } },
  { id: 'flag-extra-argument', description: 'two destinations', flags: ['second-folder'], cliOnly: true, expect: { key: '"second-folder"', rule: 'unexpected argument' } },

  // --- destination ------------------------------------------------------------------------------------
  { id: 'dest-is-file', description: 'the destination is a file', setup: 'file-destination', expect: { key: 'destination', rule: 'is a file, not a folder' } },
  { id: 'dest-parent-is-file', description: 'the destination is below a file', setup: 'parent-is-file', destination: 'file.txt/out', expect: { key: 'destination', rule: /cannot be created: .*\/file\.txt is a file/ } },
  { id: 'dest-non-empty', description: 'a folder with files, not a secure-aks repository', setup: 'non-empty-folder', expect: { key: 'destination', rule: 'is a folder with files that is not a secure-aks repository (no .yo-rc.json from generator-secure-aks)' } },
  { id: 'dest-other-generator', description: 'a repository of another Yeoman generator', setup: 'other-generator', expect: { key: 'destination', rule: 'its .yo-rc.json holds no generator-secure-aks answers' } },
  { id: 'dest-broken-yo-rc', description: 'a folder whose .yo-rc.json is not JSON', setup: 'broken-yo-rc', expect: { key: 'destination', rule: 'its .yo-rc.json is not valid JSON' } },
  { id: 'dest-read-only-parent', description: 'a new folder on a read-only mount', setup: 'read-only-parent', destination: 'ro/out', expect: { key: 'destination', rule: /cannot be created: .*\/ro is not writable/ } },
  { id: 'dest-read-only', description: 'an empty folder on a read-only mount', setup: 'read-only-destination', destination: 'ro', expect: { key: 'destination', rule: 'is not writable' } },
  { id: 'dest-proc-self', description: 'a folder below /proc/self', destination: '/proc/self/secure-aks', expect: { key: 'destination', rule: 'cannot be created: /proc/self is not writable' } },
  { id: 'dest-proc', description: 'a folder in /proc (root passes the access check there)', destination: '/proc/secure-aks', expect: { key: 'destination', rule: 'cannot be created: /proc is on procfs' } },
  { id: 'dest-dev-null', description: '/dev/null', destination: '/dev/null', expect: { key: 'destination', rule: 'is a file, not a folder' } },
  { id: 'stored-invalid', description: 'an invalid answer stored in .yo-rc.json', setup: 'stored-answers', stored: { name: 'orders', bastionSku: 'Basic' }, expect: { key: '.yo-rc.json bastionSku', rule: 'one of Standard, Premium' } },
  { id: 'stored-unknown-key', description: 'an unknown key stored in .yo-rc.json', setup: 'stored-answers', stored: { name: 'orders', colour: 'blue' }, expect: { key: '.yo-rc.json colour', rule: 'unknown key' } },
  { id: 'edited-repository', description: 'a re-run whose changed answer changes a line its owner changed too, without --force, --skip-existing or --conflict-markers', setup: 'edited-repository', flags: ['--location', 'northeurope', '--allow-destructive'], expect: { key: 'README.md', rule: 'you and the generator changed the same lines' } },
  { id: 'destructive-change', description: 'a re-run that re-aims a deployed environment, without --allow-destructive', setup: 'edited-repository', flags: ['--location', 'northeurope'], expect: { key: 'location', rule: 'moves the deployment from westeurope' } },
];
