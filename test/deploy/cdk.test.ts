import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  Connections,
  InterfaceVpcEndpointAwsService,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, AssetCode, Code } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NO_ROUTE_WARNING, RotationFunction, templateCode, templateZipPath } from '../../src/cdk/index.js';
import type { RotationFunctionProps } from '../../src/cdk/index.js';
import { ConfigurationError } from '../../src/shared/errors.js';
import { cfnLint, cfnLintAvailable } from './support/cfn-lint.js';

// Synthesizing is the slow part: each stack below is built once and shared by its assertions.
const code = Code.fromInline('exports.handler = async () => {};');
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];
const VIA_SECRETS_MANAGER = {
  'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
};

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

function roleStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}
const actionsOf = (statement: Statement) => [statement.Action].flat();
const only = <T>(record: Record<string, T>): T => {
  const values = Object.values(record);
  expect(values).toHaveLength(1);
  return values[0]!;
};

/** A built-in template, one secret, every default. */
function defaultsStack() {
  const stack = new Stack(new App(), 'Defaults');
  const secret = new Secret(stack, 'Secret');
  const rotation = new RotationFunction(stack, 'Rotation', {
    code,
    template: 'postgres-single-user',
    secret,
  });
  return { stack, secret, rotation, template: Template.fromStack(stack) };
}

/**
 * One function of your own code for a fleet: three secrets (created, imported by name, imported by
 * ARN with an imported key), two superusers, three kinds of schedule, the service's passwords.
 */
function fleetStack() {
  const stack = new Stack(new App(), 'Fleet');
  const appKey = new Key(stack, 'AppKey');
  const masterKey = new Key(stack, 'MasterKey');
  const master = new Secret(stack, 'Master', { encryptionKey: masterKey });
  const otherMaster = Secret.fromSecretNameV2(stack, 'OtherMaster', 'prod/other-master');
  const app = new Secret(stack, 'App', { encryptionKey: appKey });
  const byName = Secret.fromSecretNameV2(stack, 'Reports', 'prod/reports');
  const importedKey = Key.fromKeyArn(stack, 'ImportedKey', 'arn:aws:kms:eu-west-1:123456789012:key/k-1');
  const byArn = Secret.fromSecretAttributes(stack, 'Billing', {
    secretCompleteArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/billing-AbCdEf',
    encryptionKey: importedKey,
  });
  const rotation = new RotationFunction(stack, 'Rotation', {
    code: Code.fromInline('exports.handler = async () => {};'),
    strategy: 'alternating-users',
    secret: app,
    masterSecret: master,
    automaticallyAfter: Duration.hours(12),
    passwordSource: 'secrets-manager',
    architecture: Architecture.X86_64,
    memorySize: 512,
    timeout: Duration.seconds(60),
    description: 'fleet rotation',
    logRetention: RetentionDays.ONE_MONTH,
  });
  const reports = rotation.addSecret(byName, {
    masterSecret: master,
    schedule: {
      scheduleExpression: 'cron(0 4 ? * SUN *)',
      window: Duration.hours(3),
      rotateImmediatelyOnUpdate: false,
    },
  });
  rotation.addSecret(byArn, { masterSecret: otherMaster });
  return { stack, rotation, reports, app, master, appKey, masterKey, template: Template.fromStack(stack) };
}

