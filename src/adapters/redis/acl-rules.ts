/**
 * Turns an `ACL GETUSER` reply (Redis 7 and later, RESP2) into the `ACL SETUSER` rules that give
 * another user the same permissions. Pure functions: no connection, easy to test.
 */

/** A rule set cannot be copied (an unknown reply shape, or a pattern Redis cannot round-trip). */
class AclCopyError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'AclCopyError';
  }
}

/** Flags worth copying; `nopass` is not (the copy gets its own password). */
const COPIED_FLAGS = new Set(['on', 'off', 'sanitize-payload', 'skip-sanitize-payload']);

/**
 * What `reset` does, minus `sanitize-payload`. A target left with a sanitize flag the original
 * lacks keeps it: only deleting the user clears both, and that would drop its connections.
 */
const RESET_RULES = ['resetpass', 'resetkeys', 'resetchannels', 'clearselectors', '-@all', 'off'];

const COMMAND_RULE = /^[+-]/;
const KEY_RULE = /^(%[RW]{1,2})?~/;
const CHANNEL_RULE = /^&/;

/** RESP2 sends a map as a flat `[name, value, name, value, ...]` array. */
function asMap(reply: unknown, what: string): Map<string, unknown> {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) throw new AclCopyError(`${what} is not a map`);
  const map = new Map<string, unknown>();
  for (let i = 0; i < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]);
  return map;
}

/**
 * A space-separated rule string split into rules, each checked against its kind: a pattern that
 * contains a space would split into a wrong rule, so it is refused rather than copied wrongly.
 */
function rules(map: Map<string, unknown>, field: string, shape: RegExp): string[] {
  const value = map.get(field);
  if (typeof value !== 'string') {
    throw new AclCopyError(`ACL GETUSER field "${field}" is not a string (Redis 7 or later is needed)`);
  }
  const tokens = value.split(' ').filter((token) => token.length > 0);
  for (const token of tokens) {
    if (!shape.test(token)) throw new AclCopyError(`the ${field} rule "${token}" cannot be copied`);
  }
  return tokens;
}

/** commands, keys and channels of the root permissions or of one selector. */
function permissionRules(map: Map<string, unknown>): string[] {
  return [
    ...rules(map, 'commands', COMMAND_RULE),
    ...rules(map, 'keys', KEY_RULE),
    // A new user or selector starts with acl-pubsub-default; state the channels explicitly.
    'resetchannels',
    ...rules(map, 'channels', CHANNEL_RULE),
  ];
}

/**
 * The rules that make a user identical in permissions to the one `reply` describes, starting with
 * a reset so the result does not depend on what the target had before (idempotent). Passwords are
 * not copied: the caller appends the target's own `>password`.
 *
 * @example
 * const reply = await client.call('ACL', 'GETUSER', 'app');
 * await client.call('ACL', 'SETUSER', 'app_clone', ...copyRules(reply), '>new password');
 */
function copyRules(reply: unknown): string[] {
  const map = asMap(reply, 'ACL GETUSER reply');
  const flags = map.get('flags');
  if (!Array.isArray(flags)) throw new AclCopyError('ACL GETUSER field "flags" is not a list');
  const selectors = map.get('selectors') ?? [];
  if (!Array.isArray(selectors)) throw new AclCopyError('ACL GETUSER field "selectors" is not a list');
  return [
    // `reset` without its `sanitize-payload`, which would add a flag the original may not have.
    ...RESET_RULES,
    ...flags.map(String).filter((flag) => COPIED_FLAGS.has(flag)),
    ...permissionRules(map),
    ...selectors.map((selector) => `(${permissionRules(asMap(selector, 'a selector')).join(' ')})`),
  ];
}

export { AclCopyError, copyRules };
