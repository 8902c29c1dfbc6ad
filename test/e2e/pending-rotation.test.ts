// An unfinished rotation blocks the next RotateSecret, as on AWS; `rotation-kit repair` (run
// in-process against the local Secrets Manager's endpoint) unblocks it without losing a password.
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { createPostgresAdapter } from '../../src/adapters/postgres/index.js';
import { expectNoSecrets, jsonOf, runCli } from '../cli/support/cli.js';
import { expectServiceError } from '../local/support/localServer.js';
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
beforeAll(async () => {
  setup = await startRotationSetup();
});
afterAll(() => setup?.stop());

it('refuses RotateSecret while a rotation is pending, and repair unblocks it', async () => {
  const { name, secret } = await setup.createUserSecret('rk_pending');
  const rotate = () =>
    setup.admin.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: setup.functionArn }));

  // A rotation that stops at setSecret (the database unreachable) leaves AWSPENDING behind.
  setup.useAdapter(adapterWithOutage(await closedPort(), () => true));
  const { VersionId: stuck } = await rotate();
  const failed = await setup.server.rotations.waitFor(name, { token: stuck });
  expect(failed).toMatchObject({
    succeeded: false,
    failedStep: 'setSecret',
    completedSteps: ['createSecret'],
  });
  setup.useAdapter(createPostgresAdapter());
  const [current] = holders(await labelsOf(setup.admin, name), 'AWSCURRENT');
  expect(holders(await labelsOf(setup.admin, name), 'AWSPENDING')).toEqual([stuck]);

  await expectServiceError(
    rotate(),
    'InvalidRequestException',
    "A previous rotation isn't complete. That rotation will be reattempted.",
  );

  const endpoint = ['--endpoint', setup.server.endpoint];
  const status = await runCli(['status', name, ...endpoint, '--check-login', '--json']);
  expect(status.code).toBe(3);
  const diagnosis = jsonOf<{ stalePendingVersionId: string; findings: { code: string }[] }>(status);
  expect(diagnosis.stalePendingVersionId).toBe(stuck);
  expect(diagnosis.findings.map((f) => f.code)).toContain('STALE_PENDING');

  const repaired = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
  expect(repaired.code).toBe(0);
  expect(jsonOf(repaired)).toMatchObject({
    ok: true,
    applied: true,
    loginsChecked: true,
    action: { kind: 'remove-pending', versionId: stuck },
  });
  const pendingSecret = await secretAt(setup.admin, name, { versionId: stuck });
  expectNoSecrets(status, [secret.password, pendingSecret.password]);
  expectNoSecrets(repaired, [secret.password, pendingSecret.password]);
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSPENDING')).toEqual([]);
  expect(holders(labels, 'AWSCURRENT')).toEqual([current]);

  // Unblocked: the next RotateSecret runs to the end.
  const { VersionId: next } = await rotate();
  expect(await setup.server.rotations.waitFor(name, { token: next })).toMatchObject({ succeeded: true });
  const rotated = await secretAt(setup.admin, name);
  expect(await loginWorks(rotated)).toBe(true);
  expect(await loginWorks(secret)).toBe(false);
});
