// Policy as code: PSRule for Azure (the Well-Architected rule set for Bicep and ARM) on the emitted infra/.
//
// One place for everything the generated repository says about it:
//   - the pinned modules and the quarterly GA baseline (ps-rule.yaml, the Validate stage, the README);
//   - RULES: the rules of that baseline that PSRule evaluates on what infra/ deploys (the test suite
//     re-expresses each one on the compiled ARM JSON: test/psrule.rules.test.ts);
//   - NOT_EVALUATED: the baseline's rules for the same resource types that PSRule does not evaluate on
//     infrastructure as code, and why;
//   - the rule exclusions and the suppressions the generator writes into ps-rule.yaml, each with the reason
//     it carries as a comment. A suppression names its targets (resource names): it covers what this
//     repository deploys, not whatever its owners add later.
// Templates read these through `ctx.psrule`.
import type { Answers } from '../answers/model.ts';
import type { Names } from '../answers/naming.ts';
import { infraNames } from './infra.ts';

/** The quarterly baseline every run uses: rules released after it arrive only when it is bumped. */
export const baseline = 'Azure.GA_2026_03';

/** PowerShell modules, pinned: the rule module that ships the baseline and the engine it runs on. */
export const PSRULE_MODULES = [
  { name: 'PSRule', version: '2.9.0' },
  { name: 'PSRule.Rules.Azure', version: '1.48.0' },
] as const;

/** The options file at the repository root. */
export const OPTIONS_FILE = 'ps-rule.yaml';

/**
 * The name ps-rule.yaml gives the pinned baseline (`baseline.group`): runs pass `-Baseline '@pinned'`,
 * so bumping the baseline is a one-line change in ps-rule.yaml.
 */
export const BASELINE_GROUP = 'pinned';

/** Where the Validate stage writes the results it publishes (NUnit 3). */
export const RESULTS_FILE = 'reports/ps-rule-results.xml';

/** Seconds PSRule may spend compiling the parameter file with Bicep (its default of 5 is too short here). */
export const BICEP_TIMEOUT_SECONDS = 60;

/** The PowerShell that installs the pinned modules (CurrentUser scope: no administrator rights), one per module. */
export const installLines = PSRULE_MODULES.map((m) => `Install-Module -Name ${m.name} -RequiredVersion ${m.version} -Scope CurrentUser -Force`);
export const installCommand = installLines.join('; ');

/** The check itself, as the Validate stage runs it, from the repository root (PowerShell 7). */
export const localCommand = [
  `Import-Module -Name PSRule -RequiredVersion ${PSRULE_MODULES[0].version}`,
  `Assert-PSRule -Format File -InputPath . -Option ${OPTIONS_FILE} -Baseline '@${BASELINE_GROUP}'`,
].join('; ');

/** A rule configuration option ps-rule.yaml sets, away from the module's default. */
export interface RuleConfiguration {
  option: string;
  value: readonly string[];
  /** The rules it configures. */
  rules: readonly string[];
  /** The comment above it in ps-rule.yaml. */
  reason: string;
}

export const CONFIGURATION: readonly RuleConfiguration[] = [
  {
    option: 'AZURE_AKS_ENABLED_PLATFORM_LOG_CATEGORIES_LIST',
    value: ['cluster-autoscaler', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
    rules: ['Azure.AKS.PlatformLogs'],
    reason:
      "Azure.AKS.PlatformLogs: the control plane's platform log categories, which the cluster's diagnostic setting sends to Log Analytics. Not AllMetrics: Azure Monitor keeps the cluster's platform metrics without a diagnostic setting, and the generally available diagnostic settings API (2016-09-01) cannot name a metric category.",
  },
];

/** A rule ps-rule.yaml excludes: it cannot apply to anything this repository deploys. */
export interface Exclusion {
  rule: string;
  /** The comment above it in ps-rule.yaml. */
  reason: string;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    rule: 'Azure.AKS.AuthorizedIPs',
    reason:
      'The cluster is private (apiServerAccessProfile.enablePrivateCluster): its API server has no public endpoint to restrict, and AKS does not accept authorized IP ranges on a private cluster.',
  },
];

