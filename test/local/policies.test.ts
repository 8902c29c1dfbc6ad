import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { DataFileError } from '../../src/shared/errors.js';
import { startLocalSecretsManager } from '../../src/local/index.js';
import { awsCliAvailable, awsSecretsManager, awsSecretsManagerFailure } from './support/awsCli.js';
import {
  expectServiceError,
  uniqueName,
  useLocalSecretsManager,
  withTempDir,
} from './support/localServer.js';

/** A policy as a team writes one: an account's role may read the secret. */
const ROLE_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::123456789012:role/app" },
      "Action": "secretsmanager:GetSecretValue",
      "Resource": "*"
    }
  ]
}`;

function policyFor(principal: unknown, condition?: unknown): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 'secretsmanager:GetSecretValue',
        Resource: '*',
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });
}

const PUBLIC_MESSAGE =
  'The resource policy grants broad access to the secret (a wildcard principal); BlockPublicPolicy refuses it.';

describe('local Secrets Manager: resource policies (issue 13 item 11)', () => {
  const local = useLocalSecretsManager();
  const client = () => local.client();

  it('stores a policy exactly as written, returns it, and deletes it', async () => {
    const name = uniqueName('policy');
    const { ARN } = await client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const none = await client().send(new GetResourcePolicyCommand({ SecretId: name }));
    expect(none.ARN).toBe(ARN);
    expect(none.Name).toBe(name);
    expect('ResourcePolicy' in none).toBe(false);

    const put = await client().send(
      new PutResourcePolicyCommand({ SecretId: ARN, ResourcePolicy: ROLE_POLICY }),
    );
    expect({ ARN: put.ARN, Name: put.Name }).toEqual({ ARN, Name: name });
    const got = await client().send(new GetResourcePolicyCommand({ SecretId: name }));
    // Byte for byte, whitespace included: the service returns the document it was given.
    expect(got.ResourcePolicy).toBe(ROLE_POLICY);

    const deleted = await client().send(new DeleteResourcePolicyCommand({ SecretId: name }));
    expect({ ARN: deleted.ARN, Name: deleted.Name }).toEqual({ ARN, Name: name });
    const after = await client().send(new GetResourcePolicyCommand({ SecretId: name }));
    expect('ResourcePolicy' in after).toBe(false);
    // Deleting when there is none succeeds too.
    await expect(client().send(new DeleteResourcePolicyCommand({ SecretId: name }))).resolves.toBeDefined();
  });

  it('BlockPublicPolicy refuses "*" and {"AWS": "*"}, keeping the policy there was', async () => {
    const name = uniqueName('policy');
    await client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await client().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: ROLE_POLICY }));
    for (const principal of ['*', { AWS: '*' }, { AWS: ['arn:aws:iam::123456789012:root', '*'] }]) {
      await expectServiceError(
        client().send(
          new PutResourcePolicyCommand({
            SecretId: name,
            ResourcePolicy: policyFor(principal),
            BlockPublicPolicy: true,
          }),
        ),
        'PublicPolicyException',
        PUBLIC_MESSAGE,
      );
    }
    const kept = await client().send(new GetResourcePolicyCommand({ SecretId: name }));
    expect(kept.ResourcePolicy).toBe(ROLE_POLICY);

    // Without the flag a public policy is stored, as the service does by default.
    const open = policyFor('*');
    await client().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: open }));
    expect((await client().send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBe(open);
    // A wildcard narrowed to one account by a condition is not public.
    const narrowed = policyFor('*', { StringEquals: { 'aws:PrincipalAccount': '123456789012' } });
    await client().send(
      new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: narrowed, BlockPublicPolicy: true }),
    );
  });

  it('answers MalformedPolicyDocumentException for text that is not a policy', async () => {
    const name = uniqueName('policy');
    await client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const cases: [string, string][] = [
      ['{"Version": "2012-10-17", "Statement": [', 'it is not valid JSON'],
      ['["a list"]', 'it is not a JSON object'],
      ['{"Version": "2012-10-17"}', 'it has no Statement'],
      [
        '{"Statement": {"Principal": "*", "Action": "secretsmanager:*"}}',
        'Statement[0].Effect must be Allow or Deny',
      ],
      [
        '{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:*"}]}',
        'Statement[0] must have exactly one of Principal and NotPrincipal',
      ],
    ];
    for (const [policy, detail] of cases) {
      await expectServiceError(
        client().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy })),
        'MalformedPolicyDocumentException',
        `The resource policy has syntax errors: ${detail}`,
      );
    }
    expect('ResourcePolicy' in (await client().send(new GetResourcePolicyCommand({ SecretId: name })))).toBe(
      false,
    );
  });

  it('validates a policy without storing it: PolicyValidationPassed and ValidationErrors', async () => {
    const passed = await client().send(new ValidateResourcePolicyCommand({ ResourcePolicy: ROLE_POLICY }));
    expect(passed.PolicyValidationPassed).toBe(true);
    expect(passed.ValidationErrors).toEqual([]);

    const broad = await client().send(
      new ValidateResourcePolicyCommand({ ResourcePolicy: policyFor({ AWS: '*' }) }),
    );
    expect(broad.PolicyValidationPassed).toBe(false);
    expect(broad.ValidationErrors).toEqual([
      {
        CheckName: 'PUBLIC_ACCESS',
        ErrorMessage: 'The policy grants access to every principal ("*"), not narrowed by a condition.',
      },
    ]);

    const wrong = await client().send(
      new ValidateResourcePolicyCommand({
        ResourcePolicy: '{"Version": "2001-01-01", "Statement": [{"Effect": "Maybe", "Principal": "*"}]}',
      }),
    );
    expect(wrong.PolicyValidationPassed).toBe(false);
    expect(wrong.ValidationErrors?.map((e) => e.ErrorMessage)).toEqual([
      'Version must be one of 2012-10-17, 2008-10-17',
      'Statement[0].Effect must be Allow or Deny',
      'Statement[0] must have exactly one of Action and NotAction',
    ]);
    expect(wrong.ValidationErrors?.every((e) => e.CheckName === 'SYNTAX')).toBe(true);

    await expectServiceError(
      client().send(new ValidateResourcePolicyCommand({ ResourcePolicy: 'not json' })),
      'MalformedPolicyDocumentException',
      'The resource policy has syntax errors: it is not valid JSON',
    );
  });

  it('applies the model limits and the usual lookups', async () => {
    await expectServiceError(
      client().send(new PutResourcePolicyCommand({ SecretId: 'x', ResourcePolicy: 'x'.repeat(20481) })),
      'ValidationException',
      /^1 validation error detected: Value '.*' at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to 20480$/,
    );
    await expectServiceError(
      client().send(
        new PutResourcePolicyCommand({ SecretId: uniqueName('missing'), ResourcePolicy: ROLE_POLICY }),
      ),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
    const name = uniqueName('policy');
    await client().send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await client().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: ROLE_POLICY }));
    await client().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const marked = "You can't perform this operation on the secret because it was marked for deletion.";
    await expectServiceError(
      client().send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: ROLE_POLICY })),
      'InvalidRequestException',
      marked,
    );
    await expectServiceError(
      client().send(new DeleteResourcePolicyCommand({ SecretId: name })),
      'InvalidRequestException',
      marked,
    );
    // Reading it stays possible, as DescribeSecret does.
    expect((await client().send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBe(
      ROLE_POLICY,
    );
  });
});

describe('local Secrets Manager: resource policies in the data file', () => {
  it('keeps a policy across a restart, and refuses a file whose policy is not text', () =>
    withTempDir(async (dir) => {
      const dataFile = join(dir, 'state.json');
      const first = await startLocalSecretsManager({ dataFile });
      let client = new SecretsManagerClient(first.clientConfig);
      await client.send(new CreateSecretCommand({ Name: 'with-policy', SecretString: 'v' }));
      await client.send(
        new PutResourcePolicyCommand({ SecretId: 'with-policy', ResourcePolicy: ROLE_POLICY }),
      );
      client.destroy();
      await first.stop();

      const second = await startLocalSecretsManager({ dataFile });
      client = new SecretsManagerClient(second.clientConfig);
      const got = await client.send(new GetResourcePolicyCommand({ SecretId: 'with-policy' }));
      expect(got.ResourcePolicy).toBe(ROLE_POLICY);
      // The policy is not a DescribeSecret member.
      expect(
        'ResourcePolicy' in (await client.send(new DescribeSecretCommand({ SecretId: 'with-policy' }))),
      ).toBe(false);
      client.destroy();
      await second.stop();

      const text = await readFile(dataFile, 'utf8');
      const damaged = JSON.parse(text);
      damaged.secrets[0].resourcePolicy = { Statement: [] };
      await writeFile(dataFile, JSON.stringify(damaged));
      const refused = startLocalSecretsManager({ dataFile });
      await expect(refused).rejects.toBeInstanceOf(DataFileError);
      await expect(refused).rejects.toThrow(/secrets\[0\]\.resourcePolicy is not text/);
    }));
});

if (!awsCliAvailable)
  console.log('NOTICE: the AWS CLI (`aws`) is not on PATH: skipping the AWS CLI resource-policy tests.');
const describeWithAws = awsCliAvailable ? describe : describe.skip;

describeWithAws('local Secrets Manager: resource policies through the AWS CLI', () => {
  const local = useLocalSecretsManager();
  const aws = (...args: string[]) => awsSecretsManager(local.server().endpoint, 'us-east-1', ...args);

  it('puts, gets and validates a policy, and reports a public one', async () => {
    await aws('create-secret', '--name', 'cli/policy', '--secret-string', 'v');
    const put = await aws(
      'put-resource-policy',
      '--secret-id',
      'cli/policy',
      '--resource-policy',
      ROLE_POLICY,
    );
    expect(put.Name).toBe('cli/policy');
    const got = await aws('get-resource-policy', '--secret-id', 'cli/policy');
    expect(got.ResourcePolicy).toBe(ROLE_POLICY);
    const validated = await aws('validate-resource-policy', '--resource-policy', policyFor('*'));
    expect(validated.PolicyValidationPassed).toBe(false);
    const stderr = await awsSecretsManagerFailure(
      local.server().endpoint,
      'us-east-1',
      'put-resource-policy',
      '--secret-id',
      'cli/policy',
      '--resource-policy',
      policyFor('*'),
      '--block-public-policy',
    );
    expect(stderr).toContain(
      `An error occurred (PublicPolicyException) when calling the PutResourcePolicy operation: ${PUBLIC_MESSAGE}`,
    );
  }, 60_000);
});
