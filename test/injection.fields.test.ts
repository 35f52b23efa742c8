// Every payload of test/corpus/injection-payloads.ts in every string the answers model takes (each
// string field of FIELDS, each list field's items, and a workload's name, namespace and secrets):
// either resolve rejects it with a problem on that very key whose message shows the value and the
// field's own rule, or the generated repository carries it as inert data. Inert means: rendered with
// the payload, every YAML file (read as YAML 1.2 and as YAML 1.1, as Kubernetes and Azure Pipelines
// read it), JSON file and .env file parses to exactly what it parses to with a harmless token in that
// place, the token replaced by the payload (same structure, same types, same values elsewhere);
// Markdown keeps its table structure; shell scripts stay valid; and infra/ compiles with the real
// Bicep CLI with the payload in the ARM JSON as a string.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FIELDS, WORKLOAD_FIELDS, type Field } from '../generators/core/answers/model.ts';
import { formatProblem, showValue, type Problem } from '../generators/core/support/problems.ts';
import { resolveAnswers } from '../generators/core/answers/resolve.ts';
import { basicString } from '../generators/core/answers/rules.ts';
import { ALL_PAYLOADS } from './corpus/injection-payloads.ts';
import { renderRepository, writeFiles, type AnswerInput } from './helpers/generate.ts';
import { closeBicep, compileInfra, type CompiledInfra } from './helpers/bicep.ts';
import { toolOrSkip } from './helpers/tools.ts';

/**
 * `bash -c CHECK_SCRIPTS check file...` parses each file (bash -n), writes its messages to file.err
 * and prints the names of those that do not parse, each followed by a NUL. One bash for every script:
 * a fork of bash is cheap, a fork of the (large) test worker is not. (helpers/shell.ts's
 * runFromOneShell gives each command a subshell and three files: about 2 s more CPU for this file.)
 */
const CHECK_SCRIPTS = 'for f; do bash -n "$f" 2>"$f.err" || printf "%s\\0" "$f"; done';

/** Each script's `bash -n` messages by its index in `scripts` (absent: it parses). */
async function unparsedScripts(scripts: string[]): Promise<Map<number, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'secure-aks-scripts-'));
  try {
    writeFiles(dir, scripts.map((text, i) => [`${i}.sh`, text]));
    const files = scripts.map((_, i) => join(dir, `${i}.sh`));
    const { stdout } = await execa('bash', ['-c', CHECK_SCRIPTS, 'check', ...files]);
    const failed = new Map<number, string>();
    for (const file of stdout.split('\0').filter(Boolean)) failed.set(files.indexOf(file), readFileSync(`${file}.err`, 'utf8'));
    return failed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Valid answers in which each target below replaces one value. */
const BASE: AnswerInput = {
  name: 'contoso',
  environment: 'dev',
  acrName: 'crcontosodev01',
  keyVaultName: 'kv-contoso-dev',
  adoProject: 'Contoso',
  serviceConnection: 'sc-contoso-dev',
  agentPoolName: 'pool-contoso-dev',
  adoOrganizationUrl: 'https://dev.azure.com/contoso',
  workloads: [{ name: 'api', namespace: 'apps', secrets: ['db-password'] }],
};

interface Target {
  /** The problem key a rejected value must be reported under. */
  key: string;
  /** Puts the value in place in a copy of the answers. */
  set: (input: AnswerInput, value: string) => void;
  /** The base answers with this one value replaced. */
  with: (value: string) => AnswerInput;
  /** The rule text the field's own rule gives for a value, when the field has a rule of its own. */
  rule?: (value: string) => string | undefined;
  /** A harmless value valid for this target, found nowhere else in the output. */
  token: string;
}

function target(key: string, set: Target['set'], token: string, rule?: Target['rule']): Target {
  const with_ = (value: string) => {
    const input = structuredClone(BASE);
    set(input, value);
    return input;
  };
  return { key, set, with: with_, token, ...(rule ? { rule } : {}) };
}

const values = (input: AnswerInput) => input as Record<string, unknown>;
const firstWorkload = (input: AnswerInput) => input.workloads![0] as Record<string, unknown>;

const TARGETS: Target[] = [
  ...(FIELDS as readonly Field[])
    .filter((f) => f.kind === 'string')
    .map((f, i) =>
      target(
        f.key,
        (input, value) => void (values(input)[f.key] = value),
        `qzxq${'abcdefghijklmnopqrstuvwxyz'[i]}`,
        f.rule ? (v) => basicString(v) ?? (f.rule as (x: string) => string | undefined)(v) : undefined,
      ),
    ),
  ...(FIELDS as readonly Field[])
    .filter((f) => f.kind === 'list')
    .map((f) => target(`${f.key}[0]`, (input, value) => void (values(input)[f.key] = [value]), 'qzxqlist', f.itemRule ? (v) => basicString(v) ?? f.itemRule!(v) : undefined)),
  target('workloads[0].name', (input, v) => void (firstWorkload(input).name = v), 'qzxqwl', WORKLOAD_FIELDS.name.rule),
  target('workloads[0].namespace', (input, v) => void (firstWorkload(input).namespace = v), 'qzxqns', WORKLOAD_FIELDS.namespace.rule),
  target('workloads[0].secrets[0]', (input, v) => void (firstWorkload(input).secrets = [v]), 'qzxqsecret', WORKLOAD_FIELDS.secrets.rule),
];

const problemsOf = (input: AnswerInput): Problem[] => {
  const resolution = resolveAnswers({ file: input as Record<string, unknown>, folderName: 'contoso' });
  return resolution.ok ? [] : resolution.problems;
};

// --- comparing two renders ----------------------------------------------------------------------------

/** `value` with every occurrence of `token` in its strings and keys replaced by `payload`. */
function substitute(value: unknown, token: string, payload: string): unknown {
  if (typeof value === 'string') return value.replaceAll(token, payload);
  if (Array.isArray(value)) return value.map((v) => substitute(v, token, payload));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll(token, payload), substitute(v, token, payload)]));
  }
  return value;
}

