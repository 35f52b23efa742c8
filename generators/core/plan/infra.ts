// What the Bicep under infra/ needs beyond the answers: API versions, built-in role IDs, the custom
// role, node pool shapes, the agents' VM, maintenance windows, the deploy-time parameters of the
// .bicepparam file, the pipeline identity's role assignment condition and the workload list
// (infra/workloads.json).
// Templates read these through `ctx.infra`; the workload generator reuses infraWorkloadEntry and
// renderInfraWorkloads to add a workload to infra/workloads.json structurally.
import type { Answers } from '../answers/model.ts';
import { infraNames, WORKLOAD_IDENTITY_PREFIX, type InfraNames, type Names } from '../answers/naming.ts';
import { CUSTOM_ROLES, isCustomRole, ROLES, type CustomRoleKey, type RoleKey } from './roles.ts';
import type { WorkloadContext } from './workload.ts';
import { AKS_FQDN_TAG, egressAllowlist, renderEgressAllowlist, type EgressAllowlist } from './egress.ts';

/**
 * Resource API versions: the newest generally available version of each type in the type index of
 * the Bicep CLI this generator is tested with (no -preview anywhere). Diagnostic settings have had no
 * GA version since 2016-09-01: that version only allows one setting per resource, named 'service',
 * and sends logs to the AzureDiagnostics table.
 */
export const API_VERSIONS = {
  containerService: '2026-08-01',
  containerRegistry: '2025-11-01',
  keyVault: '2026-05-15',
  network: '2026-03-01',
  privateDns: '2024-06-01',
  managedIdentity: '2024-11-30',
  operationalInsights: '2026-03-01',
  dataCollection: '2024-03-11',
  diagnosticSettings: '2016-09-01',
  authorization: '2022-04-01',
  devOpsInfrastructure: '2026-06-02',
  devCenter: '2025-02-01',
  compute: '2026-04-01',
} as const;


/** Who gets which role where: the role assignments of infra/, one line each (also the README's table). */
export interface RoleAssignmentPlan {
  /** A built-in role (ROLES) or the custom role infra/ defines (CUSTOM_ROLES): see isCustomRole. */
  role: RoleKey | CustomRoleKey;
  principal: string;
  scope: string;
  /**
   * Deployed only if it does not exist yet (@onlyIfNotExists): the pipeline identity's own access to the
   * resource group. Only an operator creates or changes these; the pipeline cannot (see the condition).
   */
  operatorOnly?: boolean;
}

export function roleAssignmentPlan(answers: Pick<Answers, 'agentPool'>): RoleAssignmentPlan[] {
  const plan: RoleAssignmentPlan[] = [
    { role: 'networkContributor', principal: 'cluster control-plane identity', scope: 'node subnet' },
    { role: 'networkContributor', principal: 'cluster control-plane identity', scope: 'ingress subnet (the private gateway\'s internal load balancer)' },
    { role: 'networkContributor', principal: 'cluster control-plane identity', scope: 'API server subnet (API Server VNet Integration)' },
    { role: 'keyVaultCryptoUser', principal: 'cluster control-plane identity', scope: 'the etcd encryption key (KMS)' },
    { role: 'keyVaultContributor', principal: 'cluster control-plane identity', scope: 'key vault (KMS creates its private link to the private vault)' },
    { role: 'acrPull', principal: 'kubelet identity', scope: 'container registry' },
    { role: 'aksRbacClusterAdmin', principal: 'admin groups', scope: 'cluster' },
    { role: 'keyVaultSecretsUser', principal: 'each workload identity that reads secrets', scope: 'key vault' },
    { role: 'keyVaultSecretsUser', principal: 'private gateway identity (reads its TLS certificate)', scope: 'key vault' },
    { role: 'contributor', principal: 'pipeline identity', scope: 'resource group', operatorOnly: true },
    { role: 'roleBasedAccessControlAdministrator', principal: 'pipeline identity', scope: 'resource group (with a condition)', operatorOnly: true },
    { role: 'acrPush', principal: 'pipeline identity', scope: 'container registry' },
    { role: 'aksClusterUser', principal: 'pipeline identity', scope: 'cluster' },
    { role: 'aksRbacAdmin', principal: 'pipeline identity', scope: "each workload namespace, and the private gateway's once a workload is exposed" },
    { role: 'aksNamespaceDeployer', principal: 'pipeline identity', scope: 'cluster (a custom role: Namespace objects only)' },
  ];
  if (answers.agentPool === 'managedDevOpsPool') {
    plan.push(
      { role: 'reader', principal: 'DevOpsInfrastructure service principal', scope: 'virtual network' },
      { role: 'networkContributor', principal: 'DevOpsInfrastructure service principal', scope: 'virtual network' },
    );
  }
  return plan;
}

