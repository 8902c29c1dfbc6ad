import type { DatabaseSecret } from '../adapter.js';
import type { RotationContext } from '../context.js';

/**
 * Who changes whose password. The engine asks a strategy three things: what the next secret looks
 * like (createSecret), whether a pending version is safe to act on, and how to make the pending
 * credentials valid in the database (setSecret).
 */
interface RotationStrategy {
  readonly name: string;
  /** createSecret, before anything is written: the current secret has what this strategy needs. */
  validateCurrent(current: DatabaseSecret): void;
  /**
   * Optional, createSecret, before anything is written: the adapter and the server can do what this
   * strategy needs (may connect). Throws a named error otherwise.
   */
  checkSupport?<S extends DatabaseSecret>(context: RotationContext<S>, current: S): Promise<void>;
  /** The pending secret's JSON: the current one's keys (all kept) with a new password. */
  nextSecret(
    current: Record<string, unknown>,
    currentSecret: DatabaseSecret,
    password: string,
  ): Record<string, unknown>;
  /**
   * Throws UnsafeChangeError when the pending version names a user this strategy does not change.
   * (setSecret then checks every other connection key the adapter declares, whatever the strategy.)
   */
  assertPendingMatches(current: DatabaseSecret, pending: DatabaseSecret): void;
  /** setSecret: makes the pending credentials valid in the database. Idempotent. */
  applyPending<S extends DatabaseSecret>(context: RotationContext<S>, current: S, pending: S): Promise<void>;
}

export type { RotationStrategy };
