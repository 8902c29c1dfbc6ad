/**
 * One short-lived, authenticated Redis connection per operation, closed on every path. Failures
 * become named errors (`LoginFailedError` only for WRONGPASS), never with a password in them:
 * ioredis attaches a command's arguments to every reply error, so its errors never escape.
 */
import type { ConnectionOptions } from 'node:tls';
import {
  DatabaseConnectionError,
  LoginFailedError,
  MissingDependencyError,
  TlsRequiredError,
} from '../../shared/errors.js';
import { checkDriverInstalled, loadDriver } from '../shared/driver.js';
import type { TlsMode } from '../shared/tls-settings.js';
import type { RedisSecret } from './secret.js';

/** The slice of an ioredis client this adapter calls: pass your own (instrumented) one if you like. */
interface RedisClient {
  connect(): Promise<void>;
  /** Sends one command; every argument travels as its own RESP bulk string (binary-safe, unquoted). */
  call(command: string, ...args: string[]): Promise<unknown>;
  disconnect(): void;
  /** `end` once the connection is gone for good. */
  readonly status: string;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the adapter passes to the driver. One attempt, no reconnects, no queued commands. */
interface RedisClientOptions {
  host: string;
  port: number;
  tls?: ConnectionOptions;
  connectTimeout: number;
  commandTimeout: number;
  lazyConnect: true;
  maxRetriesPerRequest: 0;
  retryStrategy: () => null;
  enableOfflineQueue: false;
  /** No INFO before AUTH: the server would answer NOAUTH. */
  enableReadyCheck: false;
  /** RESP2: understood by every Redis 6+ server; RESP3's HELLO would need credentials up front. */
  protocol: 2;
  /** No CLIENT SETINFO before AUTH either. */
  disableClientInfo: true;
}

/** The slice of ioredis the adapter needs: pass your own (instrumented) one if you like. */
interface RedisDriver {
  createClient(options: RedisClientOptions): RedisClient | Promise<RedisClient>;
  /** Throws MissingDependencyError when the driver is not installed, without loading it. */
  checkInstalled?(): Promise<void>;
}

interface SessionSettings {
  driver: RedisDriver;
  timeoutMs: number;
  tlsMode(secret: RedisSecret): TlsMode;
  /** The CA bundle for `verify-full`; undefined: Node's default CAs. Read at the first such connection. */
  caBundle(): string | undefined;
}

/** An authenticated connection. Every failure it throws is sanitized (see `sendCommand`). */
interface RedisSession {
  /** Runs one command; `what` names it in errors; `secrets` are scrubbed from error text. */
  call(what: string, args: readonly string[], secrets?: readonly string[]): Promise<unknown>;
}

const ADAPTER = 'The Redis adapter';

/** ioredis, loaded at the first connection (an optional peer dependency, like `pg` and `mysql2`). */
const defaultDriver: RedisDriver = {
  checkInstalled: () =>
    checkDriverInstalled(
      'ioredis',
      ADAPTER,
      () => import('ioredis/package.json', { with: { type: 'json' } }),
    ),
  async createClient(options) {
    const { Redis } = await loadDriver('ioredis', ADAPTER, () => import('ioredis'));
    return new Redis(options) as unknown as RedisClient;
  },
};

/** ioredis's `tls` option for a mode; undefined means plaintext. No mode falls back to plaintext. */
function driverTls(mode: TlsMode, caBundle: () => string | undefined): ConnectionOptions | undefined {
  if (mode === 'disable') return undefined;
  if (mode === 'require') return { rejectUnauthorized: false, minVersion: 'TLSv1.2' };
  const ca = caBundle();
  // Node checks the certificate against the host (name or IP address) it connects to.
  return { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(ca !== undefined && { ca }) };
}

/** Node's codes for a TLS handshake or certificate failure. */
const TLS_ERROR =
  /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;

/** The first word of a Redis error reply is its code: WRONGPASS, NOPERM, ERR, LOADING, ... */
function replyCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'ReplyError') return undefined;
  return /^([A-Z]+)\b/.exec(error.message)?.[1];
}

function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('***');
  return result;
}

/**
 * A copy of a driver error that keeps its name, code and scrubbed message. The original never
 * escapes: ioredis attaches the command's arguments (passwords included) to every reply error.
 */
