import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { ConfigurationError } from '../../shared/errors.js';

/** Unzips the package into a fresh task root; refuses entries that would land outside it. */
function extractZip(zip: string | Uint8Array): string {
  let bytes: Uint8Array;
  try {
    bytes = typeof zip === 'string' ? readFileSync(zip) : zip;
  } catch (error) {
    throw new ConfigurationError('zip', `a readable .zip file (${(error as Error).message})`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new ConfigurationError('zip', `a valid zip archive (${(error as Error).message})`);
  }
  const taskRoot = mkdtempSync(join(tmpdir(), 'rotation-kit-lambda-'));
  try {
    for (const [name, content] of Object.entries(entries)) {
      const relative = normalize(name);
      if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`))
        throw new ConfigurationError('zip', `entries inside the package (not ${name})`);
      const target = join(taskRoot, relative);
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  } catch (error) {
    rmSync(taskRoot, { recursive: true, force: true });
    throw error;
  }
  return taskRoot;
}

export { extractZip };
