// Environments: one repository, several isolated copies of the platform (dev → prod), lowest first.
//
// The top-level answers describe the first environment, exactly as they did when a repository had one
// (so every flag, stored answer and default keeps its meaning). Each later environment has its own
// copy of the settings that differ between environments (ENVIRONMENT_SETTINGS): given in the answers
// file or by `yo secure-aks:environment`, or derived once and then stored, so that changing a
// top-level answer later never moves a deployed production environment:
//   - names (registry, key vault, service connection, agent pool, DNS zone) from the environment's name;
//   - the address space: the next block of the same size that overlaps no other environment's, the
//     service range or the pod range (the environments are separate networks, but non-overlapping
//     ranges keep peering or a shared hub possible later);
//   - a production-like environment (prod, prd, production, live) keeps at least 3 system nodes and a
//     user pool minimum of 3, whatever the lower environments use.
// Everything else (name, egress, Kubernetes version, Bastion, the agent kind, Azure DevOps, workloads)
// is the repository's, the same in every environment: what passed in dev is what prod runs.
import { defaultAcrName, defaultKeyVaultName, defaultPrivateDnsZone, fieldOf, type Answers, type Environment, ENVIRONMENT_SETTINGS, type EnvironmentSettingKey } from './model.ts';
import { fromNumber, isPrivate, overlaps, parseCidr, AKS_RESERVED_RANGES, type Cidr } from './network.ts';
import { basicString, closest, environmentName } from './rules.ts';
import { coerce } from './coerce.ts';
import type { Problem } from '../support/problems.ts';

const PRODUCTION_LIKE = /^(prod|prd|production|live)\d*$/;

/** Whether an environment's name says it serves users (its defaults keep zone-spread minimums). */
export function productionLike(name: string): boolean {
  return PRODUCTION_LIKE.test(name);
}

/** The answers of one environment: the repository's answers with that environment's settings. */
export function environmentAnswers(answers: Answers, environment: Environment): Answers {
  const settings = Object.fromEntries(ENVIRONMENT_SETTINGS.map((key) => [key, environment[key]]));
  return { ...answers, ...settings, environment: environment.name } as Answers;
}

/** One Answers per environment, in order; the first is `answers` itself. */
export function everyEnvironment(answers: Answers): Answers[] {
  return answers.environments.map((env, index) => (index === 0 ? answers : environmentAnswers(answers, env)));
}

type Top = Partial<Answers>;

/** The next block after `after` with the prefix of `like` that overlaps none of `taken`, or undefined. */
function nextFreeBlock(after: Cidr, like: Cidr, taken: Cidr[]): string | undefined {
  const size = 2 ** (32 - like.prefix);
  let start = Math.floor(after.last / size) * size + size;
  for (let tries = 0; tries < 4096 && start + size - 1 <= 0xffffffff; tries++, start += size) {
    const candidate = parseCidr(`${fromNumber(start)}/${like.prefix}`);
    if (typeof candidate === 'string') return undefined;
    if (!isPrivate(candidate)) return undefined;
    if (AKS_RESERVED_RANGES.some((r) => overlaps(r, candidate)) || taken.some((t) => overlaps(t, candidate))) continue;
    return candidate.text;
  }
  return undefined;
}

/** The value an environment after the first takes when its entry does not give one. */
function derivedSetting(key: EnvironmentSettingKey, name: string, top: Top, previous: Environment[], reserved: readonly string[] = []): unknown {
  const service = top.name ?? '';
  switch (key) {
    case 'acrName':
      return defaultAcrName(service, name);
    case 'keyVaultName':
      return defaultKeyVaultName(service, name);
    case 'privateDnsZone':
      return defaultPrivateDnsZone(service, name);
    case 'serviceConnection':
      return `sc-${service}-${name}`;
    case 'agentPoolName':
      return `pool-${service}-${name}`;
    case 'addressSpace': {
      // After the last environment checked so far (or the first's range, when that one was refused).
      const last = parseCidr(previous.at(-1)?.addressSpace ?? top.addressSpace ?? '');
      const like = parseCidr(top.addressSpace ?? '');
      if (typeof last === 'string' || typeof like === 'string') return undefined;
      const taken = [...previous.map((e) => e.addressSpace), ...reserved, top.serviceCidr ?? '', top.podCidr ?? ''].map((c) => parseCidr(c)).filter((c): c is Cidr => typeof c !== 'string');
      return nextFreeBlock(last, like, taken);
    }
    case 'systemNodeCount':
      return productionLike(name) ? Math.max(top.systemNodeCount ?? 3, 3) : top.systemNodeCount;
    case 'userNodeMinCount':
      return productionLike(name) ? Math.max(top.userNodeMinCount ?? 3, 3) : top.userNodeMinCount;
    case 'userNodeMaxCount': {
      const min = derivedSetting('userNodeMinCount', name, top, previous) as number;
      return Math.max(top.userNodeMaxCount ?? min, min);
    }
    default:
      return top[key];
  }
}

