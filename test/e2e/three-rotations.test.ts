// Three rotations in a row through RotateSecret: the local Secrets Manager (real SDK over HTTP)
// invokes the postgres-single-user template's handler wiring against the real PostgreSQL.
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { STEPS } from '../../src/rotation/constants.js';
import { loginWorks } from '../support/postgres.js';
import { holders, labelsOf, secretAt, startRotationSetup } from './support/single-user-rotation.js';
import type { RotationSetup } from './support/single-user-rotation.js';

let setup: RotationSetup;
beforeAll(async () => {
  setup = await startRotationSetup();
});
afterAll(() => setup?.stop());

it('rotates three times in a row: each new password logs in, the old one fails, AWSPREVIOUS is the former AWSCURRENT, each label on one version', async () => {
  const { name, secret } = await setup.createUserSecret('rk_three');
  let formerPassword = secret.password;
  let [formerCurrent] = holders(await labelsOf(setup.admin, name), 'AWSCURRENT');
  const passwords = new Set([formerPassword]);

  for (let round = 1; round <= 3; round += 1) {
    const { VersionId: token } = await setup.admin.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: setup.functionArn,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    const outcome = await setup.server.rotations.waitFor(name, { token });
    expect(outcome).toMatchObject({ succeeded: true, completedSteps: [...STEPS] });

    const labels = await labelsOf(setup.admin, name);
    expect(holders(labels, 'AWSCURRENT')).toEqual([token]);
    expect(holders(labels, 'AWSPREVIOUS')).toEqual([formerCurrent]);
    expect(holders(labels, 'AWSPENDING')).toEqual([]);
    // No version carries two of the rotation labels at once.
    for (const stages of Object.values(labels)) expect(stages).toHaveLength(1);

    const current = await secretAt(setup.admin, name);
    expect(passwords.has(current.password)).toBe(false);
    passwords.add(current.password);
    expect({ ...current, password: '' }).toEqual({ ...secret, password: '' }); // only the password changed
    expect(await loginWorks(current)).toBe(true);
    expect(await loginWorks({ ...current, password: formerPassword })).toBe(false);
    expect((await secretAt(setup.admin, name, { stage: 'AWSPREVIOUS' })).password).toBe(formerPassword);

    formerPassword = current.password;
    formerCurrent = token;
  }
  expect(setup.invocations.map((event) => event.Step)).toEqual([...STEPS, ...STEPS, ...STEPS]);
});
