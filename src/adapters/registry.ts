import type { DatabaseAdapter } from '../rotation/adapter.js';
import { SecretShapeError } from '../shared/errors.js';

/** The `engine` values AWS writes in database secrets, and the adapter each one needs. */
const ENGINE_ADAPTERS = {
  postgres: 'postgres',
  'aurora-postgresql': 'postgres',
  mysql: 'mysql',
  'aurora-mysql': 'mysql',
  mariadb: 'mysql',
  redshift: 'redshift',
  redis: 'redis',
  valkey: 'redis',
} as const;

type EngineName = keyof typeof ENGINE_ADAPTERS;
const ENGINE_NAMES = Object.keys(ENGINE_ADAPTERS) as EngineName[];

function isEngineName(value: unknown): value is EngineName {
  return typeof value === 'string' && Object.hasOwn(ENGINE_ADAPTERS, value);
}

/**
 * The adapter for a secret's `engine`, loaded on demand so a caller that never meets MySQL never
 * loads `mysql2` (nor `ioredis`). An unknown or missing engine is a SecretShapeError listing the accepted values.
 */
async function adapterForEngine(engine: unknown): Promise<DatabaseAdapter> {
  if (!isEngineName(engine)) throw new SecretShapeError('engine', `one of ${ENGINE_NAMES.join(', ')}`);
  if (ENGINE_ADAPTERS[engine] === 'postgres') {
    const { createPostgresAdapter } = await import('./postgres/index.js');
    return createPostgresAdapter() as unknown as DatabaseAdapter;
  }
  if (ENGINE_ADAPTERS[engine] === 'redshift') {
    const { createRedshiftAdapter } = await import('./redshift/index.js');
    return createRedshiftAdapter() as unknown as DatabaseAdapter;
  }
  if (ENGINE_ADAPTERS[engine] === 'redis') {
    const { createRedisAdapter } = await import('./redis/index.js');
    return createRedisAdapter() as unknown as DatabaseAdapter;
  }
  const { createMySqlAdapter } = await import('./mysql/index.js');
  return createMySqlAdapter() as unknown as DatabaseAdapter;
}

export { ENGINE_ADAPTERS, ENGINE_NAMES, adapterForEngine, isEngineName };
export type { EngineName };
