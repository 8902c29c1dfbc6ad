import { Errors } from '../protocol/errors.js';
import type { SecretRecord } from '../store/model.js';
import type { Operation, OperationContext } from './context.js';
import { InputReader } from './input.js';
import { paginate } from './pagination.js';
import { primaryRegionOf } from './replication.js';
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
  readonly key: FilterKey;
  readonly values: readonly string[];
}

/** The model's pattern for a filter value. */
const FILTER_VALUE = {
  regex: /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/,
  text: '^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$',
};

const SORT_BY = ['created-date', 'last-accessed-date', 'last-changed-date', 'name'] as const;

/**
 * Reads `Filters`. A filter without `Key` or without `Values` is refused, never taken as "match
 * everything" (the service answers InvalidParameterException); model violations (an unknown key, a
 * value breaking the pattern) are the ValidationException the reader collects.
 */
function readFilters(reader: InputReader): Filter[] | undefined {
  const read = reader.structureList(
    'Filters',
    (filter) => ({
      key: filter.oneOf('Key', FILTER_KEYS),
      values: filter.stringList('Values', {
        minItems: 1,
        maxItems: 10,
        itemMin: 1,
        itemMax: 512,
        itemPattern: FILTER_VALUE,
      }),
    }),
    { maxItems: 10 },
  );
  return read?.map(({ key, values }) => {
    if (key === undefined) throw Errors.filterWithout('Key');
    if (values === undefined) throw Errors.filterWithout('Values');
    return { key, values };
  });
}

/** Words of free text: runs of letters or digits, lower-cased (description filters). */
function textWords(text: string): string[] {
  return text.toLowerCase().match(/[^\s]+/g) ?? [];
}

/**
 * Words as the `all` filter breaks them: at punctuation and spaces, where a lower-case letter is
 * followed by an upper-case one, and between letters and digits (`credsDatabase#892` is `creds`,
 * `database`, `892`); lower-cased.
 */
function splitWords(text: string): string[] {
  return (
    text
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([A-Za-z])([0-9])/g, '$1 $2')
      .replace(/([0-9])([A-Za-z])/g, '$1 $2')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  );
}

/** Every word of `value` is the start of some word of `words`. */
function everyWordPrefixes(words: readonly string[], valueWords: readonly string[]): boolean {
  return valueWords.length > 0 && valueWords.every((wanted) => words.some((word) => word.startsWith(wanted)));
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
      return everyWordPrefixes(textWords(secret.description ?? ''), textWords(value));
    case 'all': {
      const fields = [secret.name, secret.description ?? '', ...tags.flatMap((tag) => [tag.Key, tag.Value])];
      return everyWordPrefixes(fields.flatMap(splitWords), splitWords(value));
    }
    // The PrimaryRegion member: a standalone secret has none.
    case 'primary-region':
      return primaryRegionOf(secret)?.startsWith(value) === true;
    // Local secrets are never owned by another service.
    case 'owning-service':
      return false;
  }
}

/**
 * Filters of different keys must all match; values within a filter are alternatives; a value with
 * a leading `!` must not match.
 */
function matchesFilter(secret: SecretRecord, filter: Filter): boolean {
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
  return { SecretList: page.map((secret) => listEntryView(secret, ctx.regions)), NextToken: next };
};

export { listSecrets, matchingSecrets, readFilters };
export type { Filter };
