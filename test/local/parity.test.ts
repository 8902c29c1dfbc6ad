import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  ListSecretsCommand,
  RotateSecretCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Filter } from '@aws-sdk/client-secrets-manager';
import { expectServiceError, rawRequest, uniqueName, useLocalSecretsManager } from './support/localServer.js';

describe('local Secrets Manager parity: ListSecrets filters (item 7)', () => {
  const local = useLocalSecretsManager();
  const names = async (Filters: Filter[]) =>
    ((await local.client().send(new ListSecretsCommand({ Filters }))).SecretList ?? [])
      .map((s) => s.Name)
      .sort();

  beforeAll(async () => {
    const secrets = [
      { Name: 'app/credsDatabase-892', Description: 'Description of my secret' },
      { Name: 'app/other', Description: 'Nothing here', Tags: [{ Key: 'CostCenter', Value: 'Team42' }] },
    ];
    for (const secret of secrets)
      await local.client().send(new CreateSecretCommand({ ...secret, SecretString: 'v' }));
  });

  it('description: each word of the value matches a word of the description, any case', async () => {
    expect(await names([{ Key: 'description', Values: ['My Description'] }])).toEqual([
      'app/credsDatabase-892',
    ]);
    expect(await names([{ Key: 'description', Values: ['SECRET'] }])).toEqual(['app/credsDatabase-892']);
    expect(await names([{ Key: 'description', Values: ['my nothing'] }])).toEqual([]);
  });

  it('all: the value broken into words (case changes, letters/digits, punctuation), any case', async () => {
    expect(await names([{ Key: 'all', Values: ['database'] }])).toEqual(['app/credsDatabase-892']);
    expect(await names([{ Key: 'all', Values: ['892'] }])).toEqual(['app/credsDatabase-892']);
    expect(await names([{ Key: 'all', Values: ['credsDatabase'] }])).toEqual(['app/credsDatabase-892']);
    // Tag keys and values: `CostCenter` is `cost`, `center`; `Team42` is `team`, `42`.
    expect(await names([{ Key: 'all', Values: ['center'] }])).toEqual(['app/other']);
    expect(await names([{ Key: 'all', Values: ['42'] }])).toEqual(['app/other']);
    expect(await names([{ Key: 'all', Values: ['!42'] }])).toEqual(['app/credsDatabase-892']);
  });

  it('refuses a filter without Key or without Values instead of listing everything', async () => {
    for (const body of ['{"Filters":[{"Values":["app"]}]}', '{"Filters":[{"Key":"name"}]}']) {
      const answer = await rawRequest(local.server().endpoint, 'secretsmanager.ListSecrets', body);
      expect(answer.status).toBe(400);
      expect(answer.json.__type).toBe('InvalidParameterException');
      expect(answer.json.SecretList).toBeUndefined();
    }
    await expectServiceError(
      local.client().send(new ListSecretsCommand({ Filters: [{ Key: 'name' }] })),
      'InvalidParameterException',
      'Every filter must have Values.',
    );
  });

  it('checks each value against the model pattern', async () => {
    await expectServiceError(
      local.client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['app#'] }] })),
      'ValidationException',
      /failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy regular expression pattern/,
    );
  });
});

describe('local Secrets Manager parity: validation (items 8-10)', () => {
  const local = useLocalSecretsManager();

  it('BatchGetSecretValue refuses MaxResults without Filters (item 8)', async () => {
    const name = uniqueName();
    await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await expectServiceError(
      local.client().send(new BatchGetSecretValueCommand({ SecretIdList: [name], MaxResults: 5 })),
      'InvalidParameterException',
      "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    );
  });

  it('UpdateSecret with a value and no token is refused before the lookup (item 9)', async () => {
    const answer = await rawRequest(
      local.server().endpoint,
      'secretsmanager.UpdateSecret',
      JSON.stringify({ SecretId: 'no-such-secret', SecretString: 'v' }),
    );
    expect(answer.json).toEqual({
      __type: 'InvalidRequestException',
      Message: 'You must provide a ClientRequestToken value. We recommend a UUID-type value.',
    });
  });

  it('checks the name before anything else, supported operation or not (item 9)', async () => {
    const invalid = /^Invalid name\. Must be a valid name containing alphanumeric characters/;
    // No token and a bad name: the name is refused first.
    const rotate = await rawRequest(
      local.server().endpoint,
      'secretsmanager.RotateSecret',
      JSON.stringify({ SecretId: 'bad name!' }),
    );
    expect(rotate.json.__type).toBe('ValidationException');
    expect(rotate.json.Message).toMatch(invalid);
    await expectServiceError(
      local.client().send(new GetResourcePolicyCommand({ SecretId: 'bad name!' })),
      'ValidationException',
      invalid,
    );
    await expectServiceError(
      local.client().send(new UpdateSecretCommand({ SecretId: 'bad name!', SecretString: 'v' })),
      'ValidationException',
      invalid,
    );
    await expectServiceError(
      local
        .client()
        .send(new RotateSecretCommand({ SecretId: 'bad name!', RotationLambdaARN: 'https://evil.example/' })),
      'ValidationException',
      invalid,
    );
  });

  it('leaves an empty Description out of DescribeSecret (item 10)', async () => {
    const name = uniqueName();
    await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v', Description: '' }));
    const described = await local.client().send(new DescribeSecretCommand({ SecretId: name }));
    expect('Description' in described).toBe(false);
    const listed = await local
      .client()
      .send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }));
    expect(listed.SecretList?.[0] && 'Description' in listed.SecretList[0]).toBe(false);
    await local.client().send(new UpdateSecretCommand({ SecretId: name, Description: 'set' }));
    await local.client().send(new UpdateSecretCommand({ SecretId: name, Description: '' }));
    expect('Description' in (await local.client().send(new DescribeSecretCommand({ SecretId: name })))).toBe(
      false,
    );
  });
});
