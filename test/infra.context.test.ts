// core/plan/infra.ts without the Bicep CLI: what the infra/ templates receive for a given set of answers.
import { describe, expect, test } from 'vitest';
import { buildContext } from '../generators/core/plan/context.ts';
import { API_VERSIONS, infraWorkloadEntry, renderInfraWorkloads, roleAssignmentCondition } from '../generators/core/plan/infra.ts';
import { CUSTOM_ROLES, isCustomRole, ROLES } from '../generators/core/plan/roles.ts';
import { renderRepository, resolveOrThrow, type AnswerInput } from './helpers/generate.ts';

const infraOf = (input: AnswerInput = {}) => buildContext(resolveOrThrow(input), '0.0.0-test').infra;

describe('core/plan/infra.ts', () => {
  test('API versions are dated GA versions only', () => {
    for (const version of Object.values(API_VERSIONS)) expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(API_VERSIONS.containerService >= '2025-10-01').toBe(true);
  });

  test('the pipeline may assign every role the template assigns, except its own Contributor and RBAC Administrator', () => {
    for (const agentPool of ['managedDevOpsPool', 'vmss'] as const) {
      const infra = infraOf({ agentPool });
      const assignable = infra.pipelineAssignableRoles.map((r) => r.id);
      const all = new Set(infra.roleAssignments.map((a) => (isCustomRole(a.role) ? CUSTOM_ROLES[a.role].placeholder : ROLES[a.role].id)));
      expect(new Set([...assignable, ROLES.contributor.id, ROLES.roleBasedAccessControlAdministrator.id])).toEqual(all);
      expect(assignable).not.toContain(ROLES.contributor.id);
      expect(assignable).not.toContain(ROLES.roleBasedAccessControlAdministrator.id);
      expect(assignable.includes(ROLES.reader.id)).toBe(agentPool === 'managedDevOpsPool');
      // The custom role is listed by its placeholder (pipeline-identity.bicep replaces it with the role's ID).
      expect(infra.pipelineAssignableRoles.filter((r) => r.custom).map((r) => r.id)).toEqual([CUSTOM_ROLES.aksNamespaceDeployer.placeholder]);
      expect(assignable).toContain(ROLES.aksRbacAdmin.id);
      for (const id of assignable) expect(infra.pipelineRoleAssignmentCondition.split(id)).toHaveLength(3);
    }
  });

  test('the condition constrains both writes and deletes', () => {
    const condition = roleAssignmentCondition(['a', 'b']);
    expect(condition).toContain("!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})");
    expect(condition).toContain("!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})");
    expect(condition).toContain('@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {a, b}');
    expect(condition).toContain('@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {a, b}');
    expect(condition).not.toContain("'''");
  });

  test('deploy-time parameters: admin groups only when not answered, one per agent kind', () => {
    expect(infraOf().deployTimeParameters.map((p) => p.env)).toEqual(['AKS_ADMIN_GROUP_OBJECT_IDS', 'DEVOPS_INFRASTRUCTURE_OBJECT_ID']);
    const answered = infraOf({ adminGroupObjectIds: ['6f3c2a4e-8d1b-4c7e-9a2f-1b3d5e7f9a0c'], agentPool: 'vmss' });
    expect(answered.deployTimeParameters.map((p) => p.env)).toEqual(['AGENT_SSH_PUBLIC_KEY']);
    expect(answered.adminGroups).toEqual({ ids: ['6f3c2a4e-8d1b-4c7e-9a2f-1b3d5e7f9a0c'], fromEnvironment: undefined });
    expect(infraOf().adminGroups.fromEnvironment).toMatch(/readEnvironmentVariable\('AKS_ADMIN_GROUP_OBJECT_IDS', ''\)/);
  });

  test('node pools follow the answers; the system pool autoscales from its count', () => {
    const infra = infraOf({ systemNodeCount: 4, userNodeMinCount: 2, userNodeMaxCount: 9, availabilityZones: [] });
    expect(infra.systemPool).toMatchObject({ count: 4, minCount: 4 });
    expect(infra.systemPool.maxCount).toBeGreaterThan(4);
    expect(infra.userPool).toMatchObject({ count: 2, minCount: 2, maxCount: 9 });
    expect(infra.zones).toEqual([]);
    expect(infra.registryZoneRedundancy).toBe('Disabled');
    expect(infraOf().registryZoneRedundancy).toBe('Enabled');
    expect(infra.maxPods).toBeGreaterThanOrEqual(50);
  });

  test('workloads.json entries carry the names the rest of the repository uses', async () => {
    const { ctx, files } = await renderRepository({
      workloads: [
        { name: 'web', namespace: 'shop', port: 8080, replicas: 2, secrets: ['a'] },
        { name: 'api', namespace: 'shop', port: 8081, replicas: 1, secrets: [], expose: 'none' },
      ],
    });
    const entries = ctx.workloads.map(infraWorkloadEntry);
    expect(entries[1]).toEqual({
      name: 'api',
      namespace: 'shop',
      serviceAccount: ctx.workloads[1]!.names.serviceAccount,
      federatedCredentialName: ctx.workloads[1]!.names.federatedCredential,
      readsSecrets: false,
      exposed: false,
    });
    expect(entries[0]!.exposed).toBe(true);
    expect(files.get('infra/workloads.json')).toBe(renderInfraWorkloads(entries));
    expect(renderInfraWorkloads(entries)).toMatch(/^\[\n {2}\{\n {4}"name": "web",/);
  });

  test('conditional files: Bastion only when answered, one agent module per kind', async () => {
    const paths = async (input: AnswerInput) => [...(await renderRepository(input)).files.keys()].filter((p) => p.startsWith('infra/')).sort();
    const defaults = await paths({});
    expect(defaults).toEqual([
      'infra/bicepconfig.json',
      'infra/dev.bicepparam',
      'infra/egress-allowlist.json',
      'infra/main.bicep',
      'infra/modules/agent-pool.bicep',
      'infra/modules/aks.bicep',
      'infra/modules/bastion.bicep',
      'infra/modules/firewall.bicep',
      'infra/modules/ingress.bicep',
      'infra/modules/key-vault.bicep',
      'infra/modules/monitoring.bicep',
      'infra/modules/network.bicep',
      'infra/modules/pipeline-identity.bicep',
      'infra/modules/private-dns.bicep',
      'infra/modules/registry.bicep',
      'infra/modules/workload-identity.bicep',
      'infra/types.bicep',
      'infra/workloads.json',
    ]);
    const other = await paths({ bastion: false, agentPool: 'vmss', environment: 'prod', egress: 'natGateway' });
    expect(other).toContain('infra/modules/agent-scale-set.bicep');
    expect(other).not.toContain('infra/modules/firewall.bicep');
    expect(other).not.toContain('infra/egress-allowlist.json');
    expect(other).toContain('infra/prod.bicepparam');
    expect(other).not.toContain('infra/modules/bastion.bicep');
    expect(other).not.toContain('infra/modules/agent-pool.bicep');
  });
});
