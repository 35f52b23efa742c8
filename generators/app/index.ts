// `yo secure-aks` / `create-secure-aks`: the Yeoman run loop only. Answers are resolved and validated
// by core/answers/resolve; the update engine (core/run/update-run) plans the repository from them
// (core/plan/context), renders it (core/output/render) and applies it to what is on disk; nothing
// reaches the disk until the whole tree is rendered and every conflict is settled.
import { basename } from 'node:path';
import { SecureAksGenerator } from '../core/run/base-generator.ts';
import { FIELDS, type Answers, type Field } from '../core/answers/model.ts';
import { InputError } from '../core/support/problems.ts';
import { PACKAGE_VERSION } from '../core/support/paths.ts';
import { checkField, pick, resolveAnswers, type Sources } from '../core/answers/resolve.ts';
import { ALL_OPTIONS, gatherInputs, runOptions, type RunOptions } from '../core/run/session.ts';
import { summary, updateSummary } from '../core/output/summary.ts';
import { readRepository, type RepositoryState } from '../core/run/repository.ts';
import type { UpdateResult } from '../core/run/update-run.ts';
import { availableTools } from '../core/output/validate.ts';

export default class AppGenerator extends SecureAksGenerator {
  private runOpts!: RunOptions;
  private sources!: Sources;
  private answers!: Answers;
  private previous?: Answers;
  private repository!: RepositoryState;
  private result?: UpdateResult;

  constructor(args: string[], options: Record<string, unknown>) {
    super(args, options as never);
    this.argument('destination', { type: String, required: false, description: 'Folder to generate into (created if missing). Default: the current folder.' });
    this.declareOptions(ALL_OPTIONS);
  }

  async initializing(): Promise<void> {
    await this._flushPending();
    this.runOpts = runOptions(this.options);
    const destination = (this.options as Record<string, unknown>).destination as string | undefined;
    const inputs = gatherInputs(this.options, { cwd: this.env.cwd, root: this.destinationRoot(), destination });
    if (inputs.problems.length > 0) throw new InputError(inputs.problems);
    if (destination !== undefined) this.destinationRoot(inputs.root);
    this.repository = readRepository(this.destinationRoot());
    if (this.repository.problems.length > 0) throw new InputError(this.repository.problems);
    this.sources = {
      flags: inputs.flags,
      ...(inputs.file ? { file: inputs.file } : {}),
      stored: this.repository.stored,
      folderName: basename(this.destinationRoot()),
    };
  }

  async prompting(): Promise<void> {
    if (!this.runOpts.interactive) return;
    // What flags, the answers file and .yo-rc.json already say: derived defaults build on it.
    const known: Record<string, unknown> = {};
    for (const field of FIELDS as readonly Field[]) {
      const given = pick(this.sources, field.key);
      if (given) known[field.key] = given.value;
    }
    const questions = (FIELDS as readonly Field[])
      .filter((field) => field.message && !field.fileOnly && !pick(this.sources, field.key))
      .map((field) => {
        const merged = (sofar: Record<string, unknown>) => ({ ...known, ...sofar }) as Partial<Answers>;
        const defaultOf = (sofar: Record<string, unknown>) => {
          const value = field.default({ answers: merged(sofar), folderName: this.sources.folderName });
          if (field.kind === 'environments') return (value as Answers['environments']).map((e) => e.name).join(',');
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
    // A re-run whose answers are all known (stored, flags, answers file) asks nothing at all.
    if (questions.length > 0) await this._askToValidate();
  }

  /** Interactive runs offer --validate when a tool it uses is installed (default no: it takes a while). */
  private async _askToValidate(): Promise<void> {
    const tools = availableTools(this._processEnv());
    if (this.runOpts.validate || tools.length === 0) return;
    const message = `Check the result with ${tools.map((t) => (t === 'bicep' ? 'bicep build' : 'kubectl kustomize')).join(' and ')} after writing?`;
    const answer = (await this.prompt([{ type: 'confirm', name: 'validate', message, default: false }] as never)) as { validate?: boolean };
    this.runOpts.validate = answer.validate === true;
  }

  configuring(): void {
    const resolution = resolveAnswers(this.sources);
    if (!resolution.ok) throw new InputError(resolution.problems);
    this.answers = resolution.answers;
    // What the stored answers alone resolve to: the repository as the last run left it.
    const stored = this.repository.stored;
    if (Object.keys(stored).length > 0) {
      const previous = resolveAnswers({ stored, folderName: this.sources.folderName });
      if (previous.ok) this.previous = previous.answers;
    }
  }

  async writing(): Promise<void> {
    this.result = await this._update(this.repository, this.previous, this.answers, this.runOpts);
  }

  async end(): Promise<void> {
    const result = this.result;
    if (!result || this.runOpts.dryRun) return;
    if (result.firstRun) this.log(summary(result.ctx, result.files, this.destinationRoot(), this.env.cwd));
    else if (result.wrote) this.log(updateSummary(result.changes, PACKAGE_VERSION, this.destinationRoot(), this.env.cwd));
    // On the files as written (edits kept with --skip-existing included).
    await this._afterUpdate(result, this.runOpts.validate);
  }
}
