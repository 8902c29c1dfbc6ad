import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RandomPasswordRequest } from '../shared/random-password.js';
import { VersionCache } from './version-cache.js';

/** What rotation needs to know about a secret; always read fresh (labels move). */
interface SecretDescription {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  /** VersionId -> staging labels, deprecated versions left out (as DescribeSecret returns them). */
  versions: Record<string, string[]>;
}

type PutOutcome = 'created' | 'already-exists';

/**
 * The engine's only door to Secrets Manager: the few calls rotation makes, nothing more.
 * A version's value never changes once written, so values are cached by (secret ARN, VersionId)
 * and a warm Lambda container does not read the same version twice; labels are never cached.
 */
class SecretsGateway {
  private readonly values: VersionCache;

  constructor(
    private readonly client: SecretsManagerClient,
    cacheSize = 32,
  ) {
    this.values = new VersionCache(cacheSize);
  }

  async describe(secretId: string): Promise<SecretDescription> {
    const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return {
      arn: out.ARN ?? secretId,
      name: out.Name ?? secretId,
      rotationEnabled: out.RotationEnabled === true,
      versions: out.VersionIdsToStages ?? {},
    };
  }

  /** The SecretString of a version, or `undefined` if that version has no value (yet). */
  async readVersion(secretId: string, versionId: string): Promise<string | undefined> {
    const cached = this.values.get(secretId, versionId);
    if (cached !== undefined) return cached;
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }),
      );
      if (out.SecretString === undefined) return undefined;
      this.values.set(secretId, versionId, out.SecretString);
      return out.SecretString;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  /** Reads the version a label is on (another secret, such as a superuser's). */
  async readStage(secretId: string, stage: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
      );
      return out.SecretString;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  /** Has this container already seen a value for the version? (No call is made.) */
  knowsVersion(secretId: string, versionId: string): boolean {
    return this.values.get(secretId, versionId) !== undefined;
  }

  /** The service's GetRandomPassword, for `passwordSource: 'secrets-manager'`. */
  async randomPassword(request: RandomPasswordRequest): Promise<string> {
    const out = await this.client.send(new GetRandomPasswordCommand(request));
    if (!out.RandomPassword) throw new Error('GetRandomPassword returned no password');
    return out.RandomPassword;
  }

  /**
   * Writes `value` as version `token` staged AWSPENDING. The token makes this idempotent: if the
   * version already holds a value (an earlier attempt wrote it), the service refuses a different
   * one with ResourceExistsException and the existing version stands.
   */
  async putPending(
    secretId: string,
    token: string,
    value: string,
    rotationToken?: string,
  ): Promise<PutOutcome> {
    try {
      await this.client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: value,
          VersionStages: ['AWSPENDING'],
          ...(rotationToken ? { RotationToken: rotationToken } : {}),
        }),
      );
      this.values.set(secretId, token, value);
      return 'created';
    } catch (error) {
      if (isNamed(error, 'ResourceExistsException')) return 'already-exists';
      throw error;
    }
  }

  async moveStage(secretId: string, stage: string, moveTo: string, removeFrom?: string): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: stage,
        MoveToVersionId: moveTo,
        ...(removeFrom ? { RemoveFromVersionId: removeFrom } : {}),
      }),
    );
  }

  async removeStage(secretId: string, stage: string, removeFrom: string): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: stage,
        RemoveFromVersionId: removeFrom,
      }),
    );
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

export { SecretsGateway };
export type { PutOutcome, RandomPasswordRequest, SecretDescription };
