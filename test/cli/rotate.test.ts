// `rotation-kit rotate`: the template's handler run here against the local Secrets Manager (real SDK
// over HTTP) and the real PostgreSQL, on secrets that no RotateSecret has touched.
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { STEPS } from '../../src/rotation/constants.js';
import { loginWorks } from '../support/postgres.js';
import {
  closedPort,
  holders,
  labelsOf,
  secretAt,
  startRotationSetup,
} from '../e2e/support/single-user-rotation.js';
import type { RotationSetup } from '../e2e/support/single-user-rotation.js';
import { expectNoSecrets, jsonOf, runCli } from './support/cli.js';

interface RotateJson {
  ok: boolean;
  arn: string;
  name: string;
  token: string;
  newToken: boolean;
  rotationEnabledStandIn: boolean;
  template: string;
  wiring: string;
  steps: {
    step: string;
    ok: boolean;
    ms: number;
    error?: { name: string; code?: string; message: string };
  }[];
}

let setup: RotationSetup;
let rotate: (secretId: string, ...more: string[]) => ReturnType<typeof runCli>;
beforeAll(async () => {
  setup = await startRotationSetup();
  rotate = (secretId, ...more) =>
    runCli([
      'rotate',
      secretId,
      '--template',
      'postgres-single-user',
      '--endpoint',
      setup.server.endpoint,
      ...more,
    ]);
});
afterAll(() => setup?.stop());

it('runs all four steps on a secret without rotation: the new password logs in, the old one fails, settings untouched', async () => {
  const { name, arn, secret } = await setup.createUserSecret('rk_rotate');
  const [former] = holders(await labelsOf(setup.admin, name), 'AWSCURRENT');
  const run = await rotate(name, '--json');
  expect(run.code).toBe(0);
  const json = jsonOf<RotateJson>(run);
  expect(json).toMatchObject({
    ok: true,
    arn,
    name,
    newToken: true,
    rotationEnabledStandIn: true,
    template: 'postgres-single-user',
    wiring: 'createRotationHandler({ adapter: createPostgresAdapter(), strategy: singleUser() })',
    steps: STEPS.map((step) => ({ step, ok: true, ms: expect.any(Number) })),
  });
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSCURRENT')).toEqual([json.token]);
  expect(holders(labels, 'AWSPREVIOUS')).toEqual([former]);
  expect(holders(labels, 'AWSPENDING')).toEqual([]);
  const current = await secretAt(setup.admin, name);
  expect(await loginWorks(current)).toBe(true);
  expect(await loginWorks(secret)).toBe(false);
  // Only RotateSecret configures rotation: the local run leaves the settings as they were.
  const described = await setup.admin.send(new DescribeSecretCommand({ SecretId: name }));
  expect(described.RotationEnabled).toBeUndefined();
  expect(described.LastRotatedDate).toBeUndefined();
  expectNoSecrets(run, [secret.password, current.password]);
});

