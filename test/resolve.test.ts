import { describe, expect, it } from 'vitest';
import { formatProblem } from '../generators/core/support/problems.ts';
import { resolveAnswers, type Sources } from '../generators/core/answers/resolve.ts';

function problemsOf(sources: Partial<Sources>): string[] {
  const result = resolveAnswers({ folderName: 'orders', ...sources });
  return result.ok ? [] : result.problems.map(formatProblem);
}

function answersOf(sources: Partial<Sources>) {
  const result = resolveAnswers({ folderName: 'orders', ...sources });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.answers;
}

describe('precedence: flags > answers file > stored > prompts > defaults', () => {
  it('takes each key from the highest source that has it', () => {
    const answers = answersOf({
      flags: { location: 'northeurope' },
      file: { location: 'swedencentral', environment: 'prod' },
      stored: { location: 'uksouth', environment: 'qa', bastionSku: 'Premium' },
      prompted: { location: 'francecentral', environment: 'test', bastionSku: 'Standard', agentPool: 'vmss' },
    });
    expect(answers.location).toBe('northeurope');
    expect(answers.environment).toBe('prod');
    expect(answers.bastionSku).toBe('Premium');
    expect(answers.agentPool).toBe('vmss');
    expect(answers.kubernetesVersion).toBe('1.35');
  });

  it('derives defaults from other answers', () => {
    const answers = answersOf({ flags: { name: 'billing', environment: 'prod' } });
    expect(answers.name).toBe('billing');
    expect(answers.acrName).toMatch(/^crbillingprod[0-9a-f]{4}$/);
    expect(answers.keyVaultName).toMatch(/^kv-billing-prod-[0-9a-f]{4}$/);
    expect(answers.serviceConnection).toBe('sc-billing-prod');
    expect(answers.workloads).toEqual([{ name: 'billing', namespace: 'billing', kind: 'web', port: 8080, replicas: 2, secrets: ['app-secret'], expose: 'internal' }]);
  });

  it('the folder name is the default name', () => {
    expect(answersOf({}).name).toBe('orders');
    expect(problemsOf({ folderName: 'My_Service' })[0]).toMatch(/^name "My_Service": /);
  });

  it('converts command-line text to the declared types, and rejects what does not convert', () => {
    const answers = answersOf({ flags: { userNodeMinCount: '4', userNodeMaxCount: '9', bastion: 'false', availabilityZones: '1,2', adminGroupObjectIds: '' } });
    expect(answers).toMatchObject({ userNodeMinCount: 4, userNodeMaxCount: 9, bastion: false, availabilityZones: ['1', '2'], adminGroupObjectIds: [] });
    expect(problemsOf({ flags: { userNodeMinCount: 'three' } })).toEqual(['userNodeMinCount "three": must be a whole number']);
    expect(problemsOf({ flags: { bastion: 'maybe' } })).toEqual(['bastion "maybe": must be true or false']);
  });

  it('answers files must carry the declared types (no silent conversion)', () => {
    expect(problemsOf({ file: { userNodeMinCount: '3' } })).toEqual(['userNodeMinCount "3": must be a whole number']);
    expect(problemsOf({ file: { bastion: 'yes' } })).toEqual(['bastion "yes": must be true or false']);
    expect(problemsOf({ file: { availabilityZones: [1.5] } })[0]).toMatch(/^availabilityZones \[1\.5\]: must be a list/);
    expect(problemsOf({ file: { availabilityZones: [true] } })[0]).toMatch(/^availabilityZones \[true\]: must be a list/);
  });

  it('lists as people write them: numbers for zones, comma-separated text in a file, spaces after commas (issue 16)', () => {
    expect(answersOf({ file: { availabilityZones: [1, 2, 3] } }).availabilityZones).toEqual(['1', '2', '3']);
    expect(answersOf({ file: { availabilityZones: '1,2,3' } }).availabilityZones).toEqual(['1', '2', '3']);
    expect(answersOf({ file: { availabilityZones: '1, 3' } }).availabilityZones).toEqual(['1', '3']);
    expect(answersOf({ file: { availabilityZones: 2 } }).availabilityZones).toEqual(['2']);
    expect(answersOf({ file: { availabilityZones: '' } }).availabilityZones).toEqual([]);
    expect(answersOf({ flags: { availabilityZones: '1, 2' } }).availabilityZones).toEqual(['1', '2']);
    expect(answersOf({ file: { workloads: [{ name: 'api', secrets: 'db-password, api-key' }] } }).workloads[0]!.secrets).toEqual(['db-password', 'api-key']);
    expect(problemsOf({ file: { availabilityZones: [1, 4] } })).toEqual(['availabilityZones[1] "4": one of 1, 2, 3']);
  });
});

