// The package's types as a consumer's TypeScript finds them, under each moduleResolution still in
// use: "node" (CDK apps and older projects; needs typesVersions for the subpaths), "node16" and
// "nodenext" (from CommonJS .cts and ES module .mts files: each gets its own build's types) and
// "bundler". tsc runs in a temporary project with the packed tarball installed.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './support/packed.js';
import type { Project } from './support/packed.js';
import { appProject } from './support/projects.js';

jest.setTimeout(300_000);

const CONSUMER = join(__dirname, 'fixtures', 'types', 'consumer.ts');

const SETTINGS = {
  node: { module: 'commonjs', moduleResolution: 'node', ignoreDeprecations: '6.0', files: ['consumer.ts'] },
  node16: { module: 'node16', moduleResolution: 'node16', files: ['consumer.cts', 'consumer.mts'] },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', files: ['consumer.cts', 'consumer.mts'] },
  bundler: { module: 'esnext', moduleResolution: 'bundler', files: ['consumer.ts'] },
} as const;

let app: Project;

beforeAll(async () => {
  app = await appProject();
  expect(app.installCode).toBe(0);
});

it.each(Object.keys(SETTINGS) as (keyof typeof SETTINGS)[])(
  'a consumer type-checks with moduleResolution "%s"',
  async (mode) => {
    const { files, ...options } = SETTINGS[mode];
    const dir = join(app.dir, `types-${mode}`);
    mkdirSync(dir, { recursive: true });
    for (const file of files) copyFileSync(CONSUMER, join(dir, file));
    const compilerOptions = {
      ...options,
      target: 'es2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    const tsc = await run(join(app.dir, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: dir });
    expect(tsc.stdout).toBe('');
    expect(tsc.code).toBe(0);
  },
);
