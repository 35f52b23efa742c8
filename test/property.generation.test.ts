// Property-based generation: random VALID answer sets (test/helpers/arbitraries.ts) through the real
// resolve -> context -> render pipeline, checked in memory on every set, and through the real tools
// (kubectl kustomize, the Bicep compiler and linter, yamllint, shellcheck, git) on a sample drawn
// from the same seed.
//
//   PROPERTY_SEED=<n>   another seed (the default is fixed, so every run checks the same sets);
//   PROPERTY_RUNS=<n>   more sets (never fewer than 200).
// A failure prints the seed, the shrunk answer set and how to reproduce it; add that answer set to
// REGRESSIONS below so it stays a regular test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContext } from '../generators/core/plan/context.ts';
import { PATHS } from '../generators/core/plan/contracts.ts';
import type { Answers } from '../generators/core/answers/model.ts';
import { answersSchema } from '../generators/core/answers/options.ts';
import { templateRoot } from '../generators/core/support/paths.ts';
import { formatProblem } from '../generators/core/support/problems.ts';
import { renderTree } from '../generators/core/output/render.ts';
import { resolveAnswers } from '../generators/core/answers/resolve.ts';
import { answerSet, FOLDER_NAME } from './helpers/arbitraries.ts';
import { compileInfra, formatDiagnostics } from './helpers/bicep.ts';
import { writeFiles, type AnswerInput } from './helpers/generate.ts';
import { nameOf, overlaysOf, parseManifests, validateObject } from './helpers/k8s.ts';
import { parsePipelineYaml, pipelineWorkloads, validatePipelineTree } from './helpers/pipeline.ts';
import { runFromOneShell, type ShellCommand, type ShellRun } from './helpers/shell.ts';
import { toolOrSkip } from './helpers/tools.ts';

const DEFAULT_SEED = 20260427;
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : DEFAULT_SEED;
const RUNS = Math.max(200, Number(process.env.PROPERTY_RUNS ?? 200));
if (!Number.isSafeInteger(SEED)) throw new Error(`PROPERTY_SEED must be an integer, got ${process.env.PROPERTY_SEED}`);
/** Sets of the same seed that also go through the real tools. */
const SAMPLE_SIZE = 4;

/**
 * Answer sets a property once failed on (shrunk by fast-check), kept as regular cases: they run
 * through the in-memory checks and the real tools on every run, whatever the seed.
 */
const REGRESSIONS: Array<{ id: string; why: string; input: AnswerInput }> = [
  {
    id: 'cluster-only',
    why: "with no workloads the pipeline's workloads parameter had an empty (null) default, which its declared type object rejects",
    input: { name: 'a-a', environment: 'aa', agentPool: 'managedDevOpsPool', workloads: [], addressSpace: '10.42.0.0/16', serviceCidr: '172.16.0.0/16', podCidr: '192.168.0.0/16', bastion: false },
  },
];

const VERSION = '0.0.0-property';

interface Generated {
  input: AnswerInput;
  answers: Answers;
  files: Map<string, string>;
}

/** Resolves exactly as the generator does (answers-file layer); a set the arbitrary made must be valid. */
async function generate(input: AnswerInput): Promise<Generated> {
  const resolution = resolveAnswers({ file: input as Record<string, unknown>, folderName: FOLDER_NAME });
  if (!resolution.ok) throw new Error(`the arbitrary produced an invalid answer set:\n${resolution.problems.map(formatProblem).join('\n')}`);
  const files = await renderTree(templateRoot('app'), buildContext(resolution.answers, VERSION));
  return { input, answers: resolution.answers, files };
}

let answersValidator: ReturnType<Ajv['compile']> | undefined;

const TEXT_LEAKS = ['undefined', '[object Object]', 'NaN', '<%', '%>'];

/**
 * Results of the per-file checks by path and content: a file identical to one already checked (the
 * pipeline's templates, most namespaces) is not parsed again.
 */
const checkedFiles = new Map<string, string[]>();

