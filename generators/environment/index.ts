// `yo secure-aks:environment <name>` / `create-secure-aks environment <name>`: adds an environment after
// the existing ones. The answers with the new entry go through the same update engine as every run
// (core/run/update-run): the environment's own files are created, shared files (pipeline, scripts,
// docs) are merged into what is on disk, owner edits survive, and bad input writes nothing.
import { basename } from 'node:path';
import { SecureAksGenerator } from '../core/run/base-generator.ts';
import { ENVIRONMENT_SETTINGS, fieldOf, type Answers } from '../core/answers/model.ts';
import { storedEnvironments } from '../core/answers/environments.ts';
import { InputError, type Problem } from '../core/support/problems.ts';
import { checkField, resolveAnswers } from '../core/answers/resolve.ts';
import { optionValue, runOptions, type RunOptions } from '../core/run/session.ts';
import type { RepositoryState } from '../core/run/repository.ts';
import type { UpdateResult } from '../core/run/update-run.ts';
import { ENVIRONMENT_ANSWER_OPTIONS, ENVIRONMENT_OPTIONS } from '../core/answers/environment-options.ts';

export default class EnvironmentGenerator extends SecureAksGenerator {
  private runOpts!: RunOptions;
  private previous!: Answers;
  private given: Record<string, unknown> = {};
  private next?: Answers;
  private repository!: RepositoryState;
  private result?: UpdateResult;

  constructor(args: string[], options: Record<string, unknown>) {
    super(args, options as never);
    this.argument('name', { type: String, required: false, description: `${fieldOf('environment').description} Rule: ${fieldOf('environment').ruleText}.` });
    this.declareOptions(ENVIRONMENT_OPTIONS);
  }

  async initializing(): Promise<void> {
    await this._flushPending();
    this.runOpts = runOptions(this.options);
    ({ repository: this.repository, previous: this.previous } = this._storedRepository());
    const options = this.options as Record<string, unknown>;
    if (optionValue(options, 'name') !== undefined) this.given.name = optionValue(options, 'name');
    for (const option of ENVIRONMENT_ANSWER_OPTIONS) {
      const value = optionValue(options, option.name);
      if (value !== undefined) this.given[option.key!] = value;
    }
  }

  async prompting(): Promise<void> {
    if (!this.runOpts.interactive) return;
    if (this.given.name === undefined) {
      const rule = fieldOf('environment').rule as (v: unknown) => string | undefined;
      const answer = (await this.prompt([{ name: 'name', message: 'Name of the new environment (added after the others)', type: 'input', validate: (v: unknown) => rule(v) ?? true }] as never)) as { name?: string };
      if (answer.name !== undefined) this.given.name = answer.name;
    }
    const name = String(this.given.name ?? '');
    if (this.previous.environments.some((e) => e.name === name)) return;
    // Every setting not given as a flag, with what this environment would get as its default.
    const derived = resolveAnswers({
      flags: { environments: [...storedEnvironments(this.previous.environments), { ...this.given }] },
      stored: { ...this.previous, environments: storedEnvironments(this.previous.environments) },
      folderName: basename(this.destinationRoot()),
    });
    const defaults = derived.ok ? derived.answers.environments.at(-1) : undefined;
    const questions = ENVIRONMENT_SETTINGS.filter((key) => this.given[key] === undefined && fieldOf(key).message).map((key) => {
      const field = fieldOf(key);
      const value = defaults?.[key];
      return {
        name: key,
        message: `${field.message} (${name})`,
        type: 'input',
        default: Array.isArray(value) ? value.join(',') : value === undefined ? undefined : String(value),
        validate: (input: unknown) => {
          const checked = checkField(field, input, true);
          return checked.problems.length === 0 || checked.problems.map((p) => p.rule).join('; ');
        },
      };
    });
    const answers = (await this.prompt(questions as never)) as Record<string, unknown>;
    // An answer that differs from the derived default is given; the others are derived as before.
    for (const [key, value] of Object.entries(answers)) {
      const fallback = defaults?.[key as keyof typeof defaults];
      const asText = Array.isArray(fallback) ? fallback.join(',') : fallback === undefined ? undefined : String(fallback);
      if (value !== undefined && String(value) !== asText) this.given[key] = value;
    }
  }

  configuring(): void {
    const name = this.given.name;
    if (name === undefined) throw new InputError([{ key: 'name', rule: 'is required: create-secure-aks environment <name>' }]);
    const names = this.previous.environments.map((e) => e.name);
    if (names.includes(String(name))) {
      const settings = Object.keys(this.given).filter((k) => k !== 'name');
      if (settings.length === 0) {
        this.log(`Environment ${String(name)} is already there; nothing to change.`);
        return;
      }
      throw new InputError([{ key: 'name', value: name, rule: `is already an environment of this repository (${names.join(', ')}); change its settings in an answers file (environments) and re-run yo secure-aks` }]);
    }
    const entry = { ...this.given };
    const environments = [...storedEnvironments(this.previous.environments), entry];
    // Given on the command line: the new entry's values are text, read the way flags are.
    const resolved = resolveAnswers({ flags: { environments }, stored: { ...this.previous, environments: storedEnvironments(this.previous.environments) }, folderName: basename(this.destinationRoot()) });
    // Problems of the new entry name the flag the user typed (`address-space`, not `environments[2].addressSpace`).
    const at = `environments[${environments.length - 1}].`;
    if (!resolved.ok) throw new InputError(resolved.problems.map((p) => toFlagProblem(p, at)));
    this.next = resolved.answers;
  }

  async writing(): Promise<void> {
    if (!this.next) return;
    this.result = await this._update(this.repository, this.previous, this.next, this.runOpts);
  }

  async end(): Promise<void> {
    if (!this.next || !this.result || this.runOpts.dryRun) return;
    const name = String(this.given.name);
    this.log(
      [
        `Added environment ${name}, after ${this.previous.environments.at(-1)!.name}. Next:`,
        `  bash scripts/deploy-infra.sh ${name}       # its first deployment, from a workstation`,
        `  bash scripts/bootstrap-devops.sh ${name}   # its service connection and Azure DevOps environments`,
        '  then commit and push: the pipeline deploys it after the environment below it (docs/environments.md).',
      ].join('\n'),
    );
    await this._afterUpdate(this.result, this.runOpts.validate);
  }
}

/** `environments[2].addressSpace` -> `address-space` for the new entry, so the message names the flag. */
function toFlagProblem(problem: Problem, at: string): Problem {
  if (!problem.key.startsWith(at)) return problem;
  const key = problem.key.slice(at.length);
  return { ...problem, key: key === 'name' ? 'name' : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) };
}
