import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * This package's version, from its package.json: the nearest one above this file named
 * rotation-kit (src/cli/support when run from source, dist/src/cli/support when installed).
 */
function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'rotation-kit' && manifest.version) return manifest.version;
    } catch {
      // no package.json here: keep walking up
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

export { packageVersion };
