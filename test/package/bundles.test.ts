// A team bundles its own Lambda entry with esbuild, as the README's "Use it in your own Lambda"
// guide says, from the packed tarball installed in a temporary project: as CommonJS and as an ES
// module (no banner), minified; and imports the package unbundled from ESM and CommonJS. The
// bundles run a real rotation (local Secrets Manager, the globalSetup PostgreSQL). Error names
// survive minification, in users' bundles and in the shipped template zips.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import * as postgres from '../support/postgres.js';
import { run } from './support/packed.js';
import type { Project } from './support/packed.js';
import { appProject } from './support/projects.js';

jest.setTimeout(300_000);

const FIXTURE = join(__dirname, 'fixtures', 'rotate.mjs');
let app: Project;
const roles: string[] = [];

beforeAll(async () => {
  app = await appProject();
  expect(app.installCode).toBe(0);
  writeFileSync(join(app.dir, 'rotate.mjs'), readFileSync(FIXTURE));
});

afterAll(() => postgres.dropRoles(roles));

async function esbuild(args: string[]): Promise<void> {
  const built = await run(
    join(app.dir, 'node_modules', '.bin', 'esbuild'),
    [...args, '--log-level=warning'],
    {
      cwd: app.dir,
    },
  );
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
}

/** A fresh role on the test server, and its secret (plaintext: the test server has no TLS). */
async function userSecret(): Promise<string> {
  const name = postgres.uniqueRole('rk_pkg');
  const password = postgres.randomPassword();
  await postgres.createRole(name, password);
  roles.push(name);
  return JSON.stringify(postgres.userSecret(postgres.superuserSecret(), name, password));
}

interface Outcome {
  succeeded: boolean;
  completedSteps: string[];
  failedStep?: string;
  error?: { name: string; message: string };
  stages: string[][];
}

async function rotateWith(file: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const secret = env.RK_SECRET ?? (await userSecret());
  const ran = await run(process.execPath, [file], {
    cwd: app.dir,
    env: { ...process.env, RK_ENGINE: 'postgres', ...env, RK_SECRET: secret },
  });
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  return JSON.parse(ran.stdout.trim().split('\n').pop() as string) as Outcome;
}

/**
 * The esbuild commands of the packed README's "Use it in your own Lambda" guide, as argument lists:
 * `cjs` and `esm`, with the entry and output paths swapped for this test's.
 */
function guideCommands(): Record<'cjs' | 'esm', string[]> {
  const readme = readFileSync(join(app.dir, 'node_modules', 'rotation-kit', 'README.md'), 'utf8');
  const guide = readme.slice(readme.indexOf('## Use it in your own Lambda'));
  const commands = [...guide.matchAll(/^esbuild (?:.*\\\n)*.*$/gm)].map((match) =>
    match[0].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean).slice(1),
  );
  const find = (format: string) => {
    const command = commands.find((args) => args.includes(`--format=${format}`));
    if (!command) throw new Error(`the README's guide has no esbuild command for --format=${format}`);
    return command.map((arg) =>
      arg === 'src/rotation.ts' ? 'rotate.mjs' : arg.replace(/^--outfile=dist\//, `--outfile=out/${format}/`),
    );
  };
  return { cjs: find('cjs'), esm: find('esm') };
}

describe('a user bundles their own entry with the README guide’s esbuild commands', () => {
  it('as CommonJS, minified, everything bundled: a full rotation', async () => {
    await esbuild(guideCommands().cjs);
    const outcome = await rotateWith('out/cjs/index.js');
    expect(outcome).toMatchObject({
      succeeded: true,
      completedSteps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    });
  });

  it('as an ES module, minified, no banner (the drivers external, from node_modules): a full rotation', async () => {
    await esbuild(guideCommands().esm);
    const outcome = await rotateWith('out/esm/index.mjs');
    expect(outcome).toMatchObject({
      succeeded: true,
      completedSteps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    });
  });

  it('keeps the error names when minified: a bad secret fails createSecret with SecretShapeError', async () => {
    // port as a string: refused before anything is written
    const bad = JSON.stringify({ ...postgres.superuserSecret(), port: 'five' });
    const outcome = await rotateWith('out/cjs/index.js', { RK_SECRET: bad });
    expect(outcome.failedStep).toBe('createSecret');
    expect(outcome.error?.name).toBe('SecretShapeError');
    const esm = await rotateWith('out/esm/index.mjs', { RK_SECRET: bad });
    expect(esm.error?.name).toBe('SecretShapeError');
  });
});

describe('imported unbundled', () => {
  it('from an ES module: every entry point but cdk (which needs aws-cdk-lib)', async () => {
    const outcome = await rotateWith('rotate.mjs');
    expect(outcome.succeeded).toBe(true);
  });

  it('from CommonJS: every entry point but cdk', async () => {
    const script = `
      const kit = require('rotation-kit');
      const names = [kit.createRotationHandler, require('rotation-kit/postgres').createPostgresAdapter,
        require('rotation-kit/mysql').createMySqlAdapter, require('rotation-kit/local').startLocalSecretsManager,
        require('rotation-kit/testing').createRotationHarness,
        require('rotation-kit/redshift').createRedshiftAdapter].map((f) => typeof f);
      console.log(JSON.stringify([...names, new kit.SecretShapeError('port', 'a number').name]));`;
    const ran = await run(process.execPath, ['-e', script], { cwd: app.dir });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual([...Array(6).fill('function'), 'SecretShapeError']);
  });
});

it('the missing-driver check loads neither driver (they still load at the first connection)', async () => {
  const script = `
    const { createPostgresAdapter } = require('rotation-kit/postgres');
    const { createMySqlAdapter } = require('rotation-kit/mysql');
    // The driver's code, not its package.json (which the check reads).
    const loaded = () => Object.keys(require.cache).filter((file) => /node_modules[\\/]pg[\\/].*\\.js$/.test(file)).length;
    const postgres = createPostgresAdapter();
    (async () => {
      await Promise.all([postgres.checkDependencies(), createMySqlAdapter().checkDependencies()]);
      const afterCheck = loaded();
      const closed = postgres.parseSecret({ engine: 'postgres', host: '127.0.0.1', port: 1, username: 'u', password: 'p', sslmode: 'disable' });
      await postgres.canLogin(closed).catch(() => undefined);
      console.log(JSON.stringify({ afterCheck, afterConnect: loaded() }));
    })();`;
  const ran = await run(process.execPath, ['-e', script], { cwd: app.dir });
  expect(ran.stderr).toBe('');
  const { afterCheck, afterConnect } = JSON.parse(ran.stdout);
  expect(afterCheck).toBe(0);
  expect(afterConnect).toBeGreaterThan(0); // the probe sees a loaded driver
});

describe('the shipped template zip', () => {
  it('reports TlsRequiredError by name when verify-full meets a server without TLS', async () => {
    const zip = join(
      app.dir,
      'node_modules',
      'rotation-kit',
      'dist',
      'templates',
      'postgres-single-user.zip',
    );
    const taskRoot = join(app.dir, 'lambda', 'postgres-single-user');
    mkdirSync(taskRoot, { recursive: true });
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zip))))
      writeFileSync(join(taskRoot, name), bytes);
    const secret = JSON.parse(await userSecret()) as Record<string, unknown>;
    delete secret.sslmode; // the default, verify-full
    const outcome = await rotateWith('rotate.mjs', {
      RK_HANDLER: join(taskRoot, 'index.js'),
      RK_SECRET: JSON.stringify(secret),
    });
    expect(outcome.failedStep).toBe('setSecret');
    expect(outcome.error?.name).toBe('TlsRequiredError');
  });
});
