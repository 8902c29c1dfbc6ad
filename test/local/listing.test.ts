import {
  CreateSecretCommand,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Filter } from '@aws-sdk/client-secrets-manager';
import { expectServiceError, useLocalSecretsManager } from './support/localServer.js';

describe('local Secrets Manager: ListSecrets and ListSecretVersionIds', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();
  const names = async (Filters: Filter[]) =>
    ((await client().send(new ListSecretsCommand({ Filters }))).SecretList ?? []).map((s) => s.Name).sort();

  beforeAll(async () => {
    const secrets = [
      {
        Name: 'prod/db/main',
        Description: 'Production database credentials',
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'team', Value: 'payments' },
        ],
      },
      { Name: 'prod/api-key', Description: 'Key for the partner API', Tags: [{ Key: 'env', Value: 'prod' }] },
      {
        Name: 'staging/db/main',
        Description: 'Staging database credentials',
        Tags: [
          { Key: 'env', Value: 'staging' },
          { Key: 'Team', Value: 'Payments' },
        ],
      },
      { Name: 'Prod/upper', Description: 'Upper-case name' },
    ];
    for (const secret of secrets)
      await client().send(new CreateSecretCommand({ ...secret, SecretString: 'v' }));
  });

  it('lists every secret with SecretVersionsToStages, in creation order', async () => {
    const list = (await client().send(new ListSecretsCommand({}))).SecretList ?? [];
    expect(list.map((s) => s.Name)).toEqual([
      'prod/db/main',
      'prod/api-key',
      'staging/db/main',
      'Prod/upper',
    ]);
    expect(Object.values(list[0]?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
  });

  it('filters name, tag-key and tag-value as case-sensitive prefixes', async () => {
    expect(await names([{ Key: 'name', Values: ['prod/'] }])).toEqual(['prod/api-key', 'prod/db/main']);
    expect(await names([{ Key: 'name', Values: ['Prod'] }])).toEqual(['Prod/upper']);
    expect(await names([{ Key: 'tag-key', Values: ['te'] }])).toEqual(['prod/db/main']);
    expect(await names([{ Key: 'tag-value', Values: ['Pay'] }])).toEqual(['staging/db/main']);
  });

  it('filters description by word prefixes', async () => {
    expect(await names([{ Key: 'description', Values: ['datab'] }])).toEqual([
      'prod/db/main',
      'staging/db/main',
    ]);
    expect(await names([{ Key: 'description', Values: ['partner API'] }])).toEqual(['prod/api-key']);
    expect(await names([{ Key: 'description', Values: ['artner'] }])).toEqual([]);
  });

  it('ORs the values of one filter, ANDs different filters, and negates a value with !', async () => {
    expect(await names([{ Key: 'name', Values: ['prod/api', 'staging/'] }])).toEqual([
      'prod/api-key',
      'staging/db/main',
    ]);
    expect(
      await names([
        { Key: 'tag-value', Values: ['prod'] },
        { Key: 'description', Values: ['database'] },
      ]),
    ).toEqual(['prod/db/main']);
    expect(await names([{ Key: 'name', Values: ['!prod/'] }])).toEqual(['Prod/upper', 'staging/db/main']);
    // `all` ignores case: the tag value `Payments` matches too.
    expect(await names([{ Key: 'all', Values: ['payments'] }])).toEqual(['prod/db/main', 'staging/db/main']);
    expect(await names([{ Key: 'primary-region', Values: ['us-east-1'] }])).toEqual([]);
  });

  it('pages with MaxResults and NextToken, sorted as asked', async () => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client().send(
        new ListSecretsCommand({ MaxResults: 3, NextToken, SortBy: 'name', SortOrder: 'desc' }),
      );
      seen.push(...(page.SecretList ?? []).map((s) => s.Name as string));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken);
    expect(pages).toBe(2);
    expect(seen).toEqual(['staging/db/main', 'prod/db/main', 'prod/api-key', 'Prod/upper']);
  });

  it('refuses a NextToken it did not issue, and checks MaxResults at 1-100', async () => {
    await expectServiceError(
      client().send(new ListSecretsCommand({ NextToken: 'bogus' })),
      'InvalidNextTokenException',
      'The NextToken value is invalid.',
    );
    await client().send(new ListSecretsCommand({ MaxResults: 100 }));
    await expectServiceError(
      client().send(new ListSecretsCommand({ MaxResults: 101 })),
      'ValidationException',
      "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    await expectServiceError(
      client().send(new ListSecretsCommand({ MaxResults: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('checks filters: known keys, 1-10 values of up to 512 characters, at most 10 filters', async () => {
    await expectServiceError(
      client().send(new ListSecretsCommand({ Filters: [{ Key: 'colour' as never, Values: ['x'] }] })),
      'ValidationException',
      "1 validation error detected: Value 'colour' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `v${i}`);
    await expectServiceError(
      client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: eleven }] })),
      'ValidationException',
      `1 validation error detected: Value '[${eleven.join(', ')}]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 10`,
    );
    await client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['x'.repeat(512)] }] }));
    await expectServiceError(
      client().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['x'.repeat(513)] }] })),
      'ValidationException',
    );
    const filters = Array.from({ length: 11 }, () => ({ Key: 'name' as const, Values: ['p'] }));
    await expectServiceError(
      client().send(new ListSecretsCommand({ Filters: filters })),
      'ValidationException',
    );
  });

  it('pages ListSecretVersionIds and checks its MaxResults', async () => {
    for (let i = 0; i < 4; i += 1)
      await client().send(
        new PutSecretValueCommand({
          SecretId: 'prod/api-key',
          SecretString: `v${i}`,
          VersionStages: [`label${i}`],
        }),
      );
    const first = await client().send(
      new ListSecretVersionIdsCommand({ SecretId: 'prod/api-key', MaxResults: 3 }),
    );
    expect(first.Versions).toHaveLength(3);
    expect(first.Name).toBe('prod/api-key');
    const second = await client().send(
      new ListSecretVersionIdsCommand({
        SecretId: 'prod/api-key',
        MaxResults: 3,
        NextToken: first.NextToken,
      }),
    );
    expect(second.Versions).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect(second.Versions?.[0]?.KmsKeyIds).toEqual(['DefaultEncryptionKey']);
    await expectServiceError(
      client().send(new ListSecretVersionIdsCommand({ SecretId: 'prod/api-key', MaxResults: 101 })),
      'ValidationException',
    );
    // A ListSecrets token is not a ListSecretVersionIds token.
    const listToken = (await client().send(new ListSecretsCommand({ MaxResults: 1 }))).NextToken;
    await expectServiceError(
      client().send(new ListSecretVersionIdsCommand({ SecretId: 'prod/api-key', NextToken: listToken })),
      'InvalidNextTokenException',
    );
  });
});
