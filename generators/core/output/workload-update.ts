// The workload subgenerator's update plan: new files for what the workload owns, structural merges
// (merge.ts) for shared files, and refusals where the owner's tree makes the change unsafe.
import type { Problem } from '../support/problems.ts';
import { mergeFile } from './merge.ts';

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