/** A suppression ps-rule.yaml carries: the rule does not pass for these resources, and why that is right. */
export interface Suppression {
  rule: string;
  /** Resource names (PSRule target names). */
  targets: string[];
  /** The comment above it in ps-rule.yaml. */
  reason: string;
  /** Why: an answer asked for it, or the design chose something the rule does not know. */
  cause: 'answer' | 'design';
}

export type SuppressionInput = Pick<Answers, 'name' | 'environment' | 'environments' | 'systemNodeCount' | 'userNodeMinCount' | 'availabilityZones' | 'bastion' | 'agentPool' | 'egress'>;

/** The suppressions for these answers, in the order ps-rule.yaml lists them. */
export function suppressions(answers: SuppressionInput, names: Names): Suppression[] {
  const nsgs = infraNames(names, answers).networkSecurityGroups;
  const zones = answers.availabilityZones;
  const vmss = answers.agentPool === 'vmss';
  const out: Suppression[] = [
    {
      rule: 'Azure.AKS.NetworkPolicy',
      targets: [names.cluster],
      cause: 'design',
      reason:
        'Network policies are enforced by Cilium (Azure CNI powered by Cilium: networkPolicy cilium, which its data plane requires). The rule only knows azure and calico; Azure Network Policy Manager is being retired.',
    },
    {
      rule: 'Azure.Log.Replication',
      targets: [names.logAnalytics],
      cause: 'design',
      reason:
        'Workspace replication copies the logs to a second region of your choice and needs the Container insights data collection rule to send through a data collection endpoint. This repository deploys one region; enable replication in infra/modules/monitoring.bicep when you choose a second one, then remove this suppression.',
    },
  ];
  const index = answers.environments.findIndex((e) => e.name === answers.environment);
  if (index >= 0 && index < answers.environments.length - 1) {
    out.push({
      rule: 'Azure.ACR.ExportPolicy',
      targets: [names.registry],
      cause: 'design',
      reason:
        "Promotion: the next environment imports the image digests that passed this one from its registry with az acr import, which needs export enabled there (public network access stays disabled; only trusted Azure services get through). The highest environment's registry keeps export disabled. docs/environments.md explains the choice and the alternative of one shared registry.",
    });
  }
  if (answers.bastion) {
    out.push({
      rule: 'Azure.NSG.LateralTraversal',
      targets: [nsgs.bastion],
      cause: 'design',
      reason:
        'Azure Bastion requires its subnet to allow outbound SSH and RDP to the virtual network: that is the service. Every other network security group denies both.',
    });
  }
  if (answers.systemNodeCount < 3) {
    out.push({
      rule: 'Azure.AKS.MinNodeCount',
      targets: [names.cluster],
      cause: 'answer',
      reason: `systemNodeCount is ${answers.systemNodeCount}: the system pool keeps fewer than 3 nodes, so an upgrade or a node failure interrupts the cluster's critical add-ons. Answer 3 or more to remove this suppression.`,
    });
  }
  if (answers.userNodeMinCount < 3) {
    out.push({
      rule: 'Azure.AKS.MinUserPoolNodes',
      targets: [names.cluster],
      cause: 'answer',
      reason: `userNodeMinCount is ${answers.userNodeMinCount}: the user pool may scale down to fewer than 3 nodes. Answer 3 or more to remove this suppression.`,
    });
  }
  if (answers.egress === 'firewall' && zones.length < 2) {
    out.push({
      rule: 'Azure.Firewall.AvailabilityZones',
      targets: [names.firewall],
      cause: 'answer',
      reason: `availabilityZones lists ${zones.length === 0 ? 'no zone' : 'one zone'}: the egress firewall is not spread over two or more zones, so a zone outage stops the cluster's egress.`,
    });
  }
  if (zones.length === 0) {
    const publicIps = [answers.egress === 'firewall' ? names.firewallPublicIp : names.natPublicIp, ...(answers.bastion ? [names.bastionPublicIp] : [])];
    out.push(
      {
        rule: 'Azure.AKS.AvailabilityZone',
        targets: [names.cluster],
        cause: 'answer',
        reason: 'availabilityZones is empty: the node pools are not spread over availability zones (right for a region without zones).',
      },
      {
        rule: 'Azure.PublicIP.AvailabilityZone',
        targets: publicIps,
        cause: 'answer',
        reason: 'availabilityZones is empty: the public IP addresses are not zone-redundant (right for a region without zones).',
      },
    );
  }
  if (vmss) {
    if (zones.length < 2) {
      out.push({
        rule: 'Azure.VMSS.AvailabilityZone',
        targets: [names.agentScaleSet],
        cause: 'answer',
        reason: `availabilityZones lists ${zones.length === 0 ? 'no zone' : 'one zone'}: the agents' scale set does not spread over two or more zones.`,
      });
    }
    out.push(
      {
        rule: 'Azure.VMSS.AMA',
        targets: [names.agentScaleSet],
        cause: 'design',
        reason:
          'The scale set belongs to an Azure DevOps elastic pool: Azure DevOps installs its own agent extension and replaces each agent after one job. The job logs are kept in Azure DevOps; an Azure Monitor Agent on these short-lived machines would collect nothing worth keeping.',
      },
      {
        rule: 'Azure.VMSS.AutoInstanceRepairs',
        targets: [names.agentScaleSet],
        cause: 'design',
        reason:
          'Azure DevOps manages the instances of its elastic pool itself (it deletes unhealthy agents and creates new ones); automatic repairs would replace machines behind its back, and need a health probe the agents do not have.',
      },
    );
  }
  return out;
}

