// Environments (issue 17): the answers (defaults, overlaps, the single `environment` of older
// repositories), and repositories of one, two and three environments checked by the tools and on
// what they produce: every entry point builds and lints, every parameter file builds, every overlay
// renders and validates with its own environment's values, the pipeline is schema-valid and deploys
// the environments in order on their own pools and service connections, promoting the digests that
// passed the one below, and no environment's deployment touches another's resource group. (The Bicep
// CLI's own checks of two environments, as --validate and scripts/validate.sh run them, are in
// operator.validate-script.test.ts.)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { everyEnvironment, productionLike, storedAnswers } from '../generators/core/answers/environments.ts';
import { migrateStored } from '../generators/core/answers/migrations.ts';
import { resolveAnswers } from '../generators/core/answers/resolve.ts';
import { formatProblem } from '../generators/core/support/problems.ts';
import type { Context } from '../generators/core/plan/context.ts';
import { destructiveChanges } from '../generators/core/run/update-run.ts';
import { bicepRpc, closeBicep } from './helpers/bicep.ts';
import { renderRepository, repositoryFiles, runEnvironment, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { kustomize, validateObject, yamllint, type K8sObject } from './helpers/k8s.ts';
import { expandPipeline, pipelineJobs, validatePipelineTree, type PipelineJob } from './helpers/pipeline.ts';
import { ofType, principalOf, scopeOf, snapshotInfra, snapshotMetadata, type Snapshot } from './helpers/snapshot.ts';
import { toolOrSkip } from './helpers/tools.ts';
import { assertBuilt, runCli, snapshot, tempDir, type CliResult } from './helpers/cli.ts';

const resolve = (layers: { flags?: Record<string, unknown>; file?: Record<string, unknown>; stored?: Record<string, unknown> }) => resolveAnswers({ folderName: 'shop', ...layers });
const problemsOf = (layers: Parameters<typeof resolve>[0]) => {
  const result = resolve(layers);
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('the environments answer', () => {
  test('defaults to the one environment, whose settings are the top-level answers', () => {
    const result = resolve({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answers.environments).toHaveLength(1);
    const [dev] = result.answers.environments;
    expect(dev!.name).toBe('dev');
    expect(dev!.addressSpace).toBe(result.answers.addressSpace);
    expect(dev!.acrName).toBe(result.answers.acrName);
  });

  test('a later environment derives its own names, the next free address space and, when production-like, zone-spread minimums', () => {
    const result = resolve({ flags: { environments: 'dev,test,prod', systemNodeCount: '1', userNodeMinCount: '1', userNodeMaxCount: '2' } });
    expect(result.ok, JSON.stringify(!result.ok && result.problems)).toBe(true);
    if (!result.ok) return;
    const [dev, test, prod] = result.answers.environments;
    expect(result.answers.environment).toBe('dev');
    expect([dev, test, prod].map((e) => e!.addressSpace)).toEqual(['10.42.0.0/16', '10.43.0.0/16', '10.44.0.0/16']);
    expect(new Set([dev, test, prod].map((e) => e!.acrName)).size).toBe(3);
    expect(new Set([dev, test, prod].map((e) => e!.keyVaultName)).size).toBe(3);
    expect([dev, test, prod].map((e) => e!.serviceConnection)).toEqual(['sc-shop-dev', 'sc-shop-test', 'sc-shop-prod']);
    expect([dev, test, prod].map((e) => e!.agentPoolName)).toEqual(['pool-shop-dev', 'pool-shop-test', 'pool-shop-prod']);
    expect([dev, test, prod].map((e) => [e!.systemNodeCount, e!.userNodeMinCount, e!.userNodeMaxCount])).toEqual([
      [1, 1, 2],
      [1, 1, 2],
      [3, 3, 3],
    ]);
    expect(productionLike('prod') && productionLike('live') && !productionLike('test')).toBe(true);
    // Every environment's answers: its own settings and label, the rest the repository's.
    const views = everyEnvironment(result.answers);
    expect(views.map((v) => [v.environment, v.addressSpace, v.workloads.length])).toEqual([
      ['dev', '10.42.0.0/16', 1],
      ['test', '10.43.0.0/16', 1],
      ['prod', '10.44.0.0/16', 1],
    ]);
  });

  test('skips a block the service or pod range takes', () => {
    const result = resolve({ flags: { environments: 'dev,prod', addressSpace: '172.17.0.0/16', serviceCidr: '172.18.0.0/16' } });
    expect(result.ok && result.answers.environments[1]!.addressSpace).toBe('172.19.0.0/16');
  });

  test.each([
    [{ flags: { environments: 'dev,dev' } }, 'environments[1].name "dev": duplicates environments[0].name'],
    [{ file: { environments: ['dev', { name: 'prod', addressSpace: '10.42.128.0/17' }] } }, "environments[1].addressSpace \"10.42.128.0/17\": overlaps environment dev's address space (10.42.0.0/16)"],
    [{ file: { environments: ['dev', { name: 'prod', addressSpace: '172.16.0.0/16' }] } }, 'environments[1].addressSpace "172.16.0.0/16": overlaps serviceCidr (172.16.0.0/16)'],
    [{ file: { environments: ['dev', { name: 'prod', acrName: 'crshopdevd8ae' }] } }, "environments[1].acrName \"crshopdevd8ae\": is also environment dev's acrName"],
    [{ file: { environments: [{ name: 'dev', location: 'northeurope' }] } }, 'environments[0].location "northeurope": differs from location'],
    [{ file: { environments: ['dev', { name: 'prod', locaton: 'northeurope' }] } }, 'environments[1].locaton: unknown key (did you mean "location"?)'],
    [{ file: { environments: ['dev', { name: 'Prod' }] } }, 'environments[1].name "Prod": 2-8 lowercase letters and digits'],
    [{ file: { environments: ['dev', { name: 'prod', systemNodeCount: 0 }] } }, 'environments[1].systemNodeCount 0:'],
    [{ file: { environments: [] } }, 'environments []: must name at least one environment'],
    [{ file: { environment: 'qa', environments: ['dev', 'prod'] } }, 'environments[0].name "dev": differs from environment (qa)'],
    [{ flags: { environment: 'prod' }, stored: { environment: 'dev', environments: ['dev', 'prod'] } }, 'environment "prod": names the first environment, and prod is already one'],
    [{ flags: { environment: 'qa' }, stored: { environment: 'dev', environments: ['dev', 'prod'] } }, 'run `yo secure-aks:environment qa`'],
  ])('refuses %j, naming the field and why', (layers, expected) => {
    expect(problemsOf(layers).join('\n')).toContain(expected);
  });

  test('a label given above a one-environment list renames that environment (the update engine calls it destructive)', () => {
    const result = resolve({ flags: { environment: 'prod' }, stored: { environment: 'dev', environments: ['dev'] } });
    expect(result.ok && result.answers.environments.map((e) => e.name)).toEqual(['prod']);
  });

  test('migration 3 gives a stored single environment its list, and the answers resolve the same', () => {
    const stored = { name: 'shop', environment: 'prod', addressSpace: '10.10.0.0/16' };
    const migrated = migrateStored(stored, 2);
    expect(migrated.ok && migrated.stored.environments).toEqual(['prod']);
    const before = resolve({ stored });
    const after = resolve({ stored: migrated.ok ? migrated.stored : {} });
    expect(after.ok && before.ok && after.answers).toEqual(before.ok && before.answers);
  });

  test('an environment keeps its stored settings wherever it moves in the list; a new one avoids their ranges', () => {
    const two = resolve({ flags: { environments: 'dev,prod' } });
    if (!two.ok) throw new Error('answers did not resolve');
    const stored = storedAnswers(two.answers);
    // test goes between dev and prod: prod keeps 10.43.0.0/16, test takes the next free block.
    const three = resolve({ flags: { environments: 'dev,test,prod' }, stored });
    expect(three.ok && three.answers.environments.map((e) => [e.name, e.addressSpace, e.acrName])).toEqual([
      ['dev', '10.42.0.0/16', two.answers.environments[0]!.acrName],
      ['test', '10.44.0.0/16', expect.stringMatching(/^crshoptest/)],
      ['prod', '10.43.0.0/16', two.answers.environments[1]!.acrName],
    ]);
    // A setting given now still wins over the stored one.
    const given = resolve({ file: { environments: ['dev', { name: 'prod', agentMaxConcurrency: 5 }] }, stored });
    expect(given.ok && given.answers.environments[1]).toMatchObject({ agentMaxConcurrency: 5, addressSpace: '10.43.0.0/16' });
  });

  test('removing an environment, or moving a deployed one, is destructive; adding one is not', () => {
    const two = resolve({ flags: { environments: 'dev,prod' } });
    if (!two.ok) throw new Error('answers did not resolve');
    const stored = storedAnswers(two.answers);
    const three = resolve({ flags: { environments: 'dev,test,prod' }, stored });
    const moved = resolve({ file: { environments: ['dev', { name: 'prod', location: 'northeurope' }] }, stored });
    if (!three.ok || !moved.ok) throw new Error('answers did not resolve');
    expect(destructiveChanges(two.answers, three.answers)).toEqual([]);
    expect(destructiveChanges(three.answers, two.answers).map(formatProblem).join('\n')).toContain('removes environment "test"');
    expect(destructiveChanges(two.answers, moved.answers).map(formatProblem).join('\n')).toContain('environments[1].location "northeurope": moves the deployment from westeurope (environment prod)');
  });
});

const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');
const yamllintPath = toolOrSkip('yamllint');
const shellcheckPath = toolOrSkip('shellcheck');

const CASES: Record<string, AnswerInput> = {
  one: {},
  two: { environments: ['dev', 'prod'] } as unknown as AnswerInput,
  three: {
    availabilityZones: ['1'],
    environments: ['dev', 'test', { name: 'prod', availabilityZones: ['1', '2', '3'], location: 'northeurope' }],
    workloads: [{ name: 'web' }, { name: 'api', namespace: 'shop', expose: 'none', secrets: [] }, { name: 'jobs', kind: 'worker' }],
  } as unknown as AnswerInput,
};

interface Built {
  rendered: Rendered;
  dir: string;
  /** Per environment: its context, its rendered overlay and its Bicep snapshot. */
  environments: Array<{ ctx: Context; objects: K8sObject[]; snapshot: Snapshot; rendered: Rendered }>;
  jobs: PipelineJob[];
}

describe.skipIf(!bicepPath || !kubectlPath)('repositories of one, two and three environments', () => {
  const built: Record<string, Built> = {};

  beforeAll(async () => {
    for (const [label, input] of Object.entries(CASES)) {
      const rendered = await renderRepository(input, 'shop');
      const dir = writeTree(rendered.files, 'secure-aks-envs-');
      const environments = [];
      for (const ctx of rendered.ctx.environments) {
        const view: Rendered = { answers: ctx.answers, ctx, files: rendered.files };
        const [objects, snapshot] = await Promise.all([kustomize(kubectlPath!, join(dir, ctx.environment.overlay)), snapshotInfra(view)]);
        environments.push({ ctx, objects, snapshot, rendered: view });
      }
      built[label] = { rendered, dir, environments, jobs: pipelineJobs(expandPipeline(rendered.files).pipeline) };
    }
  }, 600_000);

  afterAll(() => {
    closeBicep();
    for (const b of Object.values(built)) rmSync(b.dir, { recursive: true, force: true });
  });

  test.each(Object.keys(CASES))('%s: one entry point, parameter file and overlay per environment', (label) => {
    const { rendered } = built[label]!;
    const names = rendered.answers.environments.map((e) => e.name);
    const entryPoints = [...rendered.files.keys()].filter((p) => /^infra\/[^/]+\.bicep$/.test(p) && p !== 'infra/types.bicep').sort();
    expect(entryPoints).toEqual(names.length === 1 ? ['infra/main.bicep'] : names.map((n) => `infra/${n}.bicep`).sort());
    expect([...rendered.files.keys()].filter((p) => p.endsWith('.bicepparam')).sort()).toEqual(names.map((n) => `infra/${n}.bicepparam`).sort());
    expect([...new Set([...rendered.files.keys()].filter((p) => p.startsWith('k8s/overlays/')).map((p) => p.split('/')[2]))].sort()).toEqual([...names].sort());
    // The manifests whose values differ live in each overlay once there are several environments.
    const base = [...rendered.files.keys()].filter((p) => p.startsWith('k8s/base/'));
    expect(base.some((p) => p.startsWith('k8s/base/gateway/') || p.endsWith('/http-route.yaml') || p.endsWith('/network-policy.yaml'))).toBe(names.length === 1);
  });

  test.each(Object.keys(CASES))('%s: every parameter file compiles with its entry point and every module, without a diagnostic (linter rules are errors)', async (label) => {
    const { rendered, dir } = built[label]!;
    for (const ctx of rendered.ctx.environments) {
      // One compilation of the parameter file compiles its entry point and every module, as `bicep build-params` does.
      const result = await bicepRpc<{ success: boolean; diagnostics: Array<{ code: string; message: string }> }>('bicep/compileParams', { path: join(dir, ctx.environment.bicepParams), parameterOverrides: {} });
      expect(result.diagnostics.map((d) => `${d.code}: ${d.message}`), ctx.environment.bicepParams).toEqual([]);
      expect(result.success).toBe(true);
    }
  }, 300_000);

  // The Bicep CLI itself (the Bicep checks of --validate and scripts/validate.sh, one process each for
  // every environment, without a diagnostic) runs on a repository of two environments in
  // operator.validate-script.test.ts, through scripts/validate.sh with the real bicep and kubectl.

  test.each(Object.keys(CASES))('%s: Bicep predicts every environment without a diagnostic, inside its own resource group', (label) => {
    for (const { ctx, snapshot, rendered } of built[label]!.environments) {
      expect(snapshot.diagnostics).toEqual([]);
      const meta = snapshotMetadata(rendered);
      const rg = `/subscriptions/${meta.subscriptionId}/resourceGroups/${ctx.names.resourceGroup}/`;
      for (const r of snapshot.predictedResources) expect(r.id.startsWith(rg), r.id).toBe(true);
      expect(ofType(snapshot, 'Microsoft.Network/virtualNetworks')[0]!.properties?.addressSpace).toEqual({ addressPrefixes: [ctx.answers.addressSpace] });
      expect(ofType(snapshot, 'Microsoft.ContainerService/managedClusters')[0]!.location).toBe(ctx.answers.location);
    }
  });

  test.each(Object.keys(CASES))('%s: no identity of one environment has a role on another environment\'s resource group', (label) => {
    const { environments } = built[label]!;
    const identitiesOf = (snapshot: Snapshot) => new Set(ofType(snapshot, 'Microsoft.ManagedIdentity/userAssignedIdentities').map((i) => i.name));
    for (const { ctx, snapshot, rendered } of environments) {
      const meta = snapshotMetadata(rendered);
      const own = identitiesOf(snapshot);
      const clusters = new Set(ofType(snapshot, 'Microsoft.ContainerService/managedClusters').map((c) => c.name));
      const others = environments.filter((e) => e.ctx !== ctx);
      for (const assignment of ofType(snapshot, 'Microsoft.Authorization/roleAssignments')) {
        expect(scopeOf(assignment).startsWith(`/subscriptions/${meta.subscriptionId}/resourceGroups/${ctx.names.resourceGroup}`), assignment.id).toBe(true);
        const principal = principalOf(assignment, meta.subscriptionId, ctx.names.resourceGroup);
        if (principal.startsWith('identity:')) expect(own.has(principal.slice('identity:'.length)), principal).toBe(true);
        else if (principal.startsWith('kubelet:')) expect(clusters.has(principal.slice('kubelet:'.length)), principal).toBe(true);
        else expect(principal, assignment.id).toMatch(/^object:/);
        // No other environment's identity is named here at all.
        for (const other of others) for (const name of identitiesOf(other.snapshot)) expect(principal).not.toBe(`identity:${name}`);
      }
      // Each workload's identity is federated with its own environment's cluster.
      const identities = ofType(snapshot, 'Microsoft.ManagedIdentity/userAssignedIdentities').map((i) => i.name);
      for (const w of ctx.workloads) expect(identities).toContain(w.names.identity);
    }
  });

  test.each(Object.keys(CASES))('%s: every overlay renders and validates, with its own environment\'s values', (label) => {
    for (const { ctx, objects } of built[label]!.environments) {
      for (const obj of objects) expect(validateObject(obj), `${obj.kind} ${obj.metadata.name}`).toEqual([]);
      const gateway = objects.find((o) => o.kind === 'Gateway');
      if (gateway) {
        expect(JSON.stringify(gateway)).toContain(`*.${ctx.answers.privateDnsZone}`);
        expect(gateway.metadata.annotations ?? {}).toBeDefined();
        expect(JSON.stringify(gateway)).toContain(ctx.network.ingressGatewayIp);
      }
      for (const route of objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.name !== ctx.k8s.gateway.spec.redirectRoute)) {
        expect((route.spec as { hostnames: string[] }).hostnames).toEqual([`${route.metadata.name}.${ctx.answers.privateDnsZone}`]);
      }
      for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes('ipBlock'))) {
        const cidrs = [...JSON.stringify(policy).matchAll(/"cidr":"([^"]+)"/g)].map((m) => m[1]);
        const privateEndpoints = ctx.network.subnet.privateEndpoints!.cidr;
        // The private endpoint rule names this environment's subnet, never another environment's.
        for (const other of built[label]!.environments.filter((e) => e.ctx !== ctx)) expect(cidrs).not.toContain(other.ctx.network.subnet.privateEndpoints!.cidr);
        if (cidrs.some((c) => c!.startsWith(ctx.answers.addressSpace.split('.').slice(0, 2).join('.')))) expect(cidrs).toContain(privateEndpoints);
      }
    }
  });

  test.each(Object.keys(CASES))('%s: the pipeline is schema-valid; each environment\'s stages use only its own pool and service connection', (label) => {
    const { rendered, jobs } = built[label]!;
    expect(validatePipelineTree(rendered.files)).toEqual([]);
    const envs = rendered.ctx.environments;
    const several = envs.length > 1;
    for (const ctx of envs) {
      const suffix = several ? `_${ctx.answers.environment}` : '';
      const own = jobs.filter((j) => j.stage === `Infra${suffix}` || j.stage === `Deploy${suffix}`);
      expect(own.length).toBe(2);
      for (const job of own) {
        expect(job.pool).toEqual({ name: ctx.pipeline.agentPool });
        const connections = new Set(job.steps.filter((s) => s.task === 'AzureCLI@2').map((s) => (s.inputs as { azureSubscription: string }).azureSubscription));
        expect([...connections]).toEqual([ctx.pipeline.serviceConnection]);
      }
      expect(own.map((j) => (j.job.environment as { name: string }).name)).toEqual([ctx.pipeline.environments.infra, ctx.pipeline.environments.workloads]);
    }
    // One Build, in the first environment.
    const build = jobs.filter((j) => j.stage === 'Build');
    expect(build).toHaveLength(rendered.answers.workloads.length);
    for (const job of build) expect(job.pool).toEqual({ name: envs[0]!.pipeline.agentPool });
  });

  test.each(Object.keys(CASES))('%s: environments deploy in order, each higher one the digests that passed the one below', (label) => {
    const { rendered } = built[label]!;
    const { pipeline } = expandPipeline(rendered.files);
    const stages = (pipeline.stages as Array<{ stage: string; dependsOn: unknown }>).map((s) => [s.stage, s.dependsOn]);
    const names = rendered.answers.environments.map((e) => e.name);
    const expected: unknown[] = [['Validate', []]];
    if (names.length === 1) expected.push(['Infra', 'Validate'], ['Build', 'Infra'], ['Deploy', 'Build']);
    else {
      names.forEach((name, i) => {
        expected.push([`Infra_${name}`, i === 0 ? 'Validate' : `Deploy_${names[i - 1]}`]);
        if (i === 0) expected.push(['Build', `Infra_${name}`]);
        expected.push([`Deploy_${name}`, i === 0 ? 'Build' : `Infra_${name}`]);
      });
    }
    expect(stages).toEqual(expected);
    const jobs = pipelineJobs(pipeline);
    names.forEach((name, i) => {
      const deploy = jobs.find((j) => j.stage === (names.length === 1 ? 'Deploy' : `Deploy_${name}`))!;
      const steps = deploy.steps;
      const downloads = steps.filter((s) => 'download' in s);
      const imports = steps.filter((s) => String((s.inputs as { inlineScript?: string } | undefined)?.inlineScript ?? '').includes('az acr import'));
      const publishes = steps.filter((s) => 'publish' in s);
      if (i === 0) {
        expect(downloads).toEqual([expect.objectContaining({ download: 'current', patterns: 'image-*/*.digest' })]);
        expect(imports).toEqual([]);
      } else {
        expect(downloads).toEqual([expect.objectContaining({ download: 'current', artifact: `promotion-${names[i - 1]}` })]);
        expect(imports).toHaveLength(1);
        const script = String((imports[0]!.inputs as { inlineScript: string }).inlineScript);
        expect(script).toMatch(/--source "\$workload@\$digest"/);
      }
      // What passed here moves on, from every environment but the highest.
      expect(publishes.map((s) => s.artifact)).toEqual(i < names.length - 1 ? [`promotion-${name}`] : []);
      // The digest check comes before the apply, the publish after every rollout.
      const index = (predicate: (s: Record<string, unknown>) => boolean) => steps.findIndex(predicate);
      const check = index((s) => String(s.displayName).startsWith('Check that each image tag'));
      const apply = index((s) => String(s.displayName).startsWith('Apply '));
      expect(check).toBeGreaterThan(-1);
      expect(check).toBeLessThan(apply);
      if (publishes.length) expect(steps.indexOf(publishes[0]!)).toBe(steps.length - 1);
    });
  });

  test.each(Object.keys(CASES))('%s: every YAML file passes yamllint (strict, the emitted configuration) and every script shellcheck', async (label) => {
    const { rendered, dir } = built[label]!;
    const yamlPaths = [...rendered.files.keys()].filter((p) => /\.ya?ml$/.test(p));
    if (yamllintPath) expect(await yamllint(yamllintPath, dir, yamlPaths)).toEqual([]);
    if (shellcheckPath) {
      const { execa } = await import('execa');
      const scripts = [...rendered.files.keys()].filter((p) => p.endsWith('.sh'));
      const result = await execa(shellcheckPath, ['--format', 'gcc', ...scripts], { cwd: dir, reject: false });
      expect(result.stdout).toBe('');
    }
  });

  test('scripts take the environment and refuse an unknown one', async () => {
    const { dir, rendered } = built.three!;
    const { execa } = await import('execa');
    for (const script of ['deploy-infra', 'connect', 'teardown', 'write-deploy-values', 'bootstrap-devops']) {
      const refused = await execa('bash', [`scripts/${script}.sh`, 'staging', '--help'], { cwd: dir, reject: false });
      expect(refused.exitCode, script).toBe(1);
      expect(refused.stderr).toContain(`${script}: unknown environment "staging": this repository has dev, test, prod`);
      const help = await execa('bash', [`scripts/${script}.sh`, 'prod', '--help'], { cwd: dir, reject: false });
      expect(help.exitCode, `${script}: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain('dev | test | prod (default: dev)');
    }
    const prod = rendered.ctx.environments[2]!;
    const deploy = await execa('bash', ['scripts/deploy-infra.sh', 'prod', '--help'], { cwd: dir });
    expect(deploy.stdout).toContain(`Deploys infra/prod.bicep with infra/prod.bicepparam to the resource group ${prod.names.resourceGroup}`);
  });
});

// The command line's compiled `main` (what the bin calls), run in this process (helpers/cli.ts `runCli`).
describe('an existing repository through the command line', () => {
  const output = (r: CliResult) => `${r.stdout}${r.stderr}`;

  test('a single-environment repository re-runs without a diff, refuses a new label, and takes an added environment keeping owner edits', { timeout: 300_000 }, async () => {
    assertBuilt();
    const cwd = tempDir();
    expect((await runCli(['shop', '--yes', '--environment', 'prod'], cwd)).exitCode).toBe(0);
    const repo = join(cwd, 'shop');
    const first = snapshot(repo);
    const again = await runCli(['--yes'], repo);
    expect(again.exitCode, output(again)).toBe(0);
    expect(output(again)).toContain('Nothing to change.');
    expect(snapshot(repo)).toEqual(first);

    // The defect the issue quotes: "--environment dev" in a prod repository deleted prod's files, exit 0.
    const relabel = await runCli(['--environment', 'dev', '--yes'], repo);
    expect(relabel.exitCode).toBe(1);
    expect(relabel.stderr).toContain('replaces environment "prod"');
    expect(relabel.stderr).toContain('--allow-destructive');
    expect(snapshot(repo)).toEqual(first);

    // Bad input for a new environment: named by its flag, nothing written.
    const overlapping = await runCli(['environment', 'live', '--address-space', '10.42.0.0/16', '--yes'], repo);
    expect(overlapping.exitCode).toBe(1);
    expect(overlapping.stderr).toContain('address-space "10.42.0.0/16": overlaps environment prod\'s address space (10.42.0.0/16)');
    expect(snapshot(repo)).toEqual(first);

    writeFileSync(join(repo, 'README.md'), `${readFileSync(join(repo, 'README.md'), 'utf8')}\n## Our notes\n\nKept across runs.\n`);
    const added = await runCli(['environment', 'live', '--yes'], repo);
    expect(added.exitCode, output(added)).toBe(0);
    expect(output(added)).toContain('Added environment live, after prod.');
    const tree = snapshot(repo);
    expect(tree.has('infra/main.bicep')).toBe(false);
    for (const path of ['infra/prod.bicep', 'infra/live.bicep', 'infra/prod.bicepparam', 'infra/live.bicepparam', 'k8s/overlays/live/kustomization.yaml', 'k8s/overlays/prod/gateway/gateway.yaml']) {
      expect(tree.has(path), path).toBe(true);
    }
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('## Our notes\n\nKept across runs.');
    expect(readme).toContain('| `live` |');
    const stored = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-secure-aks'] as { environment: string; environments: unknown[] };
    expect(stored.environment).toBe('prod');
    expect(stored.environments[0]).toBe('prod');
    expect(stored.environments[1]).toMatchObject({ name: 'live', addressSpace: '10.43.0.0/16', systemNodeCount: 3, userNodeMinCount: 3 });

    const noop = await runCli(['--yes'], repo);
    expect(noop.exitCode, output(noop)).toBe(0);
    expect(output(noop)).toContain('Nothing to change.');
    expect(snapshot(repo)).toEqual(tree);
    const same = await runCli(['environment', 'live', '--yes'], repo);
    expect(output(same)).toContain('Environment live is already there; nothing to change.');
    expect(snapshot(repo)).toEqual(tree);
  });
});

describe('yo secure-aks:environment, in memory', () => {
  test('interactive: asks each setting with the derived default, and records what was answered', async () => {
    const files = await repositoryFiles({});
    const result = await runEnvironment('prod', { yes: false, interactive: true }, files).withAnswers({ location: 'northeurope', systemNodeCount: '4' });
    const asked = new Map(result.askedQuestions.map((q) => [q.name, q.answer]));
    expect(asked.get('addressSpace')).toBe('10.43.0.0/16');
    expect(asked.get('acrName')).toMatch(/^crcontosoprod[0-9a-f]{4}$/);
    const stored = JSON.parse(readFileSync(join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-secure-aks'] as { environments: Array<Record<string, unknown>> };
    expect(stored.environments[1]).toMatchObject({ name: 'prod', location: 'northeurope', systemNodeCount: 4, addressSpace: '10.43.0.0/16' });
    result.assertFile(['infra/prod.bicep', 'infra/dev.bicep', 'k8s/overlays/prod/kustomization.yaml']);
    result.assertNoFile('infra/main.bicep');
  });

  test('a name that exists, a bad value or a missing name: named, nothing written', async () => {
    const files = await repositoryFiles({});
    await expect(runEnvironment('dev', { 'address-space': '10.50.0.0/16' }, files)).rejects.toThrow(/name "dev": is already an environment of this repository \(dev\)/);
    await expect(runEnvironment('prod', { 'agent-max-concurrency': '99' }, files)).rejects.toThrow(/agent-max-concurrency "?99"?: a whole number from 1 to 20/);
    await expect(runEnvironment(undefined, {}, files)).rejects.toThrow(/name: is required/);
  });
});
