// The password generator (src/shared/random-password.ts) against GetRandomPassword's documented
// semantics, for random option sets; and chi-square checks that would catch modulo bias or a
// missing shuffle. The character classes here are written out independently of the generator's.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ConfigurationError, PasswordGenerationError } from '../../src/shared/errors';
import { generateRandomPassword } from '../../src/shared/random-password';
import type { RandomPasswordRequest } from '../../src/shared/random-password';

const PRINTABLE = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
const TYPES = {
  lowercase: [...PRINTABLE].filter((c) => /[a-z]/.test(c)).join(''),
  uppercase: [...PRINTABLE].filter((c) => /[A-Z]/.test(c)).join(''),
  numbers: [...PRINTABLE].filter((c) => /[0-9]/.test(c)).join(''),
  // "!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~": every printable ASCII character but letters and digits.
  punctuation: [...PRINTABLE].filter((c) => !/[A-Za-z0-9]/.test(c)).join(''),
};
const EXCLUDED_BY: Record<keyof typeof TYPES, keyof RandomPasswordRequest> = {
  lowercase: 'ExcludeLowercase',
  uppercase: 'ExcludeUppercase',
  numbers: 'ExcludeNumbers',
  punctuation: 'ExcludePunctuation',
};

/** What GetRandomPassword promises for a request: the allowed characters and the required types. */
function expectations(request: RandomPasswordRequest) {
  const excluded = new Set(request.ExcludeCharacters ?? '');
  const included = (Object.keys(TYPES) as (keyof typeof TYPES)[])
    .filter((type) => request[EXCLUDED_BY[type]] !== true)
    .map((type) => [...TYPES[type]].filter((c) => !excluded.has(c)).join(''))
    .filter((chars) => chars.length > 0);
  const allowed = new Set(
    included.join('') + (request.IncludeSpace === true && !excluded.has(' ') ? ' ' : ''),
  );
  const required = (request.RequireEachIncludedType ?? true) ? included : [];
  return { allowed, required, length: request.PasswordLength ?? 32 };
}

const optionalFlag = fc.option(fc.boolean(), { nil: undefined });
// Exclusion lists: random characters (space and non-ASCII among them), or whole types but a few
// characters, so that types empty out and the refusals are reached.
const excludeCharacters = fc.oneof(
  fc.string({ unit: fc.constantFrom(...`${PRINTABLE} é€`), maxLength: 120 }),
  fc
    .tuple(
      fc.subarray(Object.values(TYPES)),
      fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 3 }),
    )
    .map(([types, spared]) => [...types.join('')].filter((c) => !spared.includes(c)).join('')),
);
const request: fc.Arbitrary<RandomPasswordRequest> = fc.record(
  {
    PasswordLength: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 48 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 4096 }) },
    ),
    ExcludeCharacters: excludeCharacters,
    ExcludeNumbers: optionalFlag,
    ExcludePunctuation: optionalFlag,
    ExcludeUppercase: optionalFlag,
    ExcludeLowercase: optionalFlag,
    IncludeSpace: optionalFlag,
    RequireEachIncludedType: optionalFlag,
  },
  { requiredKeys: [] },
);

describe('generateRandomPassword: GetRandomPassword semantics for random option sets', () => {
  it('makes a password of the asked length, only from allowed characters, with every required type; or refuses as the service does', () => {
    fc.assert(
      fc.property(request, (options) => {
        const { allowed, required, length } = expectations(options);
        let password: string;
        try {
          password = generateRandomPassword(options);
        } catch (error) {
          if (!(error instanceof PasswordGenerationError)) throw error;
          const expected = allowed.size === 0 ? 'no-characters' : 'too-short';
          expect(error.reason).toBe(expected);
          if (expected === 'too-short') expect(length).toBeLessThan(required.length);
          return;
        }
        expect(allowed.size).toBeGreaterThan(0);
        expect(password).toHaveLength(length);
        // Plain loops, one expect each: an expect per character costs seconds over 400 runs.
        expect([...password].filter((c) => !allowed.has(c))).toEqual([]);
        expect(required.filter((type) => ![...password].some((c) => type.includes(c)))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses lengths outside 1-4096 and exclusion lists over 4096 characters with a ConfigurationError naming the field', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ max: 0 }),
          fc.integer({ min: 4097 }),
          fc.double({ noInteger: true }),
          fc.constant(Number.NaN),
        ),
        (PasswordLength) => {
          expect(() => generateRandomPassword({ PasswordLength })).toThrow(ConfigurationError);
          expect(() => generateRandomPassword({ PasswordLength })).toThrow('"PasswordLength"');
        },
      ),
      { numRuns: 100 },
    );
    expect(() => generateRandomPassword({ ExcludeCharacters: 'x'.repeat(4097) })).toThrow(
      'Setting "ExcludeCharacters" is invalid: expected a string of at most 4096 characters',
    );
  });
});

/**
 * Pearson's chi-square statistic against a uniform distribution, and its critical value at
 * p = 1e-6 (Wilson-Hilferty): a correct generator fails this one run in a million.
 */
function chiSquare(counts: readonly number[]): { statistic: number; critical: number } {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const expected = total / counts.length;
  const statistic = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
  const df = counts.length - 1;
  const z = 4.753; // the standard normal's upper 1e-6 quantile
  const critical = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return { statistic, critical };
}

function frequencies(sample: string, alphabet: string): number[] {
  const counts = new Map([...alphabet].map((c) => [c, 0]));
  for (const c of sample) counts.set(c, (counts.get(c) ?? Number.NaN) + 1);
  return [...counts.values()];
}

describe('generateRandomPassword: distribution', () => {
  const ALPHABET = Object.values(TYPES).join(''); // 94 characters: not a power of two
  const DRAWS = ALPHABET.length * 200;

  it('draws every character equally often: a chi-square test that a modulo-biased draw fails', () => {
    const sample = Array.from({ length: 5 }, () =>
      generateRandomPassword({ PasswordLength: DRAWS / 5, RequireEachIncludedType: false }),
    ).join('');
    const counts = frequencies(sample, ALPHABET);
    expect(counts.some(Number.isNaN)).toBe(false);
    const fair = chiSquare(counts);
    expect(fair.statistic).toBeLessThan(fair.critical);

    // The same test on the same number of draws taken as `random byte % 94` (256 = 2 x 94 + 68,
    // so the first 68 characters come up 3/2 as often): the test must see it.
    const biased = Array.from({ length: DRAWS }, () => ALPHABET[(randomBytes(1)[0] as number) % 94]).join('');
    const caught = chiSquare(frequencies(biased, ALPHABET));
    expect(caught.statistic).toBeGreaterThan(caught.critical);
  });

  it('places the required characters anywhere: each type is as likely in the first position', () => {
    // Four characters, four required types: every password is one of each, in a shuffled order.
    const firstType = [0, 0, 0, 0];
    const types = Object.values(TYPES);
    for (let i = 0; i < 4000; i += 1) {
      const first = generateRandomPassword({ PasswordLength: 4 })[0] as string;
      firstType[types.findIndex((type) => type.includes(first))]! += 1;
    }
    const { statistic, critical } = chiSquare(firstType);
    expect(statistic).toBeLessThan(critical);
  });
});
