// What the tarball holds: every relative link in its README (and in the documents that README
// leads to) must resolve inside the tarball, since the package has no repository to fall back on.
import { readdirSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { relativeLinks } from './support/markdown.js';
import { packedTarball, run } from './support/packed.js';

jest.setTimeout(300_000);

const REPO = resolve(__dirname, '../..');

let files: Set<string>;
let tarball: string;

beforeAll(async () => {
  tarball = await packedTarball();
  const listed = await run('tar', ['-tzf', tarball], { cwd: posix.dirname(tarball) });
  expect(listed.code).toBe(0);
  files = new Set(
    listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, '')),
  );
});

async function readPacked(path: string): Promise<string> {
  const read = await run('tar', ['-xzOf', tarball, `package/${path}`], { cwd: posix.dirname(tarball) });
  expect(read.code).toBe(0);
  return read.stdout;
}

const exists = (path: string): boolean =>
  files.has(path) || [...files].some((file) => file.startsWith(`${path.replace(/\/$/, '')}/`));

it('ships every document the README links to, and every link in those documents resolves', async () => {
  const broken: string[] = [];
  const seen = new Set<string>();
  const queue = ['README.md'];
  while (queue.length > 0) {
    const doc = queue.shift() as string;
    if (seen.has(doc)) continue;
    seen.add(doc);
    for (const link of relativeLinks(await readPacked(doc))) {
      const target = posix.normalize(posix.join(posix.dirname(doc), link.split('#')[0] as string));
      if (!exists(target)) broken.push(`${doc} -> ${link}`);
      else if (target.endsWith('.md')) queue.push(target);
      else if (files.has(posix.join(target, 'README.md'))) queue.push(posix.join(target, 'README.md'));
    }
  }
  expect(broken).toEqual([]);
  expect(seen.size).toBeGreaterThan(5);
});

it('ships the docs folder whole, as the shipped READMEs link into it', () => {
  const repoDocs = (directory: string): string[] =>
    readdirSync(join(REPO, directory), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? repoDocs(posix.join(directory, entry.name)) : [posix.join(directory, entry.name)],
    );
  expect(repoDocs('docs').filter((path) => !files.has(path))).toEqual([]);
});

it('ships both builds and the template zips, not the tests', () => {
  for (const path of ['dist/src/index.js', 'dist/esm/index.js', 'dist/esm/package.json']) {
    expect(files.has(path)).toBe(true);
  }
  expect([...files].filter((file) => file.startsWith('dist/templates/')).sort()).toEqual([
    'dist/templates/mysql-multi-user.zip',
    'dist/templates/mysql-single-user.zip',
    'dist/templates/postgres-multi-user.zip',
    'dist/templates/postgres-single-user.zip',
    'dist/templates/redis-dual-password.zip',
    'dist/templates/redis-single-user.zip',
    'dist/templates/redshift-multi-user.zip',
    'dist/templates/redshift-single-user.zip',
  ]);
  expect([...files].some((file) => file.startsWith('test/'))).toBe(false);
});

it('ships every file the package.json `exports` map names, for import and require', async () => {
  const manifest = JSON.parse(await readPacked('package.json')) as { exports: Record<string, unknown> };
  const targets = (entry: unknown): string[] =>
    typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, unknown>).flatMap(targets);
  const missing = Object.entries(manifest.exports).flatMap(([subpath, entry]) =>
    targets(entry)
      .map((target) => target.replace(/^\.\//, ''))
      .filter((target) => !files.has(target))
      .map((target) => `${subpath} -> ${target}`),
  );
  expect(missing).toEqual([]);
});
