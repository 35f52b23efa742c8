// The emitted shell scripts: shellcheck and bash -n on every scripts/*.sh, and
// scripts/bootstrap-devops.sh run for real against a recording stand-in for the Azure CLI: help and
// prerequisite messages, the service connection's configuration file, the federated credential from
// the issuer and subject read back, the environments, the elastic pool, and idempotent re-runs.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { runFromOneShell } from './helpers/shell.ts';
import { toolOrSkip } from './helpers/tools.ts';

const execFileAsync = promisify(execFile);
const shellcheckPath = toolOrSkip('shellcheck');

const CASES: Record<'mdp' | 'vmss', AnswerInput> = {
  mdp: { agentPool: 'managedDevOpsPool', adoProject: 'Line of Business' },
  vmss: { agentPool: 'vmss', name: 'shop', environment: 'prod', agentMaxConcurrency: 4, workloads: [{ name: 'web' }, { name: 'api' }, { name: 'jobs' }] },
};

const root = mkdtempSync(join(tmpdir(), 'secure-aks-scripts-'));
const trees: Record<string, { rendered: Rendered; dir: string }> = {};

beforeAll(async () => {
  for (const [key, answers] of Object.entries(CASES)) {
    const rendered = await renderRepository(answers);
    trees[key] = { rendered, dir: writeTree(new Map([...rendered.files].filter(([p]) => p.startsWith('scripts/'))), `secure-aks-scripts-${key}-`) };
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

async function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { ...options, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** run() of each (file, args, env) in cwd, all started by one sh (helpers/shell.ts) instead of a fork of this worker each. */
async function runEach(runs: { file: string; args: string[]; env: Record<string, string> }[], cwd: string): Promise<Run[]> {
  const results = await runFromOneShell(cwd, runs.map(({ file, args, env }) => ({ argv: [file, ...args], env })));
  return results.map(({ exitCode, stdout, stderr }) => ({ code: exitCode, stdout, stderr }));
}

/** A folder whose only commands are links to these system tools (so `az` is certainly absent). */
function binWith(tools: string[]): string {
  const bin = mkdtempSync(join(root, 'bin-'));
  for (const tool of tools) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (!found) throw new Error(`${tool} not found`);
    symlinkSync(found, join(bin, tool));
  }
  return bin;
}

const BASH = existsSync('/usr/bin/bash') ? '/usr/bin/bash' : '/bin/bash';
const TOOLS = ['cat', 'mktemp', 'rm', 'tr'];

describe.each(Object.keys(CASES))('scripts/*.sh (%s)', (key) => {
  it.skipIf(!shellcheckPath)('every script passes shellcheck', async () => {
    const { rendered, dir } = trees[key]!;
    const scripts = [...rendered.files.keys()].filter((p) => /^scripts\/[^/]+\.sh$/.test(p));
    expect(scripts).toContain('scripts/bootstrap-devops.sh');
    const result = await run(shellcheckPath!, ['--format', 'gcc', ...scripts], { cwd: dir });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('every script parses with bash -n and starts with a bash shebang and set -euo pipefail', async () => {
    const { rendered, dir } = trees[key]!;
    const scripts = [...rendered.files.keys()].filter((p) => /^scripts\/[^/]+\.sh$/.test(p));
    // bash -n of each script, all started by one sh instead of a fork of this (large) worker each.
    const results = await runFromOneShell(dir, scripts.map((script) => ({ argv: [BASH, '-n', script] })));
    results.forEach((r, i) => expect(r, scripts[i]).toMatchObject({ exitCode: 0, stderr: '' }));
    const bootstrap = rendered.files.get('scripts/bootstrap-devops.sh')!;
    expect(bootstrap.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(bootstrap).toMatch(/^set -euo pipefail$/m);
  });

  it('bootstrap-devops.sh --help exits 0 without the Azure CLI and shows the defaults', async () => {
    const { rendered, dir } = trees[key]!;
    const result = await run(BASH, ['scripts/bootstrap-devops.sh', '--help'], { cwd: dir, env: { PATH: binWith(['cat']) } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: scripts\/bootstrap-devops.sh/);
    expect(result.stdout).toContain(`(default: ${rendered.answers.adoProject})`);
    expect(result.stdout).toContain(`(default: ${rendered.answers.serviceConnection})`);
    expect(result.stdout).toContain(`(default: ${rendered.ctx.names.resourceGroup})`);
  });

  it('bootstrap-devops.sh rejects bad arguments and names each missing prerequisite', async () => {
    const { dir } = trees[key]!;
    const script = 'scripts/bootstrap-devops.sh';
    const noAz = { PATH: binWith(TOOLS) };
    const noExtension = fakeAz({ devopsExtension: false });
    const signedOut = fakeAz({ signedIn: false });
    const [bogus, noValue, badName, missingAz, missingExtension, notSignedIn] = await runEach(
      [
        { file: BASH, args: [script, '--bogus'], env: noAz },
        { file: BASH, args: [script, '--project'], env: noAz },
        { file: BASH, args: [script, '--service-connection', "x' || true"], env: noAz },
        { file: BASH, args: [script], env: noAz },
        { file: BASH, args: [script], env: noExtension.env },
        { file: BASH, args: [script], env: signedOut.env },
      ],
      dir,
    );
    expect(bogus).toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown argument: --bogus/) });
    expect(noValue).toMatchObject({ code: 1, stderr: expect.stringMatching(/--project needs a value/) });
    expect(badName).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a service connection name/) });
    expect(missingAz).toMatchObject({ code: 1, stderr: expect.stringMatching(/Azure CLI \(az\) is not installed/) });
    expect(missingExtension).toMatchObject({ code: 1, stderr: expect.stringMatching(/az extension add --name azure-devops/) });
    expect(notSignedIn).toMatchObject({ code: 1, stderr: expect.stringMatching(/run az login/) });
  });
});

// ---------------------------------------------------------------------------------------------
// A stand-in for `az` (bash, so each call costs a fork rather than a Node.js start): answers the calls
// bootstrap-devops.sh makes from a state folder, applies the creates to it, and records every call
// (and a copy of every file it is given).

const IDS = {
  subscription: '11111111-2222-3333-4444-555555555555',
  tenant: '99999999-8888-7777-6666-555555555555',
  client: 'AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee',
  project: '0f0f0f0f-0000-0000-0000-000000000001',
  endpoint: 'e0e0e0e0-0000-0000-0000-000000000002',
};
const ISSUER = 'https://login.microsoftonline.com/99999999-8888-7777-6666-555555555555/v2.0';
const SUBJECT = '/eid1/c/pub/t/abc/a/def/sc/0f0f0f0f/e0e0e0e0';
const SUBSCRIPTION_NAME = 'Pay "as" you go \\ test';

/**
 * Bash source; `@{` stands for `${`, which a template literal would interpolate. Builtins only, except
 * cp and basename where a file is given or named: no command substitution (each is a fork of bash),
 * since the scripts call az ~20 times per run and five runs of bootstrap-devops.sh spent most of their
 * time in the stand-in.
 */
const FAKE_AZ = String.raw`#!BASH
set -u
state=$FAKE_AZ_STATE
args=("$@")
mapfile -t logged < "$FAKE_AZ_LOG"
n=$(( @{#logged[@]} + 1 ))
printf -v line '%s\x1f' "$@"
printf '%s\n' "@{line%$'\x1f'}" >> "$FAKE_AZ_LOG"
# opt FLAG: the value after FLAG, in OPT (status 1 when FLAG is absent).
opt() {
  local i
  for ((i = 0; i < @{#args[@]}; i++)); do
    if [[ @{args[i]} == "$1" ]]; then OPT=@{args[i + 1]}; return 0; fi
  done
  OPT=''
  return 1
}
for flag in --in-file --service-endpoint-configuration; do
  if opt "$flag"; then cp "$OPT" "$state/files/$n-@{flag#--}.json"; fi
done
words=''
for a in "$@"; do [[ $a == -* ]] && break; words+="@{words:+ }$a"; done
opt --query || true
query=$OPT
fail() { echo "$1" >&2; exit "@{2:-1}"; }
# file FILE: FILE's text, in TEXT.
file() { TEXT=''; [[ -r $1 ]] || fail "fake az: no file $1"; IFS= read -r -d '' TEXT < "$1" || true; }
cat_() { file "$1"; printf '%s' "$TEXT"; }
# json_field NAME FILE: the string field NAME of the JSON in FILE, in FIELD.
json_field() { local re="\"$1\": \"([^\"]*)\""; file "$2"; FIELD=''; [[ $TEXT =~ $re ]] && FIELD=@{BASH_REMATCH[1]}; }
case $words in
  'extension show') [[ -e $state/no-devops-extension ]] && fail 'extension not installed'; echo '{}' ;;
  'account show')
    [[ -e $state/signed-out ]] && fail 'Please run az login'
    case $query in id) echo "$FAKE_AZ_SUBSCRIPTION" ;; name) cat_ "$state/subscription-name.json" ;; *) echo '{}' ;; esac ;;
  'identity show') case $query in clientId) echo "$FAKE_AZ_CLIENT" ;; tenantId) echo "$FAKE_AZ_TENANT" ;; *) fail "query $query" ;; esac ;;
  'devops project show') case $query in id) echo "$FAKE_AZ_PROJECT" ;; name) cat_ "$state/project-name.json" ;; *) fail "query $query" ;; esac ;;
  'devops service-endpoint list') if [[ -e $state/endpoint ]]; then echo "$FAKE_AZ_ENDPOINT"; else echo; fi ;;
  'devops service-endpoint create')
    opt --service-endpoint-configuration; config=$OPT
    json_field scheme "$config"; scheme=$FIELD
    json_field serviceprincipalid "$config"
    echo "$scheme $FIELD" > "$state/endpoint"
    echo "$FAKE_AZ_ENDPOINT" ;;
  'devops service-endpoint show')
    case $query in
      join*) cat_ "$state/endpoint" ;;
      *workloadIdentityFederationIssuer) echo "$FAKE_AZ_ISSUER" ;;
      *workloadIdentityFederationSubject) cat_ "$state/subject" ;;
      *) fail "query $query" ;;
    esac ;;
  'identity federated-credential list')
    re="issuer=='([^']*)' && subject=='([^']*)'"
    [[ $query =~ $re ]] || fail "query $query"
    want=@{BASH_REMATCH[1]}$'\n'@{BASH_REMATCH[2]}$'\n'
    for f in "$state"/fic/*; do
      [[ -e $f ]] || continue
      file "$f"
      [[ $TEXT == "$want"* ]] && { echo "@{f##*/}"; exit 0; }
    done
    echo ;;
  'identity federated-credential show') opt --name; [[ -e $state/fic/$OPT ]] || fail 'not found' 3; echo '{}' ;;
  'identity federated-credential create' | 'identity federated-credential update')
    opt --issuer; issuer=$OPT; opt --subject; subject=$OPT; opt --audiences; audiences=$OPT; opt --name
    printf '%s\n%s\n%s\n' "$issuer" "$subject" "$audiences" > "$state/fic/$OPT" ;;
  'devops invoke')
    opt --resource; resource=$OPT; opt --http-method; method=$OPT
    case "$resource $method" in
      'environments GET') opt --query-parameters; [[ -e $state/env/@{OPT#name=} ]] && echo 1 || echo 0 ;;
      'environments POST') opt --in-file; json_field name "$OPT"; : > "$state/env/$FIELD" ;;
      'elasticpools POST')
        for ((i = 0; i < @{#args[@]}; i++)); do
          [[ @{args[i]} == --query-parameters ]] || continue
          for ((j = i + 1; j < @{#args[@]}; j++)); do [[ @{args[j]} == --* ]] && break; echo "@{args[j]}"; done
        done > "$state/elastic-pool.query"
        opt --in-file; cp "$OPT" "$state/elastic-pool.json"; : > "$state/queue" ;;
      *) fail "invoke $resource $method" ;;
    esac ;;
  'pipelines queue list') if [[ -e $state/queue ]]; then echo 7; else echo; fi ;;
  'vmss show') opt --resource-group; group=$OPT; opt --name; echo "/subscriptions/$FAKE_AZ_SUBSCRIPTION/resourceGroups/$group/providers/Microsoft.Compute/virtualMachineScaleSets/$OPT" ;;
  *) fail "fake az: unexpected call: $*" 99 ;;
esac
`;

interface FakeOptions {
  devopsExtension?: boolean;
  signedIn?: boolean;
  queue?: boolean;
  endpoint?: string;
}

function fakeAz(options: FakeOptions = {}) {
  const state = mkdtempSync(join(root, 'az-'));
  for (const sub of ['files', 'fic', 'env', 'tmp']) mkdirSync(join(state, sub));
  const flag = (name: string, on: boolean | undefined) => on && writeFileSync(join(state, name), '');
  flag('no-devops-extension', options.devopsExtension === false);
  flag('signed-out', options.signedIn === false);
  flag('queue', options.queue);
  if (options.endpoint) writeFileSync(join(state, 'endpoint'), `${options.endpoint}\n`);
  writeFileSync(join(state, 'subject'), `${SUBJECT}\n`);
  writeFileSync(join(state, 'subscription-name.json'), `${JSON.stringify(SUBSCRIPTION_NAME)}\n`);
  writeFileSync(join(state, 'project-name.json'), '"Line of Business"\n');
  const bin = binWith([...TOOLS, 'cp']);
  writeFileSync(join(bin, 'az'), FAKE_AZ.replace('#!BASH', `#!${BASH}`).replaceAll('@{', '${'));
  chmodSync(join(bin, 'az'), 0o755);
  const log = join(state, 'calls.log');
  writeFileSync(log, '');
  const read = (rel: string) => readFileSync(join(state, rel), 'utf8');
  return {
    env: {
      PATH: bin,
      TMPDIR: join(state, 'tmp'),
      FAKE_AZ_STATE: state,
      FAKE_AZ_LOG: log,
      FAKE_AZ_SUBSCRIPTION: IDS.subscription,
      FAKE_AZ_TENANT: IDS.tenant,
      FAKE_AZ_CLIENT: IDS.client,
      FAKE_AZ_PROJECT: IDS.project,
      FAKE_AZ_ENDPOINT: IDS.endpoint,
      FAKE_AZ_ISSUER: ISSUER,
    },
    setSubject: (subject: string) => writeFileSync(join(state, 'subject'), `${subject}\n`),
    setQueue: () => writeFileSync(join(state, 'queue'), ''),
    /** The federated credentials on the identity: name -> [issuer, subject, audience]. */
    credentials: () => Object.fromEntries(readdirSync(join(state, 'fic')).map((name) => [name, read(`fic/${name}`).trimEnd().split('\n')])),
    environments: () => readdirSync(join(state, 'env')).sort(),
    elasticPool: () => (existsSync(join(state, 'elastic-pool.json')) ? { query: read('elastic-pool.query').trimEnd().split('\n'), body: JSON.parse(read('elastic-pool.json')) as unknown } : undefined),
    /** The file given to the n-th call (1-based) with this flag, as the script wrote it. */
    fileOf: (call: number, flagName: string) => read(`files/${call}-${flagName}.json`),
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\x1f')),
    tmp: () => readdirSync(join(state, 'tmp')),
    clearCalls: () => {
      writeFileSync(log, '');
      for (const f of readdirSync(join(state, 'files'))) rmSync(join(state, 'files', f));
    },
  };
}

const WRITES = /^(devops service-endpoint create|identity federated-credential (create|update)|devops invoke .*--http-method POST)/;
const writesOf = (calls: string[][]) => calls.map((c) => c.join(' ')).filter((c) => WRITES.test(c));

describe('bootstrap-devops.sh against a recording Azure CLI', () => {
  it('creates a secretless WorkloadIdentityFederation connection, trusts it, creates the environments; a re-run changes nothing', async () => {
    const { rendered, dir } = trees.mdp!;
    const { ctx } = rendered;
    const az = fakeAz({ queue: false });
    const first = await run(BASH, ['scripts/bootstrap-devops.sh'], { cwd: dir, env: az.env });
    expect(first.code).toBe(0);
    // The Managed DevOps Pool has not registered the agent pool yet: a warning, not a failure.
    expect(first.stderr).toMatch(/Managed DevOps Pool registers it/);

    const calls = az.calls();
    const createAt = calls.findIndex((c) => c.join(' ').startsWith('devops service-endpoint create'));
    const create = calls[createAt]!;
    expect(create).toEqual(expect.arrayContaining(['--organization', rendered.answers.adoOrganizationUrl, '--project', 'Line of Business']));
    const configText = az.fileOf(createAt + 1, 'service-endpoint-configuration');
    const config = JSON.parse(configText) as { authorization: unknown; data: Record<string, string>; name: string; serviceEndpointProjectReferences: unknown };
    expect(config.name).toBe(rendered.answers.serviceConnection);
    expect(config.authorization).toEqual({ scheme: 'WorkloadIdentityFederation', parameters: { serviceprincipalid: IDS.client, tenantid: IDS.tenant } });
    expect(config.data).toMatchObject({ creationMode: 'Manual', subscriptionId: IDS.subscription, subscriptionName: SUBSCRIPTION_NAME, scopeLevel: 'Subscription' });
    expect(config.serviceEndpointProjectReferences).toEqual([{ projectReference: { id: IDS.project, name: 'Line of Business' }, name: rendered.answers.serviceConnection }]);
    const keys = JSON.stringify(config, (_, v: unknown) => v).match(/"[A-Za-z]+":/g)!;
    expect(keys.filter((k) => /secret|password|key"|certificate/i.test(k))).toEqual([]);
    // The temporary request bodies are gone once the script ends.
    expect(az.tmp()).toEqual([]);

    // The federated credential carries exactly what Azure DevOps reported for the connection.
    expect(az.credentials()).toEqual({ [ctx.names.pipelineFederatedCredential]: [ISSUER, SUBJECT, 'api://AzureADTokenExchange'] });
    const fic = calls.find((c) => c.join(' ').startsWith('identity federated-credential create'))!;
    expect(fic).toEqual(expect.arrayContaining(['--identity-name', ctx.names.pipelineIdentity, '--resource-group', ctx.names.resourceGroup, '--subscription', IDS.subscription]));
    expect(az.environments()).toEqual([ctx.pipeline.environments.workloads, ctx.pipeline.environments.infra].sort());
    expect(first.stdout).toContain(`pipelineFederationSubject = '${SUBJECT}'`);

    az.setQueue();
    az.clearCalls();
    const second = await run(BASH, ['scripts/bootstrap-devops.sh'], { cwd: dir, env: az.env });
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(writesOf(az.calls())).toEqual([]);

    // A recreated connection gets a new subject: the credential follows it, nothing else changes.
    az.setSubject(`${SUBJECT}-2`);
    az.clearCalls();
    const third = await run(BASH, ['scripts/bootstrap-devops.sh'], { cwd: dir, env: az.env });
    expect(third).toMatchObject({ code: 0, stderr: '' });
    expect(writesOf(az.calls()).map((c) => c.split(' --')[0])).toEqual(['identity federated-credential update']);
    expect(az.credentials()).toEqual({ [ctx.names.pipelineFederatedCredential]: [ISSUER, `${SUBJECT}-2`, 'api://AzureADTokenExchange'] });
    expect(rendered.files.get('scripts/bootstrap-devops.sh')).not.toMatch(/elasticpools/);
  });

  it('refuses to reuse a service connection of another kind', async () => {
    const { dir } = trees.mdp!;
    const az = fakeAz({ queue: true, endpoint: `ServicePrincipal ${IDS.client}` });
    const result = await run(BASH, ['scripts/bootstrap-devops.sh'], { cwd: dir, env: az.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/exists but is not workload identity federation/);
    expect(writesOf(az.calls())).toEqual([]);
  });

  it('vmss: registers the scale set as an elastic pool through the service connection, once', async () => {
    const { rendered, dir } = trees.vmss!;
    const { ctx } = rendered;
    const az = fakeAz();
    const first = await run(BASH, ['scripts/bootstrap-devops.sh', '--project', 'Line of Business'], { cwd: dir, env: az.env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const pool = az.elasticPool()!;
    expect(pool.query).toEqual([`poolName=${ctx.pipeline.agentPool}`, 'authorizeAllPipelines=false', 'autoProvisionProjectPools=false', `projectId=${IDS.project}`]);
    expect(pool.body).toMatchObject({
      serviceEndpointId: IDS.endpoint,
      serviceEndpointScope: IDS.project,
      azureId: `/subscriptions/${IDS.subscription}/resourceGroups/${ctx.names.resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${ctx.names.agentScaleSet}`,
      osType: 'linux',
      maxCapacity: 4,
      desiredIdle: 0,
      recycleAfterEachUse: true,
    });
    az.clearCalls();
    const second = await run(BASH, ['scripts/bootstrap-devops.sh', '--project', 'Line of Business'], { cwd: dir, env: az.env });
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(writesOf(az.calls())).toEqual([]);
  });
});
