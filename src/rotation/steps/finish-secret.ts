import { Stage } from '../constants.js';
import type { RotationContext } from '../context.js';

/**
 * finishSecret: moves AWSCURRENT to the token's version (the former holder becomes AWSPREVIOUS),
 * then takes AWSPENDING off it, so the next RotateSecret never reports an unfinished rotation.
 */
async function finishSecret(context: RotationContext): Promise<void> {
  const { secrets, secretId, token, log } = context;
  const currentVersion = context.versionWith(Stage.Current);
  if (currentVersion !== token) {
    await secrets.moveStage(secretId, Stage.Current, token, currentVersion);
    log.info('AWSCURRENT moved to the new version', { from: currentVersion });
  }
  await secrets.removeStage(secretId, Stage.Pending, token);
  log.info('AWSPENDING removed');
}

export { finishSecret };
