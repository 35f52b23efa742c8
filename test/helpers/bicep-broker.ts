// One `bicep jsonrpc` process for a whole `vitest run` (started by test/helpers/global-setup.ts).
//
// Each test file runs in a worker process of its own, and a `bicep jsonrpc` process costs seconds of
// .NET start-up and JIT before its first compilation is done; one per test file that compiles Bicep
// was most of what those files spent. Here the run's main process listens on a Unix socket (its path
// is provided to the workers as `bicepBroker`) and forwards each JSON-RPC request of every worker to
// one shared `bicep jsonrpc --stdio`, started on the first request, renumbering the ids on the way in
// and back so that answers reach the worker and request that asked. test/helpers/bicep.ts connects to
// it when it is there, and starts a process of its own when it is not (outside vitest).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { frame, Framer, SAMPLE_DEPLOY_ENV } from './bicep.ts';
import { findTool } from './tools.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** Path of the Unix socket of the run's shared `bicep jsonrpc` (empty when there is no Bicep CLI). */
    bicepBroker: string;
  }
}

/** Listens for the run's workers and provides the socket's path; returns how to stop. */
export function startBicepBroker(project: TestProject): () => void {
  const bicep = findTool('bicep');
  if (!bicep) {
    project.provide('bicepBroker', '');
    return () => {};
  }
  const path = join(tmpdir(), `secure-aks-bicep-broker-${process.pid}.sock`);
  rmSync(path, { force: true });
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr = '';
  let nextId = 0;
  /** Shared id -> the worker's socket and its own id. */
  const pending = new Map<number, { socket: Socket; id: unknown }>();

  const answer = (socket: Socket, id: unknown, error: string) => {
    if (!socket.destroyed) socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message: error } })));
  };

  const start = (): ChildProcessWithoutNullStreams => {
    const started = spawn(bicep, ['jsonrpc', '--stdio'], { env: { ...process.env, ...SAMPLE_DEPLOY_ENV } });
    const fromBicep = new Framer((body) => {
      const message = JSON.parse(body) as { id?: number };
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id!);
      if (!waiter.socket.destroyed) waiter.socket.write(frame(JSON.stringify({ ...message, id: waiter.id })));
    });
    started.stdout.on('data', (chunk: Buffer) => fromBicep.push(chunk));
    started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    started.on('exit', (code) => {
      if (child === started) child = undefined;
      for (const [id, { socket, id: own }] of pending) {
        answer(socket, own, `bicep jsonrpc exited (${code}): ${stderr}`);
        pending.delete(id);
      }
    });
    return started;
  };

  const server = createServer((socket) => {
    const fromWorker = new Framer((body) => {
      const message = JSON.parse(body) as { id: unknown };
      const id = ++nextId;
      pending.set(id, { socket, id: message.id });
      child ??= start();
      child.stdin.write(frame(JSON.stringify({ ...message, id })));
    });
    socket.on('data', (chunk: Buffer) => fromWorker.push(chunk));
    socket.on('error', () => socket.destroy());
  });
  server.listen(path);
  project.provide('bicepBroker', path);
  return () => {
    child?.kill();
    server.close();
    rmSync(path, { force: true });
  };
}
