/**
 * The database drivers (`pg`, `mysql2`) are optional peer dependencies, loaded at the first
 * connection so that createSecret and finishSecret never pay for them at a cold start. A missing
 * driver must still surface before createSecret writes anything, as a named error that says what
 * to install: `checkDriverInstalled` reads only the driver's package.json (a bundler inlines it; a
 * missing package fails the same way the driver would), and `loadDriver` names the failure if the
 * driver itself cannot be found.
 */
import { MissingDependencyError } from '../../shared/errors.js';

function isModuleNotFound(error: unknown, packageName: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  // Only the driver itself: a broken install deeper down keeps its own error.
  return String((error as Error).message).includes(`'${packageName}`);
}

function missingDriver(packageName: string, adapter: string): MissingDependencyError {
  return new MissingDependencyError(
    packageName,
    adapter,
    `run \`npm install ${packageName}\` (bundle it with your function, or ship it in node_modules)`,
  );
}

/** `load()`, with "cannot find the driver" turned into MissingDependencyError. */
async function loadDriver<T>(packageName: string, adapter: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error, packageName)) throw missingDriver(packageName, adapter);
    throw error;
  }
}

/** Throws MissingDependencyError unless the driver is installed; never loads the driver itself. */
async function checkDriverInstalled(
  packageName: string,
  adapter: string,
  readManifest: () => Promise<unknown>,
): Promise<void> {
  await loadDriver(packageName, adapter, readManifest);
}

export { checkDriverInstalled, loadDriver };
