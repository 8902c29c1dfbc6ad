import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { Stage } from '../rotation/constants.js';
import { RotationError } from '../shared/errors.js';
import { inspectSecret } from './status.js';
import type { SecretStatus, StatusOptions } from './status.js';

/** Repair would lose the only working password, or there is nothing it knows how to do. */
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
 * Decides how to unblock a secret with a stale AWSPENDING without losing a password:
 * - AWSCURRENT still logs in (or no database check was possible): take AWSPENDING off the stale version;
 * - only AWSPENDING logs in (the rotation died after setSecret): finish it, moving AWSCURRENT there;
 * - neither logs in: refuse, since either choice could strand the application.
 */
function planRepair(status: SecretStatus, checkedLogins: boolean): RepairAction {
  const pendingId = status.stalePendingVersionId;
  if (!pendingId) return { kind: 'none', reason: 'No stale AWSPENDING: nothing to repair.' };
  const codes = new Set(status.findings.map((finding) => finding.code));
  const currentFails = codes.has('CURRENT_LOGIN_FAILED');
  const pendingWorks = codes.has('PENDING_LOGS_IN');
  if (!checkedLogins || !currentFails) return { kind: 'remove-pending', versionId: pendingId };
  const currentId = status.versions.find((v) => v.stages.includes(Stage.Current))?.versionId;
  if (pendingWorks && currentId)
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
