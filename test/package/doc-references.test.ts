// The project's documents are its own: every relative link in a markdown document, and every path
// of a markdown document named in a document or a source file (such as
// docs/secrets-manager-semantics.md), resolves to a file inside the repository. A reference to a
// document the project does not contain (one beside the repository, for example) fails here.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { relativeLinks } from './support/markdown.js';

const REPO = resolve(__dirname, '../..');
/** Installed, built or generated trees: not the project's own text. */
const SKIPPED = new Set(['.git', 'node_modules', 'dist', 'coverage', 'cdk.out', '.tmp']);
const TEXT = /\.(md|ts|mts|cts|js|mjs|cjs|json|ya?ml|sh)$/;
/** A path with at least one directory that ends in `.md`, not part of a URL or a longer path. */
const MARKDOWN_PATH = /(?<![\w./:-])((?:\.\.?\/)*[\w@-]+(?:\/[\w.@-]+)+\.md)\b/g;

function projectFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return projectFiles(path);
    return TEXT.test(entry.name) ? [path] : [];
  });
}

const insideRepository = (path: string): boolean => path.startsWith(`${REPO}${sep}`) && existsSync(path);
const files = projectFiles(REPO);
const show = (file: string, target: string) => `${relative(REPO, file)} -> ${target}`;

it('resolves every relative link of every markdown document inside the repository', () => {
  const markdown = files.filter((file) => file.endsWith('.md'));
  const broken = markdown.flatMap((file) =>
    relativeLinks(readFileSync(file, 'utf8'))
      .map((link) => link.split('#')[0] as string)
      .filter((target) => target !== '' && !insideRepository(resolve(dirname(file), target)))
      .map((target) => show(file, target)),
  );
  expect([...new Set(broken)]).toEqual([]);
  expect(markdown.length).toBeGreaterThan(10);
});

it('names only markdown documents the repository contains, in documents and in sources', () => {
  const missing = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(MARKDOWN_PATH)]
      .map((match) => match[1] as string)
      // A path is written relative to its file (a link) or to the repository root (prose, comments).
      .filter((path) => ![resolve(dirname(file), path), resolve(REPO, path)].some(insideRepository))
      .map((path) => show(file, path)),
  );
  expect([...new Set(missing)]).toEqual([]);
});
