// `yo secure-aks:workload <name>` / `create-secure-aks workload <name>`: adds (or with --force,
// updates) one workload in a repository that the app generator wrote. The answers with the workload
// go through the same update engine as every run (core/run/update-run): files the workload owns are
// created, shared files are merged into what is on disk (core/output/merge), owner edits survive.
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SecureAksGenerator } from '../core/run/base-generator.ts';
import { EXPOSURES, WORKLOAD_FIELDS, WORKLOAD_KINDS, type Answers, type Workload } from '../core/answers/model.ts';
import { InputError, type Problem } from '../core/support/problems.ts';
import { checkWorkload, resolveAnswers, workloadChanges } from '../core/answers/resolve.ts';
import { optionValue, runOptions, type RunOptions } from '../core/run/session.ts';
import type { RepositoryState } from '../core/run/repository.ts';
import type { UpdateResult } from '../core/run/update-run.ts';
import { WORKLOAD_OPTIONS } from '../core/answers/workload-options.ts';
import { workloadSummary } from '../core/output/summary.ts';

export default class WorkloadGenerator extends SecureAksGenerator {
  private runOpts!: RunOptions;
  private previous!: Answers;
  private given: Record<string, unknown> = {};
  private existing?: Workload;
  private next?: Answers;
  private repository!: RepositoryState;
  private result?: UpdateResult;

  constructor(args: string[], options: Record<string, unknown>) {
    super(args, options as never);
    this.argument('name', { type: String, required: false, description: `${WORKLOAD_FIELDS.name.description} Rule: ${WORKLOAD_FIELDS.name.ruleText}.` });
    this.declareOptions(WORKLOAD_OPTIONS);
  }

  async initializing(): Promise<void> {
    await this._flushPending();
    this.runOpts = runOptions(this.options);
    ({ repository: this.repository, previous: this.previous } = this._storedRepository());
    const options = this.options as Record<string, unknown>;
    for (const key of ['name', ...WORKLOAD_OPTIONS.filter((o) => o.key).map((o) => o.key!)]) {
      const value = key === 'namespace' ? this._workloadNamespace(options) : optionValue(options, key);
      if (value !== undefined) this.given[key] = value;
    }
    this.existing = this.previous.workloads.find((w) => w.name === this.given.name);
  }

  /**
   * Yeoman keeps the generator's own namespace in options.namespace, so the programmatic entry points
   * (create-secure-aks, tests) pass --namespace as `workload-namespace`; under yo, --namespace is
   * parsed from the command line and replaces Yeoman's value.
   */
  private _workloadNamespace(options: Record<string, unknown>): unknown {
    const explicit = optionValue(options, 'workload-namespace');
    if (explicit !== undefined) return explicit;
    const value = options.namespace;
    return value === undefined || value === (this as unknown as { _namespace?: string })._namespace ? undefined : value;
  }

