import type { FunctionRegistry } from '../lambda/functions.js';
import type { RotationRunner } from '../lambda/rotationRunner.js';
import type { RegionalStates } from '../store/regions.js';
import type { SecretsState } from '../store/state.js';
import type { JsonObject } from './input.js';

/**
 * What an operation may touch. Operations are synchronous functions over the in-memory state: as
 * nothing can interleave with a synchronous read-modify-write on Node's event loop, that is the
 * mutex. Persistence and anything slow happen after the operation returns.
 */
interface OperationContext {
  /** The state of the request's region (from its SigV4 credential scope). */
  readonly state: SecretsState;
  /** The request's region, and every region's state (replication reaches across them). */
  readonly region: string;
  readonly regions: RegionalStates;
  /** The operation writes: a replica is refused when it is looked up (after validation). */
  readonly refusesReplicas: boolean;
  /** The request's time, epoch milliseconds. */
  readonly now: number;
  readonly functions: FunctionRegistry;
  readonly rotations: RotationRunner;
  /** Marks the state changed: the response waits until the change is durable. */
  changed(): void;
  /** Runs `effect` once the change is durable, just before the response is written. */
  afterCommit(effect: () => void): void;
}

/** One API operation: validated input in, response members out. Must not be async. */
type Operation = (input: JsonObject, ctx: OperationContext) => JsonObject;

export type { Operation, OperationContext };
