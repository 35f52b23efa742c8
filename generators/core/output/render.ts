// Renders a template tree for a context into a map of output path -> content, in memory. Nothing is
// written here: the generator hands the complete map to Yeoman's in-memory file system afterwards,
// so a failure while rendering leaves the destination untouched. Each template renders through the
// function the build compiled from it (dist/templates/<generator>.js, output/template-source.ts) while
// that function's hash matches the template's text, and through ejs compiling the text now otherwise.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from '../plan/context.ts';
import type { WorkloadContext } from '../plan/workload.ts';
import type { OverlayPart } from '../plan/k8s.ts';
import { plainToken } from '../plan/escape.ts';
import { PACKAGE_ROOT } from '../support/paths.ts';
import { included, outputPath, placeOf } from './files.ts';
import { templateError, templateHash, type TemplateFunction } from './template-source.ts';

export const WORKLOAD_SEGMENT = '__workload__';
/** A path segment replaced by the environment label (infra/__environment__.bicepparam, k8s/overlays/__environment__). */
export const ENVIRONMENT_SEGMENT = '__environment__';
/** A path segment rendered once per distinct workload namespace, with `ns` bound to its name (k8s/base/namespaces/__namespace__). */
export const NAMESPACE_SEGMENT = '__namespace__';
/** A path segment rendered once per part of an environment, with `part` bound to it (k8s/overlays/__environment__/parts/__part__). */
export const PART_SEGMENT = '__part__';

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

type Ejs = typeof import('ejs');
let ejsModule: Ejs | undefined;
/** ejs is loaded only to compile a template that has no precompiled function for its text (normally none). */
async function ejs(): Promise<Ejs> {
  if (!ejsModule) {
    const imported = (await import('ejs')) as Ejs & { default?: Ejs };
    ejsModule = imported.default ?? imported;
  }
  return ejsModule;
}

/** What dist/templates/<generator>.js exports (scripts/precompile-templates.mjs writes it). */
export type PrecompiledTemplates = Record<string, { hash: string; render: TemplateFunction }>;

/** The precompiled functions of a template tree of this package, by template path ({} when there are none). */
const precompiled = new Map<string, Promise<PrecompiledTemplates>>();
export function precompiledTemplates(templateRoot: string): Promise<PrecompiledTemplates> {
  let loaded = precompiled.get(templateRoot);
  if (!loaded) {
    const generator = relative(join(PACKAGE_ROOT, 'templates'), templateRoot);
    const file = join(PACKAGE_ROOT, 'dist', 'templates', `${generator}.js`);
    loaded = /^[a-z]+$/.test(generator) && existsSync(file)
      ? import(pathToFileURL(file).href).then((module: { templates: PrecompiledTemplates }) => module.templates)
      : Promise.resolve({});
    precompiled.set(templateRoot, loaded);
  }
  return loaded;
}

/**
 * The function for a template's text: its precompiled one when that was compiled from this very text;
 * otherwise ejs compiles the text now, exactly as the renderer did before templates were precompiled.
 */
export async function templateFunction(templatePath: string, filename: string, source: string, functions: PrecompiledTemplates): Promise<TemplateFunction> {
  const entry = Object.hasOwn(functions, templatePath) ? functions[templatePath] : undefined;
  if (entry && entry.hash === templateHash(source)) return entry.render;
  const compiled = (await ejs()).compile(source, { filename, escape: plainToken, async: false }) as (data: object) => string;
  return (locals, w, ns, part) => compiled({ ...locals, w, ns, part });
}

export interface RenderOptions {
  /** Only render templates whose path matches (used by the workload generator). */
  filter?: (templatePath: string) => boolean;
  /** Only these workloads for `__workload__` templates (default: all of ctx.workloads). */
  workloads?: WorkloadContext[];
}

/** Template functions by file name, reused while the file's source is the same. */
const compiled = new Map<string, { source: string; template: TemplateFunction }>();

export async function renderTree(templateRoot: string, ctx: Context, options: RenderOptions = {}): Promise<Map<string, string>> {
  const functions = await precompiledTemplates(templateRoot);
  const output = new Map<string, string>();
  const only = options.workloads ? new Set(options.workloads.map((w) => w.name)) : undefined;
  for (const templatePath of listFiles(templateRoot)) {
    const path = outputPath(templatePath);
    if (!path || (options.filter && !options.filter(templatePath))) continue;
    // A file of one environment renders once per environment, with that environment's context.
    const placed = placeOf(path, ctx);
    const perEnvironment = placed.includes(ENVIRONMENT_SEGMENT);
    const candidates: Array<{ path: string; env: Context; w?: WorkloadContext; ns?: string; part?: OverlayPart }> = [];
    for (const env of perEnvironment ? ctx.environments : [ctx]) {
      const target = placed.replaceAll(ENVIRONMENT_SEGMENT, env.answers.environment);
      const workloads = only ? env.workloads.filter((w) => only.has(w.name)) : env.workloads;
      if (target.includes(WORKLOAD_SEGMENT)) candidates.push(...workloads.map((w) => ({ path: target.replaceAll(WORKLOAD_SEGMENT, w.name), env, w })));
      else if (target.includes(PART_SEGMENT)) candidates.push(...env.k8s.parts.map((part) => ({ path: target.replaceAll(PART_SEGMENT, part.name), env, part })));
      else if (target.includes(NAMESPACE_SEGMENT)) candidates.push(...[...new Set(workloads.map((w) => w.namespace))].map((ns) => ({ path: target.replaceAll(NAMESPACE_SEGMENT, ns), env, ns })));
      else candidates.push({ path: target, env });
    }
    const targets = candidates.filter((t) => included(templatePath, t.env, t.w));
    if (targets.length === 0) continue;
    const filename = join(templateRoot, templatePath);
    const source = readFileSync(filename, 'utf8');
    // Looked up (or compiled) once, rendered per target: a __workload__ template costs one lookup, not one
    // per workload, and a run that renders twice (a re-run renders the stored answers too) does it once.
    const cached = compiled.get(filename);
    let template = cached?.source === source ? cached.template : undefined;
    const rethrow = (error: unknown, line: number): never => {
      throw templateError(error, source, filename, line);
    };
    for (const { path: out, env, w, ns, part } of targets) {
      try {
        if (!template) {
          template = await templateFunction(templatePath, filename, source, functions);
          compiled.set(filename, { source, template });
        }
        output.set(out, template(env, w, ns, part, plainToken, rethrow));
      } catch (error) {
        const inEnvironment = perEnvironment && ctx.environments.length > 1 ? ` in environment ${env.answers.environment}` : '';
        throw new Error(`rendering ${templatePath}${w ? ` for workload ${w.name}` : ns ? ` for namespace ${ns}` : part ? ` for part ${part.name}` : ''}${inEnvironment} failed: ${(error as Error).message}`);
      }
    }
  }
  return output;
}
