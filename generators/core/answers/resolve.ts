// Merges the sources of answers by precedence and validates the result. Returns typed Answers or
// every problem at once; nothing downstream re-validates.
//   command-line flags > answers file > stored .yo-rc.json > prompt answers > defaults
import { coerce } from './coerce.ts';
import { checkEnvironments, entryName, environmentAnswers, environmentEntries } from './environments.ts';
import { ENVIRONMENT_SETTINGS, FIELDS, KEYS, WORKLOAD_FIELDS, WORKLOAD_KEYS, type Answers, type Field, type Key, type Workload } from './model.ts';
import { AKS_RESERVED_RANGES, isPrivate, overlaps, parseCidr, planSubnets, subnetRequests, type Cidr } from './network.ts';
import { PLATFORM_IDENTITY_DESCRIPTIONS, reservedPrefixesText } from './platform-identities.ts';
import { derivedNames, PLATFORM_IDENTITY_ROLES, RESERVED_WORKLOAD_PREFIXES, resourceNames, workloadNames, type DerivedName, type Names } from './naming.ts';
import type { Problem } from '../support/problems.ts';
import { basicString, closest } from './rules.ts';

export type Layer = Partial<Record<string, unknown>>;

export interface Sources {
  /** Values from command-line flags, keyed by answers key (strings, or booleans for boolean flags). */
  flags?: Layer;
  /** An answers file, already parsed. */
  file?: Layer;
  /** Answers stored in .yo-rc.json by an earlier run. */
  stored?: Layer;
  /** Answers given at the prompts (strings or typed values). */
  prompted?: Layer;
  folderName: string;
}

export type Resolution = { ok: true; answers: Answers } | { ok: false; problems: Problem[] };

const TEXT_LAYERS = new Set(['flags', 'prompted']);

/** The value a key takes from the sources, before defaults; `layer` says where it came from. */
export function pick(sources: Sources, key: Key): { layer: string; value: unknown } | undefined {
  for (const layer of ['flags', 'file', 'stored', 'prompted'] as const) {
    const values = sources[layer];
    if (values && Object.hasOwn(values, key) && values[key] !== undefined) return { layer, value: values[key] };
  }
  return undefined;
}

/**
 * Checks one value against its field (type, items, rule). Used by prompts too. `sofar`: the answers
 * resolved before this field (the environment list is completed from them).
 */
export function checkField(field: Field, raw: unknown, fromText: boolean, sofar: Partial<Answers> = {}, known: readonly Record<string, unknown>[] = []): { value?: unknown; problems: Problem[] } {
  const coerced = coerce(field, raw, fromText);
  if (!coerced.ok) return { problems: [{ key: field.key, value: raw, rule: coerced.rule }] };
  const value = coerced.value;
  const problems: Problem[] = [];
  // Invisible characters, look-alikes and stray spaces are named as such, before any field's own rule.
  const basic = field.kind === 'string' ? basicString(value as string) : undefined;
  if (basic) return { value, problems: [{ key: field.key, value, rule: basic }] };
  if (field.kind === 'list' && field.itemRule) {
    (value as string[]).forEach((item, index) => {
      const rule = basicString(item) ?? field.itemRule!(item);
      if (rule) problems.push({ key: `${field.key}[${index}]`, value: item, rule });
    });
  }
  if (field.kind === 'environments') {
    const checked = checkEnvironments(value, sofar, fromText, known);
    return { value: checked.environments, problems: checked.problems };
  }
  if (field.kind === 'workloads') {
    const checked = checkWorkloads(value as unknown[]);
    return { value: checked.workloads, problems: checked.problems };
  }
  if (problems.length === 0 && field.rule) {
    const rule = (field.rule as (v: unknown) => string | undefined)(value);
    if (rule) problems.push({ key: field.key, value, rule });
  }
  return { value, problems };
}

/** A key as the user finds it: answers stored by an earlier run are named as coming from .yo-rc.json. */
function where(layer: string, key: string): string {
  return layer === 'stored' ? `.yo-rc.json ${key}` : key;
}