/** In isolated subnets: with an endpoint asked for, without one, and with one the VPC already has. */
function vpcStacks() {
  const isolatedVpc = (stack: Stack) =>
    new Vpc(stack, 'Vpc', {
      natGateways: 0,
      maxAzs: 2,
      subnetConfiguration: [{ name: 'db', subnetType: SubnetType.PRIVATE_ISOLATED }],
    });
  const make = (name: string, props: Partial<RotationFunctionProps>, addEndpoint = false) => {
    const stack = new Stack(new App(), name);
    const vpc = isolatedVpc(stack);
    const rotation = new RotationFunction(stack, 'Rotation', {
      code,
      template: 'postgres-single-user',
      secret: new Secret(stack, 'Secret'),
      vpc,
      ...props,
    });
    // Added after the construct: the check still sees it.
    if (addEndpoint)
      vpc.addInterfaceEndpoint('Sm', { service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    // The construct is connectable: the database's security group lets it in.
    const db = new Connections({
      securityGroups: [new SecurityGroup(stack, 'DbSg', { vpc })],
      defaultPort: Port.tcp(5432),
    });
    db.allowDefaultPortFrom(rotation, 'rotation');
    return { stack, rotation, template: Template.fromStack(stack) };
  };
  return {
    withEndpoint: make('WithEndpoint', { secretsManagerEndpoint: true }),
    noRoute: make('NoRoute', {}),
    vpcEndpoint: make('VpcEndpoint', {}, true),
  };
}

const defaults = defaultsStack();
const fleet = fleetStack();
const networked = vpcStacks();

describe('RotationFunction (CDK): a built-in template with the defaults', () => {
  const { stack, secret, rotation, template } = defaults;

  it('creates a nodejs22.x function, index.handler, arm64, 256 MB, 30 s, the library environment', () => {
    const fn = only(template.findResources('AWS::Lambda::Function')) as Resource;
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Description: 'rotation-kit postgres-single-user',
      Environment: {
        Variables: { NODE_OPTIONS: '--enable-source-maps', ROTATION_KIT_PASSWORD_SOURCE: 'function' },
      },
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^RotationLogs/) } },
    });
    expect(fn.Properties).not.toHaveProperty('VpcConfig');
  });

  it('logs to its own log group, kept 90 days', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('grants the rotation actions on the one secret and nothing on * (passwords come from the function)', () => {
    expect(roleStatements(template)).toEqual([
      { Effect: 'Allow', Action: ROTATION_ACTIONS, Resource: stack.resolve(secret.secretArn) },
    ]);
  });

  it('lets Secrets Manager invoke the function for this account only, once', () => {
    expect(only(template.findResources('AWS::Lambda::Permission'))).toEqual({
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^RotationFunction/), 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    });
  });

  it('schedules rotation every 30 days, rotating on creation, after the invoke permission exists', () => {
    const schedule = only(template.findResources('AWS::SecretsManager::RotationSchedule')) as Resource;
    expect(schedule.Properties).toEqual({
      SecretId: { Ref: expect.stringMatching(/^Secret/) },
      RotationLambdaARN: { 'Fn::GetAtt': [expect.stringMatching(/^RotationFunction/), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: true,
    });
    expect(schedule.DependsOn).toEqual([expect.stringMatching(/^RotationFunctionInvokedBySecretsManager/)]);
    expect(stack.resolve(rotation.rotationSchedule!.logicalId)).toMatch(/^RotationScheduleDefaultsSecret/);
  });
});

describe('RotationFunction (CDK): one function of your own code for many secrets', () => {
  const { stack, reports, app, master, appKey, masterKey, template } = fleet;
  const statements = roleStatements(template);

  it('runs the given code with the given memory, timeout, architecture, description and log retention', () => {
    const fn = only(template.findResources('AWS::Lambda::Function')) as Resource;
    expect(fn.Properties).toMatchObject({
      Code: { ZipFile: 'exports.handler = async () => {};' },
      Handler: 'index.handler',
      Architectures: ['x86_64'],
      MemorySize: 512,
      Timeout: 60,
      Description: 'fleet rotation',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('grants the rotation actions on exactly its three secrets, in one statement', () => {
    const rotate = statements.filter((s) => actionsOf(s).includes('secretsmanager:PutSecretValue'));
    expect(rotate).toEqual([{ Effect: 'Allow', Action: ROTATION_ACTIONS, Resource: expect.any(Array) }]);
    const [created, byName, byArn, ...more] = rotate[0]!.Resource as unknown[];
    expect(more).toEqual([]);
    expect(created).toEqual(stack.resolve(app.secretArn));
    // Imported by name: the random suffix is matched.
    expect(JSON.stringify(byName)).toContain(':secret:prod/reports-??????');
    expect(byArn).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/billing-AbCdEf');
    // No UpdateSecret (grantWrite's), no wildcard action.
    for (const action of statements.flatMap(actionsOf)) {
      expect(action).not.toBe('secretsmanager:UpdateSecret');
      expect(action).not.toContain('*');
    }
  });

  it('reads each superuser secret with GetSecretValue only, once however many secrets name it', () => {
    const reads = statements.filter((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(reads).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: expect.any(Array) },
    ]);
    const resources = reads[0]!.Resource as unknown[];
    expect(resources).toHaveLength(2);
    expect(resources[0]).toEqual(stack.resolve(master.secretArn));
    expect(JSON.stringify(resources[1])).toContain(':secret:prod/other-master-??????');
  });

  it('uses each KMS key through Secrets Manager only, for the secrets it encrypts (the imported key too)', () => {
    const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: stack.resolve(appKey.keyArn),
        Condition: {
          StringEquals: VIA_SECRETS_MANAGER,
          StringLike: { 'kms:EncryptionContext:SecretARN': [stack.resolve(app.secretArn)] },
        },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: stack.resolve(masterKey.keyArn),
        Condition: {
          StringEquals: VIA_SECRETS_MANAGER,
          StringLike: { 'kms:EncryptionContext:SecretARN': [stack.resolve(master.secretArn)] },
        },
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/k-1',
        Condition: {
          StringEquals: VIA_SECRETS_MANAGER,
          StringLike: {
            'kms:EncryptionContext:SecretARN': [
              'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/billing-AbCdEf',
            ],
          },
        },
      },
    ]);
  });

  it("grants GetRandomPassword on * (the action takes no resource) only because passwordSource is 'secrets-manager'", () => {
    const onStar = statements.filter((s) => s.Resource === '*');
    expect(onStar).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' }]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ROTATION_KIT_PASSWORD_SOURCE: 'secrets-manager' }) },
    });
  });

  it('adds one schedule per secret, each its own rules, with one invoke permission for all', () => {
    const schedules = Object.values(
      template.findResources('AWS::SecretsManager::RotationSchedule'),
    ) as Resource[];
    expect(
      schedules.map((s) => [s.Properties.RotationRules, s.Properties.RotateImmediatelyOnUpdate]),
    ).toEqual([
      [{ ScheduleExpression: 'rate(12 hours)' }, true],
      [{ ScheduleExpression: 'cron(0 4 ? * SUN *)', Duration: '3h' }, false],
      [{ ScheduleExpression: 'rate(30 days)' }, true],
    ]);
    expect(schedules[2]!.Properties.SecretId).toBe(
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/billing-AbCdEf',
    );
    for (const schedule of schedules) {
      expect(schedule.DependsOn).toEqual([expect.stringMatching(/^RotationFunctionInvokedBySecretsManager/)]);
    }
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(stack.resolve(reports.logicalId)).toMatch(/^RotationScheduleFleetReports/);
  });
});

