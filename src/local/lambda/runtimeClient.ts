import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MissingDependencyError } from '../../shared/errors.js';

/** What runs a zip the way the Lambda Node.js runtime does: a Node.js 22 and AWS's runtime client. */
interface LambdaRuntimeClient {
  /** The `node` executable (Node.js 22 or later: what `aws-lambda-ric@4` needs). */
  readonly node: string;
  /** `aws-lambda-ric`'s entry point (`index.mjs`), the runtime of AWS's Node.js base images. */
  readonly entry: string;
  /** The folder holding the runtime client: LAMBDA_RUNTIME_DIR. */
  readonly runtimeDir: string;
}

const NEEDED_FOR = 'Running a rotation function from its zip under the Lambda runtime';
const MIN_NODE_MAJOR = 22;

function nodeMajor(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

/**
 * Finds `aws-lambda-ric` in `<dir>/node_modules` for each of `dirs` in turn (default: the current
 * directory), and the Node.js 22 that runs it: the `node` package installed beside it (npm's
 * `node@22`), else this process's own Node.js when it is 22 or later.
 */
function findLambdaRuntimeClient(dirs: readonly string[] = [process.cwd()]): LambdaRuntimeClient {
  for (const dir of dirs) {
    const modules = join(resolve(dir), 'node_modules');
    const entry = join(modules, 'aws-lambda-ric', 'index.mjs');
    if (!existsSync(entry)) continue;
    const bundledNode = join(modules, 'node', 'bin', 'node');
    const node = existsSync(bundledNode)
      ? bundledNode
      : nodeMajor(process.version) >= MIN_NODE_MAJOR
        ? process.execPath
        : undefined;
    if (!node)
      throw new MissingDependencyError(
        'node',
        NEEDED_FOR,
        `aws-lambda-ric needs Node.js ${MIN_NODE_MAJOR} (this is ${process.version}): run under it, or \`npm install node@${MIN_NODE_MAJOR}\` beside aws-lambda-ric in ${dir}`,
      );
    return { node, entry, runtimeDir: dirname(entry) };
  }
  throw new MissingDependencyError(
    'aws-lambda-ric',
    NEEDED_FOR,
    `\`npm install --save-dev aws-lambda-ric@4\` (its install builds a native part: it needs cmake, make and a C++ compiler) and run it under Node.js ${MIN_NODE_MAJOR}, or install npm's node@${MIN_NODE_MAJOR} beside it (which links a \`node\` into node_modules/.bin); looked in ${dirs.map((d) => join(d, 'node_modules')).join(', ')}`,
  );
}

export { findLambdaRuntimeClient };
export type { LambdaRuntimeClient };
