// A workload as the plan sees it: its answers, the Azure and Kubernetes names derived from them, and the
// facts templates branch on. Every plan module that renders per-workload values takes this type.
import type { Workload } from '../answers/model.ts';
import { workloadNames, type WorkloadNames } from '../answers/naming.ts';

export interface WorkloadContext extends Workload {
  names: WorkloadNames;
  hasSecrets: boolean;
  /** Serves HTTP on its port (kind web): it has a Service and HTTP probes; a worker has neither. */
  web: boolean;
}

export function workloadContext(workload: Workload, environment: string): WorkloadContext {
  return { ...workload, names: workloadNames(workload, environment), hasSecrets: workload.secrets.length > 0, web: workload.kind === 'web' };
}
