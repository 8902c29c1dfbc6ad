import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, DataFileError } from '../shared/errors.js';
import { silentLogger } from '../shared/logger.js';
import type { Logger } from '../shared/logger.js';
import type { RotationFunction } from './lambda/functions.js';
import type { RotationOutcome, RotationTracker } from './lambda/rotationRunner.js';
import { ZipFunctionEnvironment, isZipFunction } from './lambda/zipFunction.js';
import type { LambdaZipFunction } from './lambda/zipFunction.js';
import { SCHEDULED_ROTATION } from './operations/rotation.js';
import { createSecretsManagerHttpServer } from './protocol/httpServer.js';
import { ServiceClock, spanMs } from './schedule/clock.js';
import type { ClockSpan } from './schedule/clock.js';
import { RotationScheduler } from './schedule/scheduler.js';
import { SecretsManagerService } from './service.js';
import { createHostPolicy, isLoopbackHost } from './net/loopback.js';
import { DataFile, writeAtomically } from './store/dataFile.js';
import { LockHeldError, acquireLock, removeStaleTempFiles } from './store/lockFile.js';
import type { HeldLock } from './store/lockFile.js';
import {
  SnapshotFormatError,
  fromSnapshot,
  otherRegionsFromSnapshot,
  serializeSnapshot,
} from './store/snapshot.js';

interface LocalSecretsManagerOptions {
  /** TCP port; default 0 (a free port, see `endpoint`). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /**
   * Keep the state in this JSON file: every acknowledged write is on disk (fsync, atomic rename)
   * before the response. Default: memory only. The file holds secret values unencrypted.
   */
  dataFile?: string;
  /** Region in ARNs; default `us-east-1`. */
  region?: string;
  /** Account in ARNs; default `123456789012`. */
  accountId?: string;
  /**
   * Rotation functions by Lambda ARN: in-process handlers, `http(s)://` invoke URLs, or deployable
   * zips run under AWS's Lambda runtime interface client (`{ zip, handler, env, timeoutMs }`).
   */
  functions?: Record<string, RotationFunction | LambdaZipFunction>;
  /** Where the server logs (operations, rotation steps; never values). Default: silent. */
  logger?: Logger;
  /**
   * Epoch-milliseconds base clock; default `Date.now`. `server.clock.advance` moves the server's
   * time on from it.
   */
  clock?: () => number;
  /** How many times faster than the base clock the server's time runs; default 1. */
  clockSpeed?: number;
}

/** The server's clock; `advance` is how a test says "30 days pass". */
interface LocalClock {
  /** The server's time, epoch milliseconds. */
  now(): number;
  /**
   * Moves the server's time forward by `span` (milliseconds, or `{ days, hours, minutes }`). Every
   * scheduled rotation whose window opens on the way starts when it opens, exactly as RotateSecret
   * would, and a failed one is retried later in its window; resolves, once those rotations ended,
   * with their outcomes in the order they ran.
   */
  advance(span: ClockSpan): Promise<RotationOutcome[]>;
}

