// What both generators of this package share in their Yeoman run loop: options declared from the
// option specs, the stored answers under the package's name, and --validate after writing.
import Generator from 'yeoman-generator';
import type { Context } from '../plan/context.ts';
import type { OptionSpec } from '../answers/options.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../support/paths.ts';
import { formatReport, validateOutput } from '../output/validate.ts';

export abstract class SecureAksGenerator extends Generator {
  protected declareOptions(specs: readonly OptionSpec[]): void {
    for (const option of specs) {
      this.option(option.name, {
        type: option.type === 'boolean' ? Boolean : String,
        description: option.description,
        ...(option.alias ? { alias: option.alias } : {}),
      });
    }
  }

  /** The stored answers live under this package's name however the generator was loaded. */
  override rootGeneratorName(): string {
    return PACKAGE_NAME;
  }

  override rootGeneratorVersion(): string {
    return PACKAGE_VERSION;
  }

  /**
   * --validate on the files as written: a missing tool is reported, not a failure; a tool's error
   * fails the run (exit 1), the files staying written.
   */
  protected async _validateWritten(ctx: Context): Promise<void> {
    const report = await validateOutput(this.destinationRoot(), {
      environment: ctx.answers.environment,
      parameterVariables: ctx.docs.deployTimeVariables.map((v) => v.env),
    });
    this.log(formatReport(report));
    if (!report.ok) {
      const failed = report.steps.filter((s) => s.status === 'failed').map((s) => s.command);
      throw Object.assign(new Error(`--validate failed: ${failed.join('; ')} (the files were written)`), { name: 'ValidationError' });
    }
  }
}
