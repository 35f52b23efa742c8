// The workload subgenerator's command line, derived from the workload rules of the answers model.
import { WORKLOAD_FIELDS } from './model.ts';
import { CONTROL_OPTIONS, subcommandHelpText, type OptionSpec } from './options.ts';
import type { Problem } from '../support/problems.ts';

export const WORKLOAD_ANSWER_OPTIONS: OptionSpec[] = [
  { name: 'namespace', key: 'namespace', type: 'string', description: `${WORKLOAD_FIELDS.namespace.description} Default: the workload name (or its current value).` },
  { name: 'kind', key: 'kind', type: 'string', description: `${WORKLOAD_FIELDS.kind.description} Rule: ${WORKLOAD_FIELDS.kind.ruleText}. Default: web (or its current value).` },
  { name: 'port', key: 'port', type: 'string', description: `${WORKLOAD_FIELDS.port.description} Rule: ${WORKLOAD_FIELDS.port.ruleText}. Default: 8080.` },
  { name: 'replicas', key: 'replicas', type: 'string', description: `${WORKLOAD_FIELDS.replicas.description} Rule: ${WORKLOAD_FIELDS.replicas.ruleText}. Default: 2.` },
  { name: 'secrets', key: 'secrets', type: 'string', description: `${WORKLOAD_FIELDS.secrets.description} Comma-separated; empty for none. Default: none.` },
  { name: 'expose', key: 'expose', type: 'string', description: `${WORKLOAD_FIELDS.expose.description} Rule: ${WORKLOAD_FIELDS.expose.ruleText}.` },
];

export const WORKLOAD_OPTIONS: OptionSpec[] = [
  ...WORKLOAD_ANSWER_OPTIONS,
  ...CONTROL_OPTIONS.filter((o) => ['yes', 'skip-prompts', 'force', 'validate'].includes(o.name)).map((o) =>
    o.name === 'force' ? { ...o, description: 'Update a workload that exists already, and overwrite its files where they differ.' } : o,
  ),
];

export function workloadHelpText(command: string): string {
  return subcommandHelpText(command, {
    about: [
      'Adds a workload to a repository that generator-secure-aks wrote (run it inside the repository):',
      'its identity and federated credential (infra/workloads.json), its Kubernetes manifests and',
      'kustomization entries, its pipeline entry, its README row, and its entry in .yo-rc.json.',
      'Shared files are edited structurally, so comments and your own edits survive.',
      'Running it again with the same answers changes nothing.',
    ],
    heading: 'Workload',
    name: `${WORKLOAD_FIELDS.name.description} Rule: ${WORKLOAD_FIELDS.name.ruleText}.`,
    answers: WORKLOAD_ANSWER_OPTIONS,
    options: WORKLOAD_OPTIONS,
  });
}
