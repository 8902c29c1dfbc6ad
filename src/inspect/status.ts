import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DatabaseAdapter, DatabaseSecret } from '../rotation/adapter.js';
import { Stage } from '../rotation/constants.js';
import { assertSameTarget } from '../rotation/target-guard.js';
import { SecretShapeError, UnsafeChangeError } from '../shared/errors.js';

/** The alternating-users strategy's default suffix: the two users are `<user>` and `<user>_clone`. */
const CLONE_SUFFIX = '_clone';

interface VersionStatus {
  versionId: string;
  stages: string[];
}

type FindingCode =
  | 'STALE_PENDING'
  | 'ROTATION_DISABLED'
  | 'NO_CURRENT'
  | 'CURRENT_LOGIN_FAILED'
  | 'PENDING_LOGS_IN'
  | 'PENDING_USER_DIFFERS'
  | 'PENDING_TARGET_DIFFERS'
  | 'SECRET_UNREADABLE';

/** Whether one label's credentials log in (`status --check-login`). */
interface LoginCheck {
  label: string;
  versionId: string;
  logsIn: boolean;
}

interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** What `rotation-kit status` shows: no secret value, only facts about it. */
interface SecretStatus {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  automaticallyAfterDays?: number;
  lastRotatedDate?: Date;
  nextRotationDate?: Date;
  versions: VersionStatus[];
  /** The version holding AWSPENDING without AWSCURRENT: it blocks the next RotateSecret. */
  stalePendingVersionId?: string;
  /**
   * With an adapter: which of AWSCURRENT, a stale AWSPENDING and AWSPREVIOUS log in. A label is
   * absent when it was not tried (no adapter, unreadable, or naming another server or user).
   */
  logins: LoginCheck[];
  findings: Finding[];
}

interface StatusOptions {
  client: SecretsManagerClient;
  /** When given, the AWSCURRENT (and a stale AWSPENDING) credentials are tried against the database. */
  adapter?: DatabaseAdapter;
}

/**
 * Why the pending version may not become AWSCURRENT, or undefined: the connection keys setSecret
 * compares, and a username that is neither AWSCURRENT's nor its alternating-users partner
 * (`<user>_clone`, as AWS's templates name it).
 */
function pendingTargetRefusal(
  adapter: DatabaseAdapter,
  current: DatabaseSecret,
  pending: DatabaseSecret,
): string | undefined {
  const partners = [current.username, `${current.username}${CLONE_SUFFIX}`];
  if (current.username.endsWith(CLONE_SUFFIX)) partners.push(current.username.slice(0, -CLONE_SUFFIX.length));
  try {
    if (!partners.includes(pending.username)) throw new UnsafeChangeError('username');
    assertSameTarget(adapter, current, pending);
  } catch (error) {
    if (error instanceof UnsafeChangeError) return error.message.replace(/; refusing.*$/, '.');
    throw error;
  }
  return undefined;
}

/** Whether `label`'s credentials logged in; undefined when they were not tried. */
function loginResult(status: SecretStatus, label: string): boolean | undefined {
  return status.logins.find((login) => login.label === label)?.logsIn;
}

async function readJson(client: SecretsManagerClient, secretId: string, versionId: string): Promise<unknown> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }));
  return out.SecretString === undefined ? undefined : JSON.parse(out.SecretString);
}

/**
 * Reads a secret's versions and rotation settings and diagnoses what blocks or endangers rotation.
 * Secret values are read only to try logins (with an adapter) and never returned.
 */
