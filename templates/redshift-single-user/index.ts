/** Rotates a Redshift user's own password (sent as its MD5 hash). Handler: `index.handler`. */
import { createRotationHandler } from '../../src/index.js';
import { createRedshiftAdapter } from '../../src/adapters/redshift/index.js';

export const handler = createRotationHandler({ adapter: createRedshiftAdapter() });