/** The first name of an environment list as given (names or mappings), for reading `environment` from it. */
function firstEnvironmentName(raw: unknown): string | undefined {
  return entryName(environmentEntries(raw)?.[0]);
}

const LAYERS = ['flags', 'file', 'stored', 'prompted'] as const;

/** The environment entries an earlier run stored with their settings (all but the first, which has none). */
function storedEntries(stored: Layer | undefined): Record<string, unknown>[] {
  const list = stored?.environments;
  return Array.isArray(list) ? list.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e) && typeof (e as { name?: unknown }).name === 'string') : [];
}

/**
 * `environment` is the first of `environments`. A layer that gives the list and not the label gets
 * the label from it. A label given above a one-environment list renames that environment (a change
 * the update engine treats as destructive); above a longer list it is refused, naming both: adding
 * an environment is `--environments` or `yo secure-aks:environment`, never a new label.
 */
function alignEnvironmentLayers(sources: Sources): { sources: Sources; problems: Problem[] } {
  const aligned: Sources = { ...sources };
  for (const layer of LAYERS) {
    const values = sources[layer];
    if (values?.environments !== undefined && values.environment === undefined) {
      const first = firstEnvironmentName(values.environments);
      if (first !== undefined) aligned[layer] = { ...values, environment: first };
    }
  }
  const label = LAYERS.findIndex((l) => aligned[l]?.environment !== undefined);
  const list = LAYERS.findIndex((l) => aligned[l]?.environments !== undefined);
  if (label < 0 || list < 0 || label >= list) return { sources: aligned, problems: [] };
  const environments = aligned[LAYERS[list]!]!.environments;
  const entries = environmentEntries(environments) ?? [];
  const given = aligned[LAYERS[label]!]!.environment;
  const first = firstEnvironmentName(environments);
  if (entries.length <= 1 || given === first) {
    const { environments: _dropped, ...rest } = aligned[LAYERS[list]!]!;
    aligned[LAYERS[list]!] = rest;
    return { sources: aligned, problems: [] };
  }
  const names = entries.map(entryName).join(', ');
  return {
    sources: aligned,
    problems: [
      {
        key: where(LAYERS[label]!, 'environment'),
        value: given,
        rule: names.split(', ').includes(String(given))
          ? `names the first environment, and ${String(given)} is already one of this repository's (${names}${LAYERS[list] === 'stored' ? ', in .yo-rc.json' : ''}); to change their order, give environments`
          : `names the first environment, and this repository has several (${names}${LAYERS[list] === 'stored' ? ', in .yo-rc.json' : ''}); to add one run \`yo secure-aks:environment ${String(given)}\`, to change the list give environments`,
      },
    ],
  };
}

