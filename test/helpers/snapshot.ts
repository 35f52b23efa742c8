// `bicep snapshot` of a generated tree: the resources Azure would be asked to create, with every
// parameter, variable, copy loop, condition and module evaluated offline by Bicep itself (what
// `bicep snapshot infra/<env>.bicepparam --subscription-id … --tenant-id … --resource-group …
// --location …` writes to <env>.snapshot.json), here through the long-lived `bicep jsonrpc` process of
// bicep.ts (`bicep/getSnapshot`), whose environment holds SAMPLE_DEPLOY_ENV for the parameter file's
// readEnvironmentVariable() calls.
//
//   snapshotInfra(rendered)  the snapshot of a rendered tree, for SNAPSHOT_SCOPE and the tree's own
//                            resource group, region and deployment name; once per distinct tree per
//                            test run (shared by the test files of one `vitest run`, as compileInfra)
//   normalizeSnapshot(s)     stable text for the reviewed golden file
//   principalOf(), scopeOf(), roleOf(), resourceName()   reading role assignments and resource IDs
//
// What the snapshot cannot know stays an expression: values from an earlier deployment step
// (reference(): principal IDs, module outputs such as the cluster's OIDC issuer URL). principalOf()
// reads which resource such a principal ID comes from.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bicepRpc, writeInfra } from './bicep.ts';
import type { Rendered } from './generate.ts';
import { findTool } from './tools.ts';
import { publish, runCache } from './run-cache.ts';

/** The subscription and tenant the snapshots are taken for (stand-ins; any GUIDs would do). */
export const SNAPSHOT_SCOPE = {
  tenantId: '4b1d6c3e-8a2f-4e7d-9c5b-2f8e6a1d3c70',
  subscriptionId: '9e2c4a71-6b3d-4f8e-a15c-7d0b3e9f2a64',
} as const;

export interface SnapshotResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  location?: string;
  sku?: Record<string, unknown>;
  kind?: string;
  zones?: string[];
  identity?: Record<string, unknown>;
  tags?: Record<string, string>;
  properties?: Record<string, any>;
  [key: string]: unknown;
}

export interface Snapshot {
  predictedResources: SnapshotResource[];
  diagnostics: unknown[];
  outputs: Record<string, unknown>;
}

export interface SnapshotMetadata {
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  deploymentName: string;
}

/** The scope a tree's snapshot is taken for: its own resource group, region and deployment name. */
export function snapshotMetadata(rendered: Rendered): SnapshotMetadata {
  return {
    ...SNAPSHOT_SCOPE,
    resourceGroup: rendered.ctx.names.resourceGroup,
    location: rendered.answers.location,
    deploymentName: rendered.ctx.names.deployment,
  };
}

const CACHE_FORMAT = 1;
const RUN_CACHE = runCache('snapshot');
const snapshots = new Map<string, Promise<Snapshot>>();

