/**
 * TLS settings every database adapter reads the same way: the mode names, which mode wins, and
 * which CAs to trust. How a mode becomes a driver's options, and how a driver reports a TLS
 * failure, stay in each adapter's own `tls.ts`. There is no "prefer" mode: a mode that asks for
 * TLS either gets it or fails with `TlsRequiredError`, never falls back to plaintext.
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../../shared/errors.js';

/** The TLS mode names, in the order error messages list them. */
const TLS_MODES = ['disable', 'require', 'verify-full'] as const;
/**
 * - `disable`: plaintext. Only when asked for explicitly.
 * - `require`: encrypted, the server's certificate is not checked (stops passive eavesdropping only).
 * - `verify-full`: encrypted, the certificate must chain to a trusted CA and name the host. The default.
 */
type TlsMode = (typeof TLS_MODES)[number];
/** Each mode's strictness, for "a pending version may ask for stricter TLS, never weaker". */
const TLS_MODE_STRENGTH: Readonly<Record<TlsMode, number>> = { disable: 0, require: 1, 'verify-full': 2 };
/** The mode used when neither the adapter option nor the secret names one. */
const DEFAULT_TLS_MODE: TlsMode = 'verify-full';

/** Environment variable holding the CA bundle for `verify-full` as PEM text. */
const CA_BUNDLE_ENV = 'ROTATION_KIT_CA_BUNDLE';
/** Environment variable holding the path of a PEM file with the CA bundle for `verify-full`. */
const CA_BUNDLE_FILE_ENV = 'ROTATION_KIT_CA_BUNDLE_FILE';

/** An adapter's `tls` option. */
interface TlsOptions {
  /** Wins over the secret's `sslmode`/`ssl`. Unset: the secret decides; neither: `verify-full`. */
  mode?: TlsMode;
  /**
   * CAs to trust for `verify-full`, replacing Node's default list: PEM text, or a path to a PEM file.
   * Unset: `ROTATION_KIT_CA_BUNDLE` (PEM text) or `ROTATION_KIT_CA_BUNDLE_FILE` (path); neither:
   * Node's default CAs (which `NODE_EXTRA_CA_CERTS` extends).
   */
  ca?: string;
}

/** `mode` as a TlsMode; otherwise a ConfigurationError naming `setting`. */
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

/**
 * The CA bundle for `verify-full`, or undefined for Node's default CAs: the `tls.ca` option (PEM
 * text or a file path), else `ROTATION_KIT_CA_BUNDLE`, else `ROTATION_KIT_CA_BUNDLE_FILE`.
 * Throws ConfigurationError when the source holds no certificate, cannot be read, or both
 * environment variables are set.
 */
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

/** The mode that applies: the adapter option first, then the secret's, then the secure default. */
function effectiveTlsMode(optionMode: TlsMode | undefined, secretMode: TlsMode | undefined): TlsMode {
  return optionMode ?? secretMode ?? DEFAULT_TLS_MODE;
}

export {
  TLS_MODE_STRENGTH,
  CA_BUNDLE_ENV,
  CA_BUNDLE_FILE_ENV,
  DEFAULT_TLS_MODE,
  TLS_MODES,
  checkTlsMode,
  effectiveTlsMode,
  loadCaBundle,
};
export type { TlsMode, TlsOptions };
