// PostgreSQL rotation through a connection pooler that requires SCRAM and TLS: a private PgBouncer
// (test/support/pgbouncer.ts) in front of the globalSetup PostgreSQL, with `auth_type =
// scram-sha-256`, `client_tls_sslmode = require`, and `auth_query` through an auth_user so that it
// follows password changes without a restart. Every client here verifies the pooler's certificate
// (TLS verify-full against the test CA). Each pool mode gets its own pooler: in transaction pooling
// consecutive statements of one client may run on different server sessions, so nothing the
// adapter does may rely on session state between statements.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import {
  DatabaseConnectionError,
  TlsRequiredError,
  createRotationHandler,
  silentLogger,
} from '../../../src/index.js';
import {
  adminQuery,
  describeWithPgBouncer,
  loginThroughPooler,
  pooledSecret,
  queryThroughPooler,
  startPgBouncer,
  type PoolMode,
  type StartedPgBouncer,
} from '../../support/pgbouncer.js';
import {
  createRole,
  createTestCertificates,
  dropRoles,
  postgresAddress,
  randomPassword,
  storedVerifier,
  uniqueRole,
  withSuperuser,
  type TestCertificates,
} from '../../support/postgres.js';

/** What PostgreSQL stores for SCRAM-SHA-256 at its default cost: no plaintext, no md5. */
const SCRAM_VERIFIER = /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;
const POOL_MODES: PoolMode[] = ['session', 'transaction'];

/** The settled outcome of a promise: its value, or the error it rejected with. */
function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => error,
  );
}

/** How many server connections the pooler holds for `role`. */
async function pooledServers(bouncer: StartedPgBouncer, role: string): Promise<number> {
  const servers = await adminQuery(bouncer, 'SHOW SERVERS');
  return servers.filter((server) => server.user === role).length;
}

