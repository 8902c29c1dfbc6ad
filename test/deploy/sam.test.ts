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
  SecretArns: SECRET_ARN,
};
const OTHER_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/reports-GhIjKl';

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
      Variables: { NODE_OPTIONS: '--enable-source-maps', ROTATION_KIT_PASSWORD_SOURCE: 'function' },
    });
    expect(deployed({ EnableSourceMaps: 'false' }).fn.Properties.Environment).toEqual({
      Variables: { ROTATION_KIT_PASSWORD_SOURCE: 'function' },
    });
    const tuned = deployed({
      PasswordLength: '48',
      ExcludeCharacters: '/@"',
      SecretsManagerEndpoint: 'https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com',
    });
    expect(tuned.fn.Properties.Environment).toEqual({
      Variables: {
        ROTATION_KIT_PASSWORD_SOURCE: 'function',
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
      ((template.Parameters as JsonObject).SecretArns as JsonObject).AllowedPattern as string,
    );
    expect(pattern.test(SECRET_ARN)).toBe(true);
    expect(pattern.test('arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db')).toBe(false);
    expect(pattern.test('app/db-AbCdEf')).toBe(false);
  });
});

describe('SAM template: least privilege', () => {
  it('grants the four rotation actions on the one secret, nothing on * and nothing else by default', () => {
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
        Resource: [SECRET_ARN],
      }),
    ]);
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
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
      MasterSecretArns: MASTER_ARN,
      KmsKeyArns: 'arn:aws:kms:eu-west-1:123456789012:key/k1',
      PasswordSource: 'secrets-manager',
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

  it("allows GetRandomPassword on * (it takes no resource) only when PasswordSource is 'secrets-manager'", () => {
    expect(statementWith(deployed().statements, 'secretsmanager:GetRandomPassword')).toEqual([]);
    const service = deployed({ PasswordSource: 'secrets-manager' });
    expect(statementWith(service.statements, 'secretsmanager:GetRandomPassword')).toEqual([
      {
        Sid: 'GeneratePasswords',
        Effect: 'Allow',
        Action: 'secretsmanager:GetRandomPassword',
        Resource: '*',
      },
    ]);
    expect(service.fn.Properties.Environment).toMatchObject({
      Variables: { ROTATION_KIT_PASSWORD_SOURCE: 'secrets-manager' },
    });
    const source = (template.Parameters as JsonObject).PasswordSource as JsonObject;
    expect(source).toMatchObject({ Default: 'function', AllowedValues: ['function', 'secrets-manager'] });
  });

  it('names exactly the listed secrets, however many', () => {
    const { statements } = deployed({ SecretArns: `${SECRET_ARN},${OTHER_ARN}` });
    expect(statementWith(statements, 'secretsmanager:PutSecretValue')).toEqual([
      expect.objectContaining({ Resource: [SECRET_ARN, OTHER_ARN] }),
    ]);
  });

  it('reads the master secret (GetSecretValue only) just when MasterSecretArns is given', () => {
    expect(statementWith(deployed().statements, 'secretsmanager:GetSecretValue')).toHaveLength(1);
    const multi = statementWith(
      deployed({ MasterSecretArns: MASTER_ARN }).statements,
      'secretsmanager:GetSecretValue',
    );
    expect(multi).toHaveLength(2);
    expect(multi[1]).toMatchObject({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: [MASTER_ARN],
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
      deployed({ KmsKeyArns: keys, MasterSecretArns: MASTER_ARN }).statements,
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

  it('schedules each listed secret, on the expression and window given, after the permission exists', () => {
    const { resources } = deployed({
      SecretArns: `${SECRET_ARN},${OTHER_ARN}`,
      ScheduleExpression: 'cron(0 4 ? * SUN *)',
      RotationWindow: '3h',
      RotateImmediately: 'false',
    });
    const schedules = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::SecretsManager::RotationSchedule',
    );
    expect(schedules.map(([id]) => id)).toEqual([
      'RotationSchedulearnawssecretsmanagereuwest1123456789012secretappdbAbCdEf',
      'RotationSchedulearnawssecretsmanagereuwest1123456789012secretappreportsGhIjKl',
    ]);
    for (const [[, schedule], arn] of schedules.map(
      (entry, i) => [entry, [SECRET_ARN, OTHER_ARN][i]] as const,
    )) {
      expect(schedule.DependsOn).toBe('RotationFunctionPermission');
      expect(schedule.Properties).toEqual({
        SecretId: arn,
        RotationLambdaARN: { 'Fn::GetAtt': ['RotationFunction', 'Arn'] },
        RotateImmediatelyOnUpdate: 'false',
        RotationRules: { ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '3h' },
      });
    }
    const defaults = Object.values(deployed().resources).filter(
      (r) => r.Type === 'AWS::SecretsManager::RotationSchedule',
    );
    expect(defaults.map((r) => r.Properties.RotationRules)).toEqual([
      { ScheduleExpression: 'rate(30 days)' },
    ]);
  });

  it('accepts the schedule expressions and windows Secrets Manager takes, and refuses the others', () => {
    const parameter = (name: string) =>
      new RegExp(((template.Parameters as JsonObject)[name] as JsonObject).AllowedPattern as string);
    const expression = parameter('ScheduleExpression');
    for (const ok of [
      'rate(4 hours)',
      'rate(12 hours)',
      'rate(1 day)',
      'rate(999 days)',
      'cron(0 4 ? * SUN *)',
    ]) {
      expect([ok, expression.test(ok)]).toEqual([ok, true]);
    }
    for (const bad of [
      'rate(3 hours)',
      'rate(1000 days)',
      'rate(5 minutes)',
      'cron(30 4 ? * SUN *)',
      'cron(0 4 ? * SUN 2027)',
    ]) {
      expect([bad, expression.test(bad)]).toEqual([bad, false]);
    }
    const window = parameter('RotationWindow');
    expect(['', '1h', '24h'].every((w) => window.test(w))).toBe(true);
    expect(['0h', '25h', '90m', '3'].some((w) => window.test(w))).toBe(false);
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