/** A running local Secrets Manager. */
interface LocalSecretsManager {
  /** `http://host:port`: pass as `endpoint` to the SDK or `--endpoint-url` to the AWS CLI. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** A ready `SecretsManagerClient` configuration: endpoint, region and dummy credentials. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Await or observe the rotations RotateSecret and the schedules start. */
  readonly rotations: RotationTracker;
  /** The server's time; `advance` runs the rotations that fall due on the way. */
  readonly clock: LocalClock;
  /**
   * Makes `arn` invocable as a rotation function (replacing any earlier registration). A
   * `{ zip, handler?, env?, timeoutMs?, memoryMb? }` is unzipped now and run, at its first
   * invocation, under AWS's Lambda runtime interface client, as Lambda runs it.
   */
  registerFunction(arn: string, fn: RotationFunction | LambdaZipFunction): void;
  /** Stops listening, lets running rotations end, flushes the data file. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULTS = { host: '127.0.0.1', region: 'us-east-1', accountId: '123456789012' } as const;

function checkOptions(options: LocalSecretsManagerOptions): void {
  const { port, region, accountId } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new ConfigurationError('port', 'an integer from 0 to 65535');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new ConfigurationError('region', 'a region name such as us-east-1');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new ConfigurationError('accountId', 'twelve digits');
  const { clockSpeed } = options;
  if (clockSpeed !== undefined && (!Number.isFinite(clockSpeed) || clockSpeed < 1))
    throw new ConfigurationError('clockSpeed', 'a number >= 1');
}

/** Why listening beyond loopback is dangerous, in words an operator acts on. */
function exposureWarning(endpoint: string): string {
  return `listening beyond loopback (${endpoint}): anyone who can reach this address can read and change every secret, unauthenticated and unencrypted; bind 127.0.0.1 unless you must`;
}

/** What a path that exists is, when it is not a regular file (reading a FIFO would hang). */
async function notRegularFile(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataFileError(path, `it cannot be read (${(error as Error).message})`, { cause: error });
  }
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * Takes the data file for this server's life (a lock file), removes the plaintext temp files a
 * killed server left, then loads the file into the service or creates it; refuses a file it
 * cannot trust. The lock is released by `stop()`, or at once when opening fails.
 */
async function openDataFile(
  path: string,
  service: SecretsManagerService,
): Promise<{ dataFile: DataFile; lock: HeldLock }> {
  const kind = await notRegularFile(path);
  if (kind !== undefined) throw new DataFileError(path, `it is ${kind}, not a regular file`);
  let lock: HeldLock;
  try {
    lock = await acquireLock(path);
  } catch (error) {
    const detail =
      error instanceof LockHeldError
        ? error.message
        : `it cannot be written (its lock file: ${(error as Error).message})`;
    throw new DataFileError(path, detail, { cause: error });
  }
  try {
    await removeStaleTempFiles(path);
    return { dataFile: await loadDataFile(path, service), lock };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function loadDataFile(path: string, service: SecretsManagerService): Promise<DataFile> {
  const serialize = () =>
    serializeSnapshot(
      service.scope,
      service.state.records(),
      service.regions.others().map(([region, state]) => [region, state.records()]),
    );
  let text: string | undefined;
  try {
    text = await DataFile.read(path);
  } catch (error) {
    throw new DataFileError(path, `it cannot be read (${(error as Error).message})`, { cause: error });
  }
  if (text === undefined) {
    // Create it now, so a bad path fails at start rather than at the first write.
    try {
      await writeAtomically(path, serialize());
    } catch (error) {
      throw new DataFileError(path, `it cannot be written (${(error as Error).message})`, { cause: error });
    }
  } else {
    try {
      const home = fromSnapshot(text, service.scope);
      const others = otherRegionsFromSnapshot(text, service.scope, home);
      service.state.replaceAll(home);
      for (const [region, secrets] of others) {
        service.regions.get(region).replaceAll(secrets);
        service.regions.replicating = true;
      }
    } catch (error) {
      if (error instanceof SnapshotFormatError)
        throw new DataFileError(path, error.message, { cause: error });
      throw error;
    }
  }
  return new DataFile(path, serialize);
}

/**
 * Starts a local Secrets Manager: a test double that speaks the service's wire protocol, so the
 * real AWS SDK and the AWS CLI work against it unchanged. It keeps values unencrypted: never use
 * it for real secrets.
 *
 * @example
 * ```ts
 * import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
 * import { startLocalSecretsManager } from 'rotation-kit/local';
 *
 * const server = await startLocalSecretsManager(); // memory only, a free port on 127.0.0.1
 * const client = new SecretsManagerClient(server.clientConfig);
 * // ... CreateSecret, RotateSecret, then: await server.rotations.waitFor('my-secret');
 * await server.stop();
 * ```
 */
async function startLocalSecretsManager(
  options: LocalSecretsManagerOptions = {},
): Promise<LocalSecretsManager> {
  checkOptions(options);
  const region = options.region ?? DEFAULTS.region;
  const accountId = options.accountId ?? DEFAULTS.accountId;
  const host = options.host ?? DEFAULTS.host;
  const logger = options.logger ?? silentLogger;
  const clock = new ServiceClock(options.clock ?? Date.now, options.clockSpeed ?? 1);
  const service = new SecretsManagerService({ region, accountId }, () => clock.now(), logger);
  const scheduler = new RotationScheduler({
    regions: service.regions,
    clock,
    functions: service.functions,
    rotations: service.rotations,
    // A scheduled rotation is a RotateSecret the service sends itself, with the stored configuration.
    rotate: async (secretArn, token) => {
      const input = { SecretId: secretArn, ClientRequestToken: token, [SCHEDULED_ROTATION]: true };
      await service.dispatch('RotateSecret', input, service.regions.stateOf(secretArn).scope.region);
    },
    logger,
  });
  let lock: HeldLock | undefined;
  if (options.dataFile !== undefined) {
    const opened = await openDataFile(options.dataFile, service);
    service.attachDataFile(opened.dataFile);
    lock = opened.lock;
  }

  const http = createSecretsManagerHttpServer(
    (operation, input, region) => service.dispatch(operation, input, region),
    logger,
    createHostPolicy(host),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  scheduler.start();
  const { port } = http.address() as AddressInfo;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Zip functions know the endpoint their Secrets Manager client must use, so they come after listen.
  const environments = new Map<string, ZipFunctionEnvironment>();
  const registerFunction = (arn: string, fn: RotationFunction | LambdaZipFunction): void => {
    const previous = environments.get(arn);
    if (isZipFunction(fn)) {
      const environment = new ZipFunctionEnvironment(fn, { arn, region, secretsManagerEndpoint: endpoint });
      service.functions.register(arn, environment.invoke);
      environments.set(arn, environment);
    } else {
      service.functions.register(arn, fn);
      environments.delete(arn);
    }
    if (previous) void previous.dispose();
  };
  try {
    for (const [arn, fn] of Object.entries(options.functions ?? {})) registerFunction(arn, fn);
  } catch (error) {
    await Promise.all([...environments.values()].map((environment) => environment.dispose()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await lock?.release();
    throw error;
  }
  logger.info('local Secrets Manager listening', { endpoint, dataFile: options.dataFile });
  if (!isLoopbackHost(host)) logger.warn(exposureWarning(endpoint), { endpoint });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      scheduler.stop();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      // Requests under way finish; then any connection still open is cut.
      const cut = setTimeout(() => http.closeAllConnections(), 1000);
      // A zip function's process is stopped first: a step under way fails at once, as on abort.
      await Promise.all([...environments.values()].map((environment) => environment.dispose()));
      await service.rotations.stop();
      await closed;
      clearTimeout(cut);
      await service.flush();
      await lock?.release();
      logger.info('local Secrets Manager stopped', { endpoint });
    })());

  const resolveArn = (secretId: string): string => {
    const state = secretId.startsWith('arn:')
      ? (service.regions.forArn(secretId) ?? service.state)
      : service.state;
    const secret = state.find(secretId);
    if (!secret)
      throw new ConfigurationError('secretId', `an existing secret (no secret matches ${secretId})`);
    return secret.arn;
  };

  return {
    endpoint,
    port,
    region,
    accountId,
    clientConfig: { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    rotations: {
      waitFor: async (secretId, waitOptions) =>
        service.rotations.find(resolveArn(secretId), waitOptions?.token),
      last: (secretId) => service.rotations.last(resolveArn(secretId)),
      onFinished: (listener) => service.rotations.onFinished(listener),
    },
    clock: { now: () => clock.now(), advance: (span) => scheduler.advance(spanMs(span)) },
    registerFunction,
    stop,
  };
}

export { exposureWarning, startLocalSecretsManager };
export type { LocalClock, LocalSecretsManager, LocalSecretsManagerOptions };
