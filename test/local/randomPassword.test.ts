import { GetRandomPasswordCommand } from '@aws-sdk/client-secrets-manager';
import type { GetRandomPasswordCommandInput } from '@aws-sdk/client-secrets-manager';
import { expectServiceError, useLocalSecretsManager } from './support/localServer.js';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const has = (password: string, set: string) => [...password].some((c) => set.includes(c));

describe('local Secrets Manager: GetRandomPassword', () => {
  const local = useLocalSecretsManager();
  const password = async (input: GetRandomPasswordCommandInput = {}) =>
    (await local.client().send(new GetRandomPasswordCommand(input))).RandomPassword as string;

  it('defaults to 32 characters with a lowercase, an uppercase, a digit and a punctuation mark, no space', async () => {
    for (let i = 0; i < 20; i += 1) {
      const value = await password();
      expect(value).toHaveLength(32);
      expect(value).toMatch(/[a-z]/);
      expect(value).toMatch(/[A-Z]/);
      expect(value).toMatch(/[0-9]/);
      expect(has(value, PUNCTUATION)).toBe(true);
      expect(value).not.toContain(' ');
      expect([...value].every((c) => /[A-Za-z0-9]/.test(c) || PUNCTUATION.includes(c))).toBe(true);
    }
  });

  it('accepts PasswordLength 1 (without required types) and 4096, refuses 0 and 4097', async () => {
    expect(await password({ PasswordLength: 1, RequireEachIncludedType: false })).toHaveLength(1);
    expect(await password({ PasswordLength: 4096 })).toHaveLength(4096);
    await expectServiceError(
      password({ PasswordLength: 4097 }),
      'ValidationException',
      "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096",
    );
    await expectServiceError(
      password({ PasswordLength: 0 }),
      'ValidationException',
      "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('refuses a length shorter than the number of required types', async () => {
    await expectServiceError(
      password({ PasswordLength: 3 }),
      'InvalidParameterException',
      'Password length is too short based on the required types.',
    );
    expect(await password({ PasswordLength: 4 })).toHaveLength(4);
    expect(await password({ PasswordLength: 3, ExcludePunctuation: true })).toHaveLength(3);
  });

  it('honours each Exclude option', async () => {
    const sample = async (input: GetRandomPasswordCommandInput) =>
      password({ PasswordLength: 200, ...input });
    expect(await sample({ ExcludeNumbers: true })).not.toMatch(/[0-9]/);
    expect(await sample({ ExcludeUppercase: true })).not.toMatch(/[A-Z]/);
    expect(await sample({ ExcludeLowercase: true })).not.toMatch(/[a-z]/);
    expect(has(await sample({ ExcludePunctuation: true }), PUNCTUATION)).toBe(false);
    const excluded = 'aeiouAEIOU01/\\"\'`';
    expect(has(await sample({ ExcludeCharacters: excluded }), excluded)).toBe(false);
    expect(await sample({ ExcludePunctuation: true, ExcludeNumbers: true, ExcludeUppercase: true })).toMatch(
      /^[a-z]+$/,
    );
  });

  it('includes a space only with IncludeSpace', async () => {
    const samples = await Promise.all(
      Array.from({ length: 5 }, () => password({ PasswordLength: 400, IncludeSpace: true })),
    );
    expect(samples.some((value) => value.includes(' '))).toBe(true);
  });

  it('does not require each type when RequireEachIncludedType is false', async () => {
    // With a one-character length and four types, a required-types password could not exist.
    const values = await Promise.all(
      Array.from({ length: 30 }, () => password({ PasswordLength: 1, RequireEachIncludedType: false })),
    );
    expect(
      new Set(values.map((v) => (/[a-z]/.test(v) ? 'lower' : /[A-Z]/.test(v) ? 'upper' : 'other'))).size,
    ).toBeGreaterThan(1);
  });

  it('refuses when every character is excluded', async () => {
    await expectServiceError(
      password({
        ExcludeLowercase: true,
        ExcludeUppercase: true,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
      }),
      'InvalidParameterException',
      'The password cannot be generated because every character is excluded.',
    );
  });

  it('draws characters evenly (no character favoured, as modulo bias would)', async () => {
    // Three characters left: each should take a third of 4096 x 8 draws (sd about 85); 5% is > 15 sd.
    const values = await Promise.all(
      Array.from({ length: 8 }, () =>
        password({
          PasswordLength: 4096,
          ExcludeUppercase: true,
          ExcludeNumbers: true,
          ExcludePunctuation: true,
          ExcludeCharacters: 'defghijklmnopqrstuvwxyz',
          RequireEachIncludedType: false,
        }),
      ),
    );
    const counts = new Map<string, number>();
    for (const c of values.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c']);
    const expected = (4096 * 8) / 3;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });
});
