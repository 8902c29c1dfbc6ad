import type { RotationContext } from '../context.js';

/**
 * setSecret: makes the pending credentials valid in the database, after refusing a pending version
 * that names another user or host than AWSCURRENT (a tampered version must not redirect the change).
 */
async function setSecret(context: RotationContext): Promise<void> {
  const current = await context.readCurrent();
  const pending = await context.readPending();
  context.strategy.assertPendingMatches(current.secret, pending.secret);
  await context.strategy.applyPending(context, current.secret, pending.secret);
}

export { setSecret };
