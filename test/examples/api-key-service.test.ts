// The "write your own adapter" example (examples/api-key-service) against a real HTTP API-key
// service this file starts on 127.0.0.1 (test/support/api-key-service.ts): the adapter conformance
// suite, the dual-password capability included, then three real rotations of the example's entry
// through the local Secrets Manager.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { get } from 'node:http';
import type { Context, SecretsManagerRotationEvent, SecretsManagerRotationHandler } from 'aws-lambda';
import { createApiKeyAdapter } from '../../examples/api-key-service/adapter.js';
import type { ApiKeySecret } from '../../examples/api-key-service/secret.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { adapterConformanceCases } from '../../src/testing/conformance.js';
import type { ConformanceTarget } from '../../src/testing/conformance.js';
import { startApiKeyService } from '../support/api-key-service.js';
import type { ApiKeyService } from '../support/api-key-service.js';
import { freePort } from '../support/binaries.js';

describe('example adapter: an HTTP API-key service', () => {
  let service: ApiKeyService;
  let unusedPort: number;
  beforeAll(async () => {
    service = await startApiKeyService();
    unusedPort = await freePort();
  });
  afterAll(() => service?.stop());

  const secretFor = (username: string, password: string): ApiKeySecret => ({
    engine: 'api-key-service',
    host: service.host,
    port: service.port,
    username,
    password,
    tls: false,
  });
  const adminSecret = {
    engine: 'api-key-service',
    tls: false,
    get host() {
      return service.host;
    },
    get port() {
      return service.port;
    },
    get username() {
      return service.admin.username;
    },
    get password() {
      return service.admin.password;
    },
  } as ApiKeySecret;

  describe('the adapter conformance suite', () => {
    const target: ConformanceTarget<ApiKeySecret> = {
      adapter: createApiKeyAdapter(),
      async createUser(username, password) {
        service.setUser(username, password);
        return secretFor(username, password);
      },
      async dropUser(username) {
        service.deleteUser(username);
      },
      admin: adminSecret,
      get unreachable() {
        return { ...secretFor('nobody', 'Unreachable-Pa55'), port: unusedPort };
      },
    };
    const cases = adapterConformanceCases(target);
    it('includes the dual-password cases', () => {
      expect(cases.filter((c) => c.name.startsWith('dualPassword'))).toHaveLength(2);
    });
    for (const c of cases) it(c.name, c.run);
  });

  it('the service answers only loopback Host headers', async () => {
    // fetch will not send a foreign Host; node:http does, as a DNS-rebinding page's browser would.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = get(
        { host: '127.0.0.1', port: service.port, path: '/v1/whoami', headers: { host: 'attacker.example' } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(421);
  });

  describe('three rotations of the entry (dual password) through the local Secrets Manager', () => {
    let local: LocalSecretsManager;
    let client: SecretsManagerClient;
    let handler: SecretsManagerRotationHandler;
    const saved = process.env.SECRETS_MANAGER_ENDPOINT;
    beforeAll(async () => {
      local = await startLocalSecretsManager();
      client = new SecretsManagerClient(local.clientConfig);
      process.env.SECRETS_MANAGER_ENDPOINT = local.endpoint;
      ({ handler } = await import('../../examples/api-key-service/index.js'));
    });
    afterAll(async () => {
      if (saved === undefined) delete process.env.SECRETS_MANAGER_ENDPOINT;
      else process.env.SECRETS_MANAGER_ENDPOINT = saved;
      client?.destroy();
      await local?.stop();
    });

    it('after each, AWSCURRENT and AWSPREVIOUS log in, the key before them does not, and no key is logged', async () => {
      service.setUser('reporting', 'Start-Key-1');
      await client.send(
        new CreateSecretCommand({
          Name: 'api/reporting',
          SecretString: JSON.stringify(secretFor('reporting', 'Start-Key-1')),
        }),
      );
      const fn = 'arn:aws:lambda:us-east-1:123456789012:function:api-key-service';
      local.registerFunction(fn, (event: SecretsManagerRotationEvent) =>
        handler(event, {} as Context, () => undefined),
      );
      const adapter = createApiKeyAdapter();
      const keys = ['Start-Key-1'];
      const logged: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        logged.push(String(chunk));
        return true;
      });
      try {
        for (let rotation = 1; rotation <= 3; rotation++) {
          await client.send(new RotateSecretCommand({ SecretId: 'api/reporting', RotationLambdaARN: fn }));
          expect(await local.rotations.waitFor('api/reporting')).toMatchObject({ succeeded: true });
          const { SecretString } = await client.send(
            new GetSecretValueCommand({ SecretId: 'api/reporting' }),
          );
          keys.push((JSON.parse(SecretString as string) as ApiKeySecret).password);
          const logsIn = async (key: string) => adapter.canLogin(secretFor('reporting', key));
          expect(await logsIn(keys.at(-1) as string)).toBe(true);
          expect(await logsIn(keys.at(-2) as string)).toBe(true);
          for (const retired of keys.slice(0, -2)) expect(await logsIn(retired)).toBe(false);
        }
      } finally {
        write.mockRestore();
      }
      expect(logged.length).toBeGreaterThan(0);
      for (const key of keys) expect(logged.join('')).not.toContain(key);
    });
  });
});
