// The short report at the end of a run: what was generated and the next commands to run.
import { relative } from 'node:path';
import type { Context } from './context.ts';

export function summary(ctx: Context, files: string[], destination: string, cwd: string): string {
  const folders = new Map<string, number>();
  for (const file of files) {
    const top = file.includes('/') ? `${file.split('/')[0]}/` : '(root)';
    folders.set(top, (folders.get(top) ?? 0) + 1);
  }
  const where = relative(cwd, destination) || '.';
  return [
    '',
    `Generated ${files.length} files for ${ctx.answers.name} (${ctx.answers.environment}, ${ctx.answers.location}) in ${where}:`,
    ...[...folders.entries()].sort().map(([folder, count]) => `  ${folder.padEnd(14)} ${count} file${count === 1 ? '' : 's'}`),
    '',
    'Next:',
    `  cd ${where}`,
    '  git init && git add -A && git commit -m "Scaffold from generator-secure-aks"',
    '  less README.md   # the runbook: bootstrap, first deployment, connecting through Bastion',
    '',
  ].join('\n');
}
