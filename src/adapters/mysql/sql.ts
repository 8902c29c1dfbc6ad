/**
 * Quoting for the statements that cannot take placeholders (`ALTER USER ... IDENTIFIED BY`,
 * `SET PASSWORD`, `GRANT ... TO`: the server refuses `?` there). Correct only in a session without
 * NO_BACKSLASH_ESCAPES or ANSI_QUOTES and with a utf8mb4 connection: `connect.ts` makes sure of both.
 */

/** A string literal: backslashes escaped, quotes doubled (doubling needs no backslash). */
function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\0/g, '\\0')}'`;
}

/** An account name `'user'@'host'`. */
function accountName(user: string, host: string): string {
  return `${quoteString(user)}@${quoteString(host)}`;
}

/** Removes each secret, raw or as a quoted literal would carry it, from a message. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of [quoteString(secret).slice(1, -1), secret]) out = out.split(form).join('[REDACTED]');
  }
  return out;
}

export { accountName, quoteString, scrub };
