// Answers -> everything the templates need, precomputed: names, the subnet plan, per-workload values,
// and the escaping helpers. Templates only place these values.
import { DEPLOYMENT_SCOPE, INFRA_OUTPUTS, PATHS } from './contracts.ts';
import { docsContext, type DocsContext } from './docs.ts';
import { bicep, md, yaml } from './escape.ts';
import { infraContext, type InfraContext } from './infra.ts';
import { k8sContext, type K8sContext } from './k8s.ts';
import type { Answers, Workload } from './model.ts';
import { pipelineContext, type PipelineContext } from './pipeline.ts';
import { psruleContext, type PsRuleContext } from './psrule.ts';
import { resourceNames, workloadNames, type Names, type WorkloadNames } from './naming.ts';
import { dnsServiceIp, parseCidr, planSubnets, subnetRequests, type Cidr, type PlannedSubnet } from './network.ts';

export interface WorkloadContext extends Workload {
  names: WorkloadNames;
  hasSecrets: boolean;
}

export interface NetworkPlan {
  addressSpace: string;
  subnets: PlannedSubnet[];
  /** Subnet by key, for templates: network.subnet.nodes.cidr */
  subnet: Partial<Record<PlannedSubnet['key'], PlannedSubnet>>;
  serviceCidr: string;
  podCidr: string;
  dnsServiceIp: string;
}

export interface Context {
  answers: Answers;
  names: Names;
  network: NetworkPlan;
  workloads: WorkloadContext[];
  outputs: typeof INFRA_OUTPUTS;
  paths: typeof PATHS;
  deploymentScope: typeof DEPLOYMENT_SCOPE;
  /** The Bicep under infra/: API versions, roles, node pools, deploy-time parameters (core/infra.ts). */
  infra: InfraContext;
  /** The Azure DevOps pipeline, bootstrap script and sample workload sources (core/pipeline.ts). */
  pipeline: PipelineContext;
  /** The Kubernetes manifests' layout, deploy-time values and hardening (core/k8s.ts). */
  k8s: K8sContext;
  /** PSRule for Azure: pinned baseline and modules, exclusions and suppressions of ps-rule.yaml (core/psrule.ts). */
  psrule: PsRuleContext;
  /** The README: security controls table, architecture diagram, runbook values (core/docs.ts). */
  docs: DocsContext;
  /** The generator's package version, for headers of emitted files. */
  generatorVersion: string;
  bicep: typeof bicep;
  yaml: typeof yaml;
  md: typeof md;
}

export function networkPlan(answers: Answers, names: Names): NetworkPlan {
  const space = parseCidr(answers.addressSpace) as Cidr;
  const plan = planSubnets(space, subnetRequests({ bastion: answers.bastion, names: names.subnets }));
  if (typeof plan === 'string') throw new Error(`addressSpace: ${plan}`); // resolve already rejected this
  return {
    addressSpace: answers.addressSpace,
    subnets: plan,
    subnet: Object.fromEntries(plan.map((s) => [s.key, s])),
    serviceCidr: answers.serviceCidr,
    podCidr: answers.podCidr,
    dnsServiceIp: dnsServiceIp(parseCidr(answers.serviceCidr) as Cidr),
  };
}

export function workloadContext(workload: Workload, environment: string): WorkloadContext {
  return { ...workload, names: workloadNames(workload, environment), hasSecrets: workload.secrets.length > 0 };
}

export function buildContext(answers: Answers, generatorVersion: string): Context {
  const names = resourceNames(answers);
  const workloads = answers.workloads.map((w) => workloadContext(w, answers.environment));
  const network = networkPlan(answers, names);
  const ctx: Omit<Context, 'docs'> = {
    answers,
    names,
    network,
    workloads,
    outputs: INFRA_OUTPUTS,
    paths: PATHS,
    deploymentScope: DEPLOYMENT_SCOPE,
    infra: infraContext(answers, names, workloads),
    pipeline: pipelineContext(answers),
    k8s: k8sContext(answers, network.subnet.privateEndpoints!.cidr),
    psrule: psruleContext(answers, names),
    generatorVersion,
    bicep,
    yaml,
    md,
  };
  return { ...ctx, docs: docsContext(ctx) };
}
