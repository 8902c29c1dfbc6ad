import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  InvalidEventError,
  RotationNotEnabledError,
  VersionNotStagedError,
} from '../../../src/shared/errors';
import { ARN, CURRENT_ID, TOKEN, setup } from './fixtures';

describe('entry checks', () => {
  const badEvents: Array<[string, unknown, string]> = [
    ['not an object', 'createSecret', 'event'],
    ['null', null, 'event'],
    ['an array', [], 'event'],
    ['missing SecretId', { Step: 'createSecret', ClientRequestToken: TOKEN }, 'SecretId'],
    ['empty SecretId', { Step: 'createSecret', SecretId: '', ClientRequestToken: TOKEN }, 'SecretId'],
    ['numeric SecretId', { Step: 'createSecret', SecretId: 42, ClientRequestToken: TOKEN }, 'SecretId'],
    ['missing token', { Step: 'createSecret', SecretId: ARN }, 'ClientRequestToken'],
    ['short token', { Step: 'createSecret', SecretId: ARN, ClientRequestToken: 'abc' }, 'ClientRequestToken'],
    [
      'long token',
      { Step: 'createSecret', SecretId: ARN, ClientRequestToken: 'x'.repeat(65) },
      'ClientRequestToken',
    ],
    ['missing Step', { SecretId: ARN, ClientRequestToken: TOKEN }, 'Step'],
    ['unknown Step', { Step: 'dropDatabase', SecretId: ARN, ClientRequestToken: TOKEN }, 'Step'],
    ['Step in wrong case', { Step: 'CreateSecret', SecretId: ARN, ClientRequestToken: TOKEN }, 'Step'],
    [
      'numeric RotationToken',
      { Step: 'createSecret', SecretId: ARN, ClientRequestToken: TOKEN, RotationToken: 1 },
      'RotationToken',
    ],
  ];

  it.each(badEvents)(
    'rejects an event with %s, naming the field, before any call',
    async (_name, event, field) => {
      const { handler, sm, lines } = setup();
      const failure = handler(event as never, {} as never, () => {}) as Promise<void>;
      await expect(failure).rejects.toBeInstanceOf(InvalidEventError);
      await expect(failure).rejects.toMatchObject({ code: 'INVALID_EVENT', context: { field } });
      expect(sm.calls()).toHaveLength(0);
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 'error', message: 'invalid rotation event' }),
      ]);
    },
  );

  it('refuses a secret whose rotation is not enabled', async () => {
    const { invoke, sm } = setup({ rotationEnabled: false });
    await expect(invoke('createSecret')).rejects.toBeInstanceOf(RotationNotEnabledError);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('refuses a token that is not a version of the secret', async () => {
    const { invoke } = setup({ versions: { [CURRENT_ID]: ['AWSCURRENT'] } });
    await expect(invoke('setSecret')).rejects.toThrow(/is not a version of the secret/);
    await expect(invoke('setSecret')).rejects.toBeInstanceOf(VersionNotStagedError);
  });

  it('refuses a token version not staged AWSPENDING', async () => {
    const { invoke } = setup({ versions: { [CURRENT_ID]: ['AWSCURRENT'], [TOKEN]: ['AWSPREVIOUS'] } });
    await expect(invoke('testSecret')).rejects.toThrow(/is not staged AWSPENDING/);
  });

  it.each(['createSecret', 'setSecret', 'testSecret', 'finishSecret'])(
    'returns without doing anything when the token is already AWSCURRENT (%s)',
    async (step) => {
      const { invoke, sm, adapter, lines } = setup({
        versions: { [TOKEN]: ['AWSCURRENT'], [CURRENT_ID]: ['AWSPREVIOUS'] },
      });
      await invoke(step);
      expect(sm.calls().map((call) => call.args[0].constructor.name)).toEqual(['DescribeSecretCommand']);
      expect(adapter.calls).toEqual([]);
      expect(lines.some((line) => line.includes('already AWSCURRENT'))).toBe(true);
    },
  );

  it('finishSecret on a version holding AWSCURRENT and AWSPENDING removes the leftover AWSPENDING', async () => {
    const { invoke, sm } = setup({
      versions: { [TOKEN]: ['AWSCURRENT', 'AWSPENDING'], [CURRENT_ID]: ['AWSPREVIOUS'] },
    });
    await invoke('finishSecret');
    const updates = sm.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input);
    expect(updates).toEqual([{ SecretId: ARN, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN }]);
  });

  it('reads DescribeSecret exactly once per invocation', async () => {
    const { invoke, sm } = setup();
    await invoke('createSecret');
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand).length).toBeGreaterThan(0);
  });
});
