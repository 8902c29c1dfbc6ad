// The two Redshift templates end to end: the template module's own `handler`, invoked by the local
// Secrets Manager after a RotateSecret sent over HTTP by the real SDK. No Redshift can run here: the
// database is the real PostgreSQL globalSetup starts, with every user logging in through the md5
// password method, as on Redshift (see test/support/redshift-on-postgres.ts).
import { checkRedshiftPassword } from '../../src/adapters/redshift/index.js';
import { STEPS } from '../../src/rotation/constants.js';
import { postgresAddress } from '../support/postgres.js';
import {
  asUser,
  createMd5User,
  dropRoles,
  md5Hash,
  md5Login,
  outcome,
  redshiftPassword,
  redshiftSecret,
  redshiftUser,
  storedHash,
  withSuperuser,
} from '../support/redshift-on-postgres.js';
import { RotationRig } from './support/rotation-rig.js';

let rig: RotationRig;
const users: string[] = [];
const schemas: string[] = [];

beforeAll(async () => {
  rig = await RotationRig.start();
});

afterAll(async () => {
  await rig?.stop();
  await withSuperuser(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  await dropRoles([...users].reverse());
});

/** An application user that logs in by md5 and may read `<schema>.readable` only. */
async function appUser(): Promise<{ name: string; password: string; schema: string }> {
  const name = redshiftUser('rse');
  const password = redshiftPassword();
  const schema = redshiftUser('rse_s');
  users.push(name);
  schemas.push(schema);
  await createMd5User(name, password);
  await withSuperuser(async (client) => {
    await client.query(`CREATE SCHEMA "${schema}"`);
    for (const table of ['readable', 'forbidden', 'later']) {
      await client.query(`CREATE TABLE "${schema}"."${table}" AS SELECT 1 AS n`);
    }
    await client.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${name}"`);
    await client.query(`GRANT SELECT ON "${schema}"."readable" TO "${name}"`);
  });
  return { name, password, schema };
}

const reads = (username: string, password: string, schema: string) =>
  asUser(username, password, async (client) => ({
    readable: await outcome(() => client.query(`SELECT n FROM "${schema}"."readable"`)),
    forbidden: await outcome(() => client.query(`SELECT n FROM "${schema}"."forbidden"`)),
    later: await outcome(() => client.query(`SELECT n FROM "${schema}"."later"`)),
  }));

describe('template redshift-single-user', () => {
  it('rotates the user’s own password: a new one that meets Redshift’s rules, stored as its MD5 hash, logs in by md5; the old one no longer does', async () => {
    const user = await appUser();
    const original = { ...redshiftSecret(user.name, user.password), dbClusterIdentifier: 'analytics' };
    const arn = await rig.createSecret(`e2e-redshift/${user.name}`, original);
    const rotationFunction = await rig.registerTemplate('redshift-single-user');

    expect(await rig.rotate(arn, rotationFunction)).toMatchObject({ succeeded: true, completedSteps: STEPS });

    const current = await rig.read(arn);
    expect(current).toEqual({ ...original, password: current.password });
    expect(current.password).toHaveLength(32);
    expect(() => checkRedshiftPassword(current.password)).not.toThrow();
    expect(await rig.read(arn, 'AWSPREVIOUS')).toEqual(original);
    expect(await storedHash(user.name)).toBe(md5Hash(current.password, user.name));
    expect(await md5Login(user.name, current.password)).toBe(`md5:${user.name}`);
    expect(await md5Login(user.name, user.password)).toBeNull();
  });

  it('a policy override Redshift would refuse (PASSWORD_LENGTH=65) fails createSecret with PasswordPolicyError before anything is written', async () => {
    const user = await appUser();
    const arn = await rig.createSecret(`e2e-redshift/${user.name}`, {
      ...redshiftSecret(user.name, user.password),
    });
    const rotationFunction = await rig.registerTemplate('redshift-single-user');
    const saved = process.env.PASSWORD_LENGTH;
    process.env.PASSWORD_LENGTH = '65';
    try {
      const result = await rig.rotate(arn, rotationFunction);
      expect(result).toMatchObject({ succeeded: false, failedStep: 'createSecret', completedSteps: [] });
      expect(result.error?.name).toBe('PasswordPolicyError');
    } finally {
      if (saved === undefined) delete process.env.PASSWORD_LENGTH;
      else process.env.PASSWORD_LENGTH = saved;
    }
    await expect(rig.read(arn, 'AWSPENDING')).rejects.toThrow();
    expect(await md5Login(user.name, user.password)).toBe(`md5:${user.name}`);
  });
});

describe('template redshift-multi-user', () => {
  it('alternates <user> and <user>_clone; the clone gets the original’s privileges and is re-synced at the next rotation', async () => {
    const user = await appUser();
    const clone = `${user.name}_clone`;
    users.push(clone);
    const admin = redshiftUser('rse_admin');
    const adminPassword = redshiftPassword();
    users.push(admin);
    await createMd5User(admin, adminPassword, 'SUPERUSER');
    const masterArn = await rig.createSecret(`e2e-redshift/${user.name}/master`, {
      ...redshiftSecret(admin, adminPassword),
    });
    const original = { ...redshiftSecret(user.name, user.password), masterarn: masterArn };
    const arn = await rig.createSecret(`e2e-redshift/${user.name}`, original);
    const rotationFunction = await rig.registerTemplate('redshift-multi-user');

    // First rotation: the clone is created with the original's privileges and becomes AWSCURRENT.
    expect(await rig.rotate(arn, rotationFunction)).toMatchObject({ succeeded: true, completedSteps: STEPS });
    const first = await rig.read(arn);
    expect(first).toEqual({ ...original, username: clone, password: first.password });
    expect(() => checkRedshiftPassword(first.password)).not.toThrow();
    expect(await md5Login(clone, first.password)).toBe(`md5:${clone}`);
    expect(await md5Login(user.name, user.password)).toBe(`md5:${user.name}`); // untouched
    const before = { readable: 'allowed', forbidden: 'denied', later: 'denied' };
    expect(await reads(user.name, user.password, user.schema)).toEqual(before);
    expect(await reads(clone, first.password, user.schema)).toEqual(before);

    // Granted to the original between rotations: the clone has it after the next one that sets the clone.
    await withSuperuser((client) =>
      client.query(`GRANT SELECT ON "${user.schema}"."later" TO "${user.name}"`),
    );
    expect(await rig.rotate(arn, rotationFunction)).toMatchObject({ succeeded: true, completedSteps: STEPS });
    const second = await rig.read(arn);
    expect(second).toEqual({ ...original, password: second.password });
    expect(await md5Login(user.name, second.password)).toBe(`md5:${user.name}`);
    expect(await md5Login(user.name, user.password)).toBeNull();
    expect(await md5Login(clone, first.password)).toBe(`md5:${clone}`); // still valid

    expect(await rig.rotate(arn, rotationFunction)).toMatchObject({ succeeded: true, completedSteps: STEPS });
    const third = await rig.read(arn);
    expect(third.username).toBe(clone);
    const after = { readable: 'allowed', forbidden: 'denied', later: 'allowed' };
    expect(await reads(clone, third.password, user.schema)).toEqual(after);
    expect(await reads(user.name, second.password, user.schema)).toEqual(after);
    expect(postgresAddress().database).toBe(third.dbname);
  });
});
