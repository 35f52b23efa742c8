// fast-check arbitraries for VALID answer sets, built from the answers model so they follow it:
// integer ranges and closed choices come from FIELDS, every generated string is filtered with its
// field's own rule, and the combinations with the cross-checks resolve runs (checkRanges,
// checkDerivedNames, checkPlanNames) plus the rules of every default a set leaves to the generator. A set this
// module yields must resolve; the property tests assert that it does, so a rule added to the model
// that these arbitraries do not know about shows up as a failing property, not as silent drift.
import fc from 'fast-check';
import { EXPOSURES, FIELDS, KUBERNETES_MINORS, WORKLOAD_FIELDS, WORKLOAD_KINDS, ZONES, fieldOf, type Answers, type Field, type Key } from '../../generators/core/answers/model.ts';
import { fromNumber, parseCidr, type Cidr } from '../../generators/core/answers/network.ts';
import { checkDerivedNames, checkPlanNames, checkRanges } from '../../generators/core/answers/resolve.ts';
import type { AnswerInput } from './generate.ts';

/** The folder name the generator falls back to for `name` (what renderRepository and runApp use). */
export const FOLDER_NAME = 'contoso';

/** The field's own rule (type-level checks are the arbitrary's job; this is the semantic rule). */
function ruleOf(key: Key): (value: unknown) => string | undefined {
  const field = fieldOf(key);
  return (value) => (field.rule ? (field.rule as (v: unknown) => string | undefined)(value) : undefined);
}

const valid = (key: Key) => (value: unknown) => ruleOf(key)(value) === undefined;

function range(key: Key): fc.Arbitrary<number> {
  const r = fieldOf(key).range;
  if (!r) throw new Error(`${key} has no range in the model`);
  return fc.integer({ min: r[0], max: r[1] });
}

function choice<T extends string>(key: Key): fc.Arbitrary<T> {
  const choices = fieldOf(key).choices;
  if (!choices) throw new Error(`${key} has no choices in the model`);
  return fc.constantFrom(...(choices as readonly T[]));
}

/**
 * Valid names that YAML 1.1 or 1.2 would read as something else when left unquoted (booleans,
 * null): the emitted files must still carry them as strings.
 */
export const YAML_LOOKALIKE_WORDS = ['on', 'off', 'no', 'yes', 'null', 'true', 'false', 'y1', 'e1'] as const;