const parsedYaml = new Map<string, unknown[]>();

/** Every document of a YAML file as data (cached by text: a baseline is compared with many payloads). */
function yamlData(text: string, version: '1.1' | '1.2', file: string): unknown[] {
  const key = `${version}\0${text}`;
  if (!parsedYaml.has(key)) parsedYaml.set(key, parseYaml(text, version, file));
  return parsedYaml.get(key)!;
}

function parseYaml(text: string, version: '1.1' | '1.2', file: string): unknown[] {
  const docs = parseAllDocuments(text, { strict: true, uniqueKeys: true, prettyErrors: false, version });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  const errors = docs.flatMap((d) => [...d.errors, ...d.warnings]).map((e) => `${file} (YAML ${version}): ${e.message}`);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return docs.map((d) => d.toJS({ maxAliasCount: -1 }));
}

/** bicepconfig.json is JSON with comments; it holds no answer. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function envData(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** What a Markdown reader's layout depends on: lines, table cells, raw HTML openers. */
function markdownShape(text: string): string[] {
  return text.split('\n').map((line) => {
    const plain = line.replace(/\\./g, '').replace(/`[^`]*`/g, '');
    return `${plain.split('|').length}:${(plain.match(/</g) ?? []).length}`;
  });
}

/** The differences between the payload's render and the token's render with the token replaced. */
function compareRenders(baseline: Map<string, string>, actual: Map<string, string>, token: string, payload: string): string[] {
  const problems: string[] = [];
  const expectedPaths = [...baseline.keys()].map((p) => p.replaceAll(token, payload)).sort();
  if (JSON.stringify(expectedPaths) !== JSON.stringify([...actual.keys()].sort())) {
    return [`file set differs: ${JSON.stringify(expectedPaths.filter((p) => !actual.has(p)))} vs ${JSON.stringify([...actual.keys()].filter((p) => !expectedPaths.includes(p)))}`];
  }
  for (const [path, text] of baseline) {
    const target = path.replaceAll(token, payload);
    const got = actual.get(target)!;
    // A file the token does not reach is the same text in both renders: nothing to compare.
    if (!text.includes(token) && got === text) continue;
    try {
      if (/\.ya?ml$/.test(path)) {
        for (const version of ['1.2', '1.1'] as const) {
          const want = substitute(yamlData(text, version, path), token, payload);
          const have = yamlData(got, version, target);
          if (JSON.stringify(have) !== JSON.stringify(want)) problems.push(`${target} (YAML ${version}) parses to other data than the token's render`);
        }
      } else if (path.endsWith('.json') && isJson(text)) {
        if (JSON.stringify(JSON.parse(got)) !== JSON.stringify(substitute(JSON.parse(text), token, payload))) problems.push(`${target}: other JSON data`);
      } else if (path.endsWith('.env')) {
        if (JSON.stringify(envData(got)) !== JSON.stringify(substitute(envData(text), token, payload))) problems.push(`${target}: other .env entries`);
      } else if (path.endsWith('.md')) {
        if (JSON.stringify(markdownShape(got)) !== JSON.stringify(markdownShape(text))) problems.push(`${target}: Markdown lines, table cells or HTML changed`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

// --- the matrix -------------------------------------------------------------------------------------

interface Accepted {
  target: Target;
  payload: string;
}

const accepted: Accepted[] = [];
const rejected: Array<{ target: Target; payload: string; problems: Problem[] }> = [];
for (const target of TARGETS) {
  for (const payload of ALL_PAYLOADS) {
    const problems = problemsOf(target.with(payload));
    if (problems.length === 0) accepted.push({ target, payload });
    else rejected.push({ target, payload, problems });
  }
}

describe('payloads in every string answer', () => {
  it('the base answers and every token are valid, and tokens are unique', () => {
    expect(problemsOf(BASE).map(formatProblem)).toEqual([]);
    for (const target of TARGETS) {
      if (accepted.some((a) => a.target === target)) expect(problemsOf(target.with(target.token)).map(formatProblem), target.key).toEqual([]);
    }
  });

  // One test per target (not per payload): the matrix has well over a thousand rejected pairs.
  it.each(TARGETS.map((t) => [t.key, t] as const))('%s: each rejected payload is reported on that key, with the value and its rule', (key, target) => {
    const mismatches: string[] = [];
    for (const { payload, problems } of rejected.filter((r) => r.target === target)) {
      const own = problems.filter((p) => p.key === key);
      if (own.length === 0) mismatches.push(`${JSON.stringify(payload)}: no problem on ${key}, only ${problems.map(formatProblem).join('; ')}`);
      for (const problem of own) {
        if (problem.rule.length <= 8) mismatches.push(`${JSON.stringify(payload)}: rule too vague: ${problem.rule}`);
        if (formatProblem(problem) !== `${key} ${showValue(payload)}: ${problem.rule}`) mismatches.push(`${JSON.stringify(payload)}: message does not show key and value: ${formatProblem(problem)}`);
        if (target.rule && !/duplicates|overlaps/.test(problem.rule) && problem.rule !== target.rule(payload)) mismatches.push(`${JSON.stringify(payload)}: not the field's rule: ${problem.rule}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  describe('accepted payloads come out as data', () => {
    /** Per accepted payload: how its render differs from its target's token render, and its scripts that no longer parse. */
    const outcomes = new Map<Accepted, { differences: string[]; scripts: string[] }>();

    beforeAll(async () => {
      const baselines = new Map<Target, Map<string, string>>();
      const scripts: Array<{ outcome: { scripts: string[] }; path: string; text: string }> = [];
      for (const a of accepted) {
        const { target, payload } = a;
        if (!baselines.has(target)) baselines.set(target, (await renderRepository(target.with(target.token))).files);
        const rendered = await renderRepository(target.with(payload));
        const outcome = { differences: compareRenders(baselines.get(target)!, rendered.files, target.token, payload), scripts: [] as string[] };
        outcomes.set(a, outcome);
        for (const [path, text] of rendered.files) if (path.endsWith('.sh') && text.includes(payload)) scripts.push({ outcome, path, text });
      }
      scriptsChecked = scripts.length;
      for (const [i, message] of await unparsedScripts(scripts.map((s) => s.text))) scripts[i]!.outcome.scripts.push(`${scripts[i]!.path} is no longer valid shell: ${message}`);
    }, 300_000);
    let scriptsChecked = 0;

    it('some payloads are accepted, and some reach a script (otherwise this checks nothing)', () => {
      expect(accepted.length).toBeGreaterThan(20);
      expect(scriptsChecked).toBeGreaterThan(0);
    });

    it('the script check finds a script that no longer parses, among several', async () => {
      const failed = await unparsedScripts(['echo ok\n', 'if true; then\n  echo "unclosed\nfi\n', "printf '%s' x\n"]);
      expect([...failed.keys()]).toEqual([1]);
      expect(failed.get(1)).toMatch(/unexpected EOF|syntax error/);
    });

    it.each(accepted.map((a) => [a.target.key, JSON.stringify(a.payload), a] as const))('%s = %s', (_, __, a) => {
      const outcome = outcomes.get(a);
      expect(outcome, 'rendered in beforeAll').toBeDefined();
      expect(outcome!.differences).toEqual([]);
      expect(outcome!.scripts).toEqual([]);
    });
  });
});

// --- Bicep --------------------------------------------------------------------------------------------

const bicepPath = toolOrSkip('bicep');

/** Answers that carry, at once, one accepted payload in every target that accepts any. */
function combined(): { input: AnswerInput; placed: Accepted[] } {
  const input: AnswerInput = structuredClone(BASE);
  const placed: Accepted[] = [];
  for (const target of TARGETS.filter((t) => !t.key.startsWith('workloads['))) {
    const choice = accepted.find((a) => a.target === target);
    if (!choice) continue;
    target.set(input, choice.payload);
    placed.push(choice);
  }
  // Workloads take many payloads at once: each accepted name is a workload, with the accepted
  // namespaces and secrets spread over them.
  const names = accepted.filter((a) => a.target.key === 'workloads[0].name');
  const namespaces = accepted.filter((a) => a.target.key === 'workloads[0].namespace');
  const secrets = accepted.filter((a) => a.target.key === 'workloads[0].secrets[0]');
  if (names.length > 0) {
    input.workloads = names.map((n, i) => ({
      name: n.payload,
      namespace: namespaces[i % Math.max(1, namespaces.length)]?.payload ?? 'apps',
      secrets: i === 0 ? secrets.map((s) => s.payload).filter((s, j, all) => all.findIndex((x) => x.toLowerCase() === s.toLowerCase()) === j) : [],
    }));
    placed.push(...names, ...namespaces.slice(0, names.length), ...secrets);
  }
  return { input, placed };
}

function stringsOf(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, into);
  return into;
}

/** Error diagnostics without positions (the same error moves with the text around it). */
const errorsOf = (compiled: CompiledInfra) =>
  [...compiled.diagnostics, ...compiled.paramDiagnostics].filter((d) => d.level === 'Error').map((d) => `${d.file} ${d.code}: ${d.message}`);

describe.skipIf(!bicepPath)('accepted payloads through the real Bicep compiler', () => {
  const set = combined();
  const result = { hasInfra: false, errors: [] as string[], baselineErrors: [] as string[], strings: new Set<string>() };

  // main.bicep and the .bicepparam of the payload tree and of the default tree, through the Bicep
  // CLI's own compiler (test/helpers/bicep.ts): errors the defaults produce too are not the payloads' doing.
  beforeAll(async () => {
    const [payloadTree, baseTree] = await Promise.all([renderRepository(set.input), renderRepository(BASE)]);
    result.hasInfra = payloadTree.files.has('infra/main.bicep');
    if (!result.hasInfra) return;
    const payloads = await compileInfra(payloadTree.files);
    result.errors = errorsOf(payloads);
    if (result.errors.length > 0) result.baselineErrors = errorsOf(await compileInfra(baseTree.files));
    stringsOf(payloads.template, result.strings);
    stringsOf(payloads.parameters, result.strings);
  }, 180_000);

  afterAll(closeBicep);

  it('the payloads add no Bicep error to infra/', ({ skip }) => {
    if (!result.hasInfra) skip('no infra/main.bicep in the output');
    expect(problemsOf(set.input).map(formatProblem)).toEqual([]);
    expect(result.errors.filter((e) => !result.baselineErrors.includes(e))).toEqual([]);
  });

  it('each payload that reaches infra/ is a string in the ARM JSON or the parameters', async ({ skip }) => {
    if (!result.hasInfra || result.errors.length > 0) skip(`no ARM JSON to look into: ${result.errors.length} Bicep errors (the defaults have them too)`);
    const strings = [...result.strings];
    for (const { target, payload } of set.placed) {
      const baseline = await renderRepository(target.with(target.token));
      const reachesInfra = [...baseline.files].some(([path, text]) => path.startsWith('infra/') && text.includes(target.token));
      if (!reachesInfra) continue;
      expect(strings.some((s) => s.includes(payload)), `${target.key} = ${JSON.stringify(payload)} is not in any ARM string`).toBe(true);
    }
  });
});