export function resolveAnswers(input: Sources): Resolution {
  const { sources, problems: layerProblems } = alignEnvironmentLayers(input);
  // Everything else would be derived from the wrong environment: say only what to change.
  if (layerProblems.length > 0) return { ok: false, problems: layerProblems };
  const problems: Problem[] = [];
  const answers: Partial<Answers> = {};
  for (const layer of ['flags', 'file', 'stored', 'prompted'] as const) {
    for (const key of Object.keys(sources[layer] ?? {})) {
      if (!(KEYS as string[]).includes(key)) {
        const guess = closest(key, KEYS);
        problems.push({ key: where(layer, key), rule: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}` });
      }
    }
  }
  for (const field of FIELDS as readonly Field[]) {
    const given = pick(sources, field.key);
    let raw = given ? given.value : field.default({ answers, folderName: sources.folderName });
    // The stored first environment's settings are the top-level answers, which a flag or an answers
    // file may change: only its name is read from the stored list.
    if (field.key === 'environments' && given?.layer === 'stored' && Array.isArray(raw) && raw.length > 0) raw = [firstEnvironmentName(raw) ?? raw[0], ...raw.slice(1)];
    const checked = checkField(field, raw, given ? TEXT_LAYERS.has(given.layer) : false, answers, given?.layer === 'stored' ? [] : storedEntries(sources.stored));
    // A derived default is only wrong because something it derives from is wrong: report the cause.
    if (given) problems.push(...checked.problems.map((p) => ({ ...p, key: where(given.layer, p.key) })));
    else if (problems.length === 0) {
      // Say where a value nobody gave came from (the folder's name, for `name`), so the fix is clear.
      problems.push(...checked.problems.map((p) => ({ ...p, rule: `${p.rule} (the default: ${field.defaultText}; set ${field.key} to choose another)` })));
    }
    if (checked.problems.length === 0) (answers as Record<string, unknown>)[field.key] = checked.value;
  }
  problems.push(...crossChecks(answers));
  return problems.length === 0 ? { ok: true, answers: answers as Answers } : { ok: false, problems };
}

/** Rules between answers; each runs only when the answers it compares are valid on their own. */
function crossChecks(answers: Partial<Answers>): Problem[] {
  const problems: Problem[] = [];
  if (answers.userNodeMinCount !== undefined && answers.userNodeMaxCount !== undefined && answers.userNodeMinCount > answers.userNodeMaxCount) {
    problems.push({
      key: 'userNodeMinCount',
      value: answers.userNodeMinCount,
      rule: `must not exceed userNodeMaxCount (${answers.userNodeMaxCount})`,
    });
  }
  if (answers.name !== undefined && answers.environment !== undefined && answers.agentPool !== undefined) {
    problems.push(...checkDerivedNames({ name: answers.name, environment: answers.environment, agentPool: answers.agentPool }));
  }
  if (answers.addressSpace !== undefined && answers.serviceCidr !== undefined && answers.podCidr !== undefined) {
    problems.push(
      ...checkRanges({ addressSpace: answers.addressSpace, serviceCidr: answers.serviceCidr, podCidr: answers.podCidr, bastion: answers.bastion ?? true, egress: answers.egress ?? 'firewall' }),
    );
  }
  const { name, environment, acrName, keyVaultName, agentPoolName, agentPool, bastion, workloads } = answers;
  if (name !== undefined && environment !== undefined && acrName !== undefined && keyVaultName !== undefined && agentPoolName !== undefined && agentPool !== undefined && bastion !== undefined && workloads !== undefined) {
    problems.push(...checkPlanNames({ name, environment, acrName, keyVaultName, agentPoolName, agentPool, bastion, workloads }));
  }
  if (problems.length === 0 && answers.environments && answers.environments.length > 1) problems.push(...laterEnvironmentChecks(answers as Answers));
  return problems;
}

/**
 * The same checks for every environment after the first, on its own settings: derived name lengths,
 * its address space against the cluster's ranges and the subnet plan, and the names over its plan.
 * A problem is reported on that environment's entry.
 */
function laterEnvironmentChecks(answers: Answers): Problem[] {
  const problems: Problem[] = [];
  answers.environments.forEach((env, index) => {
    if (index === 0) return;
    const view = environmentAnswers(answers, env);
    const at = `environments[${index}]`;
    // Its address space against the repository's ranges, reported on the environment's own entry.
    const ranges = checkRanges(view)
      .filter((p) => p.key === 'addressSpace' || /^overlaps addressSpace /.test(p.rule))
      .map((p) => (p.key === 'addressSpace' ? p : { key: 'addressSpace', value: view.addressSpace, rule: `overlaps ${p.key} (${String(p.value)})` }));
    const found = [...checkDerivedNames(view), ...ranges, ...checkPlanNames(view)];
    for (const p of found) {
      const own = p.key === 'name' || p.key === 'environment' ? `${at}.name` : (ENVIRONMENT_SETTINGS as readonly string[]).includes(p.key) ? `${at}.${p.key}` : p.key;
      problems.push({ ...p, key: own, rule: own === p.key ? `${p.rule} (in environment ${env.name})` : p.rule });
    }
  });
  return problems;
}

/**
 * The names over the whole plan. First the rule that keeps workload identities out of the platform
 * identities' names (naming.ts explains it): a workload name may not start with `aks-`, `pipeline-` or `gateway-`.
 * Then, as a second guard, no two derived names of one resource type (Azure: in the resource group,
 * ignoring case; Kubernetes: of one kind in one namespace) may be equal: each such pair is one
 * resource, which two parts of the plan would both configure.
 */
export function checkPlanNames(answers: Parameters<typeof derivedNames>[0]): Problem[] {
  const problems: Problem[] = [];
  const platform = resourceNames(answers);
  answers.workloads.forEach((workload, index) => {
    const prefix = RESERVED_WORKLOAD_PREFIXES.find((p) => workload.name.startsWith(p));
    if (!prefix) return;
    const identity = workloadNames(workload, answers.environment).identity;
    const taken = (Object.keys(PLATFORM_IDENTITY_ROLES) as (keyof typeof PLATFORM_IDENTITY_ROLES)[]).find((key) => platform[key] === identity);
    const reserved = `workload names must not start with ${reservedPrefixesText()}, the prefixes of the platform's identities`;
    problems.push({
      key: `workloads[${index}].name`,
      value: workload.name,
      rule: taken
        ? `its identity name "${identity}" is the name of ${PLATFORM_IDENTITY_DESCRIPTIONS[taken]}; ${reserved}`
        : `starts with "${prefix}": its identity "${identity}" would be named like the platform's identities (id-${prefix}<name>-<environment>); ${reserved}`,
    });
  });
  const reported = new Set(problems.map((p) => p.key));
  const seen = new Map<string, DerivedName>();
  for (const entry of derivedNames(answers)) {
    const id = `${entry.type.toLowerCase()}\n${entry.name.toLowerCase()}`;
    const first = seen.get(id);
    if (!first) {
      seen.set(id, entry);
      continue;
    }
    if (reported.has(entry.key)) continue;
    reported.add(entry.key);
    problems.push({ key: entry.key, value: entry.value, rule: `its ${entry.kind} name "${entry.name}" is the name of ${first.what}${first.key === entry.key || first.key === 'workloads' ? '' : ` (from ${first.key})`}; choose another` });
  }
  return problems;
}

type NameLimit = { type: string; max: number; when?: (answers: Pick<Answers, 'agentPool'>) => boolean };

/**
 * Azure's longest allowed name for each resource named `<abbreviation>-<name>-<environment>`. Each
 * rule of `name` and `environment` holds on its own; together they can still be too long for some.
 */
export const DERIVED_NAME_LIMITS: Partial<Record<keyof Names, NameLimit>> = {
  resourceGroup: { type: 'Microsoft.Resources/resourceGroups', max: 90 },
  nodeResourceGroup: { type: 'the AKS node resource group', max: 80 },
  virtualNetwork: { type: 'Microsoft.Network/virtualNetworks', max: 64 },
  natGateway: { type: 'Microsoft.Network/natGateways', max: 80 },
  natPublicIp: { type: 'Microsoft.Network/publicIPAddresses', max: 80 },
  firewall: { type: 'Microsoft.Network/azureFirewalls', max: 80 },
  firewallPolicy: { type: 'Microsoft.Network/firewallPolicies', max: 80 },
  firewallPublicIp: { type: 'Microsoft.Network/publicIPAddresses', max: 80 },
  egressRouteTable: { type: 'Microsoft.Network/routeTables', max: 80 },
  cluster: { type: 'Microsoft.ContainerService/managedClusters', max: 63 },
  clusterIdentity: { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', max: 128 },
  logAnalytics: { type: 'Microsoft.OperationalInsights/workspaces', max: 63 },
  bastion: { type: 'Microsoft.Network/bastionHosts', max: 80 },
  bastionPublicIp: { type: 'Microsoft.Network/publicIPAddresses', max: 80 },
  pipelineIdentity: { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', max: 128 },
  gatewayIdentity: { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', max: 128 },
  devCenter: { type: 'Microsoft.DevCenter/devcenters', max: 26, when: (a) => a.agentPool === 'managedDevOpsPool' },
  devCenterProject: { type: 'Microsoft.DevCenter/projects', max: 63, when: (a) => a.agentPool === 'managedDevOpsPool' },
  agentScaleSet: { type: 'Microsoft.Compute/virtualMachineScaleSets', max: 64, when: (a) => a.agentPool === 'vmss' },
  deployment: { type: 'Microsoft.Resources/deployments', max: 64 },
};

/** Names derived from name and environment that break their resource type's length limit; reported on `name`. */
export function checkDerivedNames(answers: Pick<Answers, 'name' | 'environment' | 'agentPool'>): Problem[] {
  const names = resourceNames({ ...answers, acrName: '', keyVaultName: '', agentPoolName: '' });
  const problems: Problem[] = [];
  for (const [key, limit] of Object.entries(DERIVED_NAME_LIMITS) as [keyof Names, NameLimit][]) {
    const derived = names[key];
    if (typeof derived !== 'string' || derived.length <= limit.max || (limit.when && !limit.when(answers))) continue;
    const room = answers.name.length + answers.environment.length - (derived.length - limit.max);
    problems.push({
      key: 'name',
      value: answers.name,
      rule: `with environment "${answers.environment}" makes the ${limit.type} name "${derived}" ${derived.length} characters long; Azure allows at most ${limit.max} (name and environment together: at most ${room} characters)`,
    });
  }
  return problems;
}

const RANGE_LIMITS = {
  addressSpace: { min: 8, max: 24 },
  serviceCidr: { min: 12, max: 24 },
  podCidr: { min: 8, max: 21 },
} as const;

/** CIDR syntax, sizes, private ranges, pairwise overlaps, AKS reserved ranges, and the subnet plan. */
export function checkRanges(answers: Pick<Answers, 'addressSpace' | 'serviceCidr' | 'podCidr' | 'bastion'> & Partial<Pick<Answers, 'egress'>>): Problem[] {
  const problems: Problem[] = [];
  const parsed: Partial<Record<keyof typeof RANGE_LIMITS, Cidr>> = {};
  for (const key of Object.keys(RANGE_LIMITS) as (keyof typeof RANGE_LIMITS)[]) {
    const value = answers[key];
    const cidr = parseCidr(value);
    const { min, max } = RANGE_LIMITS[key];
    if (typeof cidr === 'string') problems.push({ key, value, rule: cidr });
    else if (cidr.prefix < min || cidr.prefix > max) problems.push({ key, value, rule: `prefix must be from /${min} to /${max}` });
    else if (!isPrivate(cidr)) problems.push({ key, value, rule: 'must be a private range (10/8, 172.16/12, 192.168/16 or 100.64/10)' });
    else {
      const reserved = AKS_RESERVED_RANGES.find((r) => overlaps(r, cidr));
      if (reserved) problems.push({ key, value, rule: `overlaps ${reserved.text}, which AKS reserves` });
      else parsed[key] = cidr;
    }
  }
  const keys = Object.keys(parsed) as (keyof typeof RANGE_LIMITS)[];
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = parsed[keys[i]!]!;
      const b = parsed[keys[j]!]!;
      if (overlaps(a, b)) problems.push({ key: keys[j]!, value: b.text, rule: `overlaps ${keys[i]} (${a.text})` });
    }
  }
  if (parsed.addressSpace) {
    const plan = planSubnets(parsed.addressSpace, subnetRequests({ bastion: answers.bastion, egress: answers.egress ?? 'firewall', names: { nodes: 'nodes', privateEndpoints: 'private endpoints', agents: 'agents', bastion: 'AzureBastionSubnet', ingress: 'ingress', apiServer: 'API server', firewall: 'AzureFirewallSubnet' } }));
    if (typeof plan === 'string') problems.push({ key: 'addressSpace', value: answers.addressSpace, rule: plan });
  }
  return problems;
}

const WORKLOAD_DEFAULTS = { kind: 'web', port: 8080, replicas: 2, secrets: [] as string[] };

/**
 * Validates and completes a workload list (namespace defaults to the name, kind web, port 8080, 2
 * replicas). Stored answers written before workloads had a kind have none: they stay web.
 */
export function checkWorkloads(raw: unknown[]): { workloads: Workload[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const workloads: Workload[] = [];
  raw.forEach((entry, index) => {
    const at = `workloads[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ key: at, value: entry, rule: 'must be a mapping with at least a name' });
      return;
    }
    const checked = checkWorkload(entry as Record<string, unknown>, at);
    problems.push(...checked.problems);
    if (checked.workload) workloads.push(checked.workload);
  });
  const seen = new Map<string, number>();
  workloads.forEach((w, index) => {
    if (seen.has(w.name)) problems.push({ key: `workloads[${index}].name`, value: w.name, rule: `duplicates workloads[${seen.get(w.name)}].name` });
    else seen.set(w.name, index);
  });
  return { workloads, problems };
}

export function checkWorkload(entry: Record<string, unknown>, at = 'workload'): { workload?: Workload; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const key of Object.keys(entry)) {
    if (!(WORKLOAD_KEYS as string[]).includes(key)) {
      const guess = closest(key, WORKLOAD_KEYS);
      problems.push({ key: `${at}.${key}`, rule: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}` });
    }
  }
  if (Object.keys(entry).length === 0 || entry.name === undefined) {
    problems.push({ key: `${at}.name`, rule: 'is required' });
    return { problems };
  }
  const name = entry.name;
  // The namespace defaults to the name: a namespace nobody gave is only checked when the name is valid,
  // and a problem with it says where it came from.
  const namespaceGiven = entry.namespace !== undefined;
  const namespace = entry.namespace ?? name;
  // A web workload is exposed through the private gateway unless it says otherwise; a worker never is.
  const expose = entry.expose ?? ((entry.kind ?? WORKLOAD_DEFAULTS.kind) === 'worker' ? 'none' : 'internal');
  const values: Record<string, unknown> = { ...WORKLOAD_DEFAULTS, ...entry, namespace, expose };
  const typed: Record<string, unknown> = {};
  for (const key of WORKLOAD_KEYS) {
    const value = values[key];
    if (key === 'namespace' && !namespaceGiven) {
      if (problems.some((p) => p.key === `${at}.name`)) continue;
      const rule = WORKLOAD_FIELDS.namespace.rule(String(value));
      if (rule) problems.push({ key: `${at}.namespace`, value, rule: `${rule} (the default: the workload name; set namespace to choose another)` });
      else typed.namespace = value;
      continue;
    }
    const kind = key === 'port' || key === 'replicas' ? 'integer' : key === 'secrets' ? 'list' : 'string';
    const coerced = coerce({ kind }, value, false);
    if (!coerced.ok) {
      problems.push({ key: `${at}.${key}`, value, rule: coerced.rule });
      continue;
    }
    typed[key] = coerced.value;
    const rule = WORKLOAD_FIELDS[key].rule as (v: unknown) => string | undefined;
    if (kind === 'list') {
      const lowered = new Set<string>();
      (coerced.value as string[]).forEach((item, i) => {
        const problem = rule(item) ?? (lowered.has(item.toLowerCase()) ? 'duplicates another secret of this workload (Key Vault names ignore case)' : undefined);
        lowered.add(item.toLowerCase());
        if (problem) problems.push({ key: `${at}.${key}[${i}]`, value: item, rule: problem });
      });
    } else {
      const problem = rule(coerced.value);
      if (problem) problems.push({ key: `${at}.${key}`, value, rule: problem });
    }
  }
  if (typed.kind === 'worker' && typed.expose === 'internal') {
    problems.push({ key: `${at}.expose`, value: typed.expose, rule: 'a worker accepts no connections, so it cannot be exposed: none (or make it kind web)' });
  }
  return problems.length === 0 ? { workload: typed as unknown as Workload, problems } : { problems };
}

/** What differs between a stored workload and the one given, one `key: stored → given` per answer. */
export function workloadChanges(stored: Workload, given: Workload): string[] {
  const show = (value: unknown) => (Array.isArray(value) ? `[${value.join(', ')}]` : String(value));
  return WORKLOAD_KEYS.filter((key) => JSON.stringify(stored[key]) !== JSON.stringify(given[key])).map((key) => `${key}: ${show(stored[key])} → ${show(given[key])}`);
}