/** The checks of one file on its own; [] when it passes. */
function fileProblems(path: string, text: string): string[] {
  const key = `${path}\0${text}`;
  const known = checkedFiles.get(key);
  if (known) return known;
  const problems: string[] = [];
  const add = (what: string, where = path) => problems.push(`${where}: ${what}`);
  // Text an expert would write: no rendering leftovers, clean whitespace, one final newline.
  for (const leak of TEXT_LEAKS) if (text.includes(leak)) add(`contains ${JSON.stringify(leak)}`);
  if (/[ \t]$/m.test(text)) add(`trailing whitespace on line ${text.split('\n').findIndex((l) => /[ \t]$/.test(l)) + 1}`);
  if (!text.endsWith('\n') || text.endsWith('\n\n')) add('does not end with exactly one newline');
  if (text.includes('\r')) add('contains a carriage return');
  if (text.includes('\n\n\n')) add('contains two blank lines in a row');
  try {
    if (path.startsWith('pipelines/') && path.endsWith('.yml')) {
      // The pipeline helper's strict parse (cached: validatePipelineTree parses the same files).
      parsePipelineYaml(text, path);
    } else if (/\.ya?ml$/.test(path)) {
      // Strict: YAML errors, warnings and duplicate keys all fail; every document is a mapping.
      const docs = parseManifests(text, path);
      if (docs.length === 0) add('holds no YAML document');
      if (path.startsWith('k8s/')) for (const doc of docs) for (const p of validateObject(doc)) add(p, `${path} ${nameOf(doc)}`);
    } else if (path.endsWith('.json')) {
      // bicepconfig.json is JSON with comments (the Bicep CLI reads it as such; the sample compiles with it).
      JSON.parse(path.endsWith('bicepconfig.json') ? text.replace(/^\s*\/\/.*$/gm, '') : text);
    } else if (path.endsWith('.env')) {
      for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) if (!/^[A-Za-z][A-Za-z0-9]*=[^\s=]+$/.test(line)) add(`not a KEY=value line: ${line}`);
    }
  } catch (error) {
    add((error as Error).message);
  }
  checkedFiles.set(key, problems);
  return problems;
}

/** Every check that runs in memory; [] when the tree passes. */
function inMemoryProblems({ input, answers, files }: Generated): string[] {
  const problems: string[] = [];
  const add = (where: string, what: string) => problems.push(`${where}: ${what}`);

  // The answers: the published schema accepts the set, the stored answers resolve to themselves
  // (a re-run reads them back from .yo-rc.json), and what was given is what was resolved.
  answersValidator ??= new Ajv({ allErrors: true, strict: false }).compile(answersSchema());
  if (!answersValidator(structuredClone(input))) add('answers.schema.json', JSON.stringify(answersValidator.errors));
  const stored = JSON.parse(JSON.stringify(answers)) as Record<string, unknown>;
  const again = resolveAnswers({ stored, folderName: 'another-folder' });
  if (!again.ok || JSON.stringify(again.answers) !== JSON.stringify(answers)) add('.yo-rc.json', 'the stored answers do not resolve to the same answers');
  for (const [key, value] of Object.entries(input)) {
    if (key !== 'workloads' && JSON.stringify(answers[key as keyof Answers]) !== JSON.stringify(value)) add(key, `given ${JSON.stringify(value)}, resolved ${JSON.stringify(answers[key as keyof Answers])}`);
  }

  for (const [path, text] of files) problems.push(...fileProblems(path, text));

  // The pipeline, expanded, against the Azure Pipelines schema (validators compiled once per process).
  try {
    for (const p of validatePipelineTree(files)) add(PATHS.pipeline, p);
    const listed = pipelineWorkloads(files.get(PATHS.pipeline)!).map((w) => `${String(w.namespace)}/${String(w.name)}`);
    const expected = answers.workloads.map((w) => `${w.namespace}/${w.name}`);
    if (JSON.stringify(listed) !== JSON.stringify(expected)) add(PATHS.pipeline, `lists workloads ${listed.join(', ')} instead of ${expected.join(', ')}`);
  } catch (error) {
    add(PATHS.pipeline, (error as Error).message);
  }

  // The pieces that must agree on the workload list.
  const infraWorkloads = JSON.parse(files.get(PATHS.infraWorkloads) ?? '[]') as Array<{ name?: string; namespace?: string }>;
  if (JSON.stringify(infraWorkloads.map((w) => `${w.namespace}/${w.name}`)) !== JSON.stringify(answers.workloads.map((w) => `${w.namespace}/${w.name}`))) {
    add(PATHS.infraWorkloads, `lists ${JSON.stringify(infraWorkloads)}`);
  }
  for (const w of answers.workloads) {
    const base = `k8s/base/workloads/${w.name}`;
    for (const file of ['deployment.yaml', 'service-account.yaml', 'kustomization.yaml']) if (!files.has(`${base}/${file}`)) add(`${base}/${file}`, 'missing');
    // A web workload has a Service; a worker accepts no connections and has none.
    if (files.has(`${base}/service.yaml`) !== (w.kind === 'web')) add(`${base}/service.yaml`, `present: ${files.has(`${base}/service.yaml`)}, kind: ${w.kind}`);
    if (files.has(`${base}/secret-provider-class.yaml`) !== w.secrets.length > 0) add(`${base}/secret-provider-class.yaml`, `present: ${files.has(`${base}/secret-provider-class.yaml`)}, secrets: ${w.secrets.length}`);
    if (!files.has(PATHS.workloadDeployValues(answers.environment, w.name))) add(PATHS.workloadDeployValues(answers.environment, w.name), 'missing');
  }
  const namespaces = [...files.keys()].flatMap((p) => /^k8s\/base\/namespaces\/([^/]+)\/namespace\.yaml$/.exec(p)?.[1] ?? []).sort();
  const expectedNamespaces = [...new Set(answers.workloads.map((w) => w.namespace))].sort();
  if (JSON.stringify(namespaces) !== JSON.stringify(expectedNamespaces)) add('k8s/base/namespaces', `${namespaces.join(', ')} instead of ${expectedNamespaces.join(', ')}`);
  return problems;
}

