import { Errors } from '../protocol/errors.js';
import { isReplica } from '../store/model.js';
import type { SecretRecord, SecretValue, Tag, VersionRecord } from '../store/model.js';
import { pruneDeprecated } from '../store/staging.js';
import type { OperationContext } from './context.js';
import type { InputReader, JsonObject } from './input.js';

/** Names are ASCII letters, digits and `/_+=.@-`. */
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const MAX_TAGS = 50;
const RESERVED_TAG_PREFIX = 'aws:';

/** Reads the SecretId member with the model's rules. */
/**
 * The service checks a SecretId's name before anything else (other members, the token, the
 * lookup), for every operation that takes one.
 */
function checkSecretIdName(secretId: unknown): void {
  if (typeof secretId !== 'string' || secretId.length === 0 || secretId.length > 2048) return;
  if (!secretId.startsWith('arn:') && !NAME_PATTERN.test(secretId)) throw Errors.invalidName();
}

function readSecretId(reader: InputReader): string {
  const secretId = reader.string('SecretId', { required: true, min: 1, max: 2048 }) ?? '';
  checkSecretIdName(secretId);
  return secretId;
}

/** Resolves a SecretId (after validation). Scheduled-for-deletion secrets are returned too. */
function findSecret(ctx: OperationContext, secretId: string): SecretRecord {
  if (!secretId.startsWith('arn:') && !NAME_PATTERN.test(secretId)) throw Errors.invalidName();
  const secret = ctx.state.find(secretId);
  if (!secret) throw Errors.secretNotFound();
  if (ctx.refusesReplicas && isReplica(secret)) throw Errors.replicaReadOnly();
  return secret;
}

/** Resolves a SecretId and refuses a secret that is scheduled for deletion. */
function findLiveSecret(ctx: OperationContext, secretId: string): SecretRecord {
  const secret = findSecret(ctx, secretId);
  if (secret.deletionDate !== undefined) throw Errors.markedForDeletion();
  return secret;
}

/** Reads ClientRequestToken (32-64 characters). */
function readToken(reader: InputReader): string | undefined {
  return reader.string('ClientRequestToken', { min: 32, max: 64 });
}

/** Reads SecretString and SecretBinary (1-65536 each). */
function readValueMembers(reader: InputReader): { text?: string; bytes?: Buffer } {
  return {
    bytes: reader.binary('SecretBinary', { min: 1, max: 65536, sensitive: true }),
    text: reader.string('SecretString', { min: 1, max: 65536, sensitive: true }),
  };
}

/** The value a request carries, refusing both kinds at once. */
function valueOf(members: { text?: string; bytes?: Buffer }): SecretValue | undefined {
  if (members.text !== undefined && members.bytes !== undefined) throw Errors.bothValues();
  if (members.text !== undefined) return { kind: 'string', text: members.text };
  if (members.bytes !== undefined) return { kind: 'binary', bytes: members.bytes };
  return undefined;
}

function sameValue(a: SecretValue | undefined, b: SecretValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'string' && b.kind === 'string') return a.text === b.text;
  if (a.kind === 'binary' && b.kind === 'binary') return a.bytes.equals(b.bytes);
  return false;
}

/** The wire members of a value: SecretString, or SecretBinary as base64. */
function valueMembers(value: SecretValue | undefined): JsonObject {
  if (value?.kind === 'string') return { SecretString: value.text };
  if (value?.kind === 'binary') return { SecretBinary: value.bytes.toString('base64') };
  return {};
}

/** Epoch milliseconds to the wire's epoch seconds. */
function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

/** The day of `ms` at 00:00 UTC, as LastAccessedDate records it. */
function startOfDay(ms: number): number {
  return ms - (ms % 86_400_000);
}

/** Reads a Tags list (key 1-127, value 0-255 characters). */
function readTags(reader: InputReader, member: string): Tag[] | undefined {
  return reader.structureList(member, (tag) => ({
    Key: tag.string('Key', { min: 1, max: 127 }) ?? '',
    Value: tag.string('Value', { min: 0, max: 255 }) ?? '',
  }));
}

function checkTagKeys(keys: readonly string[]): void {
  if (keys.some((key) => key.toLowerCase().startsWith(RESERVED_TAG_PREFIX))) throw Errors.reservedTagKey();
}

/** Tags merged by key (a later value wins), refusing more than 50. */
function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  checkTagKeys(added.map((tag) => tag.Key));
  const merged = new Map(existing.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  if (merged.size > MAX_TAGS) throw Errors.tooManyTags(MAX_TAGS);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** Adds a version written with a value; the caller labels it. */
function addVersion(
  secret: SecretRecord,
  id: string,
  value: SecretValue | undefined,
  now: number,
): VersionRecord {
  const version: VersionRecord = { id, created: now, stages: [], ...(value ? { value } : {}) };
  secret.versions.set(id, version);
  return version;
}

/** Bookkeeping after any change to a secret's versions or metadata. */
function touch(secret: SecretRecord, ctx: OperationContext): void {
  secret.lastChanged = ctx.now;
  pruneDeprecated(secret, ctx.now);
  ctx.changed();
}

export {
  MAX_TAGS,
  NAME_PATTERN,
  addVersion,
  checkTagKeys,
  findLiveSecret,
  findSecret,
  mergeTags,
  checkSecretIdName,
  readSecretId,
  readTags,
  readToken,
  readValueMembers,
  sameValue,
  seconds,
  startOfDay,
  touch,
  valueMembers,
  valueOf,
};
