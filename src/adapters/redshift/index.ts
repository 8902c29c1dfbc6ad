/**
 * `rotation-kit/redshift`: the Amazon Redshift adapter (provisioned clusters and Redshift
 * Serverless). Needs the `pg` package, an optional peer dependency.
 */
export { createRedshiftAdapter } from './adapter.js';
export type { RedshiftAdapterOptions } from './adapter.js';
export { REDSHIFT_PASSWORD_POLICY, checkRedshiftPassword } from './password.js';
export { REDSHIFT_ENGINES } from './secret.js';
export type { RedshiftEngine, RedshiftSecret } from './secret.js';
export type { PrivilegeCopyReport } from './users.js';
export { CA_BUNDLE_ENV, CA_BUNDLE_FILE_ENV } from '../shared/tls-settings.js';
export type { TlsMode } from '../shared/tls-settings.js';
