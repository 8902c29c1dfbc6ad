export * from './shared/errors.js';
export { createJsonLogger, silentLogger, withAttributes } from './shared/logger.js';
export type { JsonLoggerOptions, LogLevel, Logger } from './shared/logger.js';
export { STEPS, Stage, Step } from './rotation/constants.js';
export type { StageName, StepName } from './rotation/constants.js';
export type { DatabaseAdapter, DatabaseSecret, PasswordChange } from './rotation/adapter.js';