describe('validation reports every problem at once', () => {
  it('names each key, value and rule', () => {
    const problems = problemsOf({ flags: { name: 'Bad_Name', addressSpace: '10.0.0.0/30', adminGroupObjectIds: 'nope' } });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^name "Bad_Name": 2-20 lowercase/m);
    expect(problems.join('\n')).toMatch(/^addressSpace "10.0.0.0\/30": prefix must be from \/8 to \/24/m);
    expect(problems.join('\n')).toMatch(/^adminGroupObjectIds\[0\] "nope": must be a GUID/m);
  });

  it('does not blame derived defaults for an invalid name', () => {
    expect(problemsOf({ flags: { name: 'X' } })).toHaveLength(1);
  });

  it('unknown keys get a did-you-mean', () => {
    expect(problemsOf({ file: { acrname: 'crorders01' } })).toEqual(['acrname: unknown key (did you mean "acrName"?)']);
    expect(problemsOf({ file: { colour: 'blue' } })).toEqual(['colour: unknown key']);
  });

  it('min must not exceed max', () => {
    expect(problemsOf({ flags: { userNodeMinCount: '5', userNodeMaxCount: '4' } })).toEqual(['userNodeMinCount 5: must not exceed userNodeMaxCount (4)']);
  });

  it('regions: a did-you-mean for typos', () => {
    expect(problemsOf({ flags: { location: 'westeuroppe' } })[0]).toMatch(/did you mean "westeurope"/);
  });
});

describe('network ranges', () => {
  const ranges = (addressSpace: string, serviceCidr = '172.16.0.0/16', podCidr = '192.168.0.0/16', bastion = true) =>
    problemsOf({ file: { addressSpace, serviceCidr, podCidr, bastion } });

  it('accepts the defaults and odd but valid plans', () => {
    expect(ranges('10.42.0.0/16')).toEqual([]);
    expect(ranges('172.20.0.0/21', '10.100.0.0/16', '100.64.0.0/16')).toEqual([]);
  });

  it('rejects syntax, host bits, IPv6, sizes and public ranges', () => {
    expect(ranges('10.42.0.0')[0]).toMatch(/IPv4 CIDR/);
    expect(ranges('10.42.0.1/16')[0]).toMatch(/host bits set \(the network address of \/16 is 10.42.0.0\)/);
    expect(ranges('fd00::/8')[0]).toMatch(/IPv6 is not supported/);
    expect(ranges('0.0.0.0/0')[0]).toMatch(/prefix must be from \/8 to \/24/);
    expect(ranges('10.0.0.1/32')[0]).toMatch(/prefix must be from \/8 to \/24/);
    expect(ranges('20.0.0.0/16')[0]).toMatch(/private range/);
    expect(ranges('10.256.0.0/16')[0]).toMatch(/IPv4 CIDR/);
  });

  it('rejects overlaps in every pair', () => {
    expect(ranges('10.42.0.0/16', '10.42.128.0/20')).toEqual(['serviceCidr "10.42.128.0/20": overlaps addressSpace (10.42.0.0/16)']);
    expect(ranges('10.42.0.0/16', '172.16.0.0/16', '10.0.0.0/8')).toEqual(['podCidr "10.0.0.0/8": overlaps addressSpace (10.42.0.0/16)']);
    expect(ranges('10.42.0.0/16', '192.168.0.0/20', '192.168.0.0/16')).toEqual(['podCidr "192.168.0.0/16": overlaps serviceCidr (192.168.0.0/20)']);
  });

  it('rejects ranges AKS reserves', () => {
    expect(ranges('10.42.0.0/16', '172.31.0.0/16')[0]).toMatch(/overlaps 172.31.0.0\/16, which AKS reserves/);
  });

  it('rejects a subnet plan that does not fit, saying how big it must be', () => {
    expect(ranges('10.42.0.0/22')).toEqual(['addressSpace "10.42.0.0/22": the subnet plan (nodes /22, AzureBastionSubnet /26, private endpoints /27, agents /27, ingress /28, API server /27, AzureFirewallSubnet /26) needs at least a /21']);
    expect(ranges('10.42.0.0/22', undefined, undefined, false)[0]).toMatch(/needs at least a \/21/);
  });
});

