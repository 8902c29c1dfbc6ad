import type { Command } from 'commander';
import { inspectSecret } from '../../inspect/status.js';
import type { Finding, SecretStatus } from '../../inspect/status.js';
import { createClient, withAwsOptions } from '../support/aws.js';
import type { AwsOptions } from '../support/aws.js';
import { adapterForSecret } from '../support/engine.js';
import { EXIT_CODES_HELP, ExitCode } from '../support/exit-codes.js';
import { exitWith, mark, out, printJson, reportFailure } from '../support/output.js';

interface StatusCommandOptions extends AwsOptions {
  checkLogin?: boolean;
  json?: boolean;
}

/** Errors and warnings need attention; `info` findings do not. */
const needsAttention = (findings: readonly Finding[]): boolean =>
  findings.some((finding) => finding.severity !== 'info');

const HELP = `
Shows the secret's versions and staging labels, its rotation settings, and what blocks or endangers
rotation: a stale AWSPENDING (the next RotateSecret would fail), rotation disabled, no AWSCURRENT, a
pending version naming another user, and with --check-login AWSCURRENT credentials that no longer
log in (the adapter is chosen by the secret's "engine"). No secret value is ever printed.

--check-login connects to the database from here, so the database must be reachable; TLS follows
the secret's sslmode/ssl (default verify-full; for RDS set ROTATION_KIT_CA_BUNDLE_FILE).
${EXIT_CODES_HELP}`;

const date = (value: Date | undefined): string => (value ? value.toISOString() : '-');

function printStatus(status: SecretStatus, loginsChecked: boolean): void {
  out(`Secret     ${status.name}`);
  out(`ARN        ${status.arn}`);
  const schedule = status.automaticallyAfterDays ? `, every ${status.automaticallyAfterDays} days` : '';
  out(`Rotation   ${status.rotationEnabled ? `enabled${schedule}` : 'not enabled'}`);
  if (status.rotationLambdaArn) out(`Function   ${status.rotationLambdaArn}`);
  out(`Rotated    last ${date(status.lastRotatedDate)}, next ${date(status.nextRotationDate)}`);
  out('Versions');
  if (status.versions.length === 0) out('  (none)');
  for (const version of status.versions) {
    out(`  ${version.versionId}  ${version.stages.join(', ')}`);
  }
  if (!loginsChecked) out('Logins     not checked (add --check-login)');
  else out('Logins     (tried against the database)');
  for (const login of status.logins ?? []) {
    const label = login.label.padEnd(11);
    out(
      `  ${mark(login.logsIn)} ${label} ${login.versionId}  ${login.logsIn ? 'logs in' : 'does not log in'}`,
    );
  }
  out('Findings');
  if (status.findings.length === 0) out('  none: rotation can proceed');
  for (const finding of status.findings) {
    out(`  ${finding.severity.padEnd(7)} ${finding.code}: ${finding.message}`);
  }
}

async function status(secretId: string, options: StatusCommandOptions): Promise<void> {
  const json = options.json === true;
  const client = createClient(options);
  try {
    const adapter = options.checkLogin ? await adapterForSecret(client, secretId) : undefined;
    const result = await inspectSecret(secretId, { client, ...(adapter ? { adapter } : {}) });
    const attention = needsAttention(result.findings);
    if (json) printJson({ ok: !attention, loginsChecked: adapter !== undefined, ...result });
    else printStatus(result, adapter !== undefined);
    exitWith(attention ? ExitCode.NeedsAttention : ExitCode.Ok);
  } catch (error) {
    reportFailure(error, json);
  } finally {
    client.destroy();
  }
}

/** `rotation-kit status`: versions, labels, rotation settings and a diagnosis. */
const registerStatus = (program: Command): void => {
  const command = program
    .command('status')
    .description('versions, labels, rotation settings, and what blocks rotation')
    .argument('<secret-id>', 'the secret: name or ARN')
    .option('--check-login', 'also try the AWSCURRENT (and a stale AWSPENDING) credentials on the database')
    .option('--json', 'print one JSON document');
  withAwsOptions(command)
    .addHelpText('after', HELP)
    .action((secretId: string, options: StatusCommandOptions) => status(secretId, options));
};

export { registerStatus };
