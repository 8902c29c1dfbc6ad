import { assertSameTarget } from '../target-guard.js';
import type { RotationContext } from '../context.js';

/**
 * setSecret: makes the pending credentials valid in the database, after refusing a pending version
 * that would redirect the change: another user than the strategy allows, or another server,
 * database or weaker TLS than AWSCURRENT (every connection key the adapter declares).
 */
async function setSecret(context: RotationContext): Promise<void> {
  const current = await context.readCurrent();
  const pending = await context.readPending();
  context.strategy.assertPendingMatches(current.secret, pending.secret);
  assertSameTarget(context.adapter, current.secret, pending.secret);
  await context.strategy.applyPending(context, current.secret, pending.secret);
}

export { setSecret };
