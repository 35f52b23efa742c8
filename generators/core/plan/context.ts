// The plan stage's product: Answers -> Context, everything the templates need, precomputed (names, the
// subnet plan, per-workload values, the docs' tables and diagram, and the escaping helpers). Templates
// only place these values.
//
// In: typed, validated Answers (answers/). Out: Context (read by output/render.ts).
// Inside: context-core.ts joins one context per concern (infra.ts, k8s.ts, pipeline.ts, psrule.ts, over
// workload.ts and network-plan.ts); docs.ts derives the README's data from that; this file joins both.
import type { Answers } from '../answers/model.ts';
import { coreContext, type CoreContext } from './context-core.ts';
import { docsContext, type DocsContext } from './docs.ts';

export interface Context extends CoreContext {
  /** The README: security controls table, architecture diagram, runbook values (plan/docs.ts). */
  docs: DocsContext;
}

export function buildContext(answers: Answers, generatorVersion: string): Context {
  const core = coreContext(answers, generatorVersion);
  return { ...core, docs: docsContext(core) };
}