/** Lowercase words joined by single hyphens: a-z first, then a-z/0-9 (the usual shape of a name). */
function hyphenated(maxSegments: number, maxSegmentLength: number): fc.Arbitrary<string> {
  const first = fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{0,${maxSegmentLength - 1}}$`));
  const rest = fc.array(fc.stringMatching(new RegExp(`^[a-z0-9]{1,${maxSegmentLength}}$`)), { maxLength: maxSegments - 1 });
  return fc.tuple(first, rest).map(([head, tail]) => [head, ...tail].join('-'));
}

export const serviceName = fc
  .oneof(
    { weight: 6, arbitrary: hyphenated(4, 8) },
    { weight: 1, arbitrary: fc.constantFrom(...YAML_LOOKALIKE_WORDS) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/) },
  )
  .filter(valid('name'));

export const environmentName = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom('dev', 'test', 'qa', 'prod', 'staging1', 'uat2') },
    { weight: 1, arbitrary: fc.constantFrom(...YAML_LOOKALIKE_WORDS) },
    { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/) },
  )
  .filter(valid('environment'));

// ---------------------------------------------------------------------------------------------------
// Address ranges: aligned blocks inside the private ranges the model accepts.

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => parseCidr(c) as Cidr);

/** An aligned block with a prefix from `min` to `max` inside one of the private ranges. */
export function privateBlock(min: number, max: number): fc.Arbitrary<string> {
  return fc.constantFrom(...PRIVATE_RANGES.filter((r) => r.prefix <= max)).chain((outer) =>
    fc.integer({ min: Math.max(min, outer.prefix), max }).chain((prefix) =>
      fc.integer({ min: 0, max: 2 ** (prefix - outer.prefix) - 1 }).map((index) => `${fromNumber(outer.first + index * 2 ** (32 - prefix))}/${prefix}`),
    ),
  );
}

export interface Ranges {
  addressSpace: string;
  serviceCidr: string;
  podCidr: string;
  bastion: boolean;
}

/** VNet /16-/21, service /12-/24, pod /8-/21, pairwise disjoint and clear of AKS's reserved ranges (checkRanges). */
export const ranges: fc.Arbitrary<Ranges> = fc
  .record({
    addressSpace: fc.oneof(privateBlock(16, 21), fc.constant('10.42.0.0/16')),
    serviceCidr: fc.oneof(privateBlock(12, 24), fc.constant('172.16.0.0/16')),
    podCidr: fc.oneof(privateBlock(8, 21), fc.constant('192.168.0.0/16')),
    bastion: fc.boolean(),
  })
  .filter((r) => checkRanges(r).length === 0);

// ---------------------------------------------------------------------------------------------------
// Workloads

const workloadName = fc
  .oneof(
    { weight: 6, arbitrary: hyphenated(3, 10) },
    { weight: 1, arbitrary: fc.constantFrom(...YAML_LOOKALIKE_WORDS) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/) },
  )
  .filter((v) => WORKLOAD_FIELDS.name.rule(v) === undefined);

const namespaceName = fc
  .oneof(
    { weight: 4, arbitrary: hyphenated(3, 10) },
    { weight: 1, arbitrary: fc.constantFrom(...YAML_LOOKALIKE_WORDS, 'apps', 'team-a') },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/) },
  )
  .filter((v) => WORKLOAD_FIELDS.namespace.rule(v) === undefined);

/** Key Vault secret names, including ones YAML would read as numbers, booleans or a list item. */
const secretName = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom('app-secret', 'db-password', 'API-KEY', 'ConnectionString', '1', '007', '-', 'true', 'null', '1e3') },
    { weight: 3, arbitrary: fc.stringMatching(/^[0-9a-zA-Z-]{1,30}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-zA-Z-]{100,127}$/) },
  )
  .filter((v) => WORKLOAD_FIELDS.secrets.rule(v) === undefined);

const port = fc.oneof(fc.constantFrom(1024, 8080, 65535), fc.integer({ min: 1024, max: 65535 })).filter((v) => WORKLOAD_FIELDS.port.rule(v) === undefined);
const replicas = fc.integer({ min: 1, max: 50 }).filter((v) => WORKLOAD_FIELDS.replicas.rule(v) === undefined);

type WorkloadInput = NonNullable<AnswerInput['workloads']>[number];

/**
 * How many workloads: every count from 0 to 10, mostly small (each workload adds about ten files to
 * check, and the checks must stay fast): about 2.5 on average, 10 in one set of twenty.
 */
const workloadCount = fc.oneof(
  { weight: 14, arbitrary: fc.integer({ min: 0, max: 2 }) },
  { weight: 4, arbitrary: fc.integer({ min: 3, max: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 7, max: 9 }) },
  { weight: 1, arbitrary: fc.constant(10) },
);

/**
 * 0-10 workloads with unique names. Namespaces come from a small pool per answer set (so some are
 * shared), or are left out (the namespace defaults to the workload's name); kind, port, replicas and
 * secrets are sometimes left to their defaults too.
 */
export const workloads: fc.Arbitrary<WorkloadInput[]> = fc.tuple(fc.uniqueArray(namespaceName, { minLength: 1, maxLength: 3 }), workloadCount).chain(([pool, count]) =>
  fc.uniqueArray(
    fc.record(
      {
        name: workloadName,
        namespace: fc.constantFrom(...pool),
        kind: fc.constantFrom(...WORKLOAD_KINDS),
        port,
        replicas,
        secrets: fc.uniqueArray(secretName, { maxLength: 3, selector: (s) => s.toLowerCase() }),
        expose: fc.constantFrom(...EXPOSURES),
      },
      { requiredKeys: ['name'] },
    // A worker cannot be exposed (checkWorkload): it keeps its default, none.
    ).map((w) => (w.kind === 'worker' && w.expose === 'internal' ? withoutUndefined({ ...w, expose: undefined }) : w)),
    { minLength: count, maxLength: count, selector: (w) => w.name },
  ),
);

// ---------------------------------------------------------------------------------------------------
// The other answers

const vmSize = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom('Standard_D4ds_v5', 'Standard_D2ds_v5', 'Standard_D8ads_v6', 'Standard_E4ds_v5', 'Standard_D4s_v3') },
    { weight: 1, arbitrary: fc.stringMatching(/^Standard_[A-Za-z0-9]{1,12}(_[A-Za-z0-9]{1,6}){0,2}$/) },
  )
  .filter(valid('systemNodeVmSize'));

const guid = fc.uuid().chain((id) => fc.constantFrom(id, id.toUpperCase()));

const organization = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);

/** Explicit values for the answers whose defaults derive from name and environment. */
const explicit = {
  acrName: fc.stringMatching(/^[a-z0-9]{5,50}$/).filter(valid('acrName')),
  keyVaultName: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/).filter(valid('keyVaultName')),
  adoOrganizationUrl: fc
    .oneof(organization.map((o) => `https://dev.azure.com/${o}`), organization.map((o) => `https://${o}.visualstudio.com`))
    .filter(valid('adoOrganizationUrl')),
  adoProject: fc.oneof(fc.constantFrom('Platform Team', 'web.shop', 'my_project-2'), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/)).filter(valid('adoProject')),
  serviceConnection: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).filter(valid('serviceConnection')),
  agentPoolName: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$/).filter(valid('agentPoolName')),
  privateDnsZone: fc
    .oneof(fc.constantFrom('orders.contoso.corp', 'dev.internal', 'on.yes.internal'), fc.array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/), { minLength: 2, maxLength: 4 }).map((l) => `${l.join('.')}.internal`))
    .filter(valid('privateDnsZone')),
};

