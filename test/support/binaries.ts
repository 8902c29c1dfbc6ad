/**
 * Shared plumbing for tests that run a server binary of their own (pgbouncer, redis-server):
 * finding it, saying why it is missing, skipping (or, under CI=true, failing) the suites that need
 * it, a free loopback port, and waiting for the process to exit.
 */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A server binary that some test suites need. */
interface TestBinary {
  /** The file name looked up on PATH and in `extraDirs`, e.g. `pgbouncer`. */
  readonly name: string;
  /** The env var that, when set, is the only path tried (a binary built elsewhere). */
  readonly overrideEnv: string;
  /** Dirs tried after PATH (a non-root PATH may lack sbin). */
  readonly extraDirs: readonly string[];
  /** How to install it, shown in the missing reason. */
  readonly installHint: string;
  /** What the suites test, for the CI failure: `PgBouncer` gives "the PgBouncer tests". */
  readonly suiteLabel: string;
}

/** `findBinary`, `binaryMissingReason` and `describeWithBinary`, bound to one binary. */
interface TestBinarySupport {
  /** Its path, or undefined when missing. */
  find(): string | undefined;
  /** Why the suites needing it cannot run here, or undefined when they can. */
  missingReason(): string | undefined;
  /** `describe` that skips with the reason when it is missing, or fails under CI=true. */
  describeWith(name: string, body: () => void): void;
}

/** The first executable `binary` on PATH then `extraDirs`, or only its override env var when set. */
function findBinary(binary: TestBinary): string | undefined {
  const only = process.env[binary.overrideEnv];
  const dirs = only
    ? []
    : [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...binary.extraDirs];
  for (const candidate of only ? [only] : dirs.map((dir) => path.join(dir, binary.name))) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the suites needing `binary` cannot run here, or undefined when they can. */
function binaryMissingReason(binary: TestBinary): string | undefined {
  if (findBinary(binary)) return undefined;
  const only = process.env[binary.overrideEnv];
  const where = only ? `at ${binary.overrideEnv}=${only}` : 'on PATH';
  return `${binary.name} not found ${where} (install: ${binary.installHint})`;
}

/**
 * `describe` for suites that need `binary`. Missing: skipped with the reason in the title (and
 * printed), or, under CI=true, one failing test, so that CI can never pass without running them.
 */
function describeWithBinary(binary: TestBinary, name: string, body: () => void): void {
  describeUnlessMissing(
    binaryMissingReason(binary),
    { need: binary.name, suiteLabel: binary.suiteLabel },
    name,
    body,
  );
}

/**
 * `describe`, unless `reason` says what the suites need is missing: then skipped with the reason in
 * the title (and printed), or, under CI=true, one failing test.
 */
function describeUnlessMissing(
  reason: string | undefined,
  what: { need: string; suiteLabel: string },
  name: string,
  body: () => void,
): void {
  if (!reason) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${what.need}, which CI must provide`, () => {
        throw new Error(`CI=true but the ${what.suiteLabel} tests cannot run: ${reason}`);
      });
    });
    return;
  }
  // Deliberate skip outside CI only (CI=true fails above). Straight to stderr: Jest drops console
  // output of a file whose tests are all skipped.
  process.stderr.write(`[rotation-kit tests] ${reason}; skipping "${name}"\n`);
  describe.skip(`${name} [skipped: ${reason}]`, body);
}

/**
 * The lookups for one binary. Each call reads the env afresh, so a suite sees the env of the
 * moment it is declared.
 *
 * @example
 * const REDIS = testBinary({ name: 'redis-server', overrideEnv: 'ROTATION_KIT_REDIS_SERVER', ... });
 * REDIS.describeWith('my suite', () => { ... });
 */
function testBinary(binary: TestBinary): TestBinarySupport {
  return {
    find: () => findBinary(binary),
    missingReason: () => binaryMissingReason(binary),
    describeWith: (name, body) => describeWithBinary(binary, name, body),
  };
}

/** A port on 127.0.0.1 that nothing listens on (just freed, so another process may take it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true once `child` has exited (at once if it already has), false after `ms`. */
function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export {
  binaryMissingReason,
  describeUnlessMissing,
  describeWithBinary,
  findBinary,
  freePort,
  testBinary,
  waitForExit,
};
export type { TestBinary, TestBinarySupport };
