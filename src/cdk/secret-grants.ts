import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/** What the four rotation steps call on the secret they rotate. */
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

/** A secret imported by name has no full ARN: match its random six-character suffix. */
function policyArnOf(secret: ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/**
 * The function's permissions on its secrets, grown one secret at a time: one statement for the
 * rotation actions on every rotated secret, one for GetSecretValue on the superuser secrets, and one
 * per KMS key, usable only through Secrets Manager and only for the secrets that key encrypts.
 * Statements are built once and extended, so a thousand secrets stay a few statements (IAM limits a
 * role's policies by size, not by count).
 */
class SecretGrants {
  private rotate?: PolicyStatement;
  private readMaster?: PolicyStatement;
  private readonly masters = new Set<ISecret>();
  private readonly keys = new Map<IKey, { statement: PolicyStatement; secretArns: string[] }>();

  /** `region`: where the function runs, and so the Secrets Manager that uses the keys for it. */
  constructor(
    private readonly grantee: IGrantable,
    private readonly region: string,
  ) {}

  /** DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage; its key's Decrypt and GenerateDataKey. */
  addRotatedSecret(secret: ISecret): void {
    if (!this.rotate) {
      this.rotate = new PolicyStatement({ actions: ROTATION_ACTIONS, resources: [policyArnOf(secret)] });
      this.grantee.grantPrincipal.addToPrincipalPolicy(this.rotate);
    } else {
      this.rotate.addResources(policyArnOf(secret));
    }
    if (secret.encryptionKey)
      this.allowKey(secret.encryptionKey, secret, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** GetSecretValue only (the superuser's password is read, never changed); its key's Decrypt. */
  addMasterSecret(secret: ISecret): void {
    if (this.masters.has(secret)) return;
    this.masters.add(secret);
    if (!this.readMaster) {
      this.readMaster = new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [policyArnOf(secret)],
      });
      this.grantee.grantPrincipal.addToPrincipalPolicy(this.readMaster);
    } else {
      this.readMaster.addResources(policyArnOf(secret));
    }
    if (secret.encryptionKey) this.allowKey(secret.encryptionKey, secret, ['kms:Decrypt']);
  }

  /**
   * On the role, not the key policy: that also works for imported keys (whose policy CDK cannot
   * change) as long as the key policy lets IAM policies grant use (the default key policy does).
   * Secrets Manager calls KMS with the secret's ARN as encryption context `SecretARN`.
   */
  private allowKey(key: IKey, secret: ISecret, actions: string[]): void {
    const entry = this.keys.get(key);
    const arn = policyArnOf(secret);
    if (entry) {
      for (const action of actions) {
        if (!entry.statement.actions.includes(action)) entry.statement.addActions(action);
      }
      entry.secretArns.push(arn);
      entry.statement.addCondition('StringLike', {
        'kms:EncryptionContext:SecretARN': [...entry.secretArns],
      });
      return;
    }
    const statement = new PolicyStatement({
      actions,
      resources: [key.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:SecretARN': [arn] },
      },
    });
    this.keys.set(key, { statement, secretArns: [arn] });
    this.grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}

export { ROTATION_ACTIONS, SecretGrants, policyArnOf };
