import type { SecretRecord } from '../store/model.js';
import type { Operation, OperationContext } from './context.js';
import { InputReader } from './input.js';
import { paginate } from './pagination.js';
import { listEntryView } from './views.js';

/** ListSecrets, and the filters BatchGetSecretValue shares with it. */

const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

interface Filter {
  readonly key: FilterKey | undefined;
  readonly values: readonly string[];
}

const SORT_BY = ['created-date', 'last-accessed-date', 'last-changed-date', 'name'] as const;

function readFilters(reader: InputReader): Filter[] | undefined {
  return reader.structureList(
    'Filters',
    (filter) => ({
      key: filter.oneOf('Key', FILTER_KEYS),
      values: filter.stringList('Values', { minItems: 1, maxItems: 10, itemMin: 1, itemMax: 512 }) ?? [],
    }),
    { maxItems: 10 },
  );
}

/** True when `value` starts `text` or any word of it (description filters), ignoring case. */
function wordPrefix(text: string | undefined, value: string): boolean {
  if (text === undefined) return false;
  const lower = text.toLowerCase();
  const wanted = value.toLowerCase();
  for (const match of lower.matchAll(/[^\s]+/g)) if (lower.startsWith(wanted, match.index)) return true;
  return false;
}

function fieldMatches(secret: SecretRecord, key: FilterKey, value: string): boolean {
  const tags = secret.tags ?? [];
  switch (key) {
    case 'name':
      return secret.name.startsWith(value);
    case 'tag-key':
      return tags.some((tag) => tag.Key.startsWith(value));
    case 'tag-value':
      return tags.some((tag) => tag.Value.startsWith(value));
    case 'description':
      return wordPrefix(secret.description, value);
    case 'all':
      return (
        fieldMatches(secret, 'name', value) ||
        fieldMatches(secret, 'description', value) ||
        fieldMatches(secret, 'tag-key', value) ||
        fieldMatches(secret, 'tag-value', value)
      );
    // Local secrets are never replicas and never owned by another service.
    case 'primary-region':
    case 'owning-service':
      return false;
  }
}

/**
 * Filters of different keys must all match; values within a filter are alternatives; a value with
 * a leading `!` must not match.
 */
function matchesFilter(secret: SecretRecord, filter: Filter): boolean {
  if (filter.key === undefined) return true;
  const key = filter.key;
  const positive = filter.values.filter((v) => !v.startsWith('!'));
  const negative = filter.values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  return (
    (positive.length === 0 || positive.some((v) => fieldMatches(secret, key, v))) &&
    negative.every((v) => !fieldMatches(secret, key, v))
  );
}

function matchingSecrets(ctx: OperationContext, filters: readonly Filter[], includePlannedDeletion: boolean) {
  return ctx.state
    .all()
    .filter((secret) => includePlannedDeletion || secret.deletionDate === undefined)
    .filter((secret) => filters.every((filter) => matchesFilter(secret, filter)));
}

function sortKey(secret: SecretRecord, by: (typeof SORT_BY)[number]): number | string {
  switch (by) {
    case 'name':
      return secret.name;
    case 'last-accessed-date':
      return secret.lastAccessed ?? 0;
    case 'last-changed-date':
      return secret.lastChanged;
    case 'created-date':
      return secret.created;
  }
}

const listSecrets: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const includePlanned = reader.boolean('IncludePlannedDeletion') === true;
  const maxResults = reader.integer('MaxResults', { min: 1, max: 100 });
  const nextToken = reader.string('NextToken', { min: 1, max: 4096 });
  const filters = readFilters(reader) ?? [];
  const sortOrder = reader.oneOf('SortOrder', ['asc', 'desc'] as const);
  const sortBy = reader.oneOf('SortBy', SORT_BY);
  reader.done();

  const by = sortBy ?? 'created-date';
  const direction = sortOrder === 'desc' ? -1 : 1;
  // Stable: creation order breaks ties.
  const secrets = matchingSecrets(ctx, filters, includePlanned)
    .map((secret, index) => ({ secret, index, key: sortKey(secret, by) }))
    .sort((a, b) => (a.key < b.key ? -direction : a.key > b.key ? direction : a.index - b.index))
    .map(({ secret }) => secret);
  const { page, nextToken: next } = paginate('ListSecrets', secrets, maxResults ?? 100, nextToken);
  return { SecretList: page.map(listEntryView), NextToken: next };
};

export { listSecrets, matchingSecrets, readFilters };
export type { Filter };
