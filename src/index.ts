export * from './shared/errors.js';
export { createJsonLogger, silentLogger, withAttributes } from './shared/logger.js';
export type { JsonLoggerOptions, LogLevel, Logger } from './shared/logger.js';
export { redact } from './shared/redact.js';
export {
  optionalSecretString,
  optionalSecretValue,
  parseSecretPort,
  requireSecretObject,
  requireSecretString,
} from './adapters/shared/secret-fields.js';
export type { SecretJson } from './adapters/shared/secret-fields.js';
export * from './rotation/index.js';
export { createSecretsManagerClient } from './secrets/client.js';
export { SecretsGateway } from './secrets/gateway.js';
export type { RandomPasswordRequest, SecretDescription } from './secrets/gateway.js';
