// What both generators of this package share in their Yeoman run loop: options declared from the
// option specs, the stored answers under the package's name, the update engine (run/update-run.ts)
// with Yeoman's prompts and in-memory file system wired in, and --validate after writing.
import Generator from 'yeoman-generator';
import type { Answers } from '../answers/model.ts';
import type { OptionSpec } from '../answers/options.ts';
import type { FileChange } from '../output/update.ts';
import { availableTools, formatStep, formatVerdict, validateOutput, VALIDATE_EXIT } from '../output/validate.ts';
import { stepDelayFromEnv } from '../output/safe-write.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../support/paths.ts';
import { basename } from 'node:path';
import { resolveAnswers } from '../answers/resolve.ts';
import { storedAnswersProblem } from '../output/destination.ts';
import { InputError } from '../support/problems.ts';
import { readRepository, type RepositoryState } from './repository.ts';
import type { RunOptions } from './session.ts';
import { runUpdate, type ConflictChoice, type UpdateResult } from './update-run.ts';

/** Yeoman's own line before a failed task's error; ours says what went wrong, so it is left out. */
const YEOMAN_ERROR_BANNER = /^An error occured while running /;

export abstract class SecureAksGenerator extends Generator {
  constructor(args: string[], options: Record<string, unknown>) {
    // The update engine writes the destination itself (run/update-run.ts), and nothing here installs
    // packages: Yeoman's own commit and install steps (and their messages) are left out.
    super(args, options as never, { customCommitTask: true, customInstallTask: true });
    const log = this.log;
    const error = log.error.bind(log);
    (this as { log: unknown }).log = Object.assign((...parts: Parameters<typeof log>) => log(...parts), log, {
      error: (message: unknown, ...rest: unknown[]) => (YEOMAN_ERROR_BANNER.test(String(message)) ? log : error(message as never, ...(rest as never[]))),
    }) as typeof log;
  }

  /**
   * Files pending in Yeoman's in-memory file system (written by a generator that composed this one, or
   * seeded by a test) are part of the repository this run updates: they go to disk first, since the
   * update engine reads and writes the disk itself.
   */
  protected async _flushPending(): Promise<void> {
    const pending = this.env.sharedFs.all().filter((file) => (file as { state?: string }).state !== undefined);
    if (pending.length > 0) await this.fs.commit();
  }

  protected declareOptions(specs: readonly OptionSpec[]): void {
    for (const option of specs) {
      this.option(option.name, {
        type: option.type === 'boolean' ? Boolean : String,
        description: option.description,
        ...(option.alias ? { alias: option.alias } : {}),
      });
    }
  }

  /** The environment the run finds and starts the tools in: the caller's (run/cli.ts Io.env), else process.env. */
  protected _processEnv(): NodeJS.ProcessEnv {
    return (this.options as { processEnv?: NodeJS.ProcessEnv }).processEnv ?? process.env;
  }

  /** The stored answers live under this package's name however the generator was loaded. */
  override rootGeneratorName(): string {
    return PACKAGE_NAME;
  }

  override rootGeneratorVersion(): string {
    return PACKAGE_VERSION;
  }

  /**
   * For a subgenerator (workload, environment): the repository at the destination and the answers it
   * stores, resolved; a folder that is not a generated repository, or whose answers do not resolve,
   * stops the run with what to do, before anything is written.
   */
  protected _storedRepository(): { repository: RepositoryState; previous: Answers } {
    const repository = readRepository(this.destinationRoot());
    if (repository.problems.length > 0) throw new InputError(repository.problems);
    if (Object.keys(repository.stored).length === 0) {
      const problem = storedAnswersProblem(repository.rc && JSON.stringify(repository.rc)) ?? 'its .yo-rc.json holds no generator-secure-aks answers';
      throw new InputError([{ key: 'destination', value: this.destinationRoot(), whole: true, rule: `is not a secure-aks repository (${problem}); run this inside a repository that yo secure-aks generated` }]);
    }
    const stored = resolveAnswers({ stored: repository.stored, folderName: basename(this.destinationRoot()) });
    if (!stored.ok) throw new InputError(stored.problems);
    return { repository, previous: stored.answers };
  }

