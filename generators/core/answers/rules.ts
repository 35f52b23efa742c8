// Validation rules shared by every entry point (app generator, workload generator, CLI, answers files).
// Each rule returns undefined when the value is valid, or the rule text that the value breaks;
// callers prefix it with the key and the value, e.g. `acrName "my-acr": 5-50 lowercase letters and digits only`.

export type Rule<T> = (value: T) => string | undefined;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Characters that look like text but are not printable ASCII (zero-width, look-alikes, controls). */
export function nonAsciiProblem(value: string): string | undefined {
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code > 0x7e) {
      return `contains the character U+${code.toString(16).toUpperCase().padStart(4, '0')}; only printable ASCII is allowed`;
    }
  }
  return undefined;
}

export function spacesProblem(value: string): string | undefined {
  return value !== value.trim() ? 'has leading or trailing spaces' : undefined;
}

/** Checks shared by every string: printable ASCII, no surrounding spaces, not empty. */
export function basicString(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  return nonAsciiProblem(value) ?? spacesProblem(value);
}

/** Azure's reserved words (ReservedResourceName): whole words, and words no resource name may contain. */
const AZURE_RESERVED_WORDS = new Set([
  'access', 'azure', 'bing', 'bizspark', 'biztalk', 'cortana', 'directx', 'dotnet', 'dynamics', 'excel',
  'exchange', 'forefront', 'groove', 'hololens', 'hyperv', 'kinect', 'lync', 'msdn', 'o365',
  'office', 'office365', 'onedrive', 'onenote', 'outlook', 'powerpoint', 'sharepoint', 'skype', 'visio',
  'visualstudio',
]);
const AZURE_RESERVED_SUBSTRINGS = ['microsoft', 'windows', 'xbox', 'login'];

export function reservedWordProblem(value: string): string | undefined {
  const lower = value.toLowerCase();
  const word = lower.split(/[^a-z0-9]+/).find((part) => AZURE_RESERVED_WORDS.has(part));
  if (word) return `"${word}" is a word Azure reserves and rejects in resource names`;
  const sub = AZURE_RESERVED_SUBSTRINGS.find((s) => lower.includes(s));
  if (sub) return `contains "${sub}", which Azure rejects in resource names`;
  return undefined;
}

/** The service short name: it prefixes every resource name, so it must fit the strictest of them. */
export const serviceName: Rule<string> = (v) =>
  basicString(v) ??
  (v.length < 2 || v.length > 20 || !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(v) || v.includes('--')
    ? '2-20 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen'
    : reservedWordProblem(v));

export const environmentName: Rule<string> = (v) =>
  basicString(v) ??
  (/^[a-z][a-z0-9]{1,7}$/.test(v) ? reservedWordProblem(v) : '2-8 lowercase letters and digits, starting with a letter');

/** Azure Container Registry: 5-50 alphanumerics, globally unique (the login server is lowercase), no reserved words. */
export const acrName: Rule<string> = (v) =>
  basicString(v) ?? (/^[a-z0-9]{5,50}$/.test(v) ? reservedWordProblem(v) : '5-50 lowercase letters and digits only');

/** Key Vault: 3-24 alphanumerics and hyphens, starts with a letter, ends with a letter or digit, no "--", no reserved words. */
export const keyVaultName: Rule<string> = (v) =>
  basicString(v) ??
  (/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(v) && !v.includes('--')
    ? reservedWordProblem(v)
    : '3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit');

export const guid: Rule<string> = (v) =>
  basicString(v) ??
  (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
    ? undefined
    : 'must be a GUID like 00000000-0000-0000-0000-000000000000');

