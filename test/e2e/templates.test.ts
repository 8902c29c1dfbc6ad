// Every template, end to end: the template module's own `handler` (imported with
// SECRETS_MANAGER_ENDPOINT pointing at the local Secrets Manager, as a deployed function would be
// configured), invoked by the local Secrets Manager after a RotateSecret sent over HTTP by the real
// SDK, against the real PostgreSQL and MariaDB servers that globalSetup starts. Nothing is mocked.
import { STEPS } from '../../src/rotation/constants.js';
import { mysqlDatabase, postgresDatabase, randomPassword } from './support/databases.js';
import type { TestDatabase } from './support/databases.js';
import { RotationRig } from './support/rotation-rig.js';
import { describeWithRedis, loginWorks, redisCall, startRedisServer } from '../support/redis-server.js';
import type { StartedRedis } from '../support/redis-server.js';

// The templates take the TLS mode from the secret (`sslmode`; no adapter option is set), and the
// test servers have no TLS: every secret here says `sslmode: "disable"` (see support/databases.ts).
const DATABASES: TestDatabase[] = [postgresDatabase(), mysqlDatabase()];

let rig: RotationRig;

beforeAll(async () => {
  rig = await RotationRig.start();
});

afterAll(async () => {
  await rig?.stop();
  for (const database of DATABASES) await database.cleanup();
});

for (const db of DATABASES) {
  db.describe(`template ${db.templates.single}`, () => {
    it('rotates the user’s own password: AWSCURRENT’s new password logs in, the old one no longer does', async () => {
      const space = await db.createSpace();
      const user = db.uniqueUser();
      const initial = randomPassword();
      await db.createAppUser(user, initial, space);
      const original = db.userSecret(user, initial);
      const arn = await rig.createSecret(`e2e/${user}`, original);
      const rotationFunction = await rig.registerTemplate(db.templates.single);

      const outcome = await rig.rotate(arn, rotationFunction);

      expect(outcome).toMatchObject({ succeeded: true, completedSteps: STEPS });
      const current = await rig.read(arn);
      expect(current.password).not.toBe(initial);
      // Only the password changed; every other key (sslmode included) is kept.
      expect(current).toEqual({ ...original, password: current.password });
      expect(await rig.read(arn, 'AWSPREVIOUS')).toEqual(original);
      expect(await db.loginWorks(user, current.password)).toBe(true);
      expect(await db.loginWorks(user, initial)).toBe(false);
      expect(await db.read(user, current.password, space, 'readable')).toBe('allowed');
    });
  });

  db.describe(`template ${db.templates.multi}`, () => {
    it('alternates <user> and <user>_clone over two rotations; both latest passwords log in; the clone has exactly the original’s privileges', async () => {
      const space = await db.createSpace();
      const user = db.uniqueUser();
      const clone = `${user}_clone`;
      db.track(clone);
      const initial = randomPassword();
      await db.createAppUser(user, initial, space);
      const masterArn = await rig.createSecret(`e2e/${user}/master`, db.superuserSecret());
      const original = { ...db.userSecret(user, initial), masterarn: masterArn };
      const arn = await rig.createSecret(`e2e/${user}`, original);
      const rotationFunction = await rig.registerTemplate(db.templates.multi);

      /** Each user, with the password given, can do what the original was granted, and no more. */
      const expectSamePrivileges = async (users: [string, string][]) => {
        for (const [username, password] of users) {
          expect([username, await db.read(username, password, space, 'readable')]).toEqual([
            username,
            'allowed',
          ]);
          expect([username, await db.read(username, password, space, 'forbidden')]).toEqual([
            username,
            'denied',
          ]);
          expect([username, await db.insert(username, password, space, 'readable')]).toEqual([
            username,
            'denied',
          ]);
        }
      };

      // First rotation: the clone is created with a new password and becomes AWSCURRENT.
      expect(await rig.rotate(arn, rotationFunction)).toMatchObject({
        succeeded: true,
        completedSteps: STEPS,
      });
      const first = await rig.read(arn);
      expect(first).toEqual({ ...original, username: clone, password: first.password });
      expect(first.password).not.toBe(initial);
      expect(await rig.read(arn, 'AWSPREVIOUS')).toEqual(original);
      expect(await db.loginWorks(clone, first.password)).toBe(true);
      // The original was not touched: what applications hold keeps working.
      expect(await db.loginWorks(user, initial)).toBe(true);
      await expectSamePrivileges([
        [user, initial],
        [clone, first.password],
      ]);

      // Second rotation: back to the original, with a new password; the clone's stays valid.
      expect(await rig.rotate(arn, rotationFunction)).toMatchObject({
        succeeded: true,
        completedSteps: STEPS,
      });
      const second = await rig.read(arn);
      expect(second).toEqual({ ...original, password: second.password });
      expect(second.password).not.toBe(initial);
      expect(second.password).not.toBe(first.password);
      expect(await rig.read(arn, 'AWSPREVIOUS')).toEqual(first);
      expect(await db.loginWorks(user, second.password)).toBe(true);
      expect(await db.loginWorks(user, initial)).toBe(false);
      expect(await db.loginWorks(clone, first.password)).toBe(true);
      await expectSamePrivileges([
        [user, second.password],
        [clone, first.password],
      ]);
    });
  });
}

