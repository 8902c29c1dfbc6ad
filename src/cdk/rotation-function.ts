import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import type { Connections, IConnectable, ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IGrantable, IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { CfnPermission, Code } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ConfigurationError } from '../shared/errors.js';
import { addSecretsManagerEndpoint, warnWithoutRouteToSecretsManager } from './network.js';
import { rotationRulesOf } from './schedule.js';
import type { RotationScheduleOptions } from './schedule.js';
import { SecretGrants } from './secret-grants.js';
import { functionRoleOf } from './strategy.js';
import type { ChangedBy, FunctionRole, RotationStrategyName } from './strategy.js';
import { templateCode } from './template-code.js';
import type { RotationTemplateName } from './template-code.js';

const SECRETS_MANAGER_PRINCIPAL = 'secretsmanager.amazonaws.com';

/** Where new passwords come from (`ROTATION_KIT_PASSWORD_SOURCE`). */
type PasswordSource = 'function' | 'secrets-manager';

interface RotationFunctionProps extends RotationScheduleOptions {
  /**
   * A built-in rotation template; its zip is the code unless `code` is given. Either `template` or
   * `code` with `strategy`.
   */
  readonly template?: RotationTemplateName;
  /**
   * The function's code: any `lambda.Code`, e.g. `Code.fromAsset(dir)` of your own bundle exporting
   * `handler` from `index.js`. @default - the built zip `dist/templates/<template>.zip` of this package
   */
  readonly code?: Code;
  /**
   * The strategy the code runs, so IAM follows from it. Implied by `template`; required with your own
   * `code`. `alternating-users` needs each secret's `masterSecret`.
   */
  readonly strategy?: RotationStrategyName;
  /**
   * Single user: who changes the password. `'superuser'` (your own code, `singleUser({ changedBy:
   * 'superuser' })`) needs each secret's `masterSecret`. @default 'self'
   */
  readonly changedBy?: ChangedBy;
  /**
   * A secret to rotate, scheduled by this construct's schedule props. More with `addSecret`.
   * @default - none yet
   */
  readonly secret?: ISecret;
  /**
   * The superuser secret that `secret`'s `masterarn` key names: granted `GetSecretValue` only.
   * Required by `alternating-users` and `changedBy: 'superuser'`; for single user, it is the fallback
   * when the user's own passwords no longer log in.
   */
  readonly masterSecret?: ISecret;
  /** The VPC to run in when the database is only reachable there. @default - not in a VPC */
  readonly vpc?: IVpc;
  /** Subnets within `vpc`. @default - the VPC's default selection (private subnets) */
  readonly vpcSubnets?: SubnetSelection;
  /** Security groups within `vpc`. @default - a new security group */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * How the function in a VPC reaches Secrets Manager. `true`: add an interface VPC endpoint (private
   * DNS) in its subnets, open to the function only. A URL: use that endpoint
   * (`SECRETS_MANAGER_ENDPOINT`). @default - the regional endpoint (through a NAT route in a VPC;
   * a warning at synth when the subnets are isolated and the stack has no endpoint)
   */
  readonly secretsManagerEndpoint?: true | string;
  /** Length of new passwords, 1-4096 (`PASSWORD_LENGTH`). @default - the library default, 32 */
  readonly passwordLength?: number;
  /** Characters new passwords never contain (`EXCLUDE_CHARACTERS`). @default - the library default, `/@"'\` */
  readonly excludeCharacters?: string;
  /**
   * Where new passwords come from: generated in the function, or the service's GetRandomPassword
   * (the one permission on `*`, granted only then). @default 'function'
   */
  readonly passwordSource?: PasswordSource;
  /** The bundles are pure JavaScript, so either works. @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default - `rotation-kit <template>`, or `rotation-kit <strategy> rotation` for your own code */
  readonly description?: string;
  /**
   * Stack traces in the logs point at the TypeScript sources (`NODE_OPTIONS=--enable-source-maps`);
   * costs some cold-start time. @default true
   */
  readonly enableSourceMaps?: boolean;
  /** How long the function's own log group keeps logs. Not with `logGroup`. @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** A log group of yours instead of the construct's. @default - a new log group kept 3 months */
  readonly logGroup?: ILogGroup;
}

