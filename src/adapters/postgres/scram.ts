/**
 * Password verifiers computed on the client, so `ALTER ROLE ... PASSWORD` carries a hash and the
 * plaintext never reaches the server (nor its statement log, nor `pg_stat_statements`).
 * PostgreSQL stores a string in one of these forms as it is, instead of hashing it again.
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { saslprep } from './saslprep.js';

const pbkdf2Async = promisify(pbkdf2);

/** PostgreSQL's defaults (`scram_iterations`, SCRAM_DEFAULT_SALT_LEN); RFC 7677 asks for >= 4096. */
const SCRAM_DEFAULT_ITERATIONS = 4096;
const SCRAM_SALT_BYTES = 16;

interface ScramOptions {
  /** PBKDF2 iterations; default 4096 (PostgreSQL's default). */
  iterations?: number;
  /** Fixed salt, for tests against known vectors; default 16 random bytes. */
  salt?: Buffer;
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores in `pg_authid.rolpassword` (RFC 5802 / RFC 7677):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, all base64. The password goes
 * through PostgreSQL's SASLprep first, as the server and libpq do.
 */
async function scramSha256Verifier(password: string, options: ScramOptions = {}): Promise<string> {
  const iterations = options.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  const salt = options.salt ?? randomBytes(SCRAM_SALT_BYTES);
  const salted = await pbkdf2Async(Buffer.from(saslprep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return (
    `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}` +
    `$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
  );
}

/** PostgreSQL's legacy MD5 verifier: `md5` + hex(md5(password + username)). Weak: only for old clients. */
function md5Verifier(password: string, username: string): string {
  return `md5${createHash('md5')
    .update(password + username, 'utf8')
    .digest('hex')}`;
}

export { SCRAM_DEFAULT_ITERATIONS, md5Verifier, scramSha256Verifier };
export type { ScramOptions };
