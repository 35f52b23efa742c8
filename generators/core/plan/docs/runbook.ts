// The runbook's facts: the resource providers a first deployment registers, the tools and versions it
// needs, the Bastion tunnel's default port, the Key Vault secrets to create before the workloads'
// first deployment, and the short recipe from a fresh repository to running workloads that the
// README, the end-of-run summary and the workload subgenerator's "Next" all show.
import type { CoreContext } from '../context-core.ts';
import type { WorkloadContext } from '../workload.ts';

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

/** The runbook's sections, in the order an operator follows them; the README's headings and links use these. */
export const RUNBOOK_SECTIONS = {
  firstDeployment: '1. First deployment',
  devops: '2. Connect Azure DevOps',
  secrets: "3. Create the workloads' secrets",
  deploy: '4. Deploy the workloads',
  connect: '5. Connect as an operator',
  addWorkload: '6. Add a workload',
  rotate: '7. Rotate a secret',
  teardown: '8. Tear down',
} as const;

/** A heading's anchor as GitHub and Azure DevOps make it. */
export function anchorOf(heading: string): string {
  return `#${heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')}`;
}

/** The role an operator takes on the vault, for the time it takes to set secrets. */
export const SECRETS_OFFICER_ROLE = 'Key Vault Secrets Officer';

/** One Key Vault secret to create, and the workloads that mount it (one vault: one name is one secret). */
export interface SecretToCreate {
  name: string;
  workloads: string[];
}

/** Every secret the workloads mount, in workload order; Key Vault names ignore case. */
export function secretsToCreate(workloads: readonly Pick<WorkloadContext, 'name' | 'secrets'>[]): SecretToCreate[] {
  const byName = new Map<string, SecretToCreate>();
  for (const w of workloads) {
    for (const secret of w.secrets) {
      const entry = byName.get(secret.toLowerCase());
      if (entry) {
        if (!entry.workloads.includes(w.name)) entry.workloads.push(w.name);
      } else byName.set(secret.toLowerCase(), { name: secret, workloads: [w.name] });
    }
  }
  return [...byName.values()];
}

/** The commands that create secrets: take the role (anywhere), set each secret and remove the value files (inside the network), drop the role. */
export function secretCommands(ctx: Pick<Context, 'names'>, secrets: readonly SecretToCreate[]): { grant: string[]; set: string[]; revoke: string[] } {
  const vault = ctx.names.keyVault;
  const names = secrets.length > 0 ? secrets.map((s) => s.name) : ['<secret>'];
  return {
    grant: [
      `vault_id=$(az keyvault show --name ${vault} --resource-group ${ctx.names.resourceGroup} --query id --output tsv)`,
      'me=$(az ad signed-in-user show --query id --output tsv)',
      `az role assignment create --role "${SECRETS_OFFICER_ROLE}" --assignee-object-id "$me" --assignee-principal-type User --scope "$vault_id"`,
    ],
    set: [
      ...names.map((name) => `az keyvault secret set --vault-name ${vault} --name ${name} --file ${name}.txt --output none`),
      `rm -f ${names.map((name) => `${name}.txt`).join(' ')}`,
    ],
    // Self-contained: it may run in another shell than the grant.
    revoke: [
      `az role assignment delete --role "${SECRETS_OFFICER_ROLE}" --assignee "$(az ad signed-in-user show --query id --output tsv)" \\`,
      `  --scope "$(az keyvault show --name ${vault} --resource-group ${ctx.names.resourceGroup} --query id --output tsv)"`,
    ],
  };
}

/** One step of the short recipe: a command, or (without one) something to do that the README explains. */
export interface RecipeStep {
  command?: string;
  /** What the step does, in a few words. */
  note: string;
  /** The runbook section that explains it. */
  section: string;
}

/** The steps from a freshly generated repository to running workloads, in order. */
export function deployRecipe(ctx: Context): RecipeStep[] {
  const steps: RecipeStep[] = [
    { command: 'git init && git add -A && git commit -m "Scaffold from generator-secure-aks"', note: 'the repository', section: RUNBOOK_SECTIONS.firstDeployment },
    ...ctx.infra.deployTimeParameters
      .filter((p) => !p.lookup)
      .map((p) => ({ command: `export ${p.env}=${p.example}`, note: p.summary, section: RUNBOOK_SECTIONS.firstDeployment })),
    {
      command: 'bash scripts/deploy-infra.sh',
      note: `resource providers${ctx.infra.deployTimeParameters.some((p) => p.lookup) ? ', then DEVOPS_INFRASTRUCTURE_OBJECT_ID' : ''}, then infra/`,
      section: RUNBOOK_SECTIONS.firstDeployment,
    },
    { command: 'bash scripts/bootstrap-devops.sh', note: 'service connection (no secret), environments', section: RUNBOOK_SECTIONS.devops },
  ];
  const secrets = secretsToCreate(ctx.workloads);
  if (secrets.length > 0) {
    steps.push({ note: `create the Key Vault secrets ${secrets.map((s) => s.name).join(', ')}, from inside the network`, section: RUNBOOK_SECTIONS.secrets });
  }
  steps.push({ command: 'git push', note: 'then create the pipeline from pipelines/azure-pipelines.yml', section: RUNBOOK_SECTIONS.deploy });
  return steps;
}

/** The workload subgenerator's "Next" for a workload it added (or, with --force, updated). */
export function workloadRecipe(ctx: Context, workload: WorkloadContext, change: 'Add' | 'Update' = 'Add'): RecipeStep[] {
  const steps: RecipeStep[] = [
    { command: 'git diff', note: 'infra/workloads.json, k8s/, pipelines/, README.md', section: RUNBOOK_SECTIONS.addWorkload },
    { command: `kubectl kustomize k8s/overlays/${ctx.answers.environment} | less`, note: 'what Deploy will apply', section: RUNBOOK_SECTIONS.addWorkload },
  ];
  if (workload.secrets.length > 0) {
    steps.push({
      note: `before it is deployed, create its Key Vault secrets ${workload.secrets.join(', ')} in ${ctx.names.keyVault} (those not there yet), from inside the network`,
      section: RUNBOOK_SECTIONS.secrets,
    });
  }
  steps.push({
    command: `git add -A && git commit -m "${change} workload ${workload.name}" && git push`,
    note: `Infra creates its identity ${workload.names.identity}, then Deploy runs it (by hand: Infra first)`,
    section: RUNBOOK_SECTIONS.addWorkload,
  });
  return steps;
}

/** Recipe steps as numbered lines, `  1. command  # note`; a step without a command is its note and its section. */
export function recipeLines(steps: readonly RecipeStep[], prefix: (step: RecipeStep, index: number) => string = () => ''): string[] {
  return steps.map((step, i) =>
    step.command ? `  ${i + 1}. ${prefix(step, i)}${step.command}  # ${step.note}` : `  ${i + 1}. ${step.note} (README.md, "${step.section}")`,
  );
}
