// An upgrade as a release is: a copy of this package (the fixture) whose templates change one property
// in infra/modules/aks.bicep and one line in infra/modules/registry.bicep, with a higher version and a
// CHANGELOG entry. Version X (this package) writes a repository, its owner edits and commits it, and
// version Y updates it: through each version's own command line (the compiled `main` its bin calls, run
// in this process: helpers/cli.ts `runCli`), real git, and the real Bicep CLI and kubectl on the result.
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from '../generators/core/support/paths.ts';
import { assertBuilt, BIN, runCli, snapshot, tempDir } from './helpers/cli.ts';
import { compileInfra, formatDiagnostics } from './helpers/bicep.ts';
import { generate } from './helpers/engine.ts';
import { kustomize } from './helpers/k8s.ts';
import { toolOrSkip } from './helpers/tools.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLOW = 240_000;
const NEXT = `${PACKAGE_VERSION.split('.').slice(0, 2).join('.')}.${Number(PACKAGE_VERSION.split('.')[2]!.split('-')[0]) + 1}`;
const AKS_BEFORE = "nodeOSUpgradeChannel: 'NodeImage'";
const AKS_AFTER = "nodeOSUpgradeChannel: 'SecurityPatch'";
const REGISTRY_BEFORE = 'days: 7';
const REGISTRY_AFTER = 'days: 14';

let binY: string;
const bicepPath = toolOrSkip('bicep');
const kubectlPath = toolOrSkip('kubectl');

/** The fixture: this package as built, with two template changes, a bumped version and its CHANGELOG entry. */
function buildFixture(): string {
  const pkg = join(tempDir('secure-aks-release-'), 'generator-secure-aks');
  mkdirSync(pkg);
  for (const entry of ['bin', 'dist', 'templates', 'CHANGELOG.md', 'package.json']) cpSync(join(ROOT, entry), join(pkg, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const edit = (rel: string, from: string, to: string) => {
    const path = join(pkg, rel);
    const text = readFileSync(path, 'utf8');
    expect(text, `${rel} holds ${from}`).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  edit('templates/app/infra/modules/aks.bicep.ejs', AKS_BEFORE, AKS_AFTER);
  edit('templates/app/infra/modules/registry.bicep.ejs', REGISTRY_BEFORE, REGISTRY_AFTER);
  edit('package.json', `"version": "${PACKAGE_VERSION}"`, `"version": "${NEXT}"`);
  edit('CHANGELOG.md', '## [Unreleased]', `## [Unreleased]\n\n## [${NEXT}] - 2027-01-15\n\n### Security\n- Node images take security patches daily (nodeOSUpgradeChannel: SecurityPatch).`);
  return join(pkg, 'bin', 'create-secure-aks.js');
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

/** Version Y's command line: the fixture's own compiled `main`, its templates and its version. */
const runY = (args: string[], cwd: string) => runCli(args, cwd, binY);

/** A repository written by X, edited by its owner with `edit`, committed. */
async function ownedRepository(edit: (repo: string) => void): Promise<string> {
  // What X writes (helpers/engine.ts: the bin runs once per run, each test gets a copy).
  const repo = await generate();
  await git(repo, 'init', '-q');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'scaffold');
  edit(repo);
  await git(repo, 'commit', '-q', '--allow-empty', '-am', 'owner edits');
  return repo;
}

const read = (repo: string, rel: string) => readFileSync(join(repo, rel), 'utf8');

beforeAll(() => {
  assertBuilt();
  binY = buildFixture();
});

describe(`upgrade ${PACKAGE_VERSION} -> ${NEXT}`, () => {
  it('takes the new templates where untouched, merges them into owner edits, keeps owner files, records the version', { timeout: SLOW }, async () => {
    const repo = await ownedRepository((r) => {
      writeFileSync(join(r, 'infra/modules/aks.bicep'), `// Owned by team blue: ask #aks-platform before changing.\n${read(r, 'infra/modules/aks.bicep')}`);
      writeFileSync(join(r, 'k8s/README.md'), `${read(r, 'k8s/README.md')}\nOur own paragraph about the manifests.\n`);
    });
    const result = await runY(['--yes'], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    const out = `${result.stdout}\n${result.stderr}`;
    expect(out).toMatch(/update infra\/modules\/registry\.bicep/);
    expect(out).toMatch(/merge infra\/modules\/aks\.bicep/);
    expect(out).toContain(`Upgraded from generator-secure-aks ${PACKAGE_VERSION} to ${NEXT}`);
    expect(out).toContain('Node images take security patches daily');

    expect(read(repo, 'infra/modules/registry.bicep')).toContain(REGISTRY_AFTER);
    const aks = read(repo, 'infra/modules/aks.bicep');
    expect(aks.startsWith('// Owned by team blue: ask #aks-platform before changing.\n')).toBe(true);
    expect(aks).toContain(AKS_AFTER);
    expect(aks).not.toContain(AKS_BEFORE);
    expect(read(repo, 'k8s/README.md')).toContain('Our own paragraph about the manifests.');
    const rc = JSON.parse(read(repo, '.yo-rc.json'));
    expect(rc['generator-secure-aks:provenance'].generatorVersion).toBe(NEXT);

    // The upgraded repository passes the output checks: Bicep compiles with every linter rule an error
    // (and is formatted), the overlay renders.
    if (bicepPath) {
      const infra = new Map<string, string>();
      for (const entry of readdirSync(join(repo, 'infra'), { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) infra.set(relative(repo, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'utf8'));
      }
      const compiled = await compileInfra(infra);
      expect(compiled.diagnostics, formatDiagnostics(compiled.diagnostics)).toEqual([]);
      expect([...compiled.unformatted.keys()]).toEqual([]);
    }
    if (kubectlPath) expect((await kustomize(kubectlPath, join(repo, 'k8s/overlays/dev'))).length).toBeGreaterThan(0);

    // Going back is refused; Y again changes nothing.
    const back = await runCli([], repo);
    expect(back.exitCode).toBe(1);
    expect(back.stderr).toContain(`written by a newer generator-secure-aks than this one (${PACKAGE_VERSION})`);
    const again = await runY([], repo);
    expect(`${again.stdout}${again.stderr}`).toContain('Nothing to change.');
  });

  it('stops, naming the file, where the owner changed the very line the new version changes; no file changes', { timeout: SLOW }, async () => {
    const repo = await ownedRepository((r) => writeFileSync(join(r, 'infra/modules/aks.bicep'), read(r, 'infra/modules/aks.bicep').replace(AKS_BEFORE, "nodeOSUpgradeChannel: 'Unmanaged'")));
    const before = snapshot(repo);
    const result = await runY(['--yes'], repo);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/infra\/modules\/aks\.bicep: you and the generator changed the same lines \(line \d+: "nodeOSUpgradeChannel: 'Unmanaged'"\)/);
    expect(result.stderr).not.toContain('An error occured');
    expect(snapshot(repo)).toEqual(before);
  });

  it('a same-version re-run is byte-identical', { timeout: SLOW }, async () => {
    const repo = await ownedRepository(() => undefined);
    const before = snapshot(repo);
    const result = await runCli(['--yes'], repo);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(snapshot(repo)).toEqual(before);
    expect(BIN).not.toBe(binY);
  });
});