/** A secret to rotate with the function (`addSecret`). */
interface AddSecretOptions {
  /** When it rotates. @default - every 30 days, rotating once on creation */
  readonly schedule?: RotationScheduleOptions;
  /** The superuser secret its `masterarn` names (see `RotationFunctionProps.masterSecret`). */
  readonly masterSecret?: ISecret;
}

/**
 * A rotation-kit rotation function for one or many secrets: a nodejs22.x Lambda running a built-in
 * template or your own code; for each secret a rotation schedule and exactly the permissions rotation
 * needs (the four rotation actions on it, its KMS key through Secrets Manager, `GetSecretValue` on its
 * superuser secret); one invoke permission for Secrets Manager limited to this account.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { RotationFunction } from 'rotation-kit/cdk';
 *
 * const rotation = new RotationFunction(this, 'Rotation', {
 *   template: 'postgres-single-user',
 *   secret: database.secret!,
 *   scheduleExpression: 'cron(0 4 ? * SUN *)',
 *   window: Duration.hours(2),
 *   vpc,
 *   secretsManagerEndpoint: true,
 * });
 * rotation.addSecret(reportingUserSecret, { schedule: { automaticallyAfter: Duration.days(7) } });
 * database.connections.allowDefaultPortFrom(rotation);
 */
class RotationFunction extends Construct implements IGrantable, IConnectable {
  /** The Lambda function. */
  readonly lambdaFunction: LambdaFunction;
  /** The schedule of `props.secret`, when given. */
  readonly rotationSchedule?: CfnRotationSchedule;
  private readonly role: FunctionRole;
  private readonly grants: SecretGrants;
  private readonly invokePermission: CfnPermission;
  private readonly secrets = new Set<ISecret>();

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    super(scope, id);
    this.role = functionRoleOf(props);
    validateProps(props);

    this.lambdaFunction = new LambdaFunction(this, 'Function', {
      description: props.description ?? descriptionOf(props, this.role),
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: props.code ?? templateCode(props.template!),
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: environmentOf(props),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      logGroup:
        props.logGroup ??
        new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.THREE_MONTHS }),
    });

    this.grants = new SecretGrants(this.lambdaFunction, Stack.of(this).region);
    if ((props.passwordSource ?? 'function') === 'secrets-manager') {
      // GetRandomPassword names no resource: the only statement on *, so only when asked for.
      this.lambdaFunction.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] }),
      );
    }
    // Only Secrets Manager acting for this account may invoke it (the confused-deputy guard).
    this.lambdaFunction.addPermission('InvokedBySecretsManager', {
      principal: new ServicePrincipal(SECRETS_MANAGER_PRINCIPAL),
      sourceAccount: Stack.of(this).account,
    });
    this.invokePermission = this.lambdaFunction.node.findChild('InvokedBySecretsManager') as CfnPermission;

    if (props.vpc && props.secretsManagerEndpoint === true) {
      addSecretsManagerEndpoint(this, props.vpc, props.vpcSubnets, this.lambdaFunction);
    } else if (props.vpc && props.secretsManagerEndpoint === undefined) {
      warnWithoutRouteToSecretsManager(this, props.vpc, props.vpcSubnets);
    }

    if (props.secret) {
      this.rotationSchedule = this.scheduleRotation(props.secret, props, props.masterSecret, '');
    } else if (props.masterSecret) {
      throw new ConfigurationError(
        'masterSecret',
        'a secret to go with it (or addSecret(secret, { masterSecret }))',
      );
    }
  }

  /**
   * Rotates one more secret with this function: its own rotation schedule, and permissions on it
   * (and its KMS key and superuser secret) added to the function's role.
   */
  addSecret(secret: ISecret, options: AddSecretOptions = {}): CfnRotationSchedule {
    return this.scheduleRotation(secret, options.schedule ?? {}, options.masterSecret, 'schedule.');
  }

  /** The function's role, to grant it more. */
  get grantPrincipal(): IPrincipal {
    return this.lambdaFunction.grantPrincipal;
  }

  /** The function's network connections (only when it runs in a VPC). */
  get connections(): Connections {
    return this.lambdaFunction.connections;
  }

  private scheduleRotation(
    secret: ISecret,
    schedule: RotationScheduleOptions,
    masterSecret: ISecret | undefined,
    prefix: string,
  ): CfnRotationSchedule {
    if (this.secrets.has(secret)) {
      throw new ConfigurationError('secret', 'a secret this function does not rotate yet');
    }
    if (this.role.masterSecret === 'required' && !masterSecret) {
      const why = this.role.strategy === 'alternating-users' ? 'alternating-users' : "changedBy: 'superuser'";
      throw new ConfigurationError('masterSecret', `the superuser secret (${why} needs it)`);
    }
    const rules = rotationRulesOf(schedule, prefix);
    this.secrets.add(secret);
    this.grants.addRotatedSecret(secret);
    if (masterSecret) this.grants.addMasterSecret(masterSecret);
    // Named after the secret, not the order of calls: a schedule replaced by another logical ID
    // would be deleted after its replacement is created, cancelling rotation of the secret.
    const resource = new CfnRotationSchedule(this, `Schedule${Names.nodeUniqueId(secret.node)}`, {
      secretId: secret.secretArn,
      rotationLambdaArn: this.lambdaFunction.functionArn,
      rotationRules: rules.rotationRules,
      rotateImmediatelyOnUpdate: rules.rotateImmediatelyOnUpdate,
    });
    // Secrets Manager checks that it may invoke the function when the schedule is created.
    resource.addDependency(this.invokePermission);
    return resource;
  }
}

