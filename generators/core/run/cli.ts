// `create-secure-aks`: runs this package's generators through yeoman-environment, without a global
// `yo` (whose root check gets in the way on machines that run as root). Same options, same behaviour
// and same exit codes as `yo secure-aks` and `yo secure-aks:workload`.
import { extname } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { helpText, type OptionSpec } from '../answers/options.ts';
import { PACKAGE_VERSION } from '../support/paths.ts';
import { formatProblem, InputError, type Problem } from '../support/problems.ts';
import { closest } from '../answers/rules.ts';
import { ALL_OPTIONS, preflight } from './session.ts';
import { WORKLOAD_OPTIONS, workloadHelpText } from '../answers/workload-options.ts';
import { ENVIRONMENT_OPTIONS, environmentHelpText } from '../answers/environment-options.ts';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  /** Whether the run may ask questions; unset, it may when stdin and stdout are terminals (run/session.ts). */
  interactive?: boolean;
  /**
   * The environment the run finds and starts the tools in (BICEP_PATH, KUBECTL_PATH, PATH, HOME,
   * SECURE_AKS_VALIDATE_TIMEOUT, ...): a run in another program's process need not change that
   * process's own. process.env when unset.
   */
  env?: NodeJS.ProcessEnv;
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
  /** The input checks of the generator that need no Yeoman; problems found here end the run early. */
  preflight?: (options: Record<string, unknown>, cwd: string, positionals: string[]) => Problem[];
}

const COMMANDS: Record<string, Command> = {
  app: {
    namespace: 'secure-aks:app',
    generator: 'app',
    usage: 'create-secure-aks',
    help: () => helpText('create-secure-aks'),
    options: ALL_OPTIONS,
    maxPositionals: 1,
    preflight: (options, cwd, positionals) => preflight(options, cwd, positionals[0]),
  },
  workload: {
    namespace: 'secure-aks:workload',
    generator: 'workload',
    usage: 'create-secure-aks workload',
    help: () => workloadHelpText('create-secure-aks workload'),
    options: WORKLOAD_OPTIONS,
    maxPositionals: 1,
  },
  environment: {
    namespace: 'secure-aks:environment',
    generator: 'environment',
    usage: 'create-secure-aks environment',
    help: () => environmentHelpText('create-secure-aks environment'),
    options: ENVIRONMENT_OPTIONS,
    maxPositionals: 1,
  },
};

/**
 * Where Yeoman's adapter writes (its log, which the generators' `this.log` goes through, its progress
 * line and its prompts): the process's own streams for the bin, a caller's `io` otherwise (log lines
 * to io.err, as the bin's go to stderr), so a run in another program's process prints nothing of its own.
 */
function adapterStreams(io: Io): { stdout?: Writable; stderr?: Writable } {
  if (io === defaultIo) return {};
  const to = (write: (text: string) => void) =>
    new Writable({
      decodeStrings: false,
      write(chunk: string | Buffer, _encoding, done) {
        write(String(chunk));
        done();
      },
    });
  return { stdout: to(io.out), stderr: to(io.err) };
}

function generatorPath(name: string): string {
  const extension = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`../../${name}/index${extension}`, import.meta.url));
}

/**
 * `--x true` and `--x false` (and `--x=true`, `--x=false`) for an answer that is true or false, as
 * yo reads them, become `--x` and `--no-x`, which parseArgs knows. Control switches (--yes, --force)
 * take no value. Anything after `--` is left alone.
 */
