import { ConfigurationError } from '../shared/errors.js';
import { ROTATION_TEMPLATES, isMultiUserTemplate, isRotationTemplateName } from './template-code.js';
import type { RotationTemplateName } from './template-code.js';

/** The engine's strategies (`singleUser()`, `alternatingUsers()`): they decide what IAM needs. */
const ROTATION_STRATEGIES = ['single-user', 'alternating-users'] as const;
type RotationStrategyName = (typeof ROTATION_STRATEGIES)[number];

/** Who changes a single user's password (`singleUser({ changedBy })`). */
type ChangedBy = 'self' | 'superuser';

/** What the function runs, as far as permissions go. */
interface FunctionRole {
  readonly strategy: RotationStrategyName;
  readonly changedBy?: ChangedBy;
  /** Whether each secret needs the superuser secret its `masterarn` names. */
  readonly masterSecret: 'required' | 'optional';
}

interface StrategyChoice {
  readonly template?: RotationTemplateName;
  readonly code?: unknown;
  readonly strategy?: RotationStrategyName;
  readonly changedBy?: ChangedBy;
}

/**
 * A built-in template implies its strategy (the single-user templates are `changedBy: 'self'`,
 * with the superuser fallback); your own `code` says which it runs.
 */
function functionRoleOf(choice: StrategyChoice): FunctionRole {
  if (choice.template !== undefined && !isRotationTemplateName(choice.template)) {
    throw new ConfigurationError('template', `one of ${ROTATION_TEMPLATES.join(', ')}`);
  }
  if (
    choice.strategy !== undefined &&
    !(ROTATION_STRATEGIES as readonly string[]).includes(choice.strategy)
  ) {
    throw new ConfigurationError('strategy', `one of ${ROTATION_STRATEGIES.join(', ')}`);
  }
  if (choice.changedBy !== undefined && choice.changedBy !== 'self' && choice.changedBy !== 'superuser') {
    throw new ConfigurationError('changedBy', "'self' or 'superuser'");
  }
  let strategy = choice.strategy;
  if (choice.template !== undefined) {
    const implied = isMultiUserTemplate(choice.template) ? 'alternating-users' : 'single-user';
    if (strategy !== undefined && strategy !== implied) {
      throw new ConfigurationError('strategy', `${implied} (what ${choice.template} runs), or no strategy`);
    }
    if (choice.changedBy === 'superuser') {
      throw new ConfigurationError(
        'changedBy',
        `'self' for ${choice.template} (it changes the password as the user); 'superuser' needs your own code`,
      );
    }
    strategy = implied;
  } else {
    if (choice.code === undefined)
      throw new ConfigurationError('template', `one of ${ROTATION_TEMPLATES.join(', ')}, or your own code`);
    if (strategy === undefined) {
      throw new ConfigurationError('strategy', `${ROTATION_STRATEGIES.join(' or ')}: what your code runs`);
    }
  }
  if (strategy === 'alternating-users') {
    if (choice.changedBy !== undefined) {
      throw new ConfigurationError(
        'changedBy',
        'nothing for alternating-users (the superuser always changes it)',
      );
    }
    return { strategy, masterSecret: 'required' };
  }
  const changedBy = choice.changedBy ?? 'self';
  return { strategy, changedBy, masterSecret: changedBy === 'superuser' ? 'required' : 'optional' };
}

export { ROTATION_STRATEGIES, functionRoleOf };
export type { ChangedBy, FunctionRole, RotationStrategyName };
