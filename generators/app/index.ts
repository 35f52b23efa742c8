// `yo secure-aks` / `create-secure-aks`: the Yeoman run loop only. Answers are resolved and
// validated by core/answers/resolve, turned into a context by core/plan/context and rendered by core/output/render;
// nothing reaches the disk until the whole tree is rendered.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SecureAksGenerator } from '../core/run/base-generator.ts';
import { buildContext } from '../core/plan/context.ts';
import { FIELDS, type Answers, type Field } from '../core/answers/model.ts';
import { PACKAGE_VERSION, templateRoot } from '../core/support/paths.ts';
import { InputError } from '../core/support/problems.ts';
import { writeOptions } from '../core/output/files.ts';
import { renderTree } from '../core/output/render.ts';
import { checkField, pick, resolveAnswers, type Sources } from '../core/answers/resolve.ts';
import { ALL_OPTIONS, gatherInputs, runOptions, type RunOptions } from '../core/run/session.ts';
import { planUpdate } from '../core/output/update.ts';
import { summary } from '../core/output/summary.ts';
import { availableTools } from '../core/output/validate.ts';

export default class AppGenerator extends SecureAksGenerator {
  private runOpts!: RunOptions;
  private sources!: Sources;
  private answers!: Answers;
  private files = new Map<string, string>();

  constructor(args: string[], options: Record<string, unknown>) {
    super(args, options as never);
    this.argument('destination', { type: String, required: false, description: 'Folder to generate into (created if missing). Default: the current folder.' });
    this.declareOptions(ALL_OPTIONS);
  }

  initializing(): void {
    this.runOpts = runOptions(this.options);
    const destination = (this.options as Record<string, unknown>).destination as string | undefined;
    const inputs = gatherInputs(this.options, { cwd: this.env.cwd, root: this.destinationRoot(), destination });
    if (inputs.problems.length > 0) throw new InputError(inputs.problems);
    if (destination !== undefined) this.destinationRoot(inputs.root);
    this.sources = {
      flags: inputs.flags,
      ...(inputs.file ? { file: inputs.file } : {}),
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
    // A re-run whose answers are all known (stored, flags, answers file) asks nothing at all.
    if (questions.length > 0) await this._askToValidate();
  }

  /** Interactive runs offer --validate when a tool it uses is installed (default no: it takes a while). */
  private async _askToValidate(): Promise<void> {
    const tools = availableTools();
    if (this.runOpts.validate || tools.length === 0) return;
    const message = `Check the result with ${tools.map((t) => (t === 'bicep' ? 'bicep build' : 'kubectl kustomize')).join(' and ')} after writing?`;
    const answer = (await this.prompt([{ type: 'confirm', name: 'validate', message, default: false }] as never)) as { validate?: boolean };
    this.runOpts.validate = answer.validate === true;
  }

  configuring(): void {
    const resolution = resolveAnswers(this.sources);
    if (!resolution.ok) throw new InputError(resolution.problems);
    this.answers = resolution.answers;
  }

  async writing(): Promise<void> {
    const rendered = await renderTree(templateRoot('app'), buildContext(this.answers, PACKAGE_VERSION));
    const plan = planUpdate(rendered, await this._previousOutput(), (rel) => this._diskContent(rel));
    if (plan.conflicts.length > 0 && !this.runOpts.interactive && !this.runOpts.force && !this.runOpts.skipExisting) {
      throw new InputError(
        plan.conflicts.map((rel) => ({ key: rel, rule: 'differs from what the generator writes (edited since the last run?)' })),
        'Files changed since the last run; rerun with --force to overwrite them or --skip-existing to keep them. Nothing was written',
      );
    }
    if (this.runOpts.skipExisting) for (const rel of plan.conflicts) plan.write.delete(rel);
    // --force also takes back files the owner edited where the generator has nothing new.
    if (this.runOpts.force) for (const rel of plan.kept) plan.write.set(rel, rendered.get(rel)!);
    const unattended = new Set(plan.write.keys());
    // Interactive runs let Yeoman's conflicter ask about edited files; everything else is decided here.
    if (this.runOpts.interactive && !this.runOpts.force) for (const rel of plan.conflicts) unattended.delete(rel);
    for (const [rel, content] of plan.write) {
      this.fs.write(this.destinationPath(rel), content, writeOptions(rel) as never);
      if (unattended.has(rel)) (this.env.sharedFs.get(this.destinationPath(rel)) as { conflicter?: string }).conflicter = 'force';
    }
    // Only files nobody edited are removed: decided here too, not asked about.
    for (const rel of plan.remove) {
      this.fs.delete(this.destinationPath(rel));
      (this.env.sharedFs.get(this.destinationPath(rel)) as { conflicter?: string }).conflicter = 'force';
    }
    this.files = rendered;
    // The stored answers follow the answers; an unchanged .yo-rc.json is not rewritten.
    if (JSON.stringify(this.sources.stored) !== JSON.stringify(this.answers)) {
      this.config.set(this.answers as unknown as Record<string, unknown>);
    }
  }

  // Methods starting with _ are not Yeoman tasks.
  /** What the previous run wrote: the templates rendered with the stored answers, if there are any. */
  private async _previousOutput(): Promise<Map<string, string> | undefined> {
    const stored = this.sources.stored;
    if (!stored || Object.keys(stored).length === 0) return undefined;
    const previous = resolveAnswers({ stored, folderName: this.sources.folderName });
    return previous.ok ? renderTree(templateRoot('app'), buildContext(previous.answers, PACKAGE_VERSION)) : undefined;
  }

  private _diskContent(rel: string): string | undefined {
    const path = this.destinationPath(rel);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  async end(): Promise<void> {
    const ctx = buildContext(this.answers, PACKAGE_VERSION);
    this.log(summary(ctx, [...this.files.keys()], this.destinationRoot(), this.env.cwd));
    // On the files as written (edits kept with --skip-existing included).
    if (this.runOpts.validate) await this._validateWritten();
  }
}
