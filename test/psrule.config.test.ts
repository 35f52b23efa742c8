// The generated repository's policy as code, without PSRule (which needs the PowerShell Gallery): the
// ps-rule.yaml the generator writes (pinned modules and baseline, Bicep expansion of the parameter files
// and nothing else, the exclusion and the answer-driven suppressions, each with its reason), yamllint-clean;
// and the Validate stage that runs it on the self-hosted pool, fails on findings and publishes the results,
// still valid against the Azure Pipelines schema. The rules themselves: test/psrule.rules.test.ts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { BASELINE_GROUP, CONFIGURATION, EXCLUSIONS, OPTIONS_FILE, PSRULE_MODULES, RESULTS_FILE, baseline, commentLines, installCommand, localCommand, suppressions } from '../generators/core/plan/psrule.ts';
import { RULES } from '../generators/core/plan/psrule/catalogue.ts';
import { resolveOrThrow, renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { expandPipeline, pipelineJobs, validatePipelineTree, type PipelineJob } from './helpers/pipeline.ts';
import { toolOrSkip } from './helpers/tools.ts';
import { resourceNames } from '../generators/core/answers/naming.ts';

const run = promisify(execFile);
const yamllintPath = toolOrSkip('yamllint');

type Obj = Record<string, unknown>;

const CASES = {
  defaults: {},
  costSavingVmssNoZones: { agentPool: 'vmss', systemNodeCount: 1, userNodeMinCount: 1, userNodeMaxCount: 2, availabilityZones: [], bastion: false, name: 'shop', environment: 'prod' },
  oneZoneBastion: { availabilityZones: ['3'], systemNodeCount: 2, agentPoolName: 'agents-on-vnet' },
} satisfies Record<string, AnswerInput>;
type CaseName = keyof typeof CASES;

interface Case {
  rendered: Rendered;
  options: {
    requires: Record<string, string>;
    include: { module: string[] };
    baseline: { group: Record<string, string> };
    input: { pathIgnore: string[] };
    configuration: Record<string, unknown>;
    rule: { exclude: string[] };
    suppression: Record<string, { targetName: string[] }>;
  };
  validate: PipelineJob;
  yamllint: { code: number; output: string };
}

const cases = {} as Record<CaseName, Case>;

async function yamllint(rendered: Rendered): Promise<{ code: number; output: string }> {
  const dir = writeTree(new Map([...rendered.files].filter(([p]) => p === OPTIONS_FILE || p.startsWith('pipelines/') || /^\.yamllint/.test(p))), 'secure-aks-psrule-');
  try {
    const { stdout } = await run(yamllintPath!, ['-f', 'parsable', '-c', '.yamllint.yaml', OPTIONS_FILE, 'pipelines'], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

/** input.pathIgnore as PSRule applies it to repository files: in order, the last matching pattern wins, `!` re-includes. */
function ignored(path: string, patterns: string[]): boolean {
  let result = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const glob = negate ? raw.slice(1) : raw;
    const source = glob
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    if (new RegExp(`^${source}$`).test(path)) result = !negate;
  }
  return result;
}

const scriptOf = (step: Obj) => String(step.pwsh ?? step.bash ?? step.script ?? '');

beforeAll(async () => {
  for (const name of Object.keys(CASES) as CaseName[]) {
    const rendered = await renderRepository(CASES[name] as AnswerInput);
    const text = rendered.files.get(OPTIONS_FILE)!;
    const doc = parseDocument(text, { strict: true, uniqueKeys: true });
    expect([...doc.errors, ...doc.warnings].map(String)).toEqual([]);
    const validate = pipelineJobs(expandPipeline(rendered.files).pipeline).find((j) => j.stage === 'Validate')!;
    cases[name] = {
      rendered,
      options: doc.toJS() as Case['options'],
      validate,
      yamllint: yamllintPath ? await yamllint(rendered) : { code: -1, output: 'yamllint missing' },
    };
  }
});

describe.each(Object.keys(CASES) as CaseName[])('%s', (name) => {
  const get = () => cases[name];

  test('ps-rule.yaml pins PSRule for Azure, its engine and a quarterly GA baseline', () => {
    const { options } = get();
    expect(baseline).toMatch(/^Azure\.GA_20\d\d_(03|06|09|12)$/);
    expect(options.include).toEqual({ module: ['PSRule.Rules.Azure'] });
    expect(options.baseline).toEqual({ group: { [BASELINE_GROUP]: baseline } });
    expect(options.requires).toEqual(Object.fromEntries(PSRULE_MODULES.map((m) => [m.name, `>=${m.version}`])));
  });

  test('ps-rule.yaml expands the Bicep through the parameter files, and reads no other file of the repository', () => {
    const { options, rendered } = get();
    expect(options.configuration).toMatchObject({ AZURE_BICEP_FILE_EXPANSION: true, AZURE_BICEP_PARAMS_FILE_EXPANSION: true, AZURE_BICEP_FILE_EXPANSION_TIMEOUT: 60 });
    const read = [...rendered.files.keys(), '.git/config', '.yo-rc.json'].filter((p) => !ignored(p, options.input.pathIgnore));
    expect(read).toEqual([`infra/${rendered.answers.environment}.bicepparam`]);
    expect(rendered.files.has('infra/main.bicep')).toBe(true);
  });

  test('ps-rule.yaml sets only the rule configuration psrule.ts lists, excludes only what cannot apply, suppresses what psrule.ts derives from the answers', () => {
    const { options, rendered } = get();
    const { answers, ctx } = rendered;
    for (const c of CONFIGURATION) expect(options.configuration[c.option]).toEqual(c.value);
    expect(Object.keys(options.configuration).sort()).toEqual(['AZURE_BICEP_FILE_EXPANSION', 'AZURE_BICEP_FILE_EXPANSION_TIMEOUT', 'AZURE_BICEP_PARAMS_FILE_EXPANSION', ...CONFIGURATION.map((c) => c.option)].sort());
    expect(options.rule).toEqual({ exclude: EXCLUSIONS.map((e) => e.rule) });
    const expected = suppressions(answers, ctx.names);
    expect(options.suppression).toEqual(Object.fromEntries(expected.map((s) => [s.rule, { targetName: s.targets }])));
    // Every suppressed rule is a rule of the baseline this repository is checked against.
    const ids = new Set(RULES.map((r) => r.id));
    for (const rule of [...Object.keys(options.suppression), ...options.rule.exclude]) expect(ids.has(rule), rule).toBe(true);
    // Every reason is in the file, as comment lines.
    const text = rendered.files.get(OPTIONS_FILE)!;
    for (const s of [...expected, ...EXCLUSIONS, ...CONFIGURATION]) {
      for (const line of commentLines(s.reason)) expect(text).toContain(`# ${line}\n`);
    }
  });

  test.skipIf(!yamllintPath)('ps-rule.yaml and the pipeline are yamllint-clean with the repository\'s .yamllint.yaml', () => {
    expect(get().yamllint).toEqual({ code: 0, output: '' });
  });

  test('the pipeline still validates against the Azure Pipelines schema', () => {
    expect(validatePipelineTree(get().rendered.files)).toEqual([]);
  });

  test('the Validate stage installs the pinned modules and runs Assert-PSRule with ps-rule.yaml and the pinned baseline, on the self-hosted pool', () => {
    const { validate, rendered } = get();
    expect(validate.pool).toEqual({ name: rendered.ctx.pipeline.agentPool });
    expect(JSON.stringify(validate.job)).not.toMatch(/vmImage/);
    const steps = validate.steps.filter((s) => 'pwsh' in s);
    expect(steps).toHaveLength(1);
    const step = steps[0]!;
    const script = scriptOf(step);
    expect(script.split('\n')[0]).toBe("$ErrorActionPreference = 'Stop'");
    for (const m of PSRULE_MODULES) expect(script).toContain(`Install-Module -Name ${m.name} -RequiredVersion ${m.version} -Scope CurrentUser -Force\n`);
    expect(script).toContain(`Import-Module -Name PSRule -RequiredVersion ${PSRULE_MODULES[0].version}\n`);
    expect(script).toMatch(new RegExp(`Assert-PSRule -Format File -InputPath \\. -Option ${OPTIONS_FILE.replace('.', '\\.')} -Baseline '@${BASELINE_GROUP}' \`\n\\s+-OutputFormat NUnit3 -OutputPath \\$env:RESULTS_FILE -ResultVariable results\n`));
    // A run that evaluated nothing (ps-rule.yaml reading no file) fails too.
    expect(script).toMatch(/if \(-not \(\$results \| Where-Object \{ \$_\.TargetType -eq 'Microsoft\.ContainerService\/managedClusters' \}\)\) \{\n\s+throw /);
    expect(step.env).toEqual({ RESULTS_FILE, PSRULE_AZURE_BICEP_USE_AZURE_CLI: 'true' });
    // No condition or continueOnError: a finding (Assert-PSRule's error) fails the job.
    expect(step).not.toHaveProperty('condition');
    expect(step).not.toHaveProperty('continueOnError');
  });

  test('the results are published as test results even when a rule fails, and the stage checks before what-if', () => {
    const { validate } = get();
    const kinds = validate.steps.map((s) => (s.task as string | undefined) ?? Object.keys(s)[0]);
    // The offline checks (scripts/validate.sh, after kubectl is installed), then PSRule and its results, then what-if.
    expect(kinds).toEqual(['checkout', 'KubectlInstaller@0', 'bash', 'pwsh', 'PublishTestResults@2', 'AzureCLI@2']);
    const publish = validate.steps[4]!;
    expect(publish.condition).toBe('succeededOrFailed()');
    expect(publish.inputs).toMatchObject({ testResultsFormat: 'NUnit', testResultsFiles: RESULTS_FILE });
  });
});

describe('psrule.ts', () => {
  test('the baseline and the local command the README cites', () => {
    expect(localCommand).toBe(`Import-Module -Name PSRule -RequiredVersion ${PSRULE_MODULES[0].version}; Assert-PSRule -Format File -InputPath . -Option ps-rule.yaml -Baseline '@${BASELINE_GROUP}'`);
    expect(installCommand.split('; ')).toEqual(PSRULE_MODULES.map((m) => `Install-Module -Name ${m.name} -RequiredVersion ${m.version} -Scope CurrentUser -Force`));
    expect(RULES.length).toBeGreaterThan(80);
  });

  test('a suppression for each answer that conflicts with a rule, and none for answers that meet it', () => {
    const rulesOf = (input: AnswerInput) => {
      const answers = resolveOrThrow(input);
      return suppressions(answers, resourceNames(answers)).map((s) => s.rule);
    };
    const design = ['Azure.AKS.NetworkPolicy', 'Azure.Log.Replication', 'Azure.NSG.LateralTraversal'];
    expect(rulesOf({})).toEqual(design);
    expect(rulesOf({ bastion: false })).toEqual(design.slice(0, 2));
    expect(rulesOf({ systemNodeCount: 2 })).toEqual([...design, 'Azure.AKS.MinNodeCount']);
    expect(rulesOf({ userNodeMinCount: 2, userNodeMaxCount: 2 })).toEqual([...design, 'Azure.AKS.MinUserPoolNodes']);
    expect(rulesOf({ availabilityZones: [] })).toEqual([...design, 'Azure.Firewall.AvailabilityZones', 'Azure.AKS.AvailabilityZone', 'Azure.PublicIP.AvailabilityZone']);
    expect(rulesOf({ availabilityZones: ['1'] })).toEqual([...design, 'Azure.Firewall.AvailabilityZones']);
    expect(rulesOf({ availabilityZones: ['1'], egress: 'natGateway' })).toEqual(design);
    expect(rulesOf({ availabilityZones: [], egress: 'natGateway' })).toEqual([...design, 'Azure.AKS.AvailabilityZone', 'Azure.PublicIP.AvailabilityZone']);
    expect(rulesOf({ agentPool: 'vmss' })).toEqual([...design, 'Azure.VMSS.AMA', 'Azure.VMSS.AutoInstanceRepairs']);
    expect(rulesOf({ agentPool: 'vmss', availabilityZones: ['1', '2'] })).toEqual([...design, 'Azure.VMSS.AMA', 'Azure.VMSS.AutoInstanceRepairs']);
    expect(rulesOf({ agentPool: 'vmss', availabilityZones: ['2'] })).toEqual([...design, 'Azure.Firewall.AvailabilityZones', 'Azure.VMSS.AvailabilityZone', 'Azure.VMSS.AMA', 'Azure.VMSS.AutoInstanceRepairs']);
    const answers = resolveOrThrow({ availabilityZones: [], bastion: true });
    const names = resourceNames(answers);
    expect(suppressions(answers, names).find((s) => s.rule === 'Azure.PublicIP.AvailabilityZone')?.targets).toEqual([names.firewallPublicIp, names.bastionPublicIp]);
    const nat = resolveOrThrow({ availabilityZones: [], bastion: true, egress: 'natGateway' });
    expect(suppressions(nat, resourceNames(nat)).find((s) => s.rule === 'Azure.PublicIP.AvailabilityZone')?.targets).toEqual([names.natPublicIp, names.bastionPublicIp]);
  });

  test('comment lines wrap at 100 characters without losing a word', () => {
    const text = EXCLUSIONS[0]!.reason;
    const lines = commentLines(text);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(lines.join(' ')).toBe(text.replace(/\s+/g, ' '));
  });
});
