// The answer sets the compiled-infra tests share (test/infra.bicep.test.ts, test/psrule.rules.test.ts).
// Small but meaningful: every branch of the infra/ templates is taken by at least one entry.
import type { AnswerInput } from './generate.ts';

export const ADMIN_GROUPS = ['6f3c2a4e-8d1b-4c7e-9a2f-1b3d5e7f9a0c', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'];

export const MATRIX = {
  defaults: {},
  premiumBastionAdminsThreeWorkloads: {
    bastionSku: 'Premium',
    egress: 'natGateway',
    adminGroupObjectIds: ADMIN_GROUPS,
    workloads: [
      { name: 'web', namespace: 'shop', port: 8080, replicas: 2, secrets: ['session-key', 'db-password'] },
      { name: 'api', namespace: 'shop', port: 8081, replicas: 2, secrets: [] },
      { name: 'worker', namespace: 'jobs', port: 9090, replicas: 1, secrets: ['queue-key'] },
    ],
  },
  vmssNoBastionOddNetwork: {
    name: 'edge-proxy-west-euro',
    environment: 'staging1',
    agentPool: 'vmss',
    bastion: false,
    addressSpace: '172.20.0.0/21',
    serviceCidr: '10.100.0.0/16',
    podCidr: '100.64.0.0/16',
    availabilityZones: [],
  },
  noBastionOneZone: { bastion: false, availabilityZones: ['2'], systemNodeCount: 1, userNodeMinCount: 1, userNodeMaxCount: 3 },
} satisfies Record<string, AnswerInput>;

/** Runs the tasks two at a time (the machine has two cores; each compile is a Bicep CLI request). */
export async function twoAtATime<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}