describe('RotationFunction (CDK): single user with a superuser secret', () => {
  const stack = new Stack(new App(), 'SingleUser');
  const master = new Secret(stack, 'Master');
  const byTemplate = new RotationFunction(stack, 'Fallback', {
    code,
    template: 'mysql-single-user',
    secret: new Secret(stack, 'A'),
    masterSecret: master,
  });
  new RotationFunction(stack, 'BySuperuser', {
    code,
    strategy: 'single-user',
    changedBy: 'superuser',
    secret: new Secret(stack, 'B'),
    masterSecret: master,
  });
  const template = Template.fromStack(stack);

  it('grants GetSecretValue on the superuser secret only, for the fallback and for changedBy superuser', () => {
    for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
      const statements = (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
        .PolicyDocument.Statement;
      const onMaster = statements.filter((s) => JSON.stringify(s.Resource).includes('"Master'));
      expect([id, onMaster]).toEqual([
        id,
        [
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: stack.resolve(master.secretArn),
          },
        ],
      ]);
    }
    expect(byTemplate.lambdaFunction).toBeDefined();
  });
});

describe('RotationFunction (CDK): networking', () => {
  const { withEndpoint, noRoute, vpcEndpoint } = networked;

  it('is connectable: a database security group can let it in', () => {
    const { template } = noRoute;
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbSg'), 'GroupId'] },
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^RotationFunctionSecurityGroup'), 'GroupId'],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^VpcdbSubnet') }]) },
    });
  });

  it('warns at synth when its isolated subnets have no way to Secrets Manager', () => {
    Annotations.fromStack(noRoute.stack).hasWarning(
      '/NoRoute/Rotation',
      Match.stringLikeRegexp(`isolated subnets.*will time out.*${NO_ROUTE_WARNING}`),
    );
  });

  it('adds an interface endpoint with private DNS, open to the function only, when asked (and does not warn)', () => {
    const { template } = withEndpoint;
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^RotationSecretsManagerEndpointSecurityGroup'), 'GroupId'],
      },
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^RotationFunctionSecurityGroup'), 'GroupId'],
      },
      FromPort: 443,
    });
    const endpointGroup = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).find(([id]) =>
      id.startsWith('RotationSecretsManagerEndpointSecurityGroup'),
    )![1] as Resource;
    expect(endpointGroup.Properties.SecurityGroupIngress).toBeUndefined();
    Annotations.fromStack(withEndpoint.stack).hasNoWarning('*', Match.stringLikeRegexp('Secrets Manager'));
  });

  it('does not warn when the VPC has a Secrets Manager endpoint of its own', () => {
    Annotations.fromStack(vpcEndpoint.stack).hasNoWarning('*', Match.stringLikeRegexp('Secrets Manager'));
  });
});

