import { checkTagKeys, findLiveSecret, mergeTags, readSecretId, readTags, touch } from './common.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';

/** TagResource, UntagResource. Both answer `{}`. */

const tagResource: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const tags = readTags(reader, 'Tags');
  if (tags === undefined) reader.structureList('Tags', () => null, { required: true });
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  secret.tags = mergeTags(secret.tags ?? [], tags ?? []);
  touch(secret, ctx);
  return {};
};

const untagResource: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const keys = reader.stringList('TagKeys', { required: true, itemMin: 1, itemMax: 127 }) ?? [];
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  checkTagKeys(keys);
  const removed = new Set(keys);
  // After an untag the secret reports `Tags: []`, never a missing member.
  secret.tags = (secret.tags ?? []).filter((tag) => !removed.has(tag.Key));
  touch(secret, ctx);
  return {};
};

export { tagResource, untagResource };
