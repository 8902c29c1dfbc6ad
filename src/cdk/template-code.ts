import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError } from '../shared/errors.js';
import { PACKAGE_NAME, findPackageRoot } from '../shared/package-root.js';

/** The rotation templates this package builds (`templates/<name>/index.ts`). */
const ROTATION_TEMPLATES = [
  'postgres-single-user',
  'postgres-multi-user',
  'mysql-single-user',
  'mysql-multi-user',
  'redshift-single-user',
  'redshift-multi-user',
  'redis-single-user',
  'redis-dual-password',
] as const;

type RotationTemplateName = (typeof ROTATION_TEMPLATES)[number];

function isRotationTemplateName(value: unknown): value is RotationTemplateName {
  return typeof value === 'string' && (ROTATION_TEMPLATES as readonly string[]).includes(value);
}

/** Whether a template rotates with a superuser secret (alternating users; every Redis template). */
function isMultiUserTemplate(template: RotationTemplateName): boolean {
  return template.endsWith('-multi-user') || template.startsWith('redis-');
}

/** The package root (see shared/package-root.ts); a ConfigurationError naming `code` if not found. */
function packageRootOrThrow(from: string = __dirname): string {
  const root = findPackageRoot(from);
  if (root) return root;
  throw new ConfigurationError('code', `a lambda.Code (the ${PACKAGE_NAME} package root was not found)`);
}

/** Path of a template's deployable zip, as `npm run build:templates` writes it. */
function templateZipPath(template: RotationTemplateName, packageRoot: string = packageRootOrThrow()): string {
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

export { ROTATION_TEMPLATES, isMultiUserTemplate, isRotationTemplateName, templateCode, templateZipPath };
export type { RotationTemplateName };