it('goes step by step with --step and --token, printing progress and the next command', async () => {
  const { name, secret } = await setup.createUserSecret('rk_rotate');
  const first = await rotate(name, '--step', 'createSecret');
  expect(first.code).toBe(0);
  const token = /token:\s+([0-9a-f-]{36}) \(new rotation/.exec(first.stdout)?.[1] as string;
  expect(token).toBeDefined();
  expect(first.stdout).toContain('note:    rotation is not enabled on this secret');
  expect(first.stdout).toMatch(/✓ createSecret \.+ \d+ ms/);
  expect(first.stdout).toContain(
    `Next: rotation-kit rotate ${name} --template postgres-single-user --token ${token} --step setSecret`,
  );
  expect(holders(await labelsOf(setup.admin, name), 'AWSPENDING')).toEqual([token]);
  const pending = await secretAt(setup.admin, name, { versionId: token });
  expect(await loginWorks(pending)).toBe(false);

  const set = await rotate(name, '--step', 'setSecret', '--token', token);
  expect(set.code).toBe(0);
  expect(await loginWorks(pending)).toBe(true);
  expect((await rotate(name, '--step', 'testSecret', '--token', token)).code).toBe(0);
  const finish = await rotate(name, '--step', 'finishSecret', '--token', token);
  expect(finish.code).toBe(0);
  expect(finish.stdout).toContain(`Rotation complete: version ${token} is AWSCURRENT.`);
  expect(holders(await labelsOf(setup.admin, name), 'AWSCURRENT')).toEqual([token]);
  for (const run of [first, set, finish]) expectNoSecrets(run, [secret.password, pending.password]);
});

it('a failing step exits 1 with the named error and the retry command; a new rotation is then refused', async () => {
  const port = await closedPort();
  const secret = {
    engine: 'postgres',
    host: '127.0.0.1',
    port,
    username: 'nobody_here',
    password: 'Unused-Pa55word-123',
    sslmode: 'disable',
  };
  await setup.admin.send(
    new CreateSecretCommand({ Name: 'cli/unreachable', SecretString: JSON.stringify(secret) }),
  );

  const run = await rotate('cli/unreachable');
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/✓ createSecret/);
  expect(run.stdout).toMatch(
    /✗ setSecret \.+ \d+ ms\n {6}DatabaseConnectionError \(DATABASE_CONNECTION\): Could not connect to PostgreSQL/,
  );
  const token = /token:\s+(\S+)/.exec(run.stdout)?.[1] as string;
  expect(run.stdout).toContain(
    `Step setSecret failed. Fix the cause, then retry (steps are idempotent):\n  rotation-kit rotate cli/unreachable --template postgres-single-user --token ${token}`,
  );
  const pending = await secretAt(setup.admin, 'cli/unreachable', { versionId: token });
  expectNoSecrets(run, [secret.password, pending.password]);

  const again = await rotate('cli/unreachable', '--json');
  expect(again.code).toBe(1);
  const refusal = jsonOf<{ ok: boolean; error: { code: string; message: string } }>(again);
  expect(refusal).toMatchObject({ ok: false, error: { code: 'PENDING_ROTATION' } });
  expect(refusal.error.message).toContain(`Resume it with --token ${token}`);
  expect(refusal.error.message).toContain('rotation-kit repair cli/unreachable');
});

it('refuses a --token naming an old version (unlabelled, or AWSPREVIOUS): a retired password never comes back', async () => {
  const { name } = await setup.createUserSecret('rk_rotate_old');
  const [original] = holders(await labelsOf(setup.admin, name), 'AWSCURRENT');
  const first = jsonOf<RotateJson>(await rotate(name, '--json')).token;
  expect((await rotate(name, '--json')).code).toBe(0); // `original` is now unlabelled, `first` AWSPREVIOUS
  const labels = await labelsOf(setup.admin, name);
  expect(labels[original as string]).toBeUndefined();
  const working = await secretAt(setup.admin, name);

  const oldTokens: Array<[string, string]> = [
    [original as string, 'unlabelled'],
    [first, 'AWSPREVIOUS'],
  ];
  for (const [token, stages] of oldTokens) {
    const run = await rotate(name, '--token', token, '--json');
    expect(run.code).toBe(1);
    const refusal = jsonOf<{ ok: boolean; error: { code: string; message: string } }>(run);
    expect(refusal).toMatchObject({ ok: false, error: { code: 'TOKEN_IN_USE' } });
    expect(refusal.error.message).toContain(`not staged AWSPENDING (${stages})`);
  }
  expect(await labelsOf(setup.admin, name)).toEqual(labels);
  expect(await loginWorks(working)).toBe(true);
});

it('rejects incomplete or malformed requests as usage errors (exit 2) before calling anything', async () => {
  const noToken = await rotate('any-secret', '--step', 'setSecret');
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toContain('--step setSecret needs --token');

  const shortToken = await rotate('any-secret', '--token', 'abc');
  expect(shortToken.code).toBe(2);
  expect(shortToken.stderr).toContain('expected a ClientRequestToken of 32-64 characters');

  // Without --template the secret picks one (rotate-handler.test.ts); --handler excludes --template.
  const both = await rotate('any-secret', '--handler', 'index.js');
  expect(both.code).toBe(2);
  expect(both.stderr).toContain("option '--handler <file>' cannot be used with option '--template <name>'");

  const badTemplate = await rotate('any-secret', '--template', 'oracle-single-user');
  expect(badTemplate.code).toBe(2);
  expect(badTemplate.stderr).toContain('Allowed choices are postgres-single-user, postgres-multi-user');

  const badStep = await rotate('any-secret', '--step', 'fixSecret');
  expect(badStep.code).toBe(2);
});
