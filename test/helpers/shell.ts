// Several processes started by one `sh` instead of one fork of the test worker each. With `isolate:
// false` a worker grows to hundreds of megabytes, and every process it spawns forks all of it (tens of
// milliseconds, during which the worker's own tests stand still); a shell forks cheaply.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ShellCommand {
  /** The program and its arguments. */
  argv: string[];
  /** Where it runs, relative to the shell's folder (default: that folder). */
  cwd?: string;
  /** Its whole environment (`env -i`); without it, the shell's (this process's). */
  env?: Record<string, string>;
}

export interface ShellRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** Runs the commands at once from one `sh` started in `root`; each one's exit code and output, in order. */
export async function runFromOneShell(root: string, commands: ShellCommand[]): Promise<ShellRun[]> {
  const out = mkdtempSync(join(tmpdir(), 'secure-aks-shell-'));
  try {
    const script = commands
      .map(({ argv, cwd = '.', env }, i) => {
        const program = [...(env ? ['env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : []), ...argv];
        const to = (ext: string) => quote(join(out, `${i}.${ext}`));
        return `{ (cd ${quote(cwd)} && exec ${program.map(quote).join(' ')}) > ${to('out')} 2> ${to('err')}; echo $? > ${to('rc')}; } &`;
      })
      .join('\n');
    await execFileAsync('sh', ['-c', `${script}\nwait`], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return commands.map(({ argv }, i) => {
      const read = (ext: string) => readFileSync(join(out, `${i}.${ext}`), 'utf8');
      const rc = read('rc').trim();
      if (!/^\d+$/.test(rc)) throw new Error(`${argv.join(' ')}: no exit code (${rc})`);
      return { exitCode: Number(rc), stdout: read('out'), stderr: read('err') };
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
