import { randomInt } from 'node:crypto';
import type { SecretRecord } from './model.js';

/** Where the emulated service lives: the region and account its ARNs name. */
interface ServiceScope {
  readonly region: string;
  readonly accountId: string;
}

const ARN_SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The `-xxxxxx` the service appends to a name in an ARN. */
const ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * Every secret, by name, and the rules that turn a SecretId (name, full ARN or partial ARN) into a
 * secret. Secrets whose recovery window has passed are dropped as soon as anything looks at them.
 */
class SecretsState {
  private readonly byName = new Map<string, SecretRecord>();
  readonly arnPrefix: string;

  constructor(
    readonly scope: ServiceScope,
    private readonly clock: () => number,
  ) {
    this.arnPrefix = `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:`;
  }

  /** Makes an ARN with a fresh random suffix, so a re-created name gets a new ARN. */
  newArn(name: string): string {
    let suffix = '';
    for (let i = 0; i < 6; i += 1) suffix += ARN_SUFFIX_ALPHABET[randomInt(ARN_SUFFIX_ALPHABET.length)];
    return `${this.arnPrefix}${name}-${suffix}`;
  }

  /** The secret a SecretId names, scheduled for deletion or not; undefined when none. */
  find(secretId: string): SecretRecord | undefined {
    if (!secretId.startsWith('arn:')) return this.live(this.byName.get(secretId));
    if (!secretId.startsWith(this.arnPrefix)) return undefined;
    const tail = secretId.slice(this.arnPrefix.length);
    if (ARN_SUFFIX.test(tail)) {
      // Ends like a complete ARN: it must be one, exactly (a secret named `x-a1b2c3` is not
      // found through the partial ARN that ends in its name).
      const candidate = this.byName.get(tail.slice(0, -7));
      return candidate?.arn === secretId ? this.live(candidate) : undefined;
    }
    return this.live(this.byName.get(tail));
  }

  /** The secret named exactly `name` (CreateSecret's duplicate check). */
  byExactName(name: string): SecretRecord | undefined {
    return this.live(this.byName.get(name));
  }

  add(secret: SecretRecord): void {
    this.byName.set(secret.name, secret);
  }

  remove(secret: SecretRecord): void {
    if (this.byName.get(secret.name) === secret) this.byName.delete(secret.name);
  }

  /** Every secret still present, in creation order. */
  all(): SecretRecord[] {
    return [...this.byName.values()].filter((secret) => this.live(secret) !== undefined);
  }

  /** Drops the secret if its recovery window has run out. */
  private live(secret: SecretRecord | undefined): SecretRecord | undefined {
    if (secret?.deletionDate !== undefined && secret.deletionDate <= this.clock()) {
      this.byName.delete(secret.name);
      return undefined;
    }
    return secret;
  }

  /** Replaces the whole state (loading a data file). */
  replaceAll(secrets: readonly SecretRecord[]): void {
    this.byName.clear();
    for (const secret of secrets) this.byName.set(secret.name, secret);
  }

  /** Every record, expired or not, for persistence. */
  records(): SecretRecord[] {
    return [...this.byName.values()];
  }
}

export { SecretsState };
export type { ServiceScope };
