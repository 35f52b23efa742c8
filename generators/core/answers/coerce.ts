// Turns raw values (strings from the command line or prompts, typed values from YAML/JSON/.yo-rc.json)
// into the types the model declares. A wrong type is a Problem, never a silent conversion.
import type { Field } from './model.ts';

export type Coerced = { ok: true; value: unknown } | { ok: false; rule: string };

const TYPE_RULES = {
  string: 'must be a string',
  integer: 'must be a whole number',
  boolean: 'must be true or false',
  list: 'must be a list of strings (comma-separated on the command line)',
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
      if (Array.isArray(raw)) return raw.every((item) => typeof item === 'string') ? { ok: true, value: raw } : fail;
      if (fromText && typeof raw === 'string') return { ok: true, value: raw === '' ? [] : raw.split(',') };
      return fail;
    case 'workloads':
      return Array.isArray(raw) ? { ok: true, value: raw } : fail;
  }
}
