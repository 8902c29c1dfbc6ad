import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { AssetCode, Code } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { RotationFunction, templateCode, templateZipPath } from '../../src/cdk/index.js';
import type { RotationFunctionProps } from '../../src/cdk/index.js';
import { ConfigurationError } from '../../src/shared/errors.js';

const code = Code.fromInline('exports.handler = async () => {};');

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

function synth(props: (stack: Stack) => Omit<RotationFunctionProps, 'code'> & { code?: Code }) {
  const stack = new Stack(new App(), 'Stack');
  const construct = new RotationFunction(stack, 'Rotation', { code, ...props(stack) });
  return { stack, construct, template: Template.fromStack(stack) };
}

function roleStatements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('RotationFunction (CDK)', () => {
  it('creates a nodejs22.x function with handler index.handler and the library environment', () => {
    const { template } = synth((stack) => ({
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
    }));
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Timeout: 30,
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  it('passes password length, excluded characters and the endpoint to the handler', () => {
    const { template } = synth((stack) => ({
      template: 'mysql-single-user',
      secret: new Secret(stack, 'Secret'),
      passwordLength: 40,
      excludeCharacters: '',
      secretsManagerEndpoint: 'https://secretsmanager.eu-west-1.amazonaws.com',
    }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          PASSWORD_LENGTH: '40',
          EXCLUDE_CHARACTERS: '',
          SECRETS_MANAGER_ENDPOINT: 'https://secretsmanager.eu-west-1.amazonaws.com',
        },
      },
    });
  });

  it('leaves NODE_OPTIONS unset when source maps are turned off', () => {
    const { template } = synth((stack) => ({
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
      enableSourceMaps: false,
    }));
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: object };
    expect(JSON.stringify(fn.Properties)).not.toContain('NODE_OPTIONS');
  });

  it('grants exactly the rotation actions on the one secret and GetRandomPassword on *', () => {
    let secret: ISecret | undefined;
    const { stack, template } = synth((stack) => {
      secret = new Secret(stack, 'Secret');
      return { template: 'postgres-single-user', secret };
    });
    const statements = roleStatements(template);
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: stack.resolve(secret!.secretArn),
        },
        { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
      ]),
    );
    // No UpdateSecret (grantWrite's), no wildcard actions.
    for (const action of statements.flatMap(actionsOf)) {
      expect(action).not.toBe('secretsmanager:UpdateSecret');
      expect(action).not.toContain('*');
    }
  });

  it('lets Secrets Manager invoke the function for this account only, once', () => {
    const { template } = synth((stack) => ({
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
    }));
    const permissions = template.findResources('AWS::Lambda::Permission');
    expect(Object.values(permissions)).toEqual([
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^RotationFunction/), 'Arn'] },
          Principal: 'secretsmanager.amazonaws.com',
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      },
    ]);
  });

  it('schedules rotation every 30 days by default, or as asked, and exposes the schedule', () => {
    const defaults = synth((stack) => ({
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
    }));
    defaults.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^Secret') },
      RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationFunction'), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: true,
    });
    expect(defaults.construct.rotationSchedule.node.path).toBe('Stack/Secret/RotationSchedule');

    const weekly = synth((stack) => ({
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
      automaticallyAfter: Duration.days(7),
      rotateImmediatelyOnUpdate: false,
    }));
    weekly.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });

  it('reads the master secret with GetSecretValue only, for multi-user templates', () => {
    const { template } = synth((stack) => ({
      template: 'postgres-multi-user',
      secret: new Secret(stack, 'Secret'),
      masterSecret: new Secret(stack, 'Master'),
    }));
    const onMaster = roleStatements(template).filter((s) => JSON.stringify(s.Resource).includes('"Master'));
    expect(onMaster).toEqual([
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: expect.stringMatching(/^Master/) },
      },
    ]);
  });

  it('matches the random suffix of a master secret imported by name', () => {
    const { template } = synth((stack) => ({
      template: 'mysql-multi-user',
      secret: new Secret(stack, 'Secret'),
      masterSecret: Secret.fromSecretNameV2(stack, 'Master', 'prod/master'),
    }));
    const master = roleStatements(template).filter((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(JSON.stringify(master)).toContain(':secret:prod/master-??????');
  });

  it("lets the function use the secrets' KMS keys through Secrets Manager only", () => {
    const { template } = synth((stack) => ({
      template: 'postgres-multi-user',
      secret: new Secret(stack, 'Secret', { encryptionKey: new Key(stack, 'SecretKey') }),
      masterSecret: new Secret(stack, 'Master', { encryptionKey: new Key(stack, 'MasterKey') }),
    }));
    // Keys in the same stack take the grant in their key policy, naming the function's role.
    const grantsToFunction = (keyPrefix: string) => {
      const [key] = Object.entries(template.findResources('AWS::KMS::Key')).filter(([id]) =>
        id.startsWith(keyPrefix),
      );
      const statements = (
        key![1] as { Properties: { KeyPolicy: { Statement: (Statement & { Principal: unknown })[] } } }
      ).Properties.KeyPolicy.Statement;
      return statements.filter((s) => JSON.stringify(s.Principal).includes('RotationFunctionServiceRole'));
    };
    const viaSecretsManager = {
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      },
    };
    // The rotated secret: read and write new versions.
    expect(grantsToFunction('SecretKey')).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
        Condition: viaSecretsManager,
      }),
    ]);
    // The master secret: read only.
    expect(grantsToFunction('MasterKey')).toEqual([
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: viaSecretsManager }),
    ]);
  });

  it('runs in the VPC subnets with the given security groups when a vpc is given', () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = new Vpc(stack, 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'db', subnetType: SubnetType.PRIVATE_ISOLATED }],
    });
    const rotation = new RotationFunction(stack, 'Rotation', {
      code,
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      securityGroups: [new SecurityGroup(stack, 'RotationSg', { vpc })],
    });
    // The construct is connectable, so the database's security group can let it in.
    new SecurityGroup(stack, 'DbSg', { vpc }).connections.allowFrom(rotation, Port.tcp(5432));

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^VpcdbSubnet') }]),
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSg'), 'GroupId'] }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
            ],
          ],
        },
      ]),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbSg'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSg'), 'GroupId'] },
      FromPort: 5432,
    });
  });

  it('stays out of any VPC and its permissions without a vpc', () => {
    const { template } = synth((stack) => ({
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
    }));
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: object };
    expect(fn.Properties).not.toHaveProperty('VpcConfig');
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain(
      'AWSLambdaVPCAccessExecutionRole',
    );
  });

  describe('refuses invalid props with a ConfigurationError naming the prop', () => {
    const cases: [string, (stack: Stack) => Omit<RotationFunctionProps, 'code'>, string][] = [
      [
        'an unknown template',
        (s) => ({ template: 'oracle' as never, secret: new Secret(s, 'S') }),
        'template',
      ],
      [
        'a multi-user template without masterSecret',
        (s) => ({ template: 'mysql-multi-user', secret: new Secret(s, 'S') }),
        'masterSecret',
      ],
      [
        'a single-user template with a masterSecret',
        (s) => ({
          template: 'mysql-single-user',
          secret: new Secret(s, 'S'),
          masterSecret: new Secret(s, 'M'),
        }),
        'masterSecret',
      ],
      [
        'passwordLength 0',
        (s) => ({ template: 'postgres-single-user', secret: new Secret(s, 'S'), passwordLength: 0 }),
        'passwordLength',
      ],
      [
        'passwordLength 4097',
        (s) => ({ template: 'postgres-single-user', secret: new Secret(s, 'S'), passwordLength: 4097 }),
        'passwordLength',
      ],
      [
        'subnets without a vpc',
        (s) => ({
          template: 'postgres-single-user',
          secret: new Secret(s, 'S'),
          vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
        }),
        'vpc',
      ],
    ];
    it.each(cases)('%s', (_name, props, setting) => {
      const attempt = () => {
        const stack = new Stack(new App(), 'Stack');
        return new RotationFunction(stack, 'Rotation', { code, ...props(stack) });
      };
      expect(attempt).toThrow(ConfigurationError);
      expect(attempt).toThrow(`Setting "${setting}"`);
    });
  });
});

describe('default code: the built template zip', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rotation-kit-cdk-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('points at dist/templates/<template>.zip of the package', () => {
    expect(templateZipPath('mysql-multi-user', root)).toBe(
      join(root, 'dist', 'templates', 'mysql-multi-user.zip'),
    );
    expect(templateZipPath('postgres-single-user')).toBe(
      join(__dirname, '..', '..', 'dist', 'templates', 'postgres-single-user.zip'),
    );
  });

  it('uses the zip as a file asset when it was built', () => {
    mkdirSync(join(root, 'dist', 'templates'), { recursive: true });
    writeFileSync(join(root, 'dist', 'templates', 'postgres-single-user.zip'), 'zip');
    const asset = templateCode('postgres-single-user', root);
    expect(asset).toBeInstanceOf(AssetCode);
    expect((asset as AssetCode).path).toBe(join(root, 'dist', 'templates', 'postgres-single-user.zip'));
  });

  it('says how to build the zip when it is missing', () => {
    expect(() => templateCode('postgres-single-user', root)).toThrow(ConfigurationError);
    expect(() => templateCode('postgres-single-user', root)).toThrow('npm run build:templates');
  });
});
