/**
 * SASLprep (RFC 4013) exactly as PostgreSQL applies it to a password before deriving a SCRAM
 * verifier (`pg_saslprep` in `src/common/saslprep.c`, shared by the server and libpq). A verifier
 * computed here is the one `ALTER ROLE ... PASSWORD 'plaintext'` would store, so every client that
 * logs in the way libpq does (psql, psycopg, JDBC, ...) accepts it.
 *
 * PostgreSQL's quirks are kept on purpose: ASCII passes through untouched (control characters
 * included); the prohibited and bidi checks look at the mapped input, not at the normalized output;
 * and when a check fails, or nothing is left after mapping, the raw password is used instead.
 * NFKC comes from Node's ICU; it matches PostgreSQL's for every character both Unicode versions know.
 */
import {
  L_CAT,
  MAPPED_TO_NOTHING,
  NON_ASCII_SPACE,
  PROHIBITED,
  RAND_AL_CAT,
  UNASSIGNED,
} from './saslprepTables.js';

type RangeTable = Uint32Array;

function parseTable(spec: string): RangeTable {
  const bounds: number[] = [];
  for (const item of spec.split(',')) {
    const [first, last = first] = item.split('-') as [string, string?];
    bounds.push(Number.parseInt(first, 16), Number.parseInt(last, 16));
  }
  return Uint32Array.from(bounds);
}

function inTable(table: RangeTable, code: number): boolean {
  let low = 0;
  let high = table.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (code < table[middle * 2]!) high = middle - 1;
    else if (code > table[middle * 2 + 1]!) low = middle + 1;
    else return true;
  }
  return false;
}

let tables:
  | { space: RangeTable; nothing: RangeTable; prohibited: RangeTable[]; randAl: RangeTable; l: RangeTable }
  | undefined;

function loadTables(): NonNullable<typeof tables> {
  tables ??= {
    space: parseTable(NON_ASCII_SPACE),
    nothing: parseTable(MAPPED_TO_NOTHING),
    prohibited: [parseTable(PROHIBITED), parseTable(UNASSIGNED)],
    randAl: parseTable(RAND_AL_CAT),
    l: parseTable(L_CAT),
  };
  return tables;
}

/** True when every character is in the 7-bit ASCII range. */
function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

/**
 * The password PostgreSQL would derive SCRAM keys from: its SASLprep normalization, or the password
 * unchanged where PostgreSQL falls back to the raw bytes.
 */
function saslprep(password: string): string {
  if (isAscii(password)) return password;
  const table = loadTables();
  const mapped: number[] = [];
  for (const char of password) {
    const code = char.codePointAt(0)!;
    if (inTable(table.space, code)) mapped.push(0x20);
    else if (!inTable(table.nothing, code)) mapped.push(code);
  }
  if (mapped.length === 0) return password;
  if (mapped.some((code) => table.prohibited.some((ranges) => inTable(ranges, code)))) return password;
  if (mapped.some((code) => inTable(table.randAl, code))) {
    const badEnds = !inTable(table.randAl, mapped[0]!) || !inTable(table.randAl, mapped[mapped.length - 1]!);
    if (badEnds || mapped.some((code) => inTable(table.l, code))) return password;
  }
  return mapped
    .map((code) => String.fromCodePoint(code))
    .join('')
    .normalize('NFKC');
}

export { saslprep };
