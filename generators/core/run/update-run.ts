// The update engine every run goes through: a first generation, a re-run, a changed answer, an added
// workload, an upgrade to a newer generator. One path, whatever asked for it:
//
//   lock -> render the new tree -> find what the last run wrote (recorded ids, the stored answers
//   rendered again, the repository's git objects) -> plan per file (output/update.ts) -> stop on
//   destructive changes and conflicts unless told otherwise -> check every path -> write (journal,
//   atomic files, .yo-rc.json last) -> report.
//
// Nothing is written when the run stops early; --dry-run stops after the report.
import { execFileSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { answersVersion } from '../answers/migrations.ts';
import type { Answers } from '../answers/model.ts';
import { resourceNames } from '../answers/naming.ts';
import { changeCounts, changeLines, changelogBetween } from '../output/changes.ts';
import { writeOptions } from '../output/files.ts';
import { blobId, compareVersions, inStyleOf, provenanceOf, toLf } from '../output/provenance.ts';
import { renderTree } from '../output/render.ts';
import { acquireLock, checkPaths, clearInterrupted, lockHolder, readInside, RC_FILE, stepDelayFromEnv, writeUpdate, type FolderStats, type Fs, type Journal, type WriteHooks, type WriteOp } from '../output/safe-write.ts';
import { mergeText } from '../output/text-merge.ts';
import { planUpdate, type FileChange } from '../output/update.ts';
import { buildContext, type Context } from '../plan/context.ts';
import { networkPlan } from '../plan/network-plan.ts';
import { PATHS } from '../plan/contracts.ts';
import { PACKAGE_VERSION, templateRoot } from '../support/paths.ts';
import { InputError, type Problem } from '../support/problems.ts';
import { rcText, readRepository, type RepositoryState } from './repository.ts';
import { everyEnvironment, storedAnswers } from '../answers/environments.ts';

export interface UpdateOptions {
  interactive: boolean;
  force: boolean;
  skipExisting: boolean;
  dryRun: boolean;
  conflictMarkers: boolean;
  allowDestructive: boolean;
}

export type ConflictChoice = 'theirs' | 'ours' | 'markers' | 'abort';

export interface UpdateIo {
  log: (text: string) => void;
  /** Interactive runs: what to do with one conflicting file. */
  askConflict?: (change: FileChange) => Promise<ConflictChoice>;
  /** Interactive runs: confirm destructive changes. */
  confirm?: (message: string) => Promise<boolean>;
  /** Told about every file written or removed (Yeoman's in-memory view follows the disk). */
  written?: (path: string, content: string | undefined) => void;
}

export interface UpdateRequest {
  root: string;
  /** What the repository held when the run read it (run/repository.ts). */
  state: RepositoryState;
  /** The stored answers, resolved (undefined: none stored). */
  previous?: Answers;
  next: Answers;
  options: UpdateOptions;
  io: UpdateIo;
  fs?: Fs;
  hooks?: WriteHooks;
}

export interface UpdateResult {
  ctx: Context;
  changes: FileChange[];
  /** Every path the repository holds from the generator after the run. */
  files: string[];
  firstRun: boolean;
  wrote: boolean;
  /** The version that wrote the repository, when this run is an upgrade. */
  upgradedFrom?: string;
  /** Files written with conflict markers, to resolve by hand. */
  markers: string[];
  /** Conflicts left as the owner had them (--skip-existing, or chosen interactively). */
  keptConflicts: string[];
  /** Owner edits replaced by the generator's version (--force, or chosen interactively). */
  forced: string[];
}

/** A blob from the repository's own git objects (undefined without git, a repository or the object). */
function inGitRepository(root: string, fs: Fs): boolean {
  try {
    fs.lstatSync(join(root, '.git'));
    return true;
  } catch {
    return false;
  }
}

function gitObjectReader(root: string, fs: Fs): ((id: string) => string | undefined) | undefined {
  if (!inGitRepository(root, fs)) return undefined;
  return (id) => {
    try {
      return execFileSync('git', ['-C', root, 'cat-file', 'blob', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return undefined;
    }
  };
}

/** The blob id a path has in the repository's last commit (undefined without git, a commit or the path). */
function gitCommittedReader(root: string, fs: Fs): ((path: string) => string | undefined) | undefined {
  if (!inGitRepository(root, fs)) return undefined;
  return (path) => {
    try {
      return execFileSync('git', ['-C', root, 'rev-parse', `HEAD:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
}

/** Changes of answers that remove deployed things or aim the repository at other Azure resources. */
export function destructiveChanges(previous: Answers, next: Answers): Problem[] {
  const problems: Problem[] = [];
  const renamed = previous.environment !== next.environment && previous.environments.length === 1 && next.environments.length === 1;
  if (renamed) {
    problems.push({
      key: 'environment',
      value: next.environment,
      rule: `replaces environment "${previous.environment}": ${PATHS.bicepParams(previous.environment)} and ${PATHS.kustomizeOverlay(previous.environment)}/ are removed and the scripts and pipeline aim at "${next.environment}" (a new resource group, cluster, registry and key vault)`,
    });
  }
  const after = new Map(everyEnvironment(next).map((answers, index) => [answers.environment, { answers, index }]));
  for (const was of everyEnvironment(previous)) {
    const name = was.environment;
    const found = after.get(name);
    if (!found) {
      if (!renamed) {
        problems.push({
          key: 'environments',
          value: name,
          rule: `removes environment "${name}": ${PATHS.bicepParams(name)} and ${PATHS.kustomizeOverlay(name)}/ are deleted and the pipeline no longer deploys it (its resources stay in Azure until scripts/teardown.sh ${name})`,
        });
      }
      continue;
    }
    const will = found.answers;
    // The first environment's settings are the top-level answers; a later one's are its entry's.
    const key = (k: string) => (found.index === 0 ? k : `environments[${found.index}].${k}`);
    if (was.location !== will.location) {
      problems.push({
        key: key('location'),
        value: will.location,
        rule: `moves the deployment from ${was.location}${next.environments.length > 1 ? ` (environment ${name})` : ''}: a deployed resource group and its resources cannot move region; the next deployment fails or creates new ones`,
      });
    }
    const before = resourceNames(was);
    const now = resourceNames(will);
    for (const k of ['resourceGroup', 'cluster', 'registry', 'keyVault'] as const) {
      if (before[k] !== now[k]) problems.push({ key: k, value: now[k], rule: `renames ${before[k]}: the next deployment creates a new resource beside the deployed one` });
    }
    // A subnet that exists on both sides keeps its range: moving one under deployed resources fails (or
    // strands them); the subnet plan must only add.
    const subnets = (answers: Answers) => new Map(networkPlan(answers, resourceNames(answers)).subnets.map((s) => [s.name, s.cidr]));
    const [had, has] = [subnets(was), subnets(will)];
    for (const [subnet, cidr] of had) {
      const moved = has.get(subnet);
      if (moved !== undefined && moved !== cidr) problems.push({ key: key('addressSpace'), value: will.addressSpace, rule: `moves subnet ${subnet}${next.environments.length > 1 ? ` of ${name}` : ''} from ${cidr} to ${moved}: a deployed subnet cannot change its range while resources use it` });
    }
  }
  for (const w of previous.workloads) {
    if (!next.workloads.some((n) => n.name === w.name)) {
      problems.push({ key: `workloads`, value: w.name, rule: `removes workload ${w.name}: its manifests, identity, pipeline entry and sources are deleted from the repository` });
    }
  }
  return problems;
}

/** Files of the written tree that no longer parse as what the generator writes there (the self-check without tools). */
function parseProblems(root: string, rendered: ReadonlyMap<string, string>, fs: Fs): Problem[] {
  const problems: Problem[] = [];
  const strictJson = (text: string) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  for (const [path, generated] of rendered) {
    if (!/\.(ya?ml|json)$/.test(path)) continue;
    const text = readInside(fs, root, path);
    if (text === undefined) continue;
    if (path.endsWith('.json')) {
      // JSON with comments (bicepconfig.json) is checked only as far as the generator's own is strict JSON.
      if (!strictJson(generated)) continue;
      try {
        JSON.parse(text);
      } catch (error) {
        problems.push({ key: path, rule: `is not valid JSON: ${(error as Error).message.split('\n')[0]}` });
      }
    } else if (/^(<{7}|={7}|>{7})( |$)/m.test(text)) {
      problems.push({ key: path, rule: 'holds conflict markers' });
    }
  }
  return problems;
}

function changedUnder(path: string): InputError {
  return new InputError(
    [{ key: path, rule: 'changed since this run read it (another run finished meanwhile?); run again to work on the repository as it is now' }],
    'The repository changed under this run; nothing was written',
  );
}

export async function runUpdate(request: UpdateRequest): Promise<UpdateResult> {
  const fs = request.fs ?? nodeFs;
  const { root } = request;
  const rcChanged = () => JSON.stringify(readRepository(root, fs).rc) !== JSON.stringify(request.state.rc);
  // Planning reads and decides; nothing on disk is touched until the plan holds (a refused run leaves
  // even the folder's modification time alone).
  let planned: Planned;
  try {
    planned = await plan(request, fs);
  } catch (error) {
    // Files another run is writing, or wrote after this one read .yo-rc.json, look like edits: wait for
    // that run, and say what really happened.
    if (error instanceof InputError) {
      const holder = lockHolder(fs, root);
      if (holder && !holder.stale) (await acquireLock(fs, root)).release();
      if (rcChanged()) throw changedUnder(RC_FILE);
    }
    throw error;
  }
  if (request.options.dryRun) return planned.result;
  if (!planned.apply) {
    // Nothing to write, but a run killed after its last write may have left its lock: clear it, so
    // the repository is left as a finished run leaves it.
    if (lockHolder(fs, root)?.stale) (await acquireLock(fs, root)).release();
    return planned.result;
  }
  fs.mkdirSync(root, { recursive: true });
  const lock = await acquireLock(fs, root);
  try {
    // Another run may have finished while this one was planning or asking: write only onto what was planned on.
    const now = readRepository(root, fs);
    const changed = JSON.stringify(now.rc) !== JSON.stringify(request.state.rc)
      ? RC_FILE
      : [...planned.apply.seen].find(([path, id]) => {
          const disk = readInside(fs, root, path);
          return (disk === undefined ? null : blobId(disk)) !== id;
        })?.[0];
    if (changed !== undefined) throw changedUnder(changed);
    clearInterrupted(fs, root, now.interrupted);
    return await apply(request, planned, fs);
  } finally {
    lock.release();
  }
}

interface Planned {
  result: UpdateResult;
  rendered: Map<string, string>;
  lines: string[];
  nothing: boolean;
  /** What to write, absent when nothing is to be written. */
  apply?: { ops: WriteOp[]; rc: string; rcOnDisk: string | undefined; journal: Journal; seen: Map<string, string | null> };
}

async function plan(request: UpdateRequest, fs: Fs): Promise<Planned> {
  const { root, state, previous, next, options, io } = request;
  const ctx = buildContext(next, PACKAGE_VERSION);
  const rendered = await renderTree(templateRoot('app'), ctx);
  // The stored answers rendered with today's templates: the base wherever that reproduces a recorded id.
  const candidates = previous ? await renderTree(templateRoot('app'), buildContext(previous, PACKAGE_VERSION)) : undefined;
  // A repository written before records existed: what the stored answers render to is taken as written.
  const recorded = state.provenance?.files ?? (candidates ? provenanceOf(candidates, '', 0).files : undefined);
  const alternates: Record<string, string> = {};
  for (const [path, [, after]] of Object.entries(state.interrupted?.files ?? {})) if (after) alternates[path] = after;
  // Every file planning reads, by the id of what it read (null: absent), to check again under the lock.
  const seen = new Map<string, string | null>();
  // Planning only reads (and what it read is checked again under the lock): each folder is looked at once.
  const folders: FolderStats = new Map();
  const readDisk = (path: string) => {
    const content = readInside(fs, root, path, folders);
    seen.set(path, content === undefined ? null : blobId(content));
    return content;
  };
  // Links and clashes are found before any file is read or written.
  const paths = new Set([...rendered.keys(), ...Object.keys(recorded ?? {})]);
  const pathProblems = checkPaths(fs, root, [...paths, RC_FILE], folders);
  if (pathProblems.length > 0) throw new InputError(pathProblems, 'Cannot write into this repository safely; nothing was written');
  const readObject = gitObjectReader(root, fs);
  const update = planUpdate({
    next: rendered,
    ...(recorded ? { recorded } : {}),
    alternates,
    ...(candidates ? { candidates } : {}),
    readDisk,
    ...(readObject ? { readObject } : {}),
  });
  // After an interrupted run, a file it was writing that holds neither what was recorded, nor what that
  // run wrote, nor its owner's last commit is named: damage, or an edit made since.
  if (state.interrupted) {
    const committed = gitCommittedReader(root, fs);
    for (const change of update.changes) {
      if (!(change.path in state.interrupted.files) || !['merge', 'conflict', 'keep'].includes(change.action)) continue;
      const disk = readDisk(change.path);
      if (disk === undefined || committed?.(change.path) === blobId(disk)) continue;
      change.note = `${change.note ? `${change.note}; ` : ''}it holds neither what the interrupted run found nor what it wrote, nor your last commit: check it`;
    }
  }
  const firstRun = state.rc === undefined;
  const upgradedFrom = state.provenance && compareVersions(state.provenance.generatorVersion, PACKAGE_VERSION) < 0 ? state.provenance.generatorVersion : undefined;
  if (state.interrupted) io.log(`The last run (started ${state.interrupted.started}) was interrupted; this run completes it.`);
  for (const migration of state.migrations) io.log(`Stored answers migrated to version ${migration.to}: ${migration.describe}`);

  // Only a repository that holds generated files has anything deployed to remove or re-aim.
  const holdsFiles = state.provenance !== undefined || [...(candidates?.keys() ?? [])].some((path) => readDisk(path) !== undefined);
  if (previous && holdsFiles && !options.allowDestructive) {
    const destructive = destructiveChanges(previous, next);
    if (destructive.length > 0) {
      const confirmed = options.interactive && !options.dryRun && io.confirm
        ? await io.confirm(`This run ${destructive.map((p) => p.rule).join('; ')}. Go ahead?`)
        : false;
      if (!confirmed && !options.dryRun) {
        throw new InputError(destructive, 'These changes remove or re-aim deployed parts of the repository; rerun with --allow-destructive to make them. Nothing was written');
      }
      if (options.dryRun) for (const p of destructive) io.log(`Needs --allow-destructive: ${p.key} ${p.rule}`);
    }
  }

  const result: UpdateResult = { ctx, changes: update.changes, files: [], firstRun, wrote: false, markers: [], keptConflicts: [], forced: [], ...(upgradedFrom ? { upgradedFrom } : {}) };
  const record = { ...update.record };
  const write = new Map<string, string>();
  const labels: Record<string, 'force'> = {};
  const unresolved: FileChange[] = [];
  // A file's id is needed for the record and again for the journal: hashed once per content.
  const ids = new Map<string, string>();
  const idOf = (content: string) => {
    let id = ids.get(content);
    if (id === undefined) ids.set(content, (id = blobId(content)));
    return id;
  };
  /** Writes `content`; the record keeps what the generator meant there (for a merge or markers: its own version). */
  const take = (change: FileChange, content: string) => {
    write.set(change.path, content);
    record[change.path] = idOf(rendered.get(change.path)!);
  };
  for (const change of update.changes) {
    if (change.content !== undefined && ['create', 'update', 'merge'].includes(change.action)) take(change, change.content);
    const edited = change.action === 'conflict' || (change.action === 'keep' && rendered.has(change.path));
    if (!edited) continue;
    const theirs = rendered.get(change.path)!;
    if (options.force) {
      take(change, theirs);
      labels[change.path] = 'force';
      result.forced.push(change.path);
      continue;
    }
    if (change.action !== 'conflict') continue;
    let choice: ConflictChoice | undefined = options.skipExisting ? 'ours' : options.conflictMarkers ? 'markers' : undefined;
    if (!choice && options.interactive && !options.dryRun && io.askConflict) choice = await io.askConflict(change);
    if (choice === 'abort') throw new InputError([{ key: change.path, rule: change.note ?? 'conflict' }], 'Stopped at a conflict; nothing was written');
    if (choice === 'theirs') {
      take(change, theirs);
      labels[change.path] = 'force';
      result.forced.push(change.path);
    } else if (choice === 'ours') {
      result.keptConflicts.push(change.path);
    } else if (choice === 'markers') {
      // Without a base (a file this generator did not write, or whose base is lost) the markers show both whole versions.
      const twoWay = change.markers === undefined ? mergeText('', toLf(readDisk(change.path) ?? ''), theirs) : undefined;
      take(change, change.markers ?? (twoWay!.ok ? twoWay!.content : twoWay!.withMarkers));
      result.markers.push(change.path);
    } else unresolved.push(change);
  }

  const lines = changeLines(update.changes, labels);
  const nothing = update.changes.every((c) => c.action === 'identical' || (c.action === 'keep' && !result.forced.includes(c.path)));
  if (options.dryRun) {
    io.log(nothing ? 'Dry run: nothing to change.' : ['Dry run; nothing was written. This run would:', ...lines].join('\n'));
  }
  if (unresolved.length > 0) {
    throw new InputError(
      unresolved.map((c) => ({ key: c.path, rule: c.note ?? 'conflict' })),
      `Files you edited conflict with the generator's changes; ${options.dryRun ? 'this was a dry run' : 'nothing was written'}. Merge them with --conflict-markers (git-style markers to resolve by hand), or take the generator's version with --force, or keep yours with --skip-existing`,
    );
  }

  const provenance = { generatorVersion: PACKAGE_VERSION, answersVersion: answersVersion(), files: Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1))) };
  const rc = rcText(state.rc, storedAnswers(next), provenance);
  result.files = Object.keys(record);
  if (options.dryRun) return { result, rendered, lines, nothing };

  const ops: WriteOp[] = [];
  for (const [path, content] of write) {
    const disk = readDisk(path);
    const mode = writeOptions(path)?.stat.mode;
    ops.push({ path, content: inStyleOf(content, disk), ...(mode !== undefined ? { mode } : {}) });
  }
  for (const change of update.changes) if (change.action === 'remove') ops.push({ path: change.path });
  const rcOnDisk = readInside(fs, root, RC_FILE);
  if (ops.length === 0 && rcOnDisk !== undefined && toLf(rcOnDisk) === rc && !state.interrupted) {
    io.log('Nothing to change.');
    return { result, rendered, lines, nothing };
  }
  const journal: Journal = { pid: process.pid, host: hostname(), started: new Date().toISOString(), files: {} };
  for (const op of ops) journal.files[op.path] = [recorded?.[op.path] ?? null, op.content === undefined ? null : idOf(op.content)];
  return { result, rendered, lines, nothing, apply: { ops, rc, rcOnDisk, journal, seen } };
}

async function apply(request: UpdateRequest, planned: Planned, fs: Fs): Promise<UpdateResult> {
  const { root, io } = request;
  const { result, rendered, lines, nothing } = planned;
  const { ops, rc, rcOnDisk, journal } = planned.apply!;
  await writeUpdate(fs, root, ops, inStyleOf(rc, rcOnDisk), journal, request.hooks ?? stepDelayFromEnv());
  result.wrote = true;
  for (const op of ops) io.written?.(op.path, op.content);
  io.written?.(RC_FILE, rc);

  if (!result.firstRun || nothing) io.log([...lines, ...(lines.length > 0 ? [] : ['Nothing to change in the generated files; .yo-rc.json updated.'])].join('\n'));
  if (result.upgradedFrom) {
    const entries = changelogBetween(result.upgradedFrom, PACKAGE_VERSION);
    io.log([``, `Upgraded from generator-secure-aks ${result.upgradedFrom} to ${PACKAGE_VERSION} (${changeCounts(result.changes)}). What changed:`, ...(entries.length > 0 ? entries : ['  (no CHANGELOG entries)'])].join('\n'));
  }
  if (result.keptConflicts.length > 0 || result.forced.length > 0 || result.markers.length > 0) {
    const problems = parseProblems(root, rendered, fs);
    if (result.keptConflicts.length > 0) io.log(`Kept your version of ${result.keptConflicts.join(', ')}: the generator's change there was not applied (it stays pending for the next run).`);
    if (result.forced.length > 0) io.log(`Replaced your edits with the generator's version in ${result.forced.join(', ')}.`);
    if (problems.length > 0 && result.markers.length === 0) {
      throw new InputError(problems, 'The files were written, but the result does not pass the self-check');
    }
  }
  return result;
}
