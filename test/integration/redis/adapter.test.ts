// The example Redis ACL adapter against a real redis-server started for this file: the adapter
// conformance suite, then what is specific to Redis (ACL permissions, persistence, TLS).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { createRedisAdapter } from '../../../src/adapters/redis/adapter.js';
import { parseRedisSecret } from '../../../src/adapters/redis/secret.js';
import type { RedisSecret } from '../../../src/adapters/redis/secret.js';
import {
  ConfigurationError,
  DatabaseConnectionError,
  LoginFailedError,
  PrivilegeCopyError,
  RoleNotFoundError,
  SecretShapeError,
  TlsRequiredError,
} from '../../../src/shared/errors.js';
import { PUNCTUATION, adapterConformanceCases } from '../../../src/testing/conformance.js';
import type { ConformanceTarget } from '../../../src/testing/conformance.js';
import { createTestCertificates } from '../../support/mariadb-server.cjs';
import {
  describeWithRedis,
  loginWorks,
  redisCall,
  startRedisServer,
  unusedPort,
} from '../../support/redis-server.js';
import type { StartedRedis } from '../../support/redis-server.js';

/** Rules of a self-rotating application user: its keys, PING, and the right to change a password. */
const SELF_ROTATING_RULES = ['~rk:*', 'resetchannels', '-@all', '+ping', '+get', '+set', '+acl|setuser'];

let counter = 0;
const uniqueUser = (base: string) => `${base}_${process.pid}_${++counter}`;

/** `ACL GETUSER` as a plain object, without the password hashes. */
async function aclOf(server: StartedRedis, username: string): Promise<Record<string, unknown> | null> {
  const reply = (await redisCall(server, ['ACL', 'GETUSER', username])) as unknown[] | null;
  if (reply === null) return null;
  const map: Record<string, unknown> = {};
  for (let i = 0; i < reply.length; i += 2) map[String(reply[i])] = reply[i + 1];
  delete map.passwords;
  return map;
}

/** Everything an error would print: message, stack, own properties and the cause chain. */
const everything = (error: unknown) => inspect(error, { depth: 10, showHidden: true });

