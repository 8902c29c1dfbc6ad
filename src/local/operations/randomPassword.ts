import { PasswordGenerationError } from '../../shared/errors.js';
import { generateRandomPassword } from '../../shared/random-password.js';
import { Errors } from '../protocol/errors.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';

/**
 * GetRandomPassword: the wire checks here (the service's ValidationException texts), the password
 * from the generator the rotation handler uses (src/shared/random-password.ts).
 */
const getRandomPassword: Operation = (input) => {
  const reader = new InputReader(input);
  const request = {
    PasswordLength: reader.integer('PasswordLength', { min: 1, max: 4096 }),
    ExcludeCharacters: reader.string('ExcludeCharacters', { min: 0, max: 4096 }),
    ExcludeNumbers: reader.boolean('ExcludeNumbers'),
    ExcludePunctuation: reader.boolean('ExcludePunctuation'),
    ExcludeUppercase: reader.boolean('ExcludeUppercase'),
    ExcludeLowercase: reader.boolean('ExcludeLowercase'),
    IncludeSpace: reader.boolean('IncludeSpace'),
    RequireEachIncludedType: reader.boolean('RequireEachIncludedType'),
  };
  reader.done();
  try {
    return { RandomPassword: generateRandomPassword(request) };
  } catch (error) {
    if (error instanceof PasswordGenerationError) throw Errors.passwordGeneration(error.message);
    throw error;
  }
};

export { getRandomPassword };
