import {
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  ConfigurationError,
  LoginFailedError,
  SecretShapeError,
  UnsafeChangeError,
} from '../../../src/shared/errors';
import { alternatingUsers } from '../../../src/rotation/strategies/alternating-users';
import { singleUser } from '../../../src/rotation/strategies/single-user';
import {
  ARN,
  CURRENT_ID,
  NEW_PASSWORD,
  OLD_PASSWORD,
  PREVIOUS_ID,
  PREV_PASSWORD,
  TOKEN,
  secretJson,
  setup,
} from './fixtures';

describe('createSecret', () => {
  const putValue = (sm: ReturnType<typeof setup>['sm']) =>
    JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretString!) as Record<
      string,
      unknown
    >;

  it('writes the next secret as the token version staged AWSPENDING, keeping every other key', async () => {
    const { invoke, sm } = setup({
      values: { [CURRENT_ID]: secretJson({ dbname: 'orders', custom: { a: 1 } }) },
      passwordSource: 'secrets-manager',
    });
    await invoke('createSecret', { RotationToken: 'rotation-token-value' });
    const [put] = sm.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
    expect(put).toMatchObject({
      SecretId: ARN,
      ClientRequestToken: TOKEN,
      VersionStages: ['AWSPENDING'],
      RotationToken: 'rotation-token-value',
    });
    expect(JSON.parse(put!.SecretString!)).toEqual({
      engine: 'memory',
      host: 'db.local',
      port: 5432,
      username: 'app',
      password: NEW_PASSWORD,
      dbname: 'orders',
      custom: { a: 1 },
    });
  });

  it('generates the password in the function by default: no GetRandomPassword call, the default policy', async () => {
    const { invoke, sm } = setup();
    await invoke('createSecret');
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    const password = putValue(sm).password as string;
    expect(password).toHaveLength(32);
    expect(password).not.toBe(OLD_PASSWORD);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[0-9]/);
    expect(password).toMatch(/[^A-Za-z0-9]/);
    expect(password).not.toMatch(/[/@"'\\ ]/);
  });

  it('generated passwords follow the policy, with PASSWORD_LENGTH and EXCLUDE_CHARACTERS overriding it', async () => {
    const saved = { ...process.env };
    try {
      process.env.PASSWORD_LENGTH = '48';
      process.env.EXCLUDE_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz';
      const { invoke, sm } = setup({
        passwordPolicy: {
          length: 20,
          excludeCharacters: 'x',
          excludeNumbers: true,
          excludePunctuation: true,
        },
      });
      await invoke('createSecret');
      expect(putValue(sm).password).toMatch(/^[A-Z]{48}$/);
    } finally {
      process.env = saved;
    }
  });

  it("passwordSource 'secrets-manager' forwards the policy to GetRandomPassword, the variables overriding it", async () => {
    const saved = { ...process.env };
    try {
      process.env.PASSWORD_LENGTH = '48';
      process.env.EXCLUDE_CHARACTERS = ':;';
      const { invoke, sm } = setup({
        passwordPolicy: { length: 20, excludeCharacters: 'x', excludeNumbers: true },
        passwordSource: 'secrets-manager',
      });
      await invoke('createSecret');
      expect(sm.commandCalls(GetRandomPasswordCommand)[0]!.args[0].input).toEqual({
        PasswordLength: 48,
        ExcludeCharacters: ':;',
        ExcludeNumbers: true,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      });
      expect(putValue(sm).password).toBe(NEW_PASSWORD);
    } finally {
      process.env = saved;
    }
  });

  it('ROTATION_KIT_PASSWORD_SOURCE overrides the option; a bad value is a ConfigurationError naming it and the choices', async () => {
    const saved = { ...process.env };
    try {
      process.env.ROTATION_KIT_PASSWORD_SOURCE = 'secrets-manager';
      const viaEnv = setup({ passwordSource: 'function' });
      await viaEnv.invoke('createSecret');
      expect(viaEnv.sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(1);
      expect(putValue(viaEnv.sm).password).toBe(NEW_PASSWORD);

      process.env.ROTATION_KIT_PASSWORD_SOURCE = 'kms';
      const bad = setup();
      const failure = bad.invoke('createSecret');
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
      await expect(failure).rejects.toThrow(
        'Setting "ROTATION_KIT_PASSWORD_SOURCE" is invalid: expected "function" or "secrets-manager"',
      );
      expect(bad.sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    } finally {
      process.env = saved;
    }
    const badOption = setup({ passwordSource: 'service' as never });
    await expect(badOption.invoke('createSecret')).rejects.toThrow('Setting "passwordSource" is invalid');
  });

  it('is idempotent: a retry after the version was written (ResourceExistsException) changes nothing', async () => {
    const { invoke, sm } = setup();
    const exists = new Error('already in use');
    exists.name = 'ResourceExistsException';
    sm.on(PutSecretValueCommand).rejects(exists);
    await expect(invoke('createSecret')).resolves.toBeUndefined();
  });

  it('a warm retry that already wrote the version makes no second write', async () => {
    const { invoke, sm } = setup({ passwordSource: 'secrets-manager' });
    await invoke('createSecret');
    await invoke('createSecret');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(1);
  });

  const badCurrent: Array<[string, string, string]> = [
    ['not JSON', 'password=' + OLD_PASSWORD, 'SecretString'],
    ['a JSON array', JSON.stringify([OLD_PASSWORD]), 'SecretString'],
    ['no username', JSON.stringify({ engine: 'memory', host: 'h', password: OLD_PASSWORD }), 'username'],
    [
      'a numeric password',
      JSON.stringify({ engine: 'memory', host: 'h', username: 'app', password: 12345 }),
      'password',
    ],
    ['a port string that is not a number', secretJson({ port: 'db' }), 'port'],
    ['no host', JSON.stringify({ engine: 'memory', username: 'app', password: OLD_PASSWORD }), 'host'],
  ];
  it.each(badCurrent)(
    'refuses an AWSCURRENT that is %s, naming the key, writing nothing',
    async (_n, value, key) => {
      const { invoke, sm, lines } = setup({ values: { [CURRENT_ID]: value } });
      const failure = invoke('createSecret');
      await expect(failure).rejects.toBeInstanceOf(SecretShapeError);
      await expect(failure).rejects.toMatchObject({ context: { key, where: 'AWSCURRENT secret' } });
      const error = await failure.catch((e: Error) => e);
      expect(String((error as Error).message)).not.toContain(OLD_PASSWORD);
      expect(lines.join('\n')).not.toContain(OLD_PASSWORD);
      expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    },
  );

  it('alternating users: refuses a current secret without masterarn before writing', async () => {
    const { invoke, sm } = setup({ strategy: alternatingUsers() });
    await expect(invoke('createSecret')).rejects.toMatchObject({
      name: 'SecretShapeError',
      context: { key: 'masterarn' },
    });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('alternating users: the pending version names the other user', async () => {
    const { invoke, sm } = setup({
      strategy: alternatingUsers(),
      values: { [CURRENT_ID]: secretJson({ username: 'app_clone', masterarn: 'arn:master' }) },
    });
    await invoke('createSecret');
    const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(JSON.parse(put.SecretString!)).toMatchObject({ username: 'app', masterarn: 'arn:master' });
  });
});

describe('setSecret', () => {
  const pendingValues = (pending: Record<string, unknown> = {}, extra: Record<string, string> = {}) => ({
    [CURRENT_ID]: secretJson(),
    [TOKEN]: secretJson({ password: NEW_PASSWORD, ...pending }),
    ...extra,
  });

  it('logs in with AWSCURRENT and sets the pending password', async () => {
    const { invoke, adapter } = setup({ values: pendingValues() });
    await invoke('setSecret');
    expect(adapter.users.get('app')!.password).toBe(NEW_PASSWORD);
    expect(adapter.calls).toEqual(['canLogin:app', 'setPassword:app->app']);
  });

  it('does nothing when the pending password already logs in (a retry)', async () => {
    const { invoke, adapter } = setup({ values: pendingValues(), users: { app: NEW_PASSWORD } });
    await invoke('setSecret');
    expect(adapter.calls).toEqual(['canLogin:app']);
  });

  it('falls back to AWSPREVIOUS when AWSCURRENT no longer logs in, reading it only then', async () => {
    const versions = {
      [CURRENT_ID]: ['AWSCURRENT'],
      [PREVIOUS_ID]: ['AWSPREVIOUS'],
      [TOKEN]: ['AWSPENDING'],
    };
    const values = pendingValues({}, { [PREVIOUS_ID]: secretJson({ password: PREV_PASSWORD }) });
    const ok = setup({ versions, values, users: { app: OLD_PASSWORD } });
    await ok.invoke('setSecret');
    const readIds = ok.sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionId);
    expect(readIds).not.toContain(PREVIOUS_ID);

    const fallback = setup({ versions, values, users: { app: PREV_PASSWORD } });
    await fallback.invoke('setSecret');
    expect(fallback.adapter.users.get('app')!.password).toBe(NEW_PASSWORD);
  });

  it('fails with LoginFailedError when nothing logs in, and never logs a password', async () => {
    const { invoke, lines } = setup({ values: pendingValues(), users: { app: 'something-else' } });
    const error = await invoke('setSecret').catch((e: Error) => e);
    expect(error).toBeInstanceOf(LoginFailedError);
    const text = lines.join('\n') + (error as Error).message;
    for (const secret of [OLD_PASSWORD, NEW_PASSWORD, 'something-else']) expect(text).not.toContain(secret);
  });

  it.each([
    ['username', { username: 'postgres' }],
    ['host', { host: 'attacker.example' }],
  ])('refuses a pending version naming another %s', async (key, pending) => {
    const { invoke, adapter } = setup({ values: pendingValues(pending) });
    await expect(invoke('setSecret')).rejects.toMatchObject({ name: 'UnsafeChangeError', context: { key } });
    expect(adapter.calls).toEqual([]);
  });

  it('refuses when the pending version has no value yet', async () => {
    const { invoke } = setup();
    await expect(invoke('setSecret')).rejects.toThrow(/run createSecret first/);
  });

  it('propagates a database outage as a connection error, not a login failure', async () => {
    const { invoke, adapter } = setup({ values: pendingValues() });
    adapter.down = true;
    await expect(invoke('setSecret')).rejects.toMatchObject({ name: 'DatabaseConnectionError' });
  });

  it('alternating users: the superuser sets the other user, created like the current one', async () => {
    const values = {
      [CURRENT_ID]: secretJson({ masterarn: 'arn:master' }),
      [TOKEN]: secretJson({ username: 'app_clone', password: NEW_PASSWORD, masterarn: 'arn:master' }),
      'arn:master:AWSCURRENT': secretJson({ username: 'admin', password: 'admin-pw' }),
    };
    const { invoke, adapter } = setup({ strategy: alternatingUsers(), values });
    await invoke('setSecret');
    expect(adapter.users.get('app_clone')).toEqual({ password: NEW_PASSWORD, like: 'app' });
    expect(adapter.users.get('app')!.password).toBe(OLD_PASSWORD);
  });

  it('alternating users: refuses a superuser secret on another host', async () => {
    const values = {
      [CURRENT_ID]: secretJson({ masterarn: 'arn:master' }),
      [TOKEN]: secretJson({ username: 'app_clone', password: NEW_PASSWORD, masterarn: 'arn:master' }),
      'arn:master:AWSCURRENT': secretJson({ username: 'admin', password: 'admin-pw', host: 'other' }),
    };
    const { invoke } = setup({ strategy: alternatingUsers(), values });
    await expect(invoke('setSecret')).rejects.toBeInstanceOf(UnsafeChangeError);
  });
});

describe('testSecret', () => {
  const values = { [CURRENT_ID]: secretJson(), [TOKEN]: secretJson({ password: NEW_PASSWORD }) };

  it('passes when the pending credentials log in', async () => {
    const { invoke, adapter } = setup({ values, users: { app: NEW_PASSWORD } });
    await invoke('testSecret');
    expect(adapter.calls).toEqual(['canLogin:app']);
  });

  it('retries a rejected login with bounded backoff, then fails with LoginFailedError', async () => {
    const { invoke, adapter, lines } = setup({ values, loginRetry: { totalMs: 60, initialDelayMs: 10 } });
    await expect(invoke('testSecret')).rejects.toBeInstanceOf(LoginFailedError);
    // waits of 10, 20 fit in 60 ms (40 would not): three attempts
    expect(adapter.calls).toEqual(['canLogin:app', 'canLogin:app', 'canLogin:app']);
    expect(lines.filter((line) => line.includes('retrying')).length).toBe(adapter.calls.length - 1);
  });

  it('succeeds when the password change becomes visible during the retries', async () => {
    const { invoke, adapter } = setup({ values, loginRetry: { totalMs: 2000, initialDelayMs: 5 } });
    setTimeout(() => adapter.users.set('app', { password: NEW_PASSWORD }), 20);
    await expect(invoke('testSecret')).resolves.toBeUndefined();
  });
});

describe('finishSecret', () => {
  it('moves AWSCURRENT from the current holder to the token, then removes AWSPENDING', async () => {
    const { invoke, sm } = setup();
    await invoke('finishSecret');
    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN, RemoveFromVersionId: CURRENT_ID },
      { SecretId: ARN, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN },
    ]);
  });
});

