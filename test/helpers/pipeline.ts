// Checks for the emitted Azure Pipelines YAML, shared by the tests:
//   - parsePipelineYaml(): strict YAML parse (duplicate keys, warnings and errors all fail);
//   - expandPipeline(): resolves template references, `${{ parameters.x }}`, `${{ each }}` and the few
//     expression functions the templates use, the way Azure Pipelines compiles a run, checking every
//     template's typed parameters (unknown, missing, wrong type);
//   - validatePipelineTree(): the entry file, every template instantiation and the expanded pipeline
//     against the upstream Azure Pipelines schema (compiled once per run);
//   - pipelineJobs(): every job of the expanded pipeline with its stage, kind and pool.
import { Ajv, type ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { parseDocument } from 'yaml';
import { publish, runCache } from './run-cache.ts';

export const SCHEMAS_DIR = new URL('../../../shared/schemas/', import.meta.url);
export const PIPELINE_ENTRY = 'pipelines/azure-pipelines.yml';

type Obj = Record<string, unknown>;
const require = createRequire(import.meta.url);

export type TemplateKind = 'stages' | 'jobs' | 'steps' | 'variables';
const TEMPLATE_KINDS: TemplateKind[] = ['stages', 'jobs', 'steps', 'variables'];

interface Validators {
  pipeline: ValidateFunction;
  templates: Record<TemplateKind, ValidateFunction>;
}

/**
 * The schema README's options, and ajv's code generation without its optimisation pass: that pass
 * (dropping unused names, folding constants) is two thirds of compiling the whole 1.6 MB schema (2.6 s
 * of 3.9 s here) and changes no verdict, only the code's shape.
 */
const AJV_OPTIONS = { strict: false, unicodeRegExp: false, coerceTypes: true, allErrors: false, code: { optimize: false } } as const;
const TEMPLATE_DEFINITIONS: Record<TemplateKind, string> = { stages: 'stagesTemplate', jobs: 'jobsTemplate', steps: 'stepsTemplate', variables: 'variablesTemplate' };
/**
 * Compiling the 1.6 MB schema takes seconds; its compiled code (ajv's standalone code, the same
 * validation functions) takes a fraction of one to load. The first worker of a `vitest run` to need a
 * schema compiles it and writes that code to a folder named after the run (the workers' parent
 * process); the others load it.
 */
const RUN_CACHE = runCache('ajv');

interface TaskDefinition {
  anyOf?: unknown[];
  properties?: { task?: { anyOf?: unknown[] } };
}
interface PipelineSchema {
  $id: string;
  definitions: { task?: TaskDefinition };
}
/** The schema's text, its value, and whether its task branches all have the form validatorsFor relies on. */
let schemaFile: { text: string; schema: PipelineSchema; prunable: boolean } | undefined;
function pipelineSchema(): { text: string; schema: PipelineSchema; prunable: boolean } {
  if (!schemaFile) {
    const text = readFileSync(new URL('azure-pipelines.schema.json', SCHEMAS_DIR), 'utf8');
    const schema = JSON.parse(text) as PipelineSchema;
    const task = schema.definitions.task;
    const prunable = !!task?.anyOf?.every(branchTask) && !!task.properties?.task?.anyOf?.every(enumTask);
    schemaFile = { text, schema, prunable };
  }
  return schemaFile;
}

/** The validators of a schema (the pipeline and each template kind), with the options its README gives; `identity` names the schema in the run's cache. */
function compileValidators(schema: PipelineSchema, identity: string): Validators {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256').update(`${ajvVersion}\0${JSON.stringify(AJV_OPTIONS)}\0${identity}`).digest('hex').slice(0, 16);
  const cached = join(RUN_CACHE, `azure-pipelines-${key}.cjs`);
  if (existsSync(cached)) {
    const module = { exports: {} as Record<string, ValidateFunction> };
    new Function('require', 'module', 'exports', readFileSync(cached, 'utf8'))(require, module, module.exports);
    const loaded = module.exports;
    return { pipeline: loaded.pipeline!, templates: Object.fromEntries(TEMPLATE_KINDS.map((kind) => [kind, loaded[kind]!])) as Record<TemplateKind, ValidateFunction> };
  }
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code, source: true } });
  const pipeline = ajv.compile(schema);
  const definition = (kind: TemplateKind) => `${schema.$id}#/definitions/${TEMPLATE_DEFINITIONS[kind]}`;
  const compiled: Validators = {
    pipeline,
    templates: Object.fromEntries(TEMPLATE_KINDS.map((kind) => [kind, ajv.getSchema(definition(kind))!])) as Record<TemplateKind, ValidateFunction>,
  };
  publish(cached, standalone.default(ajv, { pipeline: schema.$id, ...Object.fromEntries(TEMPLATE_KINDS.map((kind) => [kind, definition(kind)])) }));
  return compiled;
}

