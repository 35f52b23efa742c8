// The environment argument of the operator scripts (scripts/*.sh): each takes the environment as its
// first argument (default: the first, lowest environment), sets that environment's names, and refuses
// a name the repository does not have before it does anything.
import { productionLike } from '../answers/environments.ts';
import type { CoreContext } from './context-core.ts';

/** One shell word, always single-quoted (a bare word such as a-b-c reads like arithmetic to shellcheck). */
function quoted(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The per-environment values a script may ask for, by what they are. */
export const ENVIRONMENT_VALUES = {
  resourceGroup: (c: CoreContext) => c.names.resourceGroup,
  nodeResourceGroup: (c: CoreContext) => c.names.nodeResourceGroup,
  location: (c: CoreContext) => c.answers.location,
  deployment: (c: CoreContext) => c.names.deployment,
  cluster: (c: CoreContext) => c.names.cluster,
  bastion: (c: CoreContext) => c.names.bastion,
  keyVault: (c: CoreContext) => c.names.keyVault,
  virtualNetwork: (c: CoreContext) => c.names.virtualNetwork,
  template: (c: CoreContext) => c.environment.rootBicep,
  parameters: (c: CoreContext) => c.environment.bicepParams,
  overlay: (c: CoreContext) => c.environment.overlay,
  serviceConnection: (c: CoreContext) => c.pipeline.serviceConnection,
  agentPool: (c: CoreContext) => c.pipeline.agentPool,
  infraEnvironment: (c: CoreContext) => c.pipeline.environments.infra,
  workloadsEnvironment: (c: CoreContext) => c.pipeline.environments.workloads,
  pipelineIdentity: (c: CoreContext) => c.names.pipelineIdentity,
  pipelineFederatedCredential: (c: CoreContext) => c.names.pipelineFederatedCredential,
  agentScaleSet: (c: CoreContext) => c.names.agentScaleSet,
  agentMaxConcurrency: (c: CoreContext) => String(c.answers.agentMaxConcurrency),
  /** Whether the environment serves users (its name says so): it must get an approval. */
  productionLike: (c: CoreContext) => String(productionLike(c.answers.environment)),
  /** The registry a higher environment imports its tested images from ('' for the first environment). */
  promotionSourceRegistry: (c: CoreContext, all: readonly CoreContext[]) => all[c.environment.index - 1]?.names.registry ?? '',
  promotionSourceGroup: (c: CoreContext, all: readonly CoreContext[]) => all[c.environment.index - 1]?.names.resourceGroup ?? '',
} satisfies Record<string, (c: CoreContext, all: readonly CoreContext[]) => string>;
export type EnvironmentValue = keyof typeof ENVIRONMENT_VALUES;

/**
 * The lines of a script that choose the environment: `environment` from the first argument (when it
 * is not an option), then one shell variable per entry of `variables` (shell name -> value) for it.
 */
export function selectEnvironment(environments: readonly CoreContext[], script: string, variables: Record<string, EnvironmentValue>): string[] {
  const names = environments.map((e) => e.answers.environment);
  const first = names[0]!;
  const lines = [
    names.length > 1
      ? `# The environment: the first argument, one of ${names.join(', ')} (default: ${first}, the lowest).`
      : `# The environment: the first argument, ${first} (the only one, and the default).`,
    `environment=${first}`,
    'if [[ $# -gt 0 && $1 != -* ]]; then',
    '  environment=$1',
    '  shift',
    'fi',
    'case $environment in',
  ];
  for (const env of environments) {
    lines.push(`  ${env.answers.environment})`);
    for (const [variable, value] of Object.entries(variables)) lines.push(`    ${variable}=${quoted(ENVIRONMENT_VALUES[value](env, environments))}`);
    lines.push('    ;;');
  }
  lines.push(
    '  *)',
    `    echo "${script}: unknown environment \\"$environment\\": this repository has ${names.join(', ')} (see --help)" >&2`,
    '    exit 1',
    '    ;;',
    'esac',
  );
  return lines;
}
