// The thin `create-secure-aks` package (create-secure-aks/), which makes `npm create secure-aks` work: its
// version is the generator's, and `npm create secure-aks@<version> my-service -- --yes` works from packed
// tarballs of both packages, installed into a temp project by npm. Also what `npm pack` of the generator
// ships, read from that same pack (one `npm pack` of the repository per run, not a second --dry-run).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from './helpers/cli.ts';

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CREATE = join(ROOT, 'create-secure-aks');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const generator = readJson(join(ROOT, 'package.json')) as Manifest;
const create = readJson(join(CREATE, 'package.json')) as Manifest;

/**
 * The environment for a child npm: without the npm_* variables of an enclosing `npm test` (the project
 * they name is this repository, not the temp project), with npm's debug logs in the temp folder.
 */
function npmEnv(tmp: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^npm_(lifecycle_|package_|command$|config_(call|local_prefix|prefix|global|workspaces?|yes|offline|prefer_offline|dry_run|ignore_scripts|save)$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', npm_config_logs_dir: join(tmp, 'npm-logs'), npm_config_update_notifier: 'false', ...extra };
}

/**
 * The temp project's package-lock.json: the repository's own, with the temp project as its root, so npm
 * installs the tarballs' dependencies at the versions the repository locks (and `npm ci` put in the npm
 * cache) without reading a packument per dependency. Every locked package the tarballs do not depend on
 * (the repository's devDependencies) is extraneous to the temp project and npm prunes it, so a runtime
 * import missing from the generator's `dependencies` still fails. The repository's lockfile has no
 * `resolved` (omit-lockfile-registry-resolved): npm would read each package's packument to find its
 * tarball, so each gets its address under the registry npm is configured with (`registry`, as
 * `npm config get registry` prints it), where npm finds the tarball in its cache by integrity.
 */
function projectLock(name: string, registry: string): string {
  type Entry = { name?: string; version?: string; resolved?: string; integrity?: string };
  const lock = readJson(join(ROOT, 'package-lock.json')) as { name: string; packages: Record<string, Entry> };
  lock.name = name;
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Registry packages only (a version and an integrity): not links, git or file dependencies.
    if (path === '' || entry.resolved || !entry.version || !entry.integrity) continue;
    const pkg = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved = `${registry.replace(/\/*$/, '/')}${pkg}/-/${pkg.split('/').pop()}-${entry.version}.tgz`;
  }
  lock.packages[''] = { name };
  return `${JSON.stringify(lock, null, 2)}\n`;
}

