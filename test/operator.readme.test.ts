// The generated README against the generated repository, for the default answers and for three
// workloads (vmss agents, no Bastion, two namespaces, one workload without secrets):
//   - its Mermaid block parses with the real Mermaid parser, uses only syntax GitHub and Azure DevOps
//     both render (flowchart, no click handlers, no HTML), and names every resource the compiled
//     Bicep deploys, every role assignment and every federated credential;
//   - every row of the security controls table points at a file that exists and a property that holds
//     the secure value: in the compiled ARM JSON (nested deployments walked) for Bicep rows, in the
//     manifest and in every overlay `kubectl kustomize` renders for Kubernetes rows, in the parsed
//     pipeline for pipeline rows;
//   - the workload table lists every workload.
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it, test } from 'vitest';
import { parse } from 'yaml';
import type { Check, Expected } from '../generators/core/plan/docs/controls.ts';
import { ROLES } from '../generators/core/plan/roles.ts';
import { armResources, compileInfra, type ArmResource } from './helpers/bicep.ts';
import { renderRepository, writeTree, type AnswerInput, type Rendered } from './helpers/generate.ts';
import { parseManifests, renderOverlays, type K8sObject } from './helpers/k8s.ts';
import { toolOrSkip } from './helpers/tools.ts';

const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');

const CASES = {
  defaults: {},
  threeWorkloads: {
    name: 'shop',
    agentPool: 'vmss',
    bastion: false,
    adminGroupObjectIds: ['6f3c2a4e-8d1b-4c7e-9a2f-1b3d5e7f9a0c'],
    workloads: [
      { name: 'web', namespace: 'storefront', port: 8080, secrets: ['session-key', 'db-password'] },
      { name: 'api', namespace: 'storefront', port: 8081, secrets: [] },
      { name: 'worker', namespace: 'jobs', kind: 'worker', replicas: 1, secrets: ['queue-key'] },
    ],
  },
} satisfies Record<string, AnswerInput>;
type CaseName = keyof typeof CASES;

const rendered = {} as Record<CaseName, Rendered>;
beforeAll(async () => {
  for (const name of Object.keys(CASES) as CaseName[]) rendered[name] = await renderRepository(CASES[name]);
});

// ---------------------------------------------------------------------------------------------------
// Property paths: a.b, a[*], a[2], a[name=x], a["key.with/dots"]

type Segment = { key: string } | { index: number } | { every: true } | { where: [string, string] };

function segments(path: string): Segment[] {
  const out: Segment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\*|\d+|"[^"]*"|[^\]=]+=[^\]]+)\]/g)) {
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (m[2] === '*') out.push({ every: true });
    else if (/^\d+$/.test(m[2]!)) out.push({ index: Number(m[2]) });
    else if (m[2]!.startsWith('"')) out.push({ key: m[2]!.slice(1, -1) });
    else out.push({ where: m[2]!.split('=') as [string, string] });
  }
  return out;
}

/** Every value the path reaches (a wildcard fans out; a missing step yields undefined). */
function readPath(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of segments(path)) {
    current = current.flatMap((v): unknown[] => {
      if ('key' in segment) return [v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[segment.key] : undefined];
      if (!Array.isArray(v)) return [undefined];
      if ('index' in segment) return [v[segment.index]];
      if ('every' in segment) return v;
      const [k, want] = segment.where;
      return [v.find((item) => item !== null && typeof item === 'object' && (item as Record<string, unknown>)[k] === want)];
    });
  }
  return current;
}

/** Why the values do not satisfy the expectation, or undefined when they do. */
function mismatch(values: unknown[], expected: Expected): string | undefined {
  if ('absent' in expected) return values.every((v) => v === undefined) ? undefined : `expected no value, found ${JSON.stringify(values)}`;
  if (values.length === 0 || values.some((v) => v === undefined)) return `missing (found ${JSON.stringify(values)})`;
  if ('equals' in expected) {
    return values.every((v) => isDeepStrictEqual(v, expected.equals)) ? undefined : `expected ${JSON.stringify(expected.equals)}, found ${JSON.stringify(values)}`;
  }
  const ok = values.every((v) => (Array.isArray(v) ? v.some((item) => isDeepStrictEqual(item, expected.includes)) : String(v).includes(String(expected.includes))));
  return ok ? undefined : `expected to include ${JSON.stringify(expected.includes)}, found ${JSON.stringify(values)}`;
}

