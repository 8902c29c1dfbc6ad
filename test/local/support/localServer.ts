import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager } from '../../../src/local/index.js';
import type { LocalSecretsManager, LocalSecretsManagerOptions } from '../../../src/local/index.js';

const REPO_ROOT = resolve(__dirname, '../../..');

/** Starts one server (and an SDK client for it) for the enclosing describe block. */
function useLocalSecretsManager(options: LocalSecretsManagerOptions = {}) {
  let server: LocalSecretsManager | undefined;
  let client: SecretsManagerClient | undefined;
  beforeAll(async () => {
    server = await startLocalSecretsManager(options);
    client = new SecretsManagerClient(server.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });
  return {
    server: () => server as LocalSecretsManager,
    client: () => client as SecretsManagerClient,
  };
}

let counter = 0;
/** A secret name no other test in the file uses. */
function uniqueName(prefix = 'secret'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** A ClientRequestToken (what the SDK would generate). */
const newToken = (): string => randomUUID();

/** Asserts that a call failed with the service's error type, message and HTTP 400. */
async function expectServiceError(
  call: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<void> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected ${name}, but the call succeeded`);
  const error = caught as Error & { $metadata?: { httpStatusCode?: number } };
  expect(error.name).toBe(name);
  if (message instanceof RegExp) expect(error.message).toMatch(message);
  else if (message !== undefined) expect(error.message).toBe(message);
  expect(error.$metadata?.httpStatusCode).toBe(400);
}

/** A raw JSON 1.1 request, for what the SDK cannot send. */
async function rawRequest(
  endpoint: string,
  target: string | undefined,
  body: string,
  init: { method?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${endpoint}/`, {
    method: init.method ?? 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target ? { 'x-amz-target': target } : {}),
      ...init.headers,
    },
    ...(init.method === 'GET' ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rotation-kit-local-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface CliServer {
  readonly child: ChildProcess;
  readonly endpoint: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `rotation-kit <args>` from the sources (through tsx) as a child process. */
function runCli(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Starts `rotation-kit serve` as a child and resolves once it listens. */
async function startCliServer(args: readonly string[]): Promise<CliServer> {
  const run = runCli(['serve', '--port', '0', ...args]);
  const endpoint = await new Promise<string>((resolveEndpoint, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(run.output());
      if (match?.[1]) resolveEndpoint(match[1]);
    };
    run.child.stdout?.on('data', check);
    void run.exited.then((code) => reject(new Error(`serve exited with ${code}: ${run.output()}`)));
  });
  return { ...run, endpoint };
}

/** An SDK client for `endpoint`, signing for `region` (the region its requests belong to). */
function clientFor(endpoint: string, region = 'us-east-1'): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export {
  REPO_ROOT,
  clientFor,
  expectServiceError,
  newToken,
  rawRequest,
  runCli,
  startCliServer,
  uniqueName,
  useLocalSecretsManager,
  withTempDir,
};
export type { CliServer };
