// The short report at the end of a run: what was generated and the steps to running workloads (the
// same recipe the generated README's runbook starts with); and the workload subgenerator's "Next".
import { relative } from 'node:path';
import type { Context } from '../plan/context.ts';
import { recipeLines, RUNBOOK_SECTIONS, workloadRecipe } from '../plan/docs/runbook.ts';
import { changeCounts } from './changes.ts';
import type { FileChange } from './update.ts';

/** What each top-level folder holds, in a few words. */
const FOLDERS: Record<string, string> = {
  '(root)': 'README (architecture, security controls, runbook), .gitignore, .editorconfig',
  'docs/': 'the environments, promotion between them, Azure DevOps approvals and checks',
  'infra/': 'Bicep: private AKS, registry, key vault, network, identities, agents',
  'k8s/': 'kustomize base and overlay: hardened workloads with workload identity',
  'pipelines/': 'Azure DevOps pipeline: Validate, Infra, Build, Deploy',
  'scripts/': 'deploy, bootstrap Azure DevOps, connect, deploy-time values, offline checks, tear down',
  'src/': 'a sample container per workload',
};

/** A path as a shell word (quoted when it holds anything but plain characters). */
function shellPath(path: string): string {
  return /^[A-Za-z0-9._/@:+=,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

export function summary(ctx: Context, files: string[], destination: string, cwd: string): string {
  const folders = new Map<string, number>();
  for (const file of files) {
    const top = file.includes('/') ? `${file.split('/')[0]}/` : '(root)';
    folders.set(top, (folders.get(top) ?? 0) + 1);
  }
  const where = relative(cwd, destination) || '.';
  const workloads = ctx.workloads.length === 1 ? '1 workload' : `${ctx.workloads.length} workloads`;
  const lines = [
    '',
    `Generated ${files.length} files for ${ctx.answers.name} (${ctx.answers.environment}, ${ctx.answers.location}, ${workloads}) in ${where}:`,
    ...[...folders.entries()]
      .sort()
      .map(([folder, count]) => `  ${folder.padEnd(12)} ${String(count).padStart(3)} file${count === 1 ? ' ' : 's'}  ${FOLDERS[folder] ?? ''}`.trimEnd()),
    '',
    'Next, from a workstation signed in with az login (README.md, "Runbook", explains each step):',
    ...recipeLines(ctx.docs.recipe, (_, i) => (i === 0 && where !== '.' ? `cd ${shellPath(where)} && ` : '')),
    `README.md has the rest of the runbook: ${ctx.answers.bastion ? 'connecting through Bastion (scripts/connect.sh)' : 'connecting from inside the virtual network'}, adding workloads, rotating secrets, tearing down.`,
    '',
  ];
  return lines.join('\n');
}

/** The end of a run that updated an existing repository: what changed, and how to review and keep it. */
export function updateSummary(changes: readonly FileChange[], version: string, destination: string, cwd: string): string {
  const where = relative(cwd, destination) || '.';
  const cd = where === '.' ? '' : `cd ${shellPath(where)} && `;
  const kept = changes.filter((c) => c.action === 'keep' || c.action === 'conflict').length;
  return [
    '',
    `Updated ${where}: ${changeCounts(changes)}.`,
    'Next:',
    `  1. ${cd}git diff                 # review what changed${kept > 0 ? ' (and the files listed as kept)' : ''}`,
    `  2. git add -A && git commit -m "Update from generator-secure-aks ${version}"`,
    '  3. push: the pipeline runs its Infra stage, then Deploy (README.md, "Runbook")',
    '',
  ].join('\n');
}

/** What the workload subgenerator prints after it added (or changed) a workload. */
export function workloadSummary(ctx: Context, name: string, verb: 'Added' | 'Updated' = 'Added'): string {
  const workload = ctx.workloads.find((w) => w.name === name);
  if (!workload) throw new Error(`workload ${name} is not in the plan`);
  return ['', `${verb} workload ${name}. Next (README.md, "${RUNBOOK_SECTIONS.addWorkload}"):`, ...recipeLines(workloadRecipe(ctx, workload, verb === 'Added' ? 'Add' : 'Update')), ''].join('\n');
}
