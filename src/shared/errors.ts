/**
 * Every error the library throws on purpose is a RotationError with a stable `code`, so logs, tests
 * and callers can branch on it. Messages name fields and keys, never their values: a secret value,
 * a password or a connection string must never reach an error message.
 */
type ErrorContext = Record<string, string | number | boolean | undefined>;

class RotationError extends Error {
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** The rotation event is missing a field or a field is malformed. */
class InvalidEventError extends RotationError {
  constructor(field: string, expected: string) {
    super('INVALID_EVENT', `Rotation event field "${field}" is invalid: expected ${expected}`, { field });
  }
}

/** The secret's rotation is not enabled (DescribeSecret RotationEnabled is not true). */
class RotationNotEnabledError extends RotationError {
  constructor(secretId: string) {
    super('ROTATION_NOT_ENABLED', `Secret ${secretId} is not enabled for rotation`, { secretId });
  }
}

/** The ClientRequestToken is not a version of the secret, or the version lacks a label it needs. */
class VersionNotStagedError extends RotationError {
  constructor(secretId: string, token: string, detail: string) {
    super('VERSION_NOT_STAGED', `Version ${token} of secret ${secretId} ${detail}`, { secretId, token });
  }
}

/** The secret's JSON does not match the adapter's schema. Names the key, never the value. */
class SecretShapeError extends RotationError {
  readonly key: string;
  readonly expected: string;

  constructor(key: string, expected: string, where = 'secret') {
    super('SECRET_SHAPE', `The ${where} key "${key}" is invalid: expected ${expected}`, { key, where });
    this.key = key;
    this.expected = expected;
  }
}

/** No known credentials could log in to the database. */
class LoginFailedError extends RotationError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('LOGIN_FAILED', message, context, options);
  }
}

/** The pending version would redirect the change to another user or host than the current one. */
class UnsafeChangeError extends RotationError {
  constructor(key: string) {
    super(
      'UNSAFE_CHANGE',
      `The AWSPENDING version names a different "${key}" than AWSCURRENT; refusing to change the password`,
      { key },
    );
  }
}

/** The database could not be reached or answered with an unexpected fault (not bad credentials). */
class DatabaseConnectionError extends RotationError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('DATABASE_CONNECTION', message, context, options);
  }
}

/** TLS was required by the configured mode but could not be established or verified. */
class TlsRequiredError extends RotationError {
  constructor(mode: string, detail: string, options?: { cause?: unknown }) {
    super('TLS_REQUIRED', `TLS mode "${mode}" failed: ${detail}`, { mode }, options);
  }
}

/** Options or environment variables given to the library are invalid. */
class ConfigurationError extends RotationError {
  constructor(setting: string, expected: string) {
    super('CONFIGURATION', `Setting "${setting}" is invalid: expected ${expected}`, { setting });
  }
}

export {
  ConfigurationError,
  DatabaseConnectionError,
  InvalidEventError,
  LoginFailedError,
  RotationError,
  RotationNotEnabledError,
  SecretShapeError,
  TlsRequiredError,
  UnsafeChangeError,
  VersionNotStagedError,
};
export type { ErrorContext };
