// An app that installed rotation-kit but not the driver its adapter needs (`pg`, `mysql2` are
// optional peer dependencies). The rotation must stop in createSecret, before AWSPENDING is written,
// with a MissingDependencyError that names the package and the install command.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './support/packed.js';
import type { Project } from './support/packed.js';
import { bareProject } from './support/projects.js';

jest.setTimeout(300_000);

let bare: Project;

beforeAll(async () => {
  bare = await bareProject();
  expect(bare.installCode).toBe(0);
  copyFileSync(join(__dirname, 'fixtures', 'rotate.mjs'), join(bare.dir, 'rotate.mjs'));
});

const SECRETS = {
  postgres: {
    engine: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    username: 'app',
    password: 'initial-password',
  },
  mysql: { engine: 'mysql', host: '127.0.0.1', port: 3306, username: 'app', password: 'initial-password' },
  redshift: { engine: 'redshift', host: '127.0.0.1', username: 'app', password: 'initial-password' },
};
const DRIVERS = { postgres: 'pg', mysql: 'mysql2', redshift: 'pg' };

it.each(['postgres', 'mysql', 'redshift'] as const)(
  'the %s adapter without its driver: MissingDependencyError in createSecret, nothing written',
  async (engine) => {
    const driver = DRIVERS[engine];
    const ran = await run(process.execPath, ['rotate.mjs'], {
      cwd: bare.dir,
      env: { ...process.env, RK_ENGINE: engine, RK_SECRET: JSON.stringify(SECRETS[engine]) },
    });
    expect(ran.stderr).toBe('');
    const outcome = JSON.parse(ran.stdout.trim().split('\n').pop() as string);
    expect(outcome).toMatchObject({ succeeded: false, failedStep: 'createSecret', completedSteps: [] });
    expect(outcome.error.name).toBe('MissingDependencyError');
    expect(outcome.error.message).toContain(`"${driver}"`);
    expect(outcome.error.message).toContain(`npm install ${driver}`);
    expect(outcome.pendingWritten).toBe(false);
  },
);