/** Words of `text` on lines of at most `width` characters, for YAML comments. */
export function commentLines(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

type Commented<T> = T & { comment: string[] };

export interface PsRuleContext {
  baseline: string;
  baselineGroup: string;
  modules: typeof PSRULE_MODULES;
  /** "PSRule 2.9.0 and PSRule.Rules.Azure 1.48.0" */
  modulesText: string;
  optionsFile: string;
  resultsFile: string;
  /** The files PSRule reads: the parameter files, which expand main.bicep with every module. */
  input: string;
  bicepTimeoutSeconds: number;
  configuration: Commented<RuleConfiguration>[];
  exclusions: Commented<Exclusion>[];
  suppressions: Commented<Suppression>[];
  installLines: readonly string[];
  installCommand: string;
  localCommand: string;
}

/**
 * The suppressions of several environments in one ps-rule.yaml (it reads every parameter file): one
 * entry per rule, the targets of every environment, and each environment's reason where they differ.
 */
export function mergedSuppressions(perEnvironment: Array<{ environment: string; suppressions: Suppression[] }>): Suppression[] {
  const merged = new Map<string, { first: Suppression; targets: string[]; reasons: Array<{ environment: string; reason: string }> }>();
  for (const { environment, suppressions: list } of perEnvironment) {
    for (const s of list) {
      const entry = merged.get(s.rule) ?? { first: s, targets: [], reasons: [] };
      merged.set(s.rule, entry);
      entry.targets.push(...s.targets.filter((t) => !entry.targets.includes(t)));
      entry.reasons.push({ environment, reason: s.reason });
    }
  }
  return [...merged.values()].map(({ first, targets, reasons }) => ({
    ...first,
    targets,
    reason: new Set(reasons.map((r) => r.reason)).size === 1 ? first.reason : reasons.map((r) => `In ${r.environment}: ${r.reason}`).join(' '),
  }));
}

/** The same context with these suppressions (their comments rewrapped). */
export function withSuppressions(context: PsRuleContext, list: Suppression[]): PsRuleContext {
  return { ...context, suppressions: list.map((s) => ({ ...s, comment: commentLines(s.reason) })) };
}

export function psruleContext(answers: SuppressionInput, names: Names): PsRuleContext {
  return {
    baseline,
    baselineGroup: BASELINE_GROUP,
    modules: PSRULE_MODULES,
    modulesText: PSRULE_MODULES.map((m) => `${m.name} ${m.version}`).join(' and '),
    optionsFile: OPTIONS_FILE,
    resultsFile: RESULTS_FILE,
    input: 'infra/*.bicepparam',
    bicepTimeoutSeconds: BICEP_TIMEOUT_SECONDS,
    configuration: CONFIGURATION.map((c) => ({ ...c, comment: commentLines(c.reason) })),
    exclusions: EXCLUSIONS.map((e) => ({ ...e, comment: commentLines(e.reason) })),
    suppressions: suppressions(answers, names).map((s) => ({ ...s, comment: commentLines(s.reason) })),
    installLines,
    installCommand,
    localCommand,
  };
}