describe('RotationFunction (CDK): cfn-lint on the synthesized stacks', () => {
  const available = cfnLintAvailable('the synthesized CDK stacks');
  (available ? it : it.skip)('passes with no error or warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotation-kit-cdk-lint-'));
    try {
      const paths = [defaults, fleet, ...Object.values(networked)].map(({ stack, template }) => {
        const path = join(dir, `${stack.stackName}.json`);
        writeFileSync(path, JSON.stringify(template.toJSON()));
        return path;
      });
      // W3005: CDK's Function always adds DependsOn its role next to the GetAtt (so the role's policy
      // exists before the function); that is CDK's, not the construct's.
      const result = cfnLint(paths, ['W3005']);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RotationFunction (CDK): refuses invalid props with a ConfigurationError naming the prop', () => {
  const cases: [string, (stack: Stack) => RotationFunctionProps, string][] = [
    ['an unknown template', (s) => ({ template: 'oracle' as never, secret: new Secret(s, 'S') }), 'template'],
    ['neither template nor code', (s) => ({ code: undefined, secret: new Secret(s, 'S') }), 'template'],
    ['own code without a strategy', (s) => ({ secret: new Secret(s, 'S') }), 'strategy'],
    [
      'a strategy that contradicts the template',
      (s) => ({ template: 'mysql-single-user', strategy: 'alternating-users', secret: new Secret(s, 'S') }),
      'strategy',
    ],
    [
      "changedBy 'superuser' with a built-in template",
      (s) => ({
        template: 'mysql-single-user',
        changedBy: 'superuser',
        secret: new Secret(s, 'S'),
        masterSecret: new Secret(s, 'M'),
      }),
      'changedBy',
    ],
    [
      'alternating users without masterSecret',
      (s) => ({ template: 'mysql-multi-user', secret: new Secret(s, 'S') }),
      'masterSecret',
    ],
    [
      "changedBy 'superuser' without masterSecret",
      (s) => ({ strategy: 'single-user', changedBy: 'superuser', secret: new Secret(s, 'S') }),
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
      'an unknown passwordSource',
      (s) => ({
        template: 'postgres-single-user',
        secret: new Secret(s, 'S'),
        passwordSource: 'kms' as never,
      }),
      'passwordSource',
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
    [
      'an endpoint to add without a vpc',
      (s) => ({ template: 'postgres-single-user', secret: new Secret(s, 'S'), secretsManagerEndpoint: true }),
      'secretsManagerEndpoint',
    ],
    [
      'logRetention with a logGroup of yours',
      (s) => ({
        template: 'postgres-single-user',
        secret: new Secret(s, 'S'),
        logGroup: new LogGroup(s, 'L'),
        logRetention: RetentionDays.ONE_DAY,
      }),
      'logRetention',
    ],
    [
      'a rate under 4 hours',
      (s) => ({
        template: 'postgres-single-user',
        secret: new Secret(s, 'S'),
        automaticallyAfter: Duration.hours(3),
      }),
      'automaticallyAfter',
    ],
    [
      'a cron every 2 hours',
      (s) => ({
        template: 'postgres-single-user',
        secret: new Secret(s, 'S'),
        scheduleExpression: 'cron(0 */2 * * ? *)',
      }),
      'scheduleExpression',
    ],
    [
      'a window longer than the interval',
      (s) => ({
        template: 'postgres-single-user',
        secret: new Secret(s, 'S'),
        scheduleExpression: 'rate(6 hours)',
        window: Duration.hours(7),
      }),
      'window',
    ],
  ];
  it.each(cases)('%s', (_name, props, setting) => {
    const build = () => {
      const stack = new Stack(new App(), 'Stack');
      return new RotationFunction(stack, 'Rotation', { code, ...props(stack) });
    };
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(`Setting "${setting}"`);
  });

  it('names the schedule prop of addSecret, and refuses a secret added twice', () => {
    const stack = new Stack(new App(), 'Stack');
    const secret: ISecret = new Secret(stack, 'S');
    const rotation = new RotationFunction(stack, 'Rotation', {
      code,
      template: 'postgres-single-user',
      secret,
    });
    const other = new Secret(stack, 'T');
    expect(() =>
      rotation.addSecret(other, {
        schedule: { scheduleExpression: 'cron(0 22 * * ? *)', window: Duration.hours(4) },
      }),
    ).toThrow(
      'Setting "schedule.window" is invalid: expected at most 2 hours: a window opening at 22:00 must close by midnight UTC',
    );
    expect(() => rotation.addSecret(secret)).toThrow('Setting "secret"');
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
