// `--validate`: after the files are written, `bicep build` of infra/main.bicep (and `bicep build-params`
// of the parameter file when the values it reads from the environment are set) and `kubectl kustomize`
// of every overlay, on the files as they are on disk, with whichever of the tools is installed. A tool
// that is not installed is reported and skipped, never a failure; a tool that reports an error is.
// execa is loaded only when a tool actually runs.
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type ValidationTool = 'bicep' | 'kubectl';

export interface ValidationStep {
  tool: ValidationTool;
  /** What ran (or would have), as a user would type it. */
  command: string;
  status: 'passed' | 'failed' | 'missing' | 'skipped';
  /** Why it was skipped or missing, or the tool's error output. */
  detail?: string;
}

export interface ValidationReport {
  /** False when a tool reported an error; missing tools and skipped steps do not count. */
  ok: boolean;
  steps: ValidationStep[];
}

type Env = Record<string, string | undefined>;

const INSTALL: Record<ValidationTool, string> = {
  bicep: 'install the Bicep CLI (az bicep install) or set BICEP_PATH',
  kubectl: 'install kubectl (az aks install-cli) or set KUBECTL_PATH',
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a tool is: `BICEP_PATH`/`KUBECTL_PATH` when set (and nowhere else then), else the first on PATH,
 * else, for bicep, the copy `az bicep install` keeps in ~/.azure/bin.
 */
export function findTool(tool: ValidationTool, env: Env = process.env): string | undefined {
  const explicit = env[`${tool.toUpperCase()}_PATH`];
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, tool))) return join(dir, tool);
  }
  if (tool === 'bicep' && env.HOME) {
    const azureCopy = join(env.HOME, '.azure', 'bin', 'bicep');
    if (executable(azureCopy)) return azureCopy;
  }
  return undefined;
}

/** The tools --validate would use, for the interactive prompt. */
export function availableTools(env: Env = process.env): ValidationTool[] {
  return (['bicep', 'kubectl'] as const).filter((tool) => findTool(tool, env) !== undefined);
}

export interface ValidateOptions {
  /** The environment label: infra/<environment>.bicepparam. */
  environment: string;
  /** Environment variables the parameter file reads; build-params runs only when all are set. */
  parameterVariables: readonly string[];
  env?: Env;
  /** Per command, in milliseconds. */
  timeout?: number;
}

/** The lines of a tool's output worth showing: all of a short output, else the error lines; at most 20. */
function excerpt(output: string): string {
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== '');
  const errors = lines.filter((line) => /error/i.test(line));
  return (lines.length <= 20 || errors.length === 0 ? lines : errors).slice(0, 20).join('\n');
}

export async function validateOutput(root: string, options: ValidateOptions): Promise<ValidationReport> {
  const env = options.env ?? process.env;
  const timeout = options.timeout ?? 300_000;
  const bicep = findTool('bicep', env);
  const kubectl = findTool('kubectl', env);
  const paramsFile = `infra/${options.environment}.bicepparam`;
  const overlaysDir = join(root, 'k8s', 'overlays');
  const overlays = existsSync(overlaysDir)
    ? readdirSync(overlaysDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(overlaysDir, entry.name, 'kustomization.yaml')))
        .map((entry) => `k8s/overlays/${entry.name}`)
        .sort()
    : [];

  const run = async (tool: ValidationTool, path: string, args: string[], extraEnv: Env = {}): Promise<ValidationStep> => {
    const command = `${tool} ${args.join(' ')}`;
    const { execa } = await import('execa');
    const result = await execa(path, args, { cwd: root, reject: false, timeout, env: { ...env, ...extraEnv }, extendEnv: false });
    if (result.exitCode === 0) return { tool, command, status: 'passed' };
    const reason = result.timedOut ? `timed out after ${timeout / 1000} s` : excerpt(`${result.stderr}\n${result.stdout}`) || `exit code ${result.exitCode}`;
    return { tool, command, status: 'failed', detail: reason };
  };

  const pending: Array<Promise<ValidationStep>> = [];
  if (existsSync(join(root, 'infra', 'main.bicep'))) {
    if (bicep) {
      pending.push(run('bicep', bicep, ['build', 'infra/main.bicep', '--stdout']));
      const unset = options.parameterVariables.filter((name) => !env[name]);
      if (unset.length === 0) pending.push(run('bicep', bicep, ['build-params', paramsFile, '--stdout']));
      else {
        pending.push(Promise.resolve({
          tool: 'bicep',
          command: `bicep build-params ${paramsFile}`,
          status: 'skipped',
          detail: `it reads ${unset.join(', ')} from the environment; set them to check it too`,
        }));
      }
    } else {
      pending.push(Promise.resolve({ tool: 'bicep', command: 'bicep build infra/main.bicep', status: 'missing', detail: `bicep is not installed: ${INSTALL.bicep}` }));
    }
  }
  for (const overlay of overlays) {
    pending.push(
      kubectl
        ? run('kubectl', kubectl, ['kustomize', overlay])
        : Promise.resolve({ tool: 'kubectl', command: `kubectl kustomize ${overlay}`, status: 'missing', detail: `kubectl is not installed: ${INSTALL.kubectl}` }),
    );
  }
  const steps = await Promise.all(pending);
  return { ok: steps.every((step) => step.status !== 'failed'), steps };
}

/** The report as the generator prints it. */
export function formatReport(report: ValidationReport): string {
  const lines = ['', 'Validation:'];
  for (const step of report.steps) {
    lines.push(`  ${step.status.padEnd(8)} ${step.command}${step.detail && step.status !== 'failed' ? ` (${step.detail})` : ''}`);
    if (step.status === 'failed' && step.detail) lines.push(...step.detail.split('\n').map((line) => `             ${line}`));
  }
  const missing = [...new Set(report.steps.filter((s) => s.status === 'missing').map((s) => s.tool))];
  if (missing.length > 0) lines.push(`  Not checked: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed (not an error).`);
  lines.push(report.ok ? '  The output is valid.' : '  Validation failed: the files were written, fix the errors above (exit code 1).');
  return `${lines.join('\n')}\n`;
}
