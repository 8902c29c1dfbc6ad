import { createHash, createHmac } from 'node:crypto';
import { saslprep } from '../../../src/adapters/postgres/saslprep.js';
import { md5Verifier, scramSha256Verifier } from '../../../src/adapters/postgres/scram.js';
import { dropRoles, uniqueRole, withSuperuser } from '../../support/postgres.js';

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function parseVerifier(verifier: string) {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!match) throw new Error(`not a SCRAM verifier: ${verifier}`);
  return {
    iterations: Number(match[1]),
    salt: Buffer.from(match[2]!, 'base64'),
    storedKey: Buffer.from(match[3]!, 'base64'),
    serverKey: Buffer.from(match[4]!, 'base64'),
  };
}

describe('SCRAM-SHA-256 verifier', () => {
  it('matches the RFC 7677 example exchange (user "user", password "pencil")', async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const { storedKey, serverKey, iterations } = parseVerifier(
      await scramSha256Verifier('pencil', { salt, iterations: 4096 }),
    );
    expect(iterations).toBe(4096);
    const clientFirstBare = 'n=user,r=rOprNGfwEbeRWgbNEkqO';
    const serverFirst =
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    const clientFinalWithoutProof = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;

    // The server proves itself with HMAC(ServerKey, AuthMessage): the RFC's "v=" value.
    expect(hmac(serverKey, authMessage).toString('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
    // The server checks the client's proof: H(proof XOR HMAC(StoredKey, AuthMessage)) == StoredKey.
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const signature = hmac(storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((byte, index) => byte ^ signature[index]!));
    expect(createHash('sha256').update(clientKey).digest()).toEqual(storedKey);
  });

  it('uses a fresh 16-byte salt and 4096 iterations by default', async () => {
    const first = parseVerifier(await scramSha256Verifier('same password'));
    const second = parseVerifier(await scramSha256Verifier('same password'));
    expect(first.iterations).toBe(4096);
    expect(first.salt).toHaveLength(16);
    expect(first.salt.equals(second.salt)).toBe(false);
  });

  it('computes the md5 verifier as md5 + hex(md5(password + username))', () => {
    expect(md5Verifier('secret', 'alice')).toBe(
      `md5${createHash('md5').update('secretalice').digest('hex')}`,
    );
  });
});

describe('SASLprep as PostgreSQL applies it', () => {
  it.each([
    ['I\u00ADX', 'IX'], // RFC 4013 examples: soft hyphen mapped to nothing
    ['user', 'user'],
    ['USER', 'USER'], // case is preserved
    ['\u00AA', 'a'], // NFKC
    ['\u2168', 'IX'], // NFKC
    ['a\u00A0b', 'a b'], // non-ASCII space mapped to space
    ['\u0007', '\u0007'], // ASCII passes through untouched in PostgreSQL (RFC 4013 would reject it)
    ['\u0627\u0031', '\u0627\u0031'], // bidi rule broken: PostgreSQL falls back to the raw password
    ['\u00AD', '\u00AD'], // nothing left after mapping: raw password
  ])('prepares %j as %j', (input, expected) => {
    expect(saslprep(input)).toBe(expected);
  });
});

describe('client-side verifiers against the real server', () => {
  const role = uniqueRole('rk_scram');
  beforeAll(() => withSuperuser((client) => client.query(`CREATE ROLE ${role} LOGIN`)));
  afterAll(() => dropRoles([role]));

  /** What the server stores for `password`, and what we compute with the server's salt and iterations. */
  async function serverAndOurs(password: string): Promise<[string, string]> {
    const server = await withSuperuser(async (client) => {
      await client.query(`ALTER ROLE ${role} PASSWORD ${client.escapeLiteral(password)}`);
      const { rows } = await client.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
      return rows[0].rolpassword as string;
    });
    const { iterations, salt } = parseVerifier(server);
    return [server, await scramSha256Verifier(password, { iterations, salt })];
  }

  it.each([
    ['every ASCII punctuation character and spaces', ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ '],
    ['a backslash-heavy password', '\\\\\\x00\\n'],
    ['accents and symbols', 'pässwörd-ünïcødé-✓'],
    ['a soft hyphen (mapped away)', 'I\u00ADX-pass'],
    ['compatibility characters (NFKC)', '\u2168\u00AA\uFB01-ﬁ'],
    ['a non-ASCII space', 'a\u3000b'],
    ['a private-use character (prohibited: raw bytes)', 'x\uE000y'],
    ['an emoji (unassigned in Unicode 3.2: raw bytes)', 'key-🔑-\u00AD'],
    ['a right-to-left password', '\u05D0\u05D1\u05D2'],
    ['right-to-left mixed with Latin (bidi rule: raw bytes)', '\u05D0abc\u05D1'],
    ['a control character with non-ASCII text', 'é\u0001'],
  ])('equals the verifier PostgreSQL computes for %s', async (_label, password) => {
    const [server, ours] = await serverAndOurs(password);
    expect(ours).toBe(server);
  });
});
