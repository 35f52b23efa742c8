// The emitted Azure DevOps pipeline, for both agent kinds and for one and three workloads: strict YAML,
// the upstream Azure Pipelines schema (entry file, every template instantiation, the expanded run),
// yamllint, and what the expanded run actually does (pools, stages, workloads, image tags, sign-in).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../generators/core/plan/contracts.ts';
import { renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import {
  expandPipeline,
  parsePipelineYaml,
  pipelineJobs,
  pipelineWorkloads,
  PIPELINE_ENTRY,
  pipelineValidators,
  taskNames,
  validatePipelineTree,
  validatorsFor,
  valuesOfKey,
  type PipelineJob,
} from './helpers/pipeline.ts';
import { toolOrSkip } from './helpers/tools.ts';

const run = promisify(execFile);
const yamllintPath = toolOrSkip('yamllint');
/** The brief's config when the generated repository has no .yamllint of its own. */
const YAMLLINT_DEFAULT = '{extends: default, rules: {line-length: {max: 160}}}';

const THREE = [
  { name: 'orders-api' },
  { name: 'web', namespace: 'frontend', port: 9000 },
  { name: 'billing', namespace: 'payments', replicas: 3, secrets: [] },
];

const CASES: Array<{ label: string; answers: AnswerInput }> = [
  { label: 'managedDevOpsPool, 1 workload', answers: { agentPool: 'managedDevOpsPool' } },
  { label: 'managedDevOpsPool, 3 workloads', answers: { agentPool: 'managedDevOpsPool', workloads: THREE, kubernetesVersion: '1.34.2' } },
  { label: 'vmss, 1 workload', answers: { agentPool: 'vmss', name: 'shop', environment: 'prod', adoProject: 'Line of Business' } },
  { label: 'vmss, 3 workloads', answers: { agentPool: 'vmss', workloads: THREE, agentPoolName: 'agents-shared', serviceConnection: 'azure.rm_prod-1' } },
];

type Obj = Record<string, unknown>;

interface Case {
  rendered: Rendered;
  pipelineFiles: Map<string, string>;
  expanded: Obj;
  jobs: PipelineJob[];
  yamllint: { code: number; output: string };
}

const cases = new Map<string, Case>();
const dirs: string[] = [];

async function yamllint(files: Map<string, string>): Promise<{ code: number; output: string }> {
  const dir = writeTree(files, 'secure-aks-pipeline-');
  dirs.push(dir);
  const own = [...files.keys()].find((p) => /^\.yamllint(\.ya?ml)?$/.test(p));
  const config = own ? ['-c', own] : ['-d', YAMLLINT_DEFAULT];
  try {
    const { stdout } = await run(yamllintPath!, ['-f', 'parsable', ...config, 'pipelines'], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: `${e.stdout}${e.stderr}` };
  }
}

beforeAll(async () => {
  await Promise.all(
    CASES.map(async ({ label, answers }) => {
      const rendered = await renderRepository(answers);
      const pipelineFiles = new Map([...rendered.files].filter(([p]) => p.startsWith('pipelines/') && p.endsWith('.yml')));
      const withConfig = new Map([...pipelineFiles, ...[...rendered.files].filter(([p]) => /^\.yamllint(\.ya?ml)?$/.test(p))]);
      const { pipeline } = expandPipeline(rendered.files);
      cases.set(label, {
        rendered,
        pipelineFiles,
        expanded: pipeline,
        jobs: pipelineJobs(pipeline),
        yamllint: yamllintPath ? await yamllint(withConfig) : { code: -1, output: 'yamllint missing' },
      });
    }),
  );
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `$(name)` resolved through the pipeline's variables (predefined variables stay as they are). */
function resolveMacro(pipeline: Obj, value: unknown): unknown {
  const variables = new Map(((pipeline.variables ?? []) as Obj[]).map((v) => [v.name as string, v.value]));
  let current = value;
  for (let i = 0; i < 5 && typeof current === 'string'; i++) {
    const m = /^\$\(([A-Za-z0-9_.]+)\)$/.exec(current);
    if (!m || !variables.has(m[1]!)) break;
    current = variables.get(m[1]!);
  }
  return current;
}

const azureCliSteps = (job: PipelineJob) => job.steps.filter((s) => s.task === 'AzureCLI@2');
const scriptOf = (step: Obj) => String((step.inputs as Obj | undefined)?.inlineScript ?? step.bash ?? step.script ?? '');
const envOf = (step: Obj) => (step.env ?? {}) as Record<string, string>;

describe.each(CASES.map((c) => c.label))('pipeline: %s', (label) => {
  const get = () => cases.get(label)!;

  it('emits the entry file and its templates, each parsing as strict YAML', () => {
    const { pipelineFiles } = get();
    expect([...pipelineFiles.keys()].sort()).toEqual([
      'pipelines/azure-pipelines.yml',
      'pipelines/templates/jobs/build-image.yml',
      'pipelines/templates/stages/build.yml',
      'pipelines/templates/stages/deploy.yml',
      'pipelines/templates/stages/infra.yml',
      'pipelines/templates/stages/validate.yml',
      'pipelines/templates/steps/infra-outputs.yml',
    ]);
    for (const [path, text] of pipelineFiles) expect(() => parsePipelineYaml(text, path)).not.toThrow();
  });

  it('validates against the Azure Pipelines schema: entry file, every template as used, and the expanded run', () => {
    expect(validatePipelineTree(get().rendered.files)).toEqual([]);
  });

  it('uses every template it ships', () => {
    const { rendered, pipelineFiles } = get();
    const used = new Set(expandPipeline(rendered.files).uses.map((u) => u.path));
    expect([...pipelineFiles.keys()].filter((p) => p !== PIPELINE_ENTRY && !used.has(p))).toEqual([]);
  });

  it.skipIf(!yamllintPath)('is yamllint-clean (no errors and no warnings)', () => {
    expect(get().yamllint).toEqual({ code: 0, output: '' });
  });

  it('runs every job on the self-hosted pool by name, never on a Microsoft-hosted image', () => {
    const { rendered, pipelineFiles, expanded, jobs } = get();
    for (const text of pipelineFiles.values()) expect(text).not.toMatch(/vmImage/i);
    expect(valuesOfKey(expanded, 'vmImage')).toEqual([]);
    expect(jobs.length).toBe(3 + rendered.answers.workloads.length);
    for (const job of jobs) expect(job.pool, `${job.stage}/${job.id}`).toEqual({ name: rendered.answers.agentPoolName });
    // No pool anywhere else (stage level, deployment hooks) that could override the job's.
    expect(valuesOfKey(expanded, 'pool')).toHaveLength(jobs.length);
  });

  it('has the stages Validate, Infra, Build and Deploy in order, each depending on the one before', () => {
    const stages = get().expanded.stages as Obj[];
    expect(stages.map((s) => s.stage)).toEqual(['Validate', 'Infra', 'Build', 'Deploy']);
    expect(stages.map((s) => s.dependsOn)).toEqual([[], 'Validate', 'Infra', 'Build']);
    for (const stage of stages.slice(1)) expect(stage.condition).toMatch(/ne\(variables\['Build\.Reason'\], 'PullRequest'\)/);
  });

  it('lists exactly the answered workloads, and builds and rolls out each of them', () => {
    const { rendered, jobs } = get();
    const workloads = rendered.answers.workloads.map((w) => ({ name: w.name, namespace: w.namespace }));
    expect(pipelineWorkloads(rendered.files.get(PIPELINE_ENTRY)!)).toEqual(workloads);

    const build = jobs.filter((j) => j.stage === 'Build');
    expect(build.map((j) => envOf(azureCliSteps(j).at(-1)!).WORKLOAD)).toEqual(workloads.map((w) => w.name));
    for (const job of [...jobs]) expect(job.id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(new Set(build.map((j) => j.id)).size).toBe(build.length);

    const deploy = jobs.find((j) => j.stage === 'Deploy')!;
    const rollouts = azureCliSteps(deploy).filter((s) => /kubectl rollout status "deployment\/\$WORKLOAD" --namespace "\$NAMESPACE"/.test(scriptOf(s)));
    expect(rollouts.map((s) => ({ name: envOf(s).WORKLOAD, namespace: envOf(s).NAMESPACE }))).toEqual(workloads);
  });

  it('tags images with the build ID, never latest', () => {
    const { pipelineFiles, expanded, jobs } = get();
    for (const text of pipelineFiles.values()) expect(text).not.toMatch(/\blatest\b/i);
    const tagged = jobs.flatMap((j) => j.steps).filter((s) => /docker push|--image-tag/.test(scriptOf(s)));
    expect(tagged.length).toBe(jobs.filter((j) => j.stage === 'Build').length + 1);
    for (const step of tagged) expect(resolveMacro(expanded, envOf(step).IMAGE_TAG)).toMatch(/^\$\(Build\.(BuildId|SourceVersion)\)$/);
    for (const step of tagged.filter((s) => /docker push/.test(scriptOf(s)))) {
      expect(scriptOf(step)).toContain('image="$ACR_LOGIN_SERVER/$WORKLOAD:$IMAGE_TAG"');
    }
  });

  it('reaches Azure only through the workload identity federation service connection', () => {
    const { rendered, jobs } = get();
    const steps = jobs.flatMap(azureCliSteps);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect((step.inputs as Obj).azureSubscription).toBe(rendered.answers.serviceConnection);
    // Only AzureCLI@2 steps sign in to Azure; plain scripts call no az command that needs a sign-in.
    for (const step of jobs.flatMap((j) => j.steps).filter((s) => 'bash' in s)) expect(scriptOf(step)).not.toMatch(/az (deployment|acr|aks|account)/);
  });

  it('validates with scripts/validate.sh (bicep lint, build-params; kubectl kustomize with the pinned kubectl), then what-if', () => {
    const { rendered, jobs } = get();
    const validate = jobs.filter((j) => j.stage === 'Validate');
    expect(validate.map((j) => j.kind)).toEqual(['job']);
    const steps = validate[0]!.steps;
    const kubectl = steps.findIndex((s) => s.task === 'KubectlInstaller@0');
    const checks = steps.findIndex((s) => scriptOf(s).trim() === `bash ${PATHS.validateScript} --timeout 600`);
    expect(kubectl).toBeGreaterThan(0);
    expect(checks, 'the offline checks run after kubectl is installed').toBeGreaterThan(kubectl);
    expect((steps[kubectl]!.inputs as Obj).kubectlVersion).toBe(rendered.ctx.pipeline.kubectlVersion);
    expect(rendered.files.has(PATHS.validateScript)).toBe(true);
    const scripts = steps.map(scriptOf).join('\n');
    expect(scripts).toMatch(/az deployment group what-if \\\n\s+--resource-group "\$RESOURCE_GROUP"/);
    const whatIf = azureCliSteps(validate[0]!).at(-1)!;
    expect(envOf(whatIf)).toEqual({
      RESOURCE_GROUP: rendered.ctx.names.resourceGroup,
      TEMPLATE_FILE: rendered.ctx.paths.mainBicep,
      PARAMETERS_FILE: rendered.ctx.paths.bicepParams(rendered.answers.environment),
    });
  });

  it('deploys the Bicep as the named deployment from a deployment job on the infra environment', () => {
    const { rendered, jobs } = get();
    const infra = jobs.filter((j) => j.stage === 'Infra');
    expect(infra.map((j) => [j.kind, j.job.environment])).toEqual([['deployment', { name: rendered.ctx.pipeline.environments.infra }]]);
    const step = azureCliSteps(infra[0]!)[0]!;
    expect(scriptOf(step)).toMatch(/az deployment group create \\\n\s+--resource-group "\$RESOURCE_GROUP" \\\n\s+--name "\$DEPLOYMENT"/);
    expect(envOf(step)).toMatchObject({ RESOURCE_GROUP: rendered.ctx.names.resourceGroup, DEPLOYMENT: rendered.ctx.names.deployment });
  });

  it('builds with az acr login and docker build/push to the private registry, never az acr build', () => {
    const { jobs } = get();
    for (const job of jobs.filter((j) => j.stage === 'Build')) {
      expect(job.kind).toBe('job');
      const script = scriptOf(azureCliSteps(job).at(-1)!);
      expect(script).toContain('az acr login --name "$ACR_NAME"');
      expect(script).toMatch(/docker build[\s\S]*--tag "\$image"[\s\S]*"src\/\$WORKLOAD"/);
      expect(script).toContain('docker push "$image"');
      expect(script).not.toMatch(/az acr build/);
    }
  });

  it('deploys with the deploy-time values, kubelogin (azurecli, never --admin) and the overlay, on the workloads environment', () => {
    const { rendered, jobs, pipelineFiles } = get();
    for (const text of pipelineFiles.values()) expect(text).not.toMatch(/--admin|useClusterAdmin:\s*true/);
    const deploy = jobs.filter((j) => j.stage === 'Deploy');
    expect(deploy.map((j) => [j.kind, j.job.environment])).toEqual([['deployment', { name: rendered.ctx.pipeline.environments.workloads }]]);
    const tasks = deploy[0]!.steps.map((s) => s.task ?? Object.keys(s)[0]);
    // Outputs, the built digests, the check that each tag is that digest, then the apply.
    expect(tasks.slice(0, 7)).toEqual(['checkout', 'KubectlInstaller@0', 'KubeloginInstaller@0', 'AzureCLI@2', 'download', 'AzureCLI@2', 'AzureCLI@2']);
    expect(deploy[0]!.steps[4]).toMatchObject({ download: 'current', patterns: 'image-*/*.digest' });
    const check = azureCliSteps(deploy[0]!)[1]!;
    expect(scriptOf(check)).toMatch(/az acr repository show --name "\$ACR_NAME" --image "\$workload:\$IMAGE_TAG" --query digest/);
    expect(envOf(check)).toMatchObject({ DIGESTS: '$(Pipeline.Workspace)/image-*/*.digest', WORKLOAD_COUNT: rendered.answers.workloads.length });
    const apply = azureCliSteps(deploy[0]!)[2]!;
    const script = scriptOf(apply);
    // The overlay's parts one by one, in the order their folders sort: platform (namespaces, gateway) first.
    const order = ['write-deploy-values.sh', 'az aks get-credentials', 'kubelogin convert-kubeconfig --login azurecli', 'for part in "$OVERLAY"/parts/*/; do', 'kubectl apply --kustomize "$part"'];
    const positions = order.map((s) => script.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(script).toContain(`bash ${rendered.ctx.paths.writeDeployValues} "$(basename "$OVERLAY")" \\`);
    expect(script).not.toContain('kubectl apply --kustomize "$OVERLAY"\n');
    const partNames = rendered.ctx.k8s.parts.map((p) => p.name);
    expect(partNames[0]).toBe('platform');
    expect([...partNames].sort(), 'the glob applies the parts in the order the overlay lists them').toEqual(partNames);
    expect(envOf(apply)).toMatchObject({
      RESOURCE_GROUP: rendered.ctx.names.resourceGroup,
      DEPLOYMENT: rendered.ctx.names.deployment,
      OVERLAY: rendered.ctx.paths.kustomizeOverlay(rendered.answers.environment),
    });
    const kubectl = deploy[0]!.steps.find((s) => s.task === 'KubectlInstaller@0')!;
    const minor = rendered.answers.kubernetesVersion.split('.').slice(0, 2).join('.');
    expect((kubectl.inputs as Obj).kubectlVersion).toMatch(new RegExp(`^${minor.replace('.', '\\.')}\\.\\d+$`));
  });

  it('refers only to files the repository contains', () => {
    const { rendered } = get();
    const { ctx, files } = rendered;
    expect(files.has(ctx.paths.mainBicep)).toBe(true);
    expect(files.has(ctx.paths.bicepParams(rendered.answers.environment))).toBe(true);
    expect(files.has(ctx.paths.writeDeployValues)).toBe(true);
    expect(files.has(`${ctx.paths.kustomizeOverlay(rendered.answers.environment)}/kustomization.yaml`)).toBe(true);
    for (const w of rendered.answers.workloads) expect(files.has(`${ctx.paths.workloadSource(w.name)}/Dockerfile`)).toBe(true);
  });
});

describe('the pipeline checks catch what Azure Pipelines would reject', () => {
  const base = () => new Map(cases.get(CASES[1]!.label)!.rendered.files);
  const edit = (files: Map<string, string>, path: string, from: string | RegExp, to: string) => {
    const before = files.get(path)!;
    const after = before.replace(from, to);
    expect(after, `${path}: ${String(from)} not found`).not.toBe(before);
    files.set(path, after);
    return files;
  };

  it('a task name in the wrong case, an unknown task input or a misplaced key fails the schema', () => {
    const wrongCase = edit(base(), 'pipelines/templates/stages/infra.yml', 'task: AzureCLI@2', 'task: azurecli@2');
    expect(validatePipelineTree(wrongCase).join('\n')).toMatch(/infra\.yml \(instantiated\)/);
    const badInput = edit(base(), 'pipelines/templates/steps/infra-outputs.yml', 'scriptType: bash', 'scriptType: sh');
    expect(validatePipelineTree(badInput).join('\n')).toMatch(/infra-outputs\.yml \(instantiated\)/);
    const misplaced = edit(base(), 'pipelines/templates/stages/validate.yml', '    dependsOn: []\n', '    dependsOn: []\n    steps: []\n');
    expect(validatePipelineTree(misplaced)).not.toEqual([]);
  });

  it('undeclared, missing or mistyped template parameters fail the expansion', () => {
    const unknown = edit(base(), PIPELINE_ENTRY, '      overlay: ', '      overlays: ');
    expect(() => expandPipeline(unknown)).toThrow(/unexpected parameters overlays/);
    const missing = edit(base(), PIPELINE_ENTRY, /\n {6}kubeloginVersion: [^\n]+/, '');
    expect(() => expandPipeline(missing)).toThrow(/parameter kubeloginVersion is required/);
    const mistyped = edit(base(), PIPELINE_ENTRY, '      kubectlVersion: "', '      kubectlVersion: ["');
    expect(() => expandPipeline(edit(mistyped, PIPELINE_ENTRY, /kubectlVersion: (\["[^"]+")/, 'kubectlVersion: $1]'))).toThrow(/declared string/);
  });

  it('checks a tree against the schema without the tasks the tree does not use, with the whole schema\'s verdict', () => {
    const { pipeline } = expandPipeline(base());
    /** The expanded pipeline with its first AzureCLI@2 step replaced by `step`. */
    const withStep = (step: unknown) => {
      const copy = structuredClone(pipeline);
      let done = false;
      const visit = (value: unknown): void => {
        if (done || typeof value !== 'object' || value === null) return;
        const list = Array.isArray(value) ? value : Object.values(value);
        for (const [i, item] of list.entries()) {
          if (Array.isArray(value) && (item as { task?: unknown } | null)?.task === 'AzureCLI@2') {
            value[i] = step;
            done = true;
            return;
          }
          visit(item);
        }
      };
      visit(copy);
      expect(done).toBe(true);
      return copy;
    };
    const variants: Array<[string, unknown, boolean]> = [
      ['as generated', pipeline, true],
      ['a task it does not use otherwise (Bash@3)', withStep({ task: 'Bash@3', inputs: { targetType: 'inline', script: 'true' } }), true],
      ['an input value that task rejects', withStep({ task: 'Bash@3', inputs: { targetType: 'script' } }), false],
      ['an input AzureCLI@2 does not have', withStep({ task: 'AzureCLI@2', inputs: { scriptType: 'bash', scriptLocation: 'inlineScript', inlineScript: 'true', shell: 'bash' } }), false],
      ['a task the schema does not know', withStep({ task: 'NoSuchTask@1' }), false],
      ['a task name that is not a string', withStep({ task: 2 }), false],
    ];
    const whole = pipelineValidators().pipeline;
    for (const [label, doc, valid] of variants) {
      expect(whole(structuredClone(doc)), `${label}: the whole schema`).toBe(valid);
      expect(validatorsFor(taskNames(doc)).pipeline(structuredClone(doc)), `${label}: the schema for its tasks`).toBe(valid);
    }
    // The pruning is real: validators for the generated pipeline's own tasks reject a step of another
    // task that the whole schema accepts, which is why the names come from the document checked.
    expect(taskNames(pipeline)?.has('Bash@3')).toBe(false);
    expect(validatorsFor(taskNames(pipeline)).pipeline(structuredClone(variants[1]![1]))).toBe(false);
    expect(taskNames({ steps: [{ task: 'A@1' }, { inputs: { task: 'B@2' } }] })).toEqual(new Set(['A@1', 'B@2']));
    expect(taskNames({ steps: [{ task: 'A@1' }, { task: ['B@2'] }] })).toBeUndefined();
  });

  it('a duplicate key fails the strict parse', () => {
    const duplicate = edit(base(), 'pipelines/templates/stages/build.yml', '    displayName: Build images\n', '    displayName: Build images\n    displayName: Again\n');
    expect(() => validatePipelineTree(duplicate)).toThrow(/build\.yml.*[Mm]ap keys must be unique/);
  });
});
