// The plan stage's product: Answers -> Context, everything the templates need, precomputed (names, the
// subnet plan, per-workload values, the docs' tables and diagram, and the escaping helpers). Templates
// only place these values.
//
// In: typed, validated Answers (answers/). Out: Context (read by output/render.ts).
// Inside: context-core.ts joins one context per concern (infra.ts, k8s.ts, pipeline.ts, psrule.ts, over
// workload.ts and network-plan.ts); docs.ts derives the README's data from that; this file joins both.
import { everyEnvironment } from '../answers/environments.ts';
import type { Answers } from '../answers/model.ts';
import { coreContext, type CoreContext } from './context-core.ts';
import { mergedSuppressions, withSuppressions } from './psrule.ts';
import { selectEnvironment, type EnvironmentValue } from './scripts.ts';
import { pipelineStages, type StageCall } from './stages.ts';
import { docsContext, type DocsContext } from './docs.ts';

export interface Context extends CoreContext {
  /** The README: security controls table, architecture diagram, runbook values (plan/docs.ts). */
  docs: DocsContext;
  /**
   * Every environment's context, lowest first; the first is this one. Files of one environment
   * (its parameter file, root module and overlay) render with their own; the repository's files
   * (scripts, pipeline, docs) list them all.
   */
  environments: Context[];
  /** The pipeline's stages, every environment in order (plan/stages.ts). */
  stages: StageCall[];
  /** The environment argument of the operator scripts (plan/scripts.ts). */
  selectEnvironment: (script: string, variables: Record<string, EnvironmentValue>) => string[];
}

function contextOf(answers: Answers, generatorVersion: string): Omit<Context, 'environments' | 'selectEnvironment' | 'stages'> {
  const core = coreContext(answers, generatorVersion);
  return { ...core, docs: docsContext(core) };
}

/**
 * The repository's shared files (modules, base manifests) render once, so where their shape depends
 * on an environment's answers, it is made to fit every environment: the zones become a module
 * parameter if any environment has zones; pods spread over zones as a hard rule only if every
 * environment has two or more; the registry module takes its per-environment settings as parameters.
 */
function agreeAcrossEnvironments(views: Context[]): void {
  const zoned = views.some((v) => v.infra.zones.length > 0);
  const mixedSingleZone = views.some((v) => v.infra.zones.length === 1);
  const spread = views.every((v) => v.k8s.zoneSpread === 'DoNotSchedule') ? 'DoNotSchedule' : 'ScheduleAnyway';
  views.forEach((view, index) => {
    const { natGatewayZones: _own, ...infra } = view.infra;
    view.infra = {
      ...infra,
      zonesParam: zoned,
      ...(mixedSingleZone ? { natGatewayZones: 'length(availabilityZones) == 1 ? availabilityZones : []' } : {}),
      sharedRegistry: true,
      promotionSource: index < views.length - 1,
    };
    view.k8s = { ...view.k8s, zoneSpread: spread };
  });
}

export function buildContext(answers: Answers, generatorVersion: string): Context {
  const views = everyEnvironment(answers).map((view) => contextOf(view, generatorVersion) as Context);
  if (views.length > 1) agreeAcrossEnvironments(views);
  if (views.length > 1) {
    const merged = mergedSuppressions(views.map((v) => ({ environment: v.answers.environment, suppressions: v.psrule.suppressions })));
    for (const view of views) view.psrule = withSuppressions(view.psrule, merged);
  }
  for (const view of views) {
    view.environments = views;
    view.selectEnvironment = (script, variables) => selectEnvironment(views, script, variables);
    view.stages = pipelineStages(views);
  }
  return views[0]!;
}
