// What every generator of this package needs from its command line: the answers-related options,
// the interactive/non-interactive decision, and the policy for files that differ on disk.
import { ANSWER_OPTIONS, CONTROL_OPTIONS, type OptionSpec } from './options.ts';

export interface RunOptions {
  interactive: boolean;
  force: boolean;
  skipExisting: boolean;
  validate: boolean;
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
