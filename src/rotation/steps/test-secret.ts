import { LoginFailedError } from '../../shared/errors.js';
import type { RotationContext } from '../context.js';

interface LoginRetryOptions {
  /** Total time to wait between login attempts, for engines and proxies that apply changes late. Default 3000 ms. */
  totalMs?: number;
  /** First delay; doubles each attempt. Default 100 ms. */
  initialDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * testSecret: logs in with the pending credentials and runs a query (the adapter's login check).
 * A rejected login is retried with bounded exponential backoff, each retry logged.
 */
function createTestSecret(retry: LoginRetryOptions = {}) {
  const totalMs = retry.totalMs ?? 3000;
  const initialDelayMs = retry.initialDelayMs ?? 100;
  return async function testSecret(context: RotationContext): Promise<void> {
    const pending = await context.readPending();
    // The budget counts the waits only, so the number of attempts does not depend on how slow each
    // login is: the schedule is the same on a loaded machine as on an idle one.
    let waited = 0;
    for (let attempt = 1, delay = initialDelayMs; ; attempt++, delay *= 2) {
      if (await context.adapter.canLogin(pending.secret)) {
        context.log.info('pending credentials log in', { attempt });
        return;
      }
      if (waited + delay > totalMs) break;
      context.log.warn('pending credentials rejected; retrying', { attempt, retryInMs: delay });
      await sleep(delay);
      waited += delay;
    }
    throw new LoginFailedError('testSecret: the AWSPENDING credentials do not log in', {
      secretId: context.secretId,
      step: context.step,
    });
  };
}

export { createTestSecret };
export type { LoginRetryOptions };
