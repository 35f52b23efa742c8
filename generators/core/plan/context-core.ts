// Everything the templates receive except the README's docs: the answers, derived names, the network
// plan, the workloads, and one context per concern (infra, pipeline, k8s, psrule). The docs (docs.ts)
// are computed from this, and context.ts joins both into the Context templates render with.
import type { Answers } from '../answers/model.ts';
import { resourceNames, type Names } from '../answers/naming.ts';
import { DEPLOYMENT_SCOPE, INFRA_OUTPUTS, PATHS } from './contracts.ts';
import { bicep, md, yaml } from './escape.ts';
import { infraContext, type InfraContext } from './infra.ts';
import { k8sContext, type K8sContext } from './k8s.ts';
import { networkPlan, type NetworkPlan } from './network-plan.ts';
import { pipelineContext, type PipelineContext } from './pipeline.ts';
import { psruleContext, type PsRuleContext } from './psrule.ts';
import { workloadContext, type WorkloadContext } from './workload.ts';

/** Which environment a context is for, and where its own files are. */
export interface EnvironmentPlace {
  name: string;
  /** 0 for the first (lowest) environment. */
  index: number;
  /** How many environments the repository has. */
  count: number;
  /**
   * The Bicep entry point its parameter file uses: infra/main.bicep while the repository has one
   * environment; infra/<environment>.bicep each once it has several (every environment's root
   * module places its own literal values and calls the shared modules under infra/modules/).
   */
  rootBicep: string;
  bicepParams: string;
  overlay: string;
}

export interface CoreContext {
  answers: Answers;
  environment: EnvironmentPlace;
  names: Names;
  network: NetworkPlan;
  workloads: WorkloadContext[];
  outputs: typeof INFRA_OUTPUTS;
  paths: typeof PATHS;
  deploymentScope: typeof DEPLOYMENT_SCOPE;
  /** The Bicep under infra/: API versions, roles, node pools, deploy-time parameters (plan/infra.ts). */
  infra: InfraContext;
  /** The Azure DevOps pipeline, bootstrap script and sample workload sources (plan/pipeline.ts). */
  pipeline: PipelineContext;
  /** The Kubernetes manifests' layout, deploy-time values and hardening (plan/k8s.ts). */
  k8s: K8sContext;
  /** PSRule for Azure: pinned baseline and modules, exclusions and suppressions of ps-rule.yaml (plan/psrule.ts). */
  psrule: PsRuleContext;
  /** The generator's package version, for headers of emitted files. */
  generatorVersion: string;
  bicep: typeof bicep;
  yaml: typeof yaml;
  md: typeof md;
}

/** Where the files of environment `index` of `count` live. */
export function environmentPlace(name: string, index: number, count: number): EnvironmentPlace {
  return { name, index, count, rootBicep: PATHS.rootBicep(name, count), bicepParams: PATHS.bicepParams(name), overlay: PATHS.kustomizeOverlay(name) };
}

export function coreContext(answers: Answers, generatorVersion: string): CoreContext {
  const names = resourceNames(answers);
  const index = Math.max(0, answers.environments.findIndex((e) => e.name === answers.environment));
  const workloads = answers.workloads.map((w) => workloadContext(w, answers));
  const network = networkPlan(answers, names);
  return {
    answers,
    environment: environmentPlace(answers.environment, index, answers.environments.length),
    names,
    network,
    workloads,
    outputs: INFRA_OUTPUTS,
    paths: PATHS,
    deploymentScope: DEPLOYMENT_SCOPE,
    infra: infraContext(answers, names, workloads),
    pipeline: pipelineContext(answers),
    k8s: k8sContext(answers, workloads, {
      privateEndpointsCidr: network.subnet.privateEndpoints!.cidr,
      ingressSubnet: names.subnets.ingress,
      ingressIp: network.ingressGatewayIp,
    }),
    psrule: psruleContext(answers, names),
    generatorVersion,
    bicep,
    yaml,
    md,
  };
}