  async prompting(): Promise<void> {
    // A workload that exists is only changed on purpose (--force), so re-runs ask nothing.
    if (!this.runOpts.interactive || (this.existing && !this.runOpts.force)) return;
    const current = (key: keyof Workload, fallback: unknown) => this.given[key] ?? this.existing?.[key] ?? fallback;
    const check = (key: keyof Workload) => (input: unknown) => {
      const value = key === 'secrets' ? splitList(String(input)) : key === 'port' || key === 'replicas' ? Number(input) : input;
      const problems = key === 'secrets'
        ? (value as string[]).map((s) => WORKLOAD_FIELDS.secrets.rule(s)).filter(Boolean)
        : [(WORKLOAD_FIELDS[key].rule as (v: unknown) => string | undefined)(value)].filter(Boolean);
      return problems.length === 0 || problems.join('; ');
    };
    const questions = [
      { name: 'name', message: 'Workload name', type: 'input', validate: check('name'), when: () => this.given.name === undefined },
      { name: 'namespace', message: 'Kubernetes namespace', type: 'input', default: (a: Record<string, unknown>) => current('namespace', a.name ?? this.given.name), validate: check('namespace') },
      { name: 'kind', message: 'Kind (web: serves HTTP; worker: background process, no inbound traffic)', type: 'list', choices: [...WORKLOAD_KINDS], default: current('kind', 'web') },
      { name: 'port', message: 'Container port', type: 'input', default: String(current('port', 8080)), validate: check('port'), when: (a: Record<string, unknown>) => (a.kind ?? current('kind', 'web')) === 'web' },
      { name: 'replicas', message: 'Replicas', type: 'input', default: String(current('replicas', 2)), validate: check('replicas') },
      { name: 'secrets', message: 'Key Vault secrets to mount (comma-separated, empty for none)', type: 'input', default: [current('secrets', [])].flat().join(','), validate: check('secrets') },
      {
        name: 'expose',
        message: 'Expose it through the private HTTPS gateway? (internal: https://<name>.<private DNS zone>, inside the virtual network only)',
        type: 'list',
        choices: [...EXPOSURES],
        default: current('expose', 'internal'),
        when: (a: Record<string, unknown>) => (a.kind ?? current('kind', 'web')) === 'web',
      },
    ].filter((q) => q.name === 'name' || this.given[q.name] === undefined);
    const answers = (await this.prompt(questions as never)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(answers)) if (value !== undefined) this.given[key] = value;
    this.existing = this.previous.workloads.find((w) => w.name === this.given.name);
  }

  configuring(): void {
    if (this.given.name === undefined) throw new InputError([{ key: 'name', rule: 'is required: create-secure-aks workload <name>' }]);
    const entry: Record<string, unknown> = { ...(this.existing ?? {}) };
    for (const [key, value] of Object.entries(this.given)) {
      if (key === 'secrets') entry.secrets = Array.isArray(value) ? value : splitList(String(value));
      else if ((key === 'port' || key === 'replicas') && typeof value === 'string' && /^\d{1,9}$/.test(value)) entry[key] = Number(value);
      else entry[key] = value;
    }
    // A new kind brings its own default exposure (a worker is never exposed) unless one is given too.
    if (this.given.kind !== undefined && this.given.expose === undefined) delete entry.expose;
    const checked = checkWorkload(entry, 'workload');
    if (!checked.workload) throw new InputError(checked.problems.map(toFlagProblem));
    const workload = checked.workload;
    if (this.existing) {
      if (isDeepStrictEqual(this.existing, workload)) {
        this.log(`Workload ${workload.name} is already there with these answers; nothing to change.`);
        return;
      }
      if (!this.runOpts.force) {
        const changes = workloadChanges(this.existing, workload).join('; ');
        throw new InputError([{ key: 'name', value: workload.name, rule: `a workload with this name exists already with other answers (${changes}); rerun with --force to update it` }]);
      }
    }
    const workloads = this.existing
      ? this.previous.workloads.map((w) => (w.name === workload.name ? workload : w))
      : [...this.previous.workloads, workload];
    const resolved = resolveAnswers({ stored: { ...this.previous, workloads }, folderName: basename(this.destinationRoot()) });
    // Problems of this workload's entry name the flag the user typed (`name`, not `workloads[2].name`).
    const at = `workloads[${workloads.indexOf(workload)}].`;
    if (!resolved.ok) throw new InputError(resolved.problems.map((p) => (p.key.startsWith(at) ? { ...p, key: p.key.slice(at.length) } : p)));
    this.next = resolved.answers;
  }

  async writing(): Promise<void> {
    if (!this.next) return;
    this.result = await this._update(this.repository, this.previous, this.next, this.runOpts);
  }

  async end(): Promise<void> {
    if (!this.next || !this.result || this.runOpts.dryRun) return;
    this.log(workloadSummary(this.result.ctx, String(this.given.name), this.existing ? 'Updated' : 'Added'));
    await this._afterUpdate(this.result, this.runOpts.validate);
  }
}

function splitList(text: string): string[] {
  return text === '' ? [] : text.split(/,[ ]*/);
}

/** `workload.port` -> `port`, so the message names the flag the user typed. */
function toFlagProblem(problem: Problem): Problem {
  return { ...problem, key: problem.key.replace(/^workload\./, '') };
}
