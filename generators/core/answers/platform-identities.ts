// The roles of the platform's user-assigned identities, named `id-<role>-<name>-<environment>`
// (naming.ts). A workload name may not start with `<role>-`, so a workload's identity
// `id-<workload>-<environment>` can never take a platform identity's name. On its own (no imports),
// so that the answers model can state the rule and naming.ts can apply it.

export const PLATFORM_IDENTITY_ROLES = { clusterIdentity: 'aks', pipelineIdentity: 'pipeline', gatewayIdentity: 'gateway' } as const;

/** The workload name prefixes reserved for the platform's identities. */
export const RESERVED_WORKLOAD_PREFIXES: readonly string[] = Object.values(PLATFORM_IDENTITY_ROLES).map((role) => `${role}-`);
