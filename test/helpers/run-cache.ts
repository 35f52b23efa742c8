// Where the test workers of one `vitest run` share what one of them computed (generated repositories,
// compiled Bicep, snapshots, the compiled pipeline schema): a folder named after the run's main process,
// which is the workers' parent, with a subfolder per cache. test/helpers/global-setup.ts, which runs in
// that main process, names it (SECURE_AKS_RUN_FOLDER), makes its tmp/ subfolder the run's TMPDIR, and
// removes the whole folder when the run ends.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The folder of the run whose main process is `run` (this worker's run: its parent, which named it). */
export const runFolder = (run: number = process.ppid): string =>
  (run === process.ppid ? process.env.SECURE_AKS_RUN_FOLDER : undefined) ?? join(tmpdir(), `secure-aks-run-${run}`);

/** The folder of one cache of this worker's run (created by whoever writes to it first). */
export const runCache = (name: string): string => join(runFolder(), name);

/**
 * Writes one entry of a cache whole or not at all (a temporary name, then a rename): another worker
 * waiting for the entry never reads half of it.
 */
export function publish(entry: string, text: string): void {
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(`${entry}.tmp-${process.pid}`, text);
  renameSync(`${entry}.tmp-${process.pid}`, entry);
}
