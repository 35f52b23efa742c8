// The emitted infra/ with the real Bicep CLI: every answer set of the matrix compiles with zero
// diagnostics (compiler and linter, every rule raised to error by the emitted bicepconfig.json), its
// .bicepparam builds, every file is already in `bicep format` form, and only GA API versions are used.
// Then the properties of the compiled ARM JSON itself (nested deployments walked, parameters, loops
// and conditions evaluated): module wiring, dependencies, deployment options, NSG rules. The security
// properties of the resources as Azure would create them (role assignments on an allow-list, federated
// credentials, the private cluster, private registry and vault, public IPs, the network ranges) are
// asserted on `bicep snapshot` output in test/infra.snapshot.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { INFRA_OUTPUTS } from '../generators/core/plan/contracts.ts';
import { API_VERSIONS } from '../generators/core/plan/infra.ts';
import { CUSTOM_ROLES, ROLES } from '../generators/core/plan/roles.ts';
import {
  armResources,
  bicepCli,
  closeBicep,
  compileInfra,
  FAKE_SCOPE,
  formatDiagnostics,
  isUnresolved,
  ofType,
  parseCliDiagnostics,
  SAMPLE_DEPLOY_ENV,
  templateValues,
  type ArmResource,
  type CompiledInfra,
} from './helpers/bicep.ts';
import { renderRepository, writeFiles, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { ADMIN_GROUPS, MATRIX, twoAtATime } from './helpers/infra-matrix.ts';
import { toolOrSkip } from './helpers/tools.ts';
import { fromNumber, parseCidr, type Cidr } from '../generators/core/answers/network.ts';

type TreeName = keyof typeof MATRIX;

interface Tree {
  rendered: Rendered;
  compiled: CompiledInfra;
  resources: ArmResource[];
}

const bicepPath = toolOrSkip('bicep');


/** The role definition GUID at the end of a resolved roleDefinitionId. */
function roleOf(assignment: ArmResource): string {
  return String(assignment.properties.roleDefinitionId).split('/').at(-1)!;
}

function only<T>(items: T[], what: string): T {
  expect(items, `exactly one ${what}`).toHaveLength(1);
  return items[0]!;
}

const rg = `/subscriptions/${FAKE_SCOPE.subscriptionId}/resourceGroups/${FAKE_SCOPE.resourceGroup}`;

describe.skipIf(!bicepPath)('infra/ with the real Bicep CLI', () => {
  const trees = {} as Record<TreeName, Tree>;

  beforeAll(async () => {
    const names = Object.keys(MATRIX) as TreeName[];
    const built = await twoAtATime(
      names.map((name) => async () => {
        const rendered = await renderRepository(MATRIX[name] as AnswerInput);
        const compiled = await compileInfra(rendered.files);
        return { rendered, compiled, resources: armResources(compiled.template, { parameters: compiled.parameters }) };
      }),
    );
    names.forEach((name, i) => (trees[name] = built[i]!));
  }, 300_000);

  afterAll(() => closeBicep());

  const each = Object.keys(MATRIX) as TreeName[];
  const get = (tree: TreeName, type: string, where: (r: ArmResource) => boolean = () => true) =>
    ofType(trees[tree].resources, type).filter(where);
  const inModule = (module: string) => (r: ArmResource) => r.modules.at(-1) === module;

  describe('compiles clean, canonical and GA-only', () => {
    test.each(each)('%s: no compiler or linter diagnostic in any file', (tree) => {
      const { compiled } = trees[tree];
      expect(compiled.diagnostics, formatDiagnostics(compiled.diagnostics)).toEqual([]);
      expect(Object.keys(compiled.template.resources).length).toBeGreaterThan(5);
    });

    test.each(each)('%s: the .bicepparam builds (build-params) with no diagnostic', (tree) => {
      const { compiled, rendered } = trees[tree];
      expect(compiled.paramDiagnostics, formatDiagnostics(compiled.paramDiagnostics)).toEqual([]);
      expect(compiled.parameters.location).toBe(rendered.answers.location);
      expect(rendered.files.has(`infra/${rendered.answers.environment}.bicepparam`)).toBe(true);
    });

    test.each(each)('%s: every .bicep and .bicepparam file is already in `bicep format` form', (tree) => {
      const { compiled } = trees[tree];
      const diffs = [...compiled.unformatted].map(([file, formatted]) => `--- ${file} (as bicep format writes it)\n${formatted}`);
      expect(diffs.join('\n')).toBe('');
    });

    test.each(each)('%s: no preview API version anywhere in infra/', (tree) => {
      const { rendered, resources } = trees[tree];
      for (const [path, content] of rendered.files) {
        if (path.startsWith('infra/')) expect(content, path).not.toMatch(/-preview/i);
      }
      const versions = armResources(trees[tree].compiled.template, { includeExisting: true }).map((r) => r.apiVersion);
      expect(versions.length).toBeGreaterThan(resources.length / 2);
      for (const version of versions) expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const clusters = get(tree, 'Microsoft.ContainerService/managedClusters');
      for (const cluster of clusters) expect(cluster.apiVersion >= '2025-10-01').toBe(true);
    });

    test('every API version is the newest GA version in the Bicep type index (use-recent-api-versions, maxAgeInDays 0)', async () => {
      // One small file that references every type@version the matrix uses, linted with the strictest setting.
      const used = new Set(
        each.flatMap((tree) =>
          armResources(trees[tree].compiled.template, { includeExisting: true })
            // Bicep picks the deployments API of modules; managedClusters/namespaces has no type (see pipeline-identity.bicep).
            .filter((r) => !/^Microsoft\.Resources\/deployments$|\/namespaces$/i.test(r.type))
            .map((r) => `${r.type}@${r.apiVersion}`),
        ),
      );
      expect(used.size).toBeGreaterThan(20);
      const source = [...used]
        .map((typeAndVersion, i) => {
          const depth = typeAndVersion.split('@')[0]!.split('/').length - 1;
          return `resource r${i} '${typeAndVersion}' existing = {\n  name: '${Array(depth).fill('service').join('/')}'\n}\n`;
        })
        .join('\n');
      const strict = JSON.stringify({ analyzers: { core: { rules: { 'use-recent-api-versions': { level: 'error', maxAgeInDays: 0 } } } } });
      const compiled = await compileInfra(new Map([['infra/main.bicep', source], ['infra/bicepconfig.json', strict]]));
      const stale = compiled.diagnostics.filter((d) => d.code === 'use-recent-api-versions' || d.code === 'BCP081');
      expect(stale, formatDiagnostics(stale)).toEqual([]);
      // The rule is active: an old version is reported.
      const old = await compileInfra(new Map([['infra/main.bicep', "resource r 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: 'service'\n}\n"], ['infra/bicepconfig.json', strict]]));
      expect(old.diagnostics.map((d) => d.code)).toContain('use-recent-api-versions');
    });

    test('the Bicep CLI itself: `bicep build-params` compiles and lints every file clean, and stops at the unset deploy-time variables, naming each', async () => {
      // Without AKS_ADMIN_GROUP_OBJECT_IDS, DEVOPS_INFRASTRUCTURE_OBJECT_ID and AGENT_SSH_PUBLIC_KEY the only
      // diagnostics are the required parameters each tree reads, at their own lines: main.bicep, every module
      // (compiler and linter) are clean, and no parameters file is written. Each says which variable is
      // missing (issue 16: it was a bare BCP333 about a length). One CLI run (seconds, mostly the CLI's
      // start-up) builds both trees, as scripts/validate.sh does: `--pattern`, from a folder holding both.
      const cases = { defaults: 'defaults', vmss: 'vmssNoBastionOddNetwork' } as const satisfies Record<string, TreeName>;
      const root = mkdtempSync(join(tmpdir(), 'secure-aks-build-params-'));
      try {
        for (const [folder, tree] of Object.entries(cases)) {
          writeFiles(join(root, folder), [...trees[tree].rendered.files].filter(([path]) => path.startsWith('infra/')));
        }
        const outdir = join(root, 'out');
        mkdirSync(outdir);
        const result = await bicepCli(['build-params', '--pattern', '*/infra/*.bicepparam', '--outdir', outdir], root, {
          AKS_ADMIN_GROUP_OBJECT_IDS: '',
          DEVOPS_INFRASTRUCTURE_OBJECT_ID: '',
          AGENT_SSH_PUBLIC_KEY: '',
        });
        const output = `${result.stdout}\n${result.stderr}`;
        expect(result.exitCode, output).not.toBe(0);
        expect(readdirSync(outdir), output).toEqual([]);
        const diagnostics = parseCliDiagnostics(output, root);
        /** The tree's diagnostics as `file code param <name>`, the file relative to the tree. */
        const named = (folder: keyof typeof cases, paramFile: string) => {
          const lines = readFileSync(join(root, folder, paramFile), 'utf8').split('\n');
          return diagnostics
            .filter((d) => d.file.startsWith(`${folder}/`))
            .map((d) => `${d.file.slice(folder.length + 1)} ${d.code} ${lines[d.line - 1]?.split(' =')[0]}`);
        };
        const environment = trees.vmssNoBastionOddNetwork.rendered.answers.environment;
        expect(named('defaults', 'infra/dev.bicepparam'), formatDiagnostics(diagnostics)).toEqual([
          'infra/dev.bicepparam BCP338 param adminGroupObjectIds',
          'infra/dev.bicepparam BCP338 param devOpsInfrastructureObjectId',
        ]);
        expect(named('vmss', `infra/${environment}.bicepparam`), formatDiagnostics(diagnostics)).toEqual([
          `infra/${environment}.bicepparam BCP338 param adminGroupObjectIds`,
          `infra/${environment}.bicepparam BCP338 param agentSshPublicKey`,
        ]);
        expect(diagnostics.filter((d) => !/^(defaults|vmss)\//.test(d.file)), formatDiagnostics(diagnostics)).toEqual([]);
        const messages = (folder: keyof typeof cases) => diagnostics.filter((d) => d.file.startsWith(`${folder}/`)).map((d) => d.message).join('\n');
        expect(messages('defaults')).toContain('Failed to evaluate parameter "adminGroupObjectIds": AKS_ADMIN_GROUP_OBJECT_IDS is not set: the object IDs of the Entra ID groups');
        expect(messages('defaults')).toContain('Failed to evaluate parameter "devOpsInfrastructureObjectId": DEVOPS_INFRASTRUCTURE_OBJECT_ID is not set: the object ID of the DevOpsInfrastructure service principal');
        // The same for the scale set's SSH key.
        expect(messages('vmss')).toContain('AGENT_SSH_PUBLIC_KEY is not set: the SSH public key of the admin account of the agents');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }, 240_000);

    test('the bicepconfig.json raises every linter rule to error but use-recent-api-versions', () => {
      const text = trees.defaults.rendered.files.get('infra/bicepconfig.json')!;
      const rules = [...text.matchAll(/"([a-z-]+)": \{ "level": "(\w+)" \}/g)].map((m) => [m[1], m[2]]);
      expect(rules.length).toBeGreaterThanOrEqual(50);
      for (const [rule, level] of rules) expect(`${rule}: ${level}`).toBe(`${rule}: ${rule === 'use-recent-api-versions' ? 'warning' : 'error'}`);
    });
  });

  describe('parameters and outputs', () => {
    test('outputs are exactly the contract (INFRA_OUTPUTS), and none is secure or a list*() result', () => {
      for (const tree of each) {
        const outputs = trees[tree].compiled.template.outputs as Record<string, { type?: string; value: string }>;
        expect(Object.keys(outputs).sort()).toEqual(Object.values(INFRA_OUTPUTS).sort());
        for (const [name, output] of Object.entries(outputs)) {
          expect((output.type ?? '').toLowerCase(), name).not.toMatch(/^secure/);
          expect(JSON.stringify(output.value), name).not.toMatch(/list\w*\(/i);
        }
      }
      const outputs = trees.defaults.compiled.template.outputs as Record<string, { value: string }>;
      expect(outputs[INFRA_OUTPUTS.tenantId]!.value).toBe('[tenant().tenantId]');
      expect(outputs[INFRA_OUTPUTS.resourceGroupName]!.value).toBe('[resourceGroup().name]');
      expect(outputs[INFRA_OUTPUTS.workloadClientIds]!.value).toMatch(/toObject\(reference\('workloadIdentities'\)\.outputs\.clientIds\.value/);
    });

    test('every parameter and output of every template carries a description', () => {
      const templates = [trees.defaults, trees.vmssNoBastionOddNetwork].flatMap((t) => [
        t.compiled.template,
        ...ofType(t.resources, 'Microsoft.Resources/deployments').map((d) => (d.raw.properties as { template: typeof t.compiled.template }).template),
      ]);
      for (const template of templates) {
        for (const [kind, entries] of [
          ['parameter', template.parameters ?? {}],
          ['output', template.outputs ?? {}],
        ] as const) {
          for (const [name, entry] of Object.entries(entries as Record<string, { metadata?: { description?: string } }>)) {
            expect(entry.metadata?.description, `${kind} ${name}`).toBeTruthy();
          }
        }
      }
    });

    test('admin groups: a required deploy-time parameter when not answered, rendered into the .bicepparam when answered', () => {
      const unanswered = trees.defaults.rendered.files.get('infra/dev.bicepparam')!;
      expect(unanswered).toMatch(/readEnvironmentVariable\('AKS_ADMIN_GROUP_OBJECT_IDS', ''\)/);
      expect(trees.defaults.compiled.parameters.adminGroupObjectIds).toEqual(SAMPLE_DEPLOY_ENV.AKS_ADMIN_GROUP_OBJECT_IDS!.split(','));
      expect((trees.defaults.compiled.template.parameters!.adminGroupObjectIds as { minLength?: number }).minLength).toBe(1);
      const answered = trees.premiumBastionAdminsThreeWorkloads.rendered.files.get('infra/dev.bicepparam')!;
      expect(answered).not.toMatch(/AKS_ADMIN_GROUP_OBJECT_IDS/);
      expect(trees.premiumBastionAdminsThreeWorkloads.compiled.parameters.adminGroupObjectIds).toEqual(ADMIN_GROUPS);
    });

    test('the pipeline federation issuer and subject default to empty; the agents\' deploy-time values come from the environment', () => {
      for (const tree of each) {
        const { compiled, rendered } = trees[tree];
        expect(compiled.parameters.pipelineFederationIssuer).toBe('');
        expect(compiled.parameters.pipelineFederationSubject).toBe('');
        const param = rendered.files.get(`infra/${rendered.answers.environment}.bicepparam`)!;
        if (rendered.answers.agentPool === 'managedDevOpsPool') {
          expect(compiled.parameters.devOpsInfrastructureObjectId).toBe(SAMPLE_DEPLOY_ENV.DEVOPS_INFRASTRUCTURE_OBJECT_ID);
          expect(param).toMatch(/az ad sp list --display-name DevOpsInfrastructure --query "\[0\]\.id"/);
          expect(compiled.parameters).not.toHaveProperty('agentSshPublicKey');
        } else {
          expect(compiled.parameters.agentSshPublicKey).toBe(SAMPLE_DEPLOY_ENV.AGENT_SSH_PUBLIC_KEY);
          expect(compiled.parameters).not.toHaveProperty('devOpsInfrastructureObjectId');
        }
      }
    });

    test('workloads.json is the workload list, pretty-printed, and main.bicep loads it', () => {
      const { rendered, compiled } = trees.premiumBastionAdminsThreeWorkloads;
      const text = rendered.files.get('infra/workloads.json')!;
      const parsed = JSON.parse(text) as { name: string; namespace: string; serviceAccount: string; readsSecrets: boolean }[];
      expect(text).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
      expect(parsed.map((w) => [w.name, w.namespace, w.serviceAccount, w.readsSecrets])).toEqual([
        ['web', 'shop', 'web', true],
        ['api', 'shop', 'api', false],
        ['worker', 'jobs', 'worker', true],
      ]);
      // Environment-neutral: each environment's entry point names the identities (infra.snapshot.test.ts checks the names).
      expect(parsed.flatMap((w) => Object.keys(w)).filter((key) => /identity/i.test(key))).toEqual([]);
      expect(rendered.files.get('infra/main.bicep')).toMatch(/^var workloads workload\[\] = loadJsonContent\('workloads\.json'\)$/m);
      expect(templateValues(compiled.template, compiled.parameters).variables.workloads).toEqual(parsed);
    });
  });

  describe('network', () => {
    test.each(each)('%s: the VNet has the address space and exactly the planned subnets', (tree) => {
      const { rendered } = trees[tree];
      const vnet = only(get(tree, 'Microsoft.Network/virtualNetworks'), 'virtual network');
      expect(vnet.name).toBe(rendered.ctx.names.virtualNetwork);
      expect((vnet.properties.addressSpace as { addressPrefixes: string[] }).addressPrefixes).toEqual([rendered.answers.addressSpace]);
      const subnets = vnet.properties.subnets as { name: string; properties: { addressPrefix: string } }[];
      expect(subnets.map((s) => [s.name, s.properties.addressPrefix]).sort()).toEqual(rendered.ctx.network.subnets.map((s) => [s.name, s.cidr]).sort());
      const bastion = subnets.find((s) => s.name === 'AzureBastionSubnet');
      if (rendered.answers.bastion) expect(bastion?.properties.addressPrefix).toMatch(/\/26$/);
      else expect(bastion).toBeUndefined();
    });

    test.each(each)('%s: every subnet (but AzureFirewallSubnet, which takes none) has a network security group, and none has default outbound access', (tree) => {
      const nsgIds = new Set(get(tree, 'Microsoft.Network/networkSecurityGroups').map((n) => n.id));
      const vnet = only(get(tree, 'Microsoft.Network/virtualNetworks'), 'virtual network');
      for (const subnet of vnet.properties.subnets as { name: string; properties: Record<string, unknown> }[]) {
        expect(subnet.properties.defaultOutboundAccess, subnet.name).toBe(false);
        const nsg = (subnet.properties.networkSecurityGroup as { id?: string } | undefined)?.id;
        if (subnet.name === 'AzureFirewallSubnet') expect(nsg, 'Azure rejects an NSG on AzureFirewallSubnet').toBeUndefined();
        else expect(nsgIds.has(nsg), `${subnet.name} -> ${nsg}`).toBe(true);
      }
    });

    test.each(each)('%s: egress firewall: nodes and agents route everything to Azure Firewall Standard, which allows only the allow-list, denies threats and logs', (tree) => {
      const { rendered } = trees[tree];
      const { ctx } = rendered;
      const vnet = only(get(tree, 'Microsoft.Network/virtualNetworks'), 'virtual network');
      const subnets = vnet.properties.subnets as { name: string; properties: { natGateway?: { id: string }; routeTable?: { id: string }; addressPrefix: string } }[];
      if (rendered.answers.egress !== 'firewall') {
        expect(get(tree, 'Microsoft.Network/azureFirewalls')).toEqual([]);
        expect(get(tree, 'Microsoft.Network/routeTables')).toEqual([]);
        expect(subnets.map((s) => s.name)).not.toContain('AzureFirewallSubnet');
        return;
      }
      expect(get(tree, 'Microsoft.Network/natGateways'), 'no NAT gateway beside the firewall').toEqual([]);
      const table = only(get(tree, 'Microsoft.Network/routeTables'), 'route table');
      expect(table.name).toBe(ctx.names.egressRouteTable);
      expect(table.properties.disableBgpRoutePropagation).toBe(true);
      expect(table.properties.routes).toEqual([{ name: 'internet-through-firewall', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: ctx.network.firewallIp } }]);
      for (const s of subnets) {
        const routed = [ctx.names.subnets.nodes, ctx.names.subnets.agents].includes(s.name);
        expect(s.properties.routeTable?.id, s.name).toBe(routed ? table.id : undefined);
        expect(s.properties.natGateway, s.name).toBeUndefined();
      }
      // The route's next hop is the firewall's address: Azure gives it the first usable one of AzureFirewallSubnet (a /26).
      const firewallSubnet = subnets.find((s) => s.name === 'AzureFirewallSubnet')!;
      const cidr = parseCidr(firewallSubnet.properties.addressPrefix) as Cidr;
      expect(cidr.prefix).toBe(26);
      expect(ctx.network.firewallIp).toBe(fromNumber(cidr.first + 4));
      const firewall = only(get(tree, 'Microsoft.Network/azureFirewalls'), 'firewall');
      expect(firewall.properties.sku).toEqual({ name: 'AZFW_VNet', tier: 'Standard' });
      expect(firewall.zones ?? []).toEqual(ctx.answers.availabilityZones);
      const configs = firewall.properties.ipConfigurations as { properties: { subnet: { id: string } } }[];
      expect(configs.map((c) => c.properties.subnet.id)).toEqual(["[parameters('subnetId')]"]);
      const modules = trees[tree].compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(modules.firewall!.properties.parameters.subnetId!.value).toBe("[reference('network').outputs.firewallSubnetId.value]");
      const policy = only(get(tree, 'Microsoft.Network/firewallPolicies'), 'firewall policy');
      expect(policy.properties).toMatchObject({ sku: { tier: 'Standard' }, threatIntelMode: 'Deny' });
      expect((firewall.properties.firewallPolicy as { id: string }).id).toBe(policy.id);
      // Application rules only (anything not allowed is denied), each from one subnet, built from the allow-list.
      const group = only(get(tree, 'Microsoft.Network/firewallPolicies/ruleCollectionGroups'), 'rule collection group');
      const collections = group.properties.ruleCollections as { name: string; action: { type: string }; rules: { ruleType: string; name: string; sourceAddresses: string[]; fqdnTags?: string[]; targetFqdns?: string[] }[] }[];
      expect(collections.map((c) => c.name)).toEqual(['aks-nodes', 'devops-agents']);
      for (const c of collections) expect(c.action.type).toBe('Allow');
      const nodes = collections[0]!.rules;
      const agents = collections[1]!.rules;
      expect(nodes.every((r) => r.ruleType === 'ApplicationRule' && isDeepStrictEqual(r.sourceAddresses, [ctx.network.subnet.nodes!.cidr]))).toBe(true);
      expect(agents.every((r) => r.ruleType === 'ApplicationRule' && isDeepStrictEqual(r.sourceAddresses, [ctx.network.subnet.agents!.cidr]))).toBe(true);
      expect(nodes[0]).toMatchObject({ name: 'aks-required', fqdnTags: ['AzureKubernetesService'] });
      const allowlist = ctx.infra.egress.allowlist!;
      expect(nodes.slice(1).map((r) => r.name)).toEqual(allowlist.nodes.map((r) => r.name));
      expect(agents.map((r) => r.targetFqdns)).toEqual(allowlist.agents.map((r) => r.targetFqdns));
      expect(rendered.files.get('infra/egress-allowlist.json')).toBe(ctx.infra.egress.allowlistJson);
      const fqdns = [...nodes, ...agents].flatMap((r) => r.targetFqdns ?? []);
      for (const needed of [`${ctx.answers.location}.handler.control.monitor.azure.com`, 'data.policy.core.windows.net', 'dev.azure.com', 'management.azure.com', 'dl.k8s.io']) expect(fqdns, needed).toContain(needed);
      if (ctx.answers.agentPool === 'managedDevOpsPool') expect(fqdns).toContain('*.prod.manageddevops.microsoft.com');
      else expect(fqdns).not.toContain('*.prod.manageddevops.microsoft.com');
      // Nothing broader than a domain: no bare wildcard, no IP rule.
      expect(fqdns.filter((f) => f === '*' || /^\*\.[^.]+$/.test(f))).toEqual([]);
      expect(get(tree, 'Microsoft.Network/firewallPolicies/ruleCollectionGroups').flatMap((g) => (g.properties.ruleCollections as { rules: { ruleType: string }[] }[]).flatMap((c) => c.rules)).filter((r) => r.ruleType !== 'ApplicationRule')).toEqual([]);
      const logs = only(get(tree, 'Microsoft.Insights/diagnosticSettings', (d) => d.scope === firewall.id), 'firewall diagnostic setting');
      expect((logs.properties.logs as { category: string; enabled: boolean }[]).filter((l) => l.enabled).map((l) => l.category)).toEqual(['AzureFirewallApplicationRule', 'AzureFirewallNetworkRule', 'AzureFirewallDnsProxy']);
      const cluster = only(get(tree, 'Microsoft.ContainerService/managedClusters'), 'cluster');
      expect((cluster.properties.networkProfile as { outboundType: string }).outboundType).toBe('userDefinedRouting');
      const main = trees[tree].compiled.template.resources as Record<string, { dependsOn?: string[] }>;
      expect(main.aks!.dependsOn, 'the cluster is created once its egress works').toContain('firewall');
    });

    test.each(each)('%s: egress natGateway: nodes and agents leave through one Standard NAT gateway with a static Standard public IP', (tree) => {
      const { rendered } = trees[tree];
      if (rendered.answers.egress !== 'natGateway') {
        expect(get(tree, 'Microsoft.Network/natGateways')).toEqual([]);
        return;
      }
      const nat = only(get(tree, 'Microsoft.Network/natGateways'), 'NAT gateway');
      expect(nat.sku?.name).toBe('Standard');
      const ipIds = (nat.properties.publicIpAddresses as { id: string }[]).map((p) => p.id);
      const ip = only(get(tree, 'Microsoft.Network/publicIPAddresses', (p) => ipIds.includes(p.id!)), 'NAT public IP');
      expect(ip.sku?.name).toBe('Standard');
      expect(ip.properties.publicIPAllocationMethod).toBe('Static');
      const vnet = only(get(tree, 'Microsoft.Network/virtualNetworks'), 'virtual network');
      const subnets = vnet.properties.subnets as { name: string; properties: { natGateway?: { id: string } } }[];
      for (const name of [rendered.ctx.names.subnets.nodes, rendered.ctx.names.subnets.agents]) {
        expect(subnets.find((s) => s.name === name)?.properties.natGateway?.id, name).toBe(nat.id);
      }
      const cluster = only(get(tree, 'Microsoft.ContainerService/managedClusters'), 'cluster');
      expect((cluster.properties.networkProfile as { outboundType: string }).outboundType).toBe('userAssignedNATGateway');
    });

    test.each(each)('%s: the agent subnet is delegated to Managed DevOps Pools exactly when that is the agent kind', (tree) => {
      const { rendered } = trees[tree];
      const vnet = only(get(tree, 'Microsoft.Network/virtualNetworks'), 'virtual network');
      const agents = (vnet.properties.subnets as { name: string; properties: { delegations?: { properties: { serviceName: string } }[] } }[]).find(
        (s) => s.name === rendered.ctx.names.subnets.agents,
      )!;
      const delegations = (agents.properties.delegations ?? []).map((d) => d.properties.serviceName);
      expect(delegations).toEqual(rendered.answers.agentPool === 'managedDevOpsPool' ? ['Microsoft.DevOpsInfrastructure/pools'] : []);
    });

    test('the Bastion NSG has the documented Bastion rules and HTTPS to the virtual network', () => {
      const vnet = only(get('defaults', 'Microsoft.Network/virtualNetworks'), 'virtual network');
      const nsgId = (vnet.properties.subnets as { name: string; properties: { networkSecurityGroup: { id: string } } }[]).find((s) => s.name === 'AzureBastionSubnet')!.properties
        .networkSecurityGroup.id;
      const nsg = only(get('defaults', 'Microsoft.Network/networkSecurityGroups', (n) => n.id === nsgId), 'Bastion NSG');
      const rules = (nsg.properties.securityRules as { properties: Record<string, unknown> }[]).map((r) => r.properties);
      const allows = (direction: string, source: string, destination: string, port: string) =>
        rules.some(
          (r) =>
            r.direction === direction &&
            r.access === 'Allow' &&
            r.sourceAddressPrefix === source &&
            r.destinationAddressPrefix === destination &&
            (r.destinationPortRange === port || (r.destinationPortRanges as string[] | undefined)?.includes(port)),
        );
      expect(allows('Inbound', 'Internet', '*', '443')).toBe(true);
      expect(allows('Inbound', 'GatewayManager', '*', '443')).toBe(true);
      expect(allows('Inbound', 'AzureLoadBalancer', '*', '443')).toBe(true);
      expect(allows('Inbound', 'VirtualNetwork', 'VirtualNetwork', '8080')).toBe(true);
      expect(allows('Inbound', 'VirtualNetwork', 'VirtualNetwork', '5701')).toBe(true);
      expect(allows('Outbound', '*', 'VirtualNetwork', '22')).toBe(true);
      expect(allows('Outbound', '*', 'VirtualNetwork', '3389')).toBe(true);
      expect(allows('Outbound', '*', 'VirtualNetwork', '443')).toBe(true);
      expect(allows('Outbound', '*', 'AzureCloud', '443')).toBe(true);
      expect(allows('Outbound', 'VirtualNetwork', 'VirtualNetwork', '8080')).toBe(true);
      expect(allows('Outbound', '*', 'Internet', '80')).toBe(true);
    });

    test('the other NSGs deny outbound SSH and RDP; the private endpoints only accept HTTPS from the VNet', () => {
      const { rendered } = trees.defaults;
      const byName = (name: string) => only(get('defaults', 'Microsoft.Network/networkSecurityGroups', (n) => n.name === name), name);
      const nsgs = rendered.ctx.infra.names.networkSecurityGroups;
      for (const name of [nsgs.nodes, nsgs.privateEndpoints, nsgs.agents]) {
        const rules = (byName(name).properties.securityRules as { properties: Record<string, unknown> }[]).map((r) => r.properties);
        const deny = rules.find((r) => r.direction === 'Outbound' && r.access === 'Deny');
        expect(deny?.destinationPortRanges, name).toEqual(['22', '3389']);
      }
      const pe = (byName(nsgs.privateEndpoints).properties.securityRules as { properties: Record<string, unknown> }[]).map((r) => r.properties);
      const inbound = pe.filter((r) => r.direction === 'Inbound').sort((a, b) => Number(a.priority) - Number(b.priority));
      expect(inbound.map((r) => [r.access, r.sourceAddressPrefix, r.destinationPortRange])).toEqual([
        ['Allow', 'VirtualNetwork', '443'],
        ['Deny', 'VirtualNetwork', '*'],
      ]);
    });

    test('private DNS zones of the registry and the key vault are linked to the VNet, without auto-registration', () => {
      // The private endpoints' zones, and the private zone of the workloads' host names (ingress.bicep).
      const zoneName = trees.defaults.rendered.answers.privateDnsZone;
      const zones = get('defaults', 'Microsoft.Network/privateDnsZones').map((z) => z.name).sort();
      expect(zones).toEqual([zoneName, 'privatelink.azurecr.io', 'privatelink.vaultcore.azure.net'].sort());
      const links = get('defaults', 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
      expect(links.map((l) => l.name.split('/')[0]).sort()).toEqual(zones);
      for (const link of links) {
        expect(link.properties.registrationEnabled).toBe(false);
        expect((link.properties.virtualNetwork as { id: string }).id).toBe("[parameters('virtualNetworkId')]");
      }
      const main = trees.defaults.compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(main.privateDns!.properties.parameters.virtualNetworkId!.value).toBe("[reference('network').outputs.virtualNetworkId.value]");
      expect(main.ingress!.properties.parameters.virtualNetworkId!.value).toBe("[reference('network').outputs.virtualNetworkId.value]");
    });

    test.each(each)('%s: an A record per exposed workload in the private zone, pointing at the gateway\'s fixed address in the ingress subnet', (tree) => {
      const { ctx } = trees[tree].rendered;
      const records = get(tree, 'Microsoft.Network/privateDnsZones/A');
      expect(records.map((r) => r.name).sort()).toEqual(ctx.workloads.filter((w) => w.exposed).map((w) => `${ctx.answers.privateDnsZone}/${w.name}`).sort());
      for (const r of records) expect(r.properties.aRecords).toEqual([{ ipv4Address: ctx.network.ingressGatewayIp }]);
      const ingress = parseCidr(ctx.network.subnet.ingress!.cidr) as Cidr;
      expect(ingress.prefix).toBe(28);
      expect(ctx.network.ingressGatewayIp).toBe(fromNumber(ingress.first + 4));
      // The gateway's identity: federated with exactly its service account, Key Vault Secrets User on the vault.
      const identity = only(get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities', (i) => i.name === ctx.names.gatewayIdentity), 'gateway identity');
      expect(identity.modules).toEqual(['ingress']);
      const credential = only(get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', (f) => f.name.startsWith(`${ctx.names.gatewayIdentity}/`)), 'gateway federated credential');
      expect(credential.properties.subject).toBe(`system:serviceaccount:${ctx.k8s.gateway.spec.namespace}:${ctx.k8s.gateway.spec.serviceAccount}`);
      const reader = only(get(tree, 'Microsoft.Authorization/roleAssignments', (a) => a.modules[0] === 'ingress'), 'gateway role assignment');
      expect(roleOf(reader)).toBe(ROLES.keyVaultSecretsUser.id);
      expect(reader.scope).toBe(`${rg}/providers/Microsoft.KeyVault/vaults/${ctx.names.keyVault}`);
    });
  });

  describe('AKS', () => {
    const cluster = (tree: TreeName = 'defaults') => only(get(tree, 'Microsoft.ContainerService/managedClusters'), 'cluster');

    test('Entra ID with Azure RBAC, no local accounts, Standard tier, names and version from the answers', () => {
      for (const tree of each) {
        const { rendered } = trees[tree];
        const c = cluster(tree);
        expect(c.name).toBe(rendered.ctx.names.cluster);
        expect(c.properties.aadProfile).toMatchObject({ managed: true, enableAzureRBAC: true });
        expect(c.properties.disableLocalAccounts).toBe(true);
        expect(c.properties.enableRBAC).toBe(true);
        expect(c.sku).toEqual({ name: 'Base', tier: 'Standard' });
        expect(c.properties.nodeResourceGroup).toBe(rendered.ctx.names.nodeResourceGroup);
        expect(c.properties.kubernetesVersion).toBe(rendered.answers.kubernetesVersion);
      }
    });

    test('private API server: no public FQDN, AKS-managed private DNS zone, run command disabled, projected into its own delegated subnet', () => {
      const { names } = trees.defaults.rendered.ctx;
      const apiServerSubnet = `${rg}/providers/Microsoft.Network/virtualNetworks/${names.virtualNetwork}/subnets/${names.subnets.apiServer}`;
      expect(cluster().properties.apiServerAccessProfile).toEqual({
        enablePrivateCluster: true,
        enablePrivateClusterPublicFQDN: false,
        privateDNSZone: 'system',
        disableRunCommand: true,
        enableVnetIntegration: true,
        subnetId: apiServerSubnet,
      });
      const vnet = only(get('defaults', 'Microsoft.Network/virtualNetworks'), 'virtual network');
      const subnet = (vnet.properties.subnets as { name: string; properties: { addressPrefix: string; delegations?: { properties: { serviceName: string } }[] } }[]).find((s) => s.name === names.subnets.apiServer)!;
      expect(subnet.properties.delegations?.map((d) => d.properties.serviceName)).toEqual(['Microsoft.ContainerService/managedClusters']);
      expect((parseCidr(subnet.properties.addressPrefix) as Cidr).prefix, 'at least the /28 AKS requires').toBeLessThanOrEqual(28);
    });

    test.each(each)('%s: etcd encryption with a key in the private key vault (KMS), encryption at host on every node pool', (tree) => {
      const { ctx } = trees[tree].rendered;
      const c = cluster(tree);
      const vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/${ctx.names.keyVault}`;
      expect((c.properties.securityProfile as { azureKeyVaultKms: unknown }).azureKeyVaultKms).toEqual({
        enabled: true,
        keyId: "[parameters('kmsKeyUri')]",
        keyVaultNetworkAccess: 'Private',
        keyVaultResourceId: vaultId,
      });
      const modules = trees[tree].compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(modules.aks!.properties.parameters.kmsKeyUri!.value).toBe("[reference('keyVault').outputs.kmsKeyUri.value]");
      const key = only(get(tree, 'Microsoft.KeyVault/vaults/keys'), 'etcd key');
      expect(key.name).toBe(`${ctx.names.keyVault}/${ctx.names.kmsKey}`);
      expect(key.properties).toMatchObject({ kty: 'RSA', keyOps: ['encrypt', 'decrypt'], rotationPolicy: { lifetimeActions: [{ action: { type: 'rotate' }, trigger: { timeAfterCreate: 'P180D' } }] } });
      expect((key.properties.rotationPolicy as { attributes?: unknown }).attributes, 'no expiry: an expired old version would make secrets unreadable').toBeUndefined();
      for (const pool of c.properties.agentPoolProfiles as { name: string; enableEncryptionAtHost?: boolean }[]) expect(pool.enableEncryptionAtHost, pool.name).toBe(true);
      for (const set of get(tree, 'Microsoft.Compute/virtualMachineScaleSets')) {
        expect((set.properties as { virtualMachineProfile: { securityProfile: { encryptionAtHost?: boolean } } }).virtualMachineProfile.securityProfile.encryptionAtHost, set.name).toBe(true);
      }
    });

    test('OIDC issuer and workload identity on', () => {
      const c = cluster();
      expect(c.properties.oidcIssuerProfile).toEqual({ enabled: true });
      expect((c.properties.securityProfile as { workloadIdentity: unknown }).workloadIdentity).toEqual({ enabled: true });
    });

    test('add-ons: Key Vault secrets provider with rotation, Azure Policy, Container insights with Entra ID auth', () => {
      const addons = cluster().properties.addonProfiles as Record<string, { enabled: boolean; config?: Record<string, string> }>;
      expect(addons.azureKeyvaultSecretsProvider).toMatchObject({ enabled: true, config: { enableSecretRotation: 'true' } });
      expect(addons.azurepolicy?.enabled).toBe(true);
      expect(addons.omsagent).toMatchObject({ enabled: true, config: { useAADAuth: 'true', logAnalyticsWorkspaceResourceID: "[parameters('workspaceId')]" } });
      const association = only(get('defaults', 'Microsoft.Insights/dataCollectionRuleAssociations'), 'DCR association');
      expect(association.scope).toBe(cluster().id);
      const rule = only(get('defaults', 'Microsoft.Insights/dataCollectionRules'), 'data collection rule');
      expect(JSON.stringify(rule.properties.dataFlows)).toMatch(/Microsoft-ContainerInsights-Group-Default/);
    });

    test('Defender sensor into Log Analytics, image cleaner on', () => {
      const security = cluster().properties.securityProfile as Record<string, Record<string, unknown>>;
      expect(security.defender).toEqual({ logAnalyticsWorkspaceResourceId: "[parameters('workspaceId')]", securityMonitoring: { enabled: true } });
      expect(security.imageCleaner?.enabled).toBe(true);
    });

    test('diagnostic settings: kube-audit-admin (never kube-audit), guard and the platform logs into Log Analytics', () => {
      const setting = only(get('defaults', 'Microsoft.Insights/diagnosticSettings', (d) => d.scope === cluster().id), 'cluster diagnostic setting');
      expect(setting.properties.workspaceId).toBe("[parameters('workspaceId')]");
      const logs = setting.properties.logs as { category: string; enabled: boolean }[];
      const enabled = logs.filter((l) => l.enabled).map((l) => l.category);
      for (const category of ['kube-audit-admin', 'guard', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'cluster-autoscaler']) {
        expect(enabled).toContain(category);
      }
      expect(logs.map((l) => l.category)).not.toContain('kube-audit');
    });

    test('automatic upgrades (stable, NodeImage) with both AKS-managed maintenance windows', () => {
      expect(cluster().properties.autoUpgradeProfile).toEqual({ upgradeChannel: 'stable', nodeOSUpgradeChannel: 'NodeImage' });
      const windows = get('defaults', 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations').map((m) => m.name.split('/')[1]);
      expect(windows.sort()).toEqual(['aksManagedAutoUpgradeSchedule', 'aksManagedNodeOSUpgradeSchedule']);
    });

    test.each(each)('%s: tainted autoscaling system pool and autoscaling user pool: zones, ephemeral OS, Azure Linux, maxPods >= 50', (tree) => {
      const { answers } = trees[tree].rendered;
      const pools = cluster(tree).properties.agentPoolProfiles as Record<string, unknown>[];
      const system = only(pools.filter((p) => p.mode === 'System'), 'system pool');
      const user = only(pools.filter((p) => p.mode === 'User'), 'user pool');
      expect(system).toMatchObject({ count: answers.systemNodeCount, minCount: answers.systemNodeCount, enableAutoScaling: true, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] });
      expect(system.vmSize).toBe(answers.systemNodeVmSize);
      expect(Number(system.maxCount)).toBeGreaterThanOrEqual(answers.systemNodeCount);
      expect(user).toMatchObject({ minCount: answers.userNodeMinCount, maxCount: answers.userNodeMaxCount, enableAutoScaling: true, vmSize: answers.userNodeVmSize });
      expect(user.nodeTaints).toBeUndefined();
      for (const pool of [system, user]) {
        expect(pool).toMatchObject({ osDiskType: 'Ephemeral', osSKU: 'AzureLinux', enableNodePublicIP: false, securityProfile: { sshAccess: 'Disabled' } });
        expect(Number(pool.maxPods)).toBeGreaterThanOrEqual(50);
        if (answers.availabilityZones.length) expect(pool.availabilityZones).toEqual(answers.availabilityZones);
        else expect(pool).not.toHaveProperty('availabilityZones');
        expect(pool.vnetSubnetID).toBe(`${rg}/providers/Microsoft.Network/virtualNetworks/${trees[tree].rendered.ctx.names.virtualNetwork}/subnets/${trees[tree].rendered.ctx.names.subnets.nodes}`);
      }
    });

    test('the control plane has a user-assigned identity with five roles: Network Contributor on its three subnets, Crypto User on the etcd key, Key Vault Contributor on the vault', () => {
      const { names } = trees.defaults.rendered.ctx;
      const c = cluster();
      const identity = only(get('defaults', 'Microsoft.ManagedIdentity/userAssignedIdentities', (i) => i.name === names.clusterIdentity), 'control-plane identity');
      expect(c.identity?.type).toBe('UserAssigned');
      expect(Object.keys(c.identity?.userAssignedIdentities as object)).toEqual([identity.id]);
      const assignments = get('defaults', 'Microsoft.Authorization/roleAssignments', (a) => String(a.properties.principalId).includes("'controlPlaneIdentity'"));
      const vault = `${rg}/providers/Microsoft.KeyVault/vaults/${names.keyVault}`;
      expect(assignments.map((a) => [roleOf(a), a.scope])).toEqual([
        ...[names.subnets.nodes, names.subnets.ingress, names.subnets.apiServer].map((subnet) => [ROLES.networkContributor.id, `${rg}/providers/Microsoft.Network/virtualNetworks/${names.virtualNetwork}/subnets/${subnet}`]),
        [ROLES.keyVaultCryptoUser.id, `${vault}/keys/${names.kmsKey}`],
        [ROLES.keyVaultContributor.id, vault],
      ]);
      for (const dependency of ['controlPlaneApiServerNetworkContributor', 'controlPlaneKmsCryptoUser', 'controlPlaneKmsVaultContributor']) expect(c.raw.dependsOn).toContain(dependency);
      expect(c.raw.dependsOn).toContain('controlPlaneNetworkContributor');
      expect(c.raw.dependsOn).toContain('controlPlaneIngressNetworkContributor');
    });

    test('role assignment names are deterministic guid(...) expressions', () => {
      for (const tree of each) {
        for (const a of get(tree, 'Microsoft.Authorization/roleAssignments')) expect(String(a.raw.name)).toMatch(/^\[guid\(/);
      }
    });
  });

  describe('container registry', () => {
    const registry = (tree: TreeName = 'defaults') => only(get(tree, 'Microsoft.ContainerRegistry/registries'), 'registry');

    test('zone-redundant exactly where the region has zones', () => {
      expect(registry('defaults').properties.zoneRedundancy).toBe('Enabled');
      expect(registry('vmssNoBastionOddNetwork').properties.zoneRedundancy).toBe('Disabled');
    });

    test('a private endpoint (group registry) with a DNS zone group on privatelink.azurecr.io', () => {
      const endpoint = only(get('defaults', 'Microsoft.Network/privateEndpoints', inModule('registry')), 'registry private endpoint');
      const connection = (endpoint.properties.privateLinkServiceConnections as { properties: { groupIds: string[]; privateLinkServiceId: string } }[])[0]!;
      expect(connection.properties.groupIds).toEqual(['registry']);
      expect(connection.properties.privateLinkServiceId).toBe(registry().id);
      const group = only(get('defaults', 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups', inModule('registry')), 'zone group');
      expect(JSON.stringify(group.properties)).toMatch(/privateDnsZoneId/);
      const main = trees.defaults.compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(main.registry!.properties.parameters.privateDnsZoneId!.value).toBe("[reference('privateDns').outputs.registryZoneId.value]");
    });
  });

  describe('key vault', () => {
    const vault = () => only(get('defaults', 'Microsoft.KeyVault/vaults'), 'key vault');

    test('a private endpoint (group vault) on privatelink.vaultcore.azure.net', () => {
      const endpoint = only(get('defaults', 'Microsoft.Network/privateEndpoints', inModule('keyVault')), 'vault private endpoint');
      const connection = (endpoint.properties.privateLinkServiceConnections as { properties: { groupIds: string[]; privateLinkServiceId: string } }[])[0]!;
      expect(connection.properties.groupIds).toEqual(['vault']);
      expect(connection.properties.privateLinkServiceId).toBe(vault().id);
      only(get('defaults', 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups', inModule('keyVault')), 'zone group');
      const main = trees.defaults.compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(main.keyVault!.properties.parameters.privateDnsZoneId!.value).toBe("[reference('privateDns').outputs.keyVaultZoneId.value]");
    });

    test('AuditEvent goes to Log Analytics', () => {
      const setting = only(get('defaults', 'Microsoft.Insights/diagnosticSettings', (d) => d.scope === vault().id), 'vault diagnostic setting');
      expect(setting.properties.workspaceId).toBe("[parameters('workspaceId')]");
      expect(setting.properties.logs).toContainEqual({ category: 'AuditEvent', enabled: true });
    });
  });

  describe('Azure Bastion', () => {
    test('only when answered; the answered SKU with tunnelling on, shareable links and IP connect off', () => {
      for (const tree of each) {
        const { answers } = trees[tree].rendered;
        const hosts = get(tree, 'Microsoft.Network/bastionHosts');
        if (!answers.bastion) {
          expect(hosts).toEqual([]);
          continue;
        }
        const host = only(hosts, 'bastion');
        expect(host.sku?.name).toBe(answers.bastionSku);
        expect(host.properties).toMatchObject({ enableTunneling: true, enableShareableLink: false, enableIpConnect: false });
        const ipId = ((host.properties.ipConfigurations as { properties: { publicIPAddress: { id: string } } }[])[0]!).properties.publicIPAddress.id;
        const ip = only(get(tree, 'Microsoft.Network/publicIPAddresses', (p) => p.id === ipId), 'bastion public IP');
        expect(ip.sku?.name).toBe('Standard');
        expect(ip.properties.publicIPAllocationMethod).toBe('Static');
        expect(ip.zones).toEqual(answers.availabilityZones.length ? answers.availabilityZones : undefined);
        const setting = only(get(tree, 'Microsoft.Insights/diagnosticSettings', (d) => d.scope === host.id), 'bastion diagnostic setting');
        expect(setting.properties.logs).toContainEqual({ category: 'BastionAuditLogs', enabled: true });
      }
      expect(get('premiumBastionAdminsThreeWorkloads', 'Microsoft.Network/bastionHosts')[0]!.sku?.name).toBe('Premium');
    });
  });

  describe('workload identities', () => {
    const tree: TreeName = 'premiumBastionAdminsThreeWorkloads';

    test('every workload gets its identity and a federated credential for its service account', () => {
      const { ctx } = trees[tree].rendered;
      const identities = get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities', inModule('workloadIdentities'));
      expect(identities.map((i) => i.name)).toEqual(ctx.workloads.map((w) => w.names.identity));
      const credentials = get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', inModule('workloadIdentities'));
      expect(credentials.map((c) => c.name)).toEqual(ctx.workloads.map((w) => `${w.names.identity}/${w.names.federatedCredential}`));
      credentials.forEach((c, i) => {
        const w = ctx.workloads[i]!;
        expect(c.properties.subject).toBe(`system:serviceaccount:${w.namespace}:${w.names.serviceAccount}`);
        expect(c.properties.audiences).toEqual(['api://AzureADTokenExchange']);
        expect(c.properties.issuer).toBe("[parameters('oidcIssuerUrl')]");
        expect(c.batchSize).toBe(1);
      });
      const main = trees[tree].compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(main.workloadIdentities!.properties.parameters.oidcIssuerUrl!.value).toBe("[reference('aks').outputs.oidcIssuerUrl.value]");
      const aks = only(ofType(trees[tree].resources, 'Microsoft.Resources/deployments').filter((d) => d.symbol === 'aks'), 'aks module');
      const outputs = (aks.raw.properties as { template: { outputs: Record<string, { value: string }> } }).template.outputs;
      expect(outputs.oidcIssuerUrl!.value).toMatch(/\.oidcIssuerProfile\.issuerURL\]$/);
    });

  });

  describe('pipeline identity', () => {
    const assignments = (tree: TreeName) => get(tree, 'Microsoft.Authorization/roleAssignments', inModule('pipelineIdentity'));

    test('Contributor and a conditioned RBAC Administrator on the resource group, both created only if absent', () => {
      const byRole = (role: string) => only(assignments('defaults').filter((a) => roleOf(a) === role), role);
      const contributor = byRole(ROLES.contributor.id);
      const administrator = byRole(ROLES.roleBasedAccessControlAdministrator.id);
      for (const a of [contributor, administrator]) {
        expect(a.scope).toBeUndefined(); // the deployment's resource group
        expect(a.options).toHaveProperty('onlyIfNotExists');
      }
      expect(administrator.properties.conditionVersion).toBe('2.0');
      expect(String(administrator.properties.condition)).toMatch(/Microsoft\.Authorization\/roleAssignments\/write/);
      expect(String(administrator.properties.condition)).toMatch(/Microsoft\.Authorization\/roleAssignments\/delete/);
    });

    /** The custom role the pipeline identity module defines (one per tree). */
    const namespaceDeployer = (tree: TreeName) => only(get(tree, 'Microsoft.Authorization/roleDefinitions'), 'role definition');
    const clusterId = (tree: TreeName) => `${rg}/providers/Microsoft.ContainerService/managedClusters/${trees[tree].rendered.ctx.names.cluster}`;
    /** The built-in role the pipeline had in the namespaces before, which cannot write custom resources. */
    const AKS_RBAC_WRITER = 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb';

    test.each(each)('%s: the condition lists exactly the roles the template assigns (other than the pipeline\'s own access), the custom role by its ID, to service principals and groups', (tree) => {
      const administrator = only(
        assignments(tree).filter((a) => roleOf(a) === ROLES.roleBasedAccessControlAdministrator.id),
        'RBAC administrator assignment',
      );
      // The module replace()s the custom role's placeholder with the definition's name (its GUID): the
      // walker evaluates replace() and guid(), so the condition holds the same value as the definition's name.
      const condition = String(administrator.properties.condition);
      expect(isUnresolved(condition)).toBe(false);
      const lists = [...condition.matchAll(/RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/g)].map((m) => m[1]!.split(',').map((s) => s.trim()).sort());
      expect(lists).toHaveLength(2);
      const assigned = new Set(
        get(tree, 'Microsoft.Authorization/roleAssignments')
          .filter((a) => !a.options?.onlyIfNotExists)
          .map(roleOf),
      );
      expect(lists[0]).toEqual([...assigned].sort());
      expect(lists[1]).toEqual([...assigned].sort());
      expect(lists[0]).toContain(namespaceDeployer(tree).name);
      expect(lists[0]).toContain(ROLES.aksRbacAdmin.id);
      for (const gone of [CUSTOM_ROLES.aksNamespaceDeployer.placeholder, AKS_RBAC_WRITER]) expect(condition).not.toContain(gone);
      for (const privileged of [ROLES.contributor.id, ROLES.roleBasedAccessControlAdministrator.id, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635']) {
        expect(condition).not.toContain(privileged);
      }
      expect(condition).toMatch(/PrincipalType\] ForAnyOfAnyValues:StringEqualsIgnoreCase \{'ServicePrincipal', 'Group'\}/);
      // Compiled, the placeholder is replaced by the definition's own name expression.
      const module = only(ofType(trees[tree].resources, 'Microsoft.Resources/deployments').filter((d) => d.symbol === 'pipelineIdentity'), 'pipelineIdentity module');
      const compiledCondition = String((module.raw.properties as { template: { variables: Record<string, string> } }).template.variables.roleAssignmentCondition);
      expect(compiledCondition.startsWith("[replace('")).toBe(true);
      expect(compiledCondition.endsWith(`', '${CUSTOM_ROLES.aksNamespaceDeployer.placeholder}', ${String(namespaceDeployer(tree).raw.name).slice(1, -1)})]`)).toBe(true);
    });

    test('AcrPush on the registry, Cluster User and the namespace deployer on the cluster, RBAC Admin in each workload namespace, and nothing else', () => {
      const tree: TreeName = 'premiumBastionAdminsThreeWorkloads';
      const { names } = trees[tree].rendered.ctx;
      const cluster = clusterId(tree);
      const scoped = assignments(tree)
        .filter((a) => !a.options?.onlyIfNotExists)
        .map((a) => [roleOf(a), a.scope]);
      expect(scoped).toEqual([
        [ROLES.acrPush.id, `${rg}/providers/Microsoft.ContainerRegistry/registries/${names.registry}`],
        [ROLES.aksClusterUser.id, cluster],
        [ROLES.aksRbacAdmin.id, `${cluster}/namespaces/shop`],
        [ROLES.aksRbacAdmin.id, `${cluster}/namespaces/jobs`],
        [ROLES.aksRbacAdmin.id, `${cluster}/namespaces/${trees[tree].rendered.ctx.k8s.gateway.spec.namespace}`],
        [namespaceDeployer(tree).name, cluster],
      ]);
    });

    test.each(each)('%s: RBAC Admin only in the workload namespaces (and the gateway\'s, when a workload is exposed), to the pipeline identity; RBAC Writer assigned nowhere', (tree) => {
      const { ctx } = trees[tree].rendered;
      const all = get(tree, 'Microsoft.Authorization/roleAssignments');
      const admins = all.filter((a) => roleOf(a) === ROLES.aksRbacAdmin.id);
      const namespaces = [...new Set(ctx.workloads.map((w) => w.namespace)), ...(ctx.k8s.gateway.enabled ? [ctx.k8s.gateway.spec.namespace] : [])];
      expect(admins.map((a) => a.scope)).toEqual(namespaces.map((ns) => `${clusterId(tree)}/namespaces/${ns}`));
      for (const a of admins) {
        expect(a.modules).toEqual(['pipelineIdentity']);
        expect(a.properties.principalId).toBe("[reference('identity').principalId]");
        expect(a.properties.principalType).toBe('ServicePrincipal');
        expect(a.condition).toBe(true);
      }
      expect(all.filter((a) => roleOf(a) === AKS_RBAC_WRITER)).toEqual([]);
      expect(JSON.stringify(trees[tree].compiled.template)).not.toContain(AKS_RBAC_WRITER);
    });

    test.each(each)('%s: the custom role reads and writes Namespace objects only, is assignable only in the resource group, and is created only if absent', (tree) => {
      const { names } = trees[tree].rendered.ctx;
      const definition = namespaceDeployer(tree);
      expect(definition.modules).toEqual(['pipelineIdentity']);
      expect(definition.condition).toBe(true);
      expect(definition.options).toHaveProperty('onlyIfNotExists');
      expect(definition.apiVersion).toBe(API_VERSIONS.authorization);
      expect(definition.raw.name).toBe(`[guid(resourceGroup().id, '${CUSTOM_ROLES.aksNamespaceDeployer.seed}', parameters('clusterName'))]`);
      expect(definition.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(definition.properties).toEqual({
        roleName: `${CUSTOM_ROLES.aksNamespaceDeployer.name} (${FAKE_SCOPE.resourceGroup}/${names.cluster}, subscription ${FAKE_SCOPE.subscriptionId})`,
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
        assignableScopes: [rg],
      });
      const main = trees[tree].compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(main.pipelineIdentity!.properties.parameters.clusterName!.value).toBe(names.cluster);
    });

    test.each(each)('%s: the custom role is assigned once, to the pipeline identity, at cluster scope, after its definition', (tree) => {
      const definition = namespaceDeployer(tree);
      const assignment = only(get(tree, 'Microsoft.Authorization/roleAssignments', (a) => roleOf(a) === definition.name), 'namespace deployer assignment');
      expect(assignment.modules).toEqual(['pipelineIdentity']);
      expect(assignment.scope).toBe(clusterId(tree));
      expect(assignment.condition).toBe(true);
      expect(assignment.options?.onlyIfNotExists).toBeUndefined();
      expect(assignment.properties).toMatchObject({
        roleDefinitionId: `/subscriptions/${FAKE_SCOPE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${definition.name}`,
        principalId: "[reference('identity').principalId]",
        principalType: 'ServicePrincipal',
      });
      expect(assignment.raw.dependsOn).toContain(definition.symbol);
      const identity = only(get(tree, 'Microsoft.ManagedIdentity/userAssignedIdentities', inModule('pipelineIdentity')), 'pipeline identity');
      expect(identity.symbol).toBe('identity');
    });

    test('the federated credential is deployed only once issuer and subject are given, with the token exchange audience', () => {
      const { compiled } = trees.defaults;
      const { names } = trees.defaults.rendered.ctx;
      const credential = (parameters: Record<string, unknown>) =>
        only(
          ofType(armResources(compiled.template, { parameters }), 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials').filter(inModule('pipelineIdentity')),
          'pipeline federated credential',
        );
      expect(credential(compiled.parameters).condition).toBe(false);
      const issuer = 'https://vstoken.dev.azure.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
      const subject = 'sc://contoso/contoso/sc-contoso-dev';
      const given = credential({ ...compiled.parameters, pipelineFederationIssuer: issuer, pipelineFederationSubject: subject });
      expect(given.condition).toBe(true);
      expect(given.name).toBe(`${names.pipelineIdentity}/${names.pipelineFederatedCredential}`);
      expect(given.properties).toEqual({ issuer, subject, audiences: ['api://AzureADTokenExchange'] });
    });
  });

  describe('agents', () => {
    test('Managed DevOps Pool: stateless Ubuntu agents in the delegated subnet, for the answered organization and project', () => {
      const { answers, ctx: { names } } = trees.defaults.rendered;
      const pool = only(get('defaults', 'Microsoft.DevOpsInfrastructure/pools'), 'pool');
      expect(pool.name).toBe(names.agentPool);
      expect(pool.properties.maximumConcurrency).toBe(answers.agentMaxConcurrency);
      expect(pool.properties.agentProfile).toEqual({ kind: 'Stateless' });
      expect(pool.properties.organizationProfile).toMatchObject({
        kind: 'AzureDevOps',
        organizations: [{ url: answers.adoOrganizationUrl, projects: [answers.adoProject] }],
      });
      const fabric = pool.properties.fabricProfile as { kind: string; images: { wellKnownImageName: string }[]; networkProfile: { subnetId: string } };
      expect(fabric.kind).toBe('Vmss');
      expect(fabric.images).toEqual([{ wellKnownImageName: 'ubuntu-24.04/latest' }]);
      expect(fabric.networkProfile.subnetId).toBe("[parameters('subnetId')]");
      const main = trees.defaults.compiled.template.resources as Record<string, { properties: { parameters: Record<string, { value: string }> } }>;
      expect(main.agentPool!.properties.parameters.subnetId!.value).toBe("[reference('network').outputs.agentsSubnetId.value]");
      const devCenter = only(get('defaults', 'Microsoft.DevCenter/devcenters'), 'dev center');
      const project = only(get('defaults', 'Microsoft.DevCenter/projects'), 'dev center project');
      expect(project.properties.devCenterId).toBe(devCenter.id);
      expect(pool.properties.devCenterProjectResourceId).toBe(project.id);
    });

    test('the DevOpsInfrastructure service principal gets Reader and Network Contributor on the VNet, before the pool', () => {
      const { names } = trees.defaults.rendered.ctx;
      const roles = get('defaults', 'Microsoft.Authorization/roleAssignments', inModule('agentPool'));
      expect(roles.map(roleOf).sort()).toEqual([ROLES.reader.id, ROLES.networkContributor.id].sort());
      for (const a of roles) {
        expect(a.properties.principalId).toBe(SAMPLE_DEPLOY_ENV.DEVOPS_INFRASTRUCTURE_OBJECT_ID);
        expect(a.scope).toBe(`${rg}/providers/Microsoft.Network/virtualNetworks/${names.virtualNetwork}`);
      }
      const pool = only(get('defaults', 'Microsoft.DevOpsInfrastructure/pools'), 'pool');
      for (const role of roles) expect(pool.raw.dependsOn).toContain(role.symbol);
    });

    test('VM scale set: Uniform, no overprovisioning, manual upgrades, empty, no public IP, no agent extension, SSH key only', () => {
      const tree: TreeName = 'vmssNoBastionOddNetwork';
      expect(get(tree, 'Microsoft.DevOpsInfrastructure/pools')).toEqual([]);
      const set = only(get(tree, 'Microsoft.Compute/virtualMachineScaleSets'), 'scale set');
      expect(set.name).toBe(trees[tree].rendered.ctx.names.agentScaleSet);
      expect(set.sku).toMatchObject({ capacity: 0 });
      expect(set.properties).toMatchObject({ orchestrationMode: 'Uniform', overprovision: false, singlePlacementGroup: false, upgradePolicy: { mode: 'Manual' } });
      const profile = set.properties.virtualMachineProfile as Record<string, Record<string, unknown>>;
      expect(profile).not.toHaveProperty('extensionProfile');
      const linux = profile.osProfile!.linuxConfiguration as { disablePasswordAuthentication: boolean; ssh: { publicKeys: { keyData: string }[] } };
      expect(linux.disablePasswordAuthentication).toBe(true);
      expect(linux.ssh.publicKeys.map((k) => k.keyData)).toEqual([SAMPLE_DEPLOY_ENV.AGENT_SSH_PUBLIC_KEY]);
      expect(profile.osProfile).not.toHaveProperty('adminPassword');
      expect(JSON.stringify(profile.networkProfile)).not.toMatch(/publicIPAddressConfiguration/);
      expect(JSON.stringify(profile.storageProfile)).toMatch(/"publisher":"Canonical".*ubuntu/);
      expect(set.zones).toBeUndefined();
    });
  });

  test('monitoring: Log Analytics keeps 30+ days and accepts Entra ID sign-in only', () => {
    for (const tree of each) {
      const workspace = only(get(tree, 'Microsoft.OperationalInsights/workspaces'), 'workspace');
      expect(workspace.name).toBe(trees[tree].rendered.ctx.names.logAnalytics);
      expect(Number(workspace.properties.retentionInDays)).toBeGreaterThanOrEqual(30);
      expect((workspace.properties.features as { disableLocalAuth: boolean }).disableLocalAuth).toBe(true);
    }
  });

  test('the API versions the templates use are the ones infra.ts names', () => {
    const used = new Set(armResources(trees.defaults.compiled.template, { includeExisting: true }).map((r) => r.apiVersion));
    const named = new Set<string>(Object.values(API_VERSIONS));
    for (const version of used) if (version !== '2025-04-01') expect(named.has(version), version).toBe(true);
    expect(isUnresolved("[reference('x')]")).toBe(true);
  });
});
