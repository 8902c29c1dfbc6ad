/**
 * Redshift's password rules and the hash it is sent as. Redshift refuses a plaintext password
 * unless it has 8 to 64 characters, at least one upper-case letter, one lower-case letter and one
 * digit, and only ASCII characters 33-126 other than `'`, `"`, `\`, `/` and `@` (so no space). A
 * hash it takes as given: `md5` + md5(password + username), PostgreSQL's form. (Its other form,
 * `sha256|<digest>|<salt>`, is not used: a user with a SHA-256 password is sent a login challenge,
 * authentication type 13, that the `pg` driver cannot answer, so the rotation could not test it.)
 */
import { PasswordPolicyError } from '../../shared/errors.js';
import type { PasswordPolicy } from '../../rotation/password-policy.js';
import { md5Verifier } from '../postgres/scram.js';

const FORBIDDEN = `'"\\/@`;
const MIN_LENGTH = 8;
const MAX_LENGTH = 64;

/** GetRandomPassword options that always meet Redshift's rules (spaces are off by default). */
const REDSHIFT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  length: 32,
  excludeCharacters: FORBIDDEN,
  includeSpace: false,
  requireEachIncludedType: true,
});

/** Throws PasswordPolicyError naming the first rule `password` breaks (never the password). */
function checkRedshiftPassword(password: string): void {
  const rule = (text: string) => new PasswordPolicyError('Redshift', text);
  if (typeof password !== 'string' || password.length < MIN_LENGTH || password.length > MAX_LENGTH) {
    throw rule(`expected ${MIN_LENGTH} to ${MAX_LENGTH} characters`);
  }
  for (const char of password) {
    const code = char.codePointAt(0)!;
    if (code < 33 || code > 126 || FORBIDDEN.includes(char)) {
      throw rule(`expected only ASCII characters 33-126 other than ' " \\ / @ (no space)`);
    }
  }
  if (!/[A-Z]/.test(password)) throw rule('expected at least one upper-case letter');
  if (!/[a-z]/.test(password)) throw rule('expected at least one lower-case letter');
  if (!/[0-9]/.test(password)) throw rule('expected at least one digit');
}

/** The hash Redshift stores for `username`'s `password`: `md5` + hex(md5(password + username)). */
function redshiftPasswordHash(password: string, username: string): string {
  return md5Verifier(password, username);
}

export { REDSHIFT_PASSWORD_POLICY, checkRedshiftPassword, redshiftPasswordHash };