let validators: Validators | undefined;
/** The validators of the whole Azure Pipelines schema, compiled once per run. */
export function pipelineValidators(): Validators {
  if (validators) return validators;
  const { text, schema } = pipelineSchema();
  validators = compileValidators(schema, text);
  return validators;
}

/** The task a branch of `definitions.task.anyOf` checks: its first property is `task`, with the pattern `^Name@N$`. */
function branchTask(branch: unknown): string | undefined {
  const properties = (branch as { properties?: Record<string, { pattern?: unknown }> } | null)?.properties;
  const pattern = properties && Object.keys(properties)[0] === 'task' ? properties.task!.pattern : undefined;
  return typeof pattern === 'string' ? /^\^([A-Za-z0-9]+@\d+)\$$/.exec(pattern)?.[1] : undefined;
}
/** The task a branch of `definitions.task.properties.task.anyOf` accepts: an `enum` of that one name. */
function enumTask(branch: unknown): string | undefined {
  const values = (branch as { enum?: unknown } | null)?.enum;
  return Array.isArray(values) && values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

/** Every value of a `task` key anywhere in a document (a step names its task there); undefined when one is not a string. */
export function taskNames(value: unknown, into = new Set<string>()): Set<string> | undefined {
  if (Array.isArray(value)) {
    for (const item of value) if (!taskNames(item, into)) return undefined;
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'task') {
        if (typeof item !== 'string') return undefined;
        into.add(item);
      }
      if (!taskNames(item, into)) return undefined;
    }
  }
  return into;
}

const forTasks = new Map<string, Validators>();
/**
 * Validators whose verdict on any document whose `task` values are all among `names` is the whole
 * schema's, at a fraction of the cost: the schema without the other tasks' branches.
 *
 * Most of the schema is `definitions.task`: an `anyOf` of one branch per task (259), each selected by
 * its `task` pattern `^Name@N$` and checking that task's inputs, and on the `task` property an `anyOf`
 * of one single-name `enum` per task. A step whose `task` is the string N can pass only N's branches,
 * so leaving out the branches of the names the document does not use changes no step's verdict. Nor
 * do they change the data the others see (ajv coerces types in place): `task` is each branch's first
 * property, so a branch of another task stops at its pattern before it reaches the inputs.
 * A three-environment pipeline validates in 0.6 ms this way, in 15 ms against the whole schema.
 * The whole schema is used when `names` is undefined (a `task` that is not a string: patterns do not
 * constrain it), or when a task branch of the schema is not of that form.
 */
export function validatorsFor(names: Set<string> | undefined): Validators {
  const { text, schema, prunable } = pipelineSchema();
  const task = schema.definitions.task;
  const branches = task?.anyOf;
  const enums = task?.properties?.task?.anyOf;
  if (!names || !prunable || !task || !branches || !enums) return pipelineValidators();
  const key = [...names].sort().join('\n');
  let pruned = forTasks.get(key);
  if (!pruned) {
    // An anyOf may not be empty: when no name of the document is among a list, its first branch stays,
    // which no step of the document passes, as none passes any branch of the whole list.
    const keep = (list: unknown[], nameOf: (branch: unknown) => string | undefined) => {
      const kept = list.filter((branch) => names.has(nameOf(branch)!));
      return kept.length > 0 ? kept : list.slice(0, 1);
    };
    const prunedTask: TaskDefinition = { ...task, anyOf: keep(branches, branchTask), properties: { ...task.properties, task: { ...task.properties!.task, anyOf: keep(enums, enumTask) } } };
    pruned = compileValidators({ ...schema, definitions: { ...schema.definitions, task: prunedTask } }, `${text}\0tasks\0${key}`);
    forTasks.set(key, pruned);
  }
  return pruned;
}

