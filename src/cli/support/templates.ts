import { adapterForEngine } from '../../adapters/registry.js';
import type { DatabaseAdapter } from '../../rotation/adapter.js';
import { alternatingUsers } from '../../rotation/strategies/alternating-users.js';
import { dualPassword } from '../../rotation/strategies/dual-password.js';
import { singleUser } from '../../rotation/strategies/single-user.js';
import type { RotationStrategy } from '../../rotation/strategies/strategy.js';

type AdapterFamily = 'postgres' | 'mysql' | 'redshift' | 'redis';
type StrategyName = 'single-user' | 'alternating-users' | 'dual-password';

interface TemplateSpec {
  family: AdapterFamily;
  strategy: StrategyName;
  /** Redis ACL users are changed by the `masterarn` superuser, never by themselves. */
  changedBy?: 'superuser';
}

/**
 * The deployable templates (`templates/<name>/index.ts`) and what each wires into
 * `createRotationHandler`: the same adapter (with its defaults) and strategy, so `rotate` runs
 * exactly the handler the template deploys.
 */
const TEMPLATES = {
  'postgres-single-user': { family: 'postgres', strategy: 'single-user' },
  'postgres-multi-user': { family: 'postgres', strategy: 'alternating-users' },
  'mysql-single-user': { family: 'mysql', strategy: 'single-user' },
  'mysql-multi-user': { family: 'mysql', strategy: 'alternating-users' },
  'redshift-single-user': { family: 'redshift', strategy: 'single-user' },
  'redshift-multi-user': { family: 'redshift', strategy: 'alternating-users' },
  'redis-single-user': { family: 'redis', strategy: 'single-user', changedBy: 'superuser' },
  'redis-dual-password': { family: 'redis', strategy: 'dual-password', changedBy: 'superuser' },
} as const satisfies Record<string, TemplateSpec>;

type TemplateName = keyof typeof TEMPLATES;
const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

interface TemplateWiring {
  adapter: DatabaseAdapter;
  strategy: RotationStrategy;
  /** How the template calls the engine, for display. */
  wiring: string;
}

const FACTORIES: Record<AdapterFamily, string> = {
  postgres: 'createPostgresAdapter',
  mysql: 'createMySqlAdapter',
  redshift: 'createRedshiftAdapter',
  redis: 'createRedisAdapter',
};

const STRATEGY_CALLS: Record<StrategyName, string> = {
  'single-user': 'singleUser',
  'alternating-users': 'alternatingUsers',
  'dual-password': 'dualPassword',
};

function createStrategy(spec: TemplateSpec): RotationStrategy {
  const options = spec.changedBy ? { changedBy: spec.changedBy } : {};
  if (spec.strategy === 'alternating-users') return alternatingUsers();
  return spec.strategy === 'dual-password' ? dualPassword(options) : singleUser(options);
}

/** The adapter (its driver loaded on demand) and strategy a template uses. */
async function templateWiring(name: TemplateName): Promise<TemplateWiring> {
  const spec: TemplateSpec = TEMPLATES[name];
  const args = spec.changedBy ? `{ changedBy: '${spec.changedBy}' }` : '';
  return {
    adapter: await adapterForEngine(spec.family),
    strategy: createStrategy(spec),
    wiring: `createRotationHandler({ adapter: ${FACTORIES[spec.family]}(), strategy: ${STRATEGY_CALLS[spec.strategy]}(${args}) })`,
  };
}

export { TEMPLATES, TEMPLATE_NAMES, templateWiring };
export type { AdapterFamily, TemplateName, TemplateWiring };