describe('setSecret by a superuser for a single user (masterarn)', () => {
  const values = {
    [CURRENT_ID]: secretJson({ masterarn: 'arn:master' }),
    [TOKEN]: secretJson({ password: NEW_PASSWORD, masterarn: 'arn:master' }),
    'arn:master:AWSCURRENT': secretJson({ username: 'admin', password: 'admin-pw' }),
  };

  it('changedBy superuser: the superuser sets the password, the user never logs in to change it', async () => {
    const { invoke, adapter } = setup({ strategy: singleUser({ changedBy: 'superuser' }), values });
    await invoke('setSecret');
    expect(adapter.users.get('app')!.password).toBe(NEW_PASSWORD);
    expect(adapter.calls).toEqual(['canLogin:app', 'setPassword:admin->app']);
  });

  it('changedBy superuser: refuses a current secret without masterarn in createSecret', async () => {
    const { invoke, sm } = setup({ strategy: singleUser({ changedBy: 'superuser' }) });
    await expect(invoke('createSecret')).rejects.toMatchObject({ context: { key: 'masterarn' } });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('self: when the current password was lost, falls back to the superuser', async () => {
    const { invoke, adapter } = setup({ values, users: { app: 'lost', admin: 'admin-pw' } });
    await invoke('setSecret');
    expect(adapter.users.get('app')!.password).toBe(NEW_PASSWORD);
  });
});

describe('createSecret validates the next secret before writing it', () => {
  it('refuses a next username the adapter cannot accept, writing nothing', async () => {
    const { invoke, sm, adapter } = setup({
      strategy: alternatingUsers(),
      values: { [CURRENT_ID]: secretJson({ masterarn: 'arn:master' }) },
    });
    const parse = adapter.parseSecret.bind(adapter);
    adapter.parseSecret = (value) => {
      const parsed = parse(value);
      if (parsed.username.length > 6) throw new SecretShapeError('username', 'at most 6 characters');
      return parsed;
    };
    await expect(invoke('createSecret')).rejects.toMatchObject({
      context: { key: 'username', where: 'next (AWSPENDING) secret' },
    });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});
