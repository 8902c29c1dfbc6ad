/**
 * `rotation-kit/cdk`: deploy a rotation template with the AWS CDK. Needs the optional peer
 * dependencies `aws-cdk-lib` and `constructs`.
 */
export { RotationFunction } from './rotation-function.js';
export type { RotationFunctionProps } from './rotation-function.js';
export { ROTATION_TEMPLATES, templateCode, templateZipPath } from './template-code.js';
export type { RotationTemplateName } from './template-code.js';
