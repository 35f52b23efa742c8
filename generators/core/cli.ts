// `create-secure-aks`: runs this package's generators through yeoman-environment, without a global
// `yo` (whose root check gets in the way on machines that run as root). Same options, same behaviour
// and same exit codes as `yo secure-aks` and `yo secure-aks:workload`.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { helpText, type OptionSpec } from './options.ts';
import { PACKAGE_VERSION } from './paths.ts';
import { formatProblem, InputError } from './problems.ts';
import { closest } from './rules.ts';
import { ALL_OPTIONS } from './session.ts';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

interface Command {
  namespace: string;
  generator: string;
  usage: string;
  help: () => string;
  options: OptionSpec[];
  maxPositionals: number;
}

const COMMANDS: Record<string, Command> = {
  app: {
    namespace: 'secure-aks:app',
    generator: 'app',
    usage: 'create-secure-aks',
    help: () => helpText('create-secure-aks'),
    options: ALL_OPTIONS,
    maxPositionals: 1,
  },
};

/** Subcommands other modules add (the workload generator registers itself here). */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

function generatorPath(name: string): string {
  const extension = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`../${name}/index${extension}`, import.meta.url));
}

function parse(command: Command, argv: string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  for (const option of command.options) {
    options[option.name] = { type: option.type, ...(option.alias ? { short: option.alias } : {}) };
  }
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true, allowNegative: true });
}

function usageError(command: Command, error: Error): string {
  const message = error.message.split('\n')[0]!;
  const unknown = /Unknown option '(--?[^']+)'/.exec(message);
  if (unknown) {
    const name = unknown[1]!.replace(/^-+/, '').split('=')[0]!;
    const guess = closest(name, [...command.options.map((o) => o.name), 'help', 'version']);
    return `${unknown[1]}: unknown option${guess ? ` (did you mean --${guess}?)` : ''}; see ${command.usage} --help`;
  }
  return `${message}; see ${command.usage} --help`;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const commandName = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) && argv[0] !== 'app' ? argv[0] : 'app';
  const command = COMMANDS[commandName]!;
  const args = commandName === 'app' ? argv : argv.slice(1);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(command, args);
  } catch (error) {
    io.err(`${command.usage}: ${usageError(command, error as Error)}\n`);
    return 1;
  }
  if (parsed.values.help) {
    io.out(command.help());
    return 0;
  }
  if (parsed.values.version) {
    io.out(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  if (parsed.positionals.length > command.maxPositionals) {
    io.err(`${command.usage}: unexpected argument ${JSON.stringify(parsed.positionals[command.maxPositionals])}; see ${command.usage} --help\n`);
    return 1;
  }
  const { createEnv } = await import('yeoman-environment');
  const env = createEnv({ cwd: io.cwd, skipInstall: true } as never);
  env.register(generatorPath(command.generator), { namespace: command.namespace });
  const { help: _help, version: _version, ...options } = parsed.values;
  try {
    await env.run([command.namespace, ...parsed.positionals], options as never);
    return 0;
  } catch (error) {
    if (error instanceof InputError || (error as Error).name === 'InputError') {
      io.err(`${command.usage}: ${(error as Error).message}\n`);
    } else {
      io.err(`${command.usage}: ${(error as Error).message}\n`);
    }
    return 1;
  }
}

export { formatProblem };