function validateProps(props: RotationFunctionProps): void {
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    throw new ConfigurationError('vpc', 'a VPC when vpcSubnets or securityGroups are given');
  }
  if (!props.vpc && props.secretsManagerEndpoint === true) {
    throw new ConfigurationError(
      'secretsManagerEndpoint',
      'a URL, or true only with a vpc (the endpoint goes in it)',
    );
  }
  const endpoint = props.secretsManagerEndpoint;
  if (
    endpoint !== undefined &&
    endpoint !== true &&
    (typeof endpoint !== 'string' || endpoint.length === 0)
  ) {
    throw new ConfigurationError('secretsManagerEndpoint', 'true or an endpoint URL');
  }
  if (props.logGroup && props.logRetention !== undefined) {
    throw new ConfigurationError('logRetention', 'nothing with logGroup (set retention on your log group)');
  }
  const source = props.passwordSource;
  if (source !== undefined && source !== 'function' && source !== 'secrets-manager') {
    throw new ConfigurationError('passwordSource', "'function' or 'secrets-manager'");
  }
  const length = props.passwordLength;
  if (
    length !== undefined &&
    !Token.isUnresolved(length) &&
    !(Number.isInteger(length) && length >= 1 && length <= 4096)
  ) {
    throw new ConfigurationError('passwordLength', 'an integer from 1 to 4096');
  }
}

function descriptionOf(props: RotationFunctionProps, role: FunctionRole): string {
  return props.template ? `rotation-kit ${props.template}` : `rotation-kit ${role.strategy} rotation`;
}

/** The variables the handler reads; unset ones fall back to the library's defaults. */
function environmentOf(props: RotationFunctionProps): Record<string, string> {
  const environment: Record<string, string> = {
    ROTATION_KIT_PASSWORD_SOURCE: props.passwordSource ?? 'function',
  };
  // The zip carries index.js.map: stack traces can point at the TypeScript sources.
  if (props.enableSourceMaps ?? true) environment.NODE_OPTIONS = '--enable-source-maps';
  const length = props.passwordLength;
  if (length !== undefined) {
    environment.PASSWORD_LENGTH = Token.isUnresolved(length) ? Token.asString(length) : String(length);
  }
  if (props.excludeCharacters !== undefined) environment.EXCLUDE_CHARACTERS = props.excludeCharacters;
  if (typeof props.secretsManagerEndpoint === 'string') {
    environment.SECRETS_MANAGER_ENDPOINT = props.secretsManagerEndpoint;
  }
  return environment;
}

export { RotationFunction };
export type { AddSecretOptions, PasswordSource, RotationFunctionProps };