async function inspectSecret(secretId: string, options: StatusOptions): Promise<SecretStatus> {
  const { client, adapter } = options;
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const versions = Object.entries(described.VersionIdsToStages ?? {}).map(([versionId, stages]) => ({
    versionId,
    stages,
  }));
  const holder = (stage: string) => versions.find((v) => v.stages.includes(stage))?.versionId;
  const currentId = holder(Stage.Current);
  const stale = versions.find((v) => v.stages.includes(Stage.Pending) && !v.stages.includes(Stage.Current));
  const status: SecretStatus = {
    arn: described.ARN ?? secretId,
    name: described.Name ?? secretId,
    rotationEnabled: described.RotationEnabled === true,
    ...(described.RotationLambdaARN ? { rotationLambdaArn: described.RotationLambdaARN } : {}),
    ...(described.RotationRules?.AutomaticallyAfterDays
      ? { automaticallyAfterDays: described.RotationRules.AutomaticallyAfterDays }
      : {}),
    ...(described.LastRotatedDate ? { lastRotatedDate: described.LastRotatedDate } : {}),
    ...(described.NextRotationDate ? { nextRotationDate: described.NextRotationDate } : {}),
    versions,
    ...(stale ? { stalePendingVersionId: stale.versionId } : {}),
    logins: [],
    findings: [],
  };
  const add = (code: FindingCode, severity: Finding['severity'], message: string) =>
    status.findings.push({ code, severity, message });

  if (!status.rotationEnabled)
    add('ROTATION_DISABLED', 'warning', 'Rotation is not enabled for this secret.');
  if (!currentId) add('NO_CURRENT', 'error', 'No version holds AWSCURRENT: the secret has no value.');
  if (stale) {
    add(
      'STALE_PENDING',
      'error',
      `Version ${stale.versionId} holds AWSPENDING without AWSCURRENT: the next RotateSecret fails with "A previous rotation isn't complete". Run \`rotation-kit repair\`.`,
    );
  }
  if (!currentId) return status;

  const unreadable = (which: string, error: unknown) => {
    // Never echo a parse error's text: JSON.parse quotes the input, which is the secret.
    const detail =
      error instanceof SecretShapeError
        ? error.message
        : error instanceof SyntaxError
          ? 'its SecretString is not valid JSON'
          : `reading it failed with ${(error as Error).name}`;
    add('SECRET_UNREADABLE', 'error', `The ${which} version could not be read or parsed: ${detail}`);
  };
  const parse = (value: unknown) => (adapter ? adapter.parseSecret(value) : (value as DatabaseSecret));
  let current: DatabaseSecret;
  try {
    current = parse(await readJson(client, status.arn, currentId));
  } catch (error) {
    unreadable('AWSCURRENT', error);
    return status;
  }
  let pending: DatabaseSecret | undefined;
  if (stale) {
    try {
      const value = await readJson(client, status.arn, stale.versionId);
      pending = value === undefined ? undefined : parse(value);
    } catch (error) {
      unreadable('AWSPENDING', error);
    }
  }
  if (pending && pending.username !== current.username) {
    add(
      'PENDING_USER_DIFFERS',
      'warning',
      'The AWSPENDING version names a different username than AWSCURRENT (expected only with alternating users).',
    );
  }
  if (!adapter) return status;
  const refusal = pending ? pendingTargetRefusal(adapter, current, pending) : undefined;
  if (refusal) {
    add('PENDING_TARGET_DIFFERS', 'error', refusal);
    // Its credentials are not tried: they would be sent to a server the secret does not name.
    pending = undefined;
  }
  const previousId = holder(Stage.Previous);
  // AWSPREVIOUS is only reported: a value that no longer parses, or that names another server or
  // user (its credentials are never sent there), is left out, not a finding.
  const previous =
    previousId && previousId !== currentId
      ? await readJson(client, status.arn, previousId)
          .then((value) => adapter.parseSecret(value))
          .then((secret) => (pendingTargetRefusal(adapter, current, secret) ? undefined : secret))
          .catch(() => undefined)
      : undefined;
  const candidates: [string, string | undefined, DatabaseSecret | undefined][] = [
    [Stage.Current, currentId, current],
    [Stage.Pending, stale?.versionId, pending],
    [Stage.Previous, previousId, previous],
  ];
  for (const [label, versionId, secret] of candidates) {
    if (versionId && secret) status.logins.push({ label, versionId, logsIn: await adapter.canLogin(secret) });
  }
  if (loginResult(status, Stage.Current) === false) {
    add('CURRENT_LOGIN_FAILED', 'error', 'The AWSCURRENT credentials do not log in to the database.');
  }
  if (loginResult(status, Stage.Pending) === true) {
    add(
      'PENDING_LOGS_IN',
      'info',
      'The AWSPENDING credentials log in: the database already has the new password (the rotation stopped after setSecret).',
    );
  }
  return status;
}

export { inspectSecret, loginResult };
export type { Finding, FindingCode, LoginCheck, SecretStatus, StatusOptions, VersionStatus };
