// The runbook scripts the README calls (scripts/connect.sh, deploy-infra.sh, teardown.sh): shellcheck
// and --help for the default repository and one without Bastion (vmss agents, three workloads), then
// each script run for real against a recording stand-in for the Azure CLI and kubelogin (and the real
// kubectl): the message for each missing prerequisite, the Entra ID kubeconfig (never --admin),
// converted with kubelogin and pointed at the tunnel, the tunnel command of each method, provider
// registration, what-if, and teardown's confirmation. Re-runs change nothing.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { toolOrSkip } from './helpers/tools.ts';

const execFileAsync = promisify(execFile);
const shellcheckPath = toolOrSkip('shellcheck');
const kubectlPath = toolOrSkip('kubectl');

const CASES: Record<'bastion' | 'noBastion', AnswerInput> = {
  bastion: {},
  noBastion: { name: 'shop', agentPool: 'vmss', bastion: false, workloads: [{ name: 'web' }, { name: 'api', namespace: 'web' }, { name: 'jobs', secrets: [] }] },
};
const SCRIPTS = ['scripts/connect.sh', 'scripts/deploy-infra.sh', 'scripts/teardown.sh'];

const root = mkdtempSync(join(tmpdir(), 'secure-aks-operator-scripts-'));
const trees = {} as Record<keyof typeof CASES, { rendered: Rendered; dir: string }>;

