/**
 * `rotation-kit/postgres`: the PostgreSQL adapter (RDS PostgreSQL, Aurora PostgreSQL).
 * Needs the `pg` package, an optional peer dependency.
 */
export { createPostgresAdapter } from './adapter.js';
export type { PasswordEncryption, PostgresAdapterOptions } from './adapter.js';
export { POSTGRES_ENGINES } from './secret.js';
export type { PostgresEngine, PostgresSecret, TlsMode } from './secret.js';
export { CA_BUNDLE_ENV, CA_BUNDLE_FILE_ENV } from '../shared/tls-settings.js';
export type { PostgresTlsOptions } from './tls.js';
