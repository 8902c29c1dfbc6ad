import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { buildTemplates, formatSizeTable } from '../../scripts/build-templates.js';
import { ConfigurationError } from '../../src/shared/errors.js';

const REPO_ROOT = join(__dirname, '..', '..');

/** A template shaped like the real ones: pg (with its optional pg-native) and the SDK client. */
const FIXTURE = `
import { Client } from 'pg';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const secretsManager = new SecretsManagerClient({ region: 'us-east-1' });

export const handler = async (event: { Step: string }) => ({
  step: event.Step,
  pg: typeof Client,
  sdk: typeof secretsManager.send,
});
`;

let root: string;

/** Unix mode of each zip entry, read from the central directory (fflate's unzip does not expose it). */
function zipEntryModes(zip: Buffer): Record<string, number> {
  const modes: Record<string, number> = {};
  for (let at = zip.indexOf(CENTRAL_HEADER); at !== -1; at = zip.indexOf(CENTRAL_HEADER, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    modes[name] = zip.readUInt32LE(at + 38) >>> 16;
  }
  return modes;
}
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** A throwaway project: templates/<name>/index.ts, and the repository's node_modules linked in. */
function project(templates: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'project-'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [name, source] of Object.entries(templates)) {
    mkdirSync(join(dir, 'templates', name), { recursive: true });
    writeFileSync(join(dir, 'templates', name, 'index.ts'), source);
  }
  return dir;
}

/** Unzips into a folder with no node_modules anywhere above it and calls the handler in a fresh node. */
function invokeFromZip(zipPath: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(root, 'lambda-'));
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath))))
    writeFileSync(join(dir, name), bytes);
  const script =
    "require('./index.js').handler({ Step: 'createSecret' }).then((r) => console.log(JSON.stringify(r)))";
  const result = spawnSync(process.execPath, ['--enable-source-maps', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_PATH: '' },
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rotation-kit-build-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('buildTemplates', () => {
  it('bundles each template into a self-contained zip whose index.handler runs with no node_modules', async () => {
    const dir = project({ 'probe-single': FIXTURE });
    const report = await buildTemplates({ rootDir: dir });

    expect(report).toEqual({
      awsSdk: 'bundle',
      target: 'node20',
      templates: [
        expect.objectContaining({
          name: 'probe-single',
          zipPath: join('dist', 'templates', 'probe-single.zip'),
        }),
      ],
    });
    const zipPath = join(dir, 'dist', 'templates', 'probe-single.zip');
    expect(Object.keys(unzipSync(readFileSync(zipPath))).sort()).toEqual(['index.js', 'index.js.map']);
    // Regular files readable by everyone: Lambda runs the code as a different user than the owner.
    expect(zipEntryModes(readFileSync(zipPath))).toEqual({ 'index.js': 0o100644, 'index.js.map': 0o100644 });

    const run = invokeFromZip(zipPath);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ step: 'createSecret', pg: 'function', sdk: 'function' });

    const code = readFileSync(join(dir, 'dist', 'templates', 'probe-single', 'index.js'), 'utf8');
    expect(code.includes('require("@aws-sdk/client-secrets-manager")')).toBe(false);
    // pg's optional native binding stays an unresolved require, never bundled.
    expect(code.includes('require("pg-native")')).toBe(true);
  });

  it('writes sizes.json with the bytes actually on disk', async () => {
    const dir = project({ 'probe-a': FIXTURE, 'probe-b': FIXTURE });
    const report = await buildTemplates({ rootDir: dir });
    const out = join(dir, 'dist', 'templates');
    expect(JSON.parse(readFileSync(join(out, 'sizes.json'), 'utf8'))).toEqual(report);
    expect(report.templates.map((t) => t.name)).toEqual(['probe-a', 'probe-b']);
    for (const t of report.templates) {
      expect(t.bundleBytes).toBe(statSync(join(out, t.name, 'index.js')).size);
      expect(t.sourceMapBytes).toBe(statSync(join(out, t.name, 'index.js.map')).size);
      expect(t.zipBytes).toBe(statSync(join(out, `${t.name}.zip`)).size);
    }
    const table = formatSizeTable(report);
    expect(table).toContain('| template | index.js | index.js.map | zip |');
    expect(table).toContain('| probe-b |');
  });

  it('writes byte-identical zips for identical code, so CDK asset hashes stay stable', async () => {
    const dir = project({ 'probe-single': FIXTURE });
    await buildTemplates({ rootDir: dir });
    const first = readFileSync(join(dir, 'dist', 'templates', 'probe-single.zip'));
    await buildTemplates({ rootDir: dir });
    expect(readFileSync(join(dir, 'dist', 'templates', 'probe-single.zip')).equals(first)).toBe(true);
  });

  it('with awsSdk "external", leaves the SDK to the runtime: smaller, and needs it at run time', async () => {
    const dir = project({ 'probe-single': FIXTURE });
    const bundled = await buildTemplates({ rootDir: dir, outDir: 'bundled' });
    const external = await buildTemplates({ rootDir: dir, outDir: 'external', awsSdk: 'external' });
    expect(external.awsSdk).toBe('external');
    expect(external.templates[0]!.bundleBytes).toBeLessThan(bundled.templates[0]!.bundleBytes);

    const code = readFileSync(join(dir, 'external', 'probe-single', 'index.js'), 'utf8');
    expect(code.includes('require("@aws-sdk/client-secrets-manager")')).toBe(true);
    const run = invokeFromZip(join(dir, 'external', 'probe-single.zip'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("Cannot find module '@aws-sdk/client-secrets-manager'");
  });

  it('builds only the templates asked for', async () => {
    const dir = project({ 'probe-a': FIXTURE, 'probe-b': FIXTURE });
    const report = await buildTemplates({ rootDir: dir, only: ['probe-b'] });
    expect(report.templates.map((t) => t.name)).toEqual(['probe-b']);
  });

  describe('refuses bad input with a ConfigurationError naming it', () => {
    it.each([
      ['an unknown awsSdk mode', { awsSdk: 'vendored' as never }, 'awsSdk'],
      ['an unknown template in only', { only: ['nope'] }, 'only'],
    ])('%s', async (_name, options, setting) => {
      const dir = project({ 'probe-single': 'export const handler = async () => 1;' });
      const attempt = buildTemplates({ rootDir: dir, ...options });
      await expect(attempt).rejects.toThrow(ConfigurationError);
      await expect(attempt).rejects.toThrow(`Setting "${setting}"`);
    });

    it('a folder without templates', async () => {
      await expect(buildTemplates({ rootDir: project({}) })).rejects.toThrow('Setting "templatesDir"');
    });

    it('a template folder name that is not kebab-case', async () => {
      const dir = project({ Probe_One: 'export const handler = async () => 1;' });
      await expect(buildTemplates({ rootDir: dir })).rejects.toThrow('Setting "templates/Probe_One"');
    });
  });
});
