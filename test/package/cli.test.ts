// The `rotation-kit` command of the packed tarball, installed in a temporary project and run in a
// clean environment: no AWS variables, an empty HOME (no AWS config), and the AWS SDK's
// Node-version switch unset, as on a developer's machine.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager } from '../../src/local/index.js';
import type { LocalSecretsManager } from '../../src/local/index.js';
import { run } from './support/packed.js';
import type { Project, RunResult } from './support/packed.js';
import { bareProject } from './support/projects.js';

jest.setTimeout(300_000);

let bare: Project;
let home: string;
let local: LocalSecretsManager;

beforeAll(async () => {
  bare = await bareProject();
  expect(bare.installCode).toBe(0);
  home = mkdtempSync(join(tmpdir(), 'rk-cli-home-'));
  local = await startLocalSecretsManager();
  const client = new SecretsManagerClient(local.clientConfig);
  const secret = { engine: 'postgres', host: '127.0.0.1', port: 5432, username: 'app', password: 'pw-1' };
  await client.send(new CreateSecretCommand({ Name: 'app/db', SecretString: JSON.stringify(secret) }));
  client.destroy();
});

afterAll(async () => {
  await local?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** The process environment without anything AWS: what a fresh shell has. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' };
  return { ...env, ...extra };
}

function cli(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<RunResult> {
  return run(join(bare.dir, 'node_modules', '.bin', 'rotation-kit'), args, { cwd: bare.dir, env });
}

const LOOPBACK_NOTE = /loopback endpoint/g;

it('--version prints the package version', async () => {
  const { version } = JSON.parse(
    readFileSync(join(bare.dir, 'node_modules', 'rotation-kit', 'package.json'), 'utf8'),
  );
  const result = await cli(['--version']);
  expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
});

describe('against a loopback --endpoint (rotation-kit serve, the local Secrets Manager)', () => {
  it('needs no region or credentials: us-east-1 and placeholder ones, said once on stderr', async () => {
    const result = await cli(['status', 'app/db', '--endpoint', local.endpoint, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'app/db' });
    expect([0, 3]).toContain(result.code);
    expect(result.stderr.match(LOOPBACK_NOTE)).toHaveLength(1);
  });

  it('never shows the AWS SDK Node-version warning', async () => {
    // Region and credentials given: only the warning is in question here.
    const env = cleanEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const result = await cli(
      ['status', 'app/db', '--endpoint', local.endpoint, '--region', 'us-east-1'],
      env,
    );
    expect(result.stdout).toContain('app/db');
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|node >=/);
  });
});

describe('region resolution, seen in the signature a server receives', () => {
  let server: Server;
  let endpoint: string;
  const regions: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '');
      regions.push(scope?.[1] ?? 'unsigned');
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not here' }));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((closed) => server.close(closed)));

  async function regionUsed(env: NodeJS.ProcessEnv, args: string[] = []): Promise<string | undefined> {
    regions.length = 0;
    await cli(['status', 'app/db', '--endpoint', endpoint, ...args], cleanEnv(env));
    return regions[0];
  }

  it('honours --region, AWS_REGION, AWS_DEFAULT_REGION and the profile region, else us-east-1', async () => {
    expect(await regionUsed({})).toBe('us-east-1');
    expect(await regionUsed({ AWS_DEFAULT_REGION: 'eu-west-1' })).toBe('eu-west-1');
    expect(await regionUsed({ AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'eu-west-3' })).toBe('eu-west-3');
    expect(await regionUsed({ AWS_REGION: 'eu-west-3' }, ['--region', 'ap-south-1'])).toBe('ap-south-1');
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), '[profile team]\nregion = eu-central-1\n');
    try {
      expect(await regionUsed({}, ['--profile', 'team'])).toBe('eu-central-1');
    } finally {
      rmSync(join(home, '.aws'), { recursive: true, force: true });
    }
  });

  it('against real AWS, a missing region says which variable or flag to set', async () => {
    const result = await cli(['status', 'app/db', '--endpoint', 'https://secretsmanager.invalid']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/No AWS region: pass --region, or set AWS_REGION or AWS_DEFAULT_REGION/);
  });
});

it('the library leaves the SDK switch alone in its users’ processes', async () => {
  const script = `require('rotation-kit'); require('rotation-kit/postgres');
    console.log(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'unset');`;
  const result = await run(process.execPath, ['-e', script], { cwd: bare.dir, env: cleanEnv() });
  expect(result.stdout.trim()).toBe('unset');
});
