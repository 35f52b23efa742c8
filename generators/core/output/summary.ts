// The short report at the end of a run: what was generated and the next three commands to run.
import { relative } from 'node:path';
import type { Context } from '../plan/context.ts';

/** What each top-level folder holds, in a few words. */
const FOLDERS: Record<string, string> = {
  '(root)': 'README (architecture, security controls, runbook), .gitignore, .editorconfig',
  'docs/': 'approvals and checks of the Azure DevOps environments',
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
  const variables = ctx.docs.deployTimeVariables.map((v) => v.env);
  const workloads = ctx.workloads.length === 1 ? '1 workload' : `${ctx.workloads.length} workloads`;
  const lines = [
    '',
    `Generated ${files.length} files for ${ctx.answers.name} (${ctx.answers.environment}, ${ctx.answers.location}, ${workloads}) in ${where}:`,
    ...[...folders.entries()]
      .sort()
      .map(([folder, count]) => `  ${folder.padEnd(12)} ${String(count).padStart(3)} file${count === 1 ? ' ' : 's'}  ${FOLDERS[folder] ?? ''}`.trimEnd()),
    '',
    'Next:',
    `  1. ${where === '.' ? '' : `cd ${shellPath(where)} && `}git init && git add -A && git commit -m "Scaffold from generator-secure-aks"`,
    `  2. bash scripts/deploy-infra.sh      # ${variables.length > 0 ? `first set ${variables.join(', ')} ` : ''}(README.md, "First deployment")`,
    '  3. bash scripts/bootstrap-devops.sh  # service connection and environments in Azure DevOps',
    `README.md has the rest of the runbook: ${ctx.answers.bastion ? 'connecting through Bastion (scripts/connect.sh)' : 'connecting from inside the virtual network'}, deploying, adding workloads, rotating secrets, tearing down.`,
    '',
  ];
  return lines.join('\n');
}
