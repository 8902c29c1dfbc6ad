// `rotation-kit status --check-login` says which labels log in: after a real rotation AWSCURRENT
// does and AWSPREVIOUS no longer does; a stale AWSPENDING holding working credentials does.
// Real PostgreSQL, the local Secrets Manager over HTTP.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretAt, startRotationSetup } from '../e2e/support/single-user-rotation.js';
import type { RotationSetup } from '../e2e/support/single-user-rotation.js';
import { expectNoSecrets, jsonOf, runCli } from './support/cli.js';

let setup: RotationSetup;
beforeAll(async () => {
  setup = await startRotationSetup();
});
afterAll(() => setup?.stop());

it('lists AWSCURRENT, AWSPENDING and AWSPREVIOUS with whether each logs in', async () => {
  const { name, secret } = await setup.createUserSecret('rk_logins');
  const endpoint = ['--endpoint', setup.server.endpoint];
  expect((await runCli(['rotate', name, ...endpoint, '--template', 'postgres-single-user'])).code).toBe(0);
  const current = await secretAt(setup.admin, name);
  // A leftover AWSPENDING that holds the working credentials (as after a crash past setSecret).
  const { VersionId: pendingId } = await setup.admin.send(
    new PutSecretValueCommand({
      SecretId: name,
      SecretString: JSON.stringify(current),
      VersionStages: ['AWSPENDING'],
    }),
  );

  const run = await runCli(['status', name, ...endpoint, '--check-login', '--json']);
  const logins = jsonOf<{ logins: { label: string; versionId: string; logsIn: boolean }[] }>(run).logins;
  expect(logins.map(({ label, logsIn }) => [label, logsIn])).toEqual([
    ['AWSCURRENT', true],
    ['AWSPENDING', true],
    ['AWSPREVIOUS', false],
  ]);
  expect(logins[1]?.versionId).toBe(pendingId);

  const human = await runCli(['status', name, ...endpoint, '--check-login']);
  expect(human.stdout).toMatch(/✓ AWSCURRENT\s+\S+\s+logs in/);
  expect(human.stdout).toMatch(new RegExp(`✓ AWSPENDING\\s+${pendingId}\\s+logs in`));
  expect(human.stdout).toMatch(/✗ AWSPREVIOUS\s+\S+\s+does not log in/);
  expectNoSecrets(human, [secret.password, current.password]);
});