/** The entries of an environment list as given: a list, or comma-separated names; undefined for anything else. */
export function environmentEntries(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string') return raw === '' ? [] : raw.split(/,[ ]*/);
  return undefined;
}

/** The name of an entry as given (a name, or a mapping's name), when it has one. */
export function entryName(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  const name = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

export interface CheckedEnvironments {
  environments?: Environment[];
  problems: Problem[];
}

const ENTRY_KEYS = ['name', ...ENVIRONMENT_SETTINGS] as const;

/**
 * Validates and completes the environment list against the top-level answers (which are the first
 * environment's). An entry is a name, or a mapping with a name and any of ENVIRONMENT_SETTINGS.
 * `fromText`: the list came from a flag or a prompt (comma-separated names). `known`: the entries an
 * earlier run stored (their settings fill in an entry of the same name).
 */
export function checkEnvironments(raw: unknown, top: Top, fromText: boolean, known: readonly Record<string, unknown>[] = []): CheckedEnvironments {
  const problems: Problem[] = [];
  let list = environmentEntries(raw);
  if (list === undefined) return { problems: [{ key: 'environments', value: raw, rule: 'must be a list of environment names or { name, ... } mappings, or comma-separated names such as dev,prod' }] };
  if (list.length === 0) return { problems: [{ key: 'environments', value: raw, rule: 'must name at least one environment' }] };
  const environments: Environment[] = [];
  // An environment the repository has keeps the settings it was deployed with wherever it now sits in
  // the list (those given now win; the first environment's are the top-level answers).
  list = list.map((item, index) => {
    if (index === 0) return item;
    const name = entryName(item);
    const stored = name === undefined ? undefined : known.find((e) => e.name === name);
    if (!stored) return item;
    return typeof item === 'string' ? { ...stored } : { ...stored, ...(item as object) };
  });
  // Address spaces given outright (or kept from an earlier run): a derived one avoids them too.
  const reserved = list.flatMap((item) => {
    const given = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as { addressSpace?: unknown }).addressSpace : undefined;
    return typeof given === 'string' ? [given] : [];
  });
  list.forEach((item, index) => {
    const at = `environments[${index}]`;
    let entry: Record<string, unknown>;
    if (typeof item === 'string') entry = { name: item };
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) entry = item as Record<string, unknown>;
    else {
      problems.push({ key: at, value: item, rule: 'must be an environment name or a mapping with at least a name' });
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
        const guess = closest(key, ENTRY_KEYS);
        problems.push({ key: `${at}.${key}`, rule: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}` });
      }
    }
    const name = entry.name;
    if (typeof name !== 'string') {
      problems.push({ key: `${at}.name`, value: name, rule: name === undefined ? 'is required' : 'must be a string' });
      return;
    }
    const nameProblem = basicString(name) ?? environmentName(name);
    if (nameProblem) {
      problems.push({ key: `${at}.name`, value: name, rule: nameProblem });
      return;
    }
    if (index === 0 && top.environment !== undefined && name !== top.environment) {
      problems.push({ key: `${at}.name`, value: name, rule: `differs from environment (${top.environment}): environment names the first environment; give the same name to both, or only environments` });
      return;
    }
    const duplicate = environments.findIndex((e) => e.name === name);
    if (duplicate >= 0) {
      problems.push({ key: `${at}.name`, value: name, rule: `duplicates environments[${duplicate}].name` });
      return;
    }
    const settings: Record<string, unknown> = {};
    let complete = true;
    for (const key of ENVIRONMENT_SETTINGS) {
      const field = fieldOf(key);
      if (entry[key] === undefined) {
        const value = index === 0 ? top[key] : derivedSetting(key, name, top, environments, reserved);
        if (value === undefined) {
          complete = false;
          if (key === 'addressSpace' && index > 0 && top.addressSpace !== undefined) {
            problems.push({ key: `${at}.addressSpace`, rule: `no free private block of the size of addressSpace (${top.addressSpace}) follows the earlier environments' (${environments.map((e) => e.addressSpace).join(', ')}); give this environment an addressSpace` });
          }
          continue;
        }
        settings[key] = value;
        continue;
      }
      const coerced = coerce(field, entry[key], fromText);
      if (!coerced.ok) {
        problems.push({ key: `${at}.${key}`, value: entry[key], rule: coerced.rule });
        complete = false;
        continue;
      }
      const value = coerced.value;
      const rule =
        (field.kind === 'string' ? basicString(value as string) : undefined) ??
        (field.kind === 'list' && field.itemRule ? (value as string[]).map((v) => field.itemRule!(v)).find(Boolean) : undefined) ??
        (field.rule as ((v: unknown) => string | undefined) | undefined)?.(value);
      if (rule) {
        problems.push({ key: `${at}.${key}`, value, rule });
        complete = false;
        continue;
      }
      // The first environment's settings are the top-level answers: a different value here would be a
      // second source of truth, so it is refused with the key to change instead.
      if (index === 0 && top[key] !== undefined && JSON.stringify(top[key]) !== JSON.stringify(value)) {
        problems.push({ key: `${at}.${key}`, value, rule: `differs from ${key} (${JSON.stringify(top[key])}): the first environment's settings are the top-level answers; change ${key} instead` });
        complete = false;
        continue;
      }
      settings[key] = value;
    }
    if (complete) environments.push({ name, ...settings } as Environment);
  });
  if (problems.length === 0) problems.push(...crossEnvironmentProblems(environments));
  return problems.length === 0 ? { environments, problems } : { problems };
}

