import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCloudFormationYaml, resolveTemplate } from './support/cloudformation.js';
import type { Json, JsonObject } from './support/cloudformation.js';

const TEMPLATE_PATH = join(__dirname, '..', '..', 'deploy', 'sam', 'template.yaml');
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf';
const MASTER_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/master-XyZ123';
const REQUIRED = {
  CodeBucket: 'artifacts',
  CodeKey: 'rotation-kit/postgres-single-user.zip',
  SecretArn: SECRET_ARN,
};

const template = readCloudFormationYaml(TEMPLATE_PATH);

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: JsonObject;
};

function deployed(parameters: Record<string, string> = {}) {
  const resolved = resolveTemplate(template, { ...REQUIRED, ...parameters });
  const resources = resolved.Resources as Record<
    string,
    { Type: string; Properties: JsonObject; DependsOn?: Json }
  >;
  const role = resources.RotationFunctionRole!;
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return {
    resources,
    role,
    statements: policies.flatMap((policy) => policy.PolicyDocument.Statement),
    fn: resources.RotationFunction!,
  };
}

const actionsOf = (statement: Statement) => [statement.Action].flat();
const statementWith = (statements: Statement[], action: string) =>
  statements.filter((statement) => actionsOf(statement).includes(action));

describe('SAM template: the function', () => {
  it('runs index.handler on nodejs22.x from the zip named by CodeBucket/CodeKey', () => {
    const { fn } = deployed();
    expect(fn.Type).toBe('AWS::Serverless::Function');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      CodeUri: { Bucket: 'artifacts', Key: 'rotation-kit/postgres-single-user.zip' },
      Role: { 'Fn::GetAtt': ['RotationFunctionRole', 'Arn'] },
    });
  });

  it('sets the handler variables only when their parameters are given, so the library defaults apply', () => {
    expect(deployed().fn.Properties.Environment).toEqual({
      Variables: { NODE_OPTIONS: '--enable-source-maps' },
    });
    expect(deployed({ EnableSourceMaps: 'false' }).fn.Properties.Environment).toEqual({ Variables: {} });
    const tuned = deployed({
      PasswordLength: '48',
      ExcludeCharacters: '/@"',
      SecretsManagerEndpoint: 'https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com',
    });
    expect(tuned.fn.Properties.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        PASSWORD_LENGTH: '48',
        EXCLUDE_CHARACTERS: '/@"',
        SECRETS_MANAGER_ENDPOINT: 'https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com',
      },
    });
  });

  it('joins the VPC only when subnets are given, and a rule demands security groups with them', () => {
    expect(deployed().fn.Properties.VpcConfig).toBeUndefined();
    expect(
      deployed({ SubnetIds: 'subnet-1,subnet-2', SecurityGroupIds: 'sg-1' }).fn.Properties.VpcConfig,
    ).toEqual({
      SubnetIds: ['subnet-1', 'subnet-2'],
      SecurityGroupIds: ['sg-1'],
    });
    const rule = (template.Rules as JsonObject).SubnetsNeedSecurityGroups as JsonObject;
    expect(rule.RuleCondition).toEqual({
      'Fn::Not': [{ 'Fn::EachMemberEquals': [{ Ref: 'SubnetIds' }, ''] }],
    });
    expect(rule.Assertions).toEqual([
      expect.objectContaining({
        Assert: { 'Fn::Not': [{ 'Fn::EachMemberEquals': [{ Ref: 'SecurityGroupIds' }, ''] }] },
      }),
    ]);
  });

  it('accepts only full secret ARNs, whose six-character suffix IAM needs to match', () => {
    const pattern = new RegExp(
      ((template.Parameters as JsonObject).SecretArn as JsonObject).AllowedPattern as string,
    );
    expect(pattern.test(SECRET_ARN)).toBe(true);
    expect(pattern.test('arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db')).toBe(false);
    expect(pattern.test('app/db-AbCdEf')).toBe(false);
  });
});