// Redis ACL users, on a redis-server this file starts. Both templates change passwords as the
// `masterarn` superuser (in Redis, a user allowed to change its own password may change anyone's).
describeWithRedis('templates redis-single-user and redis-dual-password', () => {
  let redis: StartedRedis;
  beforeAll(async () => (redis = await startRedisServer()));
  afterAll(async () => redis?.stop());

  const secret = (username: string, password: string) => ({
    engine: 'redis',
    host: redis.host,
    port: redis.port,
    username,
    password,
    sslmode: 'disable',
  });
  const aclRules = async (username: string) => {
    const reply = (await redisCall(redis, ['ACL', 'GETUSER', username])) as unknown[];
    return reply.filter((_, i) => reply[i - 1] !== 'passwords' && reply[i] !== 'passwords');
  };

  async function setUp(template: 'redis-single-user' | 'redis-dual-password') {
    const user = `rk_e2e_${template.replace(/-/g, '_')}`;
    const initial = randomPassword();
    await redisCall(redis, ['ACL', 'SETUSER', user, 'reset', 'on', `>${initial}`, '~app:*', '-@all', '+get']);
    const masterArn = await rig.createSecret(
      `e2e/${template}/admin`,
      secret(redis.admin.username, redis.admin.password),
    );
    const original = { ...secret(user, initial), masterarn: masterArn };
    const arn = await rig.createSecret(`e2e/${template}/${user}`, original);
    return {
      user,
      initial,
      original,
      arn,
      rules: await aclRules(user),
      fn: await rig.registerTemplate(template),
    };
  }

  it('redis-single-user: the new password logs in, the old one no longer does, the ACL rules are unchanged', async () => {
    const { user, initial, original, arn, rules, fn } = await setUp('redis-single-user');
    expect(await rig.rotate(arn, fn)).toMatchObject({ succeeded: true, completedSteps: STEPS });
    const current = await rig.read(arn);
    expect(current).toEqual({ ...original, password: current.password });
    expect(await rig.read(arn, 'AWSPREVIOUS')).toEqual(original);
    expect(await loginWorks(redis, user, current.password)).toBe(true);
    expect(await loginWorks(redis, user, initial)).toBe(false);
    expect(await aclRules(user)).toEqual(rules);
  });

  it('redis-dual-password: over two rotations AWSCURRENT and AWSPREVIOUS log in, the one before does not', async () => {
    const { user, initial, original, arn, rules, fn } = await setUp('redis-dual-password');
    expect(await rig.rotate(arn, fn)).toMatchObject({ succeeded: true, completedSteps: STEPS });
    const first = await rig.read(arn);
    expect(first).toEqual({ ...original, password: first.password });
    expect(await loginWorks(redis, user, first.password)).toBe(true);
    expect(await loginWorks(redis, user, initial)).toBe(true);

    expect(await rig.rotate(arn, fn)).toMatchObject({ succeeded: true, completedSteps: STEPS });
    const second = await rig.read(arn);
    expect(await rig.read(arn, 'AWSPREVIOUS')).toEqual(first);
    expect(await loginWorks(redis, user, second.password)).toBe(true);
    expect(await loginWorks(redis, user, first.password)).toBe(true);
    expect(await loginWorks(redis, user, initial)).toBe(false);
    expect(await aclRules(user)).toEqual(rules);
  });
});
