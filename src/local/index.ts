/**
 * `rotation-kit/local`: a Secrets Manager that runs in Node, for tests and demos. A test double:
 * it keeps secret values unencrypted and must never hold real secrets.
 */
export { startLocalSecretsManager } from './server.js';
export type { LocalSecretsManager, LocalSecretsManagerOptions } from './server.js';
export { RotationFunctionError } from './lambda/functions.js';
export type { RotationFunction } from './lambda/functions.js';
export type { LambdaZipFunction } from './lambda/zipFunction.js';
export type { RotationOutcome, RotationTracker } from './lambda/rotationRunner.js';
