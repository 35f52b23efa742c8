// Turns raw values (strings from the command line or prompts, typed values from YAML/JSON/.yo-rc.json)
// into the types the model declares. A wrong type is a Problem, never a silent conversion; the one
// leniency is for lists, written the ways people naturally write them (see coerceList).
import type { Field } from './model.ts';

export type Coerced = { ok: true; value: unknown } | { ok: false; rule: string };

const TYPE_RULES = {
  string: 'must be a string',
  integer: 'must be a whole number',
  boolean: 'must be true or false',
  list: 'must be a list (such as [1, 2, 3] or - items) or comma-separated text such as 1,2,3',
  environments: 'must be a list of environments (names or { name, ... } mappings) or comma-separated names such as dev,prod',
  workloads: 'must be a list of workloads',
} as const;

export function typeRule(field: Pick<Field, 'kind'>): string {
  return TYPE_RULES[field.kind];
}

/** `fromText` is true for command-line and prompt input, where everything arrives as text. */
export function coerce(field: Pick<Field, 'kind'>, raw: unknown, fromText: boolean): Coerced {
  const fail = { ok: false, rule: typeRule(field) } as const;
  switch (field.kind) {
    case 'string':
      return typeof raw === 'string' ? { ok: true, value: raw } : fail;
    case 'integer':
      if (typeof raw === 'number') return Number.isInteger(raw) ? { ok: true, value: raw } : fail;
      if (fromText && typeof raw === 'string' && /^[+-]?\d{1,9}$/.test(raw)) return { ok: true, value: Number(raw) };
      return fail;
    case 'boolean':
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (fromText && typeof raw === 'string' && /^(true|false)$/.test(raw)) return { ok: true, value: raw === 'true' };
      return fail;
    case 'list':
      return coerceList(raw, fromText) ?? fail;
    case 'environments':
      return Array.isArray(raw) || (fromText && typeof raw === 'string') ? { ok: true, value: raw } : fail;
    case 'workloads':
      return Array.isArray(raw) ? { ok: true, value: raw } : fail;
  }
}

/**
 * A list of strings from the ways people write one: a list of strings; a list with whole numbers
 * (YAML's `[1, 2, 3]`, as Azure's docs and CLI write availability zones), each read as its decimal
 * text; comma-separated text (`1,2,3` or `1, 2, 3`, on the command line and in an answers file), the
 * spaces after each comma dropped; a single whole number (`availabilityZones: 1`). Anything else
 * (booleans, fractions, mappings, null) is not a list.
 */
function coerceList(raw: unknown, fromText: boolean): Coerced | undefined {
  const item = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (Array.isArray(raw)) {
    const items = raw.map(item);
    return items.every((i) => i !== undefined) ? { ok: true, value: items } : undefined;
  }
  if (typeof raw === 'string') return { ok: true, value: raw === '' ? [] : raw.split(/,[ ]*/) };
  if (!fromText && typeof raw === 'number' && item(raw) !== undefined) return { ok: true, value: [item(raw)!] };
  return undefined;
}
