// Renders a template tree for a context into a map of output path -> content, in memory. Nothing is
// written here: the generator hands the complete map to Yeoman's in-memory file system afterwards,
// so a failure while rendering leaves the destination untouched.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Context } from '../plan/context.ts';
import type { WorkloadContext } from '../plan/workload.ts';
import type { OverlayPart } from '../plan/k8s.ts';
import { plainToken } from '../plan/escape.ts';
import { included, outputPath, placeOf } from './files.ts';

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
/** ejs is loaded on first use: a run that fails validation never pays for it. */
async function ejs(): Promise<Ejs> {
  if (!ejsModule) {
    const imported = (await import('ejs')) as Ejs & { default?: Ejs };
    ejsModule = imported.default ?? imported;
  }
  return ejsModule;
}

export interface RenderOptions {
  /** Only render templates whose path matches (used by the workload generator). */
  filter?: (templatePath: string) => boolean;
  /** Only these workloads for `__workload__` templates (default: all of ctx.workloads). */
  workloads?: WorkloadContext[];
}

type Template = (data: object) => string;
/** Compiled templates by file name, reused while the file's source is the same. */
const compiled = new Map<string, { source: string; template: Template }>();

export async function renderTree(templateRoot: string, ctx: Context, options: RenderOptions = {}): Promise<Map<string, string>> {
  const { compile } = await ejs();
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
    // Compiled once, rendered per target: a __workload__ template costs one compile, not one per workload,
    // and a run that renders twice (a re-run renders the stored answers too) compiles each file once.
    const cached = compiled.get(filename);
    let template = cached?.source === source ? cached.template : undefined;
    for (const { path: out, env, w, ns, part } of targets) {
      try {
        if (!template) {
          template = compile(source, { filename, escape: plainToken, async: false }) as Template;
          compiled.set(filename, { source, template });
        }
        output.set(out, template({ ...env, w, ns, part }));
      } catch (error) {
        const inEnvironment = perEnvironment && ctx.environments.length > 1 ? ` in environment ${env.answers.environment}` : '';
        throw new Error(`rendering ${templatePath}${w ? ` for workload ${w.name}` : ns ? ` for namespace ${ns}` : part ? ` for part ${part.name}` : ''}${inEnvironment} failed: ${(error as Error).message}`);
      }
    }
  }
  return output;
}
