/**
 * A private PgBouncer for tests, in front of a test PostgreSQL (default: the globalSetup server):
 * its own temp dir and ini, a free loopback port, never the system service. Clients must use TLS
 * (`client_tls_sslmode = require`) and SCRAM-SHA-256 (`auth_type = scram-sha-256`).
 *
 * Passwords are not copied into PgBouncer: it looks each login up with `auth_query`, run as an
 * `auth_user` through a SECURITY DEFINER function on the server, so a password changed in
 * PostgreSQL (a rotation) counts at the next login, with no restart or reload of the pooler. Only
 * the `auth_user` itself sits in the `auth_file`, in plaintext (mode 0600, the pooler's OS user),
 * because PgBouncer must log in as it before any client has. PgBouncer then logs in to PostgreSQL
 * for each client by SCRAM pass-through (the keys from the client's own SCRAM exchange), so the
 * stored verifier must be SCRAM-SHA-256.
 *
 * As root, PgBouncer refuses to run; it runs with `-u postgres` (the OS user the test PostgreSQL
 * runs as), and its files belong to that user. Missing pgbouncer: suites skip with the reason, or
 * fail under CI=true.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { PostgresSecret } from '../../src/adapters/postgres/secret.js';
import { freePort, testBinary, waitForExit } from './binaries.js';
import { postgresAddress, withSuperuser, type PostgresAddress, type TestCertificates } from './postgres.js';

const INSTALL_HINT = 'apt-get install -y --no-install-recommends pgbouncer';
/** Debian installs pgbouncer in /usr/sbin, which a non-root PATH may lack. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
/** The OS user PgBouncer runs as under root: the one the test PostgreSQL already runs as. */
const OS_USER = 'postgres';
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs the pooler and ties its life to our stdin: when the test process closes it or dies, the
 * pooler gets SIGTERM (a hard-killed Jest worker must not leave a pooler listening). SIGTERM to
 * this wrapper kills the pooler outright.
 */
const LIFELINE = `
const { spawn } = require('node:child_process');
const [command, ...args] = JSON.parse(process.argv[1]);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (error) => { process.stderr.write(String(error) + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
process.on('SIGTERM', () => child.kill('SIGKILL'));
process.stdin.on('end', () => child.kill('SIGTERM'));
process.stdin.resume();
`;

type PoolMode = 'session' | 'transaction';

interface PgBouncerOptions {
  /** `session` or `transaction` pooling. */
  poolMode: PoolMode;
  /** The certificate and key PgBouncer presents to clients; clients trust `caPem`. */
  tls: TestCertificates;
  /** The PostgreSQL to pool, as its superuser (who sets up the auth_user). Default: globalSetup's. */
  upstream?: PostgresAddress;
}

interface StartedPgBouncer {
  readonly host: string;
  readonly port: number;
  /** The database name clients connect to (an alias of the upstream database of the same name). */
  readonly database: string;
  readonly poolMode: PoolMode;
  /** `pgbouncer --version`'s first line. */
  readonly version: string;
  /** The CA that signed the pooler's certificate. */
  readonly caPem: string;
  /** The auth_user (also the admin console user), for `adminQuery`. */
  readonly authUser: { username: string; password: string };
  /** What the pooler logged so far. */
  logs(): string;
  /** Stops the pooler, removes its directory and drops its auth_user and lookup function. */
  stop(): Promise<void>;
}

/** ROTATION_KIT_PGBOUNCER, when set, is the only binary tried. */
const PGBOUNCER = testBinary({
  name: 'pgbouncer',
  overrideEnv: 'ROTATION_KIT_PGBOUNCER',
  extraDirs: EXTRA_DIRS,
  installHint: INSTALL_HINT,
  suiteLabel: 'PgBouncer',
});

/** Why the PgBouncer tests cannot run here, or undefined when they can. */
const pgbouncerMissingReason = PGBOUNCER.missingReason;

/**
 * `describe` for suites that need pgbouncer. Missing: skipped with the reason in the title (and
 * printed), or, under CI=true, one failing test, so that CI can never pass without running them.
 */
const describeWithPgBouncer = PGBOUNCER.describeWith;

