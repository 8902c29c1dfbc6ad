// Imports point down the layers (templates/cli/testing -> rotation/adapters/secrets -> local ->
// shared): nothing below the CLI imports from src/cli. The demo is run by the CLI, so it sits below
// it too, and shares the terminal formatting through src/shared/terminal.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

it('no module outside src/cli imports from src/cli', () => {
  const upward: string[] = [];
  for (const file of sources(SRC)) {
    if (relative(SRC, file).startsWith('cli/')) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
      const target = resolve(join(file, '..'), (match[1] ?? match[2]) as string);
      if (relative(SRC, target).startsWith('cli/'))
        upward.push(`${relative(SRC, file)} -> ${match[1] ?? match[2]}`);
    }
  }
  expect(upward).toEqual([]);
});