/** ajv mutates data when coercing types: validate a copy. */
function schemaErrors(validate: ValidateFunction, value: unknown, label: string): string[] {
  const copy = structuredClone(value);
  if (validate(copy)) return [];
  // The task `anyOf` yields hundreds of errors; the deepest paths say most.
  const errors = [...(validate.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length).slice(0, 5);
  return errors.map((e) => `${label}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Parsed files by path and text: a template included many times (or identical in many trees) is parsed once. */
const parsedFiles = new Map<string, Obj>();

/** Strict parse: any YAML error or warning (duplicate keys included) throws. Every call returns a fresh copy. */
export function parsePipelineYaml(text: string, path: string): Obj {
  const key = `${path}\0${text}`;
  let value = parsedFiles.get(key);
  if (!value) {
    const doc = parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: true });
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length) throw new Error(`${path}: ${problems.map((p) => p.message).join('; ')}`);
    const parsed = doc.toJS() as unknown;
    if (!isObj(parsed)) throw new Error(`${path}: not a mapping`);
    value = parsed;
    parsedFiles.set(key, value);
  }
  return structuredClone(value);
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Template expressions: the subset the emitted templates use. Anything else throws, so a template
// that starts using more fails here loudly rather than passing unchecked.

interface Scope {
  parameters: Obj;
  locals: Obj;
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  replace: (s, a, b) => String(s).replaceAll(String(a), String(b)),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
  format: (f, ...args) => String(f).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])),
  // Azure Pipelines compares strings ignoring case; our templates compare names and ''.
  eq: (a, b) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b),
  ne: (a, b) => !(typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b),
  length: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : isObj(v) ? Object.keys(v).length : 0),
};

/** Truthiness of a template expression's value, as Azure Pipelines casts it to a boolean. */
function truthy(value: unknown): boolean {
  return !(value === false || value === null || value === undefined || value === '' || value === 0);
}

const IF = /^\$\{\{\s*if\s+(.+?)\s*\}\}$/;
const ELSEIF = /^\$\{\{\s*elseif\s+(.+?)\s*\}\}$/;
const ELSE = /^\$\{\{\s*else\s*\}\}$/;

/**
 * For a key of a conditional insertion (`${{ if x }}`, `${{ elseif x }}`, `${{ else }}`), whether its
 * body is inserted, given whether an earlier branch of the same chain was; undefined for other keys.
 */
function branch(key: string, scope: Scope, chainTaken: boolean | undefined, file: string): { insert: boolean; taken: boolean } | undefined {
  const ifMatch = IF.exec(key);
  if (ifMatch) {
    const insert = truthy(evaluate(ifMatch[1]!, scope));
    return { insert, taken: insert };
  }
  const elseifMatch = ELSEIF.exec(key);
  const elseMatch = ELSE.exec(key);
  if (!elseifMatch && !elseMatch) return undefined;
  if (chainTaken === undefined) throw new Error(`${file}: ${key} without an if before it`);
  if (chainTaken) return { insert: false, taken: true };
  const insert = elseMatch ? true : truthy(evaluate(elseifMatch![1]!, scope));
  return { insert, taken: insert };
}

function evaluate(source: string, scope: Scope): unknown {
  let pos = 0;
  const text = source.trim();
  const skip = () => {
    while (text[pos] === ' ') pos++;
  };
  const ident = () => {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(pos));
    if (!m) throw new Error(`expression ${JSON.stringify(source)}: expected a name at ${pos}`);
    pos += m[0].length;
    return m[0];
  };
  const expr = (): unknown => {
    skip();
    if (text[pos] === "'") {
      let out = '';
      pos++;
      for (;;) {
        if (pos >= text.length) throw new Error(`expression ${JSON.stringify(source)}: unterminated string`);
        if (text[pos] === "'") {
          if (text[pos + 1] === "'") {
            out += "'";
            pos += 2;
            continue;
          }
          pos++;
          return out;
        }
        out += text[pos++];
      }
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(pos));
    if (number) {
      pos += number[0].length;
      return Number(number[0]);
    }
    const name = ident();
    skip();
    if (text[pos] === '(') {
      const fn = FUNCTIONS[name.toLowerCase()];
      if (!fn) throw new Error(`expression ${JSON.stringify(source)}: function ${name} is not supported by the test expander`);
      pos++;
      const args: unknown[] = [];
      skip();
      if (text[pos] !== ')') {
        for (;;) {
          args.push(expr());
          skip();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          break;
        }
      }
      if (text[pos] !== ')') throw new Error(`expression ${JSON.stringify(source)}: expected ) at ${pos}`);
      pos++;
      return fn(...args);
    }
    if (name === 'true' || name === 'false') return name === 'true';
    let value: unknown;
    if (name === 'parameters') value = scope.parameters;
    else if (Object.hasOwn(scope.locals, name)) value = scope.locals[name];
    else throw new Error(`expression ${JSON.stringify(source)}: ${name} is not defined here`);
    const path = [name];
    while (text[pos] === '.') {
      pos++;
      const key = ident();
      path.push(key);
      if (!isObj(value) || !Object.hasOwn(value, key)) throw new Error(`expression ${JSON.stringify(source)}: ${path.join('.')} is not defined`);
      value = value[key];
    }
    return value;
  };
  const value = expr();
  skip();
  if (pos !== text.length) throw new Error(`expression ${JSON.stringify(source)}: unexpected ${JSON.stringify(text.slice(pos))}`);
  return value;
}

const WHOLE = /^\$\{\{(.+)\}\}$/s;
const EMBEDDED = /\$\{\{(.+?)\}\}/g;
const EACH = /^\$\{\{\s*each\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+(.+?)\s*\}\}$/;

export interface TemplateUse {
  path: string;
  kind: TemplateKind;
  parameters: Obj;
  expanded: unknown[];
}

export interface Expansion {
  pipeline: Obj;
  uses: TemplateUse[];
}

class Expander {
  readonly uses: TemplateUse[] = [];
  readonly files: Map<string, string>;
  constructor(files: Map<string, string>) {
    this.files = files;
  }

  load(path: string): Obj {
    const text = this.files.get(path);
    if (text === undefined) throw new Error(`template ${path} does not exist`);
    return parsePipelineYaml(text, path);
  }

  value(node: unknown, scope: Scope, file: string): unknown {
    if (typeof node === 'string') {
      const whole = WHOLE.exec(node);
      if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, scope);
      return node.replace(EMBEDDED, (_, inner: string) => {
        const v = evaluate(inner, scope);
        if (typeof v === 'object' && v !== null) throw new Error(`${file}: ${node} places an object inside a string`);
        return String(v);
      });
    }
    if (Array.isArray(node)) return this.list(node, scope, file);
    if (isObj(node)) {
      const out: Obj = {};
      let chain: boolean | undefined;
      for (const [key, value] of Object.entries(node)) {
        const taken = branch(key, scope, chain, file);
        if (taken) {
          chain = taken.taken;
          if (!taken.insert) continue;
          const body = this.value(value, scope, file);
          if (!isObj(body)) throw new Error(`${file}: the body of ${key} in a mapping is not a mapping`);
          Object.assign(out, body);
          continue;
        }
        chain = undefined;
        if (key.includes('${{')) throw new Error(`${file}: the test expander does not support ${key} as a mapping key`);
        out[key] = this.value(value, scope, file);
      }
      return out;
    }
    return node;
  }

  list(items: unknown[], scope: Scope, file: string): unknown[] {
    const out: unknown[] = [];
    let chain: boolean | undefined;
    for (const item of items) {
      const keys = isObj(item) ? Object.keys(item) : [];
      const each = keys.length === 1 ? EACH.exec(keys[0]!) : null;
      const taken = keys.length === 1 ? branch(keys[0]!, scope, chain, file) : undefined;
      chain = taken?.taken;
      if (taken) {
        const body = (item as Obj)[keys[0]!];
        if (!Array.isArray(body)) throw new Error(`${file}: the body of ${keys[0]} in a list is not a list`);
        if (taken.insert) out.push(...this.list(body, scope, file));
      } else if (each) {
        const collection = evaluate(each[2]!, scope);
        if (!Array.isArray(collection)) throw new Error(`${file}: ${keys[0]} does not iterate over a list`);
        const body = (item as Obj)[keys[0]!];
        if (!Array.isArray(body)) throw new Error(`${file}: the body of ${keys[0]} is not a list`);
        for (const element of collection) {
          out.push(...this.list(body, { parameters: scope.parameters, locals: { ...scope.locals, [each[1]!]: element } }, file));
        }
      } else if (keys.some((k) => k.includes('${{'))) {
        throw new Error(`${file}: the test expander does not support ${keys.join(', ')}`);
      } else if (isObj(item) && typeof item.template === 'string' && keys.every((k) => k === 'template' || k === 'parameters')) {
        out.push(...this.include(item.template, this.value(item.parameters ?? {}, scope, file), file));
      } else {
        out.push(this.value(item, scope, file));
      }
    }
    return out;
  }

  include(reference: string, provided: unknown, from: string): unknown[] {
    const path = reference.startsWith('/') ? reference.slice(1) : posix.join(posix.dirname(from), reference);
    const doc = this.load(path);
    const kinds = TEMPLATE_KINDS.filter((k) => k in doc);
    if (kinds.length !== 1) throw new Error(`${path}: a template has exactly one of ${TEMPLATE_KINDS.join(', ')}`);
    const kind = kinds[0]!;
    const extra = Object.keys(doc).filter((k) => k !== kind && k !== 'parameters');
    if (extra.length) throw new Error(`${path}: unexpected top-level keys ${extra.join(', ')}`);
    if (!isObj(provided)) throw new Error(`${from}: parameters of ${reference} are not a mapping`);
    const parameters = bindParameters(path, doc.parameters, provided);
    const expanded = this.list(doc[kind] as unknown[], { parameters, locals: {} }, path);
    this.uses.push({ path, kind, parameters, expanded });
    return expanded;
  }
}

interface Declared {
  name: string;
  type?: string;
  default?: unknown;
  values?: unknown[];
}

function bindParameters(path: string, declared: unknown, provided: Obj): Obj {
  if (declared !== undefined && !Array.isArray(declared)) throw new Error(`${path}: parameters must be a typed list`);
  const list = (declared ?? []) as Declared[];
  const names = new Set(list.map((p) => p.name));
  const unknown = Object.keys(provided).filter((k) => !names.has(k));
  if (unknown.length) throw new Error(`${path}: unexpected parameters ${unknown.join(', ')}`);
  const bound: Obj = {};
  for (const p of list) {
    if (!p.type) throw new Error(`${path}: parameter ${p.name} has no type`);
    const value = Object.hasOwn(provided, p.name) ? provided[p.name] : p.default;
    if (value === undefined) throw new Error(`${path}: parameter ${p.name} is required and was not given`);
    const ok =
      p.type === 'string' ? typeof value === 'string'
      : p.type === 'number' ? typeof value === 'number'
      : p.type === 'boolean' ? typeof value === 'boolean'
      : p.type === 'object' ? value !== null
      : p.type === 'stringList' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
      : p.type.endsWith('List') ? Array.isArray(value)
      : isObj(value);
    if (!ok) throw new Error(`${path}: parameter ${p.name} is declared ${p.type} but got ${JSON.stringify(value)}`);
    if (p.values && !p.values.includes(value)) throw new Error(`${path}: parameter ${p.name} is not one of ${p.values.join(', ')}`);
    bound[p.name] = value;
  }
  return bound;
}

/**
 * The pipeline as Azure Pipelines compiles it for a run with the parameters' defaults (or
 * `runParameters`): every template included, every template expression evaluated.
 */
export function expandPipeline(files: Map<string, string>, entry = PIPELINE_ENTRY, runParameters: Obj = {}): Expansion {
  const expander = new Expander(files);
  const root = expander.load(entry);
  const parameters = bindParameters(entry, root.parameters, runParameters);
  const scope: Scope = { parameters, locals: {} };
  const pipeline: Obj = {};
  for (const [key, value] of Object.entries(root)) {
    if (key === 'parameters') continue;
    pipeline[key] = key === 'stages' || key === 'jobs' || key === 'steps' ? expander.list(value as unknown[], scope, entry) : expander.value(value, scope, entry);
  }
  const leftover = JSON.stringify(pipeline).match(/\$\{\{[^}]*\}\}/);
  if (leftover) throw new Error(`${entry}: unexpanded template expression ${leftover[0]}`);
  return { pipeline, uses: expander.uses };
}

/**
 * Every schema problem of a pipeline tree: the entry file as written, each template file's
 * declarations, each template as instantiated, and the expanded pipeline. Empty means valid.
 */
export function validatePipelineTree(files: Map<string, string>, entry = PIPELINE_ENTRY): string[] {
  const raw = parsePipelineYaml(files.get(entry)!, entry);
  const { pipeline, uses } = expandPipeline(files, entry);
  const templateDocs = new Map<string, { kind: TemplateKind; doc: Obj }>();
  for (const use of uses) if (!templateDocs.has(use.path)) templateDocs.set(use.path, { kind: use.kind, doc: parsePipelineYaml(files.get(use.path)!, use.path) });
  // Every document checked below uses only tasks named in the files or their expansion (validatorsFor).
  const names = taskNames([raw, pipeline, uses.map((use) => use.expanded), [...templateDocs.values()].map(({ doc }) => doc)]);
  const { pipeline: validatePipeline, templates } = validatorsFor(names);
  const problems: string[] = [];
  problems.push(...schemaErrors(validatePipeline, raw, `${entry} (as written)`));
  problems.push(...schemaErrors(validatePipeline, pipeline, `${entry} (expanded)`));
  const declared = new Set<string>();
  for (const use of uses) {
    problems.push(...schemaErrors(templates[use.kind], { [use.kind]: use.expanded }, `${use.path} (instantiated)`));
    if (declared.has(use.path)) continue;
    declared.add(use.path);
    const { doc } = templateDocs.get(use.path)!;
    problems.push(...schemaErrors(templates[use.kind], { parameters: doc.parameters ?? [] }, `${use.path} (parameters)`));
  }
  return problems;
}

export interface PipelineJob {
  stage: string;
  id: string;
  kind: 'job' | 'deployment';
  job: Obj;
  /** The pool the job runs on (job, else stage, else pipeline level). */
  pool: unknown;
  steps: Obj[];
}

/** Every job of an expanded pipeline, with the pool it runs on and its steps (deployment hooks included). */
export function pipelineJobs(pipeline: Obj): PipelineJob[] {
  const jobs: PipelineJob[] = [];
  for (const stage of (pipeline.stages ?? []) as Obj[]) {
    for (const job of (stage.jobs ?? []) as Obj[]) {
      const kind = 'deployment' in job ? 'deployment' : 'job';
      const steps: Obj[] = [];
      if (kind === 'job') steps.push(...((job.steps ?? []) as Obj[]));
      else {
        for (const strategy of Object.values((job.strategy ?? {}) as Obj) as Obj[]) {
          for (const hook of Object.values(strategy) as Obj[]) {
            const hooks = 'steps' in hook ? [hook] : (Object.values(hook) as Obj[]);
            for (const h of hooks) steps.push(...((h.steps ?? []) as Obj[]));
          }
        }
      }
      jobs.push({ stage: String(stage.stage), id: String(job[kind]), kind, job, pool: job.pool ?? stage.pool ?? pipeline.pool, steps });
    }
  }
  return jobs;
}

/** The `{ name, namespace }` entries of the entry file's `workloads` parameter, as written. */
export function pipelineWorkloads(text: string, path = PIPELINE_ENTRY): Array<{ name: unknown; namespace: unknown }> {
  const parameters = parsePipelineYaml(text, path).parameters as Obj[] | undefined;
  const workloads = parameters?.find((p) => p.name === 'workloads');
  if (!workloads || workloads.type !== 'object' || !Array.isArray(workloads.default)) throw new Error(`${path}: no object parameter workloads with a list default`);
  return (workloads.default as Obj[]).map((w) => {
    if (Object.keys(w).sort().join() !== 'name,namespace') throw new Error(`${path}: workload entry ${JSON.stringify(w)} is not { name, namespace }`);
    return { name: w.name, namespace: w.namespace };
  });
}

/** Every value of a given key anywhere in a document (e.g. all `vmImage` or `pool` values). */
export function valuesOfKey(node: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isObj(n)) {
      for (const [k, v] of Object.entries(n)) {
        if (k === key) found.push(v);
        walk(v);
      }
    }
  };
  walk(node);
  return found;
}