/**
 * The condition on the pipeline identity's "Role Based Access Control Administrator" assignment: it may
 * create and delete role assignments only for the roles this template assigns (other than its own
 * operator-only access) and only to service principals and groups, which is all the template assigns to.
 * A custom role's ID is its placeholder here (see CUSTOM_ROLES), replaced in Bicep.
 */
export function roleAssignmentCondition(roleIds: readonly string[]): string {
  const ids = roleIds.join(', ');
  return [
    '(',
    '  (',
    "    !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})",
    '  )',
    '  OR',
    '  (',
    `    @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}`,
    '    AND',
    "    @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'Group'}",
    '  )',
    ')',
    'AND',
    '(',
    '  (',
    "    !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})",
    '  )',
    '  OR',
    '  (',
    `    @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}`,
    '  )',
    ')',
  ].join('\n');
}

/** One entry of infra/workloads.json: what the Bicep creates for a workload (identity, federation, roles). */
export interface InfraWorkload {
  name: string;
  namespace: string;
  serviceAccount: string;
  federatedCredentialName: string;
  /** Gets "Key Vault Secrets User" on the vault (the workload mounts Key Vault secrets). */
  readsSecrets: boolean;
  /** Reached through the private gateway: an A record for it in the private DNS zone. */
  exposed: boolean;
}

export function infraWorkloadEntry(w: WorkloadContext): InfraWorkload {
  return {
    name: w.name,
    namespace: w.namespace,
    serviceAccount: w.names.serviceAccount,
    federatedCredentialName: w.names.federatedCredential,
    readsSecrets: w.hasSecrets,
    exposed: w.exposed,
  };
}

