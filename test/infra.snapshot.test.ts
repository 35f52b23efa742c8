// The security properties of infra/, asserted on what Bicep predicts Azure will be asked to create:
// `bicep snapshot` (test/helpers/snapshot.ts) evaluates every parameter, variable, loop, condition and
// module of each answer set the infra tests use (test/helpers/infra-matrix.ts) for a realistic scope
// and deploy-time values, so these checks see real names, CIDRs, role definition IDs, scopes and
// conditions, across modules, instead of the expressions a compiled template still holds:
//   - every role assignment's (principal, role, scope, principal type) is on an explicit allow-list,
//     and the pipeline's conditioned RBAC administration allows exactly the roles the template assigns;
//   - each workload's federated credential trusts exactly the service account its Deployment runs as
//     in the rendered overlay (kubectl kustomize), issued by this cluster's OIDC issuer;
//   - the cluster is private, Entra ID + Azure RBAC only, with local accounts disabled;
//   - the registry and the key vault refuse public network access;
//   - the only public IP addresses are the NAT gateway's and Azure Bastion's;
//   - the network is the answered and planned one.
// The default case's snapshot is also a reviewed file (test/golden/snapshots/default.snapshot.json),
// so a template change shows what it changes in Azure: `npm run golden:update` rewrites it on purpose.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { closeBicep, SAMPLE_DEPLOY_ENV } from './helpers/bicep.ts';
import { renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { GOLDEN_SNAPSHOT_FILE, goldenSnapshot } from './helpers/golden-snapshot.ts';
import { MATRIX, twoAtATime } from './helpers/infra-matrix.ts';
import { renderOverlays, type K8sObject } from './helpers/k8s.ts';
import { normalizeSnapshot, ofType, principalOf, roleOf, scopeOf, snapshotInfra, snapshotMetadata, type Snapshot, type SnapshotMetadata, type SnapshotResource } from './helpers/snapshot.ts';
import { toolOrSkip } from './helpers/tools.ts';

const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');

/**
 * Azure built-in role definition IDs (the same in every tenant), written out here rather than taken
 * from the generator's own table, so a wrong ID there cannot agree with itself.
 */
const BUILT_IN = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  aksRbacAdmin: '3498e952-d568-435e-9b2c-8d77e338d7f7',
  aksRbacClusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  keyVaultContributor: 'f25e0fa2-a7c8-4377-a976-54943a77a395',
} as const;
/** Roles that must appear nowhere: Owner, User Access Administrator, AKS RBAC Writer (cannot write custom resources, replaced). */
const NEVER = ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb'];

type TreeName = keyof typeof MATRIX;

interface Tree {
  rendered: Rendered;
  snapshot: Snapshot;
  meta: SnapshotMetadata;
  /** The overlay as kubectl kustomize renders it (placeholders for the deploy-time values). */
  objects: K8sObject[];
}

const trees = {} as Record<TreeName, Tree>;
const each = Object.keys(MATRIX) as TreeName[];
const temps: string[] = [];

const only = <T,>(items: T[], what: string): T => {
  expect(items, `exactly one ${what}`).toHaveLength(1);
  return items[0]!;
};

