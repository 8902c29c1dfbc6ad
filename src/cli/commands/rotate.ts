import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { STEPS } from '../../rotation/constants.js';
import type { StepName } from '../../rotation/constants.js';
import { createJsonLogger, silentLogger } from '../../shared/logger.js';
import { clientConfig, withAwsOptions } from '../support/aws.js';
import type { AwsOptions } from '../support/aws.js';
import { UsageError } from '../support/errors.js';
import { EXIT_CODES_HELP, ExitCode } from '../support/exit-codes.js';
import { runRotationLocally } from '../support/local-rotation.js';
import type { LocalRotationResult, LocalRotationStart, StepResult } from '../support/local-rotation.js';
import { err, exitWith, formatError, mark, out, printJson, reportFailure, timed } from '../support/output.js';
import { stepProgress } from '../support/progress.js';
import { TEMPLATE_NAMES } from '../support/templates.js';
import type { TemplateName } from '../support/templates.js';

interface RotateOptions extends AwsOptions {
  template?: TemplateName;
  /** A user's bundled file exporting `handler`, run instead of a template. */
  handler?: string;
  step?: StepName;
  token?: string;
  json?: boolean;
  verbose?: boolean;
}

function parseToken(value: string): string {
  if (value.length < 32 || value.length > 64) {
    throw new InvalidArgumentError('expected a ClientRequestToken of 32-64 characters (a UUID)');
  }
  return value;
}

const HOW_IT_RUNS = `
How it runs: the template's handler (the adapter and strategy the template deploys) runs here, and
is invoked with the four steps as Secrets Manager invokes a rotation function after RotateSecret.
Only the service can create the placeholder version RotateSecret makes, so the handler's own client
is shown the token as a version staged AWSPENDING, and rotation as enabled, until createSecret
writes that version (PutSecretValue staged AWSPENDING, as under AWS). Nothing else is simulated:
reads, writes and label moves go to Secrets Manager, password changes to your database. The
secret's rotation settings are left as they are (LastRotatedDate too: only the service sets it).

The handler: --template's; with --handler, your own bundle's (a file exporting \`handler\`); with
neither, the template the secret calls for (its engine; a masterarn means multi-user), named.

Without --token a new rotation starts with a fresh token (printed). Step by step:
  rotation-kit rotate app/db --template postgres-single-user --step createSecret
  rotation-kit rotate app/db --template postgres-single-user --step setSecret --token <token>
Every step is idempotent: after a failure, fix the cause and run again with the same --token.
Refused while another version holds AWSPENDING (an unfinished rotation), as RotateSecret refuses:
resume that rotation with --token <its version id>, or clear it with \`rotation-kit repair\`.

Database TLS: the secret's sslmode (or ssl) decides, default verify-full against Node's CAs; for
RDS, set ROTATION_KIT_CA_BUNDLE_FILE to the RDS CA bundle. No secret value is ever printed.
${EXIT_CODES_HELP}`;

function printStart(start: LocalRotationStart): void {
  out(`Rotating ${start.name} with ${start.template ? `the ${start.template} template` : 'your handler'}`);
  if (start.templateChosenBecause) out(`  template chosen from the secret: ${start.templateChosenBecause}`);
  out(`  handler: ${start.wiring}`);
  out(`  token:   ${start.token}${start.newToken ? ' (new rotation; the new version gets this id)' : ''}`);
  if (start.rotationEnabledStandIn) {
    out('  note:    rotation is not enabled on this secret; the handler runs as if RotateSecret had');
    out('           enabled it (the secret’s rotation settings stay as they are)');
  }
}

const progress = stepProgress();

function printStep(result: StepResult): void {
  progress.stop();
  out(`  ${mark(result.ok)} ${timed(result.step, result.ms, 40)}`);
  if (result.error) out(`      ${formatError(result.error)}`);
}

function printEnd(result: LocalRotationResult, options: RotateOptions, secretId: string): void {
  const source = options.handler ? `--handler ${options.handler}` : `--template ${result.template}`;
  const again = `rotation-kit rotate ${secretId} ${source} --token ${result.token}`;
  const failed = result.steps.find((step) => !step.ok);
  if (failed) {
    out(`Step ${failed.step} failed. Fix the cause, then retry (steps are idempotent):`);
    out(`  ${again}${options.step ? ` --step ${failed.step}` : ''}`);
  } else if (options.step && options.step !== 'finishSecret') {
    const next = STEPS[STEPS.indexOf(options.step) + 1];
    out(`Step ${options.step} done. Next: ${again} --step ${next}`);
  } else {
    out(`Rotation complete: version ${result.token} is AWSCURRENT.`);
  }
}

function rounded(result: LocalRotationResult): LocalRotationResult {
  return { ...result, steps: result.steps.map((step) => ({ ...step, ms: Math.round(step.ms) })) };
}

async function rotate(secretId: string, options: RotateOptions): Promise<void> {
  const json = options.json === true;
  try {
    if (options.step && options.step !== 'createSecret' && !options.token) {
      throw new UsageError(
        `--step ${options.step} needs --token: the id of the version createSecret wrote (printed by --step createSecret)`,
      );
    }
    const result = await runRotationLocally({
      clientConfig: clientConfig(options),
      secretId,
      template: options.template,
      handlerFile: options.handler,
      token: options.token,
      step: options.step,
      logger: options.verbose ? createJsonLogger({ write: err }) : silentLogger,
      onStart: json ? undefined : printStart,
      onStepStart: json ? undefined : (step) => progress.start(step),
      onStep: json ? undefined : printStep,
    });
    if (json) printJson(rounded(result));
    else printEnd(result, options, secretId);
    exitWith(result.ok ? ExitCode.Ok : ExitCode.Failure);
  } catch (error) {
    progress.stop();
    reportFailure(error, json, error instanceof UsageError ? ExitCode.Usage : ExitCode.Failure);
  }
}

/** `rotation-kit rotate`: run a template's rotation handler locally, all steps or one. */
const registerRotate = (program: Command): void => {
  const command = program
    .command('rotate')
    .description('run a rotation handler here (a template’s or your own), against a real secret')
    .argument('<secret-id>', 'the secret: name or ARN')
    .addOption(
      new Option(
        '--template <name>',
        'the template whose handler to run; default: the one the secret calls for (its engine, and masterarn for multi-user)',
      ).choices(TEMPLATE_NAMES),
    )
    .addOption(
      new Option(
        '--handler <file>',
        'run your own bundled handler instead (a file exporting `handler`)',
      ).conflicts('template'),
    )
    .addOption(new Option('--step <step>', 'run only this step').choices(STEPS))
    .option('--token <token>', 'the rotation’s ClientRequestToken, to continue or retry one', parseToken)
    .option('--json', 'print one JSON result instead of progress lines')
    .option('--verbose', 'also print the handler’s JSON log lines (redacted) on stderr');
  withAwsOptions(command)
    .addHelpText('after', HOW_IT_RUNS)
    .action((secretId: string, options: RotateOptions) => rotate(secretId, options));
};

export { registerRotate };