describeWithRedis('Redis ACL example adapter (real redis-server)', () => {
  let server: StartedRedis;
  let unreachablePort: number;
  const adapter = createRedisAdapter();

  beforeAll(async () => {
    server = await startRedisServer();
    unreachablePort = await unusedPort();
  });
  afterAll(async () => server?.stop());

  const secretFor = (username: string, password: string): RedisSecret => ({
    engine: 'redis',
    host: server.host,
    port: server.port,
    username,
    password,
    sslmode: 'disable',
  });

  async function createUser(username: string, password: string, rules = SELF_ROTATING_RULES) {
    await redisCall(server, ['ACL', 'SETUSER', username, 'reset', 'on', `>${password}`, ...rules]);
    return secretFor(username, password);
  }

  /** The admin's secret; read lazily, since the server starts after the cases are listed. */
  const adminSecret: RedisSecret = {
    engine: 'redis',
    sslmode: 'disable',
    get host() {
      return server.host;
    },
    get port() {
      return server.port;
    },
    get username() {
      return server.admin.username;
    },
    get password() {
      return server.admin.password;
    },
  };

  describe('the adapter conformance suite', () => {
    const target: ConformanceTarget<RedisSecret> = {
      adapter,
      createUser: (username, password) => createUser(username, password),
      async dropUser(username) {
        await redisCall(server, ['ACL', 'DELUSER', username]);
      },
      admin: adminSecret,
      get unreachable() {
        return { ...secretFor('nobody', 'Unreachable-Pa55'), port: unreachablePort };
      },
      // Redis refuses spaces in usernames (parseSecret does too); rule-like characters must stay inert.
      trickyUsernames: ['rk_quote"d', "rk_o'neil", 'rk_ünïcødé_用户', 'rk_>pw~*&*+@all'],
    };
    for (const c of adapterConformanceCases(target)) it(c.name, c.run);
  });

  describe('parseSecret', () => {
    const valid = { engine: 'redis', host: 'cache.internal', username: 'app', password: 'Pa55 word' };

    it('fills port 6379, keeps masterarn and the TLS keys, reads engine valkey, ignores unknown keys', () => {
      expect(parseRedisSecret({ ...valid, masterarn: 'arn:admin', extra: 1 })).toEqual({
        ...valid,
        port: 6379,
        masterarn: 'arn:admin',
      });
      expect(parseRedisSecret({ ...valid, port: 6380, ssl: true })).toMatchObject({ port: 6380, ssl: true });
      expect(parseRedisSecret({ ...valid, engine: 'valkey', sslmode: 'require' })).toMatchObject({
        engine: 'valkey',
        sslmode: 'require',
      });
    });

    it('a secret naming no TLS mode connects with verify-full (no plaintext fallback)', async () => {
      const { sslmode: _plaintext, ...secret } = adminSecretOf(server);
      const error = await createRedisAdapter({ timeoutMs: 300 })
        .canLogin(secret)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toContain('does that port speak TLS?');
      expect(await adapter.canLogin(adminSecretOf(server))).toBe(true);
    });

    it.each([
      ['engine', { ...valid, engine: 'postgres' }],
      ['sslmode', { ...valid, sslmode: 'prefer' }],
      ['ssl', { ...valid, ssl: 'yes' }],
      ['username', { ...valid, username: 'has space' }],
      ['port', { ...valid, port: 70000 }],
      ['masterarn', { ...valid, masterarn: 42 }],
    ])('refuses a bad "%s", naming it and never the password', (key, json) => {
      let error: unknown;
      try {
        parseRedisSecret(json);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SecretShapeError);
      expect((error as SecretShapeError).key).toBe(key);
      expect(everything(error)).not.toContain('Pa55 word');
    });

    it('refuses a secret that is not an object', () => {
      expect(() => parseRedisSecret('{"engine":"redis"}')).toThrow(SecretShapeError);
    });
  });

  describe('canLogin', () => {
    it('is true for a user allowed nothing but GET (PING refused with NOPERM)', async () => {
      const secret = await createUser(uniqueUser('rk_noping'), 'NoPing-Pa55', ['~rk:*', '-@all', '+get']);
      expect(await adapter.canLogin(secret)).toBe(true);
      expect(await adapter.canLogin({ ...secret, password: 'Other-Pa55' })).toBe(false);
    });

    it('is false for a disabled user with its right password (Redis answers WRONGPASS)', async () => {
      const secret = await createUser(uniqueUser('rk_off'), 'Off-Pa55');
      await redisCall(server, ['ACL', 'SETUSER', secret.username, 'off']);
      expect(await adapter.canLogin(secret)).toBe(false);
    });

    it('throws DatabaseConnectionError, never false, when nothing listens', async () => {
      const secret = { ...secretFor('app', 'Refused-Pa55'), port: unreachablePort };
      const error = await adapter.canLogin(secret).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toContain(`127.0.0.1:${unreachablePort}`);
      expect(everything(error)).not.toContain('Refused-Pa55');
    });

    it('throws DatabaseConnectionError when a server accepts but never answers (timeoutMs)', async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as net.AddressInfo;
        const quick = createRedisAdapter({ timeoutMs: 200 });
        const error = await quick
          .canLogin({ ...secretFor('app', 'Silent-Pa55'), port })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DatabaseConnectionError);
        expect(everything(error)).not.toContain('Silent-Pa55');
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  describe('setPassword', () => {
    it('a user without +acl|setuser cannot change its own password: a named error, a hint, no change', async () => {
      const secret = await createUser(uniqueUser('rk_noacl'), 'NoAcl-Pa55', ['~rk:*', '-@all', '+ping']);
      const error = await adapter
        .setPassword(secret, { username: secret.username, password: 'Wanted-Pa55' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as DatabaseConnectionError).context.redisError).toBe('NOPERM');
      expect((error as Error).message).toMatch(/\+acl\|setuser.*changedBy: 'superuser'/);
      expect(everything(error)).not.toMatch(/NoAcl-Pa55|Wanted-Pa55/);
      expect(await loginWorks(server, secret.username, 'NoAcl-Pa55')).toBe(true);
    });

    it('a superuser changes another user’s password and nothing else of it', async () => {
      const rules = ['~app:*', '%R~ro:*', 'resetchannels', '&news', '-@all', '+get', '+set'];
      const user = await createUser(uniqueUser('rk_byadmin'), 'Before-Pa55', rules);
      const before = await aclOf(server, user.username);
      await adapter.setPassword(adminSecret, { username: user.username, password: 'After-Pa55' });
      expect(await loginWorks(server, user.username, 'After-Pa55')).toBe(true);
      expect(await loginWorks(server, user.username, 'Before-Pa55')).toBe(false);
      expect(await aclOf(server, user.username)).toEqual(before);
    });

    it('a superuser needs no more than +acl|getuser and +acl|setuser (the README says so)', async () => {
      const minimal = await createUser(uniqueUser('rk_minadmin'), 'Min-Admin-Pa55', [
        '-@all',
        '+acl|getuser',
        '+acl|setuser',
      ]);
      const user = await createUser(uniqueUser('rk_target'), 'Target-Pa55', ['~rk:*', '-@all', '+get']);
      await adapter.setPassword(minimal, { username: user.username, password: 'Target-New-Pa55' });
      expect(await loginWorks(server, user.username, 'Target-New-Pa55')).toBe(true);
      const clone = `${user.username}_clone`;
      await adapter.ensureUserLike!(minimal, user.username, { username: clone, password: 'Clone-Pa55' });
      expect(await aclOf(server, clone)).toEqual(await aclOf(server, user.username));
    });

    it('refuses a user that does not exist (ACL SETUSER would create it) and creates nothing', async () => {
      const missing = uniqueUser('rk_missing');
      await expect(
        adapter.setPassword(adminSecret, { username: missing, password: 'Ghost-Pa55' }),
      ).rejects.toBeInstanceOf(RoleNotFoundError);
      expect(await aclOf(server, missing)).toBeNull();
    });

    it('a password that reads like ACL rules is only a password (one bulk string, no parsing)', async () => {
      const user = await createUser(uniqueUser('rk_inject'), 'Plain-Pa55', ['~rk:*', '-@all', '+get']);
      const before = await aclOf(server, user.username);
      const password = 'x nopass on ~* &* +@all >second <x resetpass';
      await adapter.setPassword(adminSecret, { username: user.username, password });
      expect(await aclOf(server, user.username)).toEqual(before);
      expect(await loginWorks(server, user.username, password)).toBe(true);
      for (const other of ['x', 'second', 'anything', 'Plain-Pa55']) {
        expect(await loginWorks(server, user.username, other)).toBe(false);
      }
    });

    it('passwords are binary-safe: spaces, every punctuation character, CR LF, NUL, unicode', async () => {
      const user = await createUser(uniqueUser('rk_binary'), 'Start-Pa55');
      const password = `  ${PUNCTUATION}\r\n\0 pässwörd 密码 \t${PUNCTUATION}  `;
      await adapter.setPassword(user, { username: user.username, password });
      expect(await loginWorks(server, user.username, password)).toBe(true);
      expect(await loginWorks(server, user.username, password.trim())).toBe(false);
      expect(await adapter.canLogin({ ...user, password })).toBe(true);
    });

    it('with rejected login credentials: LoginFailedError, and ioredis’s error (which holds AUTH’s arguments) stays inside', async () => {
      const user = await createUser(uniqueUser('rk_wrong'), 'Right-Pa55');
      const error = await adapter
        .setPassword(
          { ...user, password: 'Wrong-Login-Pa55' },
          { username: user.username, password: 'New-Pa55' },
        )
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LoginFailedError);
      expect((error as LoginFailedError).context).toMatchObject({ redisError: 'WRONGPASS' });
      expect(everything(error)).not.toMatch(/Wrong-Login-Pa55|New-Pa55|Right-Pa55/);
      expect(JSON.stringify(error)).not.toMatch(/Wrong-Login-Pa55/);
    });

    it('refuses an empty password or a username Redis cannot hold before connecting', async () => {
      await expect(
        adapter.setPassword(adminSecret, { username: 'app', password: '' }),
      ).rejects.toBeInstanceOf(ConfigurationError);
      await expect(
        adapter.setPassword(adminSecret, { username: 'a b', password: 'Pa55' }),
      ).rejects.toBeInstanceOf(ConfigurationError);
    });
  });

  describe('ensureUserLike', () => {
    const LIKE_RULES = [
      '~app:*',
      '%R~ro:*',
      'resetchannels',
      '&news',
      '&alerts:*',
      '-@all',
      '+get',
      '+set',
      '+ping',
      '+acl|whoami',
      '(~h:* +hget)',
    ];

    it('gives the other user the same flags, commands, keys, channels and selectors', async () => {
      // Created without `reset`, so it has no sanitize-payload flag: the copy must not gain one.
      const like = { username: uniqueUser('rk_like') };
      await redisCall(server, ['ACL', 'SETUSER', like.username, 'on', '>Like-Pa55', ...LIKE_RULES]);
      const clone = `${like.username}_clone`;
      await adapter.ensureUserLike!(adminSecret, like.username, { username: clone, password: 'Clone-Pa55' });
      expect(await aclOf(server, clone)).toEqual(await aclOf(server, like.username));
      // And Redis enforces them: the same command is allowed or refused for both.
      for (const command of [
        ['GET', 'app:1'],
        ['GET', 'other'],
        ['SET', 'ro:1', 'v'],
        ['HGET', 'h:1', 'f'],
        ['FLUSHALL'],
      ]) {
        const dryRun = async (user: string) =>
          redisCall(server, ['ACL', 'DRYRUN', user, ...command]).catch((error: Error) => error.message);
        expect(await dryRun(clone)).toEqual(await dryRun(like.username));
      }
      expect(await loginWorks(server, clone, 'Clone-Pa55')).toBe(true);
      expect(await loginWorks(server, like.username, 'Like-Pa55')).toBe(true);
    });

    it('resets a drifted clone to exactly the original’s rules', async () => {
      const like = await createUser(uniqueUser('rk_drift'), 'Like-Pa55', LIKE_RULES);
      const clone = `${like.username}_clone`;
      await createUser(clone, 'Stale-Pa55', ['~*', '&*', '+@all', 'nopass']);
      await adapter.ensureUserLike!(adminSecret, like.username, { username: clone, password: 'Fresh-Pa55' });
      expect(await aclOf(server, clone)).toEqual(await aclOf(server, like.username));
      expect(await loginWorks(server, clone, 'Stale-Pa55')).toBe(false);
      expect(await loginWorks(server, clone, 'Fresh-Pa55')).toBe(true);
    });

    it('a missing original: PrivilegeCopyError, and no user is created', async () => {
      const missing = uniqueUser('rk_nolike');
      const error = await adapter.ensureUserLike!(adminSecret, missing, {
        username: `${missing}_clone`,
        password: 'Clone-Pa55',
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PrivilegeCopyError);
      expect(await aclOf(server, `${missing}_clone`)).toBeNull();
    });
  });

  describe('persist', () => {
    it('acl-save: the new password survives a restart of a server whose users live in an ACL file', async () => {
      const own = await startRedisServer({ users: 'aclfile' });
      try {
        const admin = adminSecretOf(own);
        await redisCall(own, ['ACL', 'SETUSER', 'app', 'on', '>Old-Pa55', '~app:*', '+get']);
        await redisCall(own, ['ACL', 'SAVE']);
        const persisting = createRedisAdapter({ persist: 'acl-save' });
        await persisting.setPassword(admin, { username: 'app', password: 'New-Pa55 !' });
        // The file holds the SHA-256 of the password, never the password.
        const file = await readFile(own.aclFile!, 'utf8');
        expect(file).toContain(`#${createHash('sha256').update('New-Pa55 !').digest('hex')}`);
        expect(file).not.toContain('New-Pa55');
        await own.restart();
        expect(await loginWorks(own, 'app', 'New-Pa55 !')).toBe(true);
        expect(await loginWorks(own, 'app', 'Old-Pa55')).toBe(false);
      } finally {
        await own.stop();
      }
    });

    it('config-rewrite: the same for a server whose users are lines of redis.conf', async () => {
      const own = await startRedisServer({ users: 'config' });
      try {
        const admin = adminSecretOf(own);
        const persisting = createRedisAdapter({ persist: 'config-rewrite' });
        await redisCall(own, ['ACL', 'SETUSER', 'app', 'on', '>Old-Pa55', '~app:*', '+get']);
        await persisting.ensureUserLike!(admin, 'app', { username: 'app_clone', password: 'Clone-Pa55' });
        await persisting.setPassword(admin, { username: 'app', password: 'New-Pa55' });
        await own.restart();
        expect(await loginWorks(own, 'app', 'New-Pa55')).toBe(true);
        expect(await loginWorks(own, 'app_clone', 'Clone-Pa55')).toBe(true);
        expect(await aclOf(own, 'app_clone')).toEqual(await aclOf(own, 'app'));
      } finally {
        await own.stop();
      }
    });

    it('a server that cannot persist that way: refused before anything changes', async () => {
      const own = await startRedisServer({ users: 'config' });
      try {
        await redisCall(own, ['ACL', 'SETUSER', 'app', 'on', '>Old-Pa55', '~app:*', '+get']);
        const error = await createRedisAdapter({ persist: 'acl-save' })
          .setPassword(adminSecretOf(own), { username: 'app', password: 'New-Pa55' })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DatabaseConnectionError);
        expect((error as Error).message).toMatch(/before any change.*not configured to use an ACL file/);
        expect(await loginWorks(own, 'app', 'Old-Pa55')).toBe(true);
      } finally {
        await own.stop();
      }
    });

    it('a login not allowed to persist: a hint, and no change', async () => {
      const user = await createUser(uniqueUser('rk_nosave'), 'Keep-Pa55');
      const error = await createRedisAdapter({ persist: 'acl-save' })
        .setPassword(user, { username: user.username, password: 'New-Pa55' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toContain("+acl|save, or set persist: 'none'");
      expect(await loginWorks(server, user.username, 'Keep-Pa55')).toBe(true);
    });

    it('an unknown mode is a ConfigurationError', () => {
      expect(() => createRedisAdapter({ persist: 'toString' as never })).toThrow(ConfigurationError);
      expect(() => createRedisAdapter({ timeoutMs: 0 })).toThrow(ConfigurationError);
    });
  });

  describe('TLS', () => {
    let tlsServer: StartedRedis;
    let certDir: string;
    let caPem: string;

    beforeAll(async () => {
      certDir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-redis-tls-'));
      // The certificate names only "localhost": reaching it as 127.0.0.1 is a host-name mismatch.
      const certificates = await createTestCertificates(certDir, { subjectAltName: 'DNS:localhost' });
      caPem = await readFile(certificates.caPath, 'utf8');
      tlsServer = await startRedisServer({ tls: certificates });
    });
    afterAll(async () => {
      await tlsServer?.stop();
      await rm(certDir, { recursive: true, force: true });
    });

    const tlsAdmin = (): RedisSecret => ({
      ...adminSecretOf(tlsServer),
      host: 'localhost',
      sslmode: 'verify-full',
    });

    it('with the CA: logs in and changes a password over a verified connection', async () => {
      const adapterWithCa = createRedisAdapter({ tls: { ca: caPem } });
      expect(await adapterWithCa.canLogin(tlsAdmin())).toBe(true);
      expect(await adapterWithCa.canLogin({ ...tlsAdmin(), password: 'Wrong-Pa55' })).toBe(false);
      await redisCall(tlsServer, ['ACL', 'SETUSER', 'app', 'on', '>Old-Pa55', '+get']);
      await adapterWithCa.setPassword(tlsAdmin(), { username: 'app', password: 'New-Pa55' });
      expect(await adapterWithCa.canLogin({ ...tlsAdmin(), username: 'app', password: 'New-Pa55' })).toBe(
        true,
      );
    });

    it('a certificate for another host name: TlsRequiredError, even with the right CA', async () => {
      const error = await createRedisAdapter({ tls: { ca: caPem } })
        .canLogin({ ...tlsAdmin(), host: '127.0.0.1' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TlsRequiredError);
      expect((error as Error).message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('require: encrypted without checking the certificate; the tls.mode option wins over the secret', async () => {
      expect(await adapter.canLogin({ ...tlsAdmin(), host: '127.0.0.1', sslmode: 'require' })).toBe(true);
      const forced = createRedisAdapter({ tls: { mode: 'verify-full' } });
      await expect(
        forced.canLogin({ ...tlsAdmin(), host: '127.0.0.1', sslmode: 'require' }),
      ).rejects.toBeInstanceOf(TlsRequiredError);
    });

    it('without a CA that signs the certificate: TlsRequiredError, not false', async () => {
      const error = await adapter.canLogin(tlsAdmin()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TlsRequiredError);
      expect(everything(error)).not.toContain(tlsServer.admin.password);
    });

    it('plaintext to a TLS port, or TLS to a plaintext port: a named error, not false', async () => {
      await expect(adapter.canLogin({ ...tlsAdmin(), sslmode: 'disable' })).rejects.toBeInstanceOf(
        DatabaseConnectionError,
      );
      // A plaintext port waits for a newline the TLS handshake never sends: a timeout, with a hint.
      const tlsToPlain = await createRedisAdapter({ tls: { ca: caPem }, timeoutMs: 300 })
        .canLogin({ ...adminSecretOf(server), sslmode: 'verify-full', host: 'localhost' })
        .catch((caught: unknown) => caught);
      expect(tlsToPlain).toBeInstanceOf(DatabaseConnectionError);
      expect((tlsToPlain as Error).message).toContain('does that port speak TLS?');
    });
  });
});

function adminSecretOf(server: StartedRedis): RedisSecret {
  return {
    engine: 'redis',
    host: server.host,
    port: server.port,
    username: server.admin.username,
    password: server.admin.password,
    sslmode: 'disable',
  };
}
