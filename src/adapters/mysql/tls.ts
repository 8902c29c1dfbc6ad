/**
 * TLS for MySQL/MariaDB connections: how a mode becomes mysql2's `ssl` option, which hosts cannot be
 * verified, and how a TLS failure is recognised. The mode names and precedence (the `tls.mode`
 * option, else the secret's `sslmode`/`ssl`, else `verify-full`) and the CA bundle (`tls.ca`,
 * `ROTATION_KIT_CA_BUNDLE` or `ROTATION_KIT_CA_BUNDLE_FILE`) are shared with the PostgreSQL adapter
 * (`../shared/tls-settings.ts`). There is no "prefer" mode: a mode that asks for TLS gets it or
 * fails with `TlsRequiredError`, never falls back to plaintext.
 */
import { isIP } from 'node:net';
import { CA_BUNDLE_ENV, CA_BUNDLE_FILE_ENV, type TlsMode, type TlsOptions } from '../shared/tls-settings.js';

/** The adapter's `tls` option: the mode, and the CAs to trust for `verify-full`. */
type MySqlTlsOptions = TlsOptions;

/** The slice of Node's TLS options the driver takes (mysql2's `ssl`). */
interface DriverTlsConfig {
  rejectUnauthorized: boolean;
  verifyIdentity?: boolean;
  ca?: string;
  minVersion: 'TLSv1.2';
}

/** The driver's `ssl` option for a mode; undefined means plaintext. `ca` is only called for `verify-full`. */
function driverTlsConfig(mode: TlsMode, ca: () => string | undefined): DriverTlsConfig | undefined {
  if (mode === 'disable') return undefined;
  if (mode === 'require') return { rejectUnauthorized: false, minVersion: 'TLSv1.2' };
  const bundle = ca();
  return {
    rejectUnauthorized: true,
    verifyIdentity: true,
    minVersion: 'TLSv1.2',
    ...(bundle !== undefined && { ca: bundle }),
  };
}

/**
 * Why a host cannot be verified in this mode, if it cannot. mysql2 sends no server name for an IP
 * address, and Node then checks the certificate against "localhost" instead of the IP (unlike pg,
 * mysql2 takes no `checkServerIdentity` of ours): verify-full would be weaker than it claims, so
 * it is refused rather than quietly weakened.
 */
function unverifiableHost(mode: TlsMode, host: string): string | undefined {
  if (mode !== 'verify-full' || isIP(host) === 0) return undefined;
  return (
    `the host ${host} is an IP address, which cannot be checked against the server certificate; ` +
    'connect by host name, or choose mode "require"'
  );
}

/** mysql2 renames certificate errors HANDSHAKE_SSL_ERROR; the message keeps the reason. */
const TLS_ERROR_CODE =
  /^(ERR_TLS_|ERR_SSL_|EPROTO$|HANDSHAKE_SSL_ERROR$|HANDSHAKE_NO_SSL_SUPPORT$)|CERT|SELF_SIGNED|UNABLE_TO_/;
const CERTIFICATE_MESSAGE = /certificate|self[- ]signed|issuer/i;

/** Why a connection error is a TLS failure, or undefined when it is not one. */
function tlsFailureDetail(error: { code?: unknown; message?: unknown; library?: unknown }, where: string) {
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message : '';
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') return `the server at ${where} does not offer TLS`;
  if (!TLS_ERROR_CODE.test(code) && error.library !== 'SSL routines') return undefined;
  if (/altnames/i.test(message)) return `the certificate of ${where} does not name the host (${message})`;
  if (CERTIFICATE_MESSAGE.test(message)) {
    return (
      `the certificate of ${where} could not be verified (${message}); ` +
      `give its CA bundle with the "tls.ca" option, ${CA_BUNDLE_ENV} or ${CA_BUNDLE_FILE_ENV}`
    );
  }
  return `the TLS handshake with ${where} failed (${code}: ${message})`;
}

export { driverTlsConfig, tlsFailureDetail, unverifiableHost };
export type { DriverTlsConfig, MySqlTlsOptions };
