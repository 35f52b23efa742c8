import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Once per run: the tools are checked, and one `bicep jsonrpc` process serves every worker.
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // A worker runs one test file after another in the same process, and the modules they import are
    // evaluated once per worker, not once per file: Node, yeoman-environment and the generator load
    // once, and the per-process caches of test/helpers (compiled trees, parsed files, the pipeline
    // schema) serve every file. No test file depends on starting in a fresh process: each restores
    // what it changes (the working directory, process.env, spies).
    isolate: false,
    // Two workers on a 2-core machine: much of a test's time is spent waiting on bicep, kubectl and
    // child processes, so the default (one fewer than the cores) leaves a core idle.
    maxWorkers: 2,
    // V8's mid-tier compiler (Maglev) has no size limit, unlike TurboFan (--max-optimized-bytecode-size):
    // once ajv's compiled validator of the 1.6 MB Azure Pipelines schema (test/helpers/pipeline.ts; its
    // functions are named validate<N>) runs hot, Maglev spends about 1.4 GB of native memory on it, which
    // the worker keeps for the rest of the run. Every process a test spawns after that forks a 2 GB
    // worker (tens of ms each). Those functions stay in the interpreter, baseline and TurboFan tiers.
    execArgv: ['--maglev-filter=-validate*'],
    // yeoman-test's mock prompt stream is aborted after each run; on Node 24.22 that surfaces as an
    // unhandled ABORT_ERR although every test passed. Ignore exactly that error, nothing else.
    onUnhandledError(error) {
      const e = error as { name?: string; code?: string };
      if (e.code === 'ABORT_ERR' || e.name === 'AbortError') return false;
      return true;
    },
  },
});
