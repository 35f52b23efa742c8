// What the generated repository's README needs beyond the answers: the security controls table (each
// control, the files and properties that enforce it, and how to check it on a live cluster), the
// architecture diagram (nodes, groups and edges, rendered as a Mermaid flowchart), the Azure resource
// providers a first deployment needs, and the commands of the runbook. Everything is typed data, so the
// README renders it and the tests check every row against the generated files (test/operator.*.test.ts).
// The parts live in docs/: controls.ts (the table), diagram.ts (the diagram), runbook.ts (providers, tools).
import type { CoreContext } from './context-core.ts';
import { securityControls, type SecurityControl } from './docs/controls.ts';
import { architecture, renderMermaid, type Diagram } from './docs/diagram.ts';
import {
  anchorOf,
  deployRecipe,
  RUNBOOK_SECTIONS,
  resourceProviders,
  secretCommands,
  secretsToCreate,
  subscriptionFeatures,
  SECRETS_OFFICER_ROLE,
  TOOLS,
  TUNNEL_PORT,
  type RecipeStep,
  type SecretToCreate,
} from './docs/runbook.ts';

type Context = CoreContext;

export interface DocsContext {
  controls: SecurityControl[];
  diagram: Diagram;
  /** The diagram as Mermaid source (the README's ```mermaid block). */
  mermaid: string;
  resourceProviders: string[];
  /** Subscription features (namespace/name) the first deployment needs registered. */
  subscriptionFeatures: string[];
  tools: typeof TOOLS;
  tunnelPort: number;
  /** Kubeconfig scripts/connect.sh writes (outside the repository). */
  kubeconfig: string;
  /**
   * Environment variables the .bicepparam reads, for the first deployment; `lookup`: the command
   * scripts/deploy-infra.sh finds the value with when the variable is not set, after registering
   * `afterProvider` (whose registration creates what the command looks up).
   */
  deployTimeVariables: { env: string; help: string[]; lookup?: { command: string; afterProvider: string } }[];
  /** The README's security controls table rows, cells already Markdown. */
  controlRows: { control: string; enforcedBy: string; verify: string }[];
  /** The runbook's section headings and their anchors, in order. */
  sections: { [K in keyof typeof RUNBOOK_SECTIONS]: { heading: string; anchor: string } };
  /** The short recipe from a fresh repository to running workloads (README, summary). */
  recipe: RecipeStep[];
  /** The Key Vault secrets the workloads mount, to create before their first deployment. */
  secrets: SecretToCreate[];
  /** The commands that create them: grant the role, set each secret, revoke the role. */
  secretCommands: { grant: string[]; set: string[]; revoke: string[] };
  secretsOfficerRole: string;
}

const code = (text: string) => `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

export function docsContext(ctx: Context): DocsContext {
  const controls = securityControls(ctx);
  const diagram = architecture(ctx);
  const secrets = secretsToCreate(ctx.workloads);
  return {
    sections: Object.fromEntries(Object.entries(RUNBOOK_SECTIONS).map(([key, heading]) => [key, { heading, anchor: anchorOf(heading) }])) as DocsContext['sections'],
    recipe: deployRecipe(ctx),
    secrets,
    secretCommands: secretCommands(ctx, secrets),
    secretsOfficerRole: SECRETS_OFFICER_ROLE,
    controls,
    diagram,
    mermaid: renderMermaid(diagram),
    resourceProviders: resourceProviders(ctx),
    subscriptionFeatures: subscriptionFeatures(ctx),
    tools: TOOLS,
    tunnelPort: TUNNEL_PORT,
    kubeconfig: `~/.kube/${ctx.names.cluster}.kubeconfig`,
    deployTimeVariables: ctx.infra.deployTimeParameters.map((p) => ({ env: p.env, help: p.help, ...(p.lookup ? { lookup: p.lookup } : {}) })),
    controlRows: controls.map((c) => ({
      control: ctx.md.text(c.control),
      enforcedBy: c.enforcedBy.map((e) => `${code(e.file)}: ${code(e.property)} = ${code(e.value)}`).join('<br>'),
      verify: c.verify.map((v) => `${code(v.command)} → ${ctx.md.text(v.expect)}`).join('<br>'),
    })),
  };
}
