// scripts/write-deploy-values.sh, run for real with bash against a fake `az` that serves a
// deployment's outputs: what it writes, what it refuses, that it is idempotent, and that
// `kubectl kustomize` then renders each workload's own client ID in both places that need it.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFRA_OUTPUTS, PATHS } from '../generators/core/plan/contracts.ts';
import { CLIENT_ID_ANNOTATION, DEPLOY_VALUE_KEYS, PLACEHOLDER } from '../generators/core/plan/k8s.ts';
import { parse } from 'yaml';
import { renderRepository, writeTree, type Rendered } from './helpers/generate.ts';
import { kustomize, podSpecOf, type K8sObject } from './helpers/k8s.ts';
import { toolOrSkip } from './helpers/tools.ts';

const kubectl = toolOrSkip('kubectl');
const shellcheck = toolOrSkip('shellcheck');

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
const bash = which('bash');
const jq = which('jq');
if (!jq) console.warn('\n!! jq is not installed (apt-get install jq): the write-deploy-values.sh runs are SKIPPED\n');

// The script's own tools, and nothing else: a real `az` on this machine must never be reached.
const COMMANDS = ['bash', 'env', 'dirname', 'basename', 'cat', 'sed', 'tail', 'mktemp', 'chmod', 'mv', 'rm', 'jq'];

const FAKE_AZ = `#!/usr/bin/env bash
# A stand-in for the Azure CLI: logs its arguments, serves outputs from $FAKE_AZ_OUTPUTS.
printf '%s\\n' "$*" >>"$FAKE_AZ_LOG"
case "$1 $2" in
  'account show') [[ "\${FAKE_AZ_LOGGED_OUT:-}" != 1 ]] || { echo "Please run 'az login' to setup account." >&2; exit 1; } ;;
  'deployment group') [[ -f "$FAKE_AZ_OUTPUTS" ]] || { echo "(DeploymentNotFound)" >&2; exit 3; }; cat "$FAKE_AZ_OUTPUTS" ;;
  *) echo "fake az: unexpected command: $*" >&2; exit 2 ;;
esac
`;

const WORKLOADS = [
  { name: 'orders', namespace: 'commerce', port: 8080, replicas: 2, secrets: ['orders-db'] },
  { name: 'payments', namespace: 'commerce', port: 9090, replicas: 2, secrets: ['psp-key', 'psp-cert'] },
  { name: 'web', namespace: 'frontend', port: 3000, replicas: 1, secrets: [] },
];
const CLIENT_IDS: Record<string, string> = {
  orders: '11111111-aaaa-4aaa-8aaa-111111111111',
  payments: '22222222-bbbb-4bbb-8bbb-222222222222',
  web: '33333333-cccc-4ccc-8ccc-333333333333',
  // Deployed but not (yet) in this repository's overlay: ignored.
  retired: '44444444-dddd-4ddd-8ddd-444444444444',
};
const OUTPUTS = {
  [INFRA_OUTPUTS.resourceGroupName]: { type: 'String', value: 'rg-shop-prod' },
  [INFRA_OUTPUTS.acrLoginServer]: { type: 'String', value: 'crshopprod1a2b.azurecr.io' },
  [INFRA_OUTPUTS.keyVaultName]: { type: 'String', value: 'kv-shop-prod-1a2b' },
  [INFRA_OUTPUTS.tenantId]: { type: 'String', value: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
  [INFRA_OUTPUTS.workloadClientIds]: { type: 'Object', value: CLIENT_IDS },
  [INFRA_OUTPUTS.pipelineIdentityClientId]: { type: 'String', value: '55555555-eeee-4eee-8eee-555555555555' },
  [INFRA_OUTPUTS.gatewayClientId]: { type: 'String', value: '66666666-ffff-4fff-8fff-666666666666' },
};

let rendered: Rendered;
let sandbox: string;
const temps: string[] = [];

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  azCalls: string[];
}

