// Installs tools/lambda-runtime: AWS's Lambda runtime interface client (aws-lambda-ric, whose
// install builds a native part) and the Node.js 22 it needs (npm's `node` package), from that
// folder's own lockfile. They live apart from the root package because the `node` package links a
// `node` binary into node_modules/.bin, which would make every npm script of this project run on
// Node.js 22 instead of the Node.js the developer or CI chose.
//
// Run by `prepare` on `npm ci` / `npm install` of this repository (not when packing), and by
// `npm run setup:lambda-runtime`. A failure is a warning (the tests that need the runtime client
// then say why they skip), except under CI=true, where it fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../tools/lambda-runtime/', import.meta.url).pathname;

function version(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** True when what the lockfile pins is installed and built. */
function installed() {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  return (
    ['aws-lambda-ric', 'node'].every(
      (name) =>
        version(join(dir, 'node_modules', name, 'package.json')) ===
        lock.packages[`node_modules/${name}`]?.version,
    ) &&
    existsSync(join(dir, 'node_modules', 'aws-lambda-ric', 'rapid-client.node')) &&
    existsSync(join(dir, 'node_modules', 'node', 'bin', 'node'))
  );
}

function main() {
  if (!existsSync(join(dir, 'package-lock.json'))) return 0;
  if (['pack', 'publish'].includes(process.env.npm_command ?? '')) return 0;
  if (installed()) return 0;
  console.error(
    'rotation-kit: installing the Lambda runtime interface client in tools/lambda-runtime (about a minute)',
  );
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (result.status === 0 && installed()) return 0;
  const why = result.error ? result.error.message : `npm ci exited with ${result.status}`;
  console.error(
    `rotation-kit: WARNING: the Lambda runtime interface client could not be installed (${why}); ` +
      'the tests that run template zips under it will skip (under CI=true they fail). Retry: npm run setup:lambda-runtime',
  );
  return process.env.CI === 'true' ? 1 : 0;
}

process.exitCode = main();
