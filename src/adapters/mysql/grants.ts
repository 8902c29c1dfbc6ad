/**
 * Copying privileges for the alternating-users strategy: the lines of `SHOW GRANTS FOR <like>` are
 * replayed with only the grantee rewritten. Password clauses (`IDENTIFIED BY PASSWORD '<hash>'`,
 * `IDENTIFIED VIA ...`) are dropped; `REQUIRE` and `WITH` clauses are kept, so the clone has the same
 * TLS requirement, limits and grant options. Anything not recognised is refused, not guessed at.
 */
import { accountName } from './sql.js';

interface Account {
  user: string;
  host: string;
}

type TokenKind = 'word' | 'ident' | 'string' | 'symbol';

interface Token {
  kind: TokenKind;
  /** Unquoted value for `ident` and `string`, upper-cased text for `word`, the character for `symbol`. */
  value: string;
  start: number;
  end: number;
}

/** A SHOW GRANTS line the adapter will not replay. The message never quotes string literals (hashes). */
class UnreplayableGrantError extends Error {
  override readonly name = 'UnreplayableGrantError';
}

const WORD = /[A-Za-z0-9_$]/;
const SYMBOLS = new Set(['@', ',', '(', ')', '.', '*', '=']);

/** Reads a quoted token starting at `start`; the quote character is doubled or backslash-escaped inside. */
function readQuoted(text: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (char === '\\' && quote !== '`' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += char;
    i += 1;
  }
  throw new UnreplayableGrantError('an unterminated quoted name or string');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '`') {
      const { value, end } = readQuoted(text, i, '`');
      tokens.push({ kind: 'ident', value, start: i, end });
      i = end;
    } else if (char === "'" || char === '"') {
      const { value, end } = readQuoted(text, i, char);
      tokens.push({ kind: 'string', value, start: i, end });
      i = end;
    } else if (WORD.test(char)) {
      let end = i;
      while (end < text.length && WORD.test(text[end] as string)) end += 1;
      tokens.push({ kind: 'word', value: text.slice(i, end).toUpperCase(), start: i, end });
      i = end;
    } else if (SYMBOLS.has(char)) {
      tokens.push({ kind: 'symbol', value: char, start: i, end: i + 1 });
      i += 1;
    } else {
      // `;`, comments and anything else have no place in one SHOW GRANTS line.
      throw new UnreplayableGrantError(`an unexpected character "${char}"`);
    }
  }
  return tokens;
}

/** The line with string literals masked: safe to put in an error message. */
function describe(tokens: Token[]): string {
  return tokens
    .map((t) => (t.kind === 'string' ? "'?'" : t.kind === 'ident' ? `\`${t.value}\`` : t.value))
    .join(' ');
}

const isWord = (token: Token | undefined, ...words: string[]): boolean =>
  token?.kind === 'word' && words.includes(token.value);
const isName = (token: Token | undefined): token is Token =>
  token?.kind === 'ident' || token?.kind === 'string';

/** Where the grantee sits: after TO (GRANT), FROM (REVOKE, MySQL partial revokes), FOR (SET DEFAULT ROLE). */
function granteeKeyword(tokens: Token[]): { keyword: string; tailAllowed: boolean } {
  if (isWord(tokens[0], 'GRANT')) return { keyword: 'TO', tailAllowed: true };
  if (isWord(tokens[0], 'REVOKE')) return { keyword: 'FROM', tailAllowed: false };
  if (isWord(tokens[0], 'SET') && isWord(tokens[1], 'DEFAULT') && isWord(tokens[2], 'ROLE')) {
    return { keyword: 'FOR', tailAllowed: false };
  }
  throw new UnreplayableGrantError('a statement that is not GRANT, REVOKE or SET DEFAULT ROLE');
}

