// The real Bicep CLI on a generated infra/ tree, and the compiled ARM JSON as a flat list of resources.
//
//   compileInfra(files)     writes the infra/ tree to a temp folder and, through one long-lived
//                           `bicep jsonrpc` process (the CLI's own compiler, without paying its start-up
//                           per call; in `vitest run`, one for the whole run: test/helpers/bicep-broker.ts), compiles the .bicepparam as `bicep build-params` does: the
//                           parameters, main.bicep's template and every compiler and linter diagnostic
//                           of every file (what `bicep build` and `bicep lint` report); without a
//                           .bicepparam, main.bicep alone. Then formats every file as `bicep format`.
//                           Cached by tree content: each distinct tree once per test run (shared by the
//                           test files of one `vitest run` through a temp folder).
//   bicepCli(args, cwd)     runs a CLI command itself (for the checks that must go through the CLI).
//   armResources(template)  every resource of a compiled template, nested deployments included, with
//                           parameters, variables, copy loops and the simple functions evaluated.
//
// The deploy-time values the .bicepparam reads from the environment are set to SAMPLE_DEPLOY_ENV.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { findTool } from './tools.ts';
import { publish, runCache } from './run-cache.ts';

/** Values for the environment variables the .bicepparam files read (none is a secret). */
export const SAMPLE_DEPLOY_ENV: Record<string, string> = {
  AKS_ADMIN_GROUP_OBJECT_IDS: '11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222',
  DEVOPS_INFRASTRUCTURE_OBJECT_ID: '33333333-3333-3333-3333-333333333333',
  AGENT_SSH_PUBLIC_KEY: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 test@example',
};

export interface BicepDiagnostic {
  /** Path relative to the tree root, e.g. infra/modules/aks.bicep. */
  file: string;
  line: number;
  column: number;
  level: string;
  code: string;
  message: string;
}

export interface CompiledInfra {
  /** The temp folder holding the tree (infra/ inside). */
  dir: string;
  template: ArmTemplate;
  /** Parameter values of the .bicepparam (build-params), by name. */
  parameters: Record<string, unknown>;
  /** Compiler and linter diagnostics of main.bicep, every file it uses and the .bicepparam file. */
  diagnostics: BicepDiagnostic[];
  /** Those of the .bicepparam file itself. */
  paramDiagnostics: BicepDiagnostic[];
  /** Files whose content differs from `bicep format`'s output: path -> formatted text. */
  unformatted: Map<string, string>;
}

