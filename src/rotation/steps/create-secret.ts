import type { RotationContext } from '../context.js';

/**
 * createSecret: checks the adapter's dependencies are installed, validates AWSCURRENT against the adapter's schema and the strategy's needs (before
 * anything is written), then writes the next secret as the token's version, staged AWSPENDING.
 * The token makes the write idempotent: a retry after a successful write changes nothing.
 */
async function createSecret(context: RotationContext): Promise<void> {
  const { secrets, secretId, token, log } = context;
  // A missing driver would otherwise surface in setSecret, after AWSPENDING is written.
  await context.adapter.checkDependencies?.();
  const current = await context.readCurrent();
  context.strategy.validateCurrent(current.secret);
  await context.strategy.checkSupport?.(context, current.secret);
  if (secrets.knowsVersion(secretId, token)) {
    log.info('pending version already created');
    return;
  }
  const password = await context.newPassword();
  // An environment override (PASSWORD_LENGTH, EXCLUDE_CHARACTERS) may ask for what the engine refuses.
  context.adapter.checkPassword?.(password);
  const next = context.strategy.nextSecret(current.raw, current.secret, password);
  // The next secret must satisfy the adapter too (e.g. `<user>_clone` within the engine's name limit)
  // before it is written: a version that setSecret could never apply would block the rotation.
  context.parseSecret(next, 'next (AWSPENDING) secret');
  const outcome = await secrets.putPending(
    secretId,
    token,
    JSON.stringify(next),
    context.event.RotationToken,
  );
  log.info(outcome === 'created' ? 'pending version created' : 'pending version already created');
}

export { createSecret };