export function normaliseBooleanFlags(command: Pick<Command, 'options'>, argv: string[]): { args: string[]; problems: Problem[] } {
  const answers = new Set(command.options.filter((o) => o.type === 'boolean' && o.key).map((o) => o.name));
  const args: string[] = [];
  const problems: Problem[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const flag = /^--([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!flag || !answers.has(flag[1]!)) {
      args.push(arg);
      continue;
    }
    const name = flag[1]!;
    let value = flag[2];
    if (value === undefined && (argv[i + 1] === 'true' || argv[i + 1] === 'false')) value = argv[++i];
    if (value === undefined || value === 'true') args.push(`--${name}`);
    else if (value === 'false') args.push(`--no-${name}`);
    else problems.push({ key: `--${name}`, value, rule: `must be true or false (--${name}, --${name} true, --${name} false or --no-${name})` });
  }
  return { args, problems };
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

/** A command-line parse error as a Problem: the flag, and what is wrong with it. */
function usageProblem(command: Command, error: Error): Problem {
  const message = error.message.split('\n')[0]!;
  const flagIn = (text: string) => /--[\w-]+/.exec(text)?.[0] ?? text;
  const unknown = /Unknown option '(--?[^']+)'/.exec(message);
  if (unknown) {
    const flag = unknown[1]!.split('=')[0]!;
    const name = flag.replace(/^-+/, '');
    const negated = command.options.find((o) => o.type === 'string' && name === `no-${o.name}`);
    if (negated) return { key: flag, rule: `unknown option; --${negated.name} takes a value and cannot be negated` };
    const guess = closest(name, [...command.options.map((o) => o.name), 'help', 'version']);
    return { key: flag, rule: `unknown option${guess ? ` (did you mean --${guess}?)` : ''}` };
  }
  const missing = /^Option '([^']+)' argument missing/.exec(message);
  if (missing) return { key: flagIn(missing[1]!), rule: 'needs a value' };
  const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const flag = flagIn(ambiguous[1]!);
    return { key: flag, rule: `needs a value, but the next argument is an option (a value that starts with "-" is written ${flag}=-value)` };
  }
  const noValue = /^Option '([^']+)' does not take an argument/.exec(message);
  if (noValue) {
    // Answers that are true or false take a value (normaliseBooleanFlags); this is a control switch.
    return { key: flagIn(noValue[1]!), rule: 'is a switch and takes no value' };
  }
  return { key: 'command line', rule: message };
}

function usageError(command: Command, problems: Problem[]): string {
  return `${command.usage}: ${new InputError(problems, 'Invalid command line; nothing was written').message}\nSee ${command.usage} --help.\n`;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const commandName = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) && argv[0] !== 'app' ? argv[0] : 'app';
  const command = COMMANDS[commandName]!;
  const args = commandName === 'app' ? argv : argv.slice(1);
  const booleans = normaliseBooleanFlags(command, args);
  if (booleans.problems.length > 0) {
    io.err(usageError(command, booleans.problems));
    return 1;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(command, booleans.args);
  } catch (error) {
    io.err(usageError(command, [usageProblem(command, error as Error)]));
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
    const extra = parsed.positionals.slice(command.maxPositionals);
    io.err(usageError(command, extra.map((arg) => ({ key: JSON.stringify(arg), rule: `unexpected argument (${command.usage} takes at most ${command.maxPositionals})` }))));
    return 1;
  }
  const { help: _help, version: _version, ...options } = parsed.values as Record<string, unknown>;
  if (io.interactive !== undefined) options.interactive = io.interactive;
  if (io.env !== undefined) options.processEnv = io.env;
  // Yeoman keeps a generator's own namespace in options.namespace; the workload's goes by another key.
  if (commandName === 'workload' && options.namespace !== undefined) {
    options['workload-namespace'] = options.namespace;
    delete options.namespace;
  }
  // Bad input is reported before Yeoman is loaded (which takes most of a second).
  const early = command.preflight?.(options, io.cwd, parsed.positionals) ?? [];
  if (early.length > 0) {
    io.err(`${command.usage}: ${new InputError(early).message}\n`);
    return 1;
  }
  const { createEnv } = await import('yeoman-environment');
  const env = createEnv({ cwd: io.cwd, skipInstall: true, ...adapterStreams(io) } as never);
  env.register(generatorPath(command.generator), { namespace: command.namespace });
  try {
    await env.run([command.namespace, ...parsed.positionals], options as never);
    return 0;
  } catch (error) {
    io.err(`${command.usage}: ${(error as Error).message}\n`);
    // --validate says which way it did not pass: 1 a tool reported an error, 3 a check timed out.
    const exitCode = (error as { name?: string; exitCode?: unknown }).name === 'ValidationError' ? (error as { exitCode?: unknown }).exitCode : undefined;
    return typeof exitCode === 'number' ? exitCode : 1;
  }
}

export { formatProblem };