export type ArmTemplate = Record<string, unknown> & {
  parameters?: Record<string, { defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: Record<string, ArmRaw> | ArmRaw[];
  outputs?: Record<string, unknown>;
};
type ArmRaw = Record<string, unknown>;

export function formatDiagnostics(diagnostics: readonly BicepDiagnostic[]): string {
  return diagnostics.map((d) => `${d.file}(${d.line},${d.column}) ${d.level} ${d.code}: ${d.message}`).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The bicep jsonrpc session (the run's shared process, else one per process; started on first use).

interface RpcDiagnostic {
  source: string;
  range: { start: { line: number; char: number } };
  level: string;
  code: string;
  message: string;
}

/** Splits a byte stream into Content-Length framed messages (the framing of `bicep jsonrpc`). */
export class Framer {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly onMessage: (body: string) => void;

  constructor(onMessage: (body: string) => void) {
    this.onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString();
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.onMessage(body);
    }
  }
}

export function frame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/**
 * JSON-RPC requests to `bicep jsonrpc`: through the run's shared process (test/helpers/bicep-broker.ts,
 * over its Unix socket) inside `vitest run`, else through a process of its own.
 */
class BicepSession {
  private readonly child: ChildProcessWithoutNullStreams | undefined;
  private readonly socket: Socket | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';

  constructor(target: { bicepPath: string } | { broker: string }) {
    const framer = new Framer((body) => this.receive(body));
    const fail = (why: string) => {
      for (const { reject } of this.pending.values()) reject(new Error(why));
      this.pending.clear();
    };
    if ('broker' in target) {
      this.socket = connect(target.broker);
      this.socket.on('data', (chunk: Buffer) => framer.push(chunk));
      this.socket.on('error', (error) => fail(`bicep jsonrpc broker ${target.broker}: ${error.message}`));
      this.socket.on('close', () => fail(`bicep jsonrpc broker ${target.broker} closed the connection`));
      // Never keep a test worker alive.
      this.socket.unref();
      return;
    }
    this.child = spawn(target.bicepPath, ['jsonrpc', '--stdio'], { env: { ...process.env, ...SAMPLE_DEPLOY_ENV } });
    this.child.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', (code) => fail(`bicep jsonrpc exited (${code}): ${this.stderr}`));
    // Never keep a test worker alive, and never leave the process behind.
    this.child.unref();
    for (const stream of [this.child.stdout, this.child.stderr, this.child.stdin] as unknown as { unref?: () => void }[]) stream.unref?.();
    process.once('exit', () => this.child?.kill());
  }

  private receive(body: string): void {
    const message = JSON.parse(body) as { id: number; result?: unknown; error?: { message: string } };
    const waiter = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(`bicep jsonrpc: ${message.error.message}`));
    else waiter?.resolve(message.result);
  }

  call<T>(method: string, params: unknown): Promise<T> {
    const id = ++this.nextId;
    const text = frame(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.socket) this.socket.write(text);
      else this.child!.stdin.write(text);
    });
  }

  close(): void {
    this.child?.kill();
    this.socket?.destroy();
  }
}

let session: Promise<BicepSession> | undefined;

/** The run's shared `bicep jsonrpc` (test/helpers/bicep-broker.ts) when this is a vitest worker of a run that has one. */
async function brokerPath(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  try {
    const { inject } = await import('vitest');
    return inject('bicepBroker') || undefined;
  } catch {
    return undefined;
  }
}

function bicepSession(): Promise<BicepSession> {
  const path = findTool('bicep');
  if (!path) throw new Error('bicep is not installed (scripts/install-bicep.sh)');
  session ??= brokerPath().then((broker) => new BicepSession(broker ? { broker } : { bicepPath: path }));
  return session;
}

/** One request to the shared `bicep jsonrpc` process (its environment has SAMPLE_DEPLOY_ENV). */
export async function bicepRpc<T>(method: string, params: unknown): Promise<T> {
  return (await bicepSession()).call<T>(method, params);
}

/** Stops the jsonrpc process, or leaves the run's shared one (optional: it also stops when the test process exits). */
export function closeBicep(): void {
  void session?.then((s) => s.close());
  session = undefined;
}

function toDiagnostics(root: string, diagnostics: readonly RpcDiagnostic[]): BicepDiagnostic[] {
  return diagnostics.map((d) => ({
    file: relative(root, d.source).split('\\').join('/'),
    line: d.range.start.line + 1,
    column: d.range.start.char + 1,
    level: d.level,
    code: d.code,
    message: d.message,
  }));
}

// ---------------------------------------------------------------------------------------------------
// Compiling a generated tree.

const compiled = new Map<string, Promise<CompiledInfra>>();

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Writes the tree's infra/ files to a new temp folder; `overrides` replace or add files. */
export function writeInfra(files: ReadonlyMap<string, string>, overrides: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'secure-aks-infra-'));
  const entries = [...files].filter(([path]) => path.startsWith('infra/'));
  for (const [path, content] of [...entries, ...Object.entries(overrides)]) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/**
 * Compiles, lints and formats the infra/ files of a rendered tree once per distinct content.
 * `overrides` (e.g. a stricter bicepconfig.json) are part of the cache key.
 */
