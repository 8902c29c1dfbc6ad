import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  loginWorks,
  postgresAddress,
  spawnPostgres,
  storedVerifier,
  superuserSecret,
  withSuperuser,
} from '../../support/postgres.js';

// The test server itself (test/support/postgres-server.mjs): the adapter's tests are only as
// honest as the server's authentication.
describe('the test PostgreSQL server', () => {
  it('rejects a wrong password (SQLSTATE 28P01) and accepts the right one', async () => {
    await expect(loginWorks(superuserSecret({ password: 'not-the-password' }))).resolves.toBe(false);
    await expect(loginWorks(superuserSecret())).resolves.toBe(true);
  });

  it('stores SCRAM-SHA-256 verifiers and asks for SCRAM on 127.0.0.1, never trust', async () => {
    const { user } = postgresAddress();
    expect(await storedVerifier(user)).toMatch(/^SCRAM-SHA-256\$/);
    const { encryption, listen, rules } = await withSuperuser(async (client) => ({
      encryption: (await client.query('SHOW password_encryption')).rows[0].password_encryption,
      listen: (await client.query('SHOW listen_addresses')).rows[0].listen_addresses,
      rules: (await client.query('SELECT type, user_name, address, auth_method FROM pg_hba_file_rules')).rows,
    }));
    expect(encryption).toBe('scram-sha-256');
    expect(listen).toBe('127.0.0.1');
    expect(rules.map((rule) => rule.auth_method)).not.toContain('trust');
    const general = rules.find((rule) => rule.type === 'host' && rule.user_name[0] === 'all');
    expect(general).toMatchObject({ address: '127.0.0.1', auth_method: 'scram-sha-256' });
  });

  it('runs from a fresh temp dir and removes it when stopped', async () => {
    const server = await spawnPostgres({});
    const client = new Client({ ...server.address });
    await client.connect();
    const dataDir = (await client.query('SHOW data_directory')).rows[0].data_directory as string;
    await client.end();
    expect(path.dirname(path.dirname(dataDir))).toBe(os.tmpdir());
    expect(path.basename(path.dirname(dataDir))).toMatch(/^rotation-kit-pg-/);
    expect(server.address.port).not.toBe(postgresAddress().port);
    await server.stop();
    expect(existsSync(path.dirname(dataDir))).toBe(false);
  }, 60_000);
});