  /** Runs the update engine on the destination, asking through Yeoman's prompts where a run is interactive. */
  protected async _update(state: RepositoryState, previous: Answers | undefined, next: Answers, runOpts: RunOptions): Promise<UpdateResult> {
    return runUpdate({
      root: this.destinationRoot(),
      state,
      ...(previous ? { previous } : {}),
      next,
      hooks: stepDelayFromEnv(this._processEnv()),
      options: {
        interactive: runOpts.interactive,
        force: runOpts.force,
        skipExisting: runOpts.skipExisting,
        dryRun: runOpts.dryRun,
        conflictMarkers: runOpts.conflictMarkers,
        allowDestructive: runOpts.allowDestructive,
      },
      io: {
        log: (text) => this.log(text),
        askConflict: (change) => this._askConflict(change),
        confirm: async (message) => ((await this.prompt([{ type: 'confirm', name: 'ok', message, default: false }] as never)) as { ok?: boolean }).ok === true,
        // Yeoman's in-memory view of the destination follows what was written (nothing is left for it to commit).
        written: (path, content) =>
          this.env.sharedFs.add({
            path: this.destinationPath(path),
            contents: content === undefined ? null : Buffer.from(content),
            // Written to disk by this run: what mem-fs-editor calls a committed change.
            stateCleared: content === undefined ? 'deleted' : 'modified',
          } as never),
      },
    });
  }

  private async _askConflict(change: FileChange): Promise<ConflictChoice> {
    const answer = (await this.prompt([
      {
        type: 'list',
        name: 'choice',
        message: `${change.path}: ${change.note ?? 'you and the generator both changed it'}. What now?`,
        choices: [
          { name: 'Write conflict markers into the file (resolve by hand)', value: 'markers' },
          { name: 'Keep my version', value: 'ours' },
          { name: "Take the generator's version", value: 'theirs' },
          { name: 'Stop (nothing is written)', value: 'abort' },
        ],
        default: 'markers',
      },
    ] as never)) as { choice: ConflictChoice };
    return answer.choice;
  }

  /**
   * After an update that left conflicts as they were or replaced edits, the written tree is checked with
   * the tools that are installed (the offline self-check); conflict markers left to resolve fail the run.
   */
  protected async _afterUpdate(result: UpdateResult, validate: boolean): Promise<void> {
    const selfCheck = (result.keptConflicts.length > 0 || result.forced.length > 0) && availableTools(this._processEnv()).length > 0;
    if (result.wrote && (validate || selfCheck)) await this._validateWritten();
    if (result.markers.length > 0) {
      throw Object.assign(new Error(`conflict markers were written into ${result.markers.join(', ')}: resolve them (search for <<<<<<<), then commit`), { name: 'ConflictError' });
    }
  }

  /**
   * --validate on the files as written, one line per check as it finishes: a missing tool is reported,
   * not a failure; a tool's error fails the run (exit 1), a check that times out makes it "not verified"
   * (exit 3), the files staying written either way.
   */
  protected async _validateWritten(): Promise<void> {
    this.log('\nValidation (the checks of scripts/validate.sh):');
    const report = await validateOutput(this.destinationRoot(), { env: this._processEnv(), onProgress: (step, index, total) => this.log(formatStep(step, index, total)) });
    this.log(`${formatVerdict(report)}\n`);
    if (report.verdict === 'valid') return;
    const failed = (status: string) => report.steps.filter((s) => s.status === status).map((s) => s.command);
    const message =
      report.verdict === 'invalid'
        ? `--validate failed: ${failed('invalid').join('; ')} (the files were written)`
        : `--validate could not finish: ${failed('slow').join('; ')} did not finish within ${report.timeout / 1000} s (too slow to check here, not found invalid; the files were written)`;
    throw Object.assign(new Error(message), { name: 'ValidationError', exitCode: VALIDATE_EXIT[report.verdict] });
  }
}
