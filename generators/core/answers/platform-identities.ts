// The roles of the platform's user-assigned identities, named `id-<role>-<name>-<environment>`
// (naming.ts). A workload name may not start with `<role>-`, so a workload's identity
// `id-<workload>-<environment>` can never take a platform identity's name. On its own (no imports),
// so that the answers model can state the rule and naming.ts can apply it.

export const PLATFORM_IDENTITY_ROLES = { clusterIdentity: 'aks', pipelineIdentity: 'pipeline', gatewayIdentity: 'gateway' } as const;

/** What each platform identity is, for messages and the uniqueness check. */
export const PLATFORM_IDENTITY_DESCRIPTIONS: Record<keyof typeof PLATFORM_IDENTITY_ROLES, string> = {
  clusterIdentity: "the cluster's control-plane identity",
  pipelineIdentity: 'the pipeline identity',
  gatewayIdentity: "the ingress gateway's certificate identity",
};

/** "a", "a" or "b", "a", "b" or "c": the reserved prefixes as prose. */
export function reservedPrefixesText(quote = (p: string) => `"${p}"`): string {
  const items = RESERVED_WORKLOAD_PREFIXES.map(quote);
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** The workload name prefixes reserved for the platform's identities. */
export const RESERVED_WORKLOAD_PREFIXES: readonly string[] = Object.values(PLATFORM_IDENTITY_ROLES).map((role) => `${role}-`);
