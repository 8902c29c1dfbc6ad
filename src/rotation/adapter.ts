/**
 * The database seam. The engine never imports a driver: it speaks to an adapter through this small
 * interface. See README "Your own adapter" and examples/redis-acl/README.md (the Redis adapter, src/adapters/redis, as a worked example). For every method: no
 * password, secret string or connection string with a password in an error's message, stack or
 * `cause` (drivers often attach the failed command: pass on a driver error's name, code and a
 * scrubbed message, never the error itself).
 */
import type { PasswordPolicy } from './password-policy.js';

/** The keys every database secret has, as AWS's rotation templates write them. */
interface DatabaseSecret {
  /** Engine name as AWS writes it: `postgres`, `aurora-postgresql`, `mysql`, `aurora-mysql`, `mariadb`. */
  engine: string;
  host: string;
  port: number;
  username: string;
  password: string;
  /** ARN of a superuser secret; required by the alternating-users strategy. */
  masterarn?: string;
}

/** Whose password to set, and to what. */
interface PasswordChange {
  username: string;
  password: string;
}

/**
 * Two valid passwords for one user at once (Redis/Valkey ACL users, MySQL 8.0.14+), which the
 * dual-password strategy needs. Each method connects as `login` (the user itself, or a superuser),
 * is safe to repeat, always closes its connection, and throws `LoginFailedError` when `login` is
 * rejected and `RoleNotFoundError` when the user does not exist (never creates it).
 */
interface DualPasswordSupport<S extends DatabaseSecret = DatabaseSecret> {
  /**
   * Throws `DualPasswordUnsupportedError` when this server cannot hold two passwords for a user
   * (MariaDB, MySQL before 8.0.14). Changes nothing. createSecret calls it before anything is written.
   */
  checkServer?(login: S): Promise<void>;
  /** Adds `change.password` to the user's valid passwords; the ones it has keep working. */
  addPassword(login: S, change: PasswordChange): Promise<void>;
  /** Removes every password of `username` except those in `keep`, which keep working. */
  retirePasswords(login: S, username: string, keep: readonly string[]): Promise<void>;
}

interface DatabaseAdapter<S extends DatabaseSecret = DatabaseSecret> {
  /** Engine names (the secret's `engine` key) this adapter serves. */
  readonly engines: readonly string[];

  /**
   * The keys of a parsed secret that decide where and as whom the adapter connects (e.g. `engine`,
   * `host`, `port`, `dbname`, `username`). A pending version must equal AWSCURRENT on each (the
   * username follows the strategy's rule), so a tampered version cannot redirect the change.
   * TLS keys are left to `tlsStrength`: they may become stricter, never weaker.
   */
  readonly connectionKeys: readonly string[];

  /**
   * How strict the TLS is that the secret asks for: a higher number is stricter. A pending version
   * asking for weaker TLS than AWSCURRENT is refused. Omit only when the engine has no TLS keys.
   */
  tlsStrength?(secret: S): number;

  /**
   * Validates the secret's parsed JSON and fills defaults. Throws `SecretShapeError(key, expected)`
   * naming the key (never its value) when a key is missing or has the wrong type (a port given as
   * `"5432"` is read as the number, as AWS's templates do). Keeps `masterarn`; may ignore keys it does not know (the engine copies the
   * whole JSON into the next version). Called on AWSCURRENT before anything is written.
   */
  parseSecret(value: unknown): S;

  /**
   * Connects with the secret's credentials and runs a trivial query. Resolves `false` when the server
   * rejects the credentials; throws `DatabaseConnectionError` or `TlsRequiredError` for any other
   * fault (unreachable, TLS failure), so a network problem is never mistaken for a wrong password.
   * Always closes its connection.
   */
  canLogin(secret: S): Promise<boolean>;

  /**
   * Connects as `login` and sets `change.username`'s password. `login` is the same user for the
   * single-user strategy, a superuser otherwise. Safe for any username and password (quoted, never
   * concatenated), and safe to repeat. Throws `LoginFailedError(message, context?, { cause }?)` when
   * the server rejects `login`'s credentials (the engine then falls back to other credentials, so
   * any other error stops the rotation), `RoleNotFoundError(role)` when `change.username` does not
   * exist (never creates it), another named error for anything else. Always closes its connection.
   */
  setPassword(login: S, change: PasswordChange): Promise<void>;

  /**
   * Alternating users: connects as `admin`, makes sure the user `change.username` exists with the
   * same privileges as `like`, and sets its password. Idempotent; leaves `like` untouched. Throws
   * `PrivilegeCopyError(from, to, detail)` before changing anything when the privileges cannot be
   * copied faithfully.
   */
  ensureUserLike?(admin: S, like: string, change: PasswordChange): Promise<void>;

  /**
   * Throws `MissingDependencyError` (naming the package and the install command) when a package the
   * adapter needs is not installed. createSecret calls it first, before anything is written. Keep
   * it cheap: it must not load a driver that only connections need.
   */
  checkDependencies?(): Promise<void>;

  /**
   * The engine's own password rules, as GetRandomPassword options: the default password policy
   * (the handler's `passwordPolicy` option and `PASSWORD_LENGTH`/`EXCLUDE_CHARACTERS` win over it).
   */
  readonly passwordPolicy?: PasswordPolicy;

  /**
   * Throws `PasswordPolicyError` (naming the rule, never the password) when the engine would refuse
   * `password`. createSecret calls it on the new password before anything is written.
   */
  checkPassword?(password: string): void;
  /** Optional: two valid passwords per user, for `dualPassword()`. */
  readonly dualPassword?: DualPasswordSupport<S>;
}

export type { DatabaseAdapter, DatabaseSecret, DualPasswordSupport, PasswordChange };
