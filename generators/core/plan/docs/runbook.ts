// The runbook's facts: the resource providers a first deployment registers, the tools and versions it
// needs, and the Bastion tunnel's default port.
import type { CoreContext } from '../context-core.ts';

type Context = CoreContext;

/** Resource providers the first deployment needs registered in the subscription. */
export function resourceProviders(ctx: Context): string[] {
  const providers = [
    'Microsoft.ContainerService',
    'Microsoft.ContainerRegistry',
    'Microsoft.KeyVault',
    'Microsoft.Network',
    'Microsoft.ManagedIdentity',
    'Microsoft.OperationalInsights',
    'Microsoft.Insights',
    'Microsoft.Compute',
    // The azurepolicy add-on reports compliance through Microsoft.PolicyInsights.
    'Microsoft.PolicyInsights',
  ];
  if (ctx.answers.agentPool === 'managedDevOpsPool') providers.push('Microsoft.DevCenter', 'Microsoft.DevOpsInfrastructure');
  return providers.sort();
}

/**
 * Subscription features the first deployment needs registered (namespace/name): encryption at host on
 * every node pool (and the scale set agents) needs Microsoft.Compute/EncryptionAtHost.
 */
export function subscriptionFeatures(_ctx: Context): string[] {
  return ['Microsoft.Compute/EncryptionAtHost'];
}

/** The tools the runbook needs, with the versions this repository was written for. */
export const TOOLS = {
  azureCli: '2.61.0',
  bicep: '0.49.2',
  kubelogin: 'v0.2.19',
} as const;

/** Default local port of the Bastion tunnel (scripts/connect.sh --port). */
export const TUNNEL_PORT = 50443;
