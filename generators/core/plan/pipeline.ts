// What the Azure DevOps side of the generated repository needs: the pipeline (pipelines/), the
// bootstrap script (scripts/bootstrap-devops.sh), the environments note and the sample workload
// sources (src/<workload>/). Templates read these values through `ctx.pipeline`.
import { PATHS } from './contracts.ts';
import { yaml } from './escape.ts';
import type { Answers } from '../answers/model.ts';

/** kubelogin release installed by the Deploy stage (KubeloginInstaller@0); bump deliberately. */
export const KUBELOGIN_VERSION = 'v0.2.19';

/**
 * Base image of the sample workload: the unprivileged NGINX build (runs as uid 101, listens on an
 * unprivileged port, keeps its pid and temp files in /tmp). A Docker Hub short name pinned to a
 * patch release; users replace the sample with their application.
 */
export const SAMPLE_BASE_IMAGE = 'nginxinc/nginx-unprivileged:1.30.4-alpine-slim';
/** The uid/gid the base image runs as; the Kubernetes manifests run the pod as the same. */
export const SAMPLE_UID = 101;

/**
 * Base image of the sample worker: BusyBox (a shell and coreutils in a few megabytes), the official
 * Docker Hub image pinned to a release. The sample runs a shell loop as SAMPLE_UID and writes a
 * heartbeat file that the liveness probe checks; users replace it with their application.
 */
export const SAMPLE_WORKER_BASE_IMAGE = 'busybox:1.37.0-musl';

/** Where the worker sample keeps its scripts, and the heartbeat its exec probe reads. */
export const SAMPLE_WORKER = {
  dir: '/app',
  script: 'worker.sh',
  healthcheck: 'healthcheck.sh',
  heartbeat: '/tmp/heartbeat',
  /** Seconds between heartbeats, and the age at which the probe calls the worker stuck. */
  intervalSeconds: 10,
  staleAfterSeconds: 60,
} as const;

/** The top-level pipeline parameter that lists the workloads: one `{ name, namespace }` entry each. */
export const WORKLOADS_PARAMETER = 'workloads' as const;

/** Pipeline template paths, absolute from the repository root as Azure Pipelines resolves a leading `/`. */
export const PIPELINE_TEMPLATES = {
  validateStage: '/pipelines/templates/stages/validate.yml',
  infraStage: '/pipelines/templates/stages/infra.yml',
  buildStage: '/pipelines/templates/stages/build.yml',
  deployStage: '/pipelines/templates/stages/deploy.yml',
  buildImageJob: '/pipelines/templates/jobs/build-image.yml',
  infraOutputsSteps: '/pipelines/templates/steps/infra-outputs.yml',
} as const;

export interface PipelineContext {
  /** `pool: name:` of every job: the self-hosted pool inside the virtual network. */
  agentPool: string;
  /** The workload identity federation service connection (AzureCLI@2 `azureSubscription`). */
  serviceConnection: string;
  /** Azure DevOps environments the deployment jobs target; approvals and checks live on them. */
  environments: { infra: string; workloads: string };
  bicepParameters: string;
  overlay: string;
  /** kubectl client matching the cluster's minor (KubectlInstaller@0 wants a full version). */
  kubectlVersion: string;
  kubeloginVersion: string;
  templates: typeof PIPELINE_TEMPLATES;
  /** The top-level parameter that lists the workloads. */
  workloadsParameter: typeof WORKLOADS_PARAMETER;
  /** The Azure DevOps pool is an elastic pool over a scale set the bootstrap script registers. */
  elasticPool: boolean;
  sample: { baseImage: string; workerBaseImage: string; uid: number; worker: typeof SAMPLE_WORKER };
  /** Places an answer-derived string as a YAML value (templates: `<%- pipeline.scalar(x) %>`). */
  scalar: typeof yamlScalar;
  /** Values already quoted as one shell word, for the bootstrap script's defaults. */
  sh: { project: string };
}

/** Words that YAML 1.1 parsers (Azure Pipelines among them) read as booleans or null. */
const YAML_KEYWORDS = /^(y|yes|n|no|true|false|on|off|null)$/i;

/**
 * A YAML scalar that every parser reads back as this string: plain when it is unambiguous
 * (letters first, no keyword such as `on` or `null`), double-quoted otherwise (`"123"`, `"true"`).
 */
export function yamlScalar(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9._/-]*$/.test(value) && !YAML_KEYWORDS.test(value) ? value : yaml.str(value);
}

/** One shell word: plain tokens as they are, anything else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._/@:+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A full kubectl version for a cluster version given as a minor (1.35) or a patch (1.35.2). */
export function kubectlVersion(kubernetesVersion: string): string {
  return kubernetesVersion.split('.').length === 2 ? `${kubernetesVersion}.0` : kubernetesVersion;
}

export function pipelineContext(answers: Answers): PipelineContext {
  const base = `${answers.name}-${answers.environment}`;
  return {
    agentPool: answers.agentPoolName,
    serviceConnection: answers.serviceConnection,
    environments: { infra: `${base}-infra`, workloads: base },
    bicepParameters: PATHS.bicepParams(answers.environment),
    overlay: PATHS.kustomizeOverlay(answers.environment),
    kubectlVersion: kubectlVersion(answers.kubernetesVersion),
    kubeloginVersion: KUBELOGIN_VERSION,
    templates: PIPELINE_TEMPLATES,
    workloadsParameter: WORKLOADS_PARAMETER,
    elasticPool: answers.agentPool === 'vmss',
    sample: { baseImage: SAMPLE_BASE_IMAGE, workerBaseImage: SAMPLE_WORKER_BASE_IMAGE, uid: SAMPLE_UID, worker: SAMPLE_WORKER },
    scalar: yamlScalar,
    sh: { project: shellWord(answers.adoProject) },
  };
}