/** Rules between environments: distinct global names, address spaces that do not overlap. */
function crossEnvironmentProblems(environments: Environment[]): Problem[] {
  const problems: Problem[] = [];
  environments.forEach((env, index) => {
    const at = `environments[${index}]`;
    // The first environment's counts are the top-level answers, checked there.
    if (index > 0 && env.userNodeMinCount > env.userNodeMaxCount) {
      problems.push({ key: `${at}.userNodeMinCount`, value: env.userNodeMinCount, rule: `must not exceed userNodeMaxCount (${env.userNodeMaxCount})` });
    }
    for (let other = 0; other < index; other++) {
      const earlier = environments[other]!;
      for (const key of ['acrName', 'keyVaultName', 'privateDnsZone', 'serviceConnection', 'agentPoolName'] as const) {
        if (env[key].toLowerCase() === earlier[key].toLowerCase()) {
          problems.push({ key: `${at}.${key}`, value: env[key], rule: `is also environment ${earlier.name}'s ${key}: each environment has its own` });
        }
      }
      const a = parseCidr(env.addressSpace);
      const b = parseCidr(earlier.addressSpace);
      if (typeof a !== 'string' && typeof b !== 'string' && overlaps(a, b)) {
        problems.push({ key: `${at}.addressSpace`, value: env.addressSpace, rule: `overlaps environment ${earlier.name}'s address space (${earlier.addressSpace}); give each environment its own range` });
      }
    }
  });
  return problems;
}

/** What differs between two environments' settings, one `key: stored → given` per setting. */
export function environmentChanges(stored: Environment, given: Environment): string[] {
  const show = (value: unknown) => (Array.isArray(value) ? `[${value.join(', ')}]` : String(value));
  return ENVIRONMENT_SETTINGS.filter((key) => JSON.stringify(stored[key]) !== JSON.stringify(given[key])).map((key) => `${key}: ${show(stored[key])} → ${show(given[key])}`);
}

/** How environments are stored: the first by name only (its settings are the top-level answers). */
export function storedEnvironments(environments: Environment[]): Array<string | Environment> {
  return environments.map((env, index) => (index === 0 ? env.name : env));
}

/** The answers as .yo-rc.json stores them: the first environment by name only (its settings are the top-level answers). */
export function storedAnswers(answers: Answers): Record<string, unknown> {
  return { ...answers, environments: storedEnvironments(answers.environments) };
}