export function compileInfra(files: ReadonlyMap<string, string>, overrides: Record<string, string> = {}): Promise<CompiledInfra> {
  const hash = createHash('sha256');
  hash.update(`${findTool('bicep') ?? 'no bicep'}\0${CACHE_FORMAT}\0`);
  for (const [path, content] of [...files].filter(([p]) => p.startsWith('infra/')).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${path}\0${content}\0`);
  }
  hash.update(JSON.stringify(overrides));
  const key = hash.digest('hex');
  let result = compiled.get(key);
  if (!result) {
    result = shared(key, files, overrides);
    compiled.set(key, result);
  }
  return result;
}

// Test files run in separate worker processes of one `vitest run`; a tree several files compile (the
// default one, at least) is compiled by the first and read by the others from a folder named after
// the run (the workers' parent process), so every run still compiles each distinct tree once.
const CACHE_FORMAT = 1;
const RUN_CACHE = runCache('bicep');

interface CacheEntry extends Omit<CompiledInfra, 'unformatted'> {
  unformatted: [string, string][];
}

async function shared(key: string, files: ReadonlyMap<string, string>, overrides: Record<string, string>): Promise<CompiledInfra> {
  mkdirSync(RUN_CACHE, { recursive: true });
  const entry = join(RUN_CACHE, `${key}.json`);
  const lock = join(RUN_CACHE, `${key}.lock`);
  const read = (): CompiledInfra | undefined => {
    if (!existsSync(entry)) return undefined;
    const cached = JSON.parse(readFileSync(entry, 'utf8')) as CacheEntry;
    const dir = existsSync(cached.dir) ? cached.dir : writeInfra(files, overrides);
    return { ...cached, dir, unformatted: new Map(cached.unformatted) };
  };
  let owner = false;
  try {
    closeSync(openSync(lock, 'wx'));
    owner = true;
  } catch {
    // Another worker compiles this tree: wait for its result (or compile after 5 minutes without one).
    for (let waited = 0; waited < 300_000 && !existsSync(entry); waited += 200) await new Promise((r) => setTimeout(r, 200));
  }
  if (!owner) {
    const cached = read();
    if (cached) return cached;
  }
  const result = await compile(files, overrides);
  const serialised: CacheEntry = { ...result, unformatted: [...result.unformatted] };
  publish(entry, JSON.stringify(serialised));
  return result;
}

/**
 * `bicep format` of one file, once per distinct content and bicepconfig.json (its formatting options)
 * in the whole run: most modules are the same in every tree, and the one jsonrpc process serves every
 * worker, so formatting each tree's copy of them again was most of its requests (275 in a run, 16 per tree).
 */
const formats = new Map<string, Promise<string>>();

function formatOnce(rpc: BicepSession, path: string, config: string): Promise<string> {
  const content = readFileSync(path, 'utf8');
  const key = createHash('sha256').update(`${CACHE_FORMAT}\0${path.endsWith('.bicepparam') ? 'param' : 'bicep'}\0${config}\0${content}`).digest('hex');
  let result = formats.get(key);
  if (!result) {
    const entry = join(RUN_CACHE, `format-${key}.bicep`);
    result = existsSync(entry)
      ? Promise.resolve(readFileSync(entry, 'utf8'))
      : rpc.call<{ contents: string }>('bicep/format', { path }).then(({ contents }) => {
          publish(entry, contents);
          return contents;
        });
    formats.set(key, result);
  }
  return result;
}

async function compile(files: ReadonlyMap<string, string>, overrides: Record<string, string>): Promise<CompiledInfra> {
  const rpc = await bicepSession();
  const dir = writeInfra(files, overrides);
  const infra = join(dir, 'infra');
  const paramFile = listFiles(infra).find((f) => f.endsWith('.bicepparam'));
  const sources = listFiles(infra).filter((f) => f.endsWith('.bicep') || f.endsWith('.bicepparam'));
  // With a .bicepparam file, compiling it compiles main.bicep and every module too (as `bicep
  // build-params` does): one compilation yields the template, the parameters and every diagnostic.
  type Compiled = { success: boolean; diagnostics: RpcDiagnostic[]; template?: string; parameters?: string };
  const compilation: Promise<Compiled> = paramFile
    ? rpc.call<Compiled>('bicep/compileParams', { path: paramFile, parameterOverrides: {} })
    : rpc
        .call<{ success: boolean; diagnostics: RpcDiagnostic[]; contents?: string }>('bicep/compile', { path: join(infra, 'main.bicep') })
        .then((r) => ({ success: r.success, diagnostics: r.diagnostics, template: r.contents }));
  const config = overrides['infra/bicepconfig.json'] ?? files.get('infra/bicepconfig.json') ?? '';
  const [main, ...formatted] = await Promise.all([
    compilation,
    ...sources.map((path) => formatOnce(rpc, path, config).then((contents) => ({ path, contents }))),
  ]);
  const unformatted = new Map<string, string>();
  for (const { path, contents } of formatted) {
    const rel = relative(dir, path).split('\\').join('/');
    const original = overrides[rel] ?? files.get(rel);
    if (contents !== original) unformatted.set(rel, contents);
  }
  const parameters: Record<string, unknown> = {};
  if (main.parameters) {
    const parsed = JSON.parse(main.parameters) as { parameters: Record<string, { value: unknown }> };
    for (const [name, { value }] of Object.entries(parsed.parameters)) parameters[name] = value;
  }
  const diagnostics = toDiagnostics(dir, main.diagnostics);
  return {
    dir,
    template: (main.template ? JSON.parse(main.template) : { resources: {} }) as ArmTemplate,
    parameters,
    diagnostics,
    paramDiagnostics: diagnostics.filter((d) => d.file.endsWith('.bicepparam')),
    unformatted,
  };
}

/** The infra/ files of a repository on disk, as path -> content (for compileInfra). */
export function infraOnDisk(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of listFiles(join(root, 'infra'))) files.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  return files;
}