/** The snapshot of a rendered tree's infra/<environment>.bicepparam; cached per tree and scope. */
export function snapshotInfra(rendered: Rendered): Promise<Snapshot> {
  const metadata = snapshotMetadata(rendered);
  const parameters = `infra/${rendered.answers.environment}.bicepparam`;
  const hash = createHash('sha256');
  hash.update(`${findTool('bicep') ?? 'no bicep'}\0${CACHE_FORMAT}\0${JSON.stringify(metadata)}\0${parameters}\0`);
  for (const [path, content] of [...rendered.files].filter(([p]) => p.startsWith('infra/')).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${path}\0${content}\0`);
  }
  const key = hash.digest('hex');
  let result = snapshots.get(key);
  if (!result) {
    result = shared(key, () => take(rendered.files, parameters, metadata));
    snapshots.set(key, result);
  }
  return result;
}

async function take(files: ReadonlyMap<string, string>, parameters: string, metadata: SnapshotMetadata): Promise<Snapshot> {
  const dir = writeInfra(files);
  // The jsonrpc process does not keep Node alive (tests end without closing it): outside a test
  // runner (npm run golden:update), this timer does until the answer is in.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    const response = await bicepRpc<{ snapshot: string }>('bicep/getSnapshot', {
      path: join(dir, parameters),
      metadata: { ...metadata, managementGroupId: null },
      externalInputs: null,
    });
    return JSON.parse(response.snapshot) as Snapshot;
  } finally {
    clearInterval(keepAlive);
  }
}

/**
 * Test files run in separate workers of one `vitest run`: the first takes a tree's snapshot, the others
 * read it from a folder named after the run (the workers' parent process), as bicep.ts does for compiles.
 */
async function shared(key: string, compute: () => Promise<Snapshot>): Promise<Snapshot> {
  mkdirSync(RUN_CACHE, { recursive: true });
  const entry = join(RUN_CACHE, `${key}.json`);
  const lock = join(RUN_CACHE, `${key}.lock`);
  let owner = false;
  try {
    closeSync(openSync(lock, 'wx'));
    owner = true;
  } catch {
    for (let waited = 0; waited < 300_000 && !existsSync(entry); waited += 200) await new Promise((r) => setTimeout(r, 200));
    if (existsSync(entry)) return JSON.parse(readFileSync(entry, 'utf8')) as Snapshot;
  }
  const snapshot = await compute();
  if (owner || !existsSync(entry)) {
    publish(entry, JSON.stringify(snapshot));
  }
  return snapshot;
}

/** A JSON value with the keys of every object sorted (arrays keep their order). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

/**
 * Stable text of a snapshot for a reviewed file: resources ordered by ID (then type), the keys of every
 * object sorted (Bicep does not keep the outputs' order from one run to the next), two-space
 * indentation, a final newline. Diagnostics are left out (the tests require there are none).
 */
export function normalizeSnapshot(snapshot: Pick<Snapshot, 'predictedResources' | 'outputs'>): string {
  const resources = [...snapshot.predictedResources].sort((a, b) => a.id.localeCompare(b.id) || a.type.localeCompare(b.type));
  return `${JSON.stringify(sortedKeys({ predictedResources: resources, outputs: snapshot.outputs }), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Reading what the snapshot predicts.

/** The resources of one type (case-insensitive: Bicep keeps the template's spelling). */
export function ofType(snapshot: Snapshot, type: string): SnapshotResource[] {
  return snapshot.predictedResources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The scope an extension resource (a role assignment) is created at: its ID before `/providers/<its type>/<name>`. */
export function scopeOf(resource: SnapshotResource): string {
  const suffix = `/providers/${resource.type}/${resource.name}`;
  if (!resource.id.toLowerCase().endsWith(suffix.toLowerCase())) throw new Error(`${resource.id} does not end with ${suffix}`);
  return resource.id.slice(0, -suffix.length);
}

/** The role definition GUID of a role assignment. */
export function roleOf(assignment: SnapshotResource): string {
  return String(assignment.properties?.roleDefinitionId).split('/').at(-1)!;
}

/** The last segment of a resource ID (a resource's name). */
export function resourceName(id: string): string {
  return id.split('/').at(-1)!;
}

/**
 * Who a role assignment is for: `object:<guid>` for a literal object ID (a group, a service principal
 * given as a parameter), `identity:<name>` for the principal ID of a user-assigned identity of this
 * deployment, `kubelet:<cluster>` for the kubelet identity of a cluster of this deployment. Anything
 * else is `unknown:<expression>`, which no allow-list contains.
 */
export function principalOf(assignment: SnapshotResource, subscriptionId: string, resourceGroup: string): string {
  const principal = String(assignment.properties?.principalId);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(principal)) return `object:${principal.toLowerCase()}`;
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const identity = new RegExp(`^\\[reference\\('${escape(rg)}/Microsoft\\.ManagedIdentity/userAssignedIdentities/([^'/]+)', '[^']+'\\)\\.principalId\\]$`).exec(principal);
  if (identity) return `identity:${identity[1]}`;
  const kubelet = new RegExp(`^\\[reference\\('${escape(rg)}/Microsoft\\.ContainerService/managedClusters/([^'/]+)', '[^']+'\\)\\.identityProfile\\.kubeletidentity\\.objectId\\]$`).exec(principal);
  if (kubelet) return `kubelet:${kubelet[1]}`;
  return `unknown:${principal}`;
}