export const vmSize: Rule<string> = (v) =>
  basicString(v) ??
  (/^Standard_[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/.test(v) && v.length <= 64
    ? undefined
    : 'an Azure VM size such as Standard_D4ds_v5');

/** Kubernetes DNS-1123 label (namespaces, workload names), length given by the caller. */
export function dnsLabel(max: number): Rule<string> {
  return (v) =>
    basicString(v) ??
    (v.length <= max && v.length >= 2 && DNS_LABEL.test(v) && /^[a-z]/.test(v)
      ? undefined
      : `2-${max} lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit`);
}

/** The namespace of the private ingress gateway (plan/k8s.ts GATEWAY): no workload may use it. */
export const GATEWAY_NAMESPACE = 'internal-gateway';

const RESERVED_NAMESPACES = new Set([
  'default', 'kube-system', 'kube-public', 'kube-node-lease', 'gatekeeper-system', 'calico-system',
  'tigera-operator', 'app-routing-system', 'aks-command', 'azure-extensions-usage-system',
]);

export const namespaceName: Rule<string> = (v) =>
  dnsLabel(63)(v) ??
  (RESERVED_NAMESPACES.has(v) || v.startsWith('kube-') || v.startsWith('aks-istio-')
    ? 'a namespace that Kubernetes or AKS reserves for itself'
    : v === GATEWAY_NAMESPACE
      ? 'the namespace of the private ingress gateway'
      : undefined);

/**
 * A private DNS zone name: lowercase labels of 1-63 letters, digits and hyphens, at least two of them,
 * at most 200 characters (room for `<workload>.` in front of it), and not one of Azure's privatelink
 * zones (those belong to private endpoints).
 */
export const privateDnsZone: Rule<string> = (v) => {
  const basic = basicString(v);
  if (basic) return basic;
  const labels = v.split('.');
  if (v.length > 200 || labels.length < 2 || !labels.every((l) => l.length <= 63 && DNS_LABEL.test(l)) || !/^[a-z]/.test(labels.at(-1)!)) {
    return 'a lowercase DNS name of 2 or more labels (letters, digits, hyphens), at most 200 characters, such as dev.orders.internal';
  }
  if (labels[0] === 'privatelink' || v.endsWith('.azure.com') || v.endsWith('.azure.net') || v.endsWith('.windows.net')) {
    return 'a zone of your own (not an Azure service zone such as privatelink.*)';
  }
  return undefined;
};

/** Key Vault secret names: 1-127 letters, digits and hyphens. */
export const secretName: Rule<string> = (v) =>
  basicString(v) ??
  (/^[0-9a-zA-Z-]{1,127}$/.test(v) ? undefined : '1-127 letters, digits and hyphens (a Key Vault secret name)');

/** A non-root container with every capability dropped cannot bind below 1024. */
export const port: Rule<number> = (v) =>
  Number.isInteger(v) && v >= 1024 && v <= 65535
    ? undefined
    : 'a port from 1024 to 65535 (the container runs as non-root with all capabilities dropped)';

export function integerRange(min: number, max: number): Rule<number> {
  return (v) => (Number.isInteger(v) && v >= min && v <= max ? undefined : `a whole number from ${min} to ${max}`);
}

export const adoOrganizationUrl: Rule<string> = (v) =>
  basicString(v) ??
  (/^https:\/\/dev\.azure\.com\/[A-Za-z0-9]([A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/.test(v) ||
  /^https:\/\/[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?\.visualstudio\.com$/.test(v)
    ? undefined
    : 'https://dev.azure.com/<organization> (or https://<organization>.visualstudio.com), without a trailing slash');

/** Azure DevOps project names: no \ / : * ? " < > ; # $ { } , + = [ ] | and not starting with _ or . */
export const adoProject: Rule<string> = (v) =>
  basicString(v) ??
  (/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(v) && !v.endsWith('.')
    ? undefined
    : '1-64 letters, digits, spaces, dots, underscores and hyphens, starting with a letter or digit and not ending with a dot');

export const serviceConnectionName: Rule<string> = (v) =>
  basicString(v) ??
  (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v)
    ? undefined
    : '1-64 letters, digits, dots, underscores and hyphens, starting with a letter or digit');

/** The agent pool's name is the Managed DevOps Pool resource name and the Azure DevOps pool name. */
export const agentPoolName: Rule<string> = (v) =>
  basicString(v) ??
  (/^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$/.test(v) && !v.includes('--')
    ? undefined
    : '3-44 lowercase letters, digits and single hyphens, starting and ending with a letter or digit');

export function oneOf<T extends string>(choices: readonly T[]): Rule<string> {
  return (v) => (choices.includes(v as T) ? undefined : `one of ${choices.join(', ')}`);
}

/** Close matches for did-you-mean messages (Levenshtein distance). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
