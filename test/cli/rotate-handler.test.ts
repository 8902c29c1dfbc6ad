// `rotation-kit rotate` choosing its handler: the template the secret calls for when neither
// --template nor --handler is given, and a user's own bundled handler with --handler (built here
// with esbuild from this repository's sources, as a team bundles its Lambda). Real PostgreSQL, the
// local Secrets Manager over HTTP.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { build } from 'esbuild';
import { STEPS } from '../../src/rotation/constants.js';
import { loginWorks, superuserSecret } from '../support/postgres.js';
import { secretAt, startRotationSetup } from '../e2e/support/single-user-rotation.js';
import type { RotationSetup } from '../e2e/support/single-user-rotation.js';
import { expectNoSecrets, jsonOf, runCli, runCliProcess } from './support/cli.js';

const SRC = resolve(__dirname, '../../src');
let setup: RotationSetup;
let dir: string;

beforeAll(async () => {
  setup = await startRotationSetup();
  dir = mkdtempSync(join(tmpdir(), 'rk-handler-'));
});
afterAll(async () => {
  await setup?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface RotateJson {
  ok: boolean;
  template?: string;
  templateChosenBecause?: string;
  wiring: string;
  steps: { step: string; ok: boolean }[];
}

it('without --template or --handler, runs the template the secret calls for, and says why', async () => {
  const { name, secret } = await setup.createUserSecret('rk_auto');
  const run = await runCli(['rotate', name, '--endpoint', setup.server.endpoint, '--json']);
  expect(run.code).toBe(0);
  expect(jsonOf<RotateJson>(run)).toMatchObject({
    ok: true,
    template: 'postgres-single-user',
    templateChosenBecause: 'engine "postgres", no masterarn',
  });
  expect(await loginWorks(await secretAt(setup.admin, name))).toBe(true);
  expectNoSecrets(run, [secret.password]);

  const text = await runCli(['rotate', name, '--endpoint', setup.server.endpoint]);
  expect(text.stdout).toContain('template chosen from the secret: engine "postgres", no masterarn');
});

it('a secret with a masterarn calls for the multi-user template', async () => {
  const name = `auto/multi-${Date.now()}`;
  const secret = {
    ...superuserSecret(),
    username: 'rk_not_there',
    masterarn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin',
  };
  await setup.admin.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
  const run = await runCli([
    'rotate',
    name,
    '--endpoint',
    setup.server.endpoint,
    '--step',
    'createSecret',
    '--json',
  ]);
  expect(jsonOf<RotateJson>(run)).toMatchObject({ template: 'postgres-multi-user' });
});

it('--handler runs the user’s own bundled handler (its logs on stderr), all four steps', async () => {
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { createRotationHandler } from ${JSON.stringify(join(SRC, 'index.ts'))};
import { createPostgresAdapter } from ${JSON.stringify(join(SRC, 'adapters/postgres/index.ts'))};
export const handler = createRotationHandler({
  adapter: createPostgresAdapter(),
  steps: { testSecret: async (_context, next) => { process.stdout.write('the user handler ran testSecret\\n'); await next(); } },
});
`,
  );
  const file = join(dir, 'dist', 'index.js');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
  });

  const { name, secret } = await setup.createUserSecret('rk_own');
  const run = await runCli([
    'rotate',
    name,
    '--handler',
    file,
    '--endpoint',
    setup.server.endpoint,
    '--json',
  ]);
  expect(run.code).toBe(0);
  const json = jsonOf<RotateJson>(run);
  expect(json).toMatchObject({
    ok: true,
    wiring: `handler exported by ${file}`,
    steps: STEPS.map((step) => ({ step, ok: true })),
  });
  expect(json.template).toBeUndefined();
  expect(run.stderr).toContain('the user handler ran testSecret');
  const current = await secretAt(setup.admin, name);
  expect(await loginWorks(current)).toBe(true);
  expect(await loginWorks(secret)).toBe(false);
  expectNoSecrets(run, [secret.password, current.password]);
});

it('--handler also runs an ES module bundle (drivers external, as the README guide builds it)', async () => {
  // Under the repository, so that the external pg resolves from its node_modules.
  const out = join(SRC, '..', '.tmp', `rk-handler-${process.pid}`);
  mkdirSync(out, { recursive: true });
  try {
    const entry = join(out, 'entry.ts');
    writeFileSync(
      entry,
      `import { createRotationHandler } from ${JSON.stringify(join(SRC, 'index.ts'))};
import { createPostgresAdapter } from ${JSON.stringify(join(SRC, 'adapters/postgres/index.ts'))};
export const handler = createRotationHandler({ adapter: createPostgresAdapter() });
`,
    );
    const file = join(out, 'index.mjs');
    await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      external: ['pg', 'mysql2'],
      minify: true,
      logLevel: 'warning',
    });
    const { name, secret } = await setup.createUserSecret('rk_own_esm');
    // A real process: Node's own ES module loader, not Jest's.
    const run = await runCliProcess([
      'rotate',
      name,
      '--handler',
      file,
      '--endpoint',
      setup.server.endpoint,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(jsonOf<RotateJson>(run)).toMatchObject({
      ok: true,
      steps: STEPS.map((step) => ({ step, ok: true })),
    });
    expect(await loginWorks(await secretAt(setup.admin, name))).toBe(true);
    expectNoSecrets(run, [secret.password]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