const kubernetesVersion = fc
  .tuple(fc.constantFrom(...KUBERNETES_MINORS), fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }))
  .map(([minor, patch]) => (patch === undefined ? minor : `${minor}.${patch}`))
  .filter(valid('kubernetesVersion'));

const nodeCounts = range('userNodeMinCount').chain((min) =>
  fc.integer({ min: Math.max(min, fieldOf('userNodeMaxCount').range![0]), max: fieldOf('userNodeMaxCount').range![1] }).map((max) => ({ userNodeMinCount: min, userNodeMaxCount: max })),
);

/** Keys an answer set may leave out, to exercise the defaults (the core keys are always given). */
const optional = {
  location: choice<string>('location'),
  adminGroupObjectIds: fc.uniqueArray(guid, { maxLength: 3, selector: (s) => s.toLowerCase() }),
  kubernetesVersion,
  systemNodeVmSize: vmSize,
  systemNodeCount: range('systemNodeCount'),
  userNodeVmSize: vmSize,
  availabilityZones: fc.shuffledSubarray([...ZONES]),
  bastionSku: choice<Answers['bastionSku']>('bastionSku'),
  egress: choice<Answers['egress']>('egress'),
  agentMaxConcurrency: range('agentMaxConcurrency'),
  ...explicit,
};

/**
 * Problems of the values a set leaves to the generator: each default, computed in the model's order
 * from the answers before it, must follow its field's rule (e.g. an environment that makes the
 * default Key Vault name contain a reserved word). resolve reports these on the defaulted key.
 */
export function defaultProblems(input: AnswerInput): string[] {
  const answers: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of FIELDS as readonly Field[]) {
    const given = (input as Record<string, unknown>)[field.key];
    const value = given !== undefined ? given : field.default({ answers: answers as Partial<Answers>, folderName: FOLDER_NAME });
    if (given === undefined && field.kind !== 'workloads') {
      const items = field.kind === 'list' && field.itemRule ? (value as string[]).map((v) => field.itemRule!(v)) : [];
      const problem = items.find(Boolean) ?? ruleOf(field.key)(value);
      if (problem) problems.push(`${field.key} default ${JSON.stringify(value)}: ${problem}`);
    }
    answers[field.key] = value;
  }
  return problems;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A valid answer set, as an answers file would hold it. Always given: name, environment, agentPool,
 * bastion, the three ranges and the workloads; every other key is present or left to its default.
 */
export const answerSet: fc.Arbitrary<AnswerInput> = fc
  .record({
    name: serviceName,
    environment: environmentName,
    agentPool: choice<Answers['agentPool']>('agentPool'),
    ranges,
    workloads,
    nodeCounts: fc.option(nodeCounts, { nil: undefined }),
    rest: fc.record(optional, { requiredKeys: [] }),
  })
  .map(({ ranges: r, nodeCounts: counts, rest, ...core }) => withoutUndefined({ ...core, ...r, ...counts, ...rest }) as AnswerInput)
  .filter((input) => checkDerivedNames({ name: input.name!, environment: input.environment!, agentPool: input.agentPool! }).length === 0)
  .filter((input) => defaultProblems(input).length === 0)
  .filter((input) => planNameProblems(input).length === 0);

/** checkPlanNames on the set with its defaults filled in: reserved workload prefixes, equal derived names. */
function planNameProblems(input: AnswerInput) {
  const answers = { name: input.name!, environment: input.environment! };
  const given = <K extends Key>(key: K) => (input[key as keyof AnswerInput] ?? fieldOf(key).default({ answers, folderName: FOLDER_NAME })) as Answers[K];
  return checkPlanNames({
    ...answers,
    acrName: given('acrName'),
    keyVaultName: given('keyVaultName'),
    agentPoolName: given('agentPoolName'),
    agentPool: input.agentPool!,
    bastion: input.bastion ?? true,
    workloads: (input.workloads ?? []).map((w) => ({ port: 8080, replicas: 2, secrets: [], ...w, namespace: w.namespace ?? w.name! }) as Answers['workloads'][number]),
  });
}
