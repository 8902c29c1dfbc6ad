import type { Command } from 'commander';
import { applyRepair, repairSecret } from '../../inspect/repair.js';
import type { RepairAction } from '../../inspect/repair.js';
import type { StatusOptions } from '../../inspect/status.js';
import { DatabaseConnectionError, TlsRequiredError } from '../../shared/errors.js';
import { createClient, withAwsOptions } from '../support/aws.js';
import type { AwsOptions } from '../support/aws.js';
import { confirm } from '../support/confirm.js';
import { adapterForSecret } from '../support/engine.js';
import { DeclinedError, StalePlanError, UsageError } from '../support/errors.js';
import { EXIT_CODES_HELP, ExitCode } from '../support/exit-codes.js';
import { err, exitWith, out, printJson, reportFailure } from '../support/output.js';

interface RepairCommandOptions extends AwsOptions {
  yes?: boolean;
  dryRun?: boolean;
  /** `--no-check-login` sets false. */
  checkLogin: boolean;
  json?: boolean;
}

const HELP = `
Unblocks a secret whose rotation stopped half-way: a version holding AWSPENDING without AWSCURRENT
makes every RotateSecret fail with "A previous rotation isn't complete". It moves a label only after
a login has proven which password works (the adapter is chosen by the secret's "engine"):
  - AWSCURRENT logs in: AWSPENDING is taken off the stale version (the version and its value are
    kept, unlabelled);
  - only AWSPENDING logs in (the rotation died after setSecret): the rotation is finished instead,
    AWSCURRENT moves to that version and the old one becomes AWSPREVIOUS. Only when AWSPENDING names
    the same engine, host, port, database and TLS (no weaker) as AWSCURRENT, and the same user or
    its alternating-users partner (<user>_clone); its credentials are never tried elsewhere;
  - otherwise it refuses (exit 1) and says why: neither logs in, a version cannot be read or
    parsed, AWSPENDING points at another server or user, or logins were not checked
    (--no-check-login, or the database is unreachable from here).

It asks for confirmation; --yes answers for scripts. Without a terminal and without --yes it refuses.
No secret value is ever printed.
${EXIT_CODES_HELP}`;

function describeAction(action: RepairAction): string {
  switch (action.kind) {
    case 'none':
      return action.reason;
    case 'remove-pending':
      return `Take AWSPENDING off version ${action.versionId}, left by an unfinished rotation (the version is kept, unlabelled).`;
    case 'promote-pending':
      return (
        `Finish the rotation: only version ${action.versionId}'s credentials log in, so AWSCURRENT moves ` +
        `to it (${action.fromVersionId} becomes AWSPREVIOUS) and AWSPENDING comes off.`
      );
  }
}

const sameAction = (a: RepairAction, b: RepairAction): boolean => JSON.stringify(a) === JSON.stringify(b);

async function repair(secretId: string, options: RepairCommandOptions): Promise<void> {
  const json = options.json === true;
  const client = createClient(options);
  try {
    const adapter = options.checkLogin ? await adapterForSecret(client, secretId) : undefined;
    const inspect: StatusOptions = { client, ...(adapter ? { adapter } : {}) };
    const planned = await repairSecret(secretId, { ...inspect, dryRun: true });
    const { action } = planned;
    const secret = { arn: planned.status.arn, name: planned.status.name };
    const report = (applied: boolean) => ({ ok: true, secret, loginsChecked: !!adapter, action, applied });

    if (!json) {
      out(`Secret  ${secret.name}`);
      out(`Logins  ${adapter ? 'checked against the database' : 'not checked (--no-check-login)'}`);
      out(`Plan    ${describeAction(action)}`);
    }
    if (action.kind === 'none' || options.dryRun) {
      if (json) printJson(report(false));
      exitWith(ExitCode.Ok);
      return;
    }
    if (!options.yes) {
      if (!process.stdin.isTTY) {
        throw new UsageError(
          'repair changes staging labels and needs a confirmation: run it in a terminal, or pass --yes',
        );
      }
      if (!(await confirm('Apply this repair?'))) throw new DeclinedError();
    }
    // The secret may have moved on while the question was open: apply only the plan that was shown.
    const current = await repairSecret(secretId, { ...inspect, dryRun: true });
    if (!sameAction(current.action, action)) {
      throw new StalePlanError();
    }
    await applyRepair(inspect, secret.arn, action);
    if (json) printJson(report(true));
    else out('Done: the next RotateSecret can run.');
    exitWith(ExitCode.Ok);
  } catch (error) {
    const usage = error instanceof UsageError;
    reportFailure(error, json, usage ? ExitCode.Usage : ExitCode.Failure);
    if (json) return;
    if (usage) err('Nothing was changed.');
    if (error instanceof DatabaseConnectionError || error instanceof TlsRequiredError) {
      err(
        'The database cannot be reached from here: repair must log in to prove which password works. Run it where the database is reachable.',
      );
    }
  } finally {
    client.destroy();
  }
}

/** `rotation-kit repair`: remove a stale AWSPENDING safely, after a confirmation. */
const registerRepair = (program: Command): void => {
  const command = program
    .command('repair')
    .description('clear a stale AWSPENDING without losing a working password')
    .argument('<secret-id>', 'the secret: name or ARN')
    .option('-y, --yes', 'apply without asking (for scripts)')
    .option('--dry-run', 'show the plan, change nothing')
    .option(
      '--no-check-login',
      'do not try the credentials on the database (repair then refuses to move labels)',
    )
    .option('--json', 'print one JSON document');
  withAwsOptions(command)
    .addHelpText('after', HELP)
    .action((secretId: string, options: RepairCommandOptions) => repair(secretId, options));
};

export { registerRepair };
