/**
 * A small HTTP API-key service for the example adapter's tests (examples/api-key-service): users,
 * each with one or more valid API keys (stored as SHA-256 hashes), and an `admin` who may change
 * anyone's keys. Binds 127.0.0.1 on a free port and answers only loopback `Host` headers.
 *
 *   GET  /v1/whoami                    Basic auth -> 200 { user } | 401
 *   PUT  /v1/users/:user/keys          { keys: [k] }  replace every key        -> 204 | 401 | 403 | 404
 *   POST /v1/users/:user/keys          { key }        add a key, keep the rest -> 204 | 401 | 403 | 404
 *   POST /v1/users/:user/keys/retire   { keep: [k] }  drop all keys not kept   -> 204 | 401 | 403 | 404
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../../src/local/net/loopback.js';

interface ApiKeyService {
  readonly host: string;
  readonly port: number;
  readonly admin: { username: string; password: string };
  /** Creates or resets a user with exactly this key (setup, not through the API). */
  setUser(username: string, key: string): void;
  deleteUser(username: string): void;
  /** Requests served so far, by method and route (for assertions). */
  readonly requests: string[];
  stop(): Promise<void>;
}

const hash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  try {
    const value: unknown = JSON.parse(body || '{}');
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function credentials(request: IncomingMessage): { user: string; key: string } | undefined {
  const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

async function startApiKeyService(): Promise<ApiKeyService> {
  const users = new Map<string, Set<string>>();
  const requests: string[] = [];
  const admin = { username: 'admin', password: randomBytes(18).toString('base64url') };
  users.set(admin.username, new Set([hash(admin.password)]));

  const send = (response: ServerResponse, status: number, body?: object) => {
    response.writeHead(status, body ? { 'content-type': 'application/json' } : {});
    response.end(body ? JSON.stringify(body) : undefined);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const hostHeader = (request.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopbackHost(hostHeader)) return send(response, 421, { error: 'not a loopback Host' });
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const who = credentials(request);
      const keys = who && users.get(who.user);
      const authenticated = who !== undefined && keys !== undefined && keys.has(hash(who.key));
      const route = /^\/v1\/users\/([^/]+)\/keys(\/retire)?$/.exec(url.pathname);
      requests.push(`${request.method} ${route ? `/v1/users/:user/keys${route[2] ?? ''}` : url.pathname}`);
      if (!authenticated) return send(response, 401, { error: 'unauthorized' });
      if (request.method === 'GET' && url.pathname === '/v1/whoami')
        return send(response, 200, { user: who.user });
      if (!route?.[1]) return send(response, 404, { error: 'no such route' });
      const target = decodeURIComponent(route[1]);
      if (who.user !== target && who.user !== admin.username)
        return send(response, 403, { error: 'forbidden' });
      const targetKeys = users.get(target);
      if (!targetKeys) return send(response, 404, { error: 'no such user' });
      const body = await readJson(request);
      const list = (value: unknown) =>
        Array.isArray(value) && value.every((k) => typeof k === 'string' && k.length > 0)
          ? (value as string[])
          : undefined;
      if (request.method === 'PUT' && !route[2]) {
        const replacement = list(body.keys);
        if (!replacement?.length) return send(response, 400, { error: 'keys: a non-empty list of strings' });
        users.set(target, new Set(replacement.map(hash)));
        return send(response, 204);
      }
      if (request.method === 'POST' && !route[2]) {
        if (typeof body.key !== 'string' || body.key.length === 0)
          return send(response, 400, { error: 'key' });
        targetKeys.add(hash(body.key));
        return send(response, 204);
      }
      if (request.method === 'POST' && route[2]) {
        const keep = list(body.keep);
        if (!keep) return send(response, 400, { error: 'keep: a list of strings' });
        const kept = new Set(keep.map(hash));
        for (const key of [...targetKeys]) if (!kept.has(key)) targetKeys.delete(key);
        return send(response, 204);
      }
      return send(response, 405, { error: 'method not allowed' });
    })().catch(() => send(response, 500, { error: 'internal error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    admin,
    requests,
    setUser: (username, key) => void users.set(username, new Set([hash(key)])),
    deleteUser: (username) => void users.delete(username),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { startApiKeyService };
export type { ApiKeyService };