function sanitizedCause(error: unknown, secrets: readonly string[]): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(scrub(source.message, secrets));
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  return typeof code === 'string' ? Object.assign(copy, { code }) : copy;
}

function label(error: unknown, secrets: readonly string[]): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return scrub(typeof code === 'string' ? `${code}: ${message}` : message, secrets);
}

function where(secret: RedisSecret): string {
  return `${secret.host}:${secret.port}`;
}

/** Classifies a failure to connect or authenticate. Only WRONGPASS means "wrong credentials". */
function connectError(error: unknown, secret: RedisSecret, mode: TlsMode): Error {
  const secrets = [secret.password];
  const cause = sanitizedCause(error, secrets);
  const context = { host: secret.host, port: secret.port, username: secret.username };
  const reply = replyCode(error);
  if (reply === 'WRONGPASS') {
    return new LoginFailedError(
      `${where(secret)} rejected the credentials of user "${secret.username}" (WRONGPASS)`,
      { ...context, redisError: reply },
      { cause },
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (mode !== 'disable' && typeof code === 'string' && TLS_ERROR.test(code)) {
    return new TlsRequiredError(
      mode,
      `no trusted TLS connection to ${where(secret)} (${label(error, secrets)})`,
      { cause },
    );
  }
  let hint = '';
  if (/wrong number of arguments for 'auth'/i.test(cause.message)) {
    hint = ': the server has no ACL users (Redis 6 or later is needed)';
  } else if (mode !== 'disable' && code === 'ETIMEDOUT') {
    // A plaintext Redis port waits for a newline that a TLS handshake never sends.
    hint = ': the secret asks for TLS; does that port speak TLS?';
  }
  return new DatabaseConnectionError(
    `Cannot log in to ${where(secret)} as "${secret.username}" (${label(error, secrets)})${hint}`,
    { ...context, ...(reply ? { redisError: reply } : {}) },
    { cause },
  );
}

/** Runs one command; a failure becomes a DatabaseConnectionError with every secret scrubbed. */
async function sendCommand(
  client: RedisClient,
  what: string,
  args: readonly string[],
  secrets: readonly string[],
): Promise<unknown> {
  const [command, ...rest] = args;
  if (command === undefined) throw new TypeError('sendCommand: no command');
  try {
    return await client.call(command, ...rest);
  } catch (error) {
    const reply = replyCode(error);
    throw new DatabaseConnectionError(
      `${what} failed (${label(error, secrets)})`,
      reply ? { redisError: reply } : {},
      { cause: sanitizedCause(error, secrets) },
    );
  }
}

/**
 * Connects, authenticates with `AUTH <username> <password>`, runs `work`, and always disconnects.
 * Throws LoginFailedError when the server answers WRONGPASS, DatabaseConnectionError or
 * TlsRequiredError for any other fault.
 */
async function withSession<T>(
  secret: RedisSecret,
  settings: SessionSettings,
  work: (session: RedisSession) => Promise<T>,
): Promise<T> {
  const mode = settings.tlsMode(secret);
  const tls = driverTls(mode, settings.caBundle);
  const client = await settings.driver.createClient({
    host: secret.host,
    port: secret.port,
    ...(tls !== undefined && { tls }),
    connectTimeout: settings.timeoutMs,
    commandTimeout: settings.timeoutMs,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    protocol: 2,
    disableClientInfo: true,
  });
  // ioredis rejects connect() with a bare "Connection is closed"; the reason arrives as an event.
  let lastError: Error | undefined;
  client.on('error', (error) => (lastError = error));
  try {
    try {
      await client.connect();
      await client.call('AUTH', secret.username, secret.password);
    } catch (error) {
      // A reply (WRONGPASS, ...) is the answer itself; anything else is explained by the event.
      if (error instanceof MissingDependencyError) throw error;
      throw connectError(replyCode(error) ? error : (lastError ?? error), secret, mode);
    }
    return await work({
      call: (what, args, secrets = []) => sendCommand(client, what, args, [secret.password, ...secrets]),
    });
  } finally {
    // Disconnecting a connection that already ended would leave ioredis's 2 s close timer behind.
    if (client.status !== 'end') client.disconnect();
  }
}

export { defaultDriver, replyCode, withSession };
export type { RedisClient, RedisClientOptions, RedisDriver, RedisSession, SessionSettings };
