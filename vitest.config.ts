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
    // yeoman-test's mock prompt stream is aborted after each run; on Node 24.22 that surfaces as an
    // unhandled ABORT_ERR although every test passed. Ignore exactly that error, nothing else.
    onUnhandledError(error) {
      const e = error as { name?: string; code?: string };
      if (e.code === 'ABORT_ERR' || e.name === 'AbortError') return false;
      return true;
    },
  },
});