/** infra/workloads.json: pretty JSON (2 spaces) with a final newline. */
export function renderInfraWorkloads(entries: readonly InfraWorkload[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

export interface NodePool {
  name: string;
  vmSize: string;
  /** Nodes at creation; the autoscaler keeps the count between minCount and maxCount. */
  count: number;
  minCount: number;
  maxCount: number;
}

export interface MaintenanceWindow {
  dayOfWeek: string;
  startTime: string;
  durationHours: number;
}

/** A value the operator supplies at deploy time through an environment variable (read by the .bicepparam). */
export interface DeployTimeParameter {
  param: string;
  env: string;
  /** Comment lines for the .bicepparam: what it is and how to find it. */
  help: string[];
  /**
   * The Bicep expression the .bicepparam assigns: the variable's value, or, when it is not set, a
   * fail() whose message names the variable (`bicep build-params` and every deployment stop there).
   */
  expression: string;
  /**
   * Set when scripts/deploy-infra.sh finds the value itself (and exports it for the deployment) when
   * the variable is not set: the command, and the resource provider whose registration it must follow.
   */
  lookup?: { command: string; afterProvider: string };
  /** The value as the short deploy recipe writes it (`export X=<example>`), and what it is, in a few words. */
  example: string;
  summary: string;
}

/** The .bicepparam message when a deploy-time variable is not set; single quotes would end the Bicep string. */
function missingMessage(env: string, what: string): string {
  return `${env} is not set: ${what}. Export it and deploy again (see the comment at the top of this file).`.replaceAll("'", '');
}

/** `empty(x) ? fail(...) : value`, laid out as `bicep format` writes it. */
function requiredFromEnvironment(env: string, what: string, value: (read: string) => string): string {
  const read = envExpression(env);
  return [`empty(${read})`, `  ? fail('${missingMessage(env, what)}')`, `  : ${value(read)}`].join('\n');
}

/** The object ID of the DevOpsInfrastructure service principal, which registering Microsoft.DevOpsInfrastructure creates. */
export const DEVOPS_INFRASTRUCTURE_LOOKUP = 'az ad sp list --display-name DevOpsInfrastructure --query "[0].id" --output tsv';

// The names of the resources only infra/ refers to are decided with the others, in answers/naming.ts.
export { infraNames, type InfraNames } from '../answers/naming.ts';

export interface InfraContext {
  names: InfraNames;
  api: typeof API_VERSIONS;
  roles: typeof ROLES & typeof CUSTOM_ROLES;
  systemPool: NodePool;
  userPool: NodePool;
  /** Availability zones of the node pools, registry and public IPs; empty in a region without zones. */
  zones: string[];
  /**
   * The shared modules take the zones as a parameter: this environment has zones, or (with several
   * environments, whose entry points share the modules) any environment has; one without passes [].
   */
  zonesParam: boolean;
  /**
   * The NAT gateway's `zones` (Bicep), or undefined for none: a NAT gateway sits in a zone only when
   * there is exactly one (with more, its public IP is zone-redundant instead).
   */
  natGatewayZones?: string;
  /** The registry is zone-redundant where the region has zones. */
  registryZoneRedundancy: 'Enabled' | 'Disabled';
  /**
   * With several environments: the registry module takes its zone redundancy and whether it is a
   * promotion source (a higher environment imports from it) as parameters.
   */
  sharedRegistry: boolean;
  /** A higher environment imports this environment's tested images (az acr import by digest). */
  promotionSource: boolean;
  /** Pods per node; Azure CNI Overlay takes pod IPs from the overlay range, not the subnet. */
  maxPods: number;
  maintenance: { kubernetes: MaintenanceWindow; nodeOs: MaintenanceWindow };
  agents: {
    managedDevOpsPool: boolean;
    vmss: boolean;
    vmSize: string;
    /** Managed DevOps Pool: the Azure Pipelines image (az, docker, jq preinstalled). */
    wellKnownImageName: string;
    /** VMSS: the marketplace image. */
    image: { publisher: string; offer: string; sku: string; version: string };
    adminUsername: string;
  };
  /**
   * adminGroupObjectIds: rendered into the .bicepparam (ids), or read from AKS_ADMIN_GROUP_OBJECT_IDS at
   * deploy time (fromEnvironment: the expression).
   */
  adminGroups: { ids: string[]; fromEnvironment?: string };
  /** Every value read from the environment, for the .bicepparam's header. */
  deployTimeParameters: DeployTimeParameter[];
  /** The required parameters other than adminGroupObjectIds that the .bicepparam reads from the environment. */
  agentParameters: DeployTimeParameter[];
  logRetentionDays: number;
  /**
   * The pipeline identity may assign these roles (and only to service principals and groups); a custom
   * role's id is its placeholder.
   */
  pipelineAssignableRoles: { id: string; name: string; custom: boolean }[];
  /** Its multi-line ABAC condition, placed into a Bicep ''' string; custom roles' placeholders replaced in Bicep. */
  pipelineRoleAssignmentCondition: string;
  customRoles: typeof CUSTOM_ROLES;
  roleAssignments: RoleAssignmentPlan[];
  /** Content of infra/workloads.json. */
  workloadsJson: string;
  /** Each workload's identity is named `<workloadIdentityPrefix><workload>-<environment>` (the environment's entry point passes the label). */
  workloadIdentityPrefix: string;
  /** The etcd encryption key (AKS KMS, private key vault mode). */
  kms: typeof KMS;
  egress: {
    /** Through Azure Firewall (route table on the node and agent subnets, outbound type userDefinedRouting). */
    firewall: boolean;
    natGateway: boolean;
    /** AKS's outbound type for the answer. */
    outboundType: 'userDefinedRouting' | 'userAssignedNATGateway';
    allowlist?: EgressAllowlist;
    /** Content of infra/egress-allowlist.json (egress firewall only). */
    allowlistJson?: string;
    /** The FQDN tag of AKS's required endpoints, in the rule firewall.bicep writes itself. */
    aksFqdnTag: typeof AKS_FQDN_TAG;
  };
}

export const AGENT_VM_SIZE = 'Standard_D2ads_v5';

/**
 * The etcd encryption key: RSA (what AKS KMS accepts), a new version every 180 days (Key Vault's
 * rotation policy), reached by AKS through its own private link (keyVaultNetworkAccess Private, which
 * needs API Server VNet Integration).
 */
export const KMS = { keySize: 2048, rotateAfter: 'P180D', rotateAfterDays: 180, networkAccess: 'Private' } as const;
export const MAX_PODS = 110;

function envExpression(env: string): string {
  return `readEnvironmentVariable('${env}', '')`;
}

export function infraContext(answers: Answers, names: Names, workloads: readonly WorkloadContext[]): InfraContext {
  const plan = roleAssignmentPlan(answers);
  const assignable = [...new Set(plan.filter((a) => !a.operatorOnly).map((a) => a.role))].map((role) =>
    isCustomRole(role)
      ? { id: CUSTOM_ROLES[role].placeholder, name: CUSTOM_ROLES[role].name, custom: true }
      : { id: ROLES[role].id, name: ROLES[role].name, custom: false },
  );
  const deployTime: DeployTimeParameter[] = [];
  if (answers.adminGroupObjectIds.length === 0) {
    deployTime.push({
      param: 'adminGroupObjectIds',
      env: 'AKS_ADMIN_GROUP_OBJECT_IDS',
      help: [
        'Entra ID groups whose members administer the cluster, comma-separated object IDs:',
        "az ad group show --group '<group name>' --query id --output tsv",
      ],
      example: '<group-id>[,<group-id>]',
      summary: 'the Entra ID groups that administer the cluster',
      expression: requiredFromEnvironment('AKS_ADMIN_GROUP_OBJECT_IDS', 'the object IDs of the Entra ID groups that administer the cluster, comma-separated', (read) => `split(${read}, ',')`),
    });
  }
  if (answers.agentPool === 'managedDevOpsPool') {
    deployTime.push({
      param: 'devOpsInfrastructureObjectId',
      env: 'DEVOPS_INFRASTRUCTURE_OBJECT_ID',
      help: [
        "Object ID of the DevOpsInfrastructure service principal in your tenant (Managed DevOps Pools' service).",
        'It exists once the resource provider Microsoft.DevOpsInfrastructure is registered in the subscription',
        '(scripts/deploy-infra.sh registers it, then looks the object ID up when this is not set):',
        DEVOPS_INFRASTRUCTURE_LOOKUP,
      ],
      example: '<object-id>',
      summary: 'the DevOpsInfrastructure service principal',
      expression: requiredFromEnvironment('DEVOPS_INFRASTRUCTURE_OBJECT_ID', 'the object ID of the DevOpsInfrastructure service principal', (read) => read),
      lookup: { command: DEVOPS_INFRASTRUCTURE_LOOKUP, afterProvider: 'Microsoft.DevOpsInfrastructure' },
    });
  }
  if (answers.agentPool === 'vmss') {
    deployTime.push({
      param: 'agentSshPublicKey',
      env: 'AGENT_SSH_PUBLIC_KEY',
      help: [
        "SSH public key of the agents' admin account (password sign-in is disabled), for example:",
        'ssh-keygen -t rsa -b 4096 -f ~/.ssh/agents && export AGENT_SSH_PUBLIC_KEY="$(cat ~/.ssh/agents.pub)"',
      ],
      example: '"$(cat ~/.ssh/agents.pub)"',
      summary: "the agents' SSH public key",
      expression: requiredFromEnvironment('AGENT_SSH_PUBLIC_KEY', 'the SSH public key of the admin account of the agents', (read) => read),
    });
  }
  return {
    names: infraNames(names, answers),
    api: API_VERSIONS,
    roles: { ...ROLES, ...CUSTOM_ROLES },
    systemPool: {
      name: 'system',
      vmSize: answers.systemNodeVmSize,
      count: answers.systemNodeCount,
      minCount: answers.systemNodeCount,
      maxCount: answers.systemNodeCount * 2,
    },
    userPool: {
      name: 'user',
      vmSize: answers.userNodeVmSize,
      count: answers.userNodeMinCount,
      minCount: answers.userNodeMinCount,
      maxCount: answers.userNodeMaxCount,
    },
    zones: [...answers.availabilityZones],
    zonesParam: answers.availabilityZones.length > 0,
    ...(answers.availabilityZones.length === 1 ? { natGatewayZones: 'availabilityZones' } : {}),
    registryZoneRedundancy: answers.availabilityZones.length > 0 ? 'Enabled' : 'Disabled',
    sharedRegistry: false,
    promotionSource: false,
    maxPods: MAX_PODS,
    maintenance: {
      kubernetes: { dayOfWeek: 'Sunday', startTime: '02:00', durationHours: 4 },
      nodeOs: { dayOfWeek: 'Saturday', startTime: '02:00', durationHours: 4 },
    },
    agents: {
      managedDevOpsPool: answers.agentPool === 'managedDevOpsPool',
      vmss: answers.agentPool === 'vmss',
      vmSize: AGENT_VM_SIZE,
      wellKnownImageName: 'ubuntu-24.04/latest',
      image: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
      adminUsername: 'azureagent',
    },
    adminGroups: {
      ids: [...answers.adminGroupObjectIds],
      fromEnvironment: deployTime.find((p) => p.param === 'adminGroupObjectIds')?.expression,
    },
    deployTimeParameters: deployTime,
    agentParameters: deployTime.filter((p) => p.param !== 'adminGroupObjectIds'),
    logRetentionDays: 30,
    pipelineAssignableRoles: assignable,
    pipelineRoleAssignmentCondition: roleAssignmentCondition(assignable.map((r) => r.id)),
    customRoles: CUSTOM_ROLES,
    roleAssignments: plan,
    workloadsJson: renderInfraWorkloads(workloads.map(infraWorkloadEntry)),
    workloadIdentityPrefix: WORKLOAD_IDENTITY_PREFIX,
    kms: KMS,
    egress: egressContext(answers),
  };
}

function egressContext(answers: Answers): InfraContext['egress'] {
  const firewall = answers.egress === 'firewall';
  if (!firewall) return { firewall, natGateway: true, outboundType: 'userAssignedNATGateway', aksFqdnTag: AKS_FQDN_TAG };
  const allowlist = egressAllowlist(answers);
  return { firewall, natGateway: false, outboundType: 'userDefinedRouting', allowlist, allowlistJson: renderEgressAllowlist(allowlist), aksFqdnTag: AKS_FQDN_TAG };
}
