// Decides what a run does to files already on disk, without any state beyond the stored answers:
// the output of the previous run is re-rendered from the answers stored in .yo-rc.json (the baseline).
// A file on disk that equals the baseline was not touched by its owner and follows the new answers.
// One its owner edited is left alone while the generator has nothing new for it (baseline = output);
// it is a conflict only when both changed it.

export interface UpdatePlan {
  /** Files to write: new ones and ones whose answers changed (owner did not edit them). */
  write: Map<string, string>;
  /** Files whose content is already what the generator writes. */
  identical: string[];
  /** Files edited by their owner that the generator would change. */
  conflicts: string[];
  /** Files edited by their owner where the generator has nothing new: theirs, left alone. */
  kept: string[];
  /** Files the previous run wrote, that this run no longer writes, and that nobody edited. */
  remove: string[];
}

export function planUpdate(
  rendered: Map<string, string>,
  baseline: Map<string, string> | undefined,
  readDisk: (rel: string) => string | undefined,
): UpdatePlan {
  const plan: UpdatePlan = { write: new Map(), identical: [], conflicts: [], kept: [], remove: [] };
  for (const [rel, content] of rendered) {
    const disk = readDisk(rel);
    if (disk === content) plan.identical.push(rel);
    else if (disk === undefined || baseline?.get(rel) === disk) plan.write.set(rel, content);
    else if (baseline?.get(rel) === content) plan.kept.push(rel);
    else {
      plan.conflicts.push(rel);
      plan.write.set(rel, content);
    }
  }
  for (const [rel, content] of baseline ?? []) {
    if (!rendered.has(rel) && readDisk(rel) === content) plan.remove.push(rel);
  }
  return plan;
}
