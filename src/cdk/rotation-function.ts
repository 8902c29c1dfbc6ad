import { Duration, Stack, Token } from 'aws-cdk-lib';
import type { Connections, IConnectable, ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IGrantable, IPrincipal } from 'aws-cdk-lib/aws-iam';
import { ViaServicePrincipal } from 'aws-cdk-lib/aws-kms';
import { Architecture, CfnPermission, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret, RotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ConfigurationError } from '../shared/errors.js';
import {
  ROTATION_TEMPLATES,
  isMultiUserTemplate,
  isRotationTemplateName,
  templateCode,
} from './template-code.js';
import type { RotationTemplateName } from './template-code.js';

const SECRETS_MANAGER_PRINCIPAL = 'secretsmanager.amazonaws.com';

interface RotationFunctionProps {
  /** Which rotation template the function runs. */
  readonly template: RotationTemplateName;
  /** The secret to rotate. The function may touch this secret only. */
  readonly secret: ISecret;
  /**
   * Multi-user templates: the superuser secret that the rotated secret's `masterarn` key names. The
   * function gets `secretsmanager:GetSecretValue` on it, nothing more. Required by the multi-user
   * templates and refused by the single-user ones.
   */
  readonly masterSecret?: ISecret;
  /** The VPC to run in when the database is only reachable there. @default - not in a VPC */
  readonly vpc?: IVpc;
  /** Subnets within `vpc`. @default - the VPC's default selection (private subnets) */
  readonly vpcSubnets?: SubnetSelection;
  /** Security groups within `vpc`. @default - a new security group */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * The function's code. @default - the built zip `dist/templates/<template>.zip` of this package
   */
  readonly code?: Code;
  /** Length of new passwords, 1-4096 (`PASSWORD_LENGTH`). @default - the library default, 32 */
  readonly passwordLength?: number;
  /** Characters new passwords never contain (`EXCLUDE_CHARACTERS`). @default - the library default, `/@"'\` */
  readonly excludeCharacters?: string;
  /**
   * Secrets Manager endpoint for a function in a VPC without NAT, e.g. an interface VPC endpoint's
   * URL (`SECRETS_MANAGER_ENDPOINT`). @default - the regional public endpoint
   */
  readonly secretsManagerEndpoint?: string;
  /** Time between rotations (4 hours to 1000 days). @default Duration.days(30) */
  readonly automaticallyAfter?: Duration;
  /** Rotate once as soon as the schedule is created or changed. @default true */
  readonly rotateImmediatelyOnUpdate?: boolean;
  /** The bundles are pure JavaScript, so either works. @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /**
   * Stack traces in the logs point at the TypeScript sources (`NODE_OPTIONS=--enable-source-maps`);
   * costs some cold-start time. @default true
   */
  readonly enableSourceMaps?: boolean;
  /** @default - Lambda's own `/aws/lambda/<name>` group, kept forever */
  readonly logGroup?: ILogGroup;
}

/**
 * A rotation-kit rotation function wired to one secret: a nodejs22.x Lambda running the chosen
 * template, least-privilege permissions (the four rotation actions on the secret,
 * `GetRandomPassword`, and `GetSecretValue` on the master secret when given), an invoke
 * permission for Secrets Manager limited to this account, and the secret's rotation schedule.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { RotationFunction } from 'rotation-kit/cdk';
 *
 * const rotation = new RotationFunction(this, 'Rotation', {
 *   template: 'postgres-single-user',
 *   secret: database.secret!,
 *   vpc,
 *   automaticallyAfter: Duration.days(7),
 * });
 * database.connections.allowDefaultPortFrom(rotation);
 */
class RotationFunction extends Construct implements IGrantable, IConnectable {
  /** The Lambda function. */
  readonly lambdaFunction: LambdaFunction;
  /** The secret's rotation schedule. */
  readonly rotationSchedule: RotationSchedule;

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    super(scope, id);
    validateProps(props);

