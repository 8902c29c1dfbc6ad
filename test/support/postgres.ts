/**
 * Helpers for tests against the real PostgreSQL that Jest's globalSetup starts
 * (test/support/postgres-server.mjs), and for starting extra private servers (TLS, hot standby).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { PostgresSecret } from '../../src/adapters/postgres/secret.js';

const run = promisify(execFile);
const SERVER_SCRIPT = path.join(__dirname, 'postgres-server.mjs');
const READY_MARKER = 'ROTATION_KIT_PG_READY';
/** Group role whose members log in with `md5` (see postgres-server.mjs). */
const MD5_CLIENTS_ROLE = 'rotation_kit_md5_clients';
/** Group role whose members may only log in over TLS (see postgres-server.mjs). */
const TLS_ONLY_ROLE = 'rotation_kit_tls_only';

interface PostgresServerEnv {
  ROTATION_KIT_PG_HOST: string;
  ROTATION_KIT_PG_PORT: string;
  ROTATION_KIT_PG_USER: string;
  ROTATION_KIT_PG_PASSWORD: string;
  ROTATION_KIT_PG_DATABASE: string;
}

interface PostgresAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

function addressOf(env: Partial<PostgresServerEnv> | NodeJS.ProcessEnv): PostgresAddress {
  const { ROTATION_KIT_PG_HOST: host, ROTATION_KIT_PG_PORT: port, ROTATION_KIT_PG_USER: user } = env;
  const { ROTATION_KIT_PG_PASSWORD: password, ROTATION_KIT_PG_DATABASE: database } = env;
  if (!host || !port || !user || !password || !database) {
    throw new Error(
      'ROTATION_KIT_PG_* is not set: run the tests through Jest so globalSetup starts PostgreSQL',
    );
  }
  return { host, port: Number(port), user, password, database };
}

/** The globalSetup server's superuser address. */
function postgresAddress(): PostgresAddress {
  return addressOf(process.env);
}

/** A secret for the superuser of `address` (default: the globalSetup server), plaintext unless overridden. */
function superuserSecret(
  overrides: Partial<PostgresSecret> = {},
  address = postgresAddress(),
): PostgresSecret {
  return {
    engine: 'postgres',
    host: address.host,
    port: address.port,
    username: address.user,
    password: address.password,
    dbname: address.database,
    sslmode: 'disable',
    ...overrides,
  };
}

/** A secret for `username`/`password` on the same server as `base`. */
function userSecret(base: PostgresSecret, username: string, password: string): PostgresSecret {
  return { ...base, username, password };
}

/** Runs `work` with a superuser connection, closed afterwards. */
async function withSuperuser<T>(
  work: (client: Client) => Promise<T>,
  address = postgresAddress(),
): Promise<T> {
  const client = new Client({ ...address, ssl: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A role name no other test (or concurrent run) uses: `prefix` plus random hex. */
function uniqueRole(prefix = 'rk'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A random password of letters and digits. */
function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Creates a login role with a plaintext password hashed by the server (test setup only; the
 * adapter never sends plaintext). `extra` is appended to CREATE ROLE's options.
 */
async function createRole(
  name: string,
  password: string,
  extra = '',
  address = postgresAddress(),
): Promise<void> {
  await withSuperuser(async (client) => {
    await client.query(
      `CREATE ROLE ${client.escapeIdentifier(name)} LOGIN PASSWORD ${client.escapeLiteral(password)} ${extra}`,
    );
  }, address);
}

/** Drops roles and everything they own, ignoring those that do not exist. */
async function dropRoles(names: string[], address = postgresAddress()): Promise<void> {
  await withSuperuser(async (client) => {
    for (const name of names) {
      const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      if (rows.length === 0) continue;
      const role = client.escapeIdentifier(name);
      await client.query(`DROP OWNED BY ${role} CASCADE`);
      await client.query(`DROP ROLE ${role}`);
    }
  }, address);
}

/** The stored verifier of `name` (pg_authid.rolpassword), or null. */
async function storedVerifier(name: string, address = postgresAddress()): Promise<string | null> {
  return withSuperuser(async (client) => {
    const { rows } = await client.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [name]);
    return (rows[0]?.rolpassword as string | null | undefined) ?? null;
  }, address);
}

/** Sessions open on the server whose application_name is `applicationName`. */
async function sessionCount(applicationName: string, address = postgresAddress()): Promise<number> {
  return withSuperuser(async (client) => {
    const { rows } = await client.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return rows[0].n as number;
  }, address);
}

/** Logs in with pg directly (not through the adapter): resolves true, or false on SQLSTATE 28P01. */
async function loginWorks(secret: PostgresSecret): Promise<boolean> {
  const client = new Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
    ssl: false,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface SpawnedPostgres {
  address: PostgresAddress;
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL in a child process (test files cannot import the ESM server module).
 * Options are those of `startPostgres` in postgres-server.mjs (`tls`, `standby`). The server stops
 * and its directory goes when `stop()` is called or this process exits (the child watches its stdin).
 */
async function spawnPostgres(options: {
  tls?: { certFile: string; keyFile: string };
  standby?: boolean;
}): Promise<SpawnedPostgres> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const env = await new Promise<PostgresServerEnv>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((text) => text.startsWith(READY_MARKER));
      if (line) resolve((JSON.parse(line.slice(READY_MARKER.length)) as { env: PostgresServerEnv }).env);
    });
    child.once('exit', (code) =>
      reject(new Error(`PostgreSQL child exited (${code}) before ready:\n${stderr}`)),
    );
  });
  return {
    address: addressOf(env),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

interface TestCertificates {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  caPem: string;
  remove(): Promise<void>;
}

/**
 * A throwaway CA and a server certificate it signs for `subjectAltName` (default IP 127.0.0.1 and
 * DNS localhost), made with the openssl command-line tool.
 */
async function createTestCertificates(
  subjectAltName = 'IP:127.0.0.1,DNS:localhost',
): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-pg-certs-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) =>
    run('openssl', args).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      throw new Error('The TLS tests need the openssl command (Debian: apt-get install -y openssl)');
    });
  try {
    const newKey = ['-newkey', 'rsa:2048', '-nodes'];
    await openssl(
      'req',
      '-x509',
      ...newKey,
      '-days',
      '2',
      '-subj',
      '/CN=rotation-kit test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    );
    await openssl(
      'req',
      ...newKey,
      '-subj',
      '/CN=rotation-kit test server',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
    );
    await writeFile(file('server.ext'), `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\n`);
    await openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file('server.ext'),
      '-out',
      file('server.pem'),
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    caPem: await readFile(file('ca.pem'), 'utf8'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export {
  MD5_CLIENTS_ROLE,
  TLS_ONLY_ROLE,
  createRole,
  createTestCertificates,
  dropRoles,
  loginWorks,
  postgresAddress,
  randomPassword,
  sessionCount,
  spawnPostgres,
  storedVerifier,
  superuserSecret,
  uniqueRole,
  userSecret,
  withSuperuser,
};
export type { PostgresAddress, SpawnedPostgres, TestCertificates };
