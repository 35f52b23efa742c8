// `yo secure-aks:workload <name>` / `create-secure-aks workload <name>`: adds (or with --force,
// updates) one workload in a repository that the app generator wrote. The tree is rendered twice —
// for the stored answers and with the workload — and the difference is applied to what is on disk:
// files the workload owns are created, shared files are merged structurally (core/output/merge).
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SecureAksGenerator } from '../core/run/base-generator.ts';
import { storedAnswersProblem } from '../core/output/destination.ts';
import { buildContext } from '../core/plan/context.ts';
import { EXPOSURES, WORKLOAD_FIELDS, WORKLOAD_KINDS, type Answers, type Workload } from '../core/answers/model.ts';
import { PACKAGE_VERSION, templateRoot } from '../core/support/paths.ts';
import { InputError, type Problem } from '../core/support/problems.ts';
import { writeOptions } from '../core/output/files.ts';
import { renderTree } from '../core/output/render.ts';
import { checkWorkload, resolveAnswers } from '../core/answers/resolve.ts';
import { optionValue, runOptions, type RunOptions } from '../core/run/session.ts';
import { planMerge } from '../core/output/workload-update.ts';
import { WORKLOAD_OPTIONS } from '../core/answers/workload-options.ts';

const RUN_INSIDE = 'run this inside a repository that yo secure-aks generated';

export default class WorkloadGenerator extends SecureAksGenerator {
  private runOpts!: RunOptions;
  private previous!: Answers;
  private given: Record<string, unknown> = {};
  private existing?: Workload;
  private next?: Answers;

  constructor(args: string[], options: Record<string, unknown>) {
    super(args, options as never);
    this.argument('name', { type: String, required: false, description: `${WORKLOAD_FIELDS.name.description} Rule: ${WORKLOAD_FIELDS.name.ruleText}.` });
    this.declareOptions(WORKLOAD_OPTIONS);
  }

  initializing(): void {
    this.runOpts = runOptions(this.options);
    // Read through the in-memory fs (it falls back to the disk), so composed and test runs see the same.
    const rc = this.destinationPath('.yo-rc.json');
    const problem = storedAnswersProblem(this.fs.exists(rc) ? this.fs.read(rc)! : undefined);
    if (problem) {
      throw new InputError([{ key: 'destination', value: this.destinationRoot(), rule: `is not a secure-aks repository (${problem}); ${RUN_INSIDE}` }]);
    }
    const stored = resolveAnswers({ stored: this.config.getAll(), folderName: basename(this.destinationRoot()) });
    if (!stored.ok) throw new InputError(stored.problems.map((p) => ({ ...p, key: `.yo-rc.json ${p.key}` })));
    this.previous = stored.answers;
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
    if (this.given.namespace === undefined && !this.existing) entry.namespace = entry.name;
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
        throw new InputError([{ key: 'name', value: workload.name, rule: 'a workload with this name exists already with other answers; rerun with --force to update it' }]);
      }
    }
    const workloads = this.existing
      ? this.previous.workloads.map((w) => (w.name === workload.name ? workload : w))
      : [...this.previous.workloads, workload];
    const resolved = resolveAnswers({ stored: { ...this.previous, workloads }, folderName: basename(this.destinationRoot()) });
    if (!resolved.ok) throw new InputError(resolved.problems);
    this.next = resolved.answers;
  }

  async writing(): Promise<void> {
    if (!this.next) return;
    const root = templateRoot('app');
    const [base, next] = await Promise.all([
      renderTree(root, buildContext(this.previous, PACKAGE_VERSION)),
      renderTree(root, buildContext(this.next, PACKAGE_VERSION)),
    ]);
    const read = (rel: string) => (this.fs.exists(this.destinationPath(rel)) ? this.fs.read(this.destinationPath(rel)) : undefined);
    const plan = planMerge(base, next, read, this.runOpts.force);
    if (plan.problems.length > 0) {
      throw new InputError(plan.problems, 'Cannot add the workload without overwriting your edits; nothing was written');
    }
    for (const [rel, content] of plan.write) {
      this.fs.write(this.destinationPath(rel), content, writeOptions(rel) as never);
      // Every change here was decided by the plan (merged or new), so the conflicter has nothing to ask.
      (this.env.sharedFs.get(this.destinationPath(rel)) as { conflicter?: string }).conflicter = 'force';
    }
    for (const rel of plan.remove) this.fs.delete(this.destinationPath(rel));
    this.config.set('workloads', this.next.workloads);
  }

  async end(): Promise<void> {
    if (!this.next) return;
    const name = String(this.given.name);
    this.log(
      [
        '',
        `Added workload ${name}. Next:`,
        `  git diff                         # review: infra/workloads.json, k8s/, pipelines/, README.md`,
        `  kubectl kustomize k8s/overlays/${this.next.environment} | less`,
        `  git add -A && git commit -m "Add workload ${name}"   # the pipeline builds and deploys it`,
        '',
      ].join('\n'),
    );
    if (this.runOpts.validate) await this._validateWritten(buildContext(this.next, PACKAGE_VERSION));
  }
}

function splitList(text: string): string[] {
  return text === '' ? [] : text.split(',');
}

/** `workload.port` -> `port`, so the message names the flag the user typed. */
function toFlagProblem(problem: Problem): Problem {
  return { ...problem, key: problem.key.replace(/^workload\./, '') };
}
