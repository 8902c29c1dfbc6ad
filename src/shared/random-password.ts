import { randomInt } from 'node:crypto';
import { ConfigurationError, PasswordGenerationError } from './errors.js';

/**
 * GetRandomPassword, in this process: the rotation handler makes its passwords here (no call to
 * the service), and the local Secrets Manager answers GetRandomPassword with it. Characters come
 * from `crypto.randomInt`, a CSPRNG that draws without modulo bias.
 */

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/** The service's punctuation set: every printable ASCII character that is not a letter, digit or space. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const DEFAULT_PASSWORD_LENGTH = 32;
const MAX_PASSWORD_LENGTH = 4096;

/** GetRandomPassword's options, in the API's own names, with the service's defaults when left out. */
interface RandomPasswordRequest {
  /** 1-4096. Default 32. */
  PasswordLength?: number;
  /** Up to 4096 characters never used. Default none. */
  ExcludeCharacters?: string;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeLowercase?: boolean;
  /** Default false. The space is not a type: RequireEachIncludedType never asks for one. */
  IncludeSpace?: boolean;
  /** One character at least of each type left in (lowercase, uppercase, digit, punctuation). Default true. */
  RequireEachIncludedType?: boolean;
}

const pick = (characters: string): string => characters[randomInt(characters.length)] as string;

/**
 * A password as GetRandomPassword makes it. Throws ConfigurationError for a length or exclusion
 * list outside the service's limits, and PasswordGenerationError where the service refuses: every
 * character excluded, or fewer characters than required types.
 */
function generateRandomPassword(request: RandomPasswordRequest = {}): string {
  const length = request.PasswordLength ?? DEFAULT_PASSWORD_LENGTH;
  if (!Number.isInteger(length) || length < 1 || length > MAX_PASSWORD_LENGTH) {
    throw new ConfigurationError('PasswordLength', `an integer from 1 to ${MAX_PASSWORD_LENGTH}`);
  }
  const excludeCharacters = request.ExcludeCharacters ?? '';
  if (typeof excludeCharacters !== 'string' || excludeCharacters.length > MAX_PASSWORD_LENGTH) {
    throw new ConfigurationError(
      'ExcludeCharacters',
      `a string of at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  }

  const excluded = new Set(excludeCharacters);
  const keep = (set: string) => [...set].filter((c) => !excluded.has(c)).join('');
  // A type with every character excluded is not included, so it is not required either.
  const types = [
    request.ExcludeLowercase ? '' : keep(LOWERCASE),
    request.ExcludeUppercase ? '' : keep(UPPERCASE),
    request.ExcludeNumbers ? '' : keep(DIGITS),
    request.ExcludePunctuation ? '' : keep(PUNCTUATION),
  ].filter((set) => set.length > 0);
  const pool = types.join('') + (request.IncludeSpace ? keep(' ') : '');
  if (pool.length === 0) throw new PasswordGenerationError('no-characters');

  // One character of each required type, the rest from the whole pool, then a Fisher-Yates
  // shuffle so the required characters can sit anywhere.
  const required = (request.RequireEachIncludedType ?? true) ? types : [];
  if (length < required.length) throw new PasswordGenerationError('too-short');
  const characters = required.map(pick);
  while (characters.length < length) characters.push(pick(pool));
  for (let i = characters.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j] as string, characters[i] as string];
  }
  return characters.join('');
}

export {
  DEFAULT_PASSWORD_LENGTH,
  DIGITS,
  LOWERCASE,
  MAX_PASSWORD_LENGTH,
  PUNCTUATION,
  UPPERCASE,
  generateRandomPassword,
};
export type { RandomPasswordRequest };
