import { adapterForEngine } from '../../adapters/registry.js';
import type { DatabaseAdapter } from '../../rotation/adapter.js';
import { alternatingUsers } from '../../rotation/strategies/alternating-users.js';
import { singleUser } from '../../rotation/strategies/single-user.js';
import type { RotationStrategy } from '../../rotation/strategies/strategy.js';

/**
 * The deployable templates (`templates/<name>/index.ts`) and what each wires into
 * `createRotationHandler`: the same adapter (with its defaults) and strategy, so `rotate` runs
 * exactly the handler the template deploys.
 */
const TEMPLATES = {
  'postgres-single-user': { engine: 'postgres', strategy: 'single-user' },
  'postgres-multi-user': { engine: 'postgres', strategy: 'alternating-users' },
  'mysql-single-user': { engine: 'mysql', strategy: 'single-user' },
  'mysql-multi-user': { engine: 'mysql', strategy: 'alternating-users' },
} as const;

type TemplateName = keyof typeof TEMPLATES;
const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

interface TemplateWiring {
  adapter: DatabaseAdapter;
  strategy: RotationStrategy;
  /** How the template calls the engine, for display. */
  wiring: string;
}

/** The adapter (loaded on demand: `pg` or `mysql2`) and strategy a template uses. */
async function templateWiring(name: TemplateName): Promise<TemplateWiring> {
  const { engine, strategy } = TEMPLATES[name];
  const factory = engine === 'postgres' ? 'createPostgresAdapter' : 'createMySqlAdapter';
  const call = strategy === 'single-user' ? 'singleUser' : 'alternatingUsers';
  return {
    adapter: await adapterForEngine(engine),
    strategy: strategy === 'single-user' ? singleUser() : alternatingUsers(),
    wiring: `createRotationHandler({ adapter: ${factory}(), strategy: ${call}() })`,
  };
}

export { TEMPLATES, TEMPLATE_NAMES, templateWiring };
export type { TemplateName, TemplateWiring };
