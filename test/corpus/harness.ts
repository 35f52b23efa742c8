// Runs a bad-input case's preparation and checks its outcome; shared by the command-line and the
// in-memory generator runners of the corpus (test/reliability.*.test.ts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, appendFileSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildContext } from '../../generators/core/plan/context.ts';
import { PACKAGE_NAME, PACKAGE_VERSION, templateRoot } from '../../generators/core/support/paths.ts';
import { renderTree } from '../../generators/core/output/render.ts';
import { resolveAnswers } from '../../generators/core/answers/resolve.ts';
import { ALL_OPTIONS } from '../../generators/core/run/session.ts';
import type { BadInput } from './bad-inputs.ts';

export interface Prepared {
  /** The temp folder the run starts in. */
  tmp: string;
  /** The destination argument. */
  destination: string;
  /** Absolute path of the answers file, when the case has one. */
  answers?: string;
  /** Undo what preparing did outside plain files (read-only mounts). */
  release: () => void;
  /** Why the case cannot run on this machine, if it cannot. */
  skip?: string;
}

/** Makes `dir` a read-only bind mount of itself; returns how to undo it, or why it could not. */
export function mountReadOnly(dir: string): { release: () => void } | { reason: string } {
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'pipe' });
  } catch (error) {
    return { reason: `cannot bind-mount ${dir} (${(error as Error).message.split('\n')[0]}); needs root with CAP_SYS_ADMIN` };
  }
  const release = () => execFileSync('umount', [dir], { stdio: 'pipe' });
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', dir], { stdio: 'pipe' });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EROFS') return { release };
    release();
    return { reason: `cannot remount ${dir} read-only (${(error as Error).message.split('\n')[0]})` };
  }
  release();
  return { reason: `${dir} is still writable after a read-only remount` };
}

/** The files a run of the generator with default answers writes into a folder named `name`. */
async function generatedRepository(name: string): Promise<Map<string, string>> {
  const resolution = resolveAnswers({ folderName: name });
  if (!resolution.ok) throw new Error(`defaults do not resolve: ${JSON.stringify(resolution.problems)}`);
  const files = await renderTree(templateRoot('app'), buildContext(resolution.answers, PACKAGE_VERSION));
  files.set('.yo-rc.json', `${JSON.stringify({ [PACKAGE_NAME]: resolution.answers }, null, 2)}\n`);
  return files;
}

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Prepares `tmp` (an empty folder) for a case: the answers file and the destination's state. */
export async function prepare(testCase: BadInput, tmp: string): Promise<Prepared> {
  const destination = testCase.destination ?? 'out';
  const dest = isAbsolute(destination) ? destination : join(tmp, destination);
  let answers: string | undefined;
  let release = () => {};
  let skip: string | undefined;
  if (testCase.answersFile !== undefined) {
    answers = join(tmp, testCase.answersFileName ?? 'answers.yaml');
    write(answers, testCase.answersFile);
  }
  switch (testCase.setup) {
    case undefined:
      break;
    case 'file-destination':
      write(dest, 'not a folder\n');
      break;
    case 'parent-is-file':
      write(dirname(dest), 'a file where a folder would be\n');
      break;
    case 'non-empty-folder':
      write(join(dest, 'notes.txt'), 'my own notes\n');
      break;
    case 'other-generator':
      write(join(dest, '.yo-rc.json'), `${JSON.stringify({ 'generator-other': { name: 'x' } }, null, 2)}\n`);
      write(join(dest, 'package.json'), '{ "name": "other" }\n');
      break;
    case 'broken-yo-rc':
      write(join(dest, '.yo-rc.json'), '{ "generator-secure-aks": { "name": "orders", }\n');
      break;
    case 'read-only-parent':
    case 'read-only-destination': {
      const ro = join(tmp, 'ro');
      mkdirSync(ro);
      const mounted = mountReadOnly(ro);
      if ('reason' in mounted) skip = mounted.reason;
      else release = mounted.release;
      break;
    }
    case 'stored-answers':
      write(join(dest, '.yo-rc.json'), `${JSON.stringify({ [PACKAGE_NAME]: testCase.stored ?? {} }, null, 2)}\n`);
      break;
    case 'edited-repository': {
      for (const [rel, content] of await generatedRepository(destination)) write(join(dest, rel), content);
      // A paragraph of their own (merges), and the very line a changed location rewrites (conflicts).
      appendFileSync(join(dest, 'README.md'), '\nOur own notes on this cluster.\n');
      writeFileSync(join(dest, 'README.md'), readFileSync(join(dest, 'README.md'), 'utf8').replace('region `westeurope`', 'region `westeurope` (our primary)'));
      break;
    }
    case 'answers-is-folder':
      answers = join(tmp, 'answers.yaml');
      mkdirSync(answers);
      break;
    case 'answers-too-large':
      answers = join(tmp, 'answers.yaml');
      write(answers, `name: orders\n# ${'x'.repeat(1024 * 1024)}\n`);
      break;
  }
  return { tmp, destination, ...(answers ? { answers } : {}), release, ...(skip ? { skip } : {}) };
}

/** Every entry below `dir` (folders too: an empty folder created by a run is a change): path -> kind, content hash, mode, mtime. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const root = lstatSync(dir);
  out.set('.', `dir ${root.mode} ${root.mtimeMs}`);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stat = lstatSync(path);
    const kind = entry.isDirectory() ? 'dir' : entry.isFile() ? `file ${createHash('sha256').update(readFileSync(path)).digest('hex')}` : 'other';
    out.set(relative(dir, path), `${kind} ${stat.mode} ${stat.size} ${stat.mtimeMs}`);
  }
  return out;
}

/** The expected key with its placeholders filled in. */
export function expectedKey(testCase: BadInput, prepared: Prepared): string {
  return testCase.expect.key.replaceAll('{answers}', prepared.answers ?? '(no answers file)').replaceAll('{tmp}', prepared.tmp);
}

/** The problem line (`  - <key> <value>: <rule>` or `  - <key>: <rule>`) for `key` in a message. */
export function problemLine(message: string, key: string): string | undefined {
  return message.split('\n').find((line) => line.startsWith(`  - ${key}: `) || line.startsWith(`  - ${key} `));
}

export function ruleMatches(line: string, rule: RegExp | string): boolean {
  return typeof rule === 'string' ? line.includes(rule) : rule.test(line);
}

/** Command-line arguments as the options object the generator receives (the CLI's own parse). */
export function optionsOf(flags: string[]): { options: Record<string, unknown>; positionals: string[] } {
  const spec: NonNullable<ParseArgsConfig['options']> = {};
  for (const option of ALL_OPTIONS) spec[option.name] = { type: option.type, ...(option.alias ? { short: option.alias } : {}) };
  const { values, positionals } = parseArgs({ args: flags, options: spec, allowPositionals: true, strict: true, allowNegative: true });
  return { options: values as Record<string, unknown>, positionals };
}

/** Command-line arguments for a case: destination, --yes, the answers file, then the case's flags (order matters for "flag at the end"). */
export function argvOf(testCase: BadInput, prepared: Prepared): string[] {
  return [prepared.destination, '--yes', ...(testCase.answersFile !== undefined || testCase.setup?.startsWith('answers-') ? ['--answers', relative(prepared.tmp, prepared.answers!)] : []), ...(testCase.flags ?? [])];
}
