// Which template files are emitted for which answers. Templates live in templates/<generator>/ and
// mirror the output tree:
//   - `<path>.ejs` renders to `<path>`; a `dot-` prefix on a file name becomes `.` (npm drops dotfiles);
//   - a `__workload__` path segment renders once per workload, with `w` bound to that workload;
//   - a `__namespace__` path segment renders once per distinct workload namespace, with `ns` bound to its name;
//   - a `__part__` path segment renders once per part of an environment (ctx.k8s.parts), with `part` bound to it;
//   - a `__environment__` path segment renders once per environment, with that environment's context
//     (so does an entry of ENVIRONMENT_ROOTS);
//   - files whose name starts with `_` are partials, included by other templates and not emitted.
// A template not listed here is always emitted. For a `__workload__` template the condition also
// receives the workload, and decides per workload.
import type { Context } from '../plan/context.ts';
import type { WorkloadContext } from '../plan/workload.ts';

export const CONDITIONS: Record<string, (ctx: Context, w?: WorkloadContext) => boolean> = {
  'infra/modules/bastion.bicep.ejs': (ctx) => ctx.answers.bastion,
  'infra/modules/agent-pool.bicep.ejs': (ctx) => ctx.answers.agentPool === 'managedDevOpsPool',
  'infra/modules/agent-scale-set.bicep.ejs': (ctx) => ctx.answers.agentPool === 'vmss',
  'infra/modules/firewall.bicep.ejs': (ctx) => ctx.infra.egress.firewall,
  'infra/egress-allowlist.json.ejs': (ctx) => ctx.infra.egress.firewall,
  'k8s/base/workloads/__workload__/secret-provider-class.yaml.ejs': (_ctx, w) => w?.hasSecrets === true,
  // The private gateway exists once a workload is exposed; each exposed workload attaches a route.
  'k8s/base/gateway/kustomization.yaml.ejs': (ctx) => ctx.k8s.gateway.enabled,
  'k8s/base/gateway/namespace.yaml.ejs': (ctx) => ctx.k8s.gateway.enabled,
  'k8s/base/gateway/service-account.yaml.ejs': (ctx) => ctx.k8s.gateway.enabled,
  'k8s/base/gateway/gateway.yaml.ejs': (ctx) => ctx.k8s.gateway.enabled,
  'k8s/base/gateway/http-redirect.yaml.ejs': (ctx) => ctx.k8s.gateway.enabled,
  'k8s/base/gateway/network-policy.yaml.ejs': (ctx) => ctx.k8s.gateway.enabled,
  'k8s/base/workloads/__workload__/http-route.yaml.ejs': (_ctx, w) => w?.exposed === true,
  // A worker accepts no connections: no Service; its sample is a shell loop, not a web server.
  'k8s/base/workloads/__workload__/service.yaml.ejs': (_ctx, w) => w?.web === true,
  'src/__workload__/default.conf.ejs': (_ctx, w) => w?.web === true,
  'src/__workload__/html/index.html.ejs': (_ctx, w) => w?.web === true,
  'src/__workload__/worker.sh.ejs': (_ctx, w) => w?.web === false,
  'src/__workload__/healthcheck.sh.ejs': (_ctx, w) => w?.web === false,
};

/**
 * The files that carry one environment's values and so, once there are several environments, move to
 * one copy per environment (output path prefix -> its per-environment place): the Bicep entry point
 * (infra/main.bicep -> infra/<environment>.bicep), and the manifests with an environment's addresses
 * and names (the private gateway: its IP, subnet, DNS zone and key vault; each workload's HTTPRoute host
 * name and its NetworkPolicy's private endpoint range), from k8s/base into each environment's overlay.
 */
const PER_ENVIRONMENT_WHEN_SEVERAL: ReadonlyArray<[from: string, to: string]> = [
  ['infra/main.bicep', 'infra/__environment__.bicep'],
  ['k8s/base/gateway/', 'k8s/overlays/__environment__/gateway/'],
  ['k8s/base/workloads/__workload__/http-route.yaml', 'k8s/overlays/__environment__/workloads/__workload__/http-route.yaml'],
  ['k8s/base/workloads/__workload__/network-policy.yaml', 'k8s/overlays/__environment__/workloads/__workload__/network-policy.yaml'],
];

/** Where an output path goes for these answers: moved per PER_ENVIRONMENT_WHEN_SEVERAL when there are several environments. */
export function placeOf(path: string, ctx: Context): string {
  if (ctx.environment.count < 2) return path;
  const move = PER_ENVIRONMENT_WHEN_SEVERAL.find(([from]) => path.startsWith(from));
  return move ? move[1] + path.slice(move[0].length) : path;
}

/** Output path of a template path, or undefined for partials. */
export function outputPath(templatePath: string): string | undefined {
  const parts = templatePath.split('/');
  const file = parts.at(-1)!;
  // A leading `_` marks a partial, unless it opens a path placeholder such as `__environment__`.
  if ((file.startsWith('_') && !/^__[a-z]+__/.test(file)) || !file.endsWith('.ejs')) return undefined;
  parts[parts.length - 1] = file.slice(0, -'.ejs'.length).replace(/^dot-/, '.');
  return parts.join('/');
}

export function included(templatePath: string, ctx: Context, w?: WorkloadContext): boolean {
  const condition = CONDITIONS[templatePath];
  return condition ? condition(ctx, w) : true;
}

/** Write options for an output file: shell scripts are executable. */
export function writeOptions(outputPath: string): { stat: { mode: number } } | undefined {
  return outputPath.endsWith('.sh') ? { stat: { mode: 0o755 } } : undefined;
}