/** uid/gid of the OS user to run as when we are root; undefined when not root. */
function runAsUser(): { name: string; uid: number; gid: number } | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, OS_USER], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      `PgBouncer refuses to run as root and the OS user "${OS_USER}" does not exist; ` +
        'start the tests through Jest (globalSetup creates it with PostgreSQL) or create it',
    );
  }
  return { name: OS_USER, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The auth_user and its lookup function, in a schema of their own on the upstream's database:
 * SECURITY DEFINER, so the auth_user reads verifiers without being a superuser, and only of roles
 * that may log in now. RETURNS TABLE, so an unknown name gives no row (not a row of NULLs).
 */
async function createAuthUser(upstream: PostgresAddress, name: string, password: string): Promise<void> {
  await withSuperuser(async (client) => {
    const id = client.escapeIdentifier(name);
    await client.query(`CREATE ROLE ${id} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    await client.query(`CREATE SCHEMA ${id}`);
    await client.query(`
      CREATE FUNCTION ${id}.user_lookup(username text) RETURNS TABLE (usename name, passwd text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        SELECT rolname, rolpassword FROM pg_authid
         WHERE rolname = username AND rolcanlogin
           AND (rolvaliduntil IS NULL OR rolvaliduntil > now())
      $$`);
    await client.query(`REVOKE ALL ON FUNCTION ${id}.user_lookup(text) FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA ${id} TO ${id}`);
    await client.query(`GRANT EXECUTE ON FUNCTION ${id}.user_lookup(text) TO ${id}`);
  }, upstream);
}

async function dropAuthUser(upstream: PostgresAddress, name: string): Promise<void> {
  await withSuperuser(async (client) => {
    const id = client.escapeIdentifier(name);
    await client.query(`DROP SCHEMA IF EXISTS ${id} CASCADE`);
    await client.query(`DROP ROLE IF EXISTS ${id}`);
  }, upstream);
}

function iniFile(settings: {
  upstream: PostgresAddress;
  port: number;
  poolMode: PoolMode;
  authUser: string;
  authFile: string;
  certFile: string;
  keyFile: string;
}): string {
  const { upstream } = settings;
  return [
    '[databases]',
    `${upstream.database} = host=${upstream.host} port=${upstream.port} dbname=${upstream.database}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${settings.port}`,
    // No unix socket, no pid file, log to stderr: nothing outside our directory.
    'unix_socket_dir =',
    'logfile =',
    'pidfile =',
    `pool_mode = ${settings.poolMode}`,
    'auth_type = scram-sha-256',
    `auth_file = ${settings.authFile}`,
    `auth_user = ${settings.authUser}`,
    `auth_query = SELECT usename, passwd FROM ${settings.authUser}.user_lookup($1)`,
    `admin_users = ${settings.authUser}`,
    'client_tls_sslmode = require',
    `client_tls_cert_file = ${settings.certFile}`,
    `client_tls_key_file = ${settings.keyFile}`,
    // The pooler-to-PostgreSQL hop stays on loopback; the globalSetup server has no TLS.
    'server_tls_sslmode = disable',
    '',
  ].join('\n');
}

/** Resolves when PgBouncer logs "process up"; rejects if it exits or hangs. */
function waitUntilReady(child: ChildProcessWithoutNullStreams, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`pgbouncer not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`));
    }, READY_TIMEOUT_MS);
    const onData = () => {
      if (/process up/.test(output())) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      const error = new Error(`pgbouncer exited during startup (${code}):\n${output()}`);
      reject(Object.assign(error, { portInUse: /Address already in use/i.test(output()) }));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

async function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  child.stdin.end();
  if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
    child.kill('SIGTERM');
    await waitForExit(child, STOP_TIMEOUT_MS);
  }
}

/**
 * Starts a private PgBouncer (see the header comment). Throws when pgbouncer is missing; use
 * `describeWithPgBouncer` to skip instead.
 */
async function startPgBouncer(options: PgBouncerOptions): Promise<StartedPgBouncer> {
  const binary = PGBOUNCER.find();
  if (!binary) throw new Error(pgbouncerMissingReason());
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const upstream = options.upstream ?? postgresAddress();
  const owner = runAsUser();
  const authUser = {
    username: `rk_pgb_${randomBytes(4).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
  };

  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-pgbouncer-'));
  const onExit = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', onExit);
  const file = (name: string) => path.join(dir, name);
  const own = async (target: string, mode: number) => {
    if (owner) await chown(target, owner.uid, owner.gid);
    await chmod(target, mode);
  };

  let child: ChildProcessWithoutNullStreams | undefined;
  let output = '';
  let authUserCreated = false;
  const cleanUp = async () => {
    process.removeListener('exit', onExit);
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    if (authUserCreated) await dropAuthUser(upstream, authUser.username);
  };

  try {
    await own(dir, 0o700);
    await copyFile(options.tls.certFile, file('server.crt'));
    await copyFile(options.tls.keyFile, file('server.key'));
    await own(file('server.crt'), 0o600);
    await own(file('server.key'), 0o600);
    await writeFile(file('userlist.txt'), `"${authUser.username}" "${authUser.password}"\n`);
    await own(file('userlist.txt'), 0o600);
    authUserCreated = true; // dropped with IF EXISTS, so also after a half-done setup
    await createAuthUser(upstream, authUser.username, authUser.password);

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const ini = iniFile({
        upstream,
        port,
        poolMode: options.poolMode,
        authUser: authUser.username,
        authFile: file('userlist.txt'),
        certFile: file('server.crt'),
        keyFile: file('server.key'),
      });
      await writeFile(file('pgbouncer.ini'), ini);
      await own(file('pgbouncer.ini'), 0o600);
      const command = [binary, ...(owner ? ['-u', owner.name] : []), file('pgbouncer.ini')];
      const started = spawn(process.execPath, ['-e', LIFELINE, JSON.stringify(command)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      output = '';
      started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitUntilReady(started, () => output);
      } catch (error) {
        await stopChild(started);
        if ((error as { portInUse?: boolean }).portInUse && attempt < START_ATTEMPTS) continue;
        throw error;
      }
      child = started;
      return {
        host: '127.0.0.1',
        port,
        database: upstream.database,
        poolMode: options.poolMode,
        version,
        caPem: options.tls.caPem,
        authUser,
        logs: () => output,
        stop: cleanUp,
      };
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** A secret for `username`/`password` that reaches PostgreSQL through the pooler, TLS verify-full. */
function pooledSecret(bouncer: StartedPgBouncer, username: string, password: string): PostgresSecret {
  return {
    engine: 'postgres',
    host: bouncer.host,
    port: bouncer.port,
    username,
    password,
    dbname: bouncer.database,
    sslmode: 'verify-full',
  };
}

/**
 * PgBouncer reports its own errors, a refused login included, with SQLSTATE 08P01; PostgreSQL
 * (reached through it) uses 28P01/28000. These are PgBouncer's texts for a refused login.
 */
const POOLER_LOGIN_REFUSED = ['SASL authentication failed', 'password authentication failed', 'no such user'];

/**
 * Logs in through the pooler with pg directly (not through the adapter), TLS verified against the
 * pooler's CA, and runs `query`. Resolves its rows, or `undefined` when the login is refused.
 */
async function queryThroughPooler(
  bouncer: StartedPgBouncer,
  login: { username: string; password: string; database?: string },
  query = 'SELECT current_user AS "user"',
): Promise<Record<string, unknown>[] | undefined> {
  const client = new Client({
    host: bouncer.host,
    port: bouncer.port,
    user: login.username,
    password: login.password,
    database: login.database ?? bouncer.database,
    ssl: { ca: bouncer.caPem, rejectUnauthorized: true },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === '28P01' || (code === '08P01' && POOLER_LOGIN_REFUSED.includes(String(message)))) {
      return undefined;
    }
    throw error;
  }
  try {
    return (await client.query(query)).rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when `username`/`password` log in through the pooler, false when it refuses them. */
async function loginThroughPooler(
  bouncer: StartedPgBouncer,
  username: string,
  password: string,
): Promise<boolean> {
  return (await queryThroughPooler(bouncer, { username, password })) !== undefined;
}

/** Runs a command on PgBouncer's admin console (database `pgbouncer`) as the auth_user. */
async function adminQuery(bouncer: StartedPgBouncer, command: string): Promise<Record<string, unknown>[]> {
  const rows = await queryThroughPooler(bouncer, { ...bouncer.authUser, database: 'pgbouncer' }, command);
  if (!rows) throw new Error('PgBouncer refused its own admin user');
  return rows;
}

export {
  adminQuery,
  describeWithPgBouncer,
  loginThroughPooler,
  pgbouncerMissingReason,
  pooledSecret,
  queryThroughPooler,
  startPgBouncer,
};
export type { PgBouncerOptions, PoolMode, StartedPgBouncer };