/**
 * The errors `bicep build` and `bicep lint` of infra/main.bicep fail on (what the generator's
 * self-check runs them for, without the parameter file, whose variables it has unset), from a compilation.
 */
export function mainErrors(compiled: CompiledInfra): BicepDiagnostic[] {
  return compiled.diagnostics.filter((d) => d.level.toLowerCase() === 'error' && !d.file.endsWith('.bicepparam'));
}

/** Runs the Bicep CLI itself: `bicepCli(['lint', 'infra/main.bicep'], dir)`. Never throws on a non-zero exit. */
export async function bicepCli(args: string[], cwd: string, env: Record<string, string> = SAMPLE_DEPLOY_ENV) {
  const path = findTool('bicep');
  if (!path) throw new Error('bicep is not installed (scripts/install-bicep.sh)');
  return execa(path, args, { cwd, env: { ...process.env, ...env }, reject: false, timeout: 180_000 });
}

/** Parses the CLI's text diagnostics: `path(line,col) : Level CODE: message`. */
export function parseCliDiagnostics(output: string, root: string): BicepDiagnostic[] {
  const found: BicepDiagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.*)\((\d+),(\d+)\) : (\w+) ([\w-]+): (.*)$/.exec(line.trim());
    if (m) {
      found.push({
        file: existsSync(m[1]!) ? relative(root, m[1]!).split('\\').join('/') : m[1]!,
        line: Number(m[2]),
        column: Number(m[3]),
        level: m[4]!,
        code: m[5]!,
        message: m[6]!,
      });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// A small evaluator of ARM template expressions: enough to make literal what a compile leaves as
// parameters(...), variables(...), format(...), replace(...), guid(...) (a stable stand-in value),
// resourceId(...), loops and conditions. Runtime values (reference(), tenant(), lambdas...) stay as
// the expression text.

/** Thrown when an expression depends on something only known during a deployment. */
class Unresolved extends Error {}

export const FAKE_SCOPE = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-under-test',
  location: 'westeurope',
};

interface Scope {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  copyIndex?: number;
  deploymentName: string;
  /** Values of the lambda variables in scope (map, filter, toObject...). */
  lambdaVariables?: Record<string, unknown>;
}

