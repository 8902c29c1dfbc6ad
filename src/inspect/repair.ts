import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { Stage } from '../rotation/constants.js';
import { RotationError } from '../shared/errors.js';
import { inspectSecret, loginResult } from './status.js';
import type { SecretStatus, StatusOptions } from './status.js';

/** Repair cannot prove by a login which password works, or either move could lose it. */
class RepairRefusedError extends RotationError {
  override readonly name = 'RepairRefusedError';

  constructor(message: string) {
    super('REPAIR_REFUSED', message);
  }
}

type RepairAction =
  | { kind: 'none'; reason: string }
  | { kind: 'remove-pending'; versionId: string }
  | { kind: 'promote-pending'; versionId: string; fromVersionId: string };

/**
 * Decides how to unblock a secret with a stale AWSPENDING without losing a password. A label moves
 * only after a login has proven which password works:
 * - AWSCURRENT logs in: take AWSPENDING off the stale version (the version is kept, unlabelled);
 * - only AWSPENDING logs in (the rotation died after setSecret), and it names the same server,
 *   database and user (or its alternating-users partner) as AWSCURRENT: finish it, moving AWSCURRENT there;
 * - anything else refuses, naming why: logins not checked, AWSCURRENT unreadable, AWSPENDING
 *   unreadable or pointing elsewhere, or neither logs in. Either move could strand the application.
 */
function planRepair(status: SecretStatus, checkedLogins: boolean): RepairAction {
  const pendingId = status.stalePendingVersionId;
  if (!pendingId) return { kind: 'none', reason: 'No stale AWSPENDING: nothing to repair.' };
  if (!checkedLogins) {
    throw new RepairRefusedError(
      'Logins were not checked (--no-check-login): repair moves a label only after a login proves which password works. Run it where the database is reachable.',
    );
  }
  const current = loginResult(status, Stage.Current);
  const pending = loginResult(status, Stage.Pending);
  if (current === true) return { kind: 'remove-pending', versionId: pendingId };
  if (current === undefined) {
    throw new RepairRefusedError(
      'The AWSCURRENT version could not be read or parsed (see SECRET_UNREADABLE), so no login proved which password works; refusing to move labels. Fix that version by hand.',
    );
  }
  const codes = new Set(status.findings.map((finding) => finding.code));
  if (codes.has('PENDING_TARGET_DIFFERS')) {
    throw new RepairRefusedError(
      'AWSCURRENT does not log in, and the AWSPENDING version names another server, database or user than AWSCURRENT (see PENDING_TARGET_DIFFERS): refusing to make it AWSCURRENT. Reset the password by hand.',
    );
  }
  if (pending === undefined) {
    throw new RepairRefusedError(
      'AWSCURRENT does not log in, and the AWSPENDING version could not be read or parsed (see SECRET_UNREADABLE), so no login proved it works; refusing to move labels. Fix that version by hand.',
    );
  }
  const currentId = status.versions.find((v) => v.stages.includes(Stage.Current))?.versionId;
  if (pending && currentId)
    return { kind: 'promote-pending', versionId: pendingId, fromVersionId: currentId };
  throw new RepairRefusedError(
    'Neither AWSCURRENT nor AWSPENDING logs in to the database; refusing to move labels. Reset the password by hand.',
  );
}

async function applyRepair(options: StatusOptions, arn: string, action: RepairAction): Promise<void> {
  if (action.kind === 'remove-pending') {
    await options.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: Stage.Pending,
        RemoveFromVersionId: action.versionId,
      }),
    );
  } else if (action.kind === 'promote-pending') {
    await options.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: Stage.Current,
        MoveToVersionId: action.versionId,
        RemoveFromVersionId: action.fromVersionId,
      }),
    );
    await options.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: Stage.Pending,
        RemoveFromVersionId: action.versionId,
      }),
    );
  }
}

/** Inspects, plans and (unless `dryRun`) applies a repair. */
async function repairSecret(
  secretId: string,
  options: StatusOptions & { dryRun?: boolean },
): Promise<{ status: SecretStatus; action: RepairAction }> {
  const status = await inspectSecret(secretId, options);
  const action = planRepair(status, options.adapter !== undefined);
  if (!options.dryRun) await applyRepair(options, status.arn, action);
  return { status, action };
}

export { RepairRefusedError, applyRepair, planRepair, repairSecret };
export type { RepairAction };
