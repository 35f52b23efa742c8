// The pipeline's stages (pipelines/azure-pipelines.yml): Validate, then per environment in order its
// Infra and Deploy stages, with one Build after the first environment's Infra. Each stage runs on its
// own environment's agent pool with its own service connection; a higher environment's Deploy stage
// imports the digests that passed the one below it (pipelines/templates/stages/deploy.yml).
import type { CoreContext } from './context-core.ts';
import { PIPELINE_TEMPLATES, WORKLOADS_PARAMETER, yamlScalar } from './pipeline.ts';

/** One `- template:` entry of the stages list: its template and its parameters, values as YAML. */
export interface StageCall {
  template: string;
  parameters: Array<[string, string]>;
}

const stageName = (kind: 'Infra' | 'Deploy', env: CoreContext, several: boolean) => (several ? `${kind}_${env.answers.environment}` : kind);

export function pipelineStages(environments: readonly CoreContext[]): StageCall[] {
  const several = environments.length > 1;
  const first = environments[0]!;
  const common = (e: CoreContext): Array<[string, string]> => [
    ['agentPool', yamlScalar(e.pipeline.agentPool)],
    ['serviceConnection', yamlScalar(e.pipeline.serviceConnection)],
  ];
  const workloads: [string, string] = ['workloads', `\${{ parameters.${WORKLOADS_PARAMETER} }}`];
  const calls: StageCall[] = [
    {
      template: PIPELINE_TEMPLATES.validateStage,
      parameters: [
        ...common(first),
        ['resourceGroup', yamlScalar(first.names.resourceGroup)],
        ['templateFile', yamlScalar(first.environment.rootBicep)],
        ['parametersFile', yamlScalar(first.pipeline.bicepParameters)],
        ['kubectlVersion', `"${first.pipeline.kubectlVersion}"`],
      ],
    },
  ];
  environments.forEach((e, index) => {
    const name = e.answers.environment;
    const previous = environments[index - 1];
    calls.push({
      template: PIPELINE_TEMPLATES.infraStage,
      parameters: [
        ...(several
          ? ([
              ['stage', stageName('Infra', e, true)],
              ['dependsOn', previous ? stageName('Deploy', previous, true) : 'Validate'],
              ['displayName', yamlScalar(`Infrastructure (${name})`)],
            ] as Array<[string, string]>)
          : []),
        ...common(e),
        ['environment', yamlScalar(e.pipeline.environments.infra)],
        ['resourceGroup', yamlScalar(e.names.resourceGroup)],
        ['deployment', yamlScalar(e.names.deployment)],
        ['templateFile', yamlScalar(e.environment.rootBicep)],
        ['parametersFile', yamlScalar(e.pipeline.bicepParameters)],
      ],
    });
    if (index === 0) {
      calls.push({
        template: PIPELINE_TEMPLATES.buildStage,
        parameters: [
          ...(several ? ([['dependsOn', stageName('Infra', e, true)]] as Array<[string, string]>) : []),
          ...common(e),
          ['resourceGroup', yamlScalar(e.names.resourceGroup)],
          ['deployment', yamlScalar(e.names.deployment)],
          ['imageTag', '$(imageTag)'],
          workloads,
        ],
      });
    }
    calls.push({
      template: PIPELINE_TEMPLATES.deployStage,
      parameters: [
        ...(several
          ? ([
              ['stage', stageName('Deploy', e, true)],
              ['dependsOn', index === 0 ? 'Build' : stageName('Infra', e, true)],
              ['displayName', yamlScalar(`Deploy workloads (${name})`)],
              ['environmentName', yamlScalar(name)],
              ...(previous ? [['promoteFrom', yamlScalar(previous.answers.environment)]] : []),
              ...(index < environments.length - 1 ? [['publishPromotion', 'true']] : []),
            ] as Array<[string, string]>)
          : []),
        ...common(e),
        ['environment', yamlScalar(e.pipeline.environments.workloads)],
        ['resourceGroup', yamlScalar(e.names.resourceGroup)],
        ['deployment', yamlScalar(e.names.deployment)],
        ['overlay', yamlScalar(e.pipeline.overlay)],
        ['imageTag', '$(imageTag)'],
        ['kubectlVersion', `"${e.pipeline.kubectlVersion}"`],
        ['kubeloginVersion', e.pipeline.kubeloginVersion],
        workloads,
      ],
    });
  });
  return calls;
}
