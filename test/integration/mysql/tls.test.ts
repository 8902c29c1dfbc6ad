// TLS against a real MariaDB started with --ssl-ca/--ssl-cert/--ssl-key (certificates made with
// openssl). The server certificate names only "localhost", so 127.0.0.1 is a host-name mismatch.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createMySqlAdapter, parseMySqlSecret } from '../../../src/adapters/mysql/index.js';
import type { MySqlConnection, MySqlDriver } from '../../../src/adapters/mysql/index.js';
import { ConfigurationError, TlsRequiredError } from '../../../src/shared/errors.js';
import { createTestCertificates, startMariaDb } from '../../support/mariadb-server.cjs';
import type { StartedMariaDb } from '../../support/mariadb-server.cjs';
import type { MariaDbServer } from '../../support/mariadb.js';
import {
  createUser,
  describeWithMariaDb,
  loginWorks,
  secretFor,
  serverFromEnv,
} from '../../support/mariadb.js';

describeWithMariaDb('MySQL adapter: TLS against a real server', () => {
  let started: StartedMariaDb;
  let server: MariaDbServer;
  let caPath: string;
  let caPem: string;
  let otherDir: string;
  let otherCaPem: string;

  /** A secret reaching the server by name (matches the certificate) with a given mode. */
  const byName = (sslmode: 'require' | 'verify-full', overrides = {}) =>
    secretFor(server, { host: 'localhost', sslmode, ...overrides });

  beforeAll(async () => {
    started = (await startMariaDb({ tls: { subjectAltName: 'DNS:localhost' } })) as StartedMariaDb;
    server = serverFromEnv(started.env);
    caPath = started.tls!.caPath;
    caPem = await readFile(caPath, 'utf8');
    otherDir = await mkdtemp(path.join(os.tmpdir(), 'rotation-kit-other-ca-'));
    otherCaPem = await readFile((await createTestCertificates(otherDir, { caName: 'other' })).caPath, 'utf8');
    await createUser(server, 'tls_only', 'tls-password-1', { grants: ['ALTER USER ?@? REQUIRE SSL'] });
  }, 60_000);

  afterAll(async () => {
    await started?.stop();
    if (otherDir) await rm(otherDir, { recursive: true, force: true });
  });

  it('require: encrypts without checking the certificate (an account that REQUIREs SSL gets in)', async () => {
    const adapter = createMySqlAdapter();
    const tlsOnly = { username: 'tls_only', password: 'tls-password-1' };
    await expect(adapter.canLogin(secretFor(server, { sslmode: 'require' }, tlsOnly))).resolves.toBe(true);
    // The same account over plaintext is refused by the server: the success above was over TLS.
    await expect(adapter.canLogin(secretFor(server, { sslmode: 'disable' }, tlsOnly))).resolves.toBe(false);
  });

  it('verify-full: trusts the CA given as PEM text and checks the host name', async () => {
    const adapter = createMySqlAdapter({ tls: { ca: caPem } });
    await expect(adapter.canLogin(byName('verify-full'))).resolves.toBe(true);
  });

  it('verify-full: the CA may be a file path, or come from ROTATION_KIT_CA_BUNDLE[_FILE]', async () => {
    const fromPath = createMySqlAdapter({ tls: { ca: caPath } });
    await expect(fromPath.canLogin(byName('verify-full'))).resolves.toBe(true);
    const fromFile = createMySqlAdapter({ env: { ROTATION_KIT_CA_BUNDLE_FILE: caPath } });
    await expect(fromFile.canLogin(byName('verify-full'))).resolves.toBe(true);
    const fromText = createMySqlAdapter({ env: { ROTATION_KIT_CA_BUNDLE: caPem } });
    await expect(fromText.canLogin(byName('verify-full'))).resolves.toBe(true);
  });

  it('verify-full without the CA: TlsRequiredError naming the mode (the default trust store does not know it)', async () => {
    const error = await createMySqlAdapter()
      .canLogin(byName('verify-full'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsRequiredError);
    expect((error as Error).message).toMatch(/"verify-full"/);
  });

  it('verify-full with another CA: TlsRequiredError', async () => {
    const adapter = createMySqlAdapter({ tls: { ca: otherCaPem } });
    await expect(adapter.canLogin(byName('verify-full'))).rejects.toBeInstanceOf(TlsRequiredError);
  });

  it('verify-full to a host name the certificate does not name: TlsRequiredError', async () => {
    // A driver that reaches the test server under another name, so the real host-name check runs.
    const driver: MySqlDriver = {
      createConnection: (config) =>
        createConnection({
          ...config,
          stream: net.connect(server.port, '127.0.0.1'),
        }) as Promise<MySqlConnection>,
    };
    const adapter = createMySqlAdapter({ tls: { ca: caPem }, driver });
    const error = await adapter
      .canLogin(byName('verify-full', { host: 'db.rotation-kit.test' }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(TlsRequiredError);
    expect((error as Error).message).toMatch(/"verify-full".*altnames/);
    // The same route with a name the certificate holds succeeds: the failure above is the name check.
    await expect(adapter.canLogin(byName('verify-full'))).resolves.toBe(true);
  });

  it('verify-full to an IP address is refused before connecting (the driver cannot check an IP)', async () => {
    const adapter = createMySqlAdapter({ tls: { ca: caPem } });
    const error = await adapter
      .canLogin(secretFor(server, { sslmode: 'verify-full' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsRequiredError);
    expect((error as Error).message).toMatch(/IP address/);
  });

  it("AWS's ssl key: true means verify-full, false means disable", async () => {
    const adapter = createMySqlAdapter({ tls: { ca: caPem } });
    const { sslmode: _dropped, ...base } = secretFor(server, { host: 'localhost' });
    const tlsOnly = { username: 'tls_only', password: 'tls-password-1' };
    await expect(adapter.canLogin(parseMySqlSecret({ ...base, ...tlsOnly, ssl: true }))).resolves.toBe(true);
    await expect(adapter.canLogin(parseMySqlSecret({ ...base, ...tlsOnly, ssl: 'false' }))).resolves.toBe(
      false,
    );
    const noCa = createMySqlAdapter();
    await expect(noCa.canLogin(parseMySqlSecret({ ...base, ssl: 'true' }))).rejects.toBeInstanceOf(
      TlsRequiredError,
    );
  });

  it('setPassword and ensureUserLike work over verify-full', async () => {
    const adapter = createMySqlAdapter({ tls: { ca: caPem } });
    await createUser(server, 'tls_app', 'tls-app-1');
    await adapter.setPassword(byName('verify-full'), { username: 'tls_app', password: 'tls-app-2' });
    expect(await loginWorks(server, 'tls_app', 'tls-app-2')).toBe(true);
    await adapter.ensureUserLike!(byName('verify-full'), 'tls_app', {
      username: 'tls_app_clone',
      password: 'c-1',
    });
    expect(await loginWorks(server, 'tls_app_clone', 'c-1')).toBe(true);
  });

  it('a CA setting that is neither PEM nor a readable file: ConfigurationError at the first verify-full login', async () => {
    const adapter = createMySqlAdapter({ tls: { ca: path.join(otherDir, 'missing.pem') } });
    await expect(adapter.canLogin(byName('require'))).resolves.toBe(true); // require reads no CA
    await expect(adapter.canLogin(byName('verify-full'))).rejects.toBeInstanceOf(ConfigurationError);
  });
});
