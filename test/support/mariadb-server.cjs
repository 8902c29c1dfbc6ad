// A private MariaDB server for tests: its own temp data dir, a free loopback port, an admin user
// with a random password. Never the system service, never a fixed port or dir, so concurrent test
// runs on one machine cannot collide. CommonJS so that both Jest's globalSetup (through
// mariadb-server.mjs) and test files (which cannot load ESM) can use it.
const { execFile, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { accessSync, constants: fsConstants, rmSync } = require('node:fs');
const { mkdtemp, readFile, rm, writeFile } = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const run = promisify(execFile);
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
// mariadbd lives in sbin, which is not on every user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];

/** ROTATION_KIT_MARIADB_BINDIR, when set, is the only place searched (a MariaDB unpacked elsewhere). */
function findExecutable(name, { mariadb = true } = {}) {
  const only = mariadb ? process.env.ROTATION_KIT_MARIADB_BINDIR : undefined;
  const dirs = only
    ? [only]
    : [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the MariaDB tests cannot run here, or undefined when they can. */
function missingBinaryReason() {
  const missing = ['mariadbd', 'mariadb-install-db'].filter((name) => !findExecutable(name));
  if (missing.length === 0) return undefined;
  const where = process.env.ROTATION_KIT_MARIADB_BINDIR
    ? ` in ${process.env.ROTATION_KIT_MARIADB_BINDIR}`
    : '';
  return (
    `${missing.join(' and ')} not found${where} ` +
    '(install: apt-get install -y --no-install-recommends mariadb-server-core mariadb-client-core)'
  );
}

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

function randomSecret() {
  return randomBytes(18).toString('base64url');
}

/**
 * Test certificates made with openssl: a CA and a server certificate it signs, for the names in
 * `subjectAltName` (default: IP 127.0.0.1 and localhost). Returns the file paths.
 */
async function createTestCertificates(
  dir,
  { subjectAltName = 'IP:127.0.0.1,DNS:localhost', caName = 'ca' } = {},
) {
  const openssl = findExecutable('openssl', { mariadb: false });
  if (!openssl) throw new Error('openssl not found: cannot make test certificates');
  const file = (name) => path.join(dir, name);
  const ca = { key: file(`${caName}.key`), cert: file(`${caName}.pem`) };
  const server = {
    key: file(`${caName}-server.key`),
    csr: file(`${caName}-server.csr`),
    cert: file(`${caName}-server.pem`),
  };
  const ext = file(`${caName}-server.ext`);
  await run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=rotation-kit test ${caName}`,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
  ]);
  await run(openssl, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=rotation-kit test server',
    '-keyout',
    server.key,
    '-out',
    server.csr,
  ]);
  await writeFile(ext, `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\n`);
  await run(openssl, [
    'x509',
    '-req',
    '-in',
    server.csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    server.cert,
  ]);
  return { caPath: ca.cert, certPath: server.cert, keyPath: server.key };
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function tail(file, lines = 15) {
  try {
    return (await readFile(file, 'utf8')).trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls until the admin can log in over TCP, or the server exits, or time runs out. */
async function waitUntilReady(child, connection, errorLog) {
  const mysql = require('mysql2/promise');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await tail(errorLog);
      const error = new Error(
        `mariadbd exited during startup (${child.exitCode ?? child.signalCode}):\n${log}`,
      );
      error.portInUse = /already in use|Can't start server: Bind/i.test(log);
      throw error;
    }
    try {
      const conn = await mysql.createConnection({ ...connection, connectTimeout: 2000 });
      await conn.end();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(
    `mariadbd did not accept connections within ${READY_TIMEOUT_MS} ms (${lastError?.code}):\n${await tail(errorLog)}`,
  );
}

/**
 * Starts a private MariaDB server. Resolves to `null` (after printing why) when MariaDB is not
 * installed; rejects when it is installed but fails to start.
 *
 * Options: `tls: true` (or `{ subjectAltName }`) makes test certificates and enables TLS (not required by
 * the server).
 * Resolves to `{ env, tls?, stop() }`; `env` holds ROTATION_KIT_MYSQL_HOST, _PORT, _USER, _PASSWORD.
 */
async function startMariaDb(options = {}) {
  const reason = missingBinaryReason();
  if (reason) {
    process.env.ROTATION_KIT_MYSQL_SKIP_REASON = reason;
    const outcome = process.env.CI === 'true' ? 'FAIL (CI=true)' : 'skip';
    console.warn(`[rotation-kit tests] The MySQL/MariaDB tests will ${outcome}: ${reason}`);
    return null;
  }
  const mariadbd = findExecutable('mariadbd');
  const installDb = findExecutable('mariadb-install-db');
  const osUser = os.userInfo().username;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-mariadb-'));
  const dataDir = path.join(dir, 'data');
  const errorLog = path.join(dir, 'error.log');
  const admin = { user: 'rotation_admin', password: randomSecret() };
  let child;

  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // If the process dies without teardown, do not leave a server running.
  const onExit = () => {
    child?.kill('SIGKILL');
    removeDir();
  };
  process.once('exit', onExit);

  try {
    await run(installDb, ['--no-defaults', `--user=${osUser}`, `--datadir=${dataDir}`, '--skip-test-db'], {
      maxBuffer: 10 * 1024 * 1024,
    });
    // Runs once at startup: the admin authenticates with a password (root keeps unix_socket only).
    const initFile = path.join(dir, 'init.sql');
    await writeFile(
      initFile,
      [
        `CREATE USER IF NOT EXISTS '${admin.user}'@'%' IDENTIFIED BY '${admin.password}';`,
        `GRANT ALL PRIVILEGES ON *.* TO '${admin.user}'@'%' WITH GRANT OPTION;`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const tls = options.tls
      ? await createTestCertificates(dir, typeof options.tls === 'object' ? options.tls : {})
      : undefined;
    const tlsArgs = tls
      ? [`--ssl-ca=${tls.caPath}`, `--ssl-cert=${tls.certPath}`, `--ssl-key=${tls.keyPath}`]
      : [];

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      child = spawn(
        mariadbd,
        [
          '--no-defaults',
          `--user=${osUser}`,
          `--datadir=${dataDir}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${path.join(dir, 'mysqld.sock')}`,
          `--pid-file=${path.join(dir, 'mysqld.pid')}`,
          `--log-error=${errorLog}`,
          `--init-file=${initFile}`,
          '--skip-name-resolve',
          '--innodb-buffer-pool-size=32M',
          ...tlsArgs,
        ],
        { stdio: 'ignore' },
      );
      const connection = { host: '127.0.0.1', port, user: admin.user, password: admin.password };
      try {
        await waitUntilReady(child, connection, errorLog);
      } catch (error) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_TIMEOUT_MS);
        // Another process took the port between our probe and mariadbd's bind: try another.
        if (error.portInUse && attempt < START_ATTEMPTS) continue;
        throw error;
      }
      const env = {
        ROTATION_KIT_MYSQL_HOST: '127.0.0.1',
        ROTATION_KIT_MYSQL_PORT: String(port),
        ROTATION_KIT_MYSQL_USER: admin.user,
        ROTATION_KIT_MYSQL_PASSWORD: admin.password,
      };
      const server = child;
      return {
        env,
        tls,
        async stop() {
          process.removeListener('exit', onExit);
          server.kill('SIGTERM');
          if (!(await waitForExit(server, STOP_TIMEOUT_MS))) {
            server.kill('SIGKILL');
            await waitForExit(server, STOP_TIMEOUT_MS);
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    process.removeListener('exit', onExit);
    onExit();
    throw error;
  }
}

module.exports = { createTestCertificates, missingBinaryReason, startMariaDb };
