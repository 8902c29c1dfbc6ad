import { randomInt } from 'node:crypto';
import { Errors } from '../protocol/errors.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';

/** GetRandomPassword, from a CSPRNG: `crypto.randomInt` draws without modulo bias. */

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

interface PasswordOptions {
  length: number;
  excludeCharacters: string;
  excludeNumbers: boolean;
  excludePunctuation: boolean;
  excludeUppercase: boolean;
  excludeLowercase: boolean;
  includeSpace: boolean;
  requireEachIncludedType: boolean;
}

function pick(characters: string): string {
  return characters[randomInt(characters.length)] as string;
}

/** A password per the service's options; throws the service's errors when none can be made. */
function generatePassword(options: PasswordOptions): string {
  const excluded = new Set(options.excludeCharacters);
  const keep = (set: string) => [...set].filter((c) => !excluded.has(c)).join('');
  const classes = [
    options.excludeLowercase ? '' : keep(LOWERCASE),
    options.excludeUppercase ? '' : keep(UPPERCASE),
    options.excludeNumbers ? '' : keep(DIGITS),
    options.excludePunctuation ? '' : keep(PUNCTUATION),
  ].filter((set) => set.length > 0);
  const space = options.includeSpace ? keep(' ') : '';
  const pool = classes.join('') + space;
  if (pool.length === 0) throw Errors.noCharacters();

  // One character of each included type (space is not a type), the rest from the whole pool,
  // then a Fisher-Yates shuffle so the required characters sit anywhere.
  const required = options.requireEachIncludedType ? classes : [];
  if (options.length < required.length) throw Errors.passwordTooShort();
  const characters = required.map(pick);
  while (characters.length < options.length) characters.push(pick(pool));
  for (let i = characters.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j] as string, characters[i] as string];
  }
  return characters.join('');
}

const getRandomPassword: Operation = (input) => {
  const reader = new InputReader(input);
  const length = reader.integer('PasswordLength', { min: 1, max: 4096 }) ?? 32;
  const excludeCharacters = reader.string('ExcludeCharacters', { min: 0, max: 4096 }) ?? '';
  const flag = (member: string, fallback: boolean) => reader.boolean(member) ?? fallback;
  const options: PasswordOptions = {
    length,
    excludeCharacters,
    excludeNumbers: flag('ExcludeNumbers', false),
    excludePunctuation: flag('ExcludePunctuation', false),
    excludeUppercase: flag('ExcludeUppercase', false),
    excludeLowercase: flag('ExcludeLowercase', false),
    includeSpace: flag('IncludeSpace', false),
    requireEachIncludedType: flag('RequireEachIncludedType', true),
  };
  reader.done();
  return { RandomPassword: generatePassword(options) };
};

export { DIGITS, LOWERCASE, PUNCTUATION, UPPERCASE, generatePassword, getRandomPassword };
export type { PasswordOptions };
