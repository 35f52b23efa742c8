// Ways to produce a generated repository in tests, none of which touch the working tree:
//   runApp()          the real Yeoman generator through yeoman-test, in its in-memory file system;
//   renderRepository() the same pipeline (resolve -> context -> render) without Yeoman, for fast matrices;
//   writeTree()        puts a rendered tree into a fresh temp folder for the real tools (writeFiles(): into a given one).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/index.ts';
import WorkloadGenerator from '../../generators/workload/index.ts';
import EnvironmentGenerator from '../../generators/environment/index.ts';
import { storedAnswers } from '../../generators/core/answers/environments.ts';
import { buildContext, type Context } from '../../generators/core/plan/context.ts';
import type { Answers } from '../../generators/core/answers/model.ts';
import { PACKAGE_VERSION, templateRoot } from '../../generators/core/support/paths.ts';
import { formatProblem } from '../../generators/core/support/problems.ts';
import { renderTree } from '../../generators/core/output/render.ts';
import { resolveAnswers } from '../../generators/core/answers/resolve.ts';
import { answersVersion } from '../../generators/core/answers/migrations.ts';
import { provenanceOf } from '../../generators/core/output/provenance.ts';
import { rcText } from '../../generators/core/run/repository.ts';

export type AnswerInput = Partial<Omit<Answers, 'workloads'>> & { workloads?: Array<Partial<Answers['workloads'][number]>> };

/** Resolves answers exactly as the generator does (file layer), with `folderName` as the default name. */
export function resolveOrThrow(input: AnswerInput = {}, folderName = 'contoso'): Answers {
  const resolution = resolveAnswers({ file: input as Record<string, unknown>, folderName });
  if (!resolution.ok) throw new Error(resolution.problems.map(formatProblem).join('\n'));
  return resolution.answers;
}

export interface Rendered {
  answers: Answers;
  ctx: Context;
  files: Map<string, string>;
}

/** The generated repository as output path -> content, for these answers. */
export async function renderRepository(input: AnswerInput = {}, folderName = 'contoso'): Promise<Rendered> {
  const answers = resolveOrThrow(input, folderName);
  // The package's version, as the real generator renders it: a repository seeded from here is what it wrote.
  const ctx = buildContext(answers, PACKAGE_VERSION);
  return { answers, ctx, files: await renderTree(templateRoot('app'), ctx) };
}

/** Writes a tree into a new temp folder and returns its path. */
export function writeTree(files: Map<string, string>, prefix = 'secure-aks-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFiles(dir, files);
  return dir;
}

/** Writes files (relative path -> content) into `dir`, making the folders they need. */
export function writeFiles(dir: string, files: Iterable<[string, string]>): void {
  for (const [rel, content] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

/**
 * Runs the real app generator in yeoman-test's in-memory file system (nothing is committed to disk).
 * It runs in `dir`, by default a fresh temp folder named `contoso` (so the default name is valid).
 */
export function runApp(options: Record<string, unknown> = {}, dir = join(mkdtempSync(join(tmpdir(), 'secure-aks-gen-')), 'contoso')) {
  return helpers
    .run(AppGenerator as never, { namespace: 'secure-aks:app' })
    .inDir(dir)
    .withOptions({ yes: true, force: false, ...options } as never);
}

/** The files of a generated repository plus its .yo-rc.json (answers and record), as the app generator writes them. */
export async function repositoryFiles(input: AnswerInput = {}): Promise<Record<string, string>> {
  const { answers, files } = await renderRepository(input);
  return { ...Object.fromEntries(files), '.yo-rc.json': rcText(undefined, storedAnswers(answers), provenanceOf(files, PACKAGE_VERSION, answersVersion())) };
}

/** Runs the real environment generator in memory, inside a repository seeded with `files`. */
export function runEnvironment(name: string | undefined, options: Record<string, unknown>, files: Record<string, string>) {
  return helpers
    .run(EnvironmentGenerator as never, { namespace: 'secure-aks:environment' })
    .inDir(join(mkdtempSync(join(tmpdir(), 'secure-aks-gen-')), 'contoso'))
    .withFiles(files)
    .withArguments(name === undefined ? [] : [name])
    .withOptions({ yes: true, force: false, ...options } as never);
}

/** Runs the real workload generator in memory, inside a repository seeded with `files` (in `dir`, or a new temp folder). */
export function runWorkload(name: string | undefined, options: Record<string, unknown>, files: Record<string, string>, dir = join(mkdtempSync(join(tmpdir(), 'secure-aks-gen-')), 'contoso')) {
  return helpers
    .run(WorkloadGenerator as never, { namespace: 'secure-aks:workload' })
    .inDir(dir)
    .withFiles(files)
    .withArguments(name === undefined ? [] : [name])
    .withOptions({ yes: true, force: false, ...options } as never);
}