describe.skipIf(!bicepPath || !kubectlPath)('infra/ as bicep snapshot predicts it', () => {
  beforeAll(async () => {
    const built = await twoAtATime(
      each.map((name) => async (): Promise<Tree> => {
        const rendered = await renderRepository(MATRIX[name] as AnswerInput);
        const dir = writeTree(new Map([...rendered.files].filter(([path]) => path.startsWith('k8s/'))), 'secure-aks-snapshot-k8s-');
        temps.push(dir);
        const [snapshot, overlays] = await Promise.all([snapshotInfra(rendered), renderOverlays(kubectlPath!, dir, rendered.files.keys())]);
        return { rendered, snapshot, meta: snapshotMetadata(rendered), objects: [...overlays.values()].flat() };
      }),
    );
    each.forEach((name, i) => (trees[name] = built[i]!));
  }, 300_000);

  afterAll(() => {
    closeBicep();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  const rgId = (t: Tree) => `/subscriptions/${t.meta.subscriptionId}/resourceGroups/${t.meta.resourceGroup}`;
  const idOf = (t: Tree, type: string, ...names: string[]) => {
    const segments = type.split('/').slice(1);
    return `${rgId(t)}/providers/${type.split('/')[0]}/${segments.map((s, i) => `${s}/${names[i]}`).join('/')}`;
  };
  const get = (tree: TreeName, type: string) => ofType(trees[tree].snapshot, type);

  test.each(each)('%s: Bicep predicts the deployment without a diagnostic, at the answered names and region', (tree) => {
    const t = trees[tree];
    expect(t.snapshot.diagnostics).toEqual([]);
    const { names } = t.rendered.ctx;
    for (const [type, name] of [
      ['Microsoft.ContainerService/managedClusters', names.cluster],
      ['Microsoft.ContainerRegistry/registries', names.registry],
      ['Microsoft.KeyVault/vaults', names.keyVault],
      ['Microsoft.Network/virtualNetworks', names.virtualNetwork],
      t.rendered.answers.egress === 'firewall' ? ['Microsoft.Network/azureFirewalls', names.firewall] : ['Microsoft.Network/natGateways', names.natGateway],
    ] as const) {
      const resource = only(get(tree, type), type);
      expect(resource.name).toBe(name);
      expect(resource.id).toBe(idOf(t, type, name));
      expect(resource.location).toBe(t.rendered.answers.location);
    }
    for (const r of t.snapshot.predictedResources) expect(r.id.startsWith(`${rgId(t)}/`), r.id).toBe(true);
  });

  describe('role assignments', () => {
    type Grant = [principal: string, role: string, scope: string, principalType: string];

    /** Who may hold which role where, written from the answers: nothing else may be assigned. */
    function allowList(t: Tree, customRole: string): Grant[] {
      const { answers, ctx } = t.rendered;
      const { names } = ctx;
      const cluster = idOf(t, 'Microsoft.ContainerService/managedClusters', names.cluster);
      const registry = idOf(t, 'Microsoft.ContainerRegistry/registries', names.registry);
      const vault = idOf(t, 'Microsoft.KeyVault/vaults', names.keyVault);
      const vnet = idOf(t, 'Microsoft.Network/virtualNetworks', names.virtualNetwork);
      const pipeline = `identity:${names.pipelineIdentity}`;
      const admins = answers.adminGroupObjectIds.length > 0 ? answers.adminGroupObjectIds : SAMPLE_DEPLOY_ENV.AKS_ADMIN_GROUP_OBJECT_IDS!.split(',');
      const grants: Grant[] = [
        // The control plane manages the node subnet's network resources (and the API server's, for API
        // Server VNet Integration, and the ingress subnet's when there is a gateway); it reads the etcd
        // key (KMS) and may create KMS's private link to the vault. The kubelet pulls images.
        [`identity:${names.clusterIdentity}`, BUILT_IN.networkContributor, `${vnet}/subnets/${names.subnets.nodes}`, 'ServicePrincipal'],
        [`identity:${names.clusterIdentity}`, BUILT_IN.networkContributor, `${vnet}/subnets/${names.subnets.apiServer}`, 'ServicePrincipal'],
        ...(ctx.k8s.gateway.enabled ? [[`identity:${names.clusterIdentity}`, BUILT_IN.networkContributor, `${vnet}/subnets/${names.subnets.ingress}`, 'ServicePrincipal'] as Grant] : []),
        [`identity:${names.clusterIdentity}`, BUILT_IN.keyVaultCryptoUser, `${vault}/keys/${names.kmsKey}`, 'ServicePrincipal'],
        [`identity:${names.clusterIdentity}`, BUILT_IN.keyVaultContributor, vault, 'ServicePrincipal'],
        [`kubelet:${names.cluster}`, BUILT_IN.acrPull, registry, 'ServicePrincipal'],
        ...admins.map((group): Grant => [`object:${group.toLowerCase()}`, BUILT_IN.aksRbacClusterAdmin, cluster, 'Group']),
        // Each workload that reads secrets reads them from this vault, and nothing else.
        ...ctx.workloads.filter((w) => w.hasSecrets).map((w): Grant => [`identity:${w.names.identity}`, BUILT_IN.keyVaultSecretsUser, vault, 'ServicePrincipal']),
        // The private gateway reads its TLS certificate from the vault.
        ...(ctx.k8s.gateway.enabled ? [[`identity:${names.gatewayIdentity}`, BUILT_IN.keyVaultSecretsUser, vault, 'ServicePrincipal'] as Grant] : []),
        // The pipeline: deploys the resource group, assigns (conditioned) roles, pushes images, signs in
        // to the cluster, creates Namespace objects (custom role) and administers the workload namespaces.
        [pipeline, BUILT_IN.contributor, rgId(t), 'ServicePrincipal'],
        [pipeline, BUILT_IN.rbacAdministrator, rgId(t), 'ServicePrincipal'],
        [pipeline, BUILT_IN.acrPush, registry, 'ServicePrincipal'],
        [pipeline, BUILT_IN.aksClusterUser, cluster, 'ServicePrincipal'],
        [pipeline, customRole, cluster, 'ServicePrincipal'],
        ...[...ctx.k8s.namespaces, ...(ctx.k8s.gateway.enabled ? [ctx.k8s.gateway.spec.namespace] : [])].map((ns): Grant => [pipeline, BUILT_IN.aksRbacAdmin, `${cluster}/namespaces/${ns}`, 'ServicePrincipal']),
      ];
      if (answers.agentPool === 'managedDevOpsPool') {
        // Managed DevOps Pools' own service principal injects the agents into the virtual network.
        const devOps = `object:${SAMPLE_DEPLOY_ENV.DEVOPS_INFRASTRUCTURE_OBJECT_ID}`;
        grants.push([devOps, BUILT_IN.reader, vnet, 'ServicePrincipal'], [devOps, BUILT_IN.networkContributor, vnet, 'ServicePrincipal']);
      }
      return grants;
    }

    const customRoleOf = (tree: TreeName) => only(get(tree, 'Microsoft.Authorization/roleDefinitions'), 'custom role definition');

    test.each(each)('%s: every (principal, role, scope) is on the allow-list, and every allowed one is there', (tree) => {
      const t = trees[tree];
      const subscriptionRoles = `/subscriptions/${t.meta.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/`;
      const assignments = get(tree, 'Microsoft.Authorization/roleAssignments');
      for (const a of assignments) expect(String(a.properties?.roleDefinitionId).startsWith(subscriptionRoles), a.id).toBe(true);
      const actual = assignments.map((a): Grant => [principalOf(a, t.meta.subscriptionId, t.meta.resourceGroup), roleOf(a), scopeOf(a), String(a.properties?.principalType)]);
      const key = (g: Grant) => g.join(' | ');
      expect(actual.map(key).sort()).toEqual(allowList(t, customRoleOf(tree).name).map(key).sort());
      const text = JSON.stringify(t.snapshot);
      for (const role of NEVER) expect(text, role).not.toContain(role);
    });

    test.each(each)('%s: the pipeline may assign exactly the roles the template assigns (other than its own), to service principals and groups', (tree) => {
      const t = trees[tree];
      const pipeline = `identity:${t.rendered.ctx.names.pipelineIdentity}`;
      const assignments = get(tree, 'Microsoft.Authorization/roleAssignments');
      const administrator = only(
        assignments.filter((a) => roleOf(a) === BUILT_IN.rbacAdministrator),
        'RBAC administrator assignment',
      );
      expect(principalOf(administrator, t.meta.subscriptionId, t.meta.resourceGroup)).toBe(pipeline);
      expect(administrator.properties?.conditionVersion).toBe('2.0');
      const condition = String(administrator.properties?.condition);
      const own = new Set<string>([BUILT_IN.contributor, BUILT_IN.rbacAdministrator]);
      const assigned = [...new Set(assignments.map(roleOf).filter((role) => !own.has(role)))].sort();
      // Writes and deletes of role assignments: both limited to that list (the custom role by its evaluated ID).
      const lists = [...condition.matchAll(/RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/g)].map((m) => m[1]!.split(',').map((s) => s.trim()).sort());
      expect(lists).toEqual([assigned, assigned]);
      expect(assigned).toContain(customRoleOf(tree).name);
      expect(condition).toMatch(/!\(ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/write'\}\)/);
      expect(condition).toMatch(/!\(ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/delete'\}\)/);
      expect(condition).toMatch(/@Request\[Microsoft\.Authorization\/roleAssignments:PrincipalType\] ForAnyOfAnyValues:StringEqualsIgnoreCase \{'ServicePrincipal', 'Group'\}/);
      for (const role of own) expect(condition).not.toContain(role);
    });

    test.each(each)('%s: the custom role reads and writes Namespace objects only, assignable in this resource group only', (tree) => {
      const t = trees[tree];
      const { names } = t.rendered.ctx;
      const role = customRoleOf(tree);
      expect(role.id).toBe(`${rgId(t)}/providers/Microsoft.Authorization/roleDefinitions/${role.name}`);
      expect(role.properties).toEqual({
        roleName: `AKS namespace deployer (${t.meta.resourceGroup}/${names.cluster}, subscription ${t.meta.subscriptionId})`,
        description: expect.stringContaining(names.cluster),
        type: 'CustomRole',
        permissions: [
          {
            actions: [],
            notActions: [],
            dataActions: ['Microsoft.ContainerService/managedClusters/namespaces/read', 'Microsoft.ContainerService/managedClusters/namespaces/write'],
            notDataActions: [],
          },
        ],
        assignableScopes: [rgId(t)],
      });
    });
  });

  describe('workload identity', () => {
    test.each(each)('%s: each workload\'s federated credential trusts exactly the service account its Deployment runs as, issued by this cluster', (tree) => {
      const t = trees[tree];
      const cluster = only(get(tree, 'Microsoft.ContainerService/managedClusters'), 'cluster');
      expect(cluster.properties?.oidcIssuerProfile).toEqual({ enabled: true });
      expect(cluster.properties?.securityProfile?.workloadIdentity).toEqual({ enabled: true });
      const credentials = get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials');
      // The pipeline's credential waits for its issuer and subject (empty parameters): not deployed yet.
      // The private gateway's identity has one of its own (checked with the gateway's manifests).
      expect(credentials).toHaveLength(t.rendered.ctx.workloads.length + (t.rendered.ctx.k8s.gateway.enabled ? 1 : 0));
      const identities = new Map(get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities').map((i) => [i.name, i]));
      for (const w of t.rendered.ctx.workloads) {
        // The rendered Deployment names its service account; that object exists in the same namespace.
        const deployment = only(t.objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === w.name), `Deployment ${w.name}`);
        const namespace = deployment.metadata.namespace!;
        const account = (deployment.spec as { template: { spec: { serviceAccountName: string } } }).template.spec.serviceAccountName;
        only(t.objects.filter((o) => o.kind === 'ServiceAccount' && o.metadata.namespace === namespace && o.metadata.name === account), `ServiceAccount ${namespace}/${account}`);
        const identity = identities.get(w.names.identity);
        expect(identity, w.names.identity).toBeDefined();
        const credential = only(credentials.filter((c) => c.name.startsWith(`${w.names.identity}/`)), `federated credential of ${w.names.identity}`);
        expect(credential.id.startsWith(`${identity!.id}/federatedIdentityCredentials/`)).toBe(true);
        expect(credential.properties).toEqual({
          issuer: `[reference('${cluster.id}', '${cluster.apiVersion}').oidcIssuerProfile.issuerURL]`,
          subject: `system:serviceaccount:${namespace}:${account}`,
          audiences: ['api://AzureADTokenExchange'],
        });
      }
    });
  });

  describe('the cluster', () => {
    test.each(each)('%s: private API server, Entra ID with Azure RBAC in this tenant, no local accounts, from the answers', (tree) => {
      const t = trees[tree];
      const { answers, ctx } = t.rendered;
      const cluster = only(get(tree, 'Microsoft.ContainerService/managedClusters'), 'cluster');
      const p = cluster.properties!;
      // API Server VNet Integration (which KMS with a private key vault needs) projects it into its own subnet.
      const apiServerSubnet = `${idOf(t, 'Microsoft.Network/virtualNetworks', ctx.names.virtualNetwork)}/subnets/${ctx.names.subnets.apiServer}`;
      expect(p.apiServerAccessProfile).toEqual({ enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false, privateDNSZone: 'system', disableRunCommand: true, enableVnetIntegration: true, subnetId: apiServerSubnet });
      expect(p.aadProfile).toEqual({ managed: true, enableAzureRBAC: true, tenantID: t.meta.tenantId });
      expect(p.disableLocalAccounts).toBe(true);
      expect(p.enableRBAC).toBe(true);
      expect(cluster.sku).toEqual({ name: 'Base', tier: 'Standard' });
      expect(p.kubernetesVersion).toBe(answers.kubernetesVersion);
      expect(p.nodeResourceGroup).toBe(ctx.names.nodeResourceGroup);
      expect(cluster.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [idOf(t, 'Microsoft.ManagedIdentity/userAssignedIdentities', ctx.names.clusterIdentity)]: {} } });
      for (const pool of p.agentPoolProfiles as Array<Record<string, unknown>>) expect(pool.enableNodePublicIP, String(pool.name)).toBe(false);
    });
  });

  describe('registry and key vault', () => {
    test.each(each)('%s: no public network access, no admin user or anonymous pull, RBAC-only vault with purge protection', (tree) => {
      const registry = only(get(tree, 'Microsoft.ContainerRegistry/registries'), 'registry');
      expect(registry.sku?.name).toBe('Premium');
      expect(registry.properties).toMatchObject({ publicNetworkAccess: 'Disabled', adminUserEnabled: false, anonymousPullEnabled: false });
      expect(registry.properties?.policies).toMatchObject({ exportPolicy: { status: 'disabled' }, retentionPolicy: { status: 'enabled' } });
      const vault = only(get(tree, 'Microsoft.KeyVault/vaults'), 'key vault');
      expect(vault.properties).toMatchObject({
        tenantId: trees[tree].meta.tenantId,
        enableRbacAuthorization: true,
        publicNetworkAccess: 'Disabled',
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
        enablePurgeProtection: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
      });
      expect(vault.properties?.accessPolicies ?? []).toEqual([]);
      // Reachable only through their private endpoints, in the private endpoints subnet.
      const endpoints = get(tree, 'Microsoft.Network/privateEndpoints');
      const targets = endpoints.flatMap((e) => (e.properties?.privateLinkServiceConnections as Array<{ properties: { privateLinkServiceId: string; groupIds: string[] } }>).map((c) => [c.properties.privateLinkServiceId, c.properties.groupIds]));
      expect(targets).toEqual(expect.arrayContaining([[registry.id, ['registry']], [vault.id, ['vault']]]));
      const subnet = idOf(trees[tree], 'Microsoft.Network/virtualNetworks', trees[tree].rendered.ctx.names.virtualNetwork) + `/subnets/${trees[tree].rendered.ctx.names.subnets.privateEndpoints}`;
      for (const e of endpoints) expect(e.properties?.subnet?.id, e.name).toBe(subnet);
    });
  });

  describe('network', () => {
    /** An IPv4 CIDR as [first, last] address numbers. */
    const range = (cidr: string): [number, number] => {
      const [address, bits] = cidr.split('/') as [string, string];
      const base = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
      const size = 2 ** (32 - Number(bits));
      expect(base % size, `${cidr} has no host bits`).toBe(0);
      return [base, base + size - 1];
    };
    const inside = (inner: string, outer: string) => range(inner)[0] >= range(outer)[0] && range(inner)[1] <= range(outer)[1];
    const overlap = (a: string, b: string) => range(a)[0] <= range(b)[1] && range(b)[0] <= range(a)[1];

    test.each(each)('%s: the answered address space, the planned subnets inside it and apart, each with an NSG and no default outbound access', (tree) => {
      const t = trees[tree];
      const { answers, ctx } = t.rendered;
      const vnet = only(get(tree, 'Microsoft.Network/virtualNetworks'), 'virtual network');
      expect(vnet.properties?.addressSpace).toEqual({ addressPrefixes: [answers.addressSpace] });
      const subnets = vnet.properties?.subnets as Array<{ name: string; properties: { addressPrefix: string; defaultOutboundAccess: boolean; networkSecurityGroup?: { id: string } } }>;
      expect(subnets.map((s) => [s.name, s.properties.addressPrefix]).sort()).toEqual(ctx.network.subnets.map((s) => [s.name, s.cidr]).sort());
      const nsgs = new Set(get(tree, 'Microsoft.Network/networkSecurityGroups').map((n) => n.id));
      subnets.forEach((s, i) => {
        expect(inside(s.properties.addressPrefix, answers.addressSpace), s.name).toBe(true);
        for (const other of subnets.slice(i + 1)) expect(overlap(s.properties.addressPrefix, other.properties.addressPrefix), `${s.name} / ${other.name}`).toBe(false);
        expect(s.properties.defaultOutboundAccess, s.name).toBe(false);
        // Azure rejects a network security group on AzureFirewallSubnet.
        if (s.name === 'AzureFirewallSubnet') expect(s.properties.networkSecurityGroup, s.name).toBeUndefined();
        else expect(nsgs.has(s.properties.networkSecurityGroup?.id ?? ''), s.name).toBe(true);
      });
      // Azure Bastion needs its subnet, named so, of /26 or larger; without Bastion there is none.
      const bastion = subnets.find((s) => s.name === 'AzureBastionSubnet');
      if (answers.bastion) expect(bastion?.properties.addressPrefix).toMatch(/\/26$/);
      else expect(bastion).toBeUndefined();
      const cluster = only(get(tree, 'Microsoft.ContainerService/managedClusters'), 'cluster');
      const network = cluster.properties?.networkProfile as Record<string, string>;
      expect(network).toMatchObject({
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkPolicy: 'cilium',
        networkDataplane: 'cilium',
        podCidr: answers.podCidr,
        serviceCidr: answers.serviceCidr,
        dnsServiceIP: ctx.network.dnsServiceIp,
        outboundType: answers.egress === 'firewall' ? 'userDefinedRouting' : 'userAssignedNATGateway',
      });
      expect(inside(`${network.dnsServiceIP}/32`, answers.serviceCidr)).toBe(true);
      for (const [a, b] of [[answers.podCidr, answers.serviceCidr], [answers.podCidr, answers.addressSpace], [answers.serviceCidr, answers.addressSpace]] as const) {
        expect(overlap(a, b), `${a} / ${b}`).toBe(false);
      }
    });

    test.each(each)('%s: the only public IP addresses are the egress\'s (firewall or NAT gateway) and Azure Bastion\'s', (tree) => {
      const t = trees[tree];
      const { names } = t.rendered.ctx;
      const firewall = t.rendered.answers.egress === 'firewall';
      const ips = get(tree, 'Microsoft.Network/publicIPAddresses');
      const egressType = firewall ? 'Microsoft.Network/azureFirewalls' : 'Microsoft.Network/natGateways';
      const egress = only(get(tree, egressType), egressType);
      const bastions = get(tree, 'Microsoft.Network/bastionHosts');
      const expected = [idOf(t, 'Microsoft.Network/publicIPAddresses', firewall ? names.firewallPublicIp : names.natPublicIp), ...(t.rendered.answers.bastion ? [idOf(t, 'Microsoft.Network/publicIPAddresses', names.bastionPublicIp)] : [])];
      expect(ips.map((ip) => ip.id).sort()).toEqual([...expected].sort());
      const egressIps = firewall
        ? (egress.properties?.ipConfigurations as Array<{ properties: { publicIPAddress: { id: string } } }>).map((c) => c.properties.publicIPAddress.id)
        : (egress.properties?.publicIpAddresses as Array<{ id: string }>).map((p) => p.id);
      expect(egressIps).toEqual([expected[0]]);
      expect(bastions.flatMap((b) => (b.properties?.ipConfigurations as Array<{ properties: { publicIPAddress: { id: string } } }>).map((c) => c.properties.publicIPAddress.id))).toEqual(expected.slice(1));
      // Nothing else refers to a public IP address or asks for one (a NIC, a scale set, a node pool).
      const referrers = (r: SnapshotResource) => r.type !== 'Microsoft.Network/publicIPAddresses' && /\/providers\/Microsoft\.Network\/publicIPAddresses\//i.test(JSON.stringify(r));
      expect(t.snapshot.predictedResources.filter(referrers).map((r) => r.type).sort()).toEqual([egressType, ...bastions.map(() => 'Microsoft.Network/bastionHosts')].sort());
      expect(JSON.stringify(t.snapshot)).not.toMatch(/publicIPAddressConfiguration/i);
    });
  });

  test('the default case\'s snapshot is the reviewed test/golden/snapshots/default.snapshot.json', async () => {
    const expected = await goldenSnapshot();
    const hint = 'the resources the default case asks Azure for changed: run `npm run golden:update` and review test/golden/snapshots/default.snapshot.json';
    expect(existsSync(GOLDEN_SNAPSHOT_FILE), hint).toBe(true);
    const stored = readFileSync(GOLDEN_SNAPSHOT_FILE, 'utf8');
    expect(stored === expected, `${hint}\n${firstLineDifference(expected, stored)}`).toBe(true);
    // The stored file is the normalised form: re-normalising it changes nothing.
    expect(normalizeSnapshot(JSON.parse(stored) as Snapshot)).toBe(stored);
  });
});

function firstLineDifference(expected: string, stored: string): string {
  const [a, b] = [expected.split('\n'), stored.split('\n')];
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `line ${i + 1}: expected ${JSON.stringify(a[i])}, stored ${JSON.stringify(b[i])}`;
}
