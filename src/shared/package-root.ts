import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'rotation-kit';

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * The folder holding rotation-kit's package.json, found by walking up from `from`: the code runs
 * both from `src/` (tests, tsx) and from `dist/src/` (the published package). Undefined if none.
 */
function findPackageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest)?.name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** rotation-kit's version, from the package.json above `from`; `unknown` if none is found. */
function packageVersion(from: string): string {
  const root = findPackageRoot(from);
  const version = root ? readManifest(join(root, 'package.json'))?.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

export { PACKAGE_NAME, findPackageRoot, packageVersion };
