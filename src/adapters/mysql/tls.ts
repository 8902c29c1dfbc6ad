/**
 * TLS for MySQL/MariaDB connections, with the PostgreSQL adapter's names and precedence: the
 * `tls.mode` option, else the secret's `sslmode`/`ssl`, else `verify-full`; the CA bundle from
 * `tls.ca`, `ROTATION_KIT_CA_BUNDLE` or `ROTATION_KIT_CA_BUNDLE_FILE`. There is no "prefer" mode:
 * a mode that asks for TLS gets it or fails with `TlsRequiredError`, never falls back to plaintext.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigurationError } from '../../shared/errors.js';

/**
 * - `disable`: plaintext. Only when asked for explicitly.
 * - `require`: encrypted, the server's certificate is not checked (stops passive eavesdropping only).
 * - `verify-full`: encrypted, certificate chain and host name checked. The default.
 */
const TLS_MODES = ['disable', 'require', 'verify-full'] as const;
type TlsMode = (typeof TLS_MODES)[number];
const DEFAULT_TLS_MODE: TlsMode = 'verify-full';

/** Environment variables naming the CA bundle: the PEM text itself, or a path to a PEM file. */
const CA_BUNDLE_ENV = 'ROTATION_KIT_CA_BUNDLE';
const CA_BUNDLE_FILE_ENV = 'ROTATION_KIT_CA_BUNDLE_FILE';

interface MySqlTlsOptions {
  /** Wins over the secret's `sslmode`/`ssl`. Unset: the secret decides; neither: `verify-full`. */
  mode?: TlsMode;
  /**
   * CAs to trust for `verify-full`, replacing Node's default list: PEM text, or a path to a PEM file.
   * Unset: `ROTATION_KIT_CA_BUNDLE` (PEM text) or `ROTATION_KIT_CA_BUNDLE_FILE` (path); neither:
   * Node's default CAs (which `NODE_EXTRA_CA_CERTS` extends).
   */
  ca?: string;
}

/** The slice of Node's TLS options the driver takes (mysql2's `ssl`). */
interface DriverTlsConfig {
  rejectUnauthorized: boolean;
  verifyIdentity?: boolean;
  ca?: string;
  minVersion: 'TLSv1.2';
}

function checkTlsMode(mode: unknown, setting: string): TlsMode {
  if (typeof mode === 'string' && (TLS_MODES as readonly string[]).includes(mode)) return mode as TlsMode;
  throw new ConfigurationError(setting, `one of ${TLS_MODES.map((name) => `"${name}"`).join(', ')}`);
}

function readPem(text: string, setting: string): string {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigurationError(setting, 'PEM text with at least one "BEGIN CERTIFICATE" block');
  }
  return text;
}

function readPemFile(file: string, setting: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigurationError(setting, 'the path of a readable PEM file');
  }
  return readPem(text, setting);
}

/** The CA bundle for `verify-full`, or undefined for Node's default CAs. */
function loadCaBundle(ca: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (ca !== undefined) {
    return ca.includes('-----BEGIN') ? readPem(ca, 'tls.ca') : readPemFile(ca, 'tls.ca');
  }
  const pem = env[CA_BUNDLE_ENV];
  const file = env[CA_BUNDLE_FILE_ENV];
  if (pem && file)
    throw new ConfigurationError(CA_BUNDLE_ENV, `to be unset when ${CA_BUNDLE_FILE_ENV} is set`);
  if (pem) return readPem(pem, CA_BUNDLE_ENV);
  if (file) return readPemFile(file, CA_BUNDLE_FILE_ENV);
  return undefined;
}

/** Option first, then the secret, then the secure default. */
function effectiveTlsMode(optionMode: TlsMode | undefined, secretMode: TlsMode | undefined): TlsMode {
  return optionMode ?? secretMode ?? DEFAULT_TLS_MODE;
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

export {
  CA_BUNDLE_ENV,
  CA_BUNDLE_FILE_ENV,
  DEFAULT_TLS_MODE,
  TLS_MODES,
  checkTlsMode,
  driverTlsConfig,
  effectiveTlsMode,
  loadCaBundle,
  tlsFailureDetail,
  unverifiableHost,
};
export type { DriverTlsConfig, MySqlTlsOptions, TlsMode };
