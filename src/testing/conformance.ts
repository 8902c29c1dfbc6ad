import type { DatabaseAdapter, DatabaseSecret, DualPasswordSupport } from '../rotation/adapter.js';
import {
  DualPasswordUnsupportedError,
  LoginFailedError,
  RotationError,
  SecretShapeError,
} from '../shared/errors.js';

/** What the suite needs to exercise an adapter against a real server. */
interface ConformanceTarget<S extends DatabaseSecret = DatabaseSecret> {
  adapter: DatabaseAdapter<S>;
  /** Creates (or resets) a login user with this password and returns its secret. */
  createUser(username: string, password: string): Promise<S>;
  /** Removes a user the suite created (optional clean-up). */
  dropUser?(username: string): Promise<void>;
  /**
   * A superuser secret, for `ensureUserLike` and for changing another user's password. Use one
   * made for the suite: an adapter that wrongly changes the admin's own password breaks it.
   */
  admin?: S;
  /** A secret whose host/port nothing listens on: login checks must throw, not answer false. */
  unreachable: S;
  /** Usernames the engine must handle; defaults to quotes, spaces and unicode. */
  trickyUsernames?: string[];
}

interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}

/** A conformance check failed: the message says which rule. */
class ConformanceError extends Error {
  constructor(rule: string) {
    super(`adapter conformance: ${rule}`);
    this.name = 'ConformanceError';
  }
}

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const DEFAULT_TRICKY_USERNAMES = ['rk_quote"d', "rk_o'neil", 'rk with space', 'rk_ünïcødé_用户'];

function check(condition: unknown, rule: string): asserts condition {
  if (!condition) throw new ConformanceError(rule);
}

async function expectRejects(promise: Promise<unknown>, rule: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new ConformanceError(rule);
}

function assertNoSecretIn(error: unknown, secrets: string[], rule: string): void {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  for (const secret of secrets) check(!text.includes(secret), `${rule}: the error text contains a password`);
}

let counter = 0;
const uniqueName = (base: string) => `${base}_${process.pid}_${++counter}`.slice(0, 60);

/**
 * The rules every adapter must follow, as plain async cases: run them from any test runner.
 * They create users through `target.createUser`, so run them against a disposable server.
 *
 * @example
 * import { adapterConformanceCases } from 'rotation-kit/testing';
 * for (const c of adapterConformanceCases(target)) it(c.name, c.run);
 */
