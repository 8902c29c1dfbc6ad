import { CreateSecretCommand, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { newToken, rawRequest, uniqueName, useLocalSecretsManager } from './support/localServer.js';

describe('local Secrets Manager: AWS JSON 1.1 protocol', () => {
  const local = useLocalSecretsManager();
  const endpoint = () => local.server().endpoint;

  it('answers an operation with 200, an x-amz-json-1.1 body and an x-amzn-RequestId', async () => {
    const response = await rawRequest(endpoint(), 'secretsmanager.ListSecrets', '{}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Array.isArray(response.json.SecretList)).toBe(true);
  });

  it('accepts an empty body as {} and ignores SigV4 headers', async () => {
    const response = await rawRequest(endpoint(), 'secretsmanager.ListSecrets', '', {
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/secretsmanager/aws4_request',
        'x-amz-date': '20240101T000000Z',
      },
    });
    expect(response.status).toBe(200);
  });

  it('writes dates as epoch seconds and omits members without a value (no nulls, no empty NextToken)', async () => {
    const name = uniqueName();
    const created = await rawRequest(
      endpoint(),
      'secretsmanager.CreateSecret',
      JSON.stringify({ Name: name, ClientRequestToken: newToken() }),
    );
    expect(Object.keys(created.json).sort()).toEqual(['ARN', 'Name']);
    const described = await rawRequest(
      endpoint(),
      'secretsmanager.DescribeSecret',
      JSON.stringify({ SecretId: name }),
    );
    expect(typeof described.json.CreatedDate).toBe('number');
    expect(Math.abs(described.json.CreatedDate - Date.now() / 1000)).toBeLessThan(600);
    expect(described.text).not.toContain('null');
    for (const absent of [
      'Description',
      'Tags',
      'RotationEnabled',
      'VersionIdsToStages',
      'DeletedDate',
      'KmsKeyId',
    ])
      expect(described.json).not.toHaveProperty(absent);
    const listed = await rawRequest(endpoint(), 'secretsmanager.ListSecrets', '{}');
    expect(listed.json).not.toHaveProperty('NextToken');
  });

  it('answers an unknown operation with UnknownOperationException, HTTP 400', async () => {
    const response = await rawRequest(endpoint(), 'secretsmanager.StealSecrets', '{}');
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('UnknownOperationException');
    expect(typeof response.json.Message).toBe('string');
  });

  it('answers a request without X-Amz-Target, or of another service, or a GET, with UnknownOperationException', async () => {
    for (const response of [
      await rawRequest(endpoint(), undefined, '{}'),
      await rawRequest(endpoint(), 'kms.Decrypt', '{}'),
      await rawRequest(endpoint(), 'secretsmanager.ListSecrets', '', { method: 'GET' }),
    ]) {
      expect(response.status).toBe(400);
      expect(response.json.__type).toBe('UnknownOperationException');
    }
  });

  it('answers malformed JSON, or a body that is not an object, with SerializationException', async () => {
    for (const body of ['{"Name":', 'not json', '[]', '"text"', '42', 'null']) {
      const response = await rawRequest(endpoint(), 'secretsmanager.CreateSecret', body);
      expect(response.status).toBe(400);
      expect(response.json.__type).toBe('SerializationException');
    }
  });

  it('answers a member of the wrong JSON type with SerializationException', async () => {
    for (const body of [
      { Name: 5 },
      { Name: 'x', Tags: 'a' },
      { Name: 'x', SecretBinary: '***not base64' },
    ]) {
      const response = await rawRequest(
        endpoint(),
        'secretsmanager.CreateSecret',
        JSON.stringify({ ClientRequestToken: newToken(), ...body }),
      );
      expect(response.json.__type).toBe('SerializationException');
    }
    const response = await rawRequest(
      endpoint(),
      'secretsmanager.ListSecrets',
      JSON.stringify({ MaxResults: '10' }),
    );
    expect(response.json.__type).toBe('SerializationException');
  });

  it('refuses a body over 1 MiB without reading it all into memory, and keeps serving', async () => {
    const response = await rawRequest(
      endpoint(),
      'secretsmanager.CreateSecret',
      JSON.stringify({ Name: 'big', SecretString: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('SerializationException');
    expect((await rawRequest(endpoint(), 'secretsmanager.ListSecrets', '{}')).status).toBe(200);
  });

  it('demands a ClientRequestToken from raw requests as the service does (the SDK always sends one)', async () => {
    const name = uniqueName();
    const missing = 'You must provide a ClientRequestToken value. We recommend a UUID-type value.';
    const create = await rawRequest(
      endpoint(),
      'secretsmanager.CreateSecret',
      JSON.stringify({ Name: name }),
    );
    expect(create.json).toEqual({ __type: 'InvalidRequestException', Message: missing });
    await local.client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const put = await rawRequest(
      endpoint(),
      'secretsmanager.PutSecretValue',
      JSON.stringify({ SecretId: name, SecretString: 'w' }),
    );
    expect(put.json).toEqual({ __type: 'InvalidRequestException', Message: missing });
    const update = await rawRequest(
      endpoint(),
      'secretsmanager.UpdateSecret',
      JSON.stringify({ SecretId: name, SecretString: 'w' }),
    );
    expect(update.json).toEqual({ __type: 'InvalidRequestException', Message: missing });
    const rotate = await rawRequest(
      endpoint(),
      'secretsmanager.RotateSecret',
      JSON.stringify({ SecretId: name }),
    );
    expect(rotate.json).toEqual({ __type: 'InvalidParameterException', Message: missing });
  });

  it('keeps serving after every bad request above', async () => {
    await expect(local.client().send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
  });
});