/** Index after an authentication value: `'...'` or `PASSWORD('...')`. */
function skipAuthValue(tokens: Token[], i: number): number {
  if (tokens[i]?.kind === 'string') return i + 1;
  if (isWord(tokens[i], 'PASSWORD') && tokens[i + 1]?.value === '(' && tokens[i + 2]?.kind === 'string') {
    if (tokens[i + 3]?.value === ')') return i + 4;
  }
  throw new UnreplayableGrantError('an IDENTIFIED clause of an unknown form');
}

/**
 * Index after an IDENTIFIED clause starting at `i`: `BY [PASSWORD] '...'`, or
 * `VIA|WITH plugin [USING|AS value] [OR plugin [USING|AS value]]...`.
 */
function skipIdentified(tokens: Token[], i: number): number {
  if (isWord(tokens[i + 1], 'BY'))
    return skipAuthValue(tokens, isWord(tokens[i + 2], 'PASSWORD') ? i + 3 : i + 2);
  if (!isWord(tokens[i + 1], 'VIA', 'WITH'))
    throw new UnreplayableGrantError('an IDENTIFIED clause of an unknown form');
  let j = i + 2;
  for (;;) {
    const plugin = tokens[j];
    if (plugin?.kind !== 'word' && plugin?.kind !== 'string') {
      throw new UnreplayableGrantError('an IDENTIFIED clause of an unknown form');
    }
    j += 1;
    if (isWord(tokens[j], 'USING', 'AS')) j = skipAuthValue(tokens, j + 1);
    if (!isWord(tokens[j], 'OR')) return j;
    j += 1;
  }
}

/**
 * The parts of the tail to keep: `REQUIRE ...` and `WITH ...` clauses verbatim (the server's own
 * syntax, replayed on the same server), `IDENTIFIED ...` clauses (password hashes, authentication
 * plugins) dropped.
 */
function keptTail(text: string, tokens: Token[], from: number): string[] {
  const kept: string[] = [];
  let i = from;
  while (i < tokens.length) {
    const clause = tokens[i] as Token;
    if (isWord(clause, 'IDENTIFIED')) {
      i = skipIdentified(tokens, i);
      continue;
    }
    if (!isWord(clause, 'REQUIRE', 'WITH')) {
      throw new UnreplayableGrantError(
        `an unknown clause after the grantee ("${clause.kind === 'string' ? '?' : clause.value}")`,
      );
    }
    let end = i + 1;
    while (end < tokens.length && !isWord(tokens[end], 'IDENTIFIED', 'REQUIRE', 'WITH')) end += 1;
    kept.push(text.slice(clause.start, (tokens[end - 1] as Token).end));
    i = end;
  }
  return kept;
}

/**
 * Rewrites one `SHOW GRANTS FOR from` line so that it applies to `to` instead. Throws
 * UnreplayableGrantError when the line is not one of the known forms or names another grantee.
 */
function rewriteGrant(line: string, from: Account, to: Account): string {
  const tokens = tokenize(line);
  const { keyword, tailAllowed } = granteeKeyword(tokens);
  const at = tokens.findIndex((token) => isWord(token, keyword));
  const user = tokens[at + 1];
  const host = tokens[at + 3];
  if (at < 0 || !isName(user) || tokens[at + 2]?.value !== '@' || !isName(host)) {
    throw new UnreplayableGrantError(`no grantee after ${keyword} in: ${describe(tokens)}`);
  }
  if (user.value !== from.user || host.value !== from.host) {
    throw new UnreplayableGrantError(`a grant for another account in: ${describe(tokens)}`);
  }
  const tailStart = at + 4;
  if (!tailAllowed && tailStart < tokens.length) {
    throw new UnreplayableGrantError(`unexpected words after the grantee in: ${describe(tokens)}`);
  }
  let tail: string[];
  try {
    tail = keptTail(line, tokens, tailStart);
  } catch (error) {
    throw new UnreplayableGrantError(`${(error as Error).message} in: ${describe(tokens)}`);
  }
  return [line.slice(0, user.start).trimEnd(), accountName(to.user, to.host), ...tail].join(' ');
}

export { UnreplayableGrantError, rewriteGrant };
export type { Account };
