/**
 * A private redis-server for tests: its own temp dir, a free loopback port, an `admin` ACL user
 * with a random password, the `default` user disabled, nothing saved to disk but the users. Never
 * the system service. Missing redis-server: suites skip with the reason, or fail under CI=true.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, testBinary, waitForExit } from './binaries.js';
import type { TestCertificates } from './mariadb-server.cjs';

const INSTALL_HINT = 'apt-get install -y --no-install-recommends redis-server';
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Debian installs redis-server in /usr/bin; others use sbin. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];

interface RedisServerOptions {
  /**
   * Where the users live: an ACL file (`aclfile`, default; `ACL SAVE` works) or `user` lines in
   * redis.conf (`config`; `CONFIG REWRITE` works, `ACL SAVE` does not).
   */
  users?: 'aclfile' | 'config';
  /** Serve TLS only (no plaintext port), with these files; clients need not present a certificate. */
  tls?: TestCertificates;
}

interface StartedRedis {
  readonly host: string;
  /** Changes on restart (a fresh free port). */
  readonly port: number;
  readonly admin: { username: string; password: string };
  readonly dir: string;
  readonly configFile: string;
  /** Present when `users` is `aclfile`. */
  readonly aclFile?: string;
  /** Present when the server speaks TLS only. */
  readonly tls?: TestCertificates;
  /** Stops the server and starts it again from the same files (users as last persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** ROTATION_KIT_REDIS_SERVER, when set, is the only binary tried (a redis-server built elsewhere). */
const REDIS_SERVER = testBinary({
  name: 'redis-server',
  overrideEnv: 'ROTATION_KIT_REDIS_SERVER',
  extraDirs: EXTRA_DIRS,
  installHint: INSTALL_HINT,
  suiteLabel: 'Redis',
});

/** Why the Redis tests cannot run here, or undefined when they can. */
const redisMissingReason = REDIS_SERVER.missingReason;

/** Resolves when the server logs that it accepts connections; rejects if it exits or hangs. */
function waitUntilReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis-server not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`));
    }, READY_TIMEOUT_MS);
    const onData = () => {
      if (/Ready to accept connections/.test(output())) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      const error = new Error(`redis-server exited during startup (${code}):\n${output()}`);
      reject(Object.assign(error, { portInUse: /Address already in use/i.test(output()) }));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
    child.kill('SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
  }
}

/**
 * Starts a private redis-server (`--port N --bind 127.0.0.1 --save '' --appendonly no --dir <tmp>`).
 * Throws when redis-server is missing; use `describeWithRedis` to skip instead.
 */
async function startRedisServer(options: RedisServerOptions = {}): Promise<StartedRedis> {
  const binary = REDIS_SERVER.find();
  if (!binary) throw new Error(redisMissingReason());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-redis-'));
  const admin = { username: 'admin', password: randomBytes(18).toString('base64url') };
  const userLines = ['user default off', `user ${admin.username} on >${admin.password} ~* &* +@all`, ''].join(
    '\n',
  );
  const configFile = path.join(dir, 'redis.conf');
  const aclFile = (options.users ?? 'aclfile') === 'aclfile' ? path.join(dir, 'users.acl') : undefined;
  if (aclFile) {
    await writeFile(aclFile, userLines, { mode: 0o600 });
    await writeFile(configFile, `aclfile ${aclFile}\n`, { mode: 0o600 });
  } else {
    await writeFile(configFile, userLines, { mode: 0o600 });
  }

  let child: ChildProcess | undefined;
  let port = 0;
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const launch = async () => {
    for (let attempt = 1; ; attempt++) {
      const candidate = await freePort();
      const listen = options.tls
        ? [
            '--port',
            '0',
            '--tls-port',
            String(candidate),
            '--tls-cert-file',
            options.tls.certPath,
            '--tls-key-file',
            options.tls.keyPath,
            '--tls-ca-cert-file',
            options.tls.caPath,
            '--tls-auth-clients',
            'no',
          ]
        : ['--port', String(candidate)];
      const args = [configFile, ...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      const started = spawn(binary, [...args, '--dir', dir, '--logfile', ''], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitUntilReady(started, () => output);
      } catch (error) {
        started.kill('SIGKILL');
        await waitForExit(started, STOP_TIMEOUT_MS);
        if ((error as { portInUse?: boolean }).portInUse && attempt < START_ATTEMPTS) continue;
        throw error;
      }
      child = started;
      port = candidate;
      return;
    }
  };

  try {
    await launch();
  } catch (error) {
    process.removeListener('exit', onExit);
    onExit();
    throw error;
  }

  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    admin,
    dir,
    configFile,
    ...(aclFile ? { aclFile } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    async restart() {
      if (child) await stopChild(child);
      await launch();
    },
    async stop() {
      process.removeListener('exit', onExit);
      if (child) await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `describe` for suites that need redis-server. Missing: skipped with the reason in the title (and
 * printed), or, under CI=true, one failing test, so that CI can never pass without running them.
 */
const describeWithRedis = REDIS_SERVER.describeWith;

/**
 * Runs one command as `username` (default: the admin), through a plain ioredis client that is
 * independent of the adapter under test, and disconnects.
 */
async function redisCall(
  server: StartedRedis,
  args: readonly string[],
  as: { username: string; password: string } = server.admin,
): Promise<unknown> {
  const client = new Redis({
    host: server.host,
    port: server.port,
    // Setup traffic only: trust the test CA, whatever names the certificate carries.
    ...(server.tls
      ? { tls: { ca: await readFile(server.tls.caPath), checkServerIdentity: () => undefined } }
      : {}),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    protocol: 2,
    disableClientInfo: true,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.call('AUTH', as.username, as.password);
    const [command, ...rest] = args;
    return await client.call(command as string, ...rest);
  } finally {
    // ioredis leaves a 2 s timer behind when asked to close a connection that already ended.
    if (client.status !== 'end') client.disconnect();
  }
}

/** True when `AUTH username password` succeeds, false on WRONGPASS (checked without the adapter). */
async function loginWorks(server: StartedRedis, username: string, password: string): Promise<boolean> {
  try {
    await redisCall(server, ['ACL', 'WHOAMI'], { username, password });
    return true;
  } catch (error) {
    if (/WRONGPASS/.test((error as Error).message)) return false;
    if (/NOPERM/.test((error as Error).message)) return true;
    throw error;
  }
}

/** A port on 127.0.0.1 that nothing listens on (just freed). */
const unusedPort = freePort;

/**
 * The shape the template tests (test/deploy) rotate through, on the server `server()` returns
 * (started by the caller's beforeAll): ACL users that may GET `app:*`, the admin as master secret.
 */
function redisTestDatabase(server: () => StartedRedis, prefix: string) {
  let users = 0;
  const secret = (username: string, password: string) => ({
    engine: 'redis',
    host: server().host,
    port: server().port,
    username,
    password,
    sslmode: 'disable',
  });
  return {
    superuserSecret: () => secret(server().admin.username, server().admin.password),
    superuserPassword: () => server().admin.password,
    userSecret: secret,
    uniqueUser: () => `${prefix}_${process.pid}_${++users}`,
    createUser: async (username: string, password: string) => {
      await redisCall(server(), [
        'ACL',
        'SETUSER',
        username,
        'reset',
        'on',
        `>${password}`,
        '~app:*',
        '+get',
      ]);
    },
    dropUsers: async (usernames: string[]) => {
      for (const username of usernames) await redisCall(server(), ['ACL', 'DELUSER', username]);
    },
    loginWorks: (username: string, password: string) => loginWorks(server(), username, password),
  };
}

export {
  describeWithRedis,
  loginWorks,
  redisCall,
  redisMissingReason,
  redisTestDatabase,
  startRedisServer,
  unusedPort,
};
export type { RedisServerOptions, StartedRedis };
