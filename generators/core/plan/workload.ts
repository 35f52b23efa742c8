// A workload as the plan sees it: its answers, the Azure and Kubernetes names derived from them, and the
// facts templates branch on. Every plan module that renders per-workload values takes this type.
import type { Answers, Workload } from '../answers/model.ts';
import { workloadNames, type WorkloadNames } from '../answers/naming.ts';

export interface WorkloadContext extends Workload {
  names: WorkloadNames;
  hasSecrets: boolean;
  /** Serves HTTP on its port (kind web): it has a Service and HTTP probes; a worker has neither. */
  web: boolean;
  /** Reached through the private gateway over HTTPS (a web workload with expose internal). */
  exposed: boolean;
  /** Its host name in the private DNS zone, when exposed: <workload>.<privateDnsZone>. */
  host?: string;
}

export function workloadContext(workload: Workload, answers: Pick<Answers, 'environment' | 'privateDnsZone'>): WorkloadContext {
  const web = workload.kind === 'web';
  const exposed = web && workload.expose === 'internal';
  return {
    ...workload,
    names: workloadNames(workload, answers.environment),
    hasSecrets: workload.secrets.length > 0,
    web,
    exposed,
    ...(exposed ? { host: `${workload.name}.${answers.privateDnsZone}` } : {}),
  };
}
