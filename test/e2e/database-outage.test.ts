// The database unreachable during one step (the adapter's connections go to a closed port for that
// step only): the step fails with a clear, named error and no password, and a later retry with the
// same token completes the rotation.
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { STEPS } from '../../src/rotation/constants.js';
import { expectNoSecrets, jsonOf, runCli } from '../cli/support/cli.js';
import { loginWorks } from '../support/postgres.js';
import {
  adapterWithOutage,
  closedPort,
  holders,
  labelsOf,
  secretAt,
  startRotationSetup,
} from './support/single-user-rotation.js';
import type { RotationSetup } from './support/single-user-rotation.js';

let setup: RotationSetup;
let port: number;
let outageAt: string | undefined;
beforeAll(async () => {
  setup = await startRotationSetup();
  port = await closedPort();
  const currentStep = () => setup.invocations[setup.invocations.length - 1]?.Step;
  setup.useAdapter(adapterWithOutage(port, () => currentStep() === outageAt));
});
afterAll(() => setup?.stop());

async function rotateWithOutageAt(step: string) {
  const created = await setup.createUserSecret('rk_outage');
  outageAt = step;
  const { VersionId: token } = await setup.admin.send(
    new RotateSecretCommand({ SecretId: created.name, RotationLambdaARN: setup.functionArn }),
  );
  const outcome = await setup.server.rotations.waitFor(created.name, { token });
  outageAt = undefined;
  const pending = await secretAt(setup.admin, created.name, { versionId: token });
  return { ...created, token: token as string, outcome, pending };
}

function expectClearFailure(outcome: { error?: { name: string; message: string } }, passwords: string[]) {
  expect(outcome.error?.name).toBe('DatabaseConnectionError');
  expect(outcome.error?.message).toMatch(
    new RegExp(
      `^Could not connect to PostgreSQL at 127\\.0\\.0\\.1:${port} \\(database "postgres"\\): .*ECONNREFUSED`,
    ),
  );
  for (const password of passwords) expect(outcome.error?.message).not.toContain(password);
}

it('setSecret with the database down fails clearly, changes nothing, and the service’s retry completes the rotation', async () => {
  const { name, arn, secret, token, outcome, pending } = await rotateWithOutageAt('setSecret');
  expect(outcome).toMatchObject({
    succeeded: false,
    failedStep: 'setSecret',
    completedSteps: ['createSecret'],
  });
  expectClearFailure(outcome, [secret.password, pending.password]);
  expect(await loginWorks(secret)).toBe(true); // the database was never touched
  expect(await loginWorks(pending)).toBe(false);
  expect(holders(await labelsOf(setup.admin, name), 'AWSPENDING')).toEqual([token]);

  // Secrets Manager retries the rotation with the same token; every step is idempotent.
  for (const step of STEPS) await setup.invoke({ Step: step, SecretId: arn, ClientRequestToken: token });
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSCURRENT')).toEqual([token]);
  expect(holders(labels, 'AWSPENDING')).toEqual([]);
  expect((await secretAt(setup.admin, name)).password).toBe(pending.password);
  expect(await loginWorks(pending)).toBe(true);
  expect(await loginWorks(secret)).toBe(false);
});

it('testSecret with the database down fails clearly, and `rotation-kit rotate --token` completes the rotation', async () => {
  const { name, secret, token, outcome, pending } = await rotateWithOutageAt('testSecret');
  expect(outcome).toMatchObject({
    succeeded: false,
    failedStep: 'testSecret',
    completedSteps: ['createSecret', 'setSecret'],
  });
  expectClearFailure(outcome, [secret.password, pending.password]);
  // setSecret had already changed the password: AWSCURRENT's no longer works until the retry.
  expect(await loginWorks(pending)).toBe(true);
  expect(holders(await labelsOf(setup.admin, name), 'AWSCURRENT')).not.toContain(token);

  const retry = await runCli([
    'rotate',
    name,
    '--template',
    'postgres-single-user',
    '--token',
    token,
    '--endpoint',
    setup.server.endpoint,
    '--json',
  ]);
  expect(retry.code).toBe(0);
  expect(jsonOf(retry)).toMatchObject({
    ok: true,
    token,
    newToken: false,
    rotationEnabledStandIn: false,
    steps: STEPS.map((step) => ({ step, ok: true })),
  });
  expectNoSecrets(retry, [secret.password, pending.password]);
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSCURRENT')).toEqual([token]);
  expect(holders(labels, 'AWSPENDING')).toEqual([]);
  expect(await loginWorks(await secretAt(setup.admin, name))).toBe(true);
  expect(await loginWorks(secret)).toBe(false);
});
