/**
 * `rotation-kit/cdk`: deploy rotation functions with the AWS CDK. Needs the optional peer
 * dependencies `aws-cdk-lib` and `constructs`.
 */
export { RotationFunction } from './rotation-function.js';
export type { AddSecretOptions, PasswordSource, RotationFunctionProps } from './rotation-function.js';
export type { RotationScheduleOptions } from './schedule.js';
export { NO_ROUTE_WARNING } from './network.js';
export { ROTATION_STRATEGIES } from './strategy.js';
export type { ChangedBy, RotationStrategyName } from './strategy.js';
export { ROTATION_TEMPLATES, templateCode, templateZipPath } from './template-code.js';
export type { RotationTemplateName } from './template-code.js';
