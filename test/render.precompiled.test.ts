// The templates compiled ahead of time (scripts/precompile-templates.mjs -> dist/templates/app.js,
// output/template-source.ts): every template has one, compiled from its current text; it renders exactly
// what ejs compiling the template at run time renders (the way the renderer worked before), for every
// target of several answer sets, and fails with the same message; and a function whose hash does not
// match the template's text is never used: ejs compiles the template at run time instead.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import ejs from 'ejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainToken } from '../generators/core/plan/escape.ts';
import { buildContext, type Context } from '../generators/core/plan/context.ts';
import type { OverlayPart } from '../generators/core/plan/k8s.ts';
import type { WorkloadContext } from '../generators/core/plan/workload.ts';
import type { Answers } from '../generators/core/answers/model.ts';
import { precompiledTemplates, renderTree, templateFunction, type PrecompiledTemplates } from '../generators/core/output/render.ts';
import { precompilable, templateError, templateHash, type TemplateFunction } from '../generators/core/output/template-source.ts';
import { PACKAGE_VERSION, templateRoot } from '../generators/core/support/paths.ts';
import { assertBuilt } from './helpers/cli.ts';
import { resolveOrThrow, type AnswerInput } from './helpers/generate.ts';

const ROOT = templateRoot('app');
const TEMPLATES = readdirSync(ROOT, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ejs'))
  .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'))
  .sort();
const text = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Answer sets that between them take every branch the golden cases take, and several environments. */
const ANSWER_SETS: Record<string, AnswerInput> = {
  default: {},
  'vmss, NAT gateway, three workloads (a worker, a shared namespace, one without secrets, one not exposed)': {
    name: 'shop',
    agentPool: 'vmss',
    egress: 'natGateway',
    bastion: false,
    workloads: [
      { name: 'orders', namespace: 'commerce', port: 8080, replicas: 2, secrets: ['orders-db', 'api-key'] },
      { name: 'payments', namespace: 'commerce', kind: 'worker', replicas: 3, secrets: ['psp-key'] },
      { name: 'admin', namespace: 'ops', port: 8080, replicas: 1, secrets: [], expose: 'none' },
    ],
  },
  // An answers file's entries: a name, or a name with settings of its own.
  'three environments': { environments: ['dev', 'test', { name: 'prod', addressSpace: '10.44.0.0/16' }] as unknown as Answers['environments'], systemNodeCount: 1, userNodeMinCount: 1, userNodeMaxCount: 2 },
  'no workloads': { workloads: [] },
};

/** Every way a template is rendered for a context: each environment, and per workload, overlay part or namespace where its path says so. */
function targets(path: string, ctx: Context): Array<{ env: Context; w?: WorkloadContext; ns?: string; part?: OverlayPart }> {
  const out: Array<{ env: Context; w?: WorkloadContext; ns?: string; part?: OverlayPart }> = [];
  for (const env of ctx.environments) {
    if (path.includes('__workload__')) out.push(...env.workloads.map((w) => ({ env, w })));
    else if (path.includes('__part__')) out.push(...env.k8s.parts.map((part) => ({ env, part })));
    else if (path.includes('__namespace__')) out.push(...[...new Set(env.workloads.map((w) => w.namespace))].map((ns) => ({ env, ns })));
    else out.push({ env });
  }
  return out;
}

/** Renders, or the message it throws (a template that does not apply to a context may throw: both must then throw). */
function outcome(render: () => string): { text: string } | { error: true } {
  try {
    return { text: render() };
  } catch {
    return { error: true };
  }
}

describe('templates compiled ahead of time (dist/templates/app.js)', () => {
  let precompiled: PrecompiledTemplates;
  /** The templates that rendered text (not only an error) for an answer set above. */
  const compared = new Set<string>();
  beforeAll(async () => {
    assertBuilt();
    precompiled = await precompiledTemplates(ROOT);
  });

  it('holds one function per template, compiled from its current text, and nothing else', () => {
    // Every template of the package is precompiled: none includes a partial (which ejs would include at run time).
    expect(TEMPLATES.filter((path) => !precompilable(text(path)))).toEqual([]);
    expect(Object.keys(precompiled).sort()).toEqual(TEMPLATES);
    for (const path of TEMPLATES) expect(precompiled[path]!.hash, `${path}: run npm run build`).toBe(templateHash(text(path)));
  });

  for (const [name, input] of Object.entries(ANSWER_SETS)) {
    it(`renders every template exactly as ejs compiling it at run time does: ${name}`, () => {
      const ctx = buildContext(resolveOrThrow(input), PACKAGE_VERSION);
      for (const path of TEMPLATES) {
        const source = text(path);
        const filename = join(ROOT, path);
        // The renderer as it was: ejs compiles the text, locals in scope through `with`.
        const reference = ejs.compile(source, { filename, escape: plainToken, async: false }) as (data: object) => string;
        const rethrow = (error: unknown): never => {
          throw error;
        };
        for (const { env, w, ns, part } of targets(path, ctx)) {
          const expected = outcome(() => reference({ ...env, w, ns, part }));
          const where = `${path}${w ? ` for ${w.name}` : ns ? ` for ${ns}` : part ? ` for ${part.name}` : ''} in ${env.answers.environment}`;
          expect(outcome(() => precompiled[path]!.render(env, w, ns, part, plainToken, rethrow)), where).toEqual(expected);
          if ('text' in expected) compared.add(path);
        }
      }
    });
  }

  it('has compared every template on a text it renders', () => {
    expect([...compared].sort()).toEqual(TEMPLATES);
  });

  it('fails where ejs fails, with the message ejs gives: the template, its line, the lines around it', () => {
    const path = 'README.md.ejs';
    const filename = join(ROOT, path);
    const ctx = buildContext(resolveOrThrow({}), PACKAGE_VERSION);
    // The environment's name is the first value the README places with <%= %> (its line 4).
    const escape = (value: unknown) => {
      if (value === ctx.answers.environment) throw new Error('escape refused');
      return plainToken(value);
    };
    const failure = (render: () => string) => {
      try {
        render();
      } catch (error) {
        return (error as Error).message;
      }
      return 'rendered';
    };
    const reference = ejs.compile(text(path), { filename, escape, async: false }) as (data: object) => string;
    const expected = failure(() => reference({ ...ctx, w: undefined, ns: undefined }));
    expect(expected).toMatch(/README\.md\.ejs:4\n[^]* >> 4\| [^]*\n\nescape refused$/);
    const rethrow = (error: unknown, line: number): never => {
      throw templateError(error, text(path), filename, line);
    };
    expect(failure(() => precompiled[path]!.render(ctx, undefined, undefined, undefined, escape, rethrow))).toBe(expected);
  });

  it('uses a precompiled function only while its hash matches the text; otherwise ejs compiles the text', async () => {
    const path = 'dot-editorconfig.ejs';
    const filename = join(ROOT, path);
    const source = text(path);
    const stale: TemplateFunction = () => 'stale';
    const never = () => undefined as never;
    // The hash of the text the function was compiled from: used as it is.
    expect(await templateFunction(path, filename, source, { [path]: { hash: templateHash(source), render: stale } })).toBe(stale);
    // Any other hash (the template changed since the build), or no function: ejs compiles the text on disk.
    const edited = `${source}# edited <%= answers.name %>\n`;
    const ctx = buildContext(resolveOrThrow({}), PACKAGE_VERSION);
    const choices: PrecompiledTemplates[] = [{ [path]: { hash: templateHash(source), render: stale } }, {}];
    for (const functions of choices) {
      const fresh = await templateFunction(path, filename, edited, functions);
      expect(fresh).not.toBe(stale);
      expect(fresh(ctx, undefined, undefined, undefined, plainToken, never)).toBe(`${precompiled[path]!.render(ctx, undefined, undefined, undefined, plainToken, never)}# edited contoso\n`);
    }
    // Not even a function of another template with that text's hash.
    expect(await templateFunction(path, filename, source, { 'README.md.ejs': { hash: templateHash(source), render: stale } })).not.toBe(stale);
  });

  describe('a template tree without precompiled functions (compiled at run time)', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'secure-aks-templates-'));
      writeFileSync(join(dir, 'hello.txt.ejs'), 'name: <%= answers.name %>\n<%_ if (locals.psrule) { _%>\npsrule\n<%_ } _%>\n');
      writeFileSync(join(dir, 'broken.txt.ejs'), 'first line\n<%= `${answers.name} cluster` %>\nlast line\n');
      // A partial, and a template that includes it: never precompiled, ejs includes it at run time.
      writeFileSync(join(dir, '_part.txt.ejs'), 'part of <%= answers.name %>\n');
      writeFileSync(join(dir, 'whole.txt.ejs'), 'whole\n<%- include(\'_part.txt.ejs\') -%>');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('renders it (partials included), and names the template, its line and the failing expression when rendering fails', async () => {
      expect(await precompiledTemplates(dir)).toEqual({});
      expect(precompilable(readFileSync(join(dir, 'whole.txt.ejs'), 'utf8'))).toBe(false);
      const ctx = buildContext(resolveOrThrow({}), PACKAGE_VERSION);
      const only = (name: string) => ({ filter: (p: string) => p === name });
      expect(Object.fromEntries(await renderTree(dir, ctx, only('hello.txt.ejs')))).toEqual({ 'hello.txt': 'name: contoso\npsrule\n' });
      expect(Object.fromEntries(await renderTree(dir, ctx, only('whole.txt.ejs')))).toEqual({ 'whole.txt': 'whole\npart of contoso\n' });
      const failure = renderTree(dir, ctx, only('broken.txt.ejs'));
      await expect(failure).rejects.toThrow(/^rendering broken\.txt\.ejs failed: .*broken\.txt\.ejs:2\n {4}1\| first line\n >> 2\| <%= `\$\{answers\.name\} cluster` %>\n {4}3\| last line/);
      await expect(failure).rejects.toThrow(/template placed "contoso cluster" with <%= %>/);
    });
  });
});
