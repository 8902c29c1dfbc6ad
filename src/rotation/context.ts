import { SecretShapeError, VersionNotStagedError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SecretDescription, SecretsGateway } from '../secrets/gateway.js';
import { generateRandomPassword } from '../shared/random-password.js';
import type { RandomPasswordRequest } from '../shared/random-password.js';
import type { DatabaseAdapter, DatabaseSecret } from './adapter.js';
import type { PasswordSource } from './password-policy.js';
import { Stage } from './constants.js';
import type { StageName, StepName } from './constants.js';
import type { RotationEvent } from './event.js';
import type { RotationStrategy } from './strategies/strategy.js';

/** A secret version as read: its raw JSON (all keys kept) and the adapter's parsed view. */
interface LoadedSecret<S extends DatabaseSecret = DatabaseSecret> {
  versionId: string;
  raw: Record<string, unknown>;
  secret: S;
}

interface RotationContextInit<S extends DatabaseSecret> {
  event: RotationEvent;
  description: SecretDescription;
  adapter: DatabaseAdapter<S>;
  strategy: RotationStrategy;
  secrets: SecretsGateway;
  passwordRequest: RandomPasswordRequest;
  /** Default `'function'`. */
  passwordSource?: PasswordSource;
  log: Logger;
}

/**
 * Everything a step needs, handed to it rather than imported: the event, the secret's labels as
 * read at the start of this invocation, the adapter, the strategy, the Secrets Manager gateway and
 * a logger bound to this step. Reads are lazy, so a step pays only for what it uses.
 */
class RotationContext<S extends DatabaseSecret = DatabaseSecret> {
  readonly event: RotationEvent;
  readonly secretId: string;
  readonly token: string;
  readonly step: StepName;
  readonly description: SecretDescription;
  readonly adapter: DatabaseAdapter<S>;
  readonly strategy: RotationStrategy;
  readonly secrets: SecretsGateway;
  readonly passwordRequest: RandomPasswordRequest;
  readonly passwordSource: PasswordSource;
  readonly log: Logger;

  constructor(init: RotationContextInit<S>) {
    this.event = init.event;
    this.secretId = init.event.SecretId;
    this.token = init.event.ClientRequestToken;
    this.step = init.event.Step;
    this.description = init.description;
    this.adapter = init.adapter;
    this.strategy = init.strategy;
    this.secrets = init.secrets;
    this.passwordRequest = init.passwordRequest;
    this.passwordSource = init.passwordSource ?? 'function';
    this.log = init.log;
  }

  /** A new password per the policy: made in this process, or by GetRandomPassword if so configured. */
  async newPassword(): Promise<string> {
    if (this.passwordSource === 'secrets-manager') return this.secrets.randomPassword(this.passwordRequest);
    return generateRandomPassword(this.passwordRequest);
  }

  /** The VersionId holding a label, from this invocation's DescribeSecret. */
  versionWith(stage: StageName): string | undefined {
    for (const [versionId, stages] of Object.entries(this.description.versions)) {
      if (stages.includes(stage)) return versionId;
    }
    return undefined;
  }

  /** The AWSCURRENT version, parsed. Its absence or a bad shape is an error naming what is wrong. */
  async readCurrent(): Promise<LoadedSecret<S>> {
    const versionId = this.versionWith(Stage.Current);
    if (!versionId)
      throw new VersionNotStagedError(this.secretId, '(none)', 'holds AWSCURRENT: the secret has no value');
    const loaded = await this.readVersion(versionId, Stage.Current);
    if (!loaded) throw new VersionNotStagedError(this.secretId, versionId, 'is AWSCURRENT but has no value');
    return loaded;
  }

  /** The token's version (AWSPENDING), parsed. Missing value: createSecret has not run yet. */
  async readPending(): Promise<LoadedSecret<S>> {
    const loaded = await this.readVersion(this.token, Stage.Pending);
    if (!loaded) {
      throw new VersionNotStagedError(this.secretId, this.token, 'has no value yet: run createSecret first');
    }
    return loaded;
  }

  /** The AWSPREVIOUS version if there is one; read only when a step falls back to it. */
  async readPrevious(): Promise<LoadedSecret<S> | undefined> {
    const versionId = this.versionWith(Stage.Previous);
    return versionId ? this.readVersion(versionId, Stage.Previous) : undefined;
  }

  /** Another secret's AWSCURRENT (the superuser secret named by `masterarn`), parsed by the adapter. */
  async readOtherSecret(secretId: string, where: string): Promise<S> {
    const value = await this.secrets.readStage(secretId, Stage.Current);
    if (value === undefined) throw new SecretShapeError('masterarn', 'the ARN of a secret that has a value');
    return this.parse(value, where).secret;
  }

  /** Validates a secret's JSON with the adapter; a SecretShapeError says which secret (`where`). */
  parseSecret(raw: Record<string, unknown>, where: string): S {
    try {
      return this.adapter.parseSecret(raw);
    } catch (error) {
      if (error instanceof SecretShapeError) throw new SecretShapeError(error.key, error.expected, where);
      throw error;
    }
  }

  private async readVersion(versionId: string, label: string): Promise<LoadedSecret<S> | undefined> {
    const value = await this.secrets.readVersion(this.secretId, versionId);
    return value === undefined ? undefined : { versionId, ...this.parse(value, `${label} secret`) };
  }

  private parse(value: string, where: string): Omit<LoadedSecret<S>, 'versionId'> {
    let raw: unknown;
    try {
      raw = JSON.parse(value);
    } catch {
      throw new SecretShapeError('SecretString', 'a JSON object', where);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new SecretShapeError('SecretString', 'a JSON object', where);
    }
    return {
      raw: raw as Record<string, unknown>,
      secret: this.parseSecret(raw as Record<string, unknown>, where),
    };
  }
}

export { RotationContext };
export type { LoadedSecret, RotationContextInit };