describe('create-secure-aks/package.json', () => {
  it("has the generator's version, depends on exactly that version, and has its engines and license", () => {
    expect(create.name).toBe('create-secure-aks');
    expect(create.version).toBe(generator.version);
    expect(create.dependencies).toEqual({ 'generator-secure-aks': generator.version });
    expect(create.engines).toEqual(generator.engines);
    expect(create.license).toBe(generator.license);
    expect(create.bin).toEqual({ 'create-secure-aks': 'index.js' });
    // What index.js runs: the generator's own bin of that name.
    expect(generator.bin?.['create-secure-aks']).toBeDefined();
    expect(existsSync(join(ROOT, generator.bin!['create-secure-aks']!))).toBe(true);
  });

  it('says what is missing, and exits 1, when the generator package cannot be found', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'secure-aks-create-alone-'));
    try {
      copyFileSync(join(CREATE, 'index.js'), join(tmp, 'index.js'));
      copyFileSync(join(CREATE, 'package.json'), join(tmp, 'package.json'));
      const result = await execa(process.execPath, [join(tmp, 'index.js'), 'my-service', '--yes'], { cwd: tmp, reject: false, stdin: 'ignore', timeout: 30_000 });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('cannot find the generator-secure-aks package');
      expect(result.stderr).toContain(`npm install generator-secure-aks@${generator.version}`);
      expect(existsSync(join(tmp, 'my-service'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('npm create secure-aks, from packed tarballs', () => {
  let tmp = '';
  let project = '';
  let generatorTarballFiles: string[] = [];
  let createTarballFiles: string[] = [];

  async function pack(cwd: string): Promise<{ filename: string; files: string[] }> {
    // --ignore-scripts: no `prepare` rebuild of dist/ while other test files read it.
    const { stdout } = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', join(tmp, 'packs')], { cwd, env: npmEnv(tmp), extendEnv: false, timeout: 60_000 });
    const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    return { filename: join(tmp, 'packs', result!.filename), files: result!.files.map((f) => f.path).sort() };
  }

  /** `npm create ...args` in cwd: offline, and never installing (npx would ask), so it runs the temp project's install. */
  function npmCreate(args: string[], cwd: string) {
    const env = npmEnv(tmp, { npm_config_offline: 'true', npm_config_yes: 'false' });
    return execa('npm', ['create', ...args], { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
  }

  beforeAll(async () => {
    assertBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'secure-aks-create-'));
    project = join(tmp, 'project');
    mkdirSync(join(tmp, 'packs'));
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'create-secure-aks-try', private: true }, null, 2)}\n`);
    // The two packs at once, and the registry npm installs from: each is mostly npm's start-up.
    const [generatorTarball, createTarball, registry] = await Promise.all([
      pack(ROOT),
      pack(CREATE),
      execa('npm', ['config', 'get', 'registry'], { cwd: project, env: npmEnv(tmp), extendEnv: false, stdin: 'ignore' }).then((r) => r.stdout.trim()),
    ]);
    writeFileSync(join(project, 'package-lock.json'), projectLock('create-secure-aks-try', registry));
    generatorTarballFiles = generatorTarball.files;
    createTarballFiles = createTarball.files;
    // The generator's own dependencies at the locked versions, from the npm cache (the registry only for
    // a tarball the cache lacks).
    await execa(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', generatorTarball.filename, createTarball.filename],
      { cwd: project, env: npmEnv(tmp), extendEnv: false, stdin: 'ignore', timeout: 240_000 },
    );
  }, 300_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('npm pack of the generator contains the compiled generators, templates and schema, and nothing from test/ or create-secure-aks/', () => {
    const files = generatorTarballFiles;
    expect(files).toContain('dist/generators/app/index.js');
    expect(files).toContain('dist/generators/core/run/cli.js');
    expect(files).toContain('bin/create-secure-aks.js');
    expect(files).toContain('answers.schema.json');
    expect(files).toContain('templates/app/README.md.ejs');
    // The templates compiled ahead of time (scripts/precompile-templates.mjs), beside their source.
    expect(files).toContain('dist/templates/app.js');
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('generators/') || f.endsWith('.ts'))).toEqual([]);
    // The thin create-secure-aks package is published on its own (its tarball: the next test).
    expect(files.filter((f) => f.startsWith('create-secure-aks/'))).toEqual([]);
  });

  it('packs only index.js, package.json and README.md, and installs beside the generator tarball', () => {
    expect(createTarballFiles).toEqual(['README.md', 'index.js', 'package.json']);
    // create-secure-aks's exact dependency is met by the packed generator, not by a copy of its own.
    expect(existsSync(join(project, 'node_modules', 'create-secure-aks', 'node_modules'))).toBe(false);
    expect((readJson(join(project, 'node_modules', 'generator-secure-aks', 'package.json')) as Manifest).version).toBe(generator.version);
  });

  it("installs the generator's dependencies at the versions package-lock.json locks, and none of its devDependencies", () => {
    const locked = (readJson(join(ROOT, 'package-lock.json')) as { packages: Record<string, { version?: string; dev?: boolean }> }).packages;
    for (const name of Object.keys(generator.dependencies!)) {
      expect((readJson(join(project, 'node_modules', name, 'package.json')) as Manifest).version, name).toBe(locked[`node_modules/${name}`]?.version);
    }
    const devOnly = Object.keys(generator.devDependencies!).filter((name) => locked[`node_modules/${name}`]?.dev);
    expect(devOnly).toContain('vitest');
    expect(devOnly.filter((name) => existsSync(join(project, 'node_modules', name)))).toEqual([]);
  });

  it('ships the templates compiled ahead of time, each compiled from the template text it ships beside (no compiling at run time)', async () => {
    const installed = join(project, 'node_modules', 'generator-secure-aks');
    const { templates } = (await import(pathToFileURL(join(installed, 'dist', 'templates', 'app.js')).href)) as { templates: Record<string, { hash: string; render: unknown }> };
    const { templateHash } = (await import(pathToFileURL(join(installed, 'dist', 'generators', 'core', 'output', 'template-source.js')).href)) as { templateHash: (text: string) => string };
    const dir = join(installed, 'templates', 'app');
    const shipped = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort();
    expect(Object.keys(templates).sort()).toEqual(shipped);
    for (const path of shipped) {
      expect(templates[path]!.hash, path).toBe(templateHash(readFileSync(join(dir, path), 'utf8')));
      expect(typeof templates[path]!.render, path).toBe('function');
    }
  });

  it(`npm create secure-aks@${generator.version} my-service -- --yes writes the repository`, async () => {
    const result = await npmCreate([`secure-aks@${generator.version}`, 'my-service', '--', '--yes'], project);
    expect(result.stderr).not.toMatch(/npm error/);
    expect(result.exitCode).toBe(0);
    const out = join(project, 'my-service');
    expect(existsSync(join(out, 'infra', 'main.bicep'))).toBe(true);
    const yoRc = readJson(join(out, '.yo-rc.json')) as Record<string, { name?: string }>;
    expect(yoRc['generator-secure-aks']?.name).toBe('my-service');
  });

  it('npm create secure-aks@<version> workload orders-api -- --yes adds a workload inside it', async () => {
    const repository = join(project, 'my-service');
    const result = await npmCreate([`secure-aks@${generator.version}`, 'workload', 'orders-api', '--', '--port', '8080', '--yes'], repository);
    expect(result.stderr).not.toMatch(/npm error/);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(repository, 'infra', 'workloads.json'), 'utf8')).toContain('"orders-api"');
  });

  it("passes options through: -- --version prints the generator's version", async () => {
    const result = await npmCreate([`secure-aks@${generator.version}`, '--', '--version'], project);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(generator.version);
  });
});
