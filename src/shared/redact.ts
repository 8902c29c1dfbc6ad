/**
 * Redaction for anything that is logged. Keys that can hold secrets are replaced wholesale; strings
 * that look like connection URLs lose their password part. Applied by the default logger to every
 * attribute, so a careless `log.info('x', { secret })` still cannot print a password.
 */
const SENSITIVE_KEY = /pass(word)?|secret(string|binary)?$|^secret$|token$|^pwd$|credential|authorization/i;
// Version ids, not secrets. (RotationToken IS sensitive: it stays redacted.)
const SAFE_KEYS = new Set(['clientrequesttoken', 'token', 'secretid', 'versionid']);
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s]*:)[^@/\s]*@/gi;
const REDACTED = '[REDACTED]';

function isSensitiveKey(key: string): boolean {
  return !SAFE_KEYS.has(key.toLowerCase()) && SENSITIVE_KEY.test(key);
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[DEPTH]';
  if (typeof value === 'string') return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message, depth + 1),
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSensitiveKey(key) ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export { REDACTED, isSensitiveKey, redact };
