// The workload subgenerator's command line (derived from the workload rules of the answers model)
// and its update plan: new files for what the workload owns, structural merges for shared files.
import { mergeFile } from './merge.ts';
import { WORKLOAD_FIELDS } from './model.ts';
import { CONTROL_OPTIONS, EXIT_CODES, type OptionSpec } from './options.ts';
import type { Problem } from './problems.ts';

export const WORKLOAD_ANSWER_OPTIONS: OptionSpec[] = [
  { name: 'namespace', key: 'namespace', type: 'string', description: `${WORKLOAD_FIELDS.namespace.description} Default: the workload name (or its current value).` },
  { name: 'port', key: 'port', type: 'string', description: `${WORKLOAD_FIELDS.port.description} Rule: ${WORKLOAD_FIELDS.port.ruleText}. Default: 8080.` },
  { name: 'replicas', key: 'replicas', type: 'string', description: `${WORKLOAD_FIELDS.replicas.description} Rule: ${WORKLOAD_FIELDS.replicas.ruleText}. Default: 2.` },
  { name: 'secrets', key: 'secrets', type: 'string', description: `${WORKLOAD_FIELDS.secrets.description} Comma-separated; empty for none. Default: none.` },
];

export const WORKLOAD_OPTIONS: OptionSpec[] = [
  ...WORKLOAD_ANSWER_OPTIONS,
  ...CONTROL_OPTIONS.filter((o) => ['yes', 'skip-prompts', 'force', 'validate'].includes(o.name)).map((o) =>
    o.name === 'force' ? { ...o, description: 'Update a workload that exists already, and overwrite its files where they differ.' } : o,
  ),
];

export function workloadHelpText(command: string): string {
  const line = (o: OptionSpec) => `  ${`--${o.name}${o.type === 'string' ? ' <value>' : ''}${o.alias ? `, -${o.alias}` : ''}`.padEnd(36)}${o.description}`;
  return [
    `Usage: ${command} <name> [options]`,
    '',
    'Adds a workload to a repository that generator-secure-aks wrote (run it inside the repository):',
    'its identity and federated credential (infra/workloads.json), its Kubernetes manifests and',
    'kustomization entries, its pipeline entry, its README row, and its entry in .yo-rc.json.',
    'Shared files are edited structurally, so comments and your own edits survive.',
    'Running it again with the same answers changes nothing.',
    '',
    'Workload:',
    `  ${'<name>'.padEnd(36)}${WORKLOAD_FIELDS.name.description} Rule: ${WORKLOAD_FIELDS.name.ruleText}.`,
    ...WORKLOAD_ANSWER_OPTIONS.map(line),
    '',
    'Options:',
    ...WORKLOAD_OPTIONS.filter((o) => !o.key).map(line),
    `  ${'--help, -h'.padEnd(36)}Show this help.`,
    '',
    'Exit codes:',
    ...EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`),
    '',
  ].join('\n');
}

export interface MergePlan {
  write: Map<string, string>;
  remove: string[];
  problems: Problem[];
}

/**
 * base: the tree for the stored answers; next: the tree with the workload added or changed.
 * Files only in next are created; files that differ are merged into what is on disk.
 */
export function planMerge(base: Map<string, string>, next: Map<string, string>, read: (rel: string) => string | undefined, force: boolean): MergePlan {
  const plan: MergePlan = { write: new Map(), remove: [], problems: [] };
  for (const [rel, content] of next) {
    const before = base.get(rel);
    if (before === content) continue;
    const disk = read(rel);
    if (disk === content) continue;
    if (before === undefined || disk === before || disk === undefined) {
      if (before === undefined && disk !== undefined && !force) {
        plan.problems.push({ key: rel, rule: 'exists already with other content; rerun with --force to overwrite it' });
      } else if (before !== undefined && disk === undefined) {
        plan.problems.push({ key: rel, rule: 'is missing, and adding the workload changes it; restore it (git checkout) or regenerate' });
      } else {
        plan.write.set(rel, content);
      }
      continue;
    }
    const merged = mergeFile(rel, before, content, disk);
    if (merged.ok) {
      if (merged.content !== disk) plan.write.set(rel, merged.content);
    } else {
      plan.problems.push({ key: rel, rule: `cannot be updated structurally: ${merged.reason}` });
    }
  }
  for (const [rel, content] of base) {
    if (!next.has(rel) && read(rel) === content) plan.remove.push(rel);
  }
  return plan;
}
