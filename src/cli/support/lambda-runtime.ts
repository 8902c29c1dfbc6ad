import { join } from 'node:path';
import { findPackageRoot } from '../../shared/package-root.js';

/**
 * Where the CLI looks for AWS's Lambda runtime interface client: the user's project first, then
 * this repository's `tools/lambda-runtime` (installed by `npm ci` in a checkout; absent from the
 * published package).
 */
function lambdaRuntimeSearchDirs(): string[] {
  const root = findPackageRoot(__dirname);
  return root ? [process.cwd(), join(root, 'tools', 'lambda-runtime')] : [process.cwd()];
}

export { lambdaRuntimeSearchDirs };
