// Issue acceptance for the workload subgenerator, through the command line (the compiled `main` the bin
// calls, run in this process: helpers/cli.ts `runCli`) in a real folder:
// default repository + `workload orders-api` + `workload billing-worker --secrets stripe-key`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { armResources, compileInfra, formatDiagnostics, ofType, type CompiledInfra } from './helpers/bicep.ts';
import { assertBuilt, runCli, snapshot, tempDir } from './helpers/cli.ts';
import { renderOverlays, type K8sObject } from './helpers/k8s.ts';
import { pipelineWorkloads, validatePipelineTree } from './helpers/pipeline.ts';
import { toolOrSkip } from './helpers/tools.ts';

const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(relative(root, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'utf8'));
  }
  return files;
}

describe('default repository + orders-api + billing-worker (command line)', () => {
  let repo: string;
  let files: Map<string, string>;
  let added: string;

  beforeAll(async () => {
    assertBuilt();
    const cwd = tempDir();
    repo = join(cwd, 'shop');
    for (const args of [['shop', '--yes'], ['workload', 'orders-api', '--yes'], ['workload', 'billing-worker', '--secrets', 'stripe-key', '--yes']]) {
      const result = await runCli(args, args[0] === 'shop' ? cwd : repo);
      expect(result.exitCode, `${args.join(' ')}\n${result.stderr}`).toBe(0);
      added = `${result.stdout}\n${result.stderr}`;
    }
    files = readTree(repo);
  }, 120_000);

  it('says what comes next: the new secret before the push, whose Infra stage creates the new identity before Deploy (issue 16)', () => {
    const next = added.slice(added.indexOf('Added workload billing-worker. Next'));
    expect(next).toMatch(/create its Key Vault secrets stripe-key in kv-shop-dev-\w+ \(those not there yet\), from inside the network/);
    expect(next).toMatch(/git push {2}# Infra creates its identity id-billing-worker-dev, then Deploy runs it/);
    expect(next.indexOf('stripe-key')).toBeLessThan(next.indexOf('git push'));
    // The README it updated has the secret in its runbook, to create before the deploy step.
    const readme = files.get('README.md')!;
    expect(readme.indexOf('--name stripe-key --file stripe-key.txt')).toBeGreaterThan(0);
    expect(readme.indexOf('--name stripe-key --file stripe-key.txt')).toBeLessThan(readme.indexOf("### 4. Deploy the workloads"));
  });

  it('stores all three workloads and lists them in the README', () => {
    const stored = JSON.parse(files.get('.yo-rc.json')!)['generator-secure-aks'].workloads;
    expect(stored.map((w: { name: string }) => w.name)).toEqual(['shop', 'orders-api', 'billing-worker']);
    expect(stored[2]).toEqual({ name: 'billing-worker', namespace: 'billing-worker', kind: 'web', port: 8080, replicas: 2, secrets: ['stripe-key'], expose: 'internal' });
    for (const name of ['shop', 'orders-api', 'billing-worker']) expect(files.get('README.md')).toContain(`\`${name}\``);
  });

  describe.skipIf(!bicepPath)('infra', () => {
    let compiled: CompiledInfra;
    beforeAll(async () => {
      compiled = await compileInfra(files);
    }, 120_000);

    it('compiles and lints clean with the real Bicep CLI', () => {
      expect(formatDiagnostics(compiled.diagnostics)).toBe('');
      expect([...compiled.unformatted.keys()]).toEqual([]);
    });

    it('has one identity and one federated credential per workload, bound to its service account', () => {
      const resources = armResources(compiled.template, { parameters: compiled.parameters });
      const subjects = ofType(resources, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials')
        .map((r) => (r.properties as { subject?: string }).subject)
        .filter((s): s is string => typeof s === 'string' && s.startsWith('system:serviceaccount:'))
        .sort();
      // ...and the private gateway's, which reads its certificate.
      expect(subjects).toEqual([
        'system:serviceaccount:billing-worker:billing-worker',
        'system:serviceaccount:internal-gateway:gateway-certificate',
        'system:serviceaccount:orders-api:orders-api',
        'system:serviceaccount:shop:shop',
      ]);
    });
  });

  describe.skipIf(!kubectlPath)('kubernetes', () => {
    let rendered: Map<string, K8sObject[]>;
    beforeAll(async () => {
      rendered = await renderOverlays(kubectlPath!, repo, files.keys());
    }, 120_000);

    it('renders all three workloads with consistent identity wiring', () => {
      const objects = rendered.get('k8s/overlays/dev')!;
      expect(objects).toBeDefined();
      const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`).sort();
      expect(deployments).toEqual(['billing-worker/billing-worker', 'orders-api/orders-api', 'shop/shop']);
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        const spec = (deployment as unknown as { spec: { template: { spec: { serviceAccountName: string; volumes?: Array<{ csi?: { volumeAttributes?: { secretProviderClass?: string } } }> } } } }).spec.template.spec;
        const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata?.name === spec.serviceAccountName && o.metadata?.namespace === deployment.metadata?.namespace);
        expect(account, deployment.metadata?.name).toBeDefined();
        const clientId = account!.metadata?.annotations?.['azure.workload.identity/client-id'];
        for (const volume of spec.volumes ?? []) {
          const className = volume.csi?.volumeAttributes?.secretProviderClass;
          if (!className) continue;
          const spc = objects.find((o) => o.kind === 'SecretProviderClass' && o.metadata?.name === className && o.metadata?.namespace === deployment.metadata?.namespace);
          expect((spc as unknown as { spec: { parameters: { clientID: string } } }).spec.parameters.clientID).toBe(clientId);
        }
      }
      // orders-api was added without secrets: its identity, no SecretProviderClass.
      expect(objects.some((o) => o.kind === 'SecretProviderClass' && o.metadata?.namespace === 'orders-api')).toBe(false);
      expect(objects.some((o) => o.kind === 'SecretProviderClass' && o.metadata?.namespace === 'billing-worker')).toBe(true);
    });
  });

  it('the pipeline builds and deploys all three, and validates against the schema', () => {
    expect(pipelineWorkloads(files.get('pipelines/azure-pipelines.yml')!).map((w) => w.name)).toEqual(['shop', 'orders-api', 'billing-worker']);
    expect(validatePipelineTree(files)).toEqual([]);
  });

  it('a second identical run exits 0 with no file changed', async () => {
    const before = snapshot(repo);
    const again = await runCli(['workload', 'billing-worker', '--secrets', 'stripe-key', '--yes'], repo);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses to run outside a generated repository, writing nothing', async () => {
    const elsewhere = tempDir();
    const result = await runCli(['workload', 'orders-api', '--yes'], elsewhere);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/destination ".*": is not a secure-aks repository/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
