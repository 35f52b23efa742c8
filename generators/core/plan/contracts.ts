// The names that tie the emitted pieces together: the Bicep deployment's outputs, which the
// deploy-values script reads and the pipeline consumes, and the files that carry them to kustomize.
// Every template that names one of these uses the constant from here (through the context).

/** infra/main.bicep deploys at resource-group scope: `az deployment group create`. */
export const DEPLOYMENT_SCOPE = 'resourceGroup' as const;

/** Outputs of infra/main.bicep (none is a secret). */
export const INFRA_OUTPUTS = {
  resourceGroupName: 'resourceGroupName',
  clusterName: 'clusterName',
  oidcIssuerUrl: 'oidcIssuerUrl',
  acrName: 'acrName',
  acrLoginServer: 'acrLoginServer',
  keyVaultName: 'keyVaultName',
  tenantId: 'tenantId',
  /** Object: workload name -> client ID of its user-assigned identity. */
  workloadClientIds: 'workloadClientIds',
  pipelineIdentityClientId: 'pipelineIdentityClientId',
  /** Client ID of the private gateway's identity (reads its TLS certificate from Key Vault). */
  gatewayClientId: 'gatewayClientId',
} as const;

/** Repository-relative paths that more than one concern refers to. */
export const PATHS = {
  mainBicep: 'infra/main.bicep',
  /** An environment's Bicep entry point: infra/main.bicep with one environment, infra/<environment>.bicep with several. */
  rootBicep: (environment: string, count: number) => (count > 1 ? `infra/${environment}.bicep` : 'infra/main.bicep'),
  /** One parameter file per environment. */
  bicepParams: (environment: string) => `infra/${environment}.bicepparam`,
  /** The workload list the Bicep reads (edited structurally by the workload subgenerator). */
  infraWorkloads: 'infra/workloads.json',
  /** The egress firewall's allowed destinations (egress firewall only); add an entry to allow one more. */
  egressAllowlist: 'infra/egress-allowlist.json',
  /** Fills the kustomize deploy-time values from a deployment's outputs. */
  writeDeployValues: 'scripts/write-deploy-values.sh',
  /** The offline checks (bicep lint, build-params; kubectl kustomize): the pipeline's Validate stage runs it. */
  validateScript: 'scripts/validate.sh',
  /** A namespace's environment-neutral kustomization (Namespace, default-deny policy). */
  namespaceBase: (namespace: string) => `k8s/base/namespaces/${namespace}`,
  /** A workload's environment-neutral kustomization. */
  workloadBase: (workload: string) => `k8s/base/workloads/${workload}`,
  kustomizeOverlay: (environment: string) => `k8s/overlays/${environment}`,
  /** A workload in an environment: its base plus its own deploy-time value (a kustomization per workload). */
  workloadOverlay: (environment: string, workload: string) => `k8s/overlays/${environment}/workloads/${workload}`,
  /** One part of an environment, rendered and applied on its own: `platform` (gateway, namespaces) or `workloads-NN`. */
  overlayPart: (environment: string, part: string) => `k8s/overlays/${environment}/parts/${part}`,
  /** The kustomize Component every part of an environment uses: its shared deploy-time values and their replacements. */
  deployValuesComponent: (environment: string) => `k8s/overlays/${environment}/deploy-values`,
  /** The environment's shared deploy-time values (acrLoginServer, keyVaultName, tenantId, gatewayClientId, imageTag), KEY=value lines. */
  deployValues: (environment: string) => `k8s/overlays/${environment}/deploy-values/deploy-values.env`,
  /** A workload's own deploy-time value: a patch of its ServiceAccount with its client ID; one folder per workload under the overlay. */
  workloadDeployValues: (environment: string, workload: string) => `k8s/overlays/${environment}/workloads/${workload}/client-id.yaml`,
  pipeline: 'pipelines/azure-pipelines.yml',
  pipelineTemplates: 'pipelines/templates',
  /** Per-workload container build context. */
  workloadSource: (workload: string) => `src/${workload}`,
} as const;