/** Ends the server sessions of `role`, and waits until the pooler has let go of them too. */
async function dropServerSessions(bouncer: StartedPgBouncer, role: string): Promise<void> {
  await withSuperuser((client) =>
    client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]),
  );
  for (let attempt = 1; ; attempt++) {
    if ((await pooledServers(bouncer, role)) === 0) return;
    if (attempt === 100) throw new Error(`PgBouncer still holds server connections of ${role}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithPgBouncer('PostgreSQL through PgBouncer (SCRAM, TLS required)', () => {
  let certs: TestCertificates;
  let otherCa: TestCertificates;

  beforeAll(async () => {
    // The pooler's certificate names IP 127.0.0.1 only, as verify-full checks.
    [certs, otherCa] = await Promise.all([createTestCertificates('IP:127.0.0.1'), createTestCertificates()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([certs?.remove(), otherCa?.remove()]);
  });

  describe.each(POOL_MODES)('pool_mode = %s', (poolMode) => {
    let bouncer: StartedPgBouncer;
    const roles: string[] = [];
    const adapter = () => createPostgresAdapter({ tls: { mode: 'verify-full', ca: certs.caPem } });

    /** A new login role on the server (password hashed by the server) and its secret via the pooler. */
    async function pooledRole(prefix: string): Promise<PostgresSecret> {
      const name = uniqueRole(prefix);
      const password = randomPassword();
      roles.push(name);
      await createRole(name, password);
      return pooledSecret(bouncer, name, password);
    }

    beforeAll(async () => {
      bouncer = await startPgBouncer({ poolMode, tls: certs });
    }, 60_000);

    afterAll(async () => {
      await bouncer?.stop();
      await dropRoles(roles);
    });

    it('runs with the pool mode under test, SCRAM-SHA-256 and TLS required (admin console)', async () => {
      const rows = await adminQuery(bouncer, 'SHOW CONFIG');
      const config = Object.fromEntries(rows.map((row) => [row.key, row.value]));
      expect(config).toMatchObject({
        pool_mode: poolMode,
        auth_type: 'scram-sha-256',
        client_tls_sslmode: 'require',
      });
      expect(config.auth_query).toMatch(/user_lookup\(\$1\)/);
    });

    it('canLogin: true for the right password, false for a wrong one or an unknown role', async () => {
      const secret = await pooledRole('rk_pgb_login');
      await expect(adapter().canLogin(secret)).resolves.toBe(true);
      // PgBouncer refuses these itself (SQLSTATE 08P01), before any server is involved.
      await expect(adapter().canLogin({ ...secret, password: `${secret.password}x` })).resolves.toBe(false);
      await expect(adapter().canLogin({ ...secret, username: uniqueRole('rk_pgb_nobody') })).resolves.toBe(
        false,
      );
    });

    it('a single-user rotation through the local Secrets Manager and the pooler: new password in, old out, no pooler restart', async () => {
      const start = await pooledRole('rk_pgb_rot');
      expect(await loginThroughPooler(bouncer, start.username, start.password)).toBe(true);

      const local = await startLocalSecretsManager();
      const client = new SecretsManagerClient(local.clientConfig);
      try {
        const handler = createRotationHandler({
          adapter: adapter(),
          secretsManager: client,
          logger: silentLogger,
        });
        const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:pgbouncer-${poolMode}`;
        local.registerFunction(functionArn, (event: SecretsManagerRotationEvent) =>
          handler(event, {} as Context, () => undefined),
        );
        const { ARN } = await client.send(
          new CreateSecretCommand({ Name: `pooler/${start.username}`, SecretString: JSON.stringify(start) }),
        );
        const { VersionId } = await client.send(
          new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: functionArn }),
        );
        const outcome = await local.rotations.waitFor(ARN as string, { token: VersionId });
        expect(outcome.error).toBeUndefined();
        expect(outcome.succeeded).toBe(true);

        const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: ARN }));
        const current = JSON.parse(SecretString as string) as PostgresSecret;
        expect(current).toMatchObject({ host: bouncer.host, port: bouncer.port, username: start.username });
        expect(current.password).not.toBe(start.password);

        // The pool still holds server connections PostgreSQL let in before the change, yet PgBouncer
        // checks every new client against the verifier auth_query reads now.
        expect(await pooledServers(bouncer, start.username)).toBeGreaterThan(0);
        expect(await loginThroughPooler(bouncer, current.username, current.password)).toBe(true);
        expect(await loginThroughPooler(bouncer, start.username, start.password)).toBe(false);
        expect(await storedVerifier(start.username)).toMatch(SCRAM_VERIFIER);

        // With no pooled server connection left, PgBouncer must log in to PostgreSQL afresh, with
        // the SCRAM keys of the new password (pass-through): the new password still gets through.
        await dropServerSessions(bouncer, start.username);
        expect(await loginThroughPooler(bouncer, current.username, current.password)).toBe(true);
        expect(await loginThroughPooler(bouncer, start.username, start.password)).toBe(false);
      } finally {
        client.destroy();
        await local.stop();
      }
    });

    it('setPassword through the pooler stores a SCRAM-SHA-256 verifier made by the adapter, which PgBouncer accepts', async () => {
      const secret = await pooledRole('rk_pgb_scram');
      const before = await storedVerifier(secret.username);
      const next = randomPassword();
      await adapter().setPassword(secret, { username: secret.username, password: next });
      const verifier = await storedVerifier(secret.username);
      expect(verifier).toMatch(SCRAM_VERIFIER);
      expect(verifier).not.toBe(before);
      expect(verifier).not.toContain(next);
      // PgBouncer verifies the client's SCRAM proof against this verifier (read by auth_query).
      expect(await loginThroughPooler(bouncer, secret.username, next)).toBe(true);
      await expect(adapter().canLogin({ ...secret, password: next })).resolves.toBe(true);
    });

    it('ensureUserLike runs its transaction through the pooler; the clone logs in through it as the original', async () => {
      const original = await pooledRole('rk_pgb_orig');
      const clone = { username: `${original.username}_clone`, password: randomPassword() };
      roles.push(clone.username);
      const { user, password } = postgresAddress();
      const admin = pooledSecret(bouncer, user, password);
      const pgAdapter = adapter();
      await pgAdapter.ensureUserLike?.(admin, original.username, clone);
      const rows = await queryThroughPooler(bouncer, clone);
      expect(rows?.[0]?.user).toBe(original.username);
      expect(await storedVerifier(clone.username)).toMatch(SCRAM_VERIFIER);
    });

    it('tls mode "disable" is refused by PgBouncer with a clear error, never as a wrong password', async () => {
      const secret = await pooledRole('rk_pgb_plain');
      const plaintext = createPostgresAdapter({ tls: { mode: 'disable' } });
      const error = await settle(plaintext.canLogin(secret));
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      const { message, context } = error as DatabaseConnectionError;
      expect(message).toContain('SSL required');
      expect(context.tlsMode).toBe('disable');
      expect(message).not.toContain(secret.password);

      const before = await storedVerifier(secret.username);
      const change = { username: secret.username, password: randomPassword() };
      await expect(plaintext.setPassword(secret, change)).rejects.toBeInstanceOf(DatabaseConnectionError);
      expect(await storedVerifier(secret.username)).toBe(before);
    });

    it('verify-full with a CA that did not sign the pooler certificate fails with TlsRequiredError', async () => {
      const secret = await pooledRole('rk_pgb_ca');
      const wrongCa = createPostgresAdapter({ tls: { mode: 'verify-full', ca: otherCa.caPem } });
      // A retry in plaintext would have met "SSL required" (DatabaseConnectionError) instead.
      const error = await settle(wrongCa.canLogin(secret));
      expect(error).toBeInstanceOf(TlsRequiredError);
      expect((error as TlsRequiredError).context.mode).toBe('verify-full');
      expect((error as TlsRequiredError).message).toMatch(/could not be verified/);
    });
  });
});