describe('workloads', () => {
  it('fills in defaults', () => {
    const answers = answersOf({ file: { workloads: [{ name: 'orders-api' }, { name: 'billing', namespace: 'orders', port: 9000, replicas: 3, secrets: ['stripe-key'] }] } });
    expect(answers.workloads).toEqual([
      { name: 'orders-api', namespace: 'orders-api', kind: 'web', port: 8080, replicas: 2, secrets: [], expose: 'internal' },
      { name: 'billing', namespace: 'orders', kind: 'web', port: 9000, replicas: 3, secrets: ['stripe-key'], expose: 'internal' },
    ]);
  });

  it('a bad name is not reported again as the namespace derived from it; a bad derived namespace says where it came from (issue 16)', () => {
    expect(problemsOf({ file: { workloads: [{ name: 'Api_1' }] } })).toEqual([
      'workloads[0].name "Api_1": 2-40 lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit',
    ]);
    expect(problemsOf({ file: { workloads: [{ name: 'kube-api' }] } })).toEqual([
      'workloads[0].namespace "kube-api": a namespace that Kubernetes or AKS reserves for itself (the default: the workload name; set namespace to choose another)',
    ]);
    // A namespace the user gave is reported as given.
    expect(problemsOf({ file: { workloads: [{ name: 'Api_1', namespace: 'Web' }] } })).toHaveLength(2);
  });

  it('a workload is web unless it says worker; stored answers from before kinds existed stay web', () => {
    const answers = answersOf({ stored: { workloads: [{ name: 'api', namespace: 'api', port: 8080, replicas: 2, secrets: [] }] }, file: {} });
    expect(answers.workloads[0]!.kind).toBe('web');
    expect(answersOf({ file: { workloads: [{ name: 'queue', kind: 'worker' }] } }).workloads[0]).toMatchObject({ name: 'queue', kind: 'worker' });
    expect(problemsOf({ file: { workloads: [{ name: 'queue', kind: 'job' }] } })).toEqual(['workloads[0].kind "job": one of web, worker']);
    expect(problemsOf({ file: { workloads: [{ name: 'queue', kind: 1 }] } })).toEqual(['workloads[0].kind 1: must be a string']);
  });

  it('a web workload is exposed through the private gateway unless it says none; a worker never is', () => {
    const answers = answersOf({ file: { workloads: [{ name: 'api' }, { name: 'admin', expose: 'none' }, { name: 'queue', kind: 'worker' }] } });
    expect(answers.workloads.map((w) => `${w.name}:${w.expose}`)).toEqual(['api:internal', 'admin:none', 'queue:none']);
    expect(problemsOf({ file: { workloads: [{ name: 'queue', kind: 'worker', expose: 'internal' }] } })).toEqual([
      'workloads[0].expose "internal": a worker accepts no connections, so it cannot be exposed: none (or make it kind web)',
    ]);
    expect(problemsOf({ file: { workloads: [{ name: 'api', expose: 'public' }] } })).toEqual(['workloads[0].expose "public": one of none, internal']);
  });

  it('the private DNS zone defaults to <environment>.<name>.internal and must be a zone of your own', () => {
    expect(answersOf({ file: { name: 'shop', environment: 'prod' } }).privateDnsZone).toBe('prod.shop.internal');
    expect(answersOf({ file: { privateDnsZone: 'orders.contoso.corp' } }).privateDnsZone).toBe('orders.contoso.corp');
    for (const bad of ['internal', 'Orders.Contoso.corp', 'a..b', '-a.b', 'a.b.', `${'a'.repeat(64)}.b`, 'x.1', 'privatelink.contoso.com', 'dev.vault.azure.net']) {
      expect(problemsOf({ file: { privateDnsZone: bad } })[0], bad).toMatch(/^privateDnsZone /);
    }
  });

  it('accepts an empty list (a cluster without workloads)', () => {
    expect(answersOf({ file: { workloads: [] } }).workloads).toEqual([]);
  });

  it('rejects duplicates, empty entries, unknown keys and bad values, each by path', () => {
    const problems = problemsOf({
      file: {
        workloads: [
          { name: 'api' },
          { name: 'api' },
          {},
          null,
          { name: 'web', prot: 8080 },
          { name: 'job', port: 80, secrets: ['db_password', 'Key', 'key'] },
          { name: 'sys', namespace: 'kube-system' },
        ],
      },
    });
    expect(problems).toEqual([
      'workloads[2].name: is required',
      'workloads[3] null: must be a mapping with at least a name',
      'workloads[4].prot: unknown key (did you mean "port"?)',
      'workloads[5].port 80: a port from 1024 to 65535 (the container runs as non-root with all capabilities dropped)',
      'workloads[5].secrets[0] "db_password": 1-127 letters, digits and hyphens (a Key Vault secret name)',
      'workloads[5].secrets[2] "key": duplicates another secret of this workload (Key Vault names ignore case)',
      'workloads[6].namespace "kube-system": a namespace that Kubernetes or AKS reserves for itself',
      'workloads[1].name "api": duplicates workloads[0].name',
    ]);
  });
});

