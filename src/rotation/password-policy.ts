import { ConfigurationError } from '../shared/errors.js';
import type { RandomPasswordRequest } from '../secrets/gateway.js';

/** Options forwarded to GetRandomPassword. */
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
 * Resolves the policy into the request GetRandomPassword takes. The environment overrides options,
 * as AWS's templates do, so a deployed function can be tuned without a rebuild.
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
  const request: RandomPasswordRequest = {
    PasswordLength: length,
    ExcludeCharacters: env.EXCLUDE_CHARACTERS ?? policy.excludeCharacters ?? DEFAULT_EXCLUDE_CHARACTERS,
    IncludeSpace: policy.includeSpace ?? false,
    RequireEachIncludedType: policy.requireEachIncludedType ?? true,
  };
  if (policy.excludeNumbers) request.ExcludeNumbers = true;
  if (policy.excludePunctuation) request.ExcludePunctuation = true;
  if (policy.excludeUppercase) request.ExcludeUppercase = true;
  if (policy.excludeLowercase) request.ExcludeLowercase = true;
  return request;
}

export { DEFAULT_EXCLUDE_CHARACTERS, resolvePasswordPolicy };
export type { PasswordPolicy };
