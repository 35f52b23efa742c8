// What both generators of this package share in their Yeoman run loop: options declared from the
// option specs, the stored answers under the package's name, and --validate after writing.
import Generator from 'yeoman-generator';
import type { OptionSpec } from '../answers/options.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../support/paths.ts';
import { formatStep, formatVerdict, validateOutput, VALIDATE_EXIT } from '../output/validate.ts';

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
   * --validate on the files as written, one line per check as it finishes: a missing tool is reported,
   * not a failure; a tool's error fails the run (exit 1), a check that times out makes it "not verified"
   * (exit 3), the files staying written either way.
   */
  protected async _validateWritten(): Promise<void> {
    this.log('\nValidation (the checks of scripts/validate.sh):');
    const report = await validateOutput(this.destinationRoot(), { onProgress: (step, index, total) => this.log(formatStep(step, index, total)) });
    this.log(`${formatVerdict(report)}\n`);
    if (report.verdict === 'valid') return;
    const failed = (status: string) => report.steps.filter((s) => s.status === status).map((s) => s.command);
    const message =
      report.verdict === 'invalid'
        ? `--validate failed: ${failed('invalid').join('; ')} (the files were written)`
        : `--validate could not finish: ${failed('slow').join('; ')} did not finish within ${report.timeout / 1000} s (too slow to check here, not found invalid; the files were written)`;
    throw Object.assign(new Error(message), { name: 'ValidationError', exitCode: VALIDATE_EXIT[report.verdict] });
  }
}