describe('SAM template: least privilege', () => {
  it('grants the four rotation actions on the one secret and GetRandomPassword on *, nothing else by default', () => {
    const { statements, role } = deployed();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const secretActions = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    expect(secretActions).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Resource: SECRET_ARN,
      }),
      expect.objectContaining({ Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' }),
    ]);
    const others = statements.filter((s) => !secretActions.includes(s));
    expect(others).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['RotationFunctionLogGroup', 'Arn'] },
      }),
    ]);
  });

  it('never grants a wildcard action, and * resources only where the action cannot be scoped', () => {
    const { statements } = deployed({
      SubnetIds: 'subnet-1',
      SecurityGroupIds: 'sg-1',
      MasterSecretArn: MASTER_ARN,
      KmsKeyArns: 'arn:aws:kms:eu-west-1:123456789012:key/k1',
    });
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
      if (statement.Resource === '*') {
        expect(
          actionsOf(statement).every((a) => a === 'secretsmanager:GetRandomPassword' || a.startsWith('ec2:')),
        ).toBe(true);
      }
    }
  });

  it('reads the master secret (GetSecretValue only) just when MasterSecretArn is given', () => {
    expect(statementWith(deployed().statements, 'secretsmanager:GetSecretValue')).toHaveLength(1);
    const multi = statementWith(
      deployed({ MasterSecretArn: MASTER_ARN }).statements,
      'secretsmanager:GetSecretValue',
    );
    expect(multi).toHaveLength(2);
    expect(multi[1]).toMatchObject({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: MASTER_ARN,
    });
  });

  it('adds network-interface permissions only for a function in a VPC', () => {
    expect(
      deployed()
        .statements.flatMap(actionsOf)
        .filter((a) => a.startsWith('ec2:')),
    ).toEqual([]);
    const inVpc = deployed({ SubnetIds: 'subnet-1', SecurityGroupIds: 'sg-1' });
    expect(statementWith(inVpc.statements, 'ec2:CreateNetworkInterface')).toEqual([
      expect.objectContaining({
        Resource: '*',
        Action: expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
      }),
    ]);
  });

  it('lets the function use customer managed keys only through Secrets Manager, for its own secrets', () => {
    expect(
      deployed()
        .statements.flatMap(actionsOf)
        .filter((a) => a.startsWith('kms:')),
    ).toEqual([]);
    const keys = 'arn:aws:kms:eu-west-1:123456789012:key/k1,arn:aws:kms:eu-west-1:123456789012:key/k2';
    const [kms, ...more] = statementWith(
      deployed({ KmsKeyArns: keys, MasterSecretArn: MASTER_ARN }).statements,
      'kms:Decrypt',
    );
    expect(more).toEqual([]);
    expect(kms).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keys.split(','),
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' },
          'kms:EncryptionContext:SecretARN': [SECRET_ARN, MASTER_ARN],
        },
      },
    });
  });

  it('lets only lambda.amazonaws.com assume the role', () => {
    expect(deployed().role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
  });
});

describe('SAM template: invocation and schedule', () => {
  it('lets Secrets Manager, acting for this account only, invoke the function', () => {
    const permission = deployed().resources.RotationFunctionPermission!;
    expect(permission.Type).toBe('AWS::Lambda::Permission');
    expect(permission.Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': ['RotationFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('schedules rotation of the secret every RotationDays, after the permission exists', () => {
    const schedule = deployed({ RotationDays: '7' }).resources.RotationSchedule!;
    expect(schedule.Type).toBe('AWS::SecretsManager::RotationSchedule');
    expect(schedule.DependsOn).toBe('RotationFunctionPermission');
    expect(schedule.Properties).toEqual({
      SecretId: SECRET_ARN,
      RotationLambdaARN: { 'Fn::GetAtt': ['RotationFunction', 'Arn'] },
      RotateImmediatelyOnUpdate: 'true',
      RotationRules: { AutomaticallyAfterDays: '7' },
    });
    const days = (template.Parameters as JsonObject).RotationDays as JsonObject;
    expect(days).toMatchObject({ Type: 'Number', Default: 30, MinValue: 1, MaxValue: 1000 });
  });
});

describe('SAM template: cfn-lint', () => {
  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  const available = !cfnLint.error && cfnLint.status === 0;
  if (!available) {
    console.warn(
      'SKIPPED: cfn-lint is not installed here, so the SAM template was not linted (pip install cfn-lint).',
    );
  }
  const lintIt = available ? it : it.skip;
  const lint = (path: string) =>
    spawnSync('cfn-lint', ['--format', 'parseable', '--', path], { encoding: 'utf8' });

  lintIt('passes cfn-lint (SAM transform included) with no error or warning', () => {
    const result = lint(TEMPLATE_PATH);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  lintIt('would catch a broken template (the check is live)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotation-kit-sam-'));
    try {
      const source = readFileSync(TEMPLATE_PATH, 'utf8');
      const broken = source.replace('Runtime: nodejs22.x', 'Runtime: nodejs99.x');
      expect(broken).not.toBe(source);
      const path = join(dir, 'template.yaml');
      writeFileSync(path, broken);
      const result = lint(path);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain('nodejs99.x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
