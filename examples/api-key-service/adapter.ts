import type { DatabaseAdapter, PasswordChange } from '../../src/index.js';
import {
  ConfigurationError,
  DatabaseConnectionError,
  LoginFailedError,
  RoleNotFoundError,
} from '../../src/index.js';
import { API_KEY_ENGINES, parseApiKeySecret } from './secret.js';
import type { ApiKeySecret } from './secret.js';

interface ApiKeyAdapterOptions {
  /** How long to wait for each request, in milliseconds. Default 5000. */
  timeoutMs?: number;
}

/** The HTTP call's outcome: the status, or a named error for anything but an answer. */
async function call(
  secret: ApiKeySecret,
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  timeoutMs: number,
  body?: object,
): Promise<number> {
  const url = `${secret.tls ? 'https' : 'http'}://${secret.host}:${secret.port}${path}`;
  const authorization = Buffer.from(`${secret.username}:${secret.password}`, 'utf8').toString('base64');
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Basic ${authorization}`,
        ...(body && { 'content-type': 'application/json' }),
      },
      ...(body && { body: JSON.stringify(body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // fetch's errors name the URL, never the headers or body; only the name and code go on.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const detail = typeof cause?.code === 'string' ? cause.code : (error as Error).name;
    throw new DatabaseConnectionError(
      `${method} ${path} on ${secret.host}:${secret.port} failed (${detail})`,
      {
        host: secret.host,
        port: secret.port,
      },
    );
  }
  await response.body?.cancel();
  return response.status;
}

function assertChange(change: PasswordChange): void {
  if (typeof change?.username !== 'string' || change.username.length === 0) {
    throw new ConfigurationError('change.username', 'a non-empty string');
  }
  if (typeof change.password !== 'string' || change.password.length === 0) {
    throw new ConfigurationError('change.password', 'a non-empty string');
  }
}

/** Every status but 2xx becomes the named error the engine expects. */
function expectNoContent(status: number, login: ApiKeySecret, username: string, what: string): void {
  if (status >= 200 && status < 300) return;
  if (status === 401) {
    throw new LoginFailedError(`the service rejected the API key of "${login.username}"`, { status });
  }
  if (status === 404) throw new RoleNotFoundError(username);
  const hint = status === 403 ? ': the login may change only its own keys (use a superuser)' : '';
  throw new DatabaseConnectionError(`${what} for "${username}" failed with HTTP ${status}${hint}`, {
    status,
  });
}

/**
 * The worked example of README "Your own adapter": API keys of an HTTP service, rotated like
 * passwords. The API key is the secret's `password`; `canLogin` is `GET /v1/whoami` with Basic auth.
 * Has the dual-password capability: the service holds several keys per user.
 */
function createApiKeyAdapter(options: ApiKeyAdapterOptions = {}): DatabaseAdapter<ApiKeySecret> {
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigurationError('timeoutMs', 'a positive whole number of milliseconds');
  }
  const keysPath = (username: string) => `/v1/users/${encodeURIComponent(username)}/keys`;

  return {
    engines: API_KEY_ENGINES,
    // Where and as whom a request goes: a pending version may not change these.
    connectionKeys: ['engine', 'host', 'port', 'username'],
    // A pending version may turn HTTPS on, never off.
    tlsStrength: (secret) => (secret.tls ? 1 : 0),
    parseSecret: parseApiKeySecret,

    async canLogin(secret) {
      const status = await call(secret, 'GET', '/v1/whoami', timeoutMs);
      if (status === 200) return true;
      if (status === 401) return false;
      throw new DatabaseConnectionError(`GET /v1/whoami answered HTTP ${status}`, { status });
    },

    async setPassword(login, change) {
      assertChange(change);
      const status = await call(login, 'PUT', keysPath(change.username), timeoutMs, {
        keys: [change.password],
      });
      expectNoContent(status, login, change.username, 'replacing the keys');
    },

    dualPassword: {
      async addPassword(login, change) {
        assertChange(change);
        const status = await call(login, 'POST', keysPath(change.username), timeoutMs, {
          key: change.password,
        });
        expectNoContent(status, login, change.username, 'adding a key');
      },
      async retirePasswords(login, username, keep) {
        assertChange({ username, password: keep[0] ?? '' });
        const status = await call(login, 'POST', `${keysPath(username)}/retire`, timeoutMs, { keep });
        expectNoContent(status, login, username, 'retiring the other keys');
      },
    },
  };
}

export { createApiKeyAdapter };
export type { ApiKeyAdapterOptions };
