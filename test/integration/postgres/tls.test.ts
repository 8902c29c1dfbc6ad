import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresAdapterOptions, PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { ConfigurationError, TlsRequiredError } from '../../../src/shared/errors.js';
import {
  TLS_ONLY_ROLE,
  createRole,
  createTestCertificates,
  randomPassword,
  spawnPostgres,
  superuserSecret,
  uniqueRole,
  userSecret,
  type SpawnedPostgres,
  type TestCertificates,
} from '../../support/postgres.js';

// A private PostgreSQL with TLS on, its certificate signed by a throwaway CA for IP 127.0.0.1 only.
// Plaintext stays allowed for ordinary roles, so any silent fallback to plaintext would succeed
// and be caught; members of TLS_ONLY_ROLE can only log in over TLS, which proves a session used it.
let server: SpawnedPostgres;
let certs: TestCertificates;
let otherCa: TestCertificates;
let superuser: PostgresSecret;
let tlsOnlyUser: PostgresSecret;

beforeAll(async () => {
  [certs, otherCa] = await Promise.all([createTestCertificates('IP:127.0.0.1'), createTestCertificates()]);
  server = await spawnPostgres({ tls: { certFile: certs.certFile, keyFile: certs.keyFile } });
  superuser = superuserSecret({ sslmode: undefined }, server.address);
  const name = uniqueRole('rk_tls');
  const password = randomPassword();
  await createRole(name, password, `IN ROLE ${TLS_ONLY_ROLE}`, server.address);
  tlsOnlyUser = userSecret(superuser, name, password);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([certs?.remove(), otherCa?.remove()]);
});

async function tlsError(promise: Promise<unknown>): Promise<TlsRequiredError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TlsRequiredError);
  return error as TlsRequiredError;
}

describe('verify-full', () => {
  it('logs in over TLS when given the CA bundle as a file path', async () => {
    const adapter = createPostgresAdapter({ tls: { ca: certs.caFile } });
    await expect(adapter.canLogin(tlsOnlyUser)).resolves.toBe(true);
  });

  it.each<[string, () => PostgresAdapterOptions]>([
    ['PEM text in options', () => ({ tls: { ca: certs.caPem } })],
    ['ROTATION_KIT_CA_BUNDLE', () => ({ env: { ROTATION_KIT_CA_BUNDLE: certs.caPem } })],
    ['ROTATION_KIT_CA_BUNDLE_FILE', () => ({ env: { ROTATION_KIT_CA_BUNDLE_FILE: certs.caFile } })],
  ])('takes the CA bundle from %s', async (_label, options) => {
    await expect(createPostgresAdapter(options()).canLogin(tlsOnlyUser)).resolves.toBe(true);
  });

  it('is the default, and without the CA it fails naming the mode, with no plaintext fallback', async () => {
    // The superuser may log in over plaintext here: a fallback would have returned true.
    await expect(createPostgresAdapter({ tls: { mode: 'disable' } }).canLogin(superuser)).resolves.toBe(true);
    const error = await tlsError(createPostgresAdapter({ env: {} }).canLogin(superuser));
    expect(error.code).toBe('TLS_REQUIRED');
    expect(error.context.mode).toBe('verify-full');
    expect(error.message).toContain('"verify-full"');
    expect(error.message).toMatch(/could not be verified/);
    expect(error.message).not.toContain(superuser.password);
  });

  it('fails with a CA that did not sign the server certificate', async () => {
    const adapter = createPostgresAdapter({ tls: { ca: otherCa.caFile } });
    const error = await tlsError(adapter.canLogin(superuser));
    expect(error.message).toContain('verify-full');
  });

  it('fails when the certificate does not name the host, even with the right CA', async () => {
    const adapter = createPostgresAdapter({ tls: { ca: certs.caFile } });
    const error = await tlsError(adapter.canLogin({ ...superuser, host: 'localhost' }));
    expect(error.message).toContain('does not name host "localhost"');
  });

  it('changes a password over TLS', async () => {
    const adapter = createPostgresAdapter({ tls: { ca: certs.caFile } });
    const next = randomPassword();
    await adapter.setPassword(superuser, { username: tlsOnlyUser.username, password: next });
    await expect(adapter.canLogin({ ...tlsOnlyUser, password: next })).resolves.toBe(true);
    tlsOnlyUser = { ...tlsOnlyUser, password: next };
  });
});

describe('choosing the mode', () => {
  it("follows the secret: sslmode require encrypts without verifying, AWS's ssl true verifies", async () => {
    const adapter = createPostgresAdapter({ env: {} });
    await expect(adapter.canLogin({ ...tlsOnlyUser, sslmode: 'require' })).resolves.toBe(true);
    await tlsError(adapter.canLogin({ ...tlsOnlyUser, ssl: true }));
  });

  it('lets the tls.mode option win over the secret', async () => {
    const verifying = createPostgresAdapter({ tls: { mode: 'verify-full' }, env: {} });
    const error = await tlsError(verifying.canLogin({ ...superuser, sslmode: 'require' }));
    expect(error.context.mode).toBe('verify-full');
    const plaintext = createPostgresAdapter({ tls: { mode: 'disable' } });
    await expect(plaintext.canLogin({ ...superuser, sslmode: 'verify-full' })).resolves.toBe(true);
    // disable really is plaintext: a TLS-only role is refused (by pg_hba, SQLSTATE 28000).
    await expect(plaintext.canLogin(tlsOnlyUser)).resolves.toBe(false);
  });

  it('require against a server without TLS fails naming the mode', async () => {
    const plainServer = superuserSecret({ sslmode: 'require' });
    const error = await tlsError(createPostgresAdapter().canLogin(plainServer));
    expect(error.context.mode).toBe('require');
    expect(error.message).toContain('does not offer TLS');
    await tlsError(createPostgresAdapter({ env: {} }).canLogin({ ...plainServer, sslmode: undefined }));
  });
});

describe('CA configuration errors', () => {
  it.each<[string, PostgresAdapterOptions, string]>([
    ['a missing file', { tls: { ca: '/nonexistent/ca.pem' } }, 'tls.ca'],
    ['PEM text without a certificate', { tls: { ca: '-----BEGIN NOTHING-----' } }, 'tls.ca'],
    [
      'both environment variables',
      { env: { ROTATION_KIT_CA_BUNDLE: 'x', ROTATION_KIT_CA_BUNDLE_FILE: 'y' } },
      'ROTATION_KIT_CA_BUNDLE',
    ],
    [
      'an environment file that is not PEM',
      { env: { ROTATION_KIT_CA_BUNDLE_FILE: __filename } },
      'ROTATION_KIT_CA_BUNDLE_FILE',
    ],
  ])('reports %s as ConfigurationError naming the setting', async (_label, options, setting) => {
    const error = await createPostgresAdapter(options)
      .canLogin(superuser)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.context.setting).toBe(setting);
  });

  it('rejects an unknown tls.mode when the adapter is created', () => {
    expect(() => createPostgresAdapter({ tls: { mode: 'prefer' as never } })).toThrow(ConfigurationError);
  });
});