interface Lambda {
  lambda: true;
  names: string[];
  body: Node;
  scope: Scope;
}

function applyLambda(fn: unknown, ...values: unknown[]): unknown {
  const lambda = fn as Lambda;
  if (!lambda || lambda.lambda !== true) throw new Unresolved('not a lambda');
  const bound = Object.fromEntries(lambda.names.map((n, i) => [n, values[i]]));
  return evaluateNode(lambda.body, { ...lambda.scope, lambdaVariables: { ...lambda.scope.lambdaVariables, ...bound } });
}

type Token = { kind: 'str' | 'num' | 'id' | 'punct'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Unresolved('unterminated string');
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push({ kind: 'str', value });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+/.exec(text.slice(i))!;
      tokens.push({ kind: 'num', value: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w.]*/.exec(text.slice(i))!;
      // a.b after an identifier is property access, not part of the name
      const name = m[0].split('.')[0]!;
      tokens.push({ kind: 'id', value: name });
      i += name.length;
    } else {
      tokens.push({ kind: 'punct', value: c });
      i++;
    }
  }
  return tokens;
}

type Node =
  | { kind: 'lit'; value: unknown }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'prop'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

function parse(tokens: Token[]): Node {
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (value: string) => {
    if (peek()?.value !== value) throw new Unresolved(`expected ${value}`);
    pos++;
  };
  const primary = (): Node => {
    const t = tokens[pos++];
    if (!t) throw new Unresolved('unexpected end');
    if (t.kind === 'str') return { kind: 'lit', value: t.value };
    if (t.kind === 'num') return { kind: 'lit', value: Number(t.value) };
    if (t.kind === 'id') {
      expect('(');
      const args: Node[] = [];
      while (peek()?.value !== ')') {
        args.push(expression());
        if (peek()?.value === ',') pos++;
      }
      expect(')');
      return { kind: 'call', name: t.value.toLowerCase(), args };
    }
    throw new Unresolved(`unexpected ${t.value}`);
  };
  const expression = (): Node => {
    let node = primary();
    for (;;) {
      if (peek()?.value === '.') {
        pos++;
        node = { kind: 'prop', target: node, name: tokens[pos++]!.value };
      } else if (peek()?.value === '[') {
        pos++;
        node = { kind: 'index', target: node, index: expression() };
        expect(']');
      } else return node;
    }
  };
  const node = expression();
  if (pos !== tokens.length) throw new Unresolved('trailing tokens');
  return node;
}

