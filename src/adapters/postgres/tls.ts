/**
 * TLS for PostgreSQL connections: which mode applies, which CAs to trust, and how a TLS failure is
 * reported. There is no "prefer" mode and no retry without TLS: a mode that asks for TLS either gets
 * it or fails with `TlsRequiredError`.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { ConfigurationError, TlsRequiredError } from '../../shared/errors.js';
import { TLS_MODES, secretTlsMode, type PostgresSecret, type TlsMode } from './secret.js';

/** Environment variable holding the CA bundle for `verify-full` as PEM text. */
const CA_BUNDLE_ENV = 'ROTATION_KIT_CA_BUNDLE';
/** Environment variable holding the path of a PEM file with the CA bundle for `verify-full`. */
const CA_BUNDLE_FILE_ENV = 'ROTATION_KIT_CA_BUNDLE_FILE';
const DEFAULT_TLS_MODE: TlsMode = 'verify-full';

interface PostgresTlsOptions {
  /** Wins over the secret's `sslmode`/`ssl`. Unset: the secret decides; neither: `verify-full`. */
  mode?: TlsMode;
  /**
   * CAs to trust for `verify-full`, replacing Node's default list: PEM text, or a path to a PEM file.
   * Unset: `ROTATION_KIT_CA_BUNDLE` (PEM text) or `ROTATION_KIT_CA_BUNDLE_FILE` (path); neither:
   * Node's default CAs.
   */
  ca?: string;
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
function effectiveTlsMode(optionMode: TlsMode | undefined, secret: PostgresSecret): TlsMode {
  return optionMode ?? secretTlsMode(secret) ?? DEFAULT_TLS_MODE;
}

/** The `ssl` setting for the pg driver. `ca` is only called for `verify-full`. */
function driverTlsConfig(
  mode: TlsMode,
  host: string,
  ca: () => string | undefined,
): false | ConnectionOptions {
  if (mode === 'disable') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  const bundle = ca();
  return {
    rejectUnauthorized: true,
    ...(bundle === undefined ? {} : { ca: bundle }),
    ...(isIP(host) === 0 ? { servername: host } : {}),
    // Check the name we were asked to reach, whatever the driver version passes to tls.connect.
    checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
  };
}

const CERTIFICATE_CODE =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|PATH_LENGTH_|HOSTNAME_MISMATCH)/;

/** A TlsRequiredError when `error` is a TLS failure under a TLS mode, else undefined. */
function tlsFailure(error: unknown, mode: TlsMode, host: string, port: number): TlsRequiredError | undefined {
  // Duck-typed: errors from Node's TLS layer may come from another realm (e.g. under Jest).
  const { message, code, library } = (error ?? {}) as {
    message?: unknown;
    code?: unknown;
    library?: unknown;
  };
  if (mode === 'disable' || typeof message !== 'string') return undefined;
  const where = `${host}:${port}`;
  let detail: string | undefined;
  if (message === 'The server does not support SSL connections') {
    detail = `the server at ${where} does not offer TLS`;
  } else if (message === 'There was an error establishing an SSL connection') {
    detail = `the server at ${where} refused the TLS request`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    detail = `the certificate of ${where} does not name host "${host}"`;
  } else if (typeof code === 'string' && CERTIFICATE_CODE.test(code)) {
    detail =
      `the certificate of ${where} could not be verified (${code}); ` +
      `give its CA bundle with the "tls.ca" option, ${CA_BUNDLE_ENV} or ${CA_BUNDLE_FILE_ENV}`;
  } else if ((typeof code === 'string' && /^ERR_(SSL|TLS)_/.test(code)) || library === 'SSL routines') {
    detail = `the TLS handshake with ${where} failed (${String(code ?? message)})`;
  }
  return detail === undefined ? undefined : new TlsRequiredError(mode, detail, { cause: error });
}

export {
  CA_BUNDLE_ENV,
  CA_BUNDLE_FILE_ENV,
  DEFAULT_TLS_MODE,
  checkTlsMode,
  driverTlsConfig,
  effectiveTlsMode,
  loadCaBundle,
  tlsFailure,
};
export type { PostgresTlsOptions };
