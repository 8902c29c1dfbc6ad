export { STEPS, Stage, Step } from './constants.js';
export type { StageName, StepName } from './constants.js';
export type { DatabaseAdapter, DatabaseSecret, DualPasswordSupport, PasswordChange } from './adapter.js';
export { RotationContext } from './context.js';
export type { LoadedSecret } from './context.js';
export { parseRotationEvent } from './event.js';
export type { RotationEvent } from './event.js';
export { createRotationHandler } from './handler.js';
export type { RotationHandlerOptions, RotationHooks, RotationStep, StepOverride } from './handler.js';
export {
  DEFAULT_EXCLUDE_CHARACTERS,
  resolvePasswordPolicy,
  resolvePasswordSource,
} from './password-policy.js';
export type { PasswordPolicy, PasswordSource } from './password-policy.js';
export type { LoginRetryOptions } from './steps/test-secret.js';
export { alternatingUsers } from './strategies/alternating-users.js';
export type { AlternatingUsersOptions } from './strategies/alternating-users.js';
export { dualPassword } from './strategies/dual-password.js';
export type { DualPasswordOptions } from './strategies/dual-password.js';
export { singleUser } from './strategies/single-user.js';
export type { SingleUserOptions } from './strategies/single-user.js';
export type { RotationStrategy } from './strategies/strategy.js';
