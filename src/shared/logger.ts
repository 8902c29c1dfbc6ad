import { redact } from './redact.js';

/**
 * The logging seam. Shaped like Powertools' Logger (`info(message, ...extra)`), so a Powertools
 * logger can be passed in as is; the default writes one redacted JSON object per line.
 */
interface Logger {
  debug(message: string, ...extra: object[]): void;
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
}

type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

interface JsonLoggerOptions {
  /** Lowest level written. Default: `LOG_LEVEL` from the environment, else `info`. */
  level?: LogLevel;
  /** Where lines go. Default: `process.stdout`. */
  write?: (line: string) => void;
  /** Attributes added to every line. */
  base?: object;
}

function parseLevel(value: string | undefined): LogLevel {
  const lower = value?.toLowerCase();
  return lower === 'debug' || lower === 'warn' || lower === 'error' ? lower : 'info';
}

function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? parseLevel(process.env.LOG_LEVEL)];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const base = options.base ?? {};
  const emit =
    (level: LogLevel) =>
    (message: string, ...extra: object[]): void => {
      if (LEVELS[level] < threshold) return;
      const record = Object.assign({ level, time: new Date().toISOString(), message }, base, ...extra);
      write(JSON.stringify(redact(record)));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Adds fixed attributes (step, secretId, token) to every call of another logger. */
function withAttributes(logger: Logger, attributes: object): Logger {
  const wrap =
    (fn: (message: string, ...extra: object[]) => void) =>
    (message: string, ...extra: object[]) =>
      fn.call(logger, message, redact(attributes) as object, ...extra.map((e) => redact(e) as object));
  return {
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
  };
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export { createJsonLogger, silentLogger, withAttributes };
export type { JsonLoggerOptions, LogLevel, Logger };
