// The dual-password strategy's step logic on the in-memory adapter (real servers: test/integration/redis,
// test/integration/mysql/dual-password.test.ts, test/property).
import { GetRandomPasswordCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { dualPassword } from '../../../src/rotation/strategies/dual-password';
import { DualPasswordUnsupportedError, SecretShapeError } from '../../../src/shared/errors';
import { createMemoryAdapter } from '../../../src/testing/memory-adapter';
import { CURRENT_ID, NEW_PASSWORD, OLD_PASSWORD, PREV_PASSWORD, TOKEN, secretJson, setup } from './fixtures';

const pendingValues = (overrides: Record<string, unknown> = {}) => ({
  [CURRENT_ID]: secretJson(overrides),
  [TOKEN]: secretJson({ ...overrides, password: NEW_PASSWORD }),
});

describe('dualPassword()', () => {
  it('createSecret with an adapter that lacks the capability: DualPasswordUnsupportedError before anything is written', async () => {
    const adapter = createMemoryAdapter({ users: { app: OLD_PASSWORD }, dualPassword: false });
    const { invoke, sm } = setup({ adapter, strategy: dualPassword() });
    const error = await invoke('createSecret').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DualPasswordUnsupportedError);
    expect(error).toMatchObject({ name: 'DualPasswordUnsupportedError', code: 'DUAL_PASSWORD_UNSUPPORTED' });
    expect((error as Error).message).toContain('engine "memory"');
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('createSecret on a server the adapter refuses (checkServer): the same error, nothing written', async () => {
    const adapter = createMemoryAdapter({ users: { app: OLD_PASSWORD } });
    const support = adapter.dualPassword!;
    const checked: string[] = [];
    Object.assign(adapter, {
      dualPassword: {
        ...support,
        async checkServer(login: { username: string }) {
          checked.push(login.username);
          throw new DualPasswordUnsupportedError('memory', 'this server holds one password per user');
        },
      },
    });
    const { invoke, sm } = setup({ adapter, strategy: dualPassword() });
    await expect(invoke('createSecret')).rejects.toBeInstanceOf(DualPasswordUnsupportedError);
    expect(checked).toEqual(['app']);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it("changedBy 'superuser' without masterarn: SecretShapeError at createSecret, nothing written", async () => {
    const { invoke, sm } = setup({ strategy: dualPassword({ changedBy: 'superuser' }) });
    await expect(invoke('createSecret')).rejects.toBeInstanceOf(SecretShapeError);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('setSecret retires the password before AWSCURRENT’s, then adds AWSPENDING’s: exactly the two latest log in', async () => {
    const { invoke, adapter } = setup({ strategy: dualPassword(), values: pendingValues() });
    adapter.users.set('app', { password: OLD_PASSWORD, others: [PREV_PASSWORD] });
    await invoke('setSecret');
    const login = (password: string) =>
      adapter.canLogin({ engine: 'memory', host: 'db.local', port: 5432, username: 'app', password });
    expect(await login(OLD_PASSWORD)).toBe(true);
    expect(await login(NEW_PASSWORD)).toBe(true);
    expect(await login(PREV_PASSWORD)).toBe(false);
    expect(adapter.calls.filter((call) => !call.startsWith('canLogin'))).toEqual([
      'retirePasswords:app->app',
      'addPassword:app->app',
    ]);

    // A retry (the reply was lost): the pending password logs in, so nothing changes again.
    adapter.calls.length = 0;
    await invoke('setSecret');
    expect(adapter.calls).toEqual(['canLogin:app']);
  });

  it('AWSCURRENT rejected: the masterarn superuser adds the password; without masterarn a LoginFailedError says so', async () => {
    const admin = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin-AbCdEf';
    const { invoke, adapter } = setup({
      strategy: dualPassword(),
      users: { app: 'lost-Pa55', admin: 'admin-pw' },
      values: {
        ...pendingValues({ masterarn: admin }),
        [`${admin}:AWSCURRENT`]: secretJson({ username: 'admin', password: 'admin-pw' }),
      },
    });
    await invoke('setSecret');
    expect(adapter.calls).toContain('addPassword:admin->app');

    const lost = setup({ strategy: dualPassword(), users: { app: 'lost-Pa55' }, values: pendingValues() });
    await expect(lost.invoke('setSecret')).rejects.toThrow(/AWSCURRENT cannot log in.*no masterarn/);
  });
});
