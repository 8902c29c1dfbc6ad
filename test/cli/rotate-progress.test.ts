// `rotation-kit rotate` shows a step's elapsed time while it runs. Not a terminal here, so the
// progress comes as plain lines, one per whole second: a database that accepts the connection and
// answers nothing for 1.5 s (then hangs up) keeps setSecret busy long enough for one.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startRotationSetup } from '../e2e/support/single-user-rotation.js';
import type { RotationSetup } from '../e2e/support/single-user-rotation.js';
import { superuserSecret } from '../support/postgres.js';
import { runCli } from './support/cli.js';

let setup: RotationSetup;
let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  setup = await startRotationSetup();
  silent = createServer((socket) => {
    sockets.push(socket);
    setTimeout(() => socket.destroy(), 1500);
  });
  await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((closed) => silent.close(closed));
  await setup?.stop();
});

it('prints a plain "still running" line per second while a step waits on the database', async () => {
  const { port } = silent.address() as AddressInfo;
  const name = `progress/${Date.now()}`;
  const secret = { ...superuserSecret(), port, username: 'rk_nobody' };
  await setup.admin.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
  const run = await runCli([
    'rotate',
    name,
    '--template',
    'postgres-single-user',
    '--endpoint',
    setup.server.endpoint,
  ]);
  expect(run.code).toBe(1);
  const lines = run.stdout.split('\n');
  const setSecretLine = lines.findIndex((line) => /✗ setSecret/.test(line));
  const progressLine = lines.findIndex((line) => line === '  … setSecret still running (1 s)');
  expect(progressLine).toBeGreaterThan(-1);
  expect(progressLine).toBeLessThan(setSecretLine);
  expect(run.stdout).not.toContain('\r');
});
