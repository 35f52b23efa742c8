// What every generator of this package needs from its command line: the answers-related options,
// the interactive/non-interactive decision, and the checks of the destination and the answers file.
import { basename, resolve as resolvePath } from 'node:path';
import { readAnswersFile } from '../answers/answers-file.ts';
import { checkDestination } from '../output/destination.ts';
import { ANSWER_OPTIONS, CONTROL_OPTIONS, type OptionSpec } from '../answers/options.ts';
import type { Problem } from '../support/problems.ts';
import { resolveAnswers } from '../answers/resolve.ts';
import { readRepository } from './repository.ts';

export interface RunOptions {
  interactive: boolean;
  force: boolean;
  skipExisting: boolean;
  validate: boolean;
  dryRun: boolean;
  conflictMarkers: boolean;
  allowDestructive: boolean;
  answersFile?: string;
}

type Options = Record<string, unknown>;

/** Reads an option by its kebab-case name or its camelCase form (yo and yeoman-environment differ). */
export function optionValue(options: Options, name: string): unknown {
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return options[name] ?? options[camel];
}

export function runOptions(options: Options): RunOptions {
  const yes = Boolean(optionValue(options, 'yes') || optionValue(options, 'skip-prompts') || optionValue(options, 'y'));
  // Prompts need a terminal; without one (CI, pipes) the run never waits for input.
  const terminal = (optionValue(options, 'interactive') as boolean | undefined) ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const answersFile = optionValue(options, 'answers');
  return {
    interactive: !yes && terminal,
    force: Boolean(optionValue(options, 'force')),
    skipExisting: Boolean(optionValue(options, 'skip-existing')),
    validate: Boolean(optionValue(options, 'validate')),
    dryRun: Boolean(optionValue(options, 'dry-run')),
    conflictMarkers: Boolean(optionValue(options, 'conflict-markers')),
    allowDestructive: Boolean(optionValue(options, 'allow-destructive')),
    ...(typeof answersFile === 'string' ? { answersFile } : {}),
  };
}

/** Answer values given as flags, keyed by answers key. */
export function flagLayer(options: Options, specs: OptionSpec[] = ANSWER_OPTIONS): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = optionValue(options, spec.name);
    if (spec.key && value !== undefined) layer[spec.key] = value;
  }
  return layer;
}

export const ALL_OPTIONS: OptionSpec[] = [...ANSWER_OPTIONS, ...CONTROL_OPTIONS];

/** What the app generator reads before it resolves any answer. */
export interface Inputs {
  /** The destination folder, absolute. */
  root: string;
  flags: Record<string, unknown>;
  file?: Record<string, unknown>;
  /** Problems with the destination folder or the answers file; nothing else is checked yet. */
  problems: Problem[];
}

/**
 * The destination folder and the answers file, checked. `root` is the folder a relative destination
 * is resolved against (and the destination when none is given); the answers file is resolved against `cwd`.
 */
export function gatherInputs(options: Options, where: { cwd: string; root: string; destination?: string | undefined }): Inputs {
  const problems: Problem[] = [];
  const root = where.destination === undefined ? where.root : resolvePath(where.root, where.destination);
  problems.push(...checkDestination(root, where.destination ?? '.'));
  const answersFile = runOptions(options).answersFile;
  let file: Record<string, unknown> | undefined;
  if (answersFile !== undefined) {
    const read = readAnswersFile(resolvePath(where.cwd, answersFile));
    if (read.ok) file = read.values;
    else problems.push(...read.problems);
  }
  return { root, flags: flagLayer(options), ...(file ? { file } : {}), problems };
}

/**
 * Every problem a run without prompts would stop on before writing, found without loading Yeoman:
 * the same checks on the same sources as the generator's initializing and configuring steps. The
 * command line calls it first, so bad input fails in a fraction of a second. With prompts ahead,
 * only the destination and the answers file are checked (prompted answers may still fix the rest).
 */
export function preflight(options: Options, cwd: string, destination: string | undefined): Problem[] {
  const inputs = gatherInputs(options, { cwd, root: cwd, destination });
  if (inputs.problems.length > 0) return inputs.problems;
  const repository = readRepository(inputs.root);
  if (repository.problems.length > 0 || runOptions(options).interactive) return repository.problems;
  const resolution = resolveAnswers({
    flags: inputs.flags,
    ...(inputs.file ? { file: inputs.file } : {}),
    stored: repository.stored,
    folderName: basename(inputs.root),
  });
  return resolution.ok ? [] : resolution.problems;
}
