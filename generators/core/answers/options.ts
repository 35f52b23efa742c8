// Command-line options, --help text, answers.schema.json and the README's answers table, all derived
// from the answers model.
import { ENVIRONMENT_SETTINGS, EXPOSURES, FIELDS, fieldOf, flagOf, WORKLOAD_FIELDS, WORKLOAD_KINDS, type Field } from './model.ts';

export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean';
  description: string;
  alias?: string;
  /** The answers key this flag sets; control options have none. */
  key?: string;
}

export const ANSWER_OPTIONS: OptionSpec[] = (FIELDS as readonly Field[])
  .filter((f) => !f.fileOnly)
  .map((f) => ({
    name: flagOf(f.key),
    key: f.key,
    type: f.kind === 'boolean' ? 'boolean' : 'string',
    description: `${f.description} Default: ${f.defaultText}.`,
  }));

export const CONTROL_OPTIONS: OptionSpec[] = [
  { name: 'answers', type: 'string', description: 'Answers file (YAML or JSON, see answers.schema.json); flags override it.' },
  { name: 'yes', alias: 'y', type: 'boolean', description: 'Never prompt: use defaults for every answer not given.' },
  { name: 'skip-prompts', type: 'boolean', description: 'Same as --yes.' },
  { name: 'force', type: 'boolean', description: "Where your edits and the generator's changes conflict (or you edited a file), take the generator's version." },
  { name: 'skip-existing', type: 'boolean', description: "Where your edits and the generator's changes conflict, keep your version (the run names each file and checks the result)." },
  { name: 'conflict-markers', type: 'boolean', description: 'Where your edits and the generator\'s changes conflict, write git-style conflict markers into the file to resolve by hand.' },
  { name: 'allow-destructive', type: 'boolean', description: 'Allow changes that remove an environment or a workload, or re-aim a deployed environment (location, names).' },
  { name: 'dry-run', type: 'boolean', description: 'Show what the run would change, file by file, and write nothing.' },
  { name: 'validate', type: 'boolean', description: 'After writing, run the checks of scripts/validate.sh (bicep lint, or bicep build-params when the variables it reads are set; kubectl kustomize) where the tools are installed.' },
];

export const EXIT_CODES = [
  ['0', 'generated or updated (or nothing to change)'],
  ['1', 'invalid input, a conflict or a destructive change without its option, another run holding the repository (nothing was written); or conflict markers written, a failed self-check, or --validate found an error (the files were written)'],
  ['3', '--validate could not finish: a check timed out (not found invalid; the files were written)'],
] as const;

function pad(text: string, width: number): string {
  return text.length >= width ? `${text}  ` : text.padEnd(width);
}

/**
 * How a flag is written: `--name <value>`; an answer that is true or false takes `--x`, `--x true`,
 * `--x false` or `--no-x` (create-secure-aks and yo both read all four); a control switch is `--x`.
 */
export function flagUsage(option: Pick<OptionSpec, 'name' | 'type' | 'key' | 'alias'>): string {
  if (option.type === 'string') return `--${option.name} <value>${option.alias ? `, -${option.alias}` : ''}`;
  if (option.key) return `--${option.name} [true|false], --no-${option.name}`;
  return `--${option.name}${option.alias ? `, -${option.alias}` : ''}`;
}

function optionLine(option: OptionSpec): string {
  return `  ${pad(flagUsage(option), 36)}${option.description}`;
}

export function helpText(command: string): string {
  return [
    `Usage: ${command} [<destination>] [options]`,
    '',
    'Generates a secure-by-default AKS repository (Bicep, Kubernetes manifests, Azure DevOps pipeline).',
    'Answers come from, in order of precedence: flags > --answers file > .yo-rc.json > prompts or defaults.',
    'Without a terminal, or with --yes, nothing is prompted.',
    '',
    'Answers:',
    ...ANSWER_OPTIONS.map(optionLine),
    "  (workloads: answers file only, or `workload` subcommand; a later environment's own settings: answers file, or `environment` subcommand)",
    '',
    'Options:',
    ...CONTROL_OPTIONS.map(optionLine),
    `  ${pad('--help, -h', 36)}Show this help.`,
    `  ${pad('--version', 36)}Show the version.`,
    '',
    'Exit codes:',
    ...EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`),
    '',
  ].join('\n');
}

/**
 * The --help of a subcommand that takes a name (workload, environment): what it does, the name and
 * its answer flags, then its control options and the exit codes.
 */
export function subcommandHelpText(command: string, help: { about: readonly string[]; heading: string; name: string; answers: readonly OptionSpec[]; options: readonly OptionSpec[] }): string {
  const line = (o: OptionSpec) => `  ${`--${o.name}${o.type === 'string' ? ' <value>' : ''}${o.alias ? `, -${o.alias}` : ''}`.padEnd(36)}${o.description}`;
  return [
    `Usage: ${command} <name> [options]`,
    '',
    ...help.about,
    '',
    `${help.heading}:`,
    `  ${'<name>'.padEnd(36)}${help.name}`,
    ...help.answers.map(line),
    '',
    'Options:',
    ...help.options.filter((o) => !o.key).map(line),
    `  ${'--help, -h'.padEnd(36)}Show this help.`,
    '',
    'Exit codes:',
    ...EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`),
    '',
  ].join('\n');
}