function adapterConformanceCases<S extends DatabaseSecret>(target: ConformanceTarget<S>): ConformanceCase[] {
  const { adapter } = target;
  const cases: ConformanceCase[] = [
    {
      name: 'parseSecret accepts a valid secret and keeps its credentials',
      async run() {
        const secret = await target.createUser(uniqueName('rk_parse'), 'Parse-Pa55');
        const parsed = adapter.parseSecret(JSON.parse(JSON.stringify(secret)));
        check(
          parsed.username === secret.username && parsed.password === secret.password,
          'parseSecret keeps credentials',
        );
      },
    },
    ...(['host', 'username', 'password'] as const).map((key) => ({
      name: `parseSecret names a missing "${key}" with SecretShapeError`,
      async run() {
        const secret = { ...(await target.createUser(uniqueName('rk_shape'), 'Shape-Pa55-Value')) } as Record<
          string,
          unknown
        >;
        delete secret[key];
        const error = await expectRejects(
          Promise.resolve().then(() => adapter.parseSecret(secret)),
          `missing ${key} is refused`,
        );
        check(error instanceof SecretShapeError, `missing ${key}: SecretShapeError`);
        check((error as SecretShapeError).key === key, `missing ${key}: the error names "${key}"`);
        assertNoSecretIn(error, ['Shape-Pa55-Value'], `missing ${key}`);
      },
    })),
    {
      name: 'parseSecret reads a string port of digits, refuses another string port and a numeric password, naming the key, never the value',
      async run() {
        const secret = await target.createUser(uniqueName('rk_types'), 'Types-Pa55-Value');
        const parsed = adapter.parseSecret({ ...secret, port: String(secret.port) });
        check(parsed.port === secret.port, 'a port of digits given as a string is read as the number');
        const portError = await expectRejects(
          Promise.resolve().then(() => adapter.parseSecret({ ...secret, port: `${secret.port}x` })),
          'a port string that is not a number is refused',
        );
        check(
          portError instanceof SecretShapeError && portError.key === 'port',
          'a bad string port names "port"',
        );
        const passwordError = await expectRejects(
          Promise.resolve().then(() => adapter.parseSecret({ ...secret, password: 123456789 })),
          'a numeric password is refused',
        );
        check(
          passwordError instanceof SecretShapeError && passwordError.key === 'password',
          'names "password"',
        );
        assertNoSecretIn(passwordError, ['123456789', 'Types-Pa55-Value'], 'numeric password');
      },
    },
    {
      name: 'canLogin: true for the right password, false for a wrong one',
      async run() {
        const secret = await target.createUser(uniqueName('rk_login'), 'Login-Pa55');
        check((await adapter.canLogin(secret)) === true, 'the right password logs in');
        check(
          (await adapter.canLogin({ ...secret, password: 'Wrong-Pa55' })) === false,
          'a wrong password is false',
        );
      },
    },
    {
      name: 'canLogin throws a named error (not false) when the server is unreachable',
      async run() {
        const error = await expectRejects(
          adapter.canLogin(target.unreachable),
          'an unreachable server throws',
        );
        check(error instanceof RotationError, 'the error is a RotationError with a code');
        assertNoSecretIn(error, [target.unreachable.password], 'unreachable');
      },
    },
    {
      name: 'setPassword: the new password logs in, the old one fails, and a repeat is harmless',
      async run() {
        const secret = await target.createUser(uniqueName('rk_set'), 'Old-Pa55');
        const change = { username: secret.username, password: 'New-Pa55' + PUNCTUATION };
        await adapter.setPassword(secret, change);
        const updated = { ...secret, password: change.password };
        check(await adapter.canLogin(updated), 'the new password logs in');
        check(!(await adapter.canLogin(secret)), 'the old password no longer logs in');
        await adapter.setPassword(updated, change);
        check(await adapter.canLogin(updated), 'setting the same password again keeps it working');
      },
    },
    {
      name: 'setPassword handles usernames with quotes, spaces and unicode, and every punctuation character',
      async run() {
        for (const base of target.trickyUsernames ?? DEFAULT_TRICKY_USERNAMES) {
          const secret = await target.createUser(base, 'Start-Pa55');
          const password = `${PUNCTUATION} ${PUNCTUATION}`;
          await adapter.setPassword(secret, { username: secret.username, password });
          check(await adapter.canLogin({ ...secret, password }), `"${base}": the new password logs in`);
          check(!(await adapter.canLogin(secret)), `"${base}": the old password fails`);
          await target.dropUser?.(base);
        }
      },
    },
    {
      name: 'setPassword with rejected credentials fails with LoginFailedError, without echoing any password',
      async run() {
        const secret = await target.createUser(uniqueName('rk_reject'), 'Right-Pa55');
        const wrong = { ...secret, password: 'Wrong-Login-Pa55' };
        const error = await expectRejects(
          adapter.setPassword(wrong, { username: secret.username, password: 'Target-Pa55' }),
          'a rejected login fails',
        );
        check(
          error instanceof LoginFailedError,
          'a rejected login is a LoginFailedError (the engine falls back on it)',
        );
        assertNoSecretIn(error, ['Wrong-Login-Pa55', 'Target-Pa55', 'Right-Pa55'], 'rejected login');
        check(await adapter.canLogin(secret), 'the password is unchanged');
      },
    },
  ];
  if (target.admin) {
    const admin = target.admin;
    cases.push({
      name: "setPassword as an admin changes the other user's password, and never the admin's own",
      async run() {
        const user = await target.createUser(uniqueName('rk_other'), 'Other-Old-Pa55');
        const password = 'Other-New-Pa55';
        await adapter.setPassword(admin, { username: user.username, password });
        check(await adapter.canLogin(admin), "the admin's own password still logs in");
        check(await adapter.canLogin({ ...user, password }), "the other user's new password logs in");
        check(!(await adapter.canLogin(user)), "the other user's old password fails");
        await target.dropUser?.(user.username);
      },
    });
  }
  if (adapter.ensureUserLike && target.admin) {
    const admin = target.admin;
    const ensureUserLike = adapter.ensureUserLike.bind(adapter);
    cases.push({
      name: 'ensureUserLike creates the other user, idempotently, leaving the original alone',
      async run() {
        const original = await target.createUser(uniqueName('rk_orig'), 'Orig-Pa55');
        const clone = `${original.username}_clone`;
        await ensureUserLike(admin, original.username, { username: clone, password: 'Clone-Pa55-1' });
        await ensureUserLike(admin, original.username, { username: clone, password: 'Clone-Pa55-2' });
        check(
          await adapter.canLogin({ ...original, username: clone, password: 'Clone-Pa55-2' }),
          'the clone logs in',
        );
        check(
          !(await adapter.canLogin({ ...original, username: clone, password: 'Clone-Pa55-1' })),
          'old clone password fails',
        );
        check(await adapter.canLogin(original), 'the original still logs in with its own password');
        await target.dropUser?.(clone);
      },
    });
  }
  if (adapter.dualPassword) cases.push(...dualPasswordCases(target, adapter.dualPassword));
  return cases;
}