function reproduction(input: AnswerInput): string {
  return JSON.stringify(input, null, 2);
}

// ---------------------------------------------------------------------------------------------------
// The sample through the real tools.

/** Four sets of the seed that differ where the templates branch: agent kind, Bastion, most workloads, longest names. */
function pickSample(): AnswerInput[] {
  const candidates = fc.sample(answerSet, { seed: SEED, numRuns: 60 });
  const length = (s: AnswerInput) => s.workloads!.reduce((n, w) => Math.max(n, w.name!.length + (w.namespace ?? w.name!).length), 0) + s.name!.length;
  const criteria: Array<(s: AnswerInput) => number> = [
    (s) => Number(s.agentPool === 'vmss' && s.bastion === false),
    (s) => Number(s.agentPool === 'managedDevOpsPool' && s.bastion === true),
    (s) => s.workloads!.length,
    length,
  ];
  const picked: AnswerInput[] = [];
  for (const score of criteria) {
    const best = candidates.filter((c) => !picked.includes(c)).reduce((a, b) => (score(b) > score(a) ? b : a));
    picked.push(best);
  }
  return picked.slice(0, SAMPLE_SIZE);
}

const kubectl = toolOrSkip('kubectl');
const bicep = toolOrSkip('bicep');
const yamllintPath = toolOrSkip('yamllint');
const shellcheck = toolOrSkip('shellcheck');

interface Checked {
  id: string;
  input: AnswerInput;
  /** Why the set could not be generated or checked at all. */
  error?: string;
  generated: Generated;
  overlays: Map<string, number>;
  objectProblems: string[];
  bicep?: { diagnostics: string; paramDiagnostics: string; unformatted: string[] };
  yamllint?: string[];
  shellcheck?: string;
  ignored: string[];
}

const SAMPLE = [
  ...pickSample().map((input, i) => ({ id: `seed ${SEED} sample ${i + 1}`, input })),
  ...REGRESSIONS.map((r) => ({ id: `regression ${r.id}`, input: r.input })),
];
const checked = new Map<string, Checked>();
/** The folder holding every sampled tree (`<root>/s<i>`), removed after the sample's tests. */
let sampleRoot: string | undefined;

/**
 * Writes every sampled tree under one folder and runs the real tools on all of them at once: kubectl
 * kustomize on each overlay, and one yamllint, one shellcheck and one git over every tree (their
 * messages name the tree's folder, which maps them back); the Bicep compiler through the run's shared
 * `bicep jsonrpc` (helpers/bicep.ts).
 */
