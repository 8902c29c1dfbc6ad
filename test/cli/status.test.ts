// `rotation-kit status` against the local Secrets Manager (real SDK over HTTP) and the real PostgreSQL.
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { randomPassword, withSuperuser } from '../support/postgres.js';
import { startRotationSetup } from '../e2e/support/single-user-rotation.js';
import type { RotationSetup } from '../e2e/support/single-user-rotation.js';
import { expectNoSecrets, jsonOf, runCli } from './support/cli.js';

interface StatusJson {
  ok: boolean;
  loginsChecked: boolean;
  name: string;
  arn: string;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  automaticallyAfterDays?: number;
  lastRotatedDate?: string;
  versions: { versionId: string; stages: string[] }[];
  stalePendingVersionId?: string;
  findings: { code: string; severity: string; message: string }[];
}

let setup: RotationSetup;
let endpoint: string[];
beforeAll(async () => {
  setup = await startRotationSetup();
  endpoint = ['--endpoint', setup.server.endpoint];
});
afterAll(() => setup?.stop());

const codes = (json: StatusJson) => json.findings.map((finding) => finding.code).sort();

async function rotatedSecret() {
  const created = await setup.createUserSecret('rk_status');
  const { VersionId } = await setup.admin.send(
    new RotateSecretCommand({
      SecretId: created.name,
      RotationLambdaARN: setup.functionArn,
      RotationRules: { AutomaticallyAfterDays: 7 },
    }),
  );
  expect(await setup.server.rotations.waitFor(created.name, { token: VersionId })).toMatchObject({
    succeeded: true,
  });
  return { ...created, current: VersionId as string };
}

it('a rotated, healthy secret: exit 0; versions, labels and rotation settings; no value printed', async () => {
  const { name, arn, secret, current } = await rotatedSecret();
  const run = await runCli(['status', name, ...endpoint, '--check-login', '--json']);
  expect(run.code).toBe(0);
  const json = jsonOf<StatusJson>(run);
  expect(json).toMatchObject({
    ok: true,
    loginsChecked: true,
    name,
    arn,
    rotationEnabled: true,
    rotationLambdaArn: setup.functionArn,
    automaticallyAfterDays: 7,
    findings: [],
  });
  expect(new Date(json.lastRotatedDate as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(json.versions).toEqual(
    expect.arrayContaining([
      { versionId: current, stages: ['AWSCURRENT'] },
      { versionId: expect.any(String), stages: ['AWSPREVIOUS'] },
    ]),
  );

  const human = await runCli(['status', arn, ...endpoint]);
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/Rotation\s+enabled, every 7 days/);
  expect(human.stdout).toContain(`${current}  AWSCURRENT`);
  expect(human.stdout).toMatch(/Logins\s+not checked \(add --check-login\)/);
  expect(human.stdout).toContain('none: rotation can proceed');
  expectNoSecrets(run, [secret.password]);
  expectNoSecrets(human, [secret.password]);
});

it('rotation not enabled is a warning: exit 3', async () => {
  const { name } = await setup.createUserSecret('rk_status');
  const run = await runCli(['status', name, ...endpoint, '--json']);
  expect(run.code).toBe(3);
  expect(jsonOf<StatusJson>(run)).toMatchObject({ ok: false, rotationEnabled: false, loginsChecked: false });
  expect(codes(jsonOf<StatusJson>(run))).toEqual(['ROTATION_DISABLED']);
});

it('--check-login finds AWSCURRENT credentials that no longer log in: exit 3', async () => {
  const { name, role, secret } = await rotatedSecret();
  const changedBehindItsBack = randomPassword();
  await withSuperuser((client) =>
    client.query(
      `ALTER ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(changedBehindItsBack)}`,
    ),
  );
  const run = await runCli(['status', name, ...endpoint, '--check-login', '--json']);
  expect(run.code).toBe(3);
  expect(codes(jsonOf<StatusJson>(run))).toEqual(['CURRENT_LOGIN_FAILED']);
  const human = await runCli(['status', name, ...endpoint, '--check-login']);
  expect(human.code).toBe(3);
  expect(human.stdout).toMatch(/error\s+CURRENT_LOGIN_FAILED: The AWSCURRENT credentials do not log in/);
  expectNoSecrets(human, [secret.password, changedBehindItsBack]);
});

it('a stale AWSPENDING naming another user: STALE_PENDING and PENDING_USER_DIFFERS', async () => {
  const { name, secret } = await rotatedSecret();
  const tampered = { ...secret, username: 'someone_else', password: randomPassword() };
  const { VersionId } = await setup.admin.send(
    new PutSecretValueCommand({
      SecretId: name,
      SecretString: JSON.stringify(tampered),
      VersionStages: ['AWSPENDING'],
    }),
  );
  const run = await runCli(['status', name, ...endpoint, '--json']);
  expect(run.code).toBe(3);
  const json = jsonOf<StatusJson>(run);
  expect(json.stalePendingVersionId).toBe(VersionId);
  expect(codes(json)).toEqual(['PENDING_USER_DIFFERS', 'STALE_PENDING']);
  expect(json.findings.find((f) => f.code === 'STALE_PENDING')?.message).toContain('rotation-kit repair');
  expectNoSecrets(run, [secret.password, tampered.password]);
});

it('failures exit 1 with a named error: an unknown secret, an engine no adapter serves', async () => {
  const missing = await runCli(['status', 'no/such/secret', ...endpoint, '--json']);
  expect(missing.code).toBe(1);
  expect(jsonOf(missing)).toMatchObject({ ok: false, error: { name: 'ResourceNotFoundException' } });

  const value = JSON.stringify({ engine: 'oracle-se2', username: 'u', password: 'Not-Shown-Pa55word' });
  await setup.admin.send(new CreateSecretCommand({ Name: 'cli/oracle', SecretString: value }));
  const unknown = await runCli(['status', 'cli/oracle', ...endpoint, '--check-login']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(
    /SecretShapeError \(SECRET_SHAPE\): The AWSCURRENT secret key "engine" is invalid: expected one of postgres/,
  );
  expect(unknown.stderr).not.toContain('oracle-se2');
  expectNoSecrets(unknown, ['Not-Shown-Pa55word']);
});
