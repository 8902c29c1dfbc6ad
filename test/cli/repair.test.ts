// `rotation-kit repair` against the local Secrets Manager and the real PostgreSQL.
import { PassThrough } from 'node:stream';
import {
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { confirm } from '../../src/cli/support/confirm.js';
import { randomPassword, superuserSecret, withSuperuser } from '../support/postgres.js';
import { holders, labelsOf, startRotationSetup } from '../e2e/support/single-user-rotation.js';
import type { RotationSetup } from '../e2e/support/single-user-rotation.js';
import { expectNoSecrets, jsonOf, runCli } from './support/cli.js';

let setup: RotationSetup;
let endpoint: string[];
beforeAll(async () => {
  setup = await startRotationSetup();
  endpoint = ['--endpoint', setup.server.endpoint];
});
afterAll(() => setup?.stop());

/** A secret whose rotation stopped after createSecret: AWSPENDING holds a password the database never got. */
async function stalePending() {
  const created = await setup.createUserSecret('rk_repair');
  const pending = { ...created.secret, password: randomPassword() };
  const { VersionId } = await setup.admin.send(
    new PutSecretValueCommand({
      SecretId: created.name,
      SecretString: JSON.stringify(pending),
      VersionStages: ['AWSPENDING'],
    }),
  );
  const [current] = holders(await labelsOf(setup.admin, created.name), 'AWSCURRENT');
  return { ...created, pending, pendingId: VersionId as string, current: current as string };
}

async function setDatabasePassword(role: string, password: string) {
  await withSuperuser((client) =>
    client.query(`ALTER ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(password)}`),
  );
}

it('refuses without a terminal and without --yes (exit 2), and --dry-run only shows the plan', async () => {
  const { name, pendingId } = await stalePending();
  const before = await labelsOf(setup.admin, name);

  const refused = await runCli(['repair', name, ...endpoint]);
  expect(refused.code).toBe(2);
  expect(refused.stdout).toContain(`Plan    Take AWSPENDING off version ${pendingId}`);
  expect(refused.stderr).toMatch(/needs a confirmation: run it in a terminal, or pass --yes/);
  expect(refused.stderr).toContain('Nothing was changed.');

  const dryRun = await runCli(['repair', name, ...endpoint, '--dry-run', '--json']);
  expect(dryRun.code).toBe(0);
  expect(jsonOf(dryRun)).toMatchObject({
    ok: true,
    applied: false,
    loginsChecked: true,
    action: { kind: 'remove-pending', versionId: pendingId },
  });
  expect(await labelsOf(setup.admin, name)).toEqual(before);
});

it('--yes takes a stale AWSPENDING off while AWSCURRENT still logs in; RotateSecret then runs', async () => {
  const { name, secret, pending, pendingId, current } = await stalePending();
  const run = await runCli(['repair', name, ...endpoint, '--yes']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/Logins\s+checked against the database/);
  expect(run.stdout).toContain('Done: the next RotateSecret can run.');
  expectNoSecrets(run, [secret.password, pending.password]);
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSPENDING')).toEqual([]);
  expect(holders(labels, 'AWSCURRENT')).toEqual([current]);
  expect(labels[pendingId]).toBeUndefined(); // unlabelled: deprecated, kept by the service

  const { VersionId } = await setup.admin.send(
    new RotateSecretCommand({ SecretId: name, RotationLambdaARN: setup.functionArn }),
  );
  expect(await setup.server.rotations.waitFor(name, { token: VersionId })).toMatchObject({ succeeded: true });

  const nothing = await runCli(['repair', name, ...endpoint, '--json']);
  expect(nothing.code).toBe(0);
  expect(jsonOf(nothing)).toMatchObject({ applied: false, action: { kind: 'none' } });
});

it('finishes the rotation instead when only AWSPENDING logs in (the database already has the new password)', async () => {
  const { name, role, pending, pendingId, current } = await stalePending();
  await setDatabasePassword(role, pending.password);
  const run = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
  expect(run.code).toBe(0);
  expect(jsonOf(run)).toMatchObject({
    applied: true,
    action: { kind: 'promote-pending', versionId: pendingId, fromVersionId: current },
  });
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSCURRENT')).toEqual([pendingId]);
  expect(holders(labels, 'AWSPREVIOUS')).toEqual([current]);
  expect(holders(labels, 'AWSPENDING')).toEqual([]);
});

it('refuses when neither AWSCURRENT nor AWSPENDING logs in (exit 1), and changes nothing', async () => {
  const { name, role } = await stalePending();
  await setDatabasePassword(role, randomPassword());
  const before = await labelsOf(setup.admin, name);
  const run = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
  expect(run.code).toBe(1);
  expect(jsonOf(run)).toMatchObject({
    ok: false,
    error: { name: 'RepairRefusedError', code: 'REPAIR_REFUSED' },
  });
  expect(await labelsOf(setup.admin, name)).toEqual(before);
});

it('refuses (exit 1) when it cannot log in: an unreachable database, or --no-check-login', async () => {
  const { name, secret } = await stalePending();
  // Point AWSCURRENT at an unreachable database: a login check fails with a connection error.
  await setup.admin.send(
    new UpdateSecretCommand({ SecretId: name, SecretString: JSON.stringify({ ...secret, port: 1 }) }),
  );
  const before = await labelsOf(setup.admin, name);
  const checked = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
  expect(checked.code).toBe(1);
  expect(jsonOf(checked)).toMatchObject({ error: { name: 'DatabaseConnectionError' } });
  const human = await runCli(['repair', name, ...endpoint, '--yes']);
  expect(human.code).toBe(1);
  expect(human.stderr).toContain('repair must log in to prove which password works');

  const unchecked = await runCli(['repair', name, ...endpoint, '--yes', '--no-check-login', '--json']);
  expect(unchecked.code).toBe(1);
  expect(jsonOf(unchecked)).toMatchObject({ ok: false, error: { name: 'RepairRefusedError' } });
  expect(JSON.stringify(jsonOf(unchecked))).toContain('Logins were not checked (--no-check-login)');
  expect(await labelsOf(setup.admin, name)).toEqual(before);
});

/**
 * A rotation that died after setSecret: the database already has AWSPENDING's password, so only
 * AWSPENDING logs in. `pendingChange` shapes the pending version; `currentChange` AWSCURRENT.
 */
async function diedAfterSetSecret(
  pendingChange: Record<string, unknown>,
  currentChange: Record<string, unknown> = {},
) {
  const created = await setup.createUserSecret('rk_repair_set');
  const currentValue = { ...created.secret, ...currentChange };
  await setup.admin.send(
    new UpdateSecretCommand({ SecretId: created.name, SecretString: JSON.stringify(currentValue) }),
  );
  const pending = { ...currentValue, password: randomPassword(), ...pendingChange };
  const { VersionId } = await setup.admin.send(
    new PutSecretValueCommand({
      SecretId: created.name,
      SecretString: JSON.stringify(pending),
      VersionStages: ['AWSPENDING'],
    }),
  );
  await setDatabasePassword(created.role, String(pending.password));
  const [current] = holders(await labelsOf(setup.admin, created.name), 'AWSCURRENT');
  return { ...created, pending, pendingId: VersionId as string, current: current as string };
}

it('reads a port written as a string (as AWS writes it) and finishes the rotation, never stranding the password', async () => {
  const port = String(superuserSecret().port);
  const { name, pendingId, current } = await diedAfterSetSecret({}, { port });
  const run = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
  expect(run.code).toBe(0);
  expect(jsonOf(run)).toMatchObject({ action: { kind: 'promote-pending', versionId: pendingId } });
  const labels = await labelsOf(setup.admin, name);
  expect(holders(labels, 'AWSCURRENT')).toEqual([pendingId]);
  expect(holders(labels, 'AWSPREVIOUS')).toEqual([current]);
});

it('refuses (exit 1) when only AWSPENDING could log in but it cannot be parsed: no login proved it', async () => {
  const { name } = await diedAfterSetSecret({ port: 'five thousand' });
  const before = await labelsOf(setup.admin, name);
  const run = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
  expect(run.code).toBe(1);
  expect(jsonOf(run)).toMatchObject({ ok: false, error: { name: 'RepairRefusedError' } });
  expect(JSON.stringify(jsonOf(run))).toContain('AWSPENDING version could not be read or parsed');
  expect(await labelsOf(setup.admin, name)).toEqual(before);
});

it.each<[string, () => Record<string, unknown>]>([
  ['another user (the superuser)', () => superuserSecret()],
  ['another database', () => ({ dbname: 'template1' })],
  ['another engine', () => ({ engine: 'aurora-postgresql' })],
])(
  'refuses (exit 1) to promote an AWSPENDING that names %s, and never tries its login',
  async (_what, change) => {
    const hostile = change();
    const { name, pending } = await diedAfterSetSecret(hostile);
    const before = await labelsOf(setup.admin, name);
    const status = await runCli(['status', name, ...endpoint, '--check-login', '--json']);
    const findings = jsonOf<{ findings: { code: string }[] }>(status).findings.map((f) => f.code);
    expect(findings).toContain('PENDING_TARGET_DIFFERS');
    expect(findings).not.toContain('PENDING_LOGS_IN');
    const run = await runCli(['repair', name, ...endpoint, '--yes', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.stringify(jsonOf(run))).toContain('names another server, database or user');
    expectNoSecrets(run, [String(pending.password)]);
    expect(await labelsOf(setup.admin, name)).toEqual(before);
  },
);

describe('confirm', () => {
  const ask = async (typed: string | null) => {
    const input = new PassThrough();
    const output = new PassThrough();
    const answer = confirm('Apply?', { input, output });
    if (typed === null) input.end();
    else input.write(typed);
    return answer;
  };
  it('is yes only for y or yes, and no on anything else or end of input', async () => {
    expect(await ask('y\n')).toBe(true);
    expect(await ask('YES\n')).toBe(true);
    expect(await ask('n\n')).toBe(false);
    expect(await ask('\n')).toBe(false);
    expect(await ask('yep\n')).toBe(false);
    expect(await ask(null)).toBe(false);
  });
});