beforeAll(async () => {
  for (const key of Object.keys(CASES) as (keyof typeof CASES)[]) {
    const rendered = await renderRepository(CASES[key]);
    const dir = writeTree(new Map([...rendered.files].filter(([p]) => p.startsWith('scripts/') || p.startsWith('infra/'))), `secure-aks-operator-${key}-`);
    trees[key] = { rendered, dir };
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  for (const { dir } of Object.values(trees)) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(BASH, args, { ...options, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

const BASH = existsSync('/usr/bin/bash') ? '/usr/bin/bash' : '/bin/bash';
const BASICS = ['cat', 'dirname', 'mkdir', 'chmod', 'mktemp', 'rm', 'touch'];

/** A folder whose only commands are these system tools plus the given extra files. */
function binWith(tools: string[], extra: Record<string, string> = {}): string {
  const bin = mkdtempSync(join(root, 'bin-'));
  for (const tool of tools) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(bin, tool));
  }
  for (const [name, target] of Object.entries(extra)) {
    if (target.startsWith('#!')) {
      writeFileSync(join(bin, name), target.replace('#!BASH', `#!${BASH}`));
      chmodSync(join(bin, name), 0o755);
    } else symlinkSync(target, join(bin, name));
  }
  return bin;
}

describe.each(Object.keys(CASES) as (keyof typeof CASES)[])('runbook scripts (%s)', (key) => {
  it.skipIf(!shellcheckPath)('pass shellcheck', async () => {
    const { dir } = trees[key];
    const result = await execFileAsync(shellcheckPath!, ['--format', 'gcc', ...SCRIPTS], { cwd: dir }).catch((e: { stdout: string }) => ({ stdout: e.stdout, stderr: '' }));
    expect(result.stdout).toBe('');
  });

  it('--help runs without the Azure CLI, starts with the usage, and exits 0', async () => {
    const { rendered, dir } = trees[key];
    const env = { PATH: binWith(['cat']) };
    for (const script of SCRIPTS) {
      const result = await run([script, '--help'], { cwd: dir, env });
      expect(result, script).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout, script).toMatch(/^Usage: scripts\//);
    }
    expect((await run(['scripts/deploy-infra.sh', '--help'], { cwd: dir, env })).stdout).toContain(`(default: ${rendered.ctx.names.resourceGroup})`);
    for (const script of ['scripts/deploy-infra.sh', 'scripts/teardown.sh']) {
      expect(await run([script, '--bogus'], { cwd: dir, env }), script).toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown argument: --bogus/) });
      expect(await run([script, '--resource-group', 'x; rm -rf /'], { cwd: dir, env }), script).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a resource group name/) });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A stand-in for `az` (bash): answers from a state folder and records every call, one per line,
// with the AAD_LOGIN_METHOD it saw.

const IDS = {
  cluster: '/subscriptions/0000/resourceGroups/rg-contoso-dev/providers/Microsoft.ContainerService/managedClusters/aks-contoso-dev',
  bastion: '/subscriptions/0000/resourceGroups/rg-contoso-dev/providers/Microsoft.Network/bastionHosts/bas-contoso-dev',
};
const PRIVATE_FQDN = 'aks-contoso-dev-abc123.privatelink.westeurope.azmk8s.io';
/** The object ID of the DevOpsInfrastructure service principal in the fake tenant. */
const DEVOPS_SP = '44444444-4444-4444-4444-444444444444';

const FAKE_AZ = String.raw`#!BASH
state=$FAKE_STATE
printf '%s | AAD_LOGIN_METHOD=%s\n' "$*" "${'$'}{AAD_LOGIN_METHOD:-}" >> "$state/calls"
has() { [[ -e $state/$1 ]]; }
case "$*" in
  "account show --output none") has signed-in ;;
  "account show --query name --output tsv") echo "Contoso dev" ;;
  "extension show --name "*) has "extension-$4" ;;
  "bicep version --only-show-errors") echo "Bicep CLI version 0.49.2" ;;
  "aks show "*"--query id --output tsv") has cluster && echo "${IDS.cluster}" ;;
  "network bastion show "*"--query id --output tsv") has bastion && echo "${IDS.bastion}" ;;
  "aks get-credentials "*)
    args="$*"; file=${'$'}{args##*--file }; file=${'$'}{file%% *}
    cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Zm9v
    server: https://${PRIVATE_FQDN}:443
  name: aks-contoso-dev
contexts:
- context:
    cluster: aks-contoso-dev
    user: clusterUser_rg-contoso-dev_aks-contoso-dev
  name: aks-contoso-dev
current-context: aks-contoso-dev
users:
- name: clusterUser_rg-contoso-dev_aks-contoso-dev
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --login, devicecode]
EOF
    ;;
  "provider show --namespace "*) if has "unregistered-$4"; then echo NotRegistered; else echo Registered; fi ;;
  "provider register --namespace "*) rm -f "$state/unregistered-$4" ;;
  "feature show --namespace "*) if has "unregistered-feature-$4-$6"; then echo NotRegistered; else echo Registered; fi ;;
  "feature register --namespace "*) rm -f "$state/unregistered-feature-$4-$6" ;;
  "group exists "*) if has group; then echo true; else echo false; fi ;;
  "group create "*) touch "$state/group" ;;
  "group delete "*) rm -f "$state/group" ;;
  "ad sp list --display-name DevOpsInfrastructure --query [0].id --output tsv")
    # The service principal exists once its resource provider is registered.
    has unregistered-Microsoft.DevOpsInfrastructure || echo "${DEVOPS_SP}" ;;
  "deployment group show "*) echo "clusterName: aks-contoso-dev" ;;
  "deployment group create "*) printf '%s\n' "${'$'}{DEVOPS_INFRASTRUCTURE_OBJECT_ID:-}" > "$state/deployed-with-devops-id" ;;
  "deployment group what-if "* | "network bastion tunnel "* | "aks bastion "*) ;;
  *) echo "fake az: unexpected call: $*" >&2; exit 99 ;;
esac
`;

const FAKE_KUBELOGIN = String.raw`#!BASH
printf '%s\n' "$*" >> "$FAKE_STATE/kubelogin"
`;

function fakeAz(state: string[]): { env: NodeJS.ProcessEnv; dir: string; calls: () => string[]; kubelogin: () => string[] } {
  const dir = mkdtempSync(join(root, 'state-'));
  for (const file of state) writeFileSync(join(dir, file), '');
  const bin = binWith([...BASICS], { az: FAKE_AZ, kubelogin: FAKE_KUBELOGIN, ...(kubectlPath ? { kubectl: kubectlPath } : {}) });
  const lines = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim().split('\n') : []);
  return { env: { PATH: bin, HOME: dir, FAKE_STATE: dir }, dir, calls: () => lines('calls'), kubelogin: () => lines('kubelogin') };
}

const READY = ['signed-in', 'extension-bastion', 'cluster', 'bastion'];

describe.skipIf(!kubectlPath)('scripts/connect.sh', () => {
  it('names each missing prerequisite', async () => {
    const { dir } = trees.bastion;
    const script = 'scripts/connect.sh';
    expect(await run([script], { cwd: dir, env: { PATH: binWith(BASICS) } })).toMatchObject({ code: 1, stderr: expect.stringMatching(/Azure CLI \(az\) is not installed/) });
    const withAz = (files: Record<string, string>, state: string[]) => {
      const fake = fakeAz(state);
      return { ...fake.env, PATH: binWith(BASICS, { az: FAKE_AZ, ...files }) };
    };
    expect(await run([script], { cwd: dir, env: withAz({ kubelogin: FAKE_KUBELOGIN }, READY) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/kubectl is not installed: run az aks install-cli/) });
    expect(await run([script], { cwd: dir, env: withAz({ kubectl: kubectlPath! }, READY) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/kubelogin is not installed: run az aks install-cli/) });
    const both = { kubectl: kubectlPath!, kubelogin: FAKE_KUBELOGIN };
    expect(await run([script], { cwd: dir, env: withAz(both, READY.filter((s) => s !== 'signed-in')) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/not signed in: run az login/) });
    expect(await run([script], { cwd: dir, env: withAz(both, READY.filter((s) => s !== 'extension-bastion')) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/az extension add --name bastion/) });
    expect(await run([script, '--method', 'aks-bastion'], { cwd: dir, env: withAz(both, READY) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/az extension add --name aks-preview/) });
    expect(await run([script], { cwd: dir, env: withAz(both, READY.filter((s) => s !== 'cluster')) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/cluster aks-contoso-dev not found in resource group rg-contoso-dev/) });
    expect(await run([script, '--port', '80'], { cwd: dir, env: withAz(both, READY) })).toMatchObject({ code: 1, stderr: expect.stringMatching(/--port must be a number from 1024 to 65535/) });
  });

  it('writes an Entra ID kubeconfig through kubelogin, points it at the tunnel, and opens az network bastion tunnel without aks-preview', async () => {
    const { dir } = trees.bastion;
    const fake = fakeAz(READY);
    const result = await run(['scripts/connect.sh'], { cwd: dir, env: fake.env });
    expect(result.stderr).toMatch(/aks-preview extension is not installed .*using az network bastion tunnel/);
    expect(result.code, result.stderr).toBe(0);
    const kubeconfig = join(fake.dir, '.kube', 'aks-contoso-dev.kubeconfig');
    const calls = fake.calls();
    expect(calls.some((c) => c.includes('--admin'))).toBe(false);
    expect(calls).toContain(`aks get-credentials --resource-group rg-contoso-dev --name aks-contoso-dev --file ${kubeconfig} --overwrite-existing --only-show-errors | AAD_LOGIN_METHOD=`);
    expect(fake.kubelogin()).toEqual([`convert-kubeconfig --login azurecli --kubeconfig ${kubeconfig}`]);
    expect(calls.at(-1)).toBe(`network bastion tunnel --resource-group rg-contoso-dev --name bas-contoso-dev --target-resource-id ${IDS.cluster} --resource-port 443 --port 50443 | AAD_LOGIN_METHOD=azurecli`);
    const config = parse(readFileSync(kubeconfig, 'utf8'));
    expect(config.clusters[0].cluster).toMatchObject({ server: 'https://localhost:50443', 'tls-server-name': PRIVATE_FQDN });
    expect(result.stdout).toContain(`export KUBECONFIG=${kubeconfig}`);

    // Again: the same kubeconfig, the same calls.
    const before = readFileSync(kubeconfig, 'utf8');
    expect((await run(['scripts/connect.sh'], { cwd: dir, env: fake.env })).code).toBe(0);
    expect(readFileSync(kubeconfig, 'utf8')).toBe(before);
  });

  it('uses az aks bastion with the Bastion host\'s ID when aks-preview is installed, and honours the options', async () => {
    const { dir } = trees.bastion;
    const fake = fakeAz([...READY, 'extension-aks-preview']);
    const kubeconfig = join(fake.dir, 'my.kubeconfig');
    const result = await run(['scripts/connect.sh', '--port', '51000', '--kubeconfig', kubeconfig], { cwd: dir, env: fake.env });
    expect(result.code, result.stderr).toBe(0);
    expect(fake.calls().at(-1)).toBe(`aks bastion --resource-group rg-contoso-dev --name aks-contoso-dev --bastion ${IDS.bastion} --port 51000 | AAD_LOGIN_METHOD=azurecli`);
    expect(parse(readFileSync(kubeconfig, 'utf8')).clusters[0].cluster.server).toBe('https://localhost:51000');
    const forced = await run(['scripts/connect.sh', '--method', 'network-tunnel'], { cwd: dir, env: fake.env });
    expect(forced.code).toBe(0);
    expect(fake.calls().at(-1)).toMatch(/^network bastion tunnel /);
  });

  it('without Bastion: explains how to reach the API server and exits non-zero; --help exits 0', async () => {
    const { rendered, dir } = trees.noBastion;
    const result = await run(['scripts/connect.sh'], { cwd: dir, env: { PATH: binWith(['cat']) } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no Azure Bastion');
    expect(result.stderr).toContain(`inside the virtual network ${rendered.ctx.names.virtualNetwork}`);
    expect(result.stderr).toContain(`kubelogin convert-kubeconfig --login azurecli`);
    expect(result.stderr).toMatch(/Never use --admin/);
    expect(await run(['scripts/connect.sh', '--help'], { cwd: dir, env: { PATH: binWith(['cat']) } })).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('scripts/deploy-infra.sh', () => {
  it('lists every value the operator must set when one is missing, before it changes anything', async () => {
    const { rendered, dir } = trees.bastion;
    const fake = fakeAz(['signed-in']);
    const result = await run(['scripts/deploy-infra.sh'], { cwd: dir, env: fake.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ {2}AKS_ADMIN_GROUP_OBJECT_IDS$/m);
    expect(result.stderr).toContain(rendered.ctx.infra.deployTimeParameters.find((p) => p.env === 'AKS_ADMIN_GROUP_OBJECT_IDS')!.help[1]!);
    // Looked up by the script itself, after the provider registration that creates it.
    expect(result.stderr).not.toMatch(/^ {2}DEVOPS_INFRASTRUCTURE_OBJECT_ID$/m);
    expect(fake.calls().some((c) => c.startsWith('deployment') || c.startsWith('provider register') || c.startsWith('ad sp'))).toBe(false);
    const vmss = await run(['scripts/deploy-infra.sh'], { cwd: trees.noBastion.dir, env: fakeAz(['signed-in']).env });
    expect(vmss.stderr).toMatch(/AKS_ADMIN_GROUP_OBJECT_IDS[\s\S]*AGENT_SSH_PUBLIC_KEY/);
  });

  it('registers Microsoft.DevOpsInfrastructure before it looks up the DevOpsInfrastructure service principal, and deploys with it (issue 16)', async () => {
    const { dir } = trees.bastion;
    const fake = fakeAz(['signed-in', 'unregistered-Microsoft.DevOpsInfrastructure', 'unregistered-Microsoft.DevCenter']);
    const env = { ...fake.env, AKS_ADMIN_GROUP_OBJECT_IDS: '11111111-1111-1111-1111-111111111111' };
    // what-if registers nothing, so there is nothing to look up yet: it says so and changes nothing.
    const preview = await run(['scripts/deploy-infra.sh', '--what-if'], { cwd: dir, env });
    expect(preview.code).toBe(1);
    expect(preview.stderr).toContain('DEVOPS_INFRASTRUCTURE_OBJECT_ID is not set, and it cannot be looked up yet');
    expect(preview.stderr).toContain('--what-if registers no resource provider');
    expect(fake.calls().some((c) => c.startsWith('provider register') || c.startsWith('deployment'))).toBe(false);

    const result = await run(['scripts/deploy-infra.sh'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    const calls = fake.calls().map((c) => c.replace(/ \| AAD_LOGIN_METHOD=$/, ''));
    const registered = calls.lastIndexOf('provider register --namespace Microsoft.DevOpsInfrastructure --wait --output none');
    const lookedUp = calls.lastIndexOf('ad sp list --display-name DevOpsInfrastructure --query [0].id --output tsv');
    const deployed = calls.findIndex((c) => c.startsWith('deployment group create'));
    expect(registered).toBeGreaterThanOrEqual(0);
    expect(lookedUp, 'the service principal is looked up after the provider that creates it is registered').toBeGreaterThan(registered);
    expect(deployed).toBeGreaterThan(lookedUp);
    expect(readFileSync(join(fake.dir, 'deployed-with-devops-id'), 'utf8').trim()).toBe(DEVOPS_SP);
    expect(result.stdout).toContain(`DEVOPS_INFRASTRUCTURE_OBJECT_ID=${DEVOPS_SP} (looked up; define it as a pipeline variable too)`);

    // Set by the operator: used as it is, nothing looked up.
    const given = fakeAz(['signed-in', 'group']);
    const again = await run(['scripts/deploy-infra.sh'], { cwd: dir, env: { ...given.env, AKS_ADMIN_GROUP_OBJECT_IDS: '11111111-1111-1111-1111-111111111111', DEVOPS_INFRASTRUCTURE_OBJECT_ID: '33333333-3333-3333-3333-333333333333' } });
    expect(again.code, again.stderr).toBe(0);
    expect(given.calls().some((c) => c.startsWith('ad sp'))).toBe(false);
    expect(readFileSync(join(given.dir, 'deployed-with-devops-id'), 'utf8').trim()).toBe('33333333-3333-3333-3333-333333333333');
  });

  it('registers only unregistered providers, creates the resource group once, and deploys the named deployment', async () => {
    const { rendered, dir } = trees.bastion;
    const fake = fakeAz(['signed-in', 'unregistered-Microsoft.DevOpsInfrastructure', 'unregistered-feature-Microsoft.Compute-EncryptionAtHost']);
    const env = { ...fake.env, AKS_ADMIN_GROUP_OBJECT_IDS: '11111111-1111-1111-1111-111111111111', DEVOPS_INFRASTRUCTURE_OBJECT_ID: '33333333-3333-3333-3333-333333333333' };
    const preview = await run(['scripts/deploy-infra.sh', '--what-if'], { cwd: dir, env });
    expect(preview).toMatchObject({ code: 1, stderr: expect.stringMatching(/resource group rg-contoso-dev does not exist; what-if needs it/) });
    expect(fake.calls().some((c) => c.startsWith('provider register')), 'what-if registers nothing').toBe(false);
    const previewCalls = fake.calls().length;
    const first = await run(['scripts/deploy-infra.sh'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    const calls = fake.calls().slice(previewCalls).map((c) => c.replace(/ \| AAD_LOGIN_METHOD=$/, ''));
    // The provider that was not registered, and Microsoft.Compute again after its EncryptionAtHost feature.
    expect(calls.filter((c) => c.startsWith('feature register'))).toEqual(['feature register --namespace Microsoft.Compute --name EncryptionAtHost --output none']);
    expect(calls.filter((c) => c.startsWith('provider register'))).toEqual([
      'provider register --namespace Microsoft.DevOpsInfrastructure --wait --output none',
      'provider register --namespace Microsoft.Compute --wait --output none',
    ]);
    expect(first.stdout).toContain('feature Microsoft.Compute/EncryptionAtHost: registering');
    expect(calls.filter((c) => c.startsWith('provider show')).map((c) => c.split(' ')[3]).sort()).toEqual(rendered.ctx.docs.resourceProviders);
    expect(calls).toContain('group create --name rg-contoso-dev --location westeurope --output none');
    expect(calls).toContain(`deployment group create --resource-group rg-contoso-dev --name infra-contoso-dev --template-file ${dir}/infra/main.bicep --parameters ${dir}/infra/dev.bicepparam --output none`);
    expect(first.stdout).toContain('bash scripts/bootstrap-devops.sh');

    const again = await run(['scripts/deploy-infra.sh', '--what-if'], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    const later = fake.calls().slice(previewCalls + calls.length).map((c) => c.replace(/ \| AAD_LOGIN_METHOD=$/, ''));
    expect(later.some((c) => c.startsWith('provider register') || c.startsWith('feature register') || c.startsWith('group create') || c.startsWith('deployment group create'))).toBe(false);
    expect(later).toContain(`deployment group what-if --resource-group rg-contoso-dev --name infra-contoso-dev --template-file ${dir}/infra/main.bicep --parameters ${dir}/infra/dev.bicepparam`);
  });
});

describe('scripts/teardown.sh', () => {
  it('deletes only after confirmation, and a resource group that is gone is not an error', async () => {
    const { dir } = trees.bastion;
    const gone = fakeAz(['signed-in']);
    expect(await run(['scripts/teardown.sh'], { cwd: dir, env: gone.env })).toMatchObject({ code: 0, stdout: expect.stringMatching(/does not exist .*nothing to delete/) });
    const there = fakeAz(['signed-in', 'group']);
    // No terminal to type the name on: refuses without --yes.
    expect(await run(['scripts/teardown.sh'], { cwd: dir, env: there.env })).toMatchObject({ code: 1, stderr: expect.stringMatching(/pass --yes/) });
    expect(there.calls().some((c) => c.startsWith('group delete'))).toBe(false);
    const deleted = await run(['scripts/teardown.sh', '--yes'], { cwd: dir, env: there.env });
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(there.calls()).toContain('group delete --name rg-contoso-dev --yes --output none | AAD_LOGIN_METHOD=');
    expect(deleted.stdout).toMatch(/soft-deleted key vault kv-contoso-dev-\w+ \(purge protection/);
  });
});
