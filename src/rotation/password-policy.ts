import { ConfigurationError } from '../shared/errors.js';
import type { RandomPasswordRequest } from '../shared/random-password.js';

/** How new passwords are made, with GetRandomPassword's options and semantics. */
interface PasswordPolicy {
  /** 1-4096. Default 32. Environment override: `PASSWORD_LENGTH`. */
  length?: number;
  /**
   * Characters never used. Default `/@"'\` (AWS's templates' default: these break connection URLs and
   * shells downstream, though the adapters themselves handle any character). Override: `EXCLUDE_CHARACTERS`.
   */
  excludeCharacters?: string;
  excludeNumbers?: boolean;
  excludePunctuation?: boolean;
  excludeUppercase?: boolean;
  excludeLowercase?: boolean;
  /** Default false. */
  includeSpace?: boolean;
  /** Default true. */
  requireEachIncludedType?: boolean;
}

const DEFAULT_EXCLUDE_CHARACTERS = '/@"\'\\';

/**
 * Where new passwords come from: `'function'` (the default) generates them in the Lambda, from a
 * CSPRNG with GetRandomPassword's exact semantics, saving a call and the IAM grant on `*`;
 * `'secrets-manager'` calls the service's GetRandomPassword, for teams whose policy requires it.
 */
type PasswordSource = 'function' | 'secrets-manager';

const PASSWORD_SOURCES: readonly PasswordSource[] = ['function', 'secrets-manager'];

/**
 * Resolves the policy into GetRandomPassword's request, which the in-function generator takes too.
 * The environment overrides options, as AWS's templates do, so a deployed function can be tuned
 * without a rebuild.
 */
function resolvePasswordPolicy(
  policy: PasswordPolicy = {},
  env: NodeJS.ProcessEnv = process.env,
): RandomPasswordRequest {
  const fromEnv = env.PASSWORD_LENGTH !== undefined;
  const length = fromEnv ? Number(env.PASSWORD_LENGTH?.trim()) : (policy.length ?? 32);
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw new ConfigurationError(
      fromEnv ? 'PASSWORD_LENGTH' : 'passwordPolicy.length',
      'an integer from 1 to 4096',
    );
  }
  const excludeCharacters = env.EXCLUDE_CHARACTERS ?? policy.excludeCharacters ?? DEFAULT_EXCLUDE_CHARACTERS;
  if (excludeCharacters.length > 4096) {
    throw new ConfigurationError(
      env.EXCLUDE_CHARACTERS !== undefined ? 'EXCLUDE_CHARACTERS' : 'passwordPolicy.excludeCharacters',
      'at most 4096 characters',
    );
  }
  const request: RandomPasswordRequest = {
    PasswordLength: length,
    ExcludeCharacters: excludeCharacters,
    IncludeSpace: policy.includeSpace ?? false,
    RequireEachIncludedType: policy.requireEachIncludedType ?? true,
  };
  if (policy.excludeNumbers) request.ExcludeNumbers = true;
  if (policy.excludePunctuation) request.ExcludePunctuation = true;
  if (policy.excludeUppercase) request.ExcludeUppercase = true;
  if (policy.excludeLowercase) request.ExcludeLowercase = true;
  return request;
}

/** The password source; `ROTATION_KIT_PASSWORD_SOURCE` overrides the option, as the policy's variables do. */
function resolvePasswordSource(
  option: PasswordSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PasswordSource {
  const fromEnv = env.ROTATION_KIT_PASSWORD_SOURCE !== undefined;
  const value = fromEnv ? env.ROTATION_KIT_PASSWORD_SOURCE?.trim() : (option ?? 'function');
  if (!(PASSWORD_SOURCES as readonly unknown[]).includes(value)) {
    throw new ConfigurationError(
      fromEnv ? 'ROTATION_KIT_PASSWORD_SOURCE' : 'passwordSource',
      PASSWORD_SOURCES.map((source) => `"${source}"`).join(' or '),
    );
  }
  return value as PasswordSource;
}

export { DEFAULT_EXCLUDE_CHARACTERS, resolvePasswordPolicy, resolvePasswordSource };
export type { PasswordPolicy, PasswordSource };
