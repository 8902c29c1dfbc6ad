import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError } from '../shared/errors.js';

/** The rotation templates this package builds (`templates/<name>/index.ts`). */
const ROTATION_TEMPLATES = [
  'postgres-single-user',
  'postgres-multi-user',
  'mysql-single-user',
  'mysql-multi-user',
] as const;

type RotationTemplateName = (typeof ROTATION_TEMPLATES)[number];

const PACKAGE_NAME = 'rotation-kit';

function isRotationTemplateName(value: unknown): value is RotationTemplateName {
  return typeof value === 'string' && (ROTATION_TEMPLATES as readonly string[]).includes(value);
}

/** Whether a template rotates with a superuser secret (the alternating-users strategy). */
function isMultiUserTemplate(template: RotationTemplateName): boolean {
  return template.endsWith('-multi-user');
}

/**
 * The folder holding rotation-kit's package.json: found by walking up, because this file runs both
 * from `src/cdk` (tests) and `dist/src/cdk` (the published package).
 */
function findPackageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) {
      throw new ConfigurationError('code', `a lambda.Code (the ${PACKAGE_NAME} package root was not found)`);
    }
  }
}

function readPackageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/** Path of a template's deployable zip, as `npm run build:templates` writes it. */
function templateZipPath(template: RotationTemplateName, packageRoot: string = findPackageRoot()): string {
  return join(packageRoot, 'dist', 'templates', `${template}.zip`);
}

/**
 * The built zip of a template as a Lambda asset. Throws a ConfigurationError naming `code` when the
 * zip is missing, rather than CDK's bare "Cannot find asset".
 */
function templateCode(template: RotationTemplateName, packageRoot?: string): Code {
  const zip = templateZipPath(template, packageRoot);
  if (!existsSync(zip)) {
    throw new ConfigurationError(
      'code',
      `a lambda.Code, or the built template at ${zip} (run "npm run build:templates")`,
    );
  }
  return Code.fromAsset(zip);
}

export {
  ROTATION_TEMPLATES,
  findPackageRoot,
  isMultiUserTemplate,
  isRotationTemplateName,
  templateCode,
  templateZipPath,
};
export type { RotationTemplateName };