test('property paths: wildcards, selectors and quoted keys', () => {
  const doc = { a: [{ name: 'x', v: 1 }, { name: 'y', v: 2 }], m: { 'k.with/dots': true } };
  expect(readPath(doc, 'a[*].v')).toEqual([1, 2]);
  expect(readPath(doc, 'a[name=y].v')).toEqual([2]);
  expect(readPath(doc, 'a[0].name')).toEqual(['x']);
  expect(readPath(doc, 'm["k.with/dots"]')).toEqual([true]);
  expect(mismatch(readPath(doc, 'a[*].v'), { equals: 1 })).toMatch(/expected 1/);
  expect(mismatch(readPath(doc, 'a[*].nope'), { absent: true })).toBeUndefined();
  expect(mismatch(readPath(doc, 'a[*].nope'), { equals: 1 })).toMatch(/missing/);
});

// ---------------------------------------------------------------------------------------------------
// The controls table

interface Checked {
  resources: ArmResource[];
  overlays: Map<string, K8sObject[]>;
  moduleOf: Map<string, string>;
}

/** The module symbol main.bicep deploys each module file as (`module aks 'modules/aks.bicep'`). */
function modulesOf(mainBicep: string): Map<string, string> {
  return new Map([...mainBicep.matchAll(/^module (\w+) '([^']+)'/gm)].map((m) => [`infra/${m[2]}`, m[1]!]));
}

/** Problems of one check against the generated repository; [] when the property holds the value. */
function checkProblems(check: Check, repo: Rendered, checked: Checked): string[] {
  const where = `${check.file} ${check.kind === 'k8s' ? `${check.objectKind} ${check.namespace ?? ''}/${check.name} ` : ''}${check.path}`;
  const source = repo.files.get(check.file);
  if (source === undefined) return [`${where}: the file ${check.file} is not generated`];
  const problems: string[] = [];
  const expect = (values: unknown[], what: string) => {
    const why = mismatch(values, check.expected);
    if (why) problems.push(`${where} (${what}): ${why}`);
  };
  if (check.kind === 'bicep') {
    const symbol = check.file === 'infra/main.bicep' ? undefined : checked.moduleOf.get(check.file);
    if (check.file !== 'infra/main.bicep' && !symbol) return [`${where}: main.bicep deploys no module from ${check.file}`];
    const found = checked.resources.filter(
      (r) =>
        r.condition === true &&
        (symbol ? r.modules.length === 1 && r.modules[0] === symbol : r.modules.length === 0) &&
        r.type.toLowerCase() === check.resourceType.toLowerCase() &&
        (!check.role || String(r.properties.roleDefinitionId).endsWith(check.role)),
    );
    if (found.length === 0) return [`${where}: no ${check.resourceType}${check.role ? ` with role ${check.role}` : ''} in the compiled module`];
    for (const r of found) expect(readPath({ name: r.name, sku: r.sku, kind: r.kind, identity: r.identity, properties: r.properties }, check.path), `compiled ${r.name}`);
    // The property is written in that file, not inherited from somewhere else.
    const leaf = segments(check.path).filter((s): s is { key: string } => 'key' in s).at(-1)!.key;
    if (!('absent' in check.expected) && !new RegExp(`^\\s*'?${leaf.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'?:`, 'm').test(source)) {
      problems.push(`${where}: ${leaf} is not written in ${check.file}`);
    }
  } else if (check.kind === 'k8s') {
    const match = (o: K8sObject) => o.kind === check.objectKind && o.metadata.name === check.name && (o.metadata.namespace ?? undefined) === check.namespace;
    const inFile = parseManifests(source, check.file).filter(match);
    if (inFile.length !== 1) return [`${where}: ${check.file} has ${inFile.length} such objects`];
    expect(readPath(inFile[0], check.path), 'manifest');
    for (const [overlay, objects] of checked.overlays) {
      const renderedObjects = objects.filter(match);
      if (renderedObjects.length !== 1) problems.push(`${where}: kubectl kustomize ${overlay} renders ${renderedObjects.length} such objects`);
      else expect(readPath(renderedObjects[0], check.path), `kubectl kustomize ${overlay}`);
    }
  } else {
    expect(readPath(parse(source), check.path), 'parsed YAML');
  }
  return problems;
}

describe.skipIf(!bicepPath || !kubectlPath).each(Object.keys(CASES) as CaseName[])('README of %s', (name) => {
  let checked: Checked;
  beforeAll(async () => {
    const repo = rendered[name];
    const dir = writeTree(new Map([...repo.files].filter(([p]) => p.startsWith('k8s/'))), `secure-aks-readme-${name}-`);
    const [compiled, overlays] = await Promise.all([compileInfra(repo.files), renderOverlays(kubectlPath!, dir, repo.files.keys())]);
    checked = {
      resources: armResources(compiled.template, { parameters: compiled.parameters }),
      overlays,
      moduleOf: modulesOf(repo.files.get('infra/main.bicep')!),
    };
  });

  it('every controls-table row names a file and property that exist and hold the secure value', () => {
    const repo = rendered[name];
    const controls = repo.ctx.docs.controls;
    expect(controls.map((c) => c.id)).toEqual(expect.arrayContaining(['entra-rbac', 'private-cluster', 'workload-identity', 'key-vault-csi', 'registry', 'agents']));
    expect(controls.some((c) => c.id === 'bastion')).toBe(repo.answers.bastion);
    const problems: string[] = [];
    let checks = 0;
    for (const control of controls) {
      expect(control.enforcedBy.length, control.id).toBeGreaterThan(0);
      expect(control.verify.length, control.id).toBeGreaterThan(0);
      for (const enforcement of control.enforcedBy) {
        expect(enforcement.checks.length, `${control.id}: ${enforcement.file}`).toBeGreaterThan(0);
        for (const check of enforcement.checks) {
          checks++;
          // What the README shows is what is checked: the file pattern covers the file, the property is the path.
          const pattern = new RegExp(`^${enforcement.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<(workload|namespace)>/g, '[^/]+')}$`);
          expect(check.file, control.id).toMatch(pattern);
          expect(enforcement.property.endsWith(check.path), control.id).toBe(true);
          problems.push(...checkProblems(check, repo, checked).map((p) => `${control.id}: ${p}`));
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checks).toBeGreaterThan(30);
  });

  it('the README renders one table row per control, naming its files', () => {
    const repo = rendered[name];
    const readme = repo.files.get('README.md')!;
    const table = readme.slice(readme.indexOf('| control | enforced by |'));
    const rows = table.split('\n').slice(2).filter((line) => line.startsWith('| '));
    expect(rows.slice(0, repo.ctx.docs.controls.length)).toHaveLength(repo.ctx.docs.controls.length);
    repo.ctx.docs.controls.forEach((control, i) => {
      for (const e of control.enforcedBy) expect(rows[i], control.id).toContain(`\`${e.file}\``);
      expect(rows[i]!.split(' | ')).toHaveLength(3);
    });
    // The admin credentials appear only as the command that must fail.
    for (const use of readme.match(/get-credentials[^`\n]*--admin[^\n|<]*/g) ?? []) expect(use).toMatch(/--admin` → fails/);
  });

  it('a property that does not hold the secure value fails its row', () => {
    const repo = rendered[name];
    const control = repo.ctx.docs.controls.find((c) => c.id === 'entra-rbac')!;
    const check = control.enforcedBy[0]!.checks[0]!;
    const tampered = checked.resources.map((r) =>
      r.type === 'Microsoft.ContainerService/managedClusters' ? { ...r, properties: { ...r.properties, disableLocalAccounts: false } } : r,
    );
    expect(checkProblems(check, repo, { ...checked, resources: tampered }).join('\n')).toMatch(/expected true, found \[false\]/);
    const k8sCheck = repo.ctx.docs.controls.find((c) => c.id === 'pod-security')!.enforcedBy[1]!.checks[0]!;
    const file = k8sCheck.file;
    const edited = { ...repo, files: new Map(repo.files).set(file, repo.files.get(file)!.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false')) };
    expect(checkProblems(k8sCheck, edited, checked).join('\n')).toMatch(/manifest\): expected true, found \[false\]/);
  });

  it('the Mermaid diagram parses and names every resource, role assignment and federated credential', async () => {
    const repo = rendered[name];
    const readme = repo.files.get('README.md')!;
    const blocks = [...readme.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
    expect(blocks).toHaveLength(1);
    const source = blocks[0]!;
    const diagram = await parseMermaid(source);
    expect(diagram.type).toBe('flowchart-v2');
    expect(source.split('\n')[0]).toBe('flowchart LR');
    // Only syntax both renderers know: no click handlers, links, HTML, styling or markdown strings.
    expect(source).not.toMatch(/^\s*(click|style|classDef|class|linkStyle)\b/m);
    expect(source).not.toMatch(/<\/?[a-z][^>]*>|`/i);
    for (const vertex of diagram.vertices) {
      expect(vertex.link, vertex.id).toBeUndefined();
      expect(vertex.haveCallback ?? false, vertex.id).toBe(false);
      expect(vertex.labelType, vertex.id).toBe('string');
    }
    // The parsed diagram is the typed one.
    const ids = (items: typeof repo.ctx.docs.diagram.items): string[] => items.flatMap((i) => ('children' in i ? ids(i.children) : [i.id]));
    expect(diagram.vertices.map((v) => v.id).sort()).toEqual(ids(repo.ctx.docs.diagram.items).sort());
    expect(diagram.edges).toHaveLength(repo.ctx.docs.diagram.edges.length);

    const labels = [...diagram.vertices.map((v) => v.text), ...diagram.subgraphs.map((s) => s.title), ...diagram.edges.map((e) => e.text)];
    const mentioned = (text: string) => labels.some((label) => label.includes(text));
    // Named resources: every one the compile deploys. Child and extension resources without a name of
    // their own are drawn as edges (role assignments, federated credentials) or belong to a node whose
    // label says so (diagnostic settings, DNS zone links and groups, maintenance windows, the DCR association).
    const DRAWN_AS_PART = /^(microsoft\.insights\/diagnosticsettings|microsoft\.insights\/datacollectionruleassociations|microsoft\.network\/privatednszones\/virtualnetworklinks|microsoft\.network\/privateendpoints\/privatednszonegroups|microsoft\.containerservice\/managedclusters\/maintenanceconfigurations|microsoft\.resources\/deployments)$/;
    const deployed = checked.resources.filter((r) => r.condition !== false);
    const named = deployed.filter((r) => !DRAWN_AS_PART.test(r.type.toLowerCase()) && !/roleassignments$|roledefinitions$|federatedidentitycredentials$/i.test(r.type));
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((r) => !mentioned(r.name.split('/').at(-1)!)).map((r) => `${r.type} ${r.name}`)).toEqual([]);

    // Built-in roles by ID, and any custom role the template defines by its (GUID) name; a custom role's
    // name may end with a parenthesised qualifier that keeps it unique in the tenant, which the diagram leaves out.
    const customRoles = deployed.filter((r) => /roledefinitions$/i.test(r.type));
    const roleNames = new Map<string, string>([
      ...Object.values(ROLES).map((r): [string, string] => [r.id, r.name]),
      ...customRoles.map((r): [string, string] => [r.name.split('/').at(-1)!, String(r.properties.roleName).replace(/ \(.*\)$/, '')]),
    ]);
    for (const role of customRoles) {
      const roleName = roleNames.get(role.name.split('/').at(-1)!)!;
      expect(diagram.edges.some((e) => e.text.includes(roleName)), roleName).toBe(true);
    }
    const assignments = deployed.filter((r) => /roleassignments$/i.test(r.type));
    expect(assignments.length).toBeGreaterThan(5);
    for (const assignment of assignments) {
      const role = roleNames.get(String(assignment.properties.roleDefinitionId).split('/').at(-1)!);
      expect(role, String(assignment.properties.roleDefinitionId)).toBeDefined();
      expect(diagram.edges.some((e) => e.text.includes(role!)), role).toBe(true);
    }
    for (const credential of deployed.filter((r) => /federatedidentitycredentials$/i.test(r.type))) {
      const identity = credential.name.split('/')[0]!;
      const node = diagram.vertices.find((v) => v.text.includes(`Managed identity ${identity}:`));
      expect(node, identity).toBeDefined();
      expect(diagram.edges.some((e) => e.end === node!.id && /federat/.test(e.text)), identity).toBe(true);
    }
  });

  it('the workload table has a row per workload with its kind, namespace, identity and secrets', () => {
    const repo = rendered[name];
    const readme = repo.files.get('README.md')!;
    for (const w of repo.ctx.workloads) {
      const secrets = w.secrets.length > 0 ? w.secrets.map((s) => `\`${s}\``).join(', ') : 'none';
      const https = w.exposed ? `\`https://${w.name}.${repo.answers.privateDnsZone}\`` : 'not exposed';
      expect(readme).toContain(`| \`${w.name}\` | ${w.kind} | \`${w.namespace}\` | ${w.web ? w.port : 'none'} | ${https} | ${w.replicas} | \`${w.names.identity}\` | ${secrets} |`);
    }
  });

  it('links the environments note and the other READMEs, and says how operators connect', () => {
    const repo = rendered[name];
    const readme = repo.files.get('README.md')!;
    for (const target of [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]!)) expect(repo.files.has(target), target).toBe(true);
    expect(readme).toContain('](docs/environments.md)');
    for (const script of [...readme.matchAll(/bash (scripts\/[\w-]+\.sh)/g)].map((m) => m[1]!)) expect(repo.files.has(script), script).toBe(true);
    if (repo.answers.bastion) expect(readme).toContain('bash scripts/connect.sh');
    else expect(readme).toMatch(/generated without Azure Bastion[\s\S]*inside the virtual network/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Mermaid, the real parser. Its label sanitizer needs a DOM; parsing does not: DOMPurify is given
// pass-through hooks (the labels are checked for HTML above instead).

interface Parsed {
  type: string;
  vertices: Array<{ id: string; text: string; labelType: string; link?: string; haveCallback?: boolean }>;
  edges: Array<{ start: string; end: string; text: string }>;
  subgraphs: Array<{ id: string; title: string }>;
}

let mermaidModule: Promise<{ parse: (text: string) => Promise<{ diagramType: string }>; mermaidAPI: { getDiagramFromText: (text: string) => Promise<{ db: any }> } }> | undefined;

function loadMermaid() {
  mermaidModule ??= (async () => {
    const purify = (await import('dompurify')).default as unknown as Record<string, unknown>;
    if (typeof purify.addHook !== 'function') {
      Object.assign(purify, { addHook() {}, removeHook() {}, removeHooks() {}, removeAllHooks() {}, sanitize: (s: unknown) => String(s) });
    }
    return (await import('mermaid')).default as never;
  })();
  return mermaidModule;
}

async function parseMermaid(source: string): Promise<Parsed> {
  const mermaid = await loadMermaid();
  const { diagramType } = await mermaid.parse(source);
  const { db } = await mermaid.mermaidAPI.getDiagramFromText(source);
  return {
    type: diagramType,
    vertices: [...(db.getVertices() as Map<string, Parsed['vertices'][number]>).values()],
    edges: db.getEdges(),
    subgraphs: db.getSubGraphs(),
  };
}

test('the Mermaid parser rejects a broken diagram and HTML-free labels keep their text', async () => {
  await expect(parseMermaid('flowchart LR\n  a["x" --> b\n')).rejects.toThrow(/Parse error/);
  const parsed = await parseMermaid('flowchart LR\n  a["say #quot;hi#quot; #35;1"] -->|"x"| b\n');
  expect(parsed.vertices.find((v) => v.id === 'a')!.text).toContain('hi');
});

test('a cluster-only repository (no workloads): every row still has checks, commands use placeholders, the diagram parses', async () => {
  const repo = await renderRepository({ workloads: [] });
  const controls = repo.ctx.docs.controls;
  expect(controls.every((c) => c.enforcedBy.length > 0 && c.enforcedBy.every((e) => e.checks.length > 0))).toBe(true);
  expect(controls.some((c) => c.enforcedBy.some((e) => e.checks.some((check) => check.kind === 'k8s')))).toBe(false);
  expect(controls.find((c) => c.id === 'pod-security')).toBeUndefined();
  expect(controls.find((c) => c.id === 'workload-identity')!.verify.map((v) => v.command).join('\n')).toContain('--identity-name id-<workload>-dev');
  const readme = repo.files.get('README.md')!;
  expect(readme).not.toMatch(/kubectl rollout status/);
  const source = /^```mermaid\n([\s\S]*?)\n```$/m.exec(readme)![1]!;
  expect((await parseMermaid(source)).vertices.some((v) => v.id.startsWith('wl'))).toBe(false);
});

// ---------------------------------------------------------------------------------------------------
// The runbook, followed top to bottom (issue 16)

/** The runbook as an operator reads it: its text, and where each of its sections starts. */
function runbookOf(readme: string) {
  const text = readme.slice(readme.indexOf('## Runbook'), readme.indexOf('\n## Workloads'));
  const at = (heading: string) => {
    const index = text.indexOf(`\n### ${heading}\n`);
    expect(index, heading).toBeGreaterThan(0);
    return index;
  };
  return { text, at };
}

describe('the runbook creates every secret before the workload that mounts it is deployed', () => {
  const cases = {
    threeWorkloads: CASES.threeWorkloads,
    sharedSecrets: {
      name: 'shop',
      workloads: [
        { name: 'api', namespace: 'shop', secrets: ['db-password', 'api-key'] },
        { name: 'worker', namespace: 'jobs', secrets: ['db-password', 'queue-key'] },
        { name: 'web', namespace: 'shop', secrets: [] },
        { name: 'reports', secrets: ['Reports-Token'] },
      ],
    },
  } satisfies Record<string, AnswerInput>;

  it.each(Object.keys(cases) as (keyof typeof cases)[])('%s: a secret set for each, with the role taken before and given up after, all before the deploy step', async (name) => {
    const repo = await renderRepository(cases[name]);
    const { text, at } = runbookOf(repo.files.get('README.md')!);
    const sections = repo.ctx.docs.sections;
    const deploy = at(sections.deploy.heading);
    const secretsSection = at(sections.secrets.heading);
    expect(at(sections.firstDeployment.heading)).toBeLessThan(secretsSection);
    expect(secretsSection).toBeLessThan(deploy);
    const vault = repo.ctx.names.keyVault;
    const lines = text.split('\n');
    const offset = (i: number) => lines.slice(0, i).join('\n').length;
    const sets = lines.flatMap((line, i) => {
      // A real secret name (the rotation section's `<secret>` is a placeholder).
      const m = new RegExp(`^az keyvault secret set --vault-name ${vault} --name ([0-9A-Za-z-]+) --file \\S+`).exec(line);
      return m ? [{ secret: m[1]!, at: offset(i) }] : [];
    });
    const mounted = repo.ctx.workloads.flatMap((w) => w.secrets);
    expect(mounted.length).toBeGreaterThan(2);
    for (const w of repo.ctx.workloads) {
      for (const secret of w.secrets) {
        const set = sets.find((s) => s.secret.toLowerCase() === secret.toLowerCase());
        expect(set, `${w.name}: ${secret}`).toBeDefined();
        expect(set!.at, `${w.name}: ${secret} is set before the deploy step`).toBeGreaterThan(secretsSection);
        expect(set!.at, `${w.name}: ${secret} is set before the deploy step`).toBeLessThan(deploy);
      }
    }
    // Nothing else is set, and no secret twice (one vault: one name is one secret).
    expect(new Set(sets.map((s) => s.secret.toLowerCase())).size).toBe(sets.length);
    expect(sets.map((s) => s.secret.toLowerCase()).sort()).toEqual([...new Set(mounted.map((s) => s.toLowerCase()))].sort());
    // The role that allows it is taken before the first and given up after the last, still before the deploy step.
    const grant = text.indexOf('az role assignment create --role "Key Vault Secrets Officer"');
    const revoke = text.indexOf('az role assignment delete --role "Key Vault Secrets Officer"');
    expect(grant).toBeGreaterThan(secretsSection);
    expect(grant).toBeLessThan(Math.min(...sets.map((s) => s.at)));
    expect(revoke).toBeGreaterThan(Math.max(...sets.map((s) => s.at)));
    expect(revoke).toBeLessThan(deploy);
    expect(text.slice(grant, revoke)).toMatch(new RegExp(`--scope "\\$vault_id"`));
    // The short recipe at the top has the same order: the secrets before the push that deploys.
    const recipe = /### In short\n[\s\S]*?```bash\n([\s\S]*?)```/.exec(text)![1]!.split('\n');
    const secretsStep = recipe.findIndex((l) => l.startsWith('# create the Key Vault secrets'));
    expect(secretsStep).toBeGreaterThan(recipe.findIndex((l) => l.startsWith('bash scripts/deploy-infra.sh')));
    expect(secretsStep).toBeLessThan(recipe.findIndex((l) => l.startsWith('git push')));
    for (const secret of new Set(mounted)) expect(recipe[secretsStep], secret).toContain(secret);
  });

  it('without secrets: the section says so and keeps the commands with a placeholder; the recipe has no secrets step', async () => {
    const repo = await renderRepository({ workloads: [{ name: 'api' }] });
    const { text } = runbookOf(repo.files.get('README.md')!);
    expect(text).toContain('No workload mounts a secret yet');
    expect(text).toContain('az keyvault secret set --vault-name');
    expect(text).not.toMatch(/^# create the Key Vault secrets/m);
  });
});

describe('the runbook points forward, and every link inside the README lands on a heading', () => {
  it.each(Object.keys(CASES) as CaseName[])('%s', (name) => {
    const readme = rendered[name].files.get('README.md')!;
    const headings = new Set([...readme.matchAll(/^#{1,4} (.+)$/gm)].map((m) => `#${m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')}`));
    const anchors = [...readme.matchAll(/\]\((#[^)]+)\)/g)].map((m) => m[1]!);
    expect(anchors.length).toBeGreaterThan(10);
    for (const anchor of anchors) expect(headings, anchor).toContain(anchor);
    const { text, at } = runbookOf(readme);
    const sections = rendered[name].ctx.docs.sections;
    // Deploying by hand needs a connection, which the next section sets up: it says so, with a link.
    const deploy = text.slice(at(sections.deploy.heading), at(sections.connect.heading));
    expect(deploy).toContain(`connect first ([${sections.connect.heading}](${sections.connect.anchor}), next)`);
    expect(text.slice(at(sections.firstDeployment.heading), at(sections.devops.heading))).toContain('Next: connect Azure DevOps (next section).');
    expect(text.slice(at(sections.devops.heading), at(sections.secrets.heading))).toMatch(/Create the pipeline only after the workloads' secrets exist \(next section\)/);
  });
});

test('the controls table names the ServiceAccount\'s azure.workload.identity/client-id annotation: where it is set and how to verify it (issue 16)', () => {
  const repo = rendered.threeWorkloads;
  const control = repo.ctx.docs.controls.find((c) => c.id === 'workload-identity')!;
  const row = control.enforcedBy.find((e) => e.property.includes('azure.workload.identity/client-id'));
  expect(row, 'an enforcement line for the annotation').toBeDefined();
  expect(row!.file).toBe('k8s/overlays/prod/workloads/<workload>/kustomization.yaml'.replace('prod', repo.answers.environment));
  expect(row!.checks.map((c) => c.file).sort()).toEqual(repo.ctx.workloads.map((w) => `k8s/overlays/${repo.answers.environment}/workloads/${w.name}/kustomization.yaml`).sort());
  const verify = control.verify.find((v) => v.command.includes('client-id'));
  expect(verify?.command).toBe(`kubectl get serviceaccount web --namespace storefront --output jsonpath='{.metadata.annotations.azure\\.workload\\.identity/client-id}'`);
  expect(verify?.expect).toContain(`az identity show --resource-group ${repo.ctx.names.resourceGroup} --name id-web-${repo.answers.environment} --query clientId`);
  const readme = repo.files.get('README.md')!;
  expect(readme).toContain('`ServiceAccount azure.workload.identity/client-id annotation, set by patches[0].path`');
});
