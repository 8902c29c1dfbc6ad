/**
 * A rotation Lambda for an API user of the service: the entry a template would be. It only picks
 * options; the adapter holds the HTTP logic. In your own project, import from `rotation-kit`
 * instead of `../../src/index.js`. Dual password: the service holds two keys while clients move
 * over, so the key AWSPREVIOUS names keeps working until the next rotation.
 */
import { createRotationHandler, dualPassword } from '../../src/index.js';
import { createApiKeyAdapter } from './adapter.js';

const handler = createRotationHandler({ adapter: createApiKeyAdapter(), strategy: dualPassword() });

export { handler };