async function runSample(): Promise<Checked[]> {
  const root = mkdtempSync(join(tmpdir(), 'secure-aks-property-'));
  sampleRoot = root;
  const sets = await Promise.all(
    SAMPLE.map(async ({ id, input }, i) => {
      try {
        const generated = await generate(input);
        return { id, input, folder: `s${i}`, generated };
      } catch (error) {
        return { id, input, folder: `s${i}`, error: (error as Error).message };
      }
    }),
  );
  const trees = sets.filter((s): s is typeof s & { generated: Generated } => s.generated !== undefined);
  for (const { folder, generated } of trees) writeFiles(join(root, folder), generated.files);

  // Every tool run is started by one sh (helpers/shell.ts), not by a fork of this worker, in which the
  // 200-set property runs meanwhile.
  const commands: ShellCommand[] = [];
  const command = (argv: string[]) => commands.push({ argv }) - 1;
  const overlayRuns = trees.map(({ folder, generated }) =>
    kubectl ? overlaysOf(generated.files.keys()).map((overlay) => ({ overlay, run: command([kubectl, 'kustomize', `${folder}/${overlay}`]) })) : [],
  );
  // yamllint reads its configuration from the folder it runs in: the trees that emit the same
  // .yamllint.yaml are linted by one run given that configuration.
  const byConfig = Map.groupBy(trees, ({ generated }) => generated.files.get('.yamllint.yaml'));
  const yamllintRun = new Map<string, number>();
  if (yamllintPath) {
    for (const [config, group] of byConfig) {
      const folders = group.map((tree) => tree.folder);
      const run = command([yamllintPath, '--strict', '-f', 'parsable', ...(config === undefined ? [] : ['-c', `${folders[0]}/.yamllint.yaml`]), ...folders]);
      for (const folder of folders) yamllintRun.set(folder, run);
    }
  }
  const scripts = trees.flatMap(({ folder, generated }) => [...generated.files.keys()].filter((f) => f.endsWith('.sh')).map((f) => `${folder}/${f}`));
  const shellcheckRun = shellcheck && scripts.length ? command([shellcheck, '--format', 'gcc', ...scripts]) : undefined;
  // One repository over every tree: each tree's .gitignore applies to its own folder, as at a repository's root.
  const allFiles = trees.flatMap(({ folder, generated }) => [...generated.files.keys()].map((f) => `${folder}/${f}`));
  const gitRun = command(['sh', '-c', 'git init --quiet . && exec git check-ignore --no-index -- "$@"', 'git-check-ignore', ...allFiles]);

  const [runs, compiled] = await Promise.all([
    runFromOneShell(root, commands),
    Promise.all(trees.map(({ generated }) => (bicep ? compileInfra(generated.files) : undefined))),
  ]);

  /** The lines of a run's output that name a file of the tree, without the tree's folder. */
  const linesOf = (text: string, folder: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${folder}/`))
      .map((line) => line.slice(folder.length + 1));
  /** A tree's part of a run over every tree: the lines naming its files; a failure naming no tree's file is every tree's. */
  const shareOf = (run: ShellRun, folder: string): string[] => {
    if (run.exitCode === 0) return [];
    if (trees.some((tree) => linesOf(run.stdout, tree.folder).length > 0)) return linesOf(run.stdout, folder);
    return [`exited ${run.exitCode}: ${run.stdout}${run.stderr}`];
  };
  const git = runs[gitRun]!;
  // Exit 1: nothing is ignored.
  if (git.exitCode !== 0 && git.exitCode !== 1) throw new Error(`git check-ignore failed (${git.exitCode}): ${git.stderr}`);

  return sets.map((set): Checked => {
    if (!set.generated) return { id: set.id, input: set.input, error: set.error } as Checked;
    const { id, input, folder, generated } = set;
    const t = trees.findIndex((tree) => tree.folder === folder);
    const overlays = new Map(
      overlayRuns[t]!.map(({ overlay, run }) => {
        const { exitCode, stdout, stderr } = runs[run]!;
        if (exitCode !== 0) throw new Error(`kubectl kustomize ${join(root, folder, overlay)} failed (${exitCode}):\n${stderr}`);
        return [overlay, parseManifests(stdout, `kubectl kustomize ${join(root, folder, overlay)}`)];
      }),
    );
    const objectProblems = [...overlays.values()].flat().flatMap((o) => validateObject(o).map((p) => `${nameOf(o)}: ${p}`));
    const lint = yamllintRun.has(folder) ? runs[yamllintRun.get(folder)!]! : undefined;
    const shell = shellcheckRun === undefined ? undefined : runs[shellcheckRun]!;
    const result = compiled[t];
    return {
      id,
      input,
      generated,
      overlays: new Map([...overlays].map(([k, v]) => [k, v.length])),
      objectProblems,
      ...(result
        ? {
            bicep: {
              diagnostics: formatDiagnostics(result.diagnostics),
              paramDiagnostics: formatDiagnostics(result.paramDiagnostics),
              unformatted: [...result.unformatted.keys()],
            },
          }
        : {}),
      ...(lint ? { yamllint: shareOf(lint, folder) } : {}),
      ...(shell ? { shellcheck: shareOf(shell, folder).join('\n') } : {}),
      ignored: linesOf(git.stdout, folder),
    };
  });
}

// The real tools run in child processes: started before the first test, they work on the other core
// while the property runs in this one.
let sampleRun: Promise<Checked[]> | undefined;
beforeAll(() => {
  sampleRun = runSample();
  sampleRun.catch(() => undefined); // awaited (and reported) by the sample's own beforeAll
});
// The worker runs other test files after this one (isolate: false): the texts of the 200 sets' files,
// kept as keys of the per-file results, are not kept for them.
afterAll(() => checkedFiles.clear());

describe('property: random valid answer sets generate a valid repository', () => {
  it(`${RUNS} random answer sets (seed ${SEED}): the generator succeeds and every file parses and validates in memory`, async () => {
    const details = await fc.check(
      fc.asyncProperty(answerSet, async (input) => {
        const problems = inMemoryProblems(await generate(input));
        if (problems.length > 0) throw new Error(problems.slice(0, 20).join('\n'));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (details.failed) {
      const counterexample = details.counterexample?.[0] as AnswerInput | undefined;
      throw new Error(
        [
          `property failed with PROPERTY_SEED=${SEED} after ${details.numRuns} runs (${details.numShrinks} shrinks).`,
          `Reproduce: PROPERTY_SEED=${SEED} npx vitest run test/property.generation.test.ts`,
          'Shrunk answer set (add it to REGRESSIONS in test/property.generation.test.ts once fixed):',
          counterexample ? reproduction(counterexample) : '(none)',
          String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance),
        ].join('\n'),
      );
    }
    expect(details.numRuns).toBe(RUNS);
  }, 120_000);

  it('the arbitraries cover the space: workloads from 0 to 10, shared namespaces, both agent kinds, Bastion on and off, YAML look-alike names', () => {
    const sets = fc.sample(answerSet, { seed: SEED, numRuns: RUNS });
    // Every count from 0 to 10 is possible; any seed's 200 sets hold the ends and nearly all between.
    const counts = new Set(sets.map((s) => s.workloads!.length));
    expect(counts.has(0) && counts.has(10), [...counts].join()).toBe(true);
    expect(counts.size).toBeGreaterThanOrEqual(9);
    expect(sets.some((s) => new Set(s.workloads!.map((w) => w.namespace ?? w.name)).size < s.workloads!.length)).toBe(true);
    expect(new Set(sets.map((s) => s.agentPool))).toEqual(new Set(['managedDevOpsPool', 'vmss']));
    expect(new Set(sets.map((s) => s.bastion))).toEqual(new Set([true, false]));
    expect(sets.some((s) => ['on', 'no', 'yes', 'null', 'true', 'false', 'off'].includes(s.name!))).toBe(true);
    expect(sets.some((s) => s.workloads!.some((w) => w.secrets?.includes('-') || w.secrets?.includes('007')))).toBe(true);
  });
});

describe('property sample through the real tools', () => {
  beforeAll(async () => {
    for (const c of await sampleRun!) checked.set(c.id, c);
  }, 240_000);

  afterAll(() => {
    if (sampleRoot) rmSync(sampleRoot, { recursive: true, force: true });
  });

  describe.each(SAMPLE.map((s) => s.id))('%s', (id) => {
    const get = () => {
      const c = checked.get(id)!;
      if (c.error) throw new Error(`${c.error}\nanswers: ${reproduction(c.input)}`);
      return c;
    };
    const context = () => `answers: ${reproduction(get().input)}`;

    it('passes every in-memory check', () => {
      expect(inMemoryProblems(get().generated), context()).toEqual([]);
    });

    it.skipIf(!kubectl)('kubectl kustomize renders the overlay (every namespace and workload); every object validates', () => {
      const { overlays, objectProblems, generated } = get();
      const overlay = PATHS.kustomizeOverlay(generated.answers.environment);
      expect([...overlays.keys()]).toEqual([overlay]);
      const workloads = generated.answers.workloads.length;
      if (workloads > 0) expect(overlays.get(overlay), context()).toBeGreaterThan(workloads * 5);
      expect(objectProblems, context()).toEqual([]);
    });

    it.skipIf(!bicep)('the Bicep builds and lints clean, the .bicepparam builds, and every file is in bicep format form', () => {
      const result = get().bicep!;
      expect(result.diagnostics, context()).toBe('');
      expect(result.paramDiagnostics, context()).toBe('');
      expect(result.unformatted, context()).toEqual([]);
    });

    it.skipIf(!yamllintPath)('yamllint (strict, with the emitted .yamllint.yaml) is clean on the whole tree', () => {
      expect(get().yamllint, context()).toEqual([]);
    });

    it.skipIf(!shellcheck)('shellcheck is clean on every script', () => {
      expect(get().shellcheck, context()).toBe('');
    });

    it('the emitted .gitignore ignores none of the emitted files', () => {
      expect(get().ignored, context()).toEqual([]);
    });
  });
});
