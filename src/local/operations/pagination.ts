import { Errors } from '../protocol/errors.js';

/**
 * NextToken: an opaque, versioned cursor (an offset into a stable ordering, and what it pages, so a
 * token from one listing is refused by another).
 */
function encodeToken(kind: string, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, kind, offset })).toString('base64url');
}

function decodeToken(kind: string, token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      parsed.v === 1 &&
      parsed.kind === kind &&
      Number.isInteger(parsed.offset) &&
      (parsed.offset as number) >= 0
    )
      return parsed.offset as number;
  } catch {
    // fall through to the service's error
  }
  throw Errors.invalidNextToken();
}

/** One page of `items` and the token for the next, if any. */
function paginate<T>(
  kind: string,
  items: readonly T[],
  maxResults: number,
  token: string | undefined,
): { page: T[]; nextToken?: string } {
  const offset = decodeToken(kind, token);
  const end = offset + maxResults;
  const page = items.slice(offset, end);
  return end < items.length ? { page, nextToken: encodeToken(kind, end) } : { page };
}

export { paginate };