type JsonSchema = Record<string, unknown>;

function fieldSchema(field: Field): JsonSchema {
  const description = `${field.description} Rule: ${field.ruleText}.`;
  switch (field.kind) {
    case 'boolean':
      return { type: 'boolean', description };
    case 'integer':
      return { type: 'integer', description, ...(field.range ? { minimum: field.range[0], maximum: field.range[1] } : {}) };
    case 'list': {
      // Choices that are numbers (availability zones) may be written as numbers too: [1, 2, 3].
      const numbers = (field.choices ?? []).filter((c) => /^\d+$/.test(c)).map(Number);
      const items = field.choices ? { enum: [...field.choices, ...numbers] } : { type: 'string' };
      return {
        description,
        anyOf: [
          { type: 'array', uniqueItems: true, items },
          { type: 'string', description: 'The same as comma-separated text, as on the command line (1,2,3).' },
        ],
      };
    }
    case 'string':
      return { type: 'string', description, ...(field.choices ? { enum: field.choices } : {}) };
    case 'environments': {
      const name = { type: 'string', pattern: '^[a-z][a-z0-9]{1,7}$', description: `${fieldOf('environment').description} Rule: ${fieldOf('environment').ruleText}.` };
      return {
        description,
        anyOf: [
          {
            type: 'array',
            minItems: 1,
            items: {
              anyOf: [
                name,
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name'],
                  properties: { name, ...Object.fromEntries(ENVIRONMENT_SETTINGS.map((key) => [key, fieldSchema(fieldOf(key))])) },
                },
              ],
            },
          },
          { type: 'string', description: 'Comma-separated environment names, as on the command line (dev,prod).' },
        ],
      };
    }
    case 'workloads':
      return {
        type: 'array',
        description,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', description: `${WORKLOAD_FIELDS.name.description} Rule: ${WORKLOAD_FIELDS.name.ruleText}.` },
            namespace: { type: 'string', description: `${WORKLOAD_FIELDS.namespace.description} Default: the workload name.` },
            kind: { enum: [...WORKLOAD_KINDS], description: `${WORKLOAD_FIELDS.kind.description} Default: web.` },
            port: { type: 'integer', minimum: 1024, maximum: 65535, description: `${WORKLOAD_FIELDS.port.description} Default: 8080.` },
            replicas: { type: 'integer', minimum: 1, maximum: 50, description: `${WORKLOAD_FIELDS.replicas.description} Default: 2.` },
            secrets: {
              description: WORKLOAD_FIELDS.secrets.description,
              anyOf: [
                { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[0-9a-zA-Z-]{1,127}$' } },
                { type: 'string', description: 'The same as comma-separated text (db-password,api-key).' },
              ],
            },
            expose: { enum: [...EXPOSURES], description: WORKLOAD_FIELDS.expose.description },
          },
        },
      };
  }
}

export function answersSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'generator-secure-aks answers',
    description: 'Answers for `yo secure-aks` / `create-secure-aks --answers <file>` (secure-aks.yaml).',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'Where an editor finds this schema.' },
      ...Object.fromEntries((FIELDS as readonly Field[]).map((f) => [f.key, fieldSchema(f)])),
    },
  };
}

export const README_TABLE_START = '<!-- answers-table:start (generated from the answers model: npm run docs) -->';
export const README_TABLE_END = '<!-- answers-table:end -->';

export function readmeAnswersTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = (FIELDS as readonly Field[]).map((f) =>
    `| \`${f.key}\` | ${f.fileOnly ? 'answers file only' : flagUsage({ name: flagOf(f.key), type: f.kind === 'boolean' ? 'boolean' : 'string', key: f.key }).replace(/ <value>$/, '').split(', ').map((flag) => cell(`\`${flag}\``)).join(', ')} | ${cell(f.description)} | ${cell(f.defaultText)} | ${cell(f.ruleText)} |`,
  );
  return ['| key | flag | meaning | default | rule |', '|---|---|---|---|---|', ...rows].join('\n');
}
