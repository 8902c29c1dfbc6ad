import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { scramSha256Verifier } from '../adapters/postgres/scram.js';
import type { EmbeddedPostgresEnv } from '../embedded/load.js';

/** Runs `work` as the embedded server's superuser (plaintext: the local server has no TLS). */
async function asSuperuser<T>(env: EmbeddedPostgresEnv, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: env.ROTATION_KIT_PG_HOST,
    port: Number(env.ROTATION_KIT_PG_PORT),
    user: env.ROTATION_KIT_PG_USER,
    password: env.ROTATION_KIT_PG_PASSWORD,
    database: env.ROTATION_KIT_PG_DATABASE,
    ssl: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `SHOW server_version`, e.g. "18.1". */
function serverVersion(env: EmbeddedPostgresEnv): Promise<string> {
  return asSuperuser(env, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  });
}

/**
 * Creates a login role whose password is stored as a SCRAM-SHA-256 verifier computed here, so the
 * plaintext never reaches the server (as the adapter does when it rotates).
 */
async function createLoginRole(env: EmbeddedPostgresEnv, role: string, password: string): Promise<void> {
  const verifier = await scramSha256Verifier(password);
  await asSuperuser(env, (client) =>
    client.query(
      `CREATE ROLE ${client.escapeIdentifier(role)} LOGIN PASSWORD ${client.escapeLiteral(verifier)}`,
    ),
  );
}

/** The first 8 hex characters of a password's SHA-256: shows that it changed, never what it is. */
function fingerprint(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex').slice(0, 8);
}

export { createLoginRole, fingerprint, serverVersion };
