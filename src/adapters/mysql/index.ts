/**
 * `rotation-kit/mysql`: the MySQL 8, Aurora MySQL and MariaDB adapter. Needs the optional peer
 * dependency `mysql2`.
 */
export {
  DEFAULT_ACCOUNT_HOST,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_QUERY_TIMEOUT_MS,
  createMySqlAdapter,
} from './adapter.js';
export type { MySqlAdapterOptions } from './adapter.js';
export type { MySqlConnection, MySqlConnectionConfig, MySqlDriver } from './connect.js';
export { MYSQL_ENGINES, parseMySqlSecret } from './secret.js';
export type { MySqlEngine, MySqlSecret } from './secret.js';
export { secretTlsMode } from '../shared/secret-fields.js';
export { CA_BUNDLE_ENV, CA_BUNDLE_FILE_ENV, DEFAULT_TLS_MODE, TLS_MODES } from '../shared/tls-settings.js';
export type { TlsMode } from '../shared/tls-settings.js';
export type { MySqlTlsOptions } from './tls.js';