describe('derived names over the whole plan (issue 16)', () => {
  it('refuses a workload whose identity would be the pipeline identity, naming both resources', () => {
    expect(problemsOf({ file: { name: 'base', workloads: [{ name: 'pipeline-base' }] } })).toEqual([
      'workloads[0].name "pipeline-base": its identity name "id-pipeline-base-dev" is the name of the pipeline identity; workload names must not start with "aks-", "pipeline-" or "gateway-", the prefixes of the platform\'s identities',
    ]);
  });

  it('refuses a workload whose identity would be the cluster\'s control-plane identity', () => {
    expect(problemsOf({ file: { name: 'base', environment: 'prod', workloads: [{ name: 'web' }, { name: 'aks-base' }] } })).toEqual([
      'workloads[1].name "aks-base": its identity name "id-aks-base-prod" is the name of the cluster\'s control-plane identity; workload names must not start with "aks-", "pipeline-" or "gateway-", the prefixes of the platform\'s identities',
    ]);
  });

  it('keeps workload identities out of the platform identities\' names even where they do not collide yet', () => {
    expect(problemsOf({ file: { name: 'base', workloads: [{ name: 'pipeline-web' }] } })).toEqual([
      'workloads[0].name "pipeline-web": starts with "pipeline-": its identity "id-pipeline-web-dev" would be named like the platform\'s identities (id-pipeline-<name>-<environment>); workload names must not start with "aks-", "pipeline-" or "gateway-", the prefixes of the platform\'s identities',
    ]);
    // A name that merely contains the word is fine: its identity cannot take a platform identity's name.
    expect(problemsOf({ file: { name: 'base', workloads: [{ name: 'aks' }, { name: 'my-pipeline-base' }, { name: 'pipeline' }] } })).toEqual([]);
  });

  it('no two derived names of one type: the registry\'s and the key vault\'s private endpoints', () => {
    expect(problemsOf({ flags: { name: 'base', acrName: 'crbasedev01', keyVaultName: 'CrBaseDev01' } })).toEqual([
      'keyVaultName "CrBaseDev01": its private endpoint name "pe-crbasedev01" is the name of the container registry\'s private endpoint (from acrName); choose another',
    ]);
  });

  it('no two derived names of one type: a workload\'s NetworkPolicy and the namespace-wide default-deny policy', () => {
    expect(problemsOf({ file: { workloads: [{ name: 'default-deny' }] } })).toEqual([
      'workloads[0].name "default-deny": its NetworkPolicy name "default-deny" is the name of the namespace-wide NetworkPolicy of default-deny; choose another',
    ]);
    expect(problemsOf({ file: { workloads: [{ name: 'default-deny', namespace: 'web' }] } })).toEqual([
      'workloads[0].name "default-deny": its NetworkPolicy name "default-deny" is the name of the namespace-wide NetworkPolicy of web; choose another',
    ]);
  });

  it('platform and workload identity names are disjoint for every environment (the scheme, not luck)', () => {
    let accepted = 0;
    for (const environment of ['dev', 'prod', 'pipeline', 'aks1']) {
      for (const workload of ['pipeline', 'aks', 'base', 'web-pipeline', 'pipelines-base', 'aksx-base', 'pipeline-base', 'aks-base', `pipeline-base-${environment}`]) {
        const result = resolveAnswers({ folderName: 'orders', file: { name: 'base', environment, workloads: [{ name: workload }] } });
        if (!result.ok) continue;
        accepted++;
        const platform = [`id-aks-base-${environment}`, `id-pipeline-base-${environment}`];
        expect(platform, `${workload} in ${environment}`).not.toContain(`id-${result.answers.workloads[0]!.name}-${environment}`);
      }
    }
    expect(accepted).toBe(4 * 6);
  });
});