/** Runs the script in `root` with the sandboxed PATH; `az` present or not, logged in or not, outputs given or not. */
async function run(root: string, args: string[], options: { az?: boolean; loggedOut?: boolean; outputs?: unknown } = {}): Promise<Run> {
  const state = mkdtempSync(join(tmpdir(), 'secure-aks-az-'));
  temps.push(state);
  const log = join(state, 'az.log');
  writeFileSync(log, '');
  const outputsFile = join(state, 'outputs.json');
  if (options.outputs !== undefined) writeFileSync(outputsFile, JSON.stringify(options.outputs));
  const path = options.az === false ? join(sandbox, 'bin') : `${join(sandbox, 'az')}${delimiter}${join(sandbox, 'bin')}`;
  const result = await execa(bash!, [join(root, PATHS.writeDeployValues), ...args], {
    cwd: tmpdir(), // the script finds the repository from its own location
    env: { PATH: path, HOME: state, FAKE_AZ_LOG: log, FAKE_AZ_OUTPUTS: outputsFile, FAKE_AZ_LOGGED_OUT: options.loggedOut ? '1' : '' },
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, azCalls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

function valuesFiles(root: string): Map<string, string> {
  const env = rendered.answers.environment;
  const paths = [PATHS.deployValues(env), ...rendered.answers.workloads.map((w) => PATHS.workloadDeployValues(env, w.name))];
  return new Map(paths.map((p) => [p, readFileSync(join(root, p), 'utf8')]));
}

/** KEY=value pairs of a values file (comments skipped). */
function pairs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function freshTree(): string {
  const dir = writeTree(rendered.files, 'secure-aks-values-');
  temps.push(dir);
  return dir;
}

beforeAll(async () => {
  rendered = await renderRepository({ name: 'shop', environment: 'prod', workloads: WORKLOADS });
  sandbox = mkdtempSync(join(tmpdir(), 'secure-aks-sandbox-'));
  temps.push(sandbox);
  mkdirSync(join(sandbox, 'bin'));
  mkdirSync(join(sandbox, 'az'));
  for (const command of COMMANDS) {
    const found = which(command);
    if (found) symlinkSync(found, join(sandbox, 'bin', command));
  }
  writeFileSync(join(sandbox, 'az', 'az'), FAKE_AZ);
  chmodSync(join(sandbox, 'az', 'az'), 0o755);
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/write-deploy-values.sh', () => {
  it.skipIf(!shellcheck)('is shellcheck-clean and parses with bash -n', () => {
    const dir = freshTree();
    const script = join(dir, PATHS.writeDeployValues);
    expect(readFileSync(script, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n[\s\S]*^set -euo pipefail$/m);
    execFileSync(shellcheck!, ['--severity=style', script], { stdio: 'pipe' });
    execFileSync(bash ?? 'bash', ['-n', script], { stdio: 'pipe' });
  });

  describe.skipIf(!bash || !jq)('run with bash and a fake az', { concurrent: true }, () => {
    it('--help exits 0 without az installed and shows the rendered defaults', async () => {
      const result = await run(freshTree(), ['--help'], { az: false });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('Usage: scripts/write-deploy-values.sh [environment] [--resource-group RG] [--deployment NAME] [--image-tag TAG]');
      expect(result.stdout).toContain(`environment          ${rendered.answers.environment} (default: ${rendered.answers.environment})`);
      expect(result.stdout).toContain(`(default: ${rendered.ctx.names.resourceGroup})`);
      expect(result.stdout).toContain(`(default: ${rendered.ctx.names.deployment})`);
    });

    it('refuses to run without az, or signed out, and changes nothing', async () => {
      const dir = freshTree();
      const before = valuesFiles(dir);
      const noAz = await run(dir, ['--image-tag', '42'], { az: false });
      expect(noAz.exitCode).not.toBe(0);
      expect(noAz.stderr).toMatch(/Azure CLI \(az\) is not installed/);
      const signedOut = await run(dir, ['--image-tag', '42'], { loggedOut: true, outputs: OUTPUTS });
      expect(signedOut.exitCode).not.toBe(0);
      expect(signedOut.stderr).toMatch(/az login/);
      expect(signedOut.azCalls).toEqual(['account show --output none']);
      const missing = await run(dir, ['--image-tag', '42'], {});
      expect(missing.exitCode).not.toBe(0);
      expect(missing.stderr).toMatch(new RegExp(`outputs of deployment ${rendered.ctx.names.deployment}`));
      expect(valuesFiles(dir)).toEqual(before);
    });

    it.each([
      [['--image-tag', 'latest'], /not "latest"/],
      [['--image-tag'], /--image-tag needs a value/],
      [['--image-tag', '--deployment', 'x'], /--image-tag needs a value/],
      [['--image-tag', 'a b'], /not a valid image tag/],
      [['--resource-group', 'rg\nimageTag=latest'], /not a resource group name/],
      [['--deployment', 'x y'], /not a deployment name/],
      [['--bogus'], /unknown argument: --bogus/],
    ])('rejects %j before calling az', async (args, message) => {
      const dir = freshTree();
      const before = valuesFiles(dir);
      const result = await run(dir, args, { outputs: OUTPUTS });
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.azCalls).toEqual([]);
      expect(valuesFiles(dir)).toEqual(before);
    });

    it.each([
      ['a workload missing from workloadClientIds', { ...OUTPUTS, workloadClientIds: { type: 'Object', value: { orders: CLIENT_IDS.orders, web: CLIENT_IDS.web } } }, /no client ID for workload payments/],
      ['a client ID that is not a GUID', { ...OUTPUTS, workloadClientIds: { type: 'Object', value: { ...CLIENT_IDS, web: `${CLIENT_IDS.web}\nimageTag=latest` } } }, /workloadClientIds\.web [\s\S]* is not a GUID/],
      ['a login server with a path', { ...OUTPUTS, acrLoginServer: { type: 'String', value: 'evil.example/x' } }, /output acrLoginServer/],
      ['a missing Key Vault output', { ...OUTPUTS, keyVaultName: undefined }, /no string output keyVaultName/],
      ['a gateway client ID that is not a GUID', { ...OUTPUTS, gatewayClientId: { type: 'String', value: 'not-a-guid' } }, /output gatewayClientId "not-a-guid" is not what it should be/],
    ])('fails on %s and writes nothing', async (_what, outputs, message) => {
      const dir = freshTree();
      const before = valuesFiles(dir);
      const result = await run(dir, ['--image-tag', '42'], { outputs });
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(valuesFiles(dir)).toEqual(before);
    });

    it.skipIf(!kubectl)('fills every value from the outputs, idempotently, and kustomize renders them per workload', async () => {
      const dir = freshTree();
      const first = await run(dir, ['--image-tag', '20260101.7'], { outputs: OUTPUTS });
      expect(first.exitCode, first.stderr).toBe(0);
      expect(first.stderr).toBe('');
      // Only reads: who am I, and the deployment's outputs, with the rendered defaults.
      expect(first.azCalls).toEqual([
        'account show --output none',
        `deployment group show --resource-group ${rendered.ctx.names.resourceGroup} --name ${rendered.ctx.names.deployment} --query properties.outputs --output json`,
      ]);
      const env = rendered.answers.environment;
      const files = valuesFiles(dir);
      expect(pairs(files.get(PATHS.deployValues(env))!)).toEqual({
        [DEPLOY_VALUE_KEYS.acrLoginServer]: OUTPUTS.acrLoginServer.value,
        [DEPLOY_VALUE_KEYS.keyVaultName]: OUTPUTS.keyVaultName.value,
        [DEPLOY_VALUE_KEYS.tenantId]: OUTPUTS.tenantId.value,
        [DEPLOY_VALUE_KEYS.gatewayClientId]: OUTPUTS.gatewayClientId.value,
        [DEPLOY_VALUE_KEYS.imageTag]: '20260101.7',
      });
      for (const w of WORKLOADS) {
        const patch = parse(files.get(PATHS.workloadDeployValues(env, w.name))!) as { metadata: { annotations: Record<string, string> } };
        expect(patch.metadata.annotations, w.name).toEqual({ [CLIENT_ID_ANNOTATION]: CLIENT_IDS[w.name] });
      }
      expect(existsSync(join(dir, PATHS.workloadDeployValues(env, 'retired'))), 'no folder for a workload the repository does not have').toBe(false);

      // Idempotent: a second run changes no byte and touches no file.
      const mtimes = [...files.keys()].map((p) => statSync(join(dir, p)).mtimeMs);
      const second = await run(dir, ['--image-tag', '20260101.7'], { outputs: OUTPUTS });
      expect(second.exitCode, second.stderr).toBe(0);
      expect(second.stdout.split('\n').every((line) => line.startsWith('unchanged '))).toBe(true);
      expect(valuesFiles(dir)).toEqual(files);
      expect([...files.keys()].map((p) => statSync(join(dir, p)).mtimeMs)).toEqual(mtimes);

      // Without --image-tag the tag already there is kept.
      const third = await run(dir, [], { outputs: OUTPUTS });
      expect(third.exitCode, third.stderr).toBe(0);
      expect(valuesFiles(dir)).toEqual(files);

      const objects = await kustomize(kubectl!, join(dir, PATHS.kustomizeOverlay(env)));
      const get = (kind: string, namespace: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name) as K8sObject;
      // The private gateway's service account gets the gateway identity's client ID.
      const gateway = rendered.ctx.k8s.gateway.spec;
      expect(get('ServiceAccount', gateway.namespace, gateway.serviceAccount).metadata.annotations?.['azure.workload.identity/client-id']).toBe(OUTPUTS.gatewayClientId.value);
      for (const w of rendered.ctx.workloads) {
        const sa = get('ServiceAccount', w.namespace, w.names.serviceAccount);
        expect(sa.metadata.annotations?.['azure.workload.identity/client-id'], w.name).toBe(CLIENT_IDS[w.name]);
        const pod = podSpecOf(get('Deployment', w.namespace, w.name))!;
        expect(pod.containers?.map((c) => c.image)).toEqual([`${OUTPUTS.acrLoginServer.value}/${w.name}:20260101.7`]);
        const spc = get('SecretProviderClass', w.namespace, w.names.secretProviderClass);
        if (!w.hasSecrets) {
          expect(spc).toBeUndefined();
          continue;
        }
        expect((spc.spec as { parameters: Record<string, string> }).parameters).toMatchObject({
          clientID: CLIENT_IDS[w.name],
          keyvaultName: OUTPUTS.keyVaultName.value,
          tenantId: OUTPUTS.tenantId.value,
        });
      }
    });

    it('works for a cluster-only repository (no workloads)', async () => {
      const zero = await renderRepository({ name: 'shop', environment: 'prod', workloads: [] });
      const dir = writeTree(zero.files, 'secure-aks-values-');
      temps.push(dir);
      const result = await run(dir, ['--image-tag', '7'], { outputs: OUTPUTS });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual([`wrote     ${PATHS.deployValues('prod')}`]);
    });

    it('passes --resource-group and --deployment to az, and warns while the image tag is a placeholder', async () => {
      const dir = freshTree();
      const result = await run(dir, ['--resource-group=rg-other', '--deployment', 'infra-manual'], { outputs: OUTPUTS });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.azCalls[1]).toBe('deployment group show --resource-group rg-other --name infra-manual --query properties.outputs --output json');
      expect(result.stderr).toContain(`the image tag is still ${PLACEHOLDER}`);
      expect(pairs(valuesFiles(dir).get(PATHS.deployValues(rendered.answers.environment))!)[DEPLOY_VALUE_KEYS.imageTag]).toBe(PLACEHOLDER);
    });
  });
});
