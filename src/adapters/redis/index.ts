/**
 * `rotation-kit/redis`: the Redis and Valkey ACL user adapter. Needs the optional peer dependency
 * `ioredis`.
 */
export { DEFAULT_TIMEOUT_MS, REDIS_CONNECTION_KEYS, createRedisAdapter } from './adapter.js';
export type { PersistMode, RedisAdapterOptions } from './adapter.js';
export type { RedisClient, RedisClientOptions, RedisDriver } from './session.js';
export { DEFAULT_REDIS_PORT, REDIS_ENGINES, parseRedisSecret } from './secret.js';
export type { RedisEngine, RedisSecret } from './secret.js';
export { secretTlsMode } from '../shared/secret-fields.js';
export { CA_BUNDLE_ENV, CA_BUNDLE_FILE_ENV, DEFAULT_TLS_MODE, TLS_MODES } from '../shared/tls-settings.js';
export type { TlsMode, TlsOptions } from '../shared/tls-settings.js';