/**
 * The dual-password capability, logged in as the user itself. On a server that refuses it
 * (`checkServer` throws DualPasswordUnsupportedError, e.g. MariaDB), every method must refuse the
 * same way and change nothing.
 */
function dualPasswordCases<S extends DatabaseSecret>(
  target: ConformanceTarget<S>,
  support: DualPasswordSupport<S>,
): ConformanceCase[] {
  const { adapter } = target;
  const logsIn = async (secret: S, password: string) => adapter.canLogin({ ...secret, password });
  /** False when the server refuses dual passwords (checked to refuse everything, changing nothing). */
  const supported = async (user: S): Promise<boolean> => {
    try {
      await support.checkServer?.(user);
      return true;
    } catch (error) {
      check(
        error instanceof DualPasswordUnsupportedError,
        'checkServer refuses with DualPasswordUnsupportedError',
      );
    }
    for (const attempt of [
      () => support.addPassword(user, { username: user.username, password: 'Refused-Pa55' }),
      () => support.retirePasswords(user, user.username, [user.password]),
    ]) {
      const error = await expectRejects(attempt(), 'a refused server refuses every dual-password method');
      check(error instanceof DualPasswordUnsupportedError, 'refused with DualPasswordUnsupportedError');
    }
    check(await adapter.canLogin(user), 'a refused server: the password is unchanged');
    check(!(await logsIn(user, 'Refused-Pa55')), 'a refused server: no password was added');
    return false;
  };
  return [
    {
      name: 'dualPassword.addPassword: the new password logs in and the current one still does; a repeat is harmless',
      async run() {
        const user = await target.createUser(uniqueName('rk_dual_add'), 'Dual-Old-Pa55');
        if (!(await supported(user))) return;
        const password = 'Dual-New-Pa55' + PUNCTUATION;
        await support.addPassword(user, { username: user.username, password });
        check(await logsIn(user, password), 'the added password logs in');
        check(await adapter.canLogin(user), 'the current password still logs in');
        await support.addPassword(user, { username: user.username, password });
        check(
          (await logsIn(user, password)) && (await adapter.canLogin(user)),
          'adding the same password again keeps both working',
        );
        await target.dropUser?.(user.username);
      },
    },
    {
      name: 'dualPassword.retirePasswords keeps exactly the given password, whichever was added last; a repeat is harmless',
      async run() {
        const user = await target.createUser(uniqueName('rk_dual_retire'), 'Dual-First-Pa55');
        if (!(await supported(user))) return;
        const second = 'Dual-Second-Pa55';
        const third = 'Dual-Third-Pa55';
        await support.addPassword(user, { username: user.username, password: second });
        // Keep the older one: an engine that only drops "the old password" would keep the wrong one.
        await support.retirePasswords(user, user.username, [user.password]);
        check(await adapter.canLogin(user), 'the kept password logs in');
        check(!(await logsIn(user, second)), 'the other password is retired');
        await support.retirePasswords(user, user.username, [user.password]);
        check(await adapter.canLogin(user), 'retiring again keeps the kept password');
        await support.addPassword(user, { username: user.username, password: third });
        await support.retirePasswords({ ...user, password: third }, user.username, [third]);
        check(await logsIn(user, third), 'the kept (newest) password logs in');
        check(!(await adapter.canLogin(user)), 'the older password is retired');
        await target.dropUser?.(user.username);
      },
    },
  ];
}

export { ConformanceError, PUNCTUATION, adapterConformanceCases };
export type { ConformanceCase, ConformanceTarget };
