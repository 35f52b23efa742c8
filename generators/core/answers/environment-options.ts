// The environment subgenerator's command line, derived from the answers model: one flag per setting
// that differs between environments (ENVIRONMENT_SETTINGS), named like the app generator's flag.
import { ENVIRONMENT_SETTINGS, fieldOf, flagOf } from './model.ts';
import { CONTROL_OPTIONS, subcommandHelpText, type OptionSpec } from './options.ts';

export const ENVIRONMENT_ANSWER_OPTIONS: OptionSpec[] = ENVIRONMENT_SETTINGS.map((key) => {
  const field = fieldOf(key);
  return { name: flagOf(key), key, type: 'string' as const, description: `${field.description} Rule: ${field.ruleText}. Default: derived for this environment (see docs/environments.md).` };
});

export const ENVIRONMENT_OPTIONS: OptionSpec[] = [
  ...ENVIRONMENT_ANSWER_OPTIONS,
  ...CONTROL_OPTIONS.filter((o) => ['yes', 'skip-prompts', 'dry-run', 'validate', 'conflict-markers', 'force', 'skip-existing'].includes(o.name)),
];

export function environmentHelpText(command: string): string {
  return subcommandHelpText(command, {
    about: [
      'Adds an environment after the existing ones (the highest so far) to a repository that',
      'generator-secure-aks wrote (run it inside the repository): its Bicep entry point and parameter',
      'file, its overlay, its Infra and Deploy stages in the pipeline (promoting the digests that passed',
      'the environment below it), its rows in the docs, and its entry in .yo-rc.json. Values not given',
      'are derived: its own names, the next free address space, production-like minimums for prod.',
      'Running it again with the same answers changes nothing.',
    ],
    heading: 'Environment',
    name: `${fieldOf('environment').description} Rule: ${fieldOf('environment').ruleText}.`,
    answers: ENVIRONMENT_ANSWER_OPTIONS,
    options: ENVIRONMENT_OPTIONS,
  });
}