function fakeGuid(...parts: unknown[]): string {
  const h = createHash('sha1').update(JSON.stringify(parts)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function resourcePath(type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (types.length !== names.length) throw new Unresolved(`resourceId(${type}) with ${names.length} names`);
  return `providers/${namespace}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
}

function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

function evaluateNode(node: Node, scope: Scope): unknown {
  switch (node.kind) {
    case 'lit':
      return node.value;
    case 'prop': {
      const target = evaluateNode(node.target, scope) as Record<string, unknown> | undefined;
      if (target === null || typeof target !== 'object' || !(node.name in target)) throw new Unresolved(`.${node.name}`);
      return resolveValue(target[node.name], scope);
    }
    case 'index': {
      const target = evaluateNode(node.target, scope) as Record<string, unknown>;
      const index = evaluateNode(node.index, scope) as string | number;
      if (target === null || typeof target !== 'object' || !(index in target)) throw new Unresolved(`[${index}]`);
      return resolveValue(target[index as string], scope);
    }
    case 'call':
      return callFunction(node.name, node.args, scope);
  }
}

function callFunction(name: string, argNodes: Node[], scope: Scope): unknown {
  const args = () => argNodes.map((a) => evaluateNode(a, scope));
  const rg = `/subscriptions/${FAKE_SCOPE.subscriptionId}/resourceGroups/${FAKE_SCOPE.resourceGroup}`;
  switch (name) {
    case 'parameters': {
      const [key] = args() as [string];
      if (!(key in scope.parameters)) throw new Unresolved(`parameter ${key}`);
      return resolveValue(scope.parameters[key], scope);
    }
    case 'variables': {
      const [key] = args() as [string];
      if (!(key in scope.variables)) throw new Unresolved(`variable ${key}`);
      return resolveValue(scope.variables[key], scope);
    }
    case 'lambda': {
      const names = argNodes.slice(0, -1).map((a) => evaluateNode(a, scope) as string);
      return { lambda: true, names, body: argNodes.at(-1)!, scope } satisfies Lambda;
    }
    case 'lambdavariables': {
      const [key] = args() as [string];
      if (!scope.lambdaVariables || !(key in scope.lambdaVariables)) throw new Unresolved(`lambda variable ${key}`);
      return scope.lambdaVariables[key];
    }
    case 'map': {
      const [items, fn] = args() as [unknown[], unknown];
      return items.map((item, i) => applyLambda(fn, item, i));
    }
    case 'filter': {
      const [items, fn] = args() as [unknown[], unknown];
      return items.filter((item, i) => applyLambda(fn, item, i));
    }
    case 'toobject': {
      const [items, keyFn, valueFn] = args() as [unknown[], unknown, unknown?];
      return Object.fromEntries(items.map((item) => [applyLambda(keyFn, item), valueFn ? applyLambda(valueFn, item) : item]));
    }
    case 'range': {
      const [start, count] = args() as [number, number];
      return [...Array(count).keys()].map((i) => start + i);
    }
    case 'split': {
      const [text, separator] = args() as [string, string];
      return text.split(separator);
    }
    case 'copyindex': {
      if (scope.copyIndex === undefined) throw new Unresolved('copyIndex outside a loop');
      const [offset] = args() as [number?];
      return scope.copyIndex + (offset ?? 0);
    }
    case 'format': {
      const [fmt, ...rest] = args() as [string, ...unknown[]];
      return fmt.replace(/\{(\d+)\}/g, (_, n: string) => String(rest[Number(n)]));
    }
    case 'concat': {
      const values = args();
      return Array.isArray(values[0]) ? values.flat() : values.map(String).join('');
    }
    case 'length': {
      const [v] = args() as [string | unknown[] | Record<string, unknown>];
      return typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : v.length;
    }
    case 'empty': {
      const [v] = args() as [unknown];
      return v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0);
    }
    case 'not':
      return !(args()[0] as boolean);
    case 'and':
      return args().every(Boolean);
    case 'or':
      return args().some(Boolean);
    case 'equals': {
      const [a, b] = args();
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'if': {
      const cond = evaluateNode(argNodes[0]!, scope);
      return evaluateNode(argNodes[cond ? 1 : 2]!, scope);
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'createarray':
      return args();
    case 'createobject': {
      const values = args();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i += 2) out[values[i] as string] = values[i + 1];
      return out;
    }
    case 'union': {
      const values = args();
      if (values.every(Array.isArray)) return [...new Set((values as unknown[][]).flat().map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v));
      return Object.assign({}, ...values);
    }
    case 'tolower':
      return String(args()[0]).toLowerCase();
    case 'replace': {
      const [text, oldString, newString] = args() as [string, string, string];
      return text.split(oldString).join(newString);
    }
    case 'string':
      return String(args()[0]);
    case 'int':
      return Number(args()[0]);
    case 'guid':
      return fakeGuid(...args());
    case 'uniquestring':
      return createHash('sha1').update(JSON.stringify(args())).digest('hex').slice(0, 13);
    case 'resourcegroup':
      return { id: rg, name: FAKE_SCOPE.resourceGroup, location: FAKE_SCOPE.location };
    case 'subscription':
      return { id: `/subscriptions/${FAKE_SCOPE.subscriptionId}`, subscriptionId: FAKE_SCOPE.subscriptionId };
    case 'deployment':
      return { name: scope.deploymentName };
    case 'resourceid': {
      const [type, ...names] = args() as string[];
      return `${rg}/${resourcePath(type!, names)}`;
    }
    case 'subscriptionresourceid': {
      const [type, ...names] = args() as string[];
      return `/subscriptions/${FAKE_SCOPE.subscriptionId}/${resourcePath(type!, names)}`;
    }
    case 'extensionresourceid': {
      const [base, type, ...names] = args() as string[];
      return `${base}/${resourcePath(type!, names)}`;
    }
    default:
      // reference(), list*(), tenant(), environment(), lambdas...: only known during a deployment.
      throw new Unresolved(name);
  }
}

/** Evaluates an ARM expression string; returns the text unchanged when it depends on deployment time. */
export function evaluate(value: string, scope: Scope): unknown {
  if (!isExpression(value)) return (value as string).startsWith('[[') ? (value as string).slice(1) : value;
  try {
    return evaluateNode(parse(tokenize(value.slice(1, -1))), scope);
  } catch (error) {
    if (error instanceof Unresolved) return value;
    throw error;
  }
}

function resolveValue(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return evaluate(value, scope);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [String(evaluate(k, scope)), resolveValue(v, scope)]));
  }
  return value;
}

/** True when a value (after resolution) is still an unresolved ARM expression. */
export function isUnresolved(value: unknown): boolean {
  return isExpression(value);
}

// ---------------------------------------------------------------------------------------------------
// Walking a compiled template.

export interface ArmResource {
  type: string;
  apiVersion: string;
  /** Resolved name (e.g. 'vnet-contoso-dev/snet-aks-nodes' for a child), or the expression. */
  name: string;
  /** Resolved resource ID under FAKE_SCOPE, when the name resolves. */
  id?: string;
  /** Resolved scope of an extension resource (role assignments, diagnostic settings...). */
  scope?: string;
  location?: unknown;
  sku?: Record<string, unknown>;
  kind?: unknown;
  zones?: unknown;
  identity?: Record<string, unknown>;
  tags?: unknown;
  /** Resolved properties (runtime-only values stay as expression text). */
  properties: Record<string, unknown>;
  /** Symbolic name (languageVersion 2.0) or array index. */
  symbol: string;
  /** Module path, outermost first: e.g. ['aks'] for a resource of modules/aks.bicep. */
  modules: string[];
  existing: boolean;
  /** The resource's condition: true, false, or the unresolved expression. */
  condition: unknown;
  /** Set for the instances of a copy loop whose count resolved, or 'unresolved' when it did not. */
  copyIndex?: number | 'unresolved';
  /** @batchSize of its loop. */
  batchSize?: number;
  /** `@options` (e.g. { onlyIfNotExists: [] }). */
  options?: Record<string, unknown>;
  raw: ArmRaw;
}

export interface WalkOptions {
  /** Values of the root template's parameters (e.g. CompiledInfra.parameters); defaults fill the rest. */
  parameters?: Record<string, unknown>;
  /** Include `existing` references (default false). */
  includeExisting?: boolean;
}

function rawResources(template: ArmTemplate): [string, ArmRaw][] {
  const resources = template.resources;
  return Array.isArray(resources) ? resources.map((r, i) => [String(i), r]) : Object.entries(resources);
}

function templateScope(template: ArmTemplate, given: Record<string, unknown>, deploymentName: string): Scope {
  const parameters: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(template.parameters ?? {})) {
    if (name in given) parameters[name] = given[name];
    else if ('defaultValue' in definition) parameters[name] = definition.defaultValue;
  }
  const scope: Scope = { parameters, variables: {}, deploymentName };
  for (const [name, value] of Object.entries(template.variables ?? {})) {
    if (name === 'copy') continue;
    scope.variables[name] = value;
  }
  // Parameter defaults and variables may themselves be expressions: resolve them in this scope.
  for (const name of Object.keys(scope.parameters)) scope.parameters[name] = resolveValue(scope.parameters[name], scope);
  for (const name of Object.keys(scope.variables)) scope.variables[name] = resolveValue(scope.variables[name], scope);
  return scope;
}

function walk(template: ArmTemplate, given: Record<string, unknown>, modules: string[], options: WalkOptions, out: ArmResource[]): void {
  const scope = templateScope(template, given, modules.at(-1) ?? 'main');
  for (const [symbol, raw] of rawResources(template)) {
    const copy = raw.copy as { count: unknown; batchSize?: number } | undefined;
    const count = copy ? resolveValue(copy.count, scope) : undefined;
    const indices: (number | undefined | 'unresolved')[] = !copy ? [undefined] : typeof count === 'number' ? [...Array(count).keys()] : ['unresolved'];
    for (const index of indices) {
      const instanceScope: Scope = { ...scope, copyIndex: typeof index === 'number' ? index : undefined };
      const resolve = (v: unknown) => resolveValue(v, instanceScope);
      const existing = raw.existing === true;
      if (existing && !options.includeExisting) continue;
      const name = String(resolve(raw.name));
      const type = String(raw.type);
      let id: string | undefined;
      if (!isUnresolved(name)) {
        try {
          id = `/subscriptions/${FAKE_SCOPE.subscriptionId}/resourceGroups/${FAKE_SCOPE.resourceGroup}/${resourcePath(type, name.split('/'))}`;
        } catch {
          id = undefined;
        }
      }
      const resource: ArmResource = {
        type,
        apiVersion: String(raw.apiVersion),
        name,
        id,
        scope: raw.scope === undefined ? undefined : String(resolve(raw.scope)),
        location: resolve(raw.location),
        sku: resolve(raw.sku) as Record<string, unknown> | undefined,
        kind: resolve(raw.kind),
        zones: resolve(raw.zones),
        identity: resolve(raw.identity) as Record<string, unknown> | undefined,
        tags: resolve(raw.tags),
        properties: (resolve(raw.properties) ?? {}) as Record<string, unknown>,
        symbol,
        modules,
        existing,
        condition: raw.condition === undefined ? true : resolve(raw.condition),
        copyIndex: index,
        batchSize: copy?.batchSize,
        options: raw['@options'] as Record<string, unknown> | undefined,
        raw,
      };
      out.push(resource);
      const properties = raw.properties as { template?: ArmTemplate; parameters?: Record<string, { value?: unknown }> } | undefined;
      if (type.toLowerCase() === 'microsoft.resources/deployments' && properties?.template) {
        const inner: Record<string, unknown> = {};
        for (const [key, param] of Object.entries(properties.parameters ?? {})) {
          if (param && 'value' in param) inner[key] = resolve(param.value);
        }
        // A module's own expressions (e.g. outputs of sibling modules) stay unresolved inside it.
        for (const [key, value] of Object.entries(inner)) if (isUnresolved(value)) delete inner[key];
        walk(properties.template, inner, [...modules, symbol], options, out);
      }
    }
  }
}

/** The root template's parameter and variable values, resolved as far as a compile allows. */
export function templateValues(template: ArmTemplate, parameters: Record<string, unknown> = {}) {
  const scope = templateScope(template, parameters, 'main');
  return { parameters: scope.parameters, variables: scope.variables };
}

/** Every resource of a compiled template, nested deployments (modules) included, outermost first. */
export function armResources(template: ArmTemplate, options: WalkOptions = {}): ArmResource[] {
  const out: ArmResource[] = [];
  walk(template, options.parameters ?? {}, [], options, out);
  return out;
}

/** The resources of one type (case-insensitive), excluding nested deployments unless asked for. */
export function ofType(resources: readonly ArmResource[], type: string): ArmResource[] {
  return resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** Every `apiVersion` in a template, nested ones included (for "no preview versions"). */
export function apiVersions(template: ArmTemplate): string[] {
  return armResources(template, { includeExisting: true }).map((r) => `${r.type}@${r.apiVersion}`);
}
