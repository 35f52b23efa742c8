// `yo secure-aks` / `create-secure-aks`: the Yeoman run loop only. Answers are resolved and
// validated by core/resolve, turned into a context by core/context and rendered by core/render;
// nothing reaches the disk until the whole tree is rendered.
import { basename, resolve as resolvePath } from 'node:path';
import Generator from 'yeoman-generator';
import { readAnswersFile } from '../core/answers-file.ts';
import { buildContext } from '../core/context.ts';
import { checkDestination } from '../core/destination.ts';
import { FIELDS, type Answers, type Field } from '../core/model.ts';
import { PACKAGE_NAME, PACKAGE_VERSION, templateRoot } from '../core/paths.ts';
import { InputError, type Problem } from '../core/problems.ts';
import { renderTree } from '../core/render.ts';
import { checkField, pick, resolveAnswers, type Sources } from '../core/resolve.ts';
import { ALL_OPTIONS, differingFiles, flagLayer, runOptions, type RunOptions } from '../core/session.ts';
import { summary } from '../core/summary.ts';

export default class AppGenerator extends Generator {
  private runOpts!: RunOptions;
  private sources!: Sources;
  private answers!: Answers;
  private files = new Map<string, string>();

  constructor(args: string[], options: Record<string, unknown>) {
    super(args, options as never);
    this.argument('destination', { type: String, required: false, description: 'Folder to generate into (created if missing). Default: the current folder.' });
    for (const option of ALL_OPTIONS) {
      this.option(option.name, {
        type: option.type === 'boolean' ? Boolean : String,
        description: option.description,
        ...(option.alias ? { alias: option.alias } : {}),
      });
    }
  }

  /** The stored answers live under this package's name however the generator was loaded. */
  override rootGeneratorName(): string {
    return PACKAGE_NAME;
  }

  override rootGeneratorVersion(): string {
    return PACKAGE_VERSION;
  }

  initializing(): void {
    this.runOpts = runOptions(this.options);
    const destination = (this.options as Record<string, unknown>).destination as string | undefined;
    const problems: Problem[] = [];
    if (destination !== undefined) {
      problems.push(...checkDestination(resolvePath(this.destinationRoot(), destination), destination));
      if (problems.length === 0) this.destinationRoot(resolvePath(this.destinationRoot(), destination));
    } else {
      problems.push(...checkDestination(this.destinationRoot(), '.'));
    }
    let file: Record<string, unknown> | undefined;
    if (this.runOpts.answersFile !== undefined) {
      const read = readAnswersFile(resolvePath(this.env.cwd, this.runOpts.answersFile));
      if (read.ok) file = read.values;
      else problems.push(...read.problems);
    }
    if (problems.length > 0) throw new InputError(problems);
    this.sources = {
      flags: flagLayer(this.options),
      ...(file ? { file } : {}),
      stored: this.config.getAll(),
      folderName: basename(this.destinationRoot()),
    };
  }

  async prompting(): Promise<void> {
    if (!this.runOpts.interactive) return;
    const known: Record<string, unknown> = {};
    const questions = (FIELDS as readonly Field[])
      .filter((field) => field.message && !field.fileOnly && !pick(this.sources, field.key))
      .map((field) => {
        const merged = (sofar: Record<string, unknown>) => ({ ...known, ...sofar }) as Partial<Answers>;
        const defaultOf = (sofar: Record<string, unknown>) => {
          const value = field.default({ answers: merged(sofar), folderName: this.sources.folderName });
          return Array.isArray(value) ? value.join(',') : value;
        };
        const validate = (input: unknown) => {
          const checked = checkField(field, input, true);
          return checked.problems.length === 0 || checked.problems.map((p) => p.rule).join('; ');
        };
        const base = { name: field.key, message: field.message!, default: defaultOf, validate, ...(field.when ? { when: (sofar: Record<string, unknown>) => field.when!(merged(sofar)) } : {}) };
        if (field.kind === 'boolean') return { ...base, type: 'confirm' as const };
        if (field.choices && field.choices.length <= 5) return { ...base, type: 'list' as const, choices: [...field.choices] };
        return { ...base, type: 'input' as const, filter: (input: unknown) => (typeof input === 'string' || typeof input === 'boolean' ? input : String(input)) };
      });
    this.sources.prompted = await this.prompt(questions as never);
  }

  configuring(): void {
    const resolution = resolveAnswers(this.sources);
    if (!resolution.ok) throw new InputError(resolution.problems);
    this.answers = resolution.answers;
  }

  async writing(): Promise<void> {
    const ctx = buildContext(this.answers, PACKAGE_VERSION);
    const rendered = await renderTree(templateRoot('app'), ctx);
    const differing = differingFiles(rendered, (rel) => this.destinationPath(rel));
    if (differing.length > 0 && !this.runOpts.interactive && !this.runOpts.force && !this.runOpts.skipExisting) {
      throw new InputError(
        differing.map((rel) => ({ key: rel, rule: 'differs from what the generator writes (edited since the last run?)' })),
        'Files changed since the last run; rerun with --force to overwrite them or --skip-existing to keep them. Nothing was written',
      );
    }
    for (const rel of differing) if (this.runOpts.skipExisting) rendered.delete(rel);
    this.files = rendered;
    for (const [rel, content] of rendered) this.fs.write(this.destinationPath(rel), content);
    this.config.set(this.answers as unknown as Record<string, unknown>);
    // The stored answers always follow the answers; files the user asked to overwrite are forced.
    const storedChanged = differingFiles(new Map([['.yo-rc.json', this.fs.read(this.destinationPath('.yo-rc.json'))!]]), (rel) => this.destinationPath(rel));
    for (const rel of [...(this.runOpts.force ? differing : []), ...storedChanged]) {
      const file = this.env.sharedFs.get(this.destinationPath(rel)) as { conflicter?: string };
      file.conflicter = 'force';
    }
  }

  end(): void {
    this.log(summary(buildContext(this.answers, PACKAGE_VERSION), [...this.files.keys()], this.destinationRoot(), this.env.cwd));
  }
}
