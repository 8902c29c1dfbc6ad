import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CURRENT_ID, NEW_PASSWORD, TOKEN, secretJson, setup } from './fixtures';

describe('composing steps', () => {
  it('an override can wrap the built-in step (before and after next)', async () => {
    const order: string[] = [];
    const { invoke, sm } = setup({
      steps: {
        createSecret: async (context, next) => {
          order.push(`before:${context.step}`);
          await next();
          order.push('after');
        },
      },
    });
    await invoke('createSecret');
    expect(order).toEqual(['before:createSecret', 'after']);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('an override can replace the built-in step', async () => {
    const { invoke, sm } = setup({ steps: { createSecret: async () => {} } });
    await invoke('createSecret');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('hooks run around the step, and onError sees the failure before it is rethrown', async () => {
    const seen: string[] = [];
    const { invoke } = setup({
      values: { [CURRENT_ID]: secretJson(), [TOKEN]: secretJson({ password: NEW_PASSWORD }) },
      users: { app: 'nothing-matches' },
      hooks: {
        before: (context) => void seen.push(`before:${context.step}`),
        after: (context) => void seen.push(`after:${context.step}`),
        onError: (context, error) => void seen.push(`error:${context.step}:${(error as Error).name}`),
      },
    });
    await expect(invoke('testSecret')).rejects.toThrow();
    expect(seen).toEqual(['before:testSecret', 'error:testSecret:LoginFailedError']);
    seen.length = 0;
    await invoke('finishSecret');
    expect(seen).toEqual(['before:finishSecret', 'after:finishSecret']);
  });

  it('accepts a Powertools-style logger', async () => {
    const calls: Array<[string, string, object[]]> = [];
    const record =
      (level: string) =>
      (message: string, ...extra: object[]) =>
        calls.push([level, message, extra]);
    const logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const { invoke } = setup({ logger });
    await invoke('createSecret');
    const complete = calls.find(([, message]) => message === 'step complete');
    expect(complete).toBeDefined();
    expect(Object.assign({}, ...complete![2])).toMatchObject({ step: 'createSecret', token: TOKEN });
    expect(JSON.stringify(calls)).not.toContain(NEW_PASSWORD);
  });
});
