/**
 * TLS for PostgreSQL connections: how a mode becomes the pg driver's `ssl` setting, and how a TLS
 * failure is reported. The mode names, their precedence and the CA bundle are shared with the other
 * adapters (`../shared/tls-settings.ts`). There is no "prefer" mode and no retry without TLS: a mode
 * that asks for TLS either gets it or fails with `TlsRequiredError`.
 */
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { TlsRequiredError } from '../../shared/errors.js';
import { CA_BUNDLE_ENV, CA_BUNDLE_FILE_ENV, type TlsMode, type TlsOptions } from '../shared/tls-settings.js';

/** The adapter's `tls` option: the mode, and the CAs to trust for `verify-full`. */
type PostgresTlsOptions = TlsOptions;

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

export { driverTlsConfig, tlsFailure };
export type { PostgresTlsOptions };