    this.lambdaFunction = new LambdaFunction(this, 'Function', {
      description: `rotation-kit ${props.template}`,
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: props.code ?? templateCode(props.template),
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: environmentOf(props),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      logGroup: props.logGroup,
    });

    // The schedule also grants what rotation needs on the secret (DescribeSecret, GetSecretValue,
    // PutSecretValue, UpdateSecretVersionStage; GetRandomPassword on *; the secret's KMS key via
    // Secrets Manager) and lets Secrets Manager invoke the function.
    this.rotationSchedule = props.secret.addRotationSchedule('RotationSchedule', {
      rotationLambda: this.lambdaFunction,
      automaticallyAfter: props.automaticallyAfter ?? Duration.days(30),
      rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate ?? true,
    });
    this.limitInvokeToThisAccount();

    if (props.masterSecret) this.grantReadMasterSecret(props.masterSecret);
  }

  /** The function's role, to grant it more. */
  get grantPrincipal(): IPrincipal {
    return this.lambdaFunction.grantPrincipal;
  }

  /** The function's network connections (only when it runs in a VPC). */
  get connections(): Connections {
    return this.lambdaFunction.connections;
  }

  /**
   * CDK's invoke permission for Secrets Manager names no source account; add it so only Secrets
   * Manager acting for this account can invoke the function (the confused-deputy guard AWS advises).
   */
  private limitInvokeToThisAccount(): void {
    const account = Stack.of(this).account;
    for (const child of this.lambdaFunction.node.children) {
      if (child instanceof CfnPermission && child.principal === SECRETS_MANAGER_PRINCIPAL) {
        child.sourceAccount ??= account;
      }
    }
  }

  /** GetSecretValue only: the superuser's password is read, never changed, by the function. */
  private grantReadMasterSecret(masterSecret: ISecret): void {
    this.lambdaFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        // A secret imported by name has no full ARN: match its random six-character suffix.
        resources: [masterSecret.secretFullArn ?? `${masterSecret.secretArn}-??????`],
      }),
    );
    masterSecret.encryptionKey?.grantDecrypt(
      new ViaServicePrincipal(
        `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
        this.lambdaFunction.grantPrincipal,
      ),
    );
  }
}

function validateProps(props: RotationFunctionProps): void {
  if (!isRotationTemplateName(props.template)) {
    throw new ConfigurationError('template', `one of ${ROTATION_TEMPLATES.join(', ')}`);
  }
  if (isMultiUserTemplate(props.template) && !props.masterSecret) {
    throw new ConfigurationError('masterSecret', `the superuser secret for ${props.template}`);
  }
  if (!isMultiUserTemplate(props.template) && props.masterSecret) {
    throw new ConfigurationError(
      'masterSecret',
      `nothing for ${props.template} (single-user templates do not use it)`,
    );
  }
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    throw new ConfigurationError('vpc', 'a VPC when vpcSubnets or securityGroups are given');
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

/** The variables the handler reads; unset ones fall back to the library's defaults. */
function environmentOf(props: RotationFunctionProps): Record<string, string> {
  const environment: Record<string, string> = {};
  // The zip carries index.js.map: stack traces can point at the TypeScript sources.
  if (props.enableSourceMaps ?? true) environment.NODE_OPTIONS = '--enable-source-maps';
  const length = props.passwordLength;
  if (length !== undefined) {
    environment.PASSWORD_LENGTH = Token.isUnresolved(length) ? Token.asString(length) : String(length);
  }
  if (props.excludeCharacters !== undefined) environment.EXCLUDE_CHARACTERS = props.excludeCharacters;
  if (props.secretsManagerEndpoint !== undefined) {
    environment.SECRETS_MANAGER_ENDPOINT = props.secretsManagerEndpoint;
  }
  return environment;
}

export { RotationFunction };
export type { RotationFunctionProps };
